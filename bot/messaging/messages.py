"""Typed events that cross the boundary between platform adapters and the core.

Adapters translate whatever their platform delivers into these, and the core answers
only with these, so the dispatcher and handlers never see a platform object.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from bot.messaging.parts import Mention, Text
from bot.vocabulary import News


class MessageKind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    FILE = "file"


class MediaSource(Protocol):
    """How the adapter that delivered a photo gets its bytes, later, off the handling path:
    ``fetch`` downloads (and decrypts) at most ``limit`` bytes or raises; ``later`` runs a
    coroutine in the background, owned by the adapter (which ends it on stop)."""

    async def fetch(self, limit: int) -> bytes: ...

    def later(self, work: Coroutine[Any, Any, None]) -> None: ...


@dataclass(frozen=True, slots=True)
class Media:
    """What the platform gave about a photo: a link to keep on the ticket (WeCom's
    ``image.url``; None where there is none) and, where the bot may download it, the way to
    (never journalled or compared: a replayed message keeps the link only)."""

    url: str | None = None
    source: MediaSource | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """One message a person sent, in a group (``chat_id``) or privately (``chat_id`` None).

    ``message_id`` is the platform's own id: the core records it so that a message
    delivered twice is handled once. ``quote_id`` names the message being replied to when
    the platform says so; WeChat only gives the quoted text, which lands in ``quote_text``.
    """

    platform: str
    message_id: str
    chat_id: str | None
    sender_id: str
    text: str
    at: datetime
    sender_name: str | None = None
    mentions: tuple[str, ...] = ()
    mentions_bot: bool = False
    quote_id: str | None = None
    quote_text: str | None = None
    kind: MessageKind = MessageKind.TEXT
    # The group's name as the platform shows it, when the adapter knows it cheaply; only
    # used to help an admin recognise a group the config does not list yet.
    chat_name: str | None = None
    # An image's link and download (``kind`` IMAGE); None for everything else.
    media: Media | None = None

    @property
    def is_direct(self) -> bool:
        return self.chat_id is None

    @property
    def reply_chat(self) -> str:
        """Where an answer to this message goes: the group, or the sender's private chat."""
        return self.chat_id if self.chat_id is not None else dm_chat(self.sender_id)


@dataclass(frozen=True, slots=True)
class MemberJoined:
    """Someone joined a group; only used for the optional welcome line.

    ``welcome`` is the line the platform's settings give newcomers ("" for none) and
    ``welcome_ids`` the newcomers not welcomed before; the core sends it through the
    outbox like every other message, so it obeys quiet hours, rate limits and retries.
    """

    platform: str
    chat_id: str
    member_ids: tuple[str, ...]
    at: datetime
    member_names: tuple[str, ...] = ()
    welcome: str = ""
    welcome_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Connected:
    """An adapter (re)connected and can send again.

    Replies that failed during the outage would otherwise wait out their retry backoff
    (up to minutes); this tells the core to send them now.
    """

    platform: str
    at: datetime


InboundEvent = IncomingMessage | MemberJoined | Connected


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the core did with one message, as the adapter that delivered it learns it:
    for logs and tests, and so a platform waiting to thread an answer knows whether one
    is coming."""

    status: str  # handled | silent | duplicate | ignored
    handler: str | None = None
    queued: int = 0
    # How many of the queued messages answer the message in its own chat (reply_to set):
    # zero means a platform waiting to thread an answer can let go at once.
    answers: int = 0


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """Something the bot wants said. ``chat`` is a group id or ``dm:<user id>``.

    ``attachment`` is a local file path for image/file messages; adapters that cannot send
    files fall back to the text, which must make sense on its own.
    """

    chat: str
    text: str
    mentions: tuple[str, ...] = ()
    urgent: bool = False
    ticket_id: int | None = None
    kind: MessageKind = MessageKind.TEXT
    attachment: str | None = None
    platform: str | None = None
    # The platform id of the inbound message this answers (set by the dispatcher for
    # replies to the chat the message came from); platforms that thread replies use it.
    reply_to: str | None = None
    # The text as parts, with the people it names as mentions (``text`` is its plain
    # rendering). None for a message written as plain text: its mentions are not inline.
    body: Text | None = None
    # When quiet hours hold this group message, the people it mentions are told privately
    # at once (the outbox decides the hold, when it sends).
    copy_when_held: bool = False
    # What this tells about ``ticket_id``: a held message goes out in the morning only
    # while it is still news, and a confirmation to the person who just spoke never waits.
    news: News | None = None

    @classmethod
    def say(
        cls, chat: str, body: str | Text, *, mentions: tuple[str, ...] | None = None,
        **kw: Any,
    ) -> OutgoingMessage:
        """A message from parts; ``mentions`` (who is notified) defaults to those named."""
        text = Text.of(body)
        notify = text.mentions if mentions is None else mentions
        return cls(chat=chat, text=text.plain, mentions=notify, body=text, **kw)

    def retold(self, body: str | Text) -> OutgoingMessage:
        """The same message with another text."""
        text = Text.of(body)
        return replace(self, text=text.plain, body=text)

    @property
    def content(self) -> Text:
        return self.body if self.body is not None else Text.of(self.text)

    def render(self, tag: Callable[[Mention], str]) -> str:
        """The text with each mention of a notified person (one in ``mentions``) rendered
        by ``tag``; anyone else named keeps a plain "@name"."""
        notified = set(self.mentions)
        return self.content.render(lambda m: tag(m) if m.person_id in notified else str(m))

    def mentions_not_inline(self) -> tuple[str, ...]:
        """Notified ids the text does not name where they stand."""
        inline = set(self.content.mentions)
        return tuple(m for m in self.mentions if m not in inline)


@dataclass(frozen=True, slots=True)
class SentMessage:
    """What an adapter reports after a successful send: the platform's id for the message."""

    platform_message_id: str | None = None


@dataclass(slots=True)
class Reply:
    """A handler's answer: the messages to queue, in order. Empty means stay silent."""

    messages: list[OutgoingMessage] = field(default_factory=list)


DM_PREFIX = "dm:"


def dm_chat(user_id: str) -> str:
    return f"{DM_PREFIX}{user_id}"


def dm_user(chat: str) -> str | None:
    """The user id of a private chat address, or None for a group."""
    return chat[len(DM_PREFIX) :] if chat.startswith(DM_PREFIX) else None
