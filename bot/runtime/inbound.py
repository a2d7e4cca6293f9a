"""Inbound messages are never dropped: a message the core could not handle is retried.

Every adapter hands its messages to ``App.handle_event``, which goes through the
``RetryQueue`` here:

- A failure for a *passing* reason (the database is unreachable, locked or timed out; a
  connection was refused, reset or invalidated; see ``is_passing``) is retried with
  exponential backoff (``RetryPolicy.first_delay`` doubling to ``max_delay``) until it
  succeeds, however long the outage lasts.
- Any other failure is a bug. The message is tried ``bug_attempts`` times in all, a short
  ``quick_delay`` apart, and then set aside in the dead-letter table ``failed_messages``
  with its error (``gridbot failed`` lists them; an ERROR line is logged). If the database
  is down while writing the dead letter, that write is retried like a passing failure.
- Order per chat: while a chat has a message waiting, every later message of that chat
  waits behind it (without being tried), so a worker's "接单 #3" is never handled before
  the report that opens #3. Other chats go on as usual.
- Bounded memory: at most ``RetryPolicy.max_waiting`` messages wait in all. When that many
  are waiting, ``submit`` (and so ``handle_event``) *waits* for room instead of growing
  the queue or dropping the message. The adapter calling it is held, so new messages stay
  with the platform (the WeChat gateway keeps them; WeCom redelivers a callback that was
  not answered, and the core recognises a redelivery by its id). Dropping would lose
  reports silently and growing without limit would end in an out-of-memory kill that
  loses every waiting message at once; waiting loses nothing.

What waits here lives in memory, but the App journals every message before handing it
over (``bot.runtime.journal``): one still waiting when the bot stops, or dies, is handled
at the next start. Only a message the journal could not take (the database was down when
it came) and still waiting at the stop is logged at ERROR with its text, so nothing
disappears without a trace.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exc as sa_exc

from bot.messaging.messages import IncomingMessage
from bot.runtime.clock import Clock
from bot.runtime.dispatcher import Outcome

log = logging.getLogger(__name__)

ERROR_LIMIT = 500

# SQLite reports these as OperationalError too, but they are mistakes in code or schema,
# not an outage: retrying them forever would hold the chat up for good.
_SQLITE_BUGS = ("no such table", "no such column", "has no column", "syntax error",
                "no such function", "no such index")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How failed messages are retried. Tests use milliseconds; production the defaults."""

    first_delay: float = 1.0  # seconds before the first retry after a passing failure
    max_delay: float = 60.0  # the backoff doubles up to this
    quick_delay: float = 0.5  # between the attempts at a message that hit a bug
    bug_attempts: int = 3  # attempts at a buggy message before it is dead-lettered
    max_waiting: int = 10_000  # messages waiting in all; beyond it submit() waits for room
    status_interval: float = 300.0  # a status line this often while messages wait

    def backoff(self, failures: int) -> float:
        """Delay after the ``failures``-th passing failure in a row (1, 2, 3 ...)."""
        return min(self.max_delay, self.first_delay * 2 ** min(max(failures - 1, 0), 30))


def is_passing(exc: BaseException) -> bool:
    """True for failures that go away by themselves: database or network outages."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _passing_one(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _passing_one(exc: BaseException) -> bool:
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
        text = str(exc.orig if exc.orig is not None else exc).lower()
        return not any(bug in text for bug in _SQLITE_BUGS)
    if isinstance(exc, sa_exc.DisconnectionError | sa_exc.TimeoutError):
        return True  # a dropped connection, or no connection free in the pool
    if isinstance(exc, sqlite3.OperationalError):
        return not any(bug in str(exc).lower() for bug in _SQLITE_BUGS)
    if isinstance(exc, TimeoutError | OSError):
        return True  # includes ConnectionRefusedError and ConnectionResetError
    try:  # the PostgreSQL driver's own classes, when not wrapped by SQLAlchemy
        import psycopg
    except ImportError:  # pragma: no cover - the driver is a dependency
        return False
    return isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)


def describe_error(exc: BaseException) -> str:
    """One line for the dead-letter table and logs: exception type and message, truncated."""
    if isinstance(exc, sa_exc.StatementError) and exc.orig is not None:
        detail = f"{type(exc.orig).__name__}: {exc.orig}"
        name = type(exc).__name__
        text = f"{name} ({detail})"
    else:
        message = str(exc).strip()
        text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    line = " ".join(text.split())
    return line if len(line) <= ERROR_LIMIT else line[: ERROR_LIMIT - 1] + "…"


@dataclass(eq=False)
class _Waiting:
    message: IncomingMessage
    since: datetime
    attempts: int = 0
    passing_failures: int = 0  # in a row; reset by a bug failure
    bug_failures: int = 0
    error: str | None = None
    dead: bool = False  # set aside: what is left to do is writing the dead letter

    @property
    def key(self) -> tuple[str, str]:
        return (self.message.platform, self.message.message_id)


@dataclass(eq=False)
class _Line:
    """One chat's messages: the ones waiting for retry, oldest first."""

    waiting: deque[_Waiting] = field(default_factory=deque)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0
    task: asyncio.Task[None] | None = None


Handle = Callable[[IncomingMessage], Awaitable[Outcome]]
DeadLetter = Callable[[IncomingMessage, int, str], Awaitable[bool]]


class RetryQueue:
    """Hands messages to ``handle``; keeps the ones that failed and retries them in order.

    ``dead_letter(message, attempts, error)`` stores a message that hit a bug and returns
    True when it made a new row (False: the message was set aside before, e.g. a
    redelivery, and its row was updated instead of doubled).
    """

    def __init__(
        self,
        handle: Handle,
        dead_letter: DeadLetter,
        clock: Clock,
        policy: RetryPolicy | None = None,
        *,
        status: Callable[[], str] | None = None,
    ) -> None:
        self.handle = handle
        self._status_line = status or self.status  # what the periodic line says
        self.dead_letter = dead_letter
        self.clock = clock
        self.policy = policy or RetryPolicy()
        self._lines: dict[str, _Line] = {}
        self._keys: set[tuple[str, str]] = set()
        self._total = 0
        self._room = asyncio.Condition()
        self._wake = asyncio.Event()  # set when the database answers again
        self._reporter: asyncio.Task[None] | None = None
        self._closed = False
        self.failed = 0  # dead letters in the table (set from the database at start)
        self.set_aside = 0  # messages dead-lettered since start
        self.retried = 0  # retry attempts since start

    # -- figures ----------------------------------------------------------------------

    @property
    def waiting(self) -> int:
        """Messages waiting for retry, in all chats."""
        return self._total

    def waiting_in(self, chat: str) -> int:
        line = self._lines.get(chat)
        return len(line.waiting) if line else 0

    def status(self) -> str:
        """The status line's part about inbound messages."""
        chats = sum(1 for line in self._lines.values() if line.waiting)
        where = f" in {chats} chat(s)" if self._total else ""
        return (
            f"inbound: {self._total} waiting for retry{where}, "
            f"{self.failed} failed (see `gridbot failed`)"
        )

    # -- taking messages --------------------------------------------------------------

    async def submit(self, message: IncomingMessage) -> Outcome | None:
        """Handle ``message`` now, or queue it; None when it was queued for retry."""
        if self._closed:
            raise RuntimeError("the inbound retry queue is closed")
        key = (message.platform, message.message_id)
        if key in self._keys:
            log.info("inbound: message %s is already waiting for retry", message.message_id)
            return None
        chat = message.reply_chat
        line = self._lines.setdefault(chat, _Line())
        line.users += 1
        try:
            async with line.lock:
                if line.waiting:  # keep the chat's order: wait behind what is there
                    await self._enqueue(chat, line, _Waiting(message, self.clock.now()))
                    return None
                try:
                    outcome = await self.handle(message)
                except Exception as exc:
                    item = _Waiting(message, self.clock.now())
                    self._failed(item, exc)
                    await self._enqueue(chat, line, item)
                    return None
                self._answered()
                return outcome
        finally:
            line.users -= 1
            self._forget_if_idle(chat, line)

    async def _enqueue(self, chat: str, line: _Line, item: _Waiting) -> None:
        async with self._room:  # backpressure: see the module docstring
            if self._total >= self.policy.max_waiting:
                log.warning(
                    "inbound: %d messages wait for retry, the most allowed; holding new "
                    "messages until there is room", self._total,
                )
            try:
                await self._room.wait_for(lambda: self._total < self.policy.max_waiting)
            except asyncio.CancelledError:
                msg = item.message
                log.error(
                    "inbound: cancelled while waiting for room: message %s in %s from %s was "
                    "NOT handled: %r", msg.message_id, chat, msg.sender_id, msg.text,
                )
                raise
            self._total += 1
        first = self._total == 1
        line.waiting.append(item)
        self._keys.add(item.key)
        if item.attempts == 0:
            log.info(
                "inbound: message %s in %s waits behind %d earlier one(s) of that chat",
                item.message.message_id, chat, len(line.waiting) - 1,
            )
        if line.task is None or line.task.done():
            line.task = asyncio.create_task(self._drain(chat, line), name=f"inbound-{chat}")
        if first and (self._reporter is None or self._reporter.done()):
            self._reporter = asyncio.create_task(self._report(), name="inbound-status")

    # -- retrying ---------------------------------------------------------------------

    def _failed(self, item: _Waiting, exc: Exception) -> None:
        item.attempts += 1
        item.error = describe_error(exc)
        msg = item.message
        if is_passing(exc):
            item.passing_failures += 1
            delay = self.policy.backoff(item.passing_failures)
            level = logging.WARNING if item.passing_failures == 1 else logging.DEBUG
            log.log(
                level,
                "inbound: message %s in %s not handled (%s); retrying in %.3gs, in order",
                msg.message_id, msg.reply_chat, item.error, delay,
            )
            return
        item.passing_failures = 0
        item.bug_failures += 1
        log.warning(
            "inbound: message %s in %s failed (attempt %d of %d): %s",
            msg.message_id, msg.reply_chat, item.bug_failures, self.policy.bug_attempts,
            item.error, exc_info=exc,
        )
        if item.bug_failures >= self.policy.bug_attempts:
            item.dead = True

    def _delay(self, item: _Waiting) -> float:
        if item.passing_failures:
            return self.policy.backoff(item.passing_failures)
        if item.bug_failures and not item.dead:
            return self.policy.quick_delay * 2 ** (item.bug_failures - 1)
        return 0.0

    async def _drain(self, chat: str, line: _Line) -> None:
        """Work through one chat's waiting messages, oldest first, until none is left."""
        while line.waiting:
            item = line.waiting[0]
            delay = self._delay(item)
            if delay > 0:
                wake = self._wake
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), delay)
            if item.dead:
                done = await self._set_aside(item)
            else:
                done = await self._attempt(item)
            if done:
                line.waiting.popleft()
                self._keys.discard(item.key)
                async with self._room:
                    self._total -= 1
                    self._room.notify_all()
        line.task = None
        self._forget_if_idle(chat, line)

    async def _attempt(self, item: _Waiting) -> bool:
        if item.attempts:
            self.retried += 1
        try:
            await self.handle(item.message)
        except Exception as exc:
            self._failed(item, exc)
            return False
        if item.attempts:
            log.info(
                "inbound: message %s in %s handled after %d failed attempt(s)",
                item.message.message_id, item.message.reply_chat, item.attempts,
            )
        self._answered()
        return True

    async def _set_aside(self, item: _Waiting) -> bool:
        msg = item.message
        error = item.error or "unknown error"
        try:
            new = await self.dead_letter(msg, item.attempts, error)
        except Exception as exc:
            if is_passing(exc):
                item.passing_failures += 1
                log.warning(
                    "inbound: cannot set message %s aside yet (%s); retrying in %.3gs",
                    msg.message_id, describe_error(exc),
                    self.policy.backoff(item.passing_failures),
                )
                return False
            log.error(  # nowhere left to keep it: the log line carries the whole message
                "inbound: message %s in %s from %s LOST: it failed (%s) and so did storing "
                "it in failed_messages (%s); text: %r",
                msg.message_id, msg.reply_chat, msg.sender_id, error, describe_error(exc),
                msg.text, exc_info=exc,
            )
            return True
        if new:
            self.failed += 1
        self.set_aside += 1
        self._answered()
        log.error(
            "inbound: message %s in %s from %s failed %d time(s) and was set aside in "
            "failed_messages (`gridbot failed` lists it): %s",
            msg.message_id, msg.reply_chat, msg.sender_id, item.attempts, error,
        )
        return True

    def _answered(self) -> None:
        """The database answered: chats sleeping out a backoff try again now."""
        if self._total:
            self._wake.set()
            self._wake = asyncio.Event()

    def _forget_if_idle(self, chat: str, line: _Line) -> None:
        idle = not line.waiting and line.users == 0 and line.task is None
        if idle and self._lines.get(chat) is line:
            del self._lines[chat]

    async def _report(self) -> None:
        """While messages wait: a status line every ``status_interval``, and one at the end."""
        started = self.clock.now()
        while self._total:
            with contextlib.suppress(TimeoutError):
                async with self._room:
                    await asyncio.wait_for(
                        self._room.wait_for(lambda: self._total == 0),
                        self.policy.status_interval,
                    )
            if self._total:
                log.warning("%s", self._status_line())
        seconds = (self.clock.now() - started).total_seconds()
        log.info("inbound: every waiting message handled (after %.0fs); %s", seconds,
                 self._status_line())

    # -- stopping ---------------------------------------------------------------------

    async def close(self, kept: Callable[[IncomingMessage], bool] = lambda m: False) -> None:
        """Stop retrying. What still waits and is ``kept`` (journalled) is handled at the
        next start; the rest is logged with its text (it is lost otherwise)."""
        self._closed = True
        tasks = [line.task for line in self._lines.values() if line.task is not None]
        if self._reporter is not None:
            tasks.append(self._reporter)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task
        waiting = [item for line in self._lines.values() for item in line.waiting]
        left = [item for item in waiting if not kept(item.message)]
        if len(left) < len(waiting):
            log.warning(
                "inbound: stopping with %d message(s) not handled yet; they are journalled "
                "and will be handled at the next start", len(waiting) - len(left),
            )
        if left:
            log.error(
                "inbound: stopping with %d message(s) not handled yet; the platform may "
                "deliver them again, otherwise re-enter them by hand:", len(left),
            )
        for item in left:
            msg = item.message
            log.error(
                "inbound: not handled: %s in %s from %s (%s) at %s: %r (last error: %s)",
                msg.message_id, msg.reply_chat, msg.sender_id, msg.sender_name or "?",
                item.since.isoformat(), msg.text, item.error or "none, it waited behind",
            )
