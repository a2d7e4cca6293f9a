"""Translation between the AI bot's JSON message bodies and GridBot's typed events.

Both the WebSocket and the callback mode deliver the same body (msgid, chatid, chattype,
from.userid, msgtype, text.content ...), so both adapters share this module and cannot
drift apart in how they read a message or address a reply.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from bot.messaging.messages import (
    IncomingMessage,
    Media,
    MessageKind,
    OutgoingMessage,
    dm_user,
)
from bot.runtime.clock import Clock

log = logging.getLogger(__name__)

PLATFORM = "wecom"
CHAT_TYPE_SINGLE = 1
CHAT_TYPE_GROUP = 2
# WeCom puts U+2005 (four-per-em space) or NBSP after an @mention.
_SPACE = "[\\s\u2005\u00a0\u3000]"
_ZWSP = "\u200b"


class BadMessage(ValueError):
    """A body that claims to be a message but lacks what a ticket needs (id, sender, chat)."""


def strip_bot_mention(text: str, bot_names: Iterable[str]) -> tuple[str, bool]:
    """Remove "@<bot name>" wherever it appears; report whether one was found.

    Longest names first, so "@网格助手小区版" is not left as "小区版" by "@网格助手".
    """
    found = False
    for name in sorted({n for n in bot_names if n}, key=len, reverse=True):
        pattern = re.compile("@" + re.escape(name) + f"(?:{_SPACE}+|$)")
        text, count = pattern.subn(" ", text)
        found = found or count > 0
    return re.sub(f"{_SPACE}+", " ", text).strip() if found else text.strip(), found


def parse_message(
    body: Mapping[str, Any], *, clock: Clock, bot_names: Iterable[str]
) -> IncomingMessage | None:
    """An IncomingMessage, or None for bodies that are not a person's message (events,
    stream refreshes, unknown types). Raises BadMessage for a broken message body.

    In groups the AI bot only ever receives messages that @-mention it, so every group
    message counts as addressed to the bot, whether or not we recognise the name used.
    """
    msgtype = body.get("msgtype")
    if msgtype in ("event", "stream") or msgtype is None:
        return None
    msgid = body.get("msgid")
    sender = (
        (body.get("from") or {}).get("userid") if isinstance(body.get("from"), Mapping) else None
    )
    if not isinstance(msgid, str) or not msgid or not isinstance(sender, str) or not sender:
        raise BadMessage("msgid or from.userid missing")
    chattype = body.get("chattype", "single")
    chat_id: str | None = None
    if chattype == "group":
        chat_id = body.get("chatid")
        if not isinstance(chat_id, str) or not chat_id:
            raise BadMessage("group message without chatid")
    elif chattype != "single":
        raise BadMessage(f"unknown chattype {chattype!r}")

    kind, text = _content(msgtype, body)
    if kind is None:
        log.info("wecom: ignoring message %s of unsupported type %r", msgid, msgtype)
        return None
    mentioned = False
    if chat_id is not None:
        text, mentioned = strip_bot_mention(text, bot_names)
        if not mentioned and text.startswith("@"):
            # Only the name used, never the rest of what a resident wrote.
            log.warning(
                "wecom: group message %s mentions the bot as %r, a name not in [wecom] "
                "bot_names; add the bot's display name so the mention is stripped",
                msgid,
                re.split(_SPACE, text, maxsplit=1)[0][:20],
            )
    photo = image_ref(body)
    if kind is MessageKind.TEXT and not text and photo is not None:
        kind = MessageKind.IMAGE  # "@网格助手" and a photo: in a group, that is how one comes
    return IncomingMessage(
        platform=PLATFORM,
        message_id=msgid,
        chat_id=chat_id,
        sender_id=sender,
        text=text,
        at=_when(body.get("create_time"), clock),
        mentions_bot=chat_id is not None,
        quote_text=_quote(body.get("quote")),
        kind=kind,
        media=Media(url=photo[0]) if kind is MessageKind.IMAGE and photo else None,
    )


def image_ref(body: Mapping[str, Any]) -> tuple[str, str | None] | None:
    """(url, aeskey) of the message's photo: an ``image`` message's, or a ``mixed`` one's
    first; None without one. The aeskey comes on the long connection only."""
    msgtype = body.get("msgtype")
    part = body.get(msgtype) if isinstance(msgtype, str) else None
    image: Any = None
    if msgtype == "image":
        image = part
    elif msgtype == "mixed" and isinstance(part, Mapping):
        items = part.get("msg_item") or []
        image = next(
            (
                i.get("image")
                for i in items
                if isinstance(i, Mapping) and i.get("msgtype") == "image"
            ),
            None,
        )
    if not isinstance(image, Mapping) or not isinstance(image.get("url"), str):
        return None
    aeskey = image.get("aeskey")
    return str(image["url"]), aeskey if isinstance(aeskey, str) and aeskey else None


def _content(msgtype: str, body: Mapping[str, Any]) -> tuple[MessageKind | None, str]:
    part = body.get(msgtype)
    part = part if isinstance(part, Mapping) else {}
    if msgtype in ("text", "voice"):  # voice arrives already transcribed
        return MessageKind.TEXT, str(part.get("content") or "")
    if msgtype == "image":
        return MessageKind.IMAGE, ""
    if msgtype == "file":
        return MessageKind.FILE, ""
    if msgtype == "mixed":
        items = part.get("msg_item") or []
        texts = [
            str((i.get("text") or {}).get("content") or "")
            for i in items
            if isinstance(i, Mapping) and i.get("msgtype") == "text"
        ]
        has_image = any(isinstance(i, Mapping) and i.get("msgtype") == "image" for i in items)
        text = "\n".join(t for t in texts if t)
        return (MessageKind.TEXT if text or not has_image else MessageKind.IMAGE), text
    return None, ""


def _quote(quote: Any) -> str | None:
    if not isinstance(quote, Mapping):
        return None
    kind, text = _content(str(quote.get("msgtype")), quote)
    return text or None if kind is not None else None


def _when(create_time: Any, clock: Clock) -> datetime:
    if (
        isinstance(create_time, int | float)
        and not isinstance(create_time, bool)
        and create_time > 0
    ):
        seconds = create_time / 1000 if create_time > 1e11 else create_time
        return datetime.fromtimestamp(seconds, UTC)
    return clock.now()


def chat_target(chat: str) -> tuple[str, int]:
    """(chatid, chat_type) for aibot_send_msg: a private chat is addressed by the userid."""
    user = dm_user(chat)
    return (user, CHAT_TYPE_SINGLE) if user is not None else (chat, CHAT_TYPE_GROUP)


def render_markdown(message: OutgoingMessage, limit_bytes: int) -> str:
    """The AI bot only sends markdown, where a ticket line "#12 ..." would become a heading.

    A zero-width space before a leading '#' or '>' keeps the text exactly as written.
    Mentions become ``<@userid>``, which WeCom renders as a real @: a mention in the
    message's parts becomes the tag where it stands, and only mentions not named in the
    text get a tag in front, so nobody is mentioned twice.
    """
    rendered = message.render(lambda mention: f"<@{mention.person_id}>")
    lines = [
        (_ZWSP + line) if line.startswith(("#", ">")) else line for line in rendered.split("\n")
    ]
    text = "\n".join(lines)
    leading = message.mentions_not_inline()
    if leading:
        text = " ".join(f"<@{m}>" for m in leading) + " " + text
    return truncate_utf8(text, limit_bytes)


def truncate_utf8(text: str, limit_bytes: int) -> str:
    raw = text.encode("utf-8")
    if len(raw) <= limit_bytes:
        return text
    log.warning("wecom: message of %d bytes cut to the platform limit of %d", len(raw), limit_bytes)
    cut = raw[: max(0, limit_bytes - 3)].decode("utf-8", errors="ignore")
    return cut + "…"


# Codes that mean "try again later": system busy, frequency limits. Anything else in the
# 4xxxx/9xxxx parameter ranges (bad chat, bad content, bad webhook key) will fail the same
# way every time, so the outbox should stop retrying it. Unknown codes are retried: a
# message kept too long is better than a message lost.
_TRANSIENT_CODES = frozenset({-1, 45009, 45033, 45011, 44004})


def errcode_is_permanent(code: int) -> bool:
    if code in _TRANSIENT_CODES:
        return False
    return 40000 <= code < 50000 or 90000 <= code < 100000


class ChatBook:
    """Which chats this adapter can reach: configured WeCom groups plus every group and
    private chat that has written to the bot (the AI bot can only push to those)."""

    def __init__(self, groups: Iterable[str] = ()) -> None:
        self._chats: set[str] = set(groups)

    def add(self, chat: str) -> None:
        self._chats.add(chat)

    def __contains__(self, chat: object) -> bool:
        return chat in self._chats


def expects_answer(outcome: object) -> bool:
    """Whether the core promised an answer in a message's own chat.

    The core's inbound callback returns a ``bot.runtime.dispatcher.Outcome`` (``status``, and
    ``answers``: how many queued messages answer this one in its chat), or None when no
    answer is known yet (a message whose handling failed and waits for a retry: the
    retry's replies are pushed). Only a handled message with answers keeps its reply slot;
    every other one lets go of it at once.
    """
    answers = getattr(outcome, "answers", 0)
    return (
        getattr(outcome, "status", None) == "handled"
        and isinstance(answers, int)
        and answers > 0
    )


T = TypeVar("T")


@dataclass(slots=True, eq=False)
class ReplySlot(Generic[T]):
    """One way to answer one inbound message (a req_id, a response_url) until ``expires``."""

    message_id: str
    chat: str
    value: T
    expires: datetime


class ReplySlots(Generic[T]):
    """Ways to answer inbound messages, keyed by the platform message id they answer.

    A reply names the message it answers (``OutgoingMessage.reply_to``) and gets exactly
    that message's slot, or none: never another message's, which would thread an answer
    under someone else's words. Bounded: expired slots go when a new one comes, and past
    ``limit`` the oldest goes first. Times come from the adapter's clock.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("ReplySlots needs room for at least one slot")
        self.limit = limit
        self._slots: OrderedDict[str, ReplySlot[T]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, message_id: object) -> bool:
        return message_id in self._slots

    def open(
        self,
        message_id: str,
        chat: str,
        value: T,
        *,
        expires: datetime,
        now: datetime,
        replace: bool = False,
    ) -> ReplySlot[T] | None:
        """Keep a way to answer ``message_id``. A message delivered again keeps its first
        slot (None is returned) unless ``replace``: its answer may be on its way to it."""
        self._prune(now)
        existing = self._slots.get(message_id)
        if existing is not None:
            if not replace:
                return None
            del self._slots[message_id]
        while len(self._slots) >= self.limit:
            self._slots.popitem(last=False)
        slot = ReplySlot(message_id, chat, value, expires)
        self._slots[message_id] = slot
        return slot

    def take(self, message_id: str | None, chat: str, now: datetime) -> ReplySlot[T] | None:
        """The slot of exactly this message in this chat, used up; None if there is none
        or it expired."""
        if not message_id:
            return None
        slot = self._slots.get(message_id)
        if slot is None or slot.chat != chat:
            return None
        del self._slots[message_id]
        return slot if slot.expires > now else None

    def take_newest(self, chat: str, now: datetime) -> ReplySlot[T] | None:
        """Any live slot of the chat, the newest (the least likely to expire in flight)."""
        for message_id in reversed(list(self._slots)):
            slot = self._slots[message_id]
            if slot.chat != chat:
                continue
            del self._slots[message_id]
            if slot.expires > now:
                return slot
        return None

    def release(self, slot: ReplySlot[T]) -> None:
        """Let go of a slot nobody will answer through (if it is still the one kept)."""
        if self._slots.get(slot.message_id) is slot:
            del self._slots[slot.message_id]

    def clear(self) -> None:
        self._slots.clear()

    def _prune(self, now: datetime) -> None:
        while self._slots:
            oldest = next(iter(self._slots.values()))
            if oldest.expires > now:
                return
            del self._slots[oldest.message_id]
