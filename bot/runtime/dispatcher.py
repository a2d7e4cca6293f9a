"""From an inbound message to queued replies, in one transaction.

Order matters: a worker's "接单" must never be read as a report, and a resident's "满意"
must reach the rating before anything else looks at it; chatter falls through everything
and gets no reply. The routes and their order are declared in ``handlers/__init__.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from bot.config import Config
from bot.domain.tickets import Tickets
from bot.messaging.messages import IncomingMessage, MemberJoined, Outcome, OutgoingMessage
from bot.messaging.privacy import redact
from bot.messaging.textnorm import head, normalise, scrub
from bot.runtime.clock import Clock
from bot.runtime.context import Context, Sender
from bot.runtime.outbox import queue
from bot.triage import TriageEngine, TriageResult
from bot.vocabulary import Role
from storage.db import Database
from storage.directory import DirectoryStore
from storage.models import InboundMessageRow
from storage.repo import Store

log = logging.getLogger(__name__)

Handler = Callable[[Context], Awaitable[list[OutgoingMessage] | None]]


class DirectoryChanged(Exception):
    """The stored directory changed since this process loaded it: nothing was done with
    the message; reload the directory (``bot.domain.directory.refresh``) and handle it
    again."""


# Answers a message from a group the config does not list; None for everything else.
UnlistedHandler = Callable[[Config, IncomingMessage, Role], list[OutgoingMessage] | None]


def answering(
    message: IncomingMessage, replies: Sequence[OutgoingMessage]
) -> list[OutgoingMessage]:
    """Replies to the chat a message came from carry its id, so a platform that threads
    replies answers this message and not whichever one happens to be waiting."""
    chat = message.reply_chat
    return [
        replace(r, reply_to=message.message_id) if r.chat == chat and r.reply_to is None else r
        for r in replies
    ]


def scrubbed(message: IncomingMessage) -> IncomingMessage:
    """The message as the core takes it: no control characters in any text or id (NUL
    breaks PostgreSQL, a lone surrogate every database), the same on both databases."""
    return replace(
        message,
        message_id=scrub(message.message_id) or "",
        chat_id=scrub(message.chat_id),
        sender_id=scrub(message.sender_id) or "",
        text=scrub(message.text) or "",
        sender_name=scrub(message.sender_name),
        quote_id=scrub(message.quote_id),
        quote_text=scrub(message.quote_text),
        chat_name=scrub(message.chat_name),
    )


class _Triaged:
    """The triage engine, with this message's answer worked out beforehand (off the event
    loop, see ``Dispatcher.prepare``); any other question goes to the engine."""

    def __init__(self, engine: TriageEngine, text: str, role: str, result: TriageResult) -> None:
        self._engine = engine
        self._text = text
        self._role = role
        self._result = result

    def triage(self, text: str, role: str = "resident") -> TriageResult:
        if role == self._role and (text is self._text or text == self._text):
            return self._result
        return self._engine.triage(text, role)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)


@dataclass(frozen=True, slots=True)
class Prepared:
    """The CPU-bound part of handling a message, done before its transaction: the text
    the handlers read (its head, normalised, phone and ID numbers masked before anything
    splits it)
    and its triage. ``App`` computes it in a worker thread, so a huge message never holds
    up the event loop, and with it the other chats."""

    text: str
    triage: TriageEngine


class Dispatcher:
    def __init__(
        self,
        config: Config,
        db: Database,
        clock: Clock,
        triage: TriageEngine,
        handlers: Sequence[Handler],
        unlisted: UnlistedHandler | None = None,
    ) -> None:
        self.config = config
        self.db = db
        self.clock = clock
        self.triage = triage
        self.handlers = list(handlers)
        self.unlisted = unlisted
        self._unknown_groups: set[str] = set()

    def sender_of(self, message: IncomingMessage) -> Sender:
        person = self.config.person(message.sender_id)
        if person:
            return Sender(person.id, person.name, person.role, self.config.grids_of(person.id))
        return Sender(message.sender_id, message.sender_name or "居民", Role.RESIDENT)

    def prepare(self, message: IncomingMessage) -> Prepared:
        """Pure computation, safe in a worker thread (the engine keeps no per-message
        state)."""
        text = redact(normalise(head(message.text)))
        if message.chat_id is not None and self.config.group(message.chat_id) is None:
            return Prepared(text, self.triage)  # not served: nothing will triage it
        role = self.sender_of(message).role
        result = self.triage.triage(text, role)
        return Prepared(text, _Triaged(self.triage, text, role, result))  # type: ignore[arg-type]

    async def dispatch(
        self,
        message: IncomingMessage,
        prepared: Prepared | None = None,
        *,
        check_directory: bool = False,
    ) -> Outcome:
        """Handle ``message`` in one transaction. With ``check_directory`` the stored
        directory's stamp is read in that transaction (with the chat's lock, one statement)
        and DirectoryChanged raised, nothing done, when it is not the one this process
        answers from: the caller reloads it and tries again (``App``)."""
        if message.chat_id is not None and self.config.group(message.chat_id) is None:
            if message.chat_id not in self._unknown_groups:
                self._unknown_groups.add(message.chat_id)
                log.info(
                    "ignoring group %s (%s): it is not in the config; `gridbot seen` lists it",
                    message.chat_id,
                    message.chat_name or "name unknown",
                )
            return await self._unlisted(message, check_directory)
        try:
            return await self._dispatch(
                message, prepared or self.prepare(message), check_directory
            )
        except IntegrityError:
            # Another worker stored the same platform message first: it is a redelivery.
            # Any other constraint broken is a bug and must not pass for one.
            if await self._stored(message):
                return Outcome("duplicate")
            raise

    async def _stored(self, message: IncomingMessage) -> bool:
        """Whether the inbound table holds ``message`` (checked afresh, after a rollback)."""
        async with self.db.transaction() as session:
            if not await Store(session).inbound_exists(message.platform, message.message_id):
                return False
            await Store(session).unjournal_inbound(message.platform, message.message_id)
            return True

    async def welcome(self, event: MemberJoined) -> int:
        """Queue the welcome line for a served group's newcomers; how many were queued."""
        group = self.config.group(event.chat_id)
        if group is None or not event.welcome or not event.welcome_ids:
            return 0
        message = OutgoingMessage(
            chat=event.chat_id,
            text=event.welcome,
            mentions=event.welcome_ids,
            platform=event.platform,
        )
        async with self.db.transaction() as session:
            return await queue(Store(session), [message], self.clock.now())

    async def _unlisted(self, message: IncomingMessage, check_directory: bool) -> Outcome:
        """A group the config does not list: note who and where (never what), so an admin
        can find its id with `gridbot seen`; answer only a private id request."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            store = Store(session)
            if check_directory:  # the group may have been added on the console just now
                self._check_directory(await DirectoryStore(session).stamp(), True)
            await store.unjournal_inbound(message.platform, message.message_id)
            await self._note_strangers(store, message, now)
            role = self.config.role_of(message.sender_id)
            replies = self.unlisted(self.config, message, role) if self.unlisted else None
            if not replies:
                return Outcome("ignored")
            queued = await queue(store, replies, now)
            return Outcome("handled", "ids", queued)

    async def _note_strangers(self, store: Store, message: IncomingMessage, now: datetime) -> None:
        if message.chat_id is not None and self.config.group(message.chat_id) is None:
            await store.record_seen(
                "group", message.chat_id, message.platform, message.chat_name, now
            )
        if self.config.person(message.sender_id) is None:
            await store.record_seen(
                "person", message.sender_id, message.platform, message.sender_name, now
            )

    def _check_directory(self, stamp: tuple[str, int] | None, check: bool) -> None:
        """Raise DirectoryChanged when the stored directory is not the one this process
        answers from (changed on the console, or by another process)."""
        if check and stamp is not None and stamp != self.config.directory.stamp:
            raise DirectoryChanged(stamp)

    async def _dispatch(
        self, message: IncomingMessage, prepared: Prepared, check_directory: bool
    ) -> Outcome:
        now = self.clock.now()
        async with self.db.transaction() as session:
            store = Store(session)
            # One chat's messages one at a time across processes: the duplicate check
            # below and intake's "same problem already open?" read, then write.
            stamp = await store.lock_chat(message.reply_chat)
            self._check_directory(stamp, check_directory)
            # Handled with this transaction: the journal row goes with it, atomically.
            # A resident is never listed: their name is kept and they count in `seen`.
            sender = self.sender_of(message)
            resident = sender.id if sender.is_resident else None
            if await store.take_inbound(
                message.platform, message.message_id,
                resident=resident, name=message.sender_name, at=now,
            ):
                return Outcome("duplicate")
            inbound = await store.add_inbound(
                InboundMessageRow(
                    platform=message.platform,
                    platform_msg_id=message.message_id,
                    chat_id=message.chat_id,
                    sender_id=message.sender_id,
                    # What a resident said in passing is never stored (issue 15, privacy):
                    # the text is kept below once something was done with the message.
                    # Stored blank from the start, chatter costs no second write.
                    text="",
                    kind=message.kind.value,
                    received_at=now,
                )
            )
            ctx = Context(
                config=self.config,
                store=store,
                tickets=Tickets(store, now),
                triage=prepared.triage,
                message=message,
                inbound=inbound,
                sender=sender,
                text=prepared.text,
                now=now,
            )
            for handler in self.handlers:
                replies = await handler(ctx)
                if replies is None:
                    continue
                name = handler.__module__.rsplit(".", 1)[-1]
                inbound.handled_by = name
                inbound.text = message.text
                outgoing = answering(message, replies)
                queued = await queue(store, outgoing, now)
                answers = sum(1 for r in outgoing if r.reply_to == message.message_id)
                return Outcome("handled" if queued else "silent", name, queued, answers)
            if inbound.ticket_id is not None:
                inbound.text = message.text
            # Else nothing was done with it: only the id and metadata deduplication needs.
            return Outcome("silent")
