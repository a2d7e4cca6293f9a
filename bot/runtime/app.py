"""One App holds the config, database, clock, adapters and the loop between them.

The App runs the routes and timer kinds it is given and knows no handler by name; the
composition root (``bot.cli.wiring.build_app``) passes in those ``handlers`` declares.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta

from bot.config import Config
from bot.domain import directory
from bot.messaging.adapter import Adapter
from bot.messaging.messages import Connected, InboundEvent, IncomingMessage, MemberJoined
from bot.runtime import journal
from bot.runtime.clock import Clock, FakeClock
from bot.runtime.dispatcher import (
    DirectoryChanged,
    Dispatcher,
    Handler,
    Outcome,
    UnlistedHandler,
    scrubbed,
)
from bot.runtime.inbound import RetryPolicy, RetryQueue, describe_error, is_passing
from bot.runtime.outbox import OutboxSender
from bot.runtime.timers import TimerHandler, TimerService
from bot.triage import TriageEngine
from storage.db import Database, lock_schema
from storage.models import FailedMessageRow
from storage.repo import Store

log = logging.getLogger(__name__)

RETRY_POLL_SECONDS = 5.0
# An outbox row due this long and claimed by no process waits for a process that holds its
# chat (or its platform's account): the status line and `gridbot failed` count it.
UNCLAIMED_AFTER = timedelta(minutes=10)
STATUS_REFRESH = timedelta(minutes=1)  # how often the background sender recounts those
# How long ``stop`` lets the background sender finish the round it is in before cutting
# it off: a round cut mid-transaction leaves its connection for the garbage collector.
SENDER_GRACE_SECONDS = 5.0
# A message found the directory changed under it this many times in a row (the console
# busy at that very moment) is handled with the one loaded last.
DIRECTORY_RETRIES = 3


# Run on every start, after the directory is loaded, in one transaction: e.g. keep the
# report and daily-duty timers armed. Each must be idempotent.
StartHook = Callable[[Store, Config, datetime], Awaitable[None]]


def _buildings(config: Config) -> tuple[str, ...]:
    return tuple(b for grid in config.directory.grids for b in grid.buildings)


class App:
    """The bot. Events go in through ``handle``; replies leave through the adapters.

    Adapters deliver through ``handle_event``, which never loses a message: one the core
    fails on is retried, in order per chat, or set aside as a dead letter (``bot.runtime.inbound``;
    ``retry`` sets the delays). ``handle`` is the bare core for the simulator and tests:
    it raises what the core raises.

    ``handlers`` are the routes, tried in order; ``unlisted`` answers a message from a group
    the config does not list (None: ignore it); ``timer_handlers`` maps each timer kind to
    what fires it; ``on_start`` runs on every start (``prepare``).
    """

    def __init__(
        self,
        config: Config,
        db: Database,
        clock: Clock,
        adapters: Sequence[Adapter] = (),
        *,
        handlers: Sequence[Handler],
        timer_handlers: Mapping[str, TimerHandler],
        unlisted: UnlistedHandler | None = None,
        on_start: Sequence[StartHook] = (),
        triage: TriageEngine | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.config = config
        self.db = db
        self.clock = clock
        self.adapters = {a.platform: a for a in adapters}
        self.triage = triage or TriageEngine.from_config(config)
        # The engine knows the grids' buildings: one the App built itself is rebuilt when
        # the directory's buildings change (a test's own engine is left alone).
        self._buildings = _buildings(config) if triage is None else None
        self.dispatcher = Dispatcher(config, db, clock, self.triage, handlers, unlisted)
        self.timers = TimerService(db, config, clock, timer_handlers)
        self.on_start = list(on_start)
        self.sender = OutboxSender(db, clock, config, self.adapters)
        self._lock = asyncio.Lock()
        self._send_lock = asyncio.Lock()
        self._wake_sender = asyncio.Event()
        self._sender_task: asyncio.Task[None] | None = None
        self._stopping = False
        # Called after each handled message, e.g. to re-arm the scheduler's next wake-up.
        self.after_message: list[Callable[[], Awaitable[None]]] = []
        self.inbound = RetryQueue(
            self._handle_logged, self._dead_letter, clock, retry, status=self.inbound_status
        )
        self.unclaimed_outbox = 0  # see UNCLAIMED_AFTER; recounted by refresh_status
        self._counted_at: datetime | None = None
        self._unjournalled: set[tuple[str, str]] = set()  # journal write failed: memory only

    async def prepare(self) -> None:
        """Upgrade the schema, seed the directory from the config on the first start and
        load it; safe on every start."""
        await asyncio.to_thread(self.db.upgrade)
        async with self.db.transaction() as session:
            await session.run_sync(lambda s: lock_schema(s.connection()))  # one process at a time
            await directory.seed(Store(session), self.config, self.clock.now())
            for hook in self.on_start:
                await hook(Store(session), self.config, self.clock.now())
            self.inbound.failed = await Store(session).count_failed()
        await self._follow_buildings()  # the stored directory may differ from the file's
        if self.inbound.failed:
            log.warning(
                "%d message(s) could not be handled and wait in failed_messages; "
                "`gridbot failed` lists them", self.inbound.failed,
            )
        await self.refresh_status()
        if self.unclaimed_outbox:
            log.warning(
                "%d outbox message(s) wait for a process that holds their chat; "
                "`gridbot failed` lists them", self.unclaimed_outbox,
            )

    async def start(self, *, background_send: bool = False) -> None:
        """Connect the adapters. ``background_send`` lets a separate task drain the outbox,
        so a slow or rate-limited platform never holds up reading the next message; the
        simulator and tests send inline, which keeps their output in order."""
        await self.prepare()
        if background_send:
            self._sender_task = asyncio.create_task(self._send_loop(), name="gridbot-outbox")
        await self.replay_journal()  # before any new message, so each chat keeps its order
        for adapter in self.adapters.values():
            await adapter.start(self.handle_event)

    async def stop(self) -> None:
        for adapter in self.adapters.values():
            await adapter.stop()
        await self.inbound.close(kept=lambda m: self._journalled(m))
        if self._sender_task is not None:
            await self._stop_sender(self._sender_task)
            self._sender_task = None
        await self.db.close()

    async def _stop_sender(self, task: asyncio.Task[None]) -> None:
        """Let the sender end the round it is in and leave, so its session commits or
        rolls back and hands its connection back; cancel it only if the round hangs."""
        self._stopping = True
        self._wake_sender.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=SENDER_GRACE_SECONDS)
        except TimeoutError:
            log.warning("the outbox sender did not finish its round; stopping it")
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        finally:
            self._stopping = False

    async def handle_event(self, event: InboundEvent) -> Outcome | None:
        """What adapters call. For a message: its Outcome, or None when the core failed on
        it and it waits for retry (or behind an earlier message of its chat that does);
        it waits for room when too many messages wait already. Never raises for a failure
        of the core on a message."""
        if isinstance(event, Connected):
            await self.retry_now(event.platform)
            return None
        if isinstance(event, MemberJoined):
            await self.welcome(event)
            return None
        if not isinstance(event, IncomingMessage):
            return None
        message = scrubbed(event)
        await self._journal(message)
        return await self.inbound.submit(message)

    async def _journal(self, message: IncomingMessage) -> None:
        """Store the message as it arrived before anything is done with it (see
        ``bot.runtime.journal``). If the database cannot take it now, the message is
        handled all the same, through the retry queue, and waits in memory as before."""
        key = (message.platform, message.message_id)
        try:
            async with self._writer():
                await journal.record(self.db, message, self.clock.now())
        except Exception as exc:
            self._unjournalled.add(key)
            log.log(
                logging.WARNING if is_passing(exc) else logging.ERROR,
                "inbound: cannot journal message %s in %s (%s); it is handled from memory",
                message.message_id, message.reply_chat, describe_error(exc),
            )
        else:
            self._unjournalled.discard(key)

    def _journalled(self, message: IncomingMessage) -> bool:
        return (message.platform, message.message_id) not in self._unjournalled

    async def replay_journal(self) -> int:
        """Handle what an earlier run received and did not handle (it was killed, or
        stopped while messages waited for retry), oldest first; how many there were.
        A message that was handled after all is found handled and does nothing."""
        messages = await journal.unhandled(self.db)
        if messages:
            log.warning(
                "inbound: %d message(s) received but not handled before the last stop; "
                "handling them now, in the order they came", len(messages),
            )
        for message in messages:
            await self.inbound.submit(message)
        return len(messages)

    def inbound_status(self) -> str:
        """For status lines: messages waiting for retry, dead letters, and outbox rows no
        running process holds (as last counted, see ``refresh_status``)."""
        return (
            f"{self.inbound.status()}; outbox: {self.unclaimed_outbox} waiting for a process "
            "that holds their chat"
        )

    async def refresh_status(self) -> int:
        """Recount the outbox rows no running process has claimed (UNCLAIMED_AFTER)."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            count = await Store(session).count_unclaimed_outbox(now - UNCLAIMED_AFTER)
        self.unclaimed_outbox, self._counted_at = count, now
        return count

    async def welcome(self, event: MemberJoined) -> None:
        """The platform's welcome line for newcomers, queued like any other message."""
        async with self._lock:
            queued = await self.dispatcher.welcome(event)
        if queued:
            await self.flush()

    async def retry_now(self, platform: str) -> None:
        """A platform is back: what failed while it was down goes out now, not at its
        backoff time, which can be minutes away after a long outage."""
        async with self.db.transaction() as session:
            count = await Store(session).retry_failed_outbox(platform, self.clock.now())
        if count:
            log.info("%s is back; sending %d held message(s) now", platform, count)
            await self.flush()

    async def _dispatch(self, message: IncomingMessage) -> Outcome:
        """The CPU-bound part (normalising, masking, triage) in a worker thread, outside
        the App's lock; then the transaction under it. A long message of one chat so
        holds up no other chat (the thread gives the loop the GIL every few ms).
        The transaction checks the directory is current, so a change made on the console
        counts at once: if it is not, the directory is reloaded and the message prepared
        and handled again (a cheap check, folded into the transaction's first statement,
        instead of a transaction of its own before every message)."""
        for attempt in range(DIRECTORY_RETRIES + 1):
            prepared = await asyncio.to_thread(self.dispatcher.prepare, message)
            try:
                async with self._writer():
                    return await self.dispatcher.dispatch(
                        message, prepared, check_directory=attempt < DIRECTORY_RETRIES
                    )
            except DirectoryChanged:
                if await directory.refresh(self.db, self.config):
                    await self._follow_buildings()
        raise AssertionError("unreachable: the last attempt does not check the directory")

    def _writer(self) -> contextlib.AbstractAsyncContextManager[object]:
        """What a message's transaction runs under. SQLite has one writer at a time: the
        App's lock keeps this process's writes in line instead of letting them wait out
        each other's busy timeouts. PostgreSQL serialises what must be (one chat at a time,
        an advisory lock in the transaction), so other chats go on meanwhile, as they do
        across several processes; the retry queue keeps each chat's order."""
        return self._lock if self.db.is_sqlite else contextlib.nullcontext()

    async def _follow_buildings(self) -> None:
        """A building added to (or taken from) a grid on the console is known to triage
        from the next message: the engine is rebuilt off the loop (about half a second)."""
        if self._buildings is None or _buildings(self.config) == self._buildings:
            return
        engine = await asyncio.to_thread(TriageEngine.from_config, self.config)
        self._buildings = _buildings(self.config)
        self.triage = self.dispatcher.triage = engine

    async def handle(self, message: IncomingMessage) -> Outcome:
        message = scrubbed(message)
        outcome = await self._dispatch(message)
        if outcome.queued:
            await self.flush()
        for hook in self.after_message:
            await hook()
        return outcome

    async def _handle_logged(self, message: IncomingMessage) -> Outcome:
        """``handle`` for the retry queue: only the transaction decides success. Once it
        committed, a failure to send or re-arm is logged (the outbox and the sweep retry
        those); retrying the message would only find it handled."""
        outcome = await self._dispatch(message)
        try:
            if outcome.queued:
                await self.flush()
            for hook in self.after_message:
                await hook()
        except Exception:
            log.exception("after handling message %s; it is stored", message.message_id)
        return outcome

    async def _dead_letter(self, message: IncomingMessage, attempts: int, error: str) -> bool:
        async with self.db.transaction() as session:
            await Store(session).unjournal_inbound(message.platform, message.message_id)
            return await Store(session).add_failed_message(
                FailedMessageRow(
                    platform=message.platform,
                    platform_msg_id=message.message_id,
                    chat_id=message.chat_id,
                    sender_id=message.sender_id,
                    sender_name=message.sender_name,
                    text=message.text,
                    kind=message.kind.value,
                    received_at=message.at,
                    failed_at=self.clock.now(),
                    attempts=attempts,
                    error=error,
                )
            )

    async def flush(self) -> None:
        """Send what is pending: inline, or by waking the background sender."""
        if self._sender_task is not None:
            self._wake_sender.set()
            return
        async with self._send_lock:
            await self.sender.flush()

    async def tick(self) -> int:
        """Fire what is due now and send what is pending; the scheduler calls this."""
        await directory.refresh(self.db, self.config)
        async with self._lock:
            fired = await self.timers.fire_due()
        await self.flush()
        return fired

    async def _send_loop(self) -> None:
        while not self._stopping:
            wait = self.sender.next_wake
            timeout = RETRY_POLL_SECONDS if wait is None else min(wait, RETRY_POLL_SECONDS)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake_sender.wait(), timeout=max(timeout, 0.05))
            self._wake_sender.clear()
            if self._stopping:  # the adapters are stopped: what is pending waits for the next run
                return
            try:
                async with self._send_lock:
                    await self.sender.flush()
                counted = self._counted_at
                if counted is None or self.clock.now() - counted >= STATUS_REFRESH:
                    await self.refresh_status()
            except Exception:  # the rows stay pending; the next round retries them
                log.exception("sending the outbox failed; will retry")

    async def advance_to(self, target: datetime) -> None:
        """Move a fake clock forward, firing each due timer at its own time, in order."""
        if not isinstance(self.clock, FakeClock):
            raise TypeError("only a FakeClock can be advanced")
        while True:
            due = await self.timers.next_due()
            async with self.db.transaction() as session:
                held = await Store(session).next_held_outbox(self.clock.now())
            if held is not None and (due is None or held < due):
                due = held  # a message held for quiet hours goes out at its own time
            if due is None or due > target:
                break
            if due > self.clock.now():
                self.clock.set(due)
            await self.tick()
        if target > self.clock.now():
            self.clock.set(target)
        await self.tick()

    async def advance(self, delta: timedelta) -> None:
        await self.advance_to(self.clock.now() + delta)
