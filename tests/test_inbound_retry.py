"""No message is dropped: retries in order per chat, backpressure, and dead letters.

The retry queue alone (bot.runtime.inbound) with a stand-in core for its rules, then the App on
SQLite and PostgreSQL: a handler with a bug sends its message to ``failed_messages`` while
the chat goes on, a redelivery does not double the row, and a database outage while
writing the dead letter is waited out. The end-to-end outage under the real WeChat client
is in test_wechat_outage.py.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import select

from bot.adapters.simulator import SimAdapter
from bot.cli.wiring import build_app
from bot.config import Config
from bot.messaging.messages import IncomingMessage, OutgoingMessage
from bot.runtime.app import App
from bot.runtime.clock import FakeClock
from bot.runtime.context import Context
from bot.runtime.dispatcher import Outcome
from bot.runtime.inbound import RetryPolicy, RetryQueue, describe_error, is_passing
from handlers import ROUTES
from storage.db import Database
from storage.models import FailedMessageRow, InboundMessageRow
from storage.repo import Store
from tests.support.db_outage import Outage, outage_url

START = datetime.fromisoformat("2026-11-23T10:00:00+08:00")
ROOM_A = "room-xfl-1"
ROOM_B = "room-xfl-3"
FAST = RetryPolicy(first_delay=0.01, max_delay=0.05, quick_delay=0.01, status_interval=0.1)


def msg(n: int | str, chat: str | None, text: str, sender: str = "res-zhang") -> IncomingMessage:
    return IncomingMessage(
        platform="sim", message_id=f"m{n}", chat_id=chat, sender_id=sender, text=text,
        at=START, sender_name="张阿姨",
    )


def locked() -> sa_exc.OperationalError:
    return sa_exc.OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))


async def eventually(check, timeout: float = 5) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.005)


# -- what counts as passing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "passing"),
    [
        (locked(), True),
        (sa_exc.OperationalError("SELECT 1", {}, Exception("connection refused")), True),
        (sa_exc.InterfaceError("SELECT 1", {}, Exception("connection already closed")), True),
        (sa_exc.DBAPIError("SELECT 1", {}, Exception("reset"), connection_invalidated=True), True),
        (sa_exc.TimeoutError("QueuePool limit reached"), True),
        (TimeoutError(), True),
        (ConnectionRefusedError(111, "Connection refused"), True),
        (ConnectionResetError(104, "Connection reset by peer"), True),
        (sqlite3.OperationalError("database is locked"), True),
        (sa_exc.OperationalError("SELECT x", {}, sqlite3.OperationalError("no such table: x")),
         False),
        (sa_exc.ProgrammingError("SELECT", {}, Exception("syntax")), False),
        (sa_exc.DataError("INSERT", {}, Exception("value too long")), False),
        (ValueError("bad"), False),
        (KeyError("grid"), False),
    ],
)
def test_passing_failures_are_outages_not_bugs(error: Exception, passing: bool) -> None:
    assert is_passing(error) is passing


def test_a_bug_raised_from_an_outage_counts_as_the_outage() -> None:
    try:
        try:
            raise ConnectionResetError(104, "reset")
        except OSError as exc:
            raise RuntimeError("while saving") from exc
    except RuntimeError as wrapped:
        assert is_passing(wrapped)


def test_errors_are_one_line_and_short() -> None:
    assert describe_error(ValueError("bad\nvalue")) == "ValueError: bad value"
    assert describe_error(locked()) == "OperationalError (OperationalError: database is locked)"
    long = describe_error(ValueError("x" * 2000))
    assert len(long) == 500 and "\n" not in long


def test_backoff_doubles_to_the_limit() -> None:
    policy = RetryPolicy()
    assert [policy.backoff(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert policy.max_waiting == 10_000


# -- the queue's rules, with a stand-in core ----------------------------------------------


@dataclass
class Core:
    """Handles messages unless told that the database is down (for some chats or all)."""

    down: set[str | None]
    handled: list[str]
    dead: list[tuple[str, int, str]]
    bugs: set[str]

    async def handle(self, message: IncomingMessage) -> Outcome:
        await asyncio.sleep(0)
        if message.message_id in self.bugs:
            raise ValueError(f"cannot read {message.text}")
        if "*" in self.down or message.chat_id in self.down:
            raise locked()
        self.handled.append(message.message_id)
        return Outcome("handled", "intake", 1)

    async def dead_letter(self, message: IncomingMessage, attempts: int, error: str) -> bool:
        new = all(m != message.message_id for m, _, _ in self.dead)
        self.dead.append((message.message_id, attempts, error))
        return new


@pytest.fixture
async def core() -> AsyncIterator[tuple[Core, RetryQueue]]:
    c = Core(down=set(), handled=[], dead=[], bugs=set())
    queue = RetryQueue(c.handle, c.dead_letter, FakeClock(START), FAST)
    yield c, queue
    await queue.close()


async def test_a_chat_waits_behind_its_failed_message_while_others_go_on(
    core: tuple[Core, RetryQueue],
) -> None:
    c, queue = core
    c.down = {ROOM_A}
    assert await queue.submit(msg(1, ROOM_A, "3号楼门口井盖坏了")) is None
    # The next message of that chat is not even tried: it queues behind the first.
    assert await queue.submit(msg(2, ROOM_A, "接单")) is None
    outcome = await queue.submit(msg(3, ROOM_B, "7号楼电梯坏了"))
    assert outcome is not None and outcome.status == "handled"
    assert c.handled == ["m3"]
    assert queue.waiting == 2 and queue.waiting_in(ROOM_A) == 2
    assert queue.status() == (
        "inbound: 2 waiting for retry in 1 chat(s), 0 failed (see `gridbot failed`)"
    )
    await asyncio.sleep(0.1)  # a few retries, all refused
    assert c.handled == ["m3"] and queue.retried >= 2

    c.down = set()
    await eventually(lambda: queue.waiting == 0)
    assert c.handled == ["m3", "m1", "m2"]
    # once the chat is clear, its messages are handled at once again
    assert (await queue.submit(msg(4, ROOM_A, "谢谢"))) is not None
    assert queue.status() == "inbound: 0 waiting for retry, 0 failed (see `gridbot failed`)"


async def test_a_redelivery_of_a_waiting_message_is_not_queued_twice(
    core: tuple[Core, RetryQueue],
) -> None:
    c, queue = core
    c.down = {"*"}
    assert await queue.submit(msg(1, ROOM_A, "3号楼门口井盖坏了")) is None
    assert await queue.submit(msg(1, ROOM_A, "3号楼门口井盖坏了")) is None
    assert queue.waiting == 1
    c.down = set()
    await eventually(lambda: queue.waiting == 0)
    assert c.handled == ["m1"]


async def test_when_full_new_messages_wait_for_room(core: tuple[Core, RetryQueue]) -> None:
    c, _ = core
    queue = RetryQueue(c.handle, c.dead_letter, FakeClock(START), RetryPolicy(
        first_delay=0.01, max_delay=0.02, max_waiting=3, status_interval=1
    ))
    c.down = {"*"}
    for n, chat in enumerate([ROOM_A, ROOM_A, ROOM_B], start=1):
        assert await queue.submit(msg(n, chat, f"消息{n}")) is None
    assert queue.waiting == 3
    blocked = asyncio.create_task(queue.submit(msg(4, ROOM_A, "消息4")))
    other = asyncio.create_task(queue.submit(msg(5, "room-xfl-2", "消息5")))
    await asyncio.sleep(0.1)
    # Held, not dropped and not added: memory stays bounded while the database is down.
    assert not blocked.done() and not other.done() and queue.waiting == 3

    c.down = set()
    assert await asyncio.wait_for(blocked, 2) is None  # queued once there was room
    await asyncio.wait_for(other, 2)
    await eventually(lambda: queue.waiting == 0)
    assert [m for m in c.handled if m in ("m1", "m2", "m4")] == ["m1", "m2", "m4"]
    assert sorted(c.handled) == ["m1", "m2", "m3", "m4", "m5"]
    await queue.close()


async def test_a_message_held_by_backpressure_and_cancelled_is_logged(
    core: tuple[Core, RetryQueue], caplog: pytest.LogCaptureFixture
) -> None:
    c, _ = core
    queue = RetryQueue(c.handle, c.dead_letter, FakeClock(START), RetryPolicy(max_waiting=1))
    c.down = {"*"}
    await queue.submit(msg(1, ROOM_A, "消息1"))
    held = asyncio.create_task(queue.submit(msg(2, ROOM_B, "5号楼水管爆了")))
    await asyncio.sleep(0.05)
    held.cancel()
    with pytest.raises(asyncio.CancelledError):
        await held
    assert "m2" in caplog.text and "5号楼水管爆了" in caplog.text and "NOT handled" in caplog.text
    await queue.close()


async def test_a_bug_is_tried_a_few_times_then_set_aside(
    core: tuple[Core, RetryQueue], caplog: pytest.LogCaptureFixture
) -> None:
    c, queue = core
    c.bugs = {"m1"}
    assert await queue.submit(msg(1, ROOM_A, "坏消息")) is None
    assert await queue.submit(msg(2, ROOM_A, "3号楼门口井盖坏了")) is None
    await eventually(lambda: queue.waiting == 0)
    assert c.dead == [("m1", 3, "ValueError: cannot read 坏消息")]
    assert c.handled == ["m2"]
    assert queue.failed == 1
    (line,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "m1" in line.getMessage() and "set aside in failed_messages" in line.getMessage()


async def test_a_message_left_waiting_at_stop_is_logged_with_its_text(
    core: tuple[Core, RetryQueue], caplog: pytest.LogCaptureFixture
) -> None:
    c, queue = core
    c.down = {"*"}
    await queue.submit(msg(1, ROOM_A, "3号楼门口井盖坏了"))
    await queue.close()
    errors = " ".join(r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)
    assert "1 message(s) not handled" in errors and "3号楼门口井盖坏了" in errors


# -- the App on both databases ------------------------------------------------------------


async def boom(ctx: Context) -> list[OutgoingMessage] | None:
    """A handler with a bug that only the word 炸 triggers."""
    if "炸" in ctx.message.text:
        raise KeyError("grid-without-leader")
    return None


@pytest.fixture
async def app(db_url: str, sample_config: Config) -> AsyncIterator[App]:
    url = outage_url(db_url)
    db = Database(url)
    sent: list[OutgoingMessage] = []
    clock = FakeClock(START)
    adapter = SimAdapter(clock, lambda m, _id: sent.append(m))
    app = build_app(
        sample_config, db, clock, [adapter], routes=[boom, *ROUTES],
        retry=RetryPolicy(first_delay=0.01, max_delay=0.05, quick_delay=0.2),
    )
    await app.prepare()
    yield app
    await app.stop()


async def dead_letters(app: App) -> list[FailedMessageRow]:
    async with app.db.transaction() as session:
        return list(await Store(session).failed_messages())


async def test_a_bug_lands_in_failed_messages_and_the_chat_goes_on(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    bad = msg(1, ROOM_A, "炸了炸了", sender="res-wu")
    assert await app.handle_event(bad) is None
    assert await app.handle_event(msg(2, ROOM_A, "4号楼楼道灯不亮了")) is None
    other = await app.handle_event(msg(3, ROOM_B, "7号楼电梯坏了，停在三楼不动", "res-li"))
    assert other is not None and other.status == "handled"
    assert app.inbound.waiting_in(ROOM_A) == 2  # the buggy one and the report behind it

    await eventually(lambda: app.inbound.waiting == 0)
    (row,) = await dead_letters(app)
    assert (row.platform, row.platform_msg_id, row.chat_id) == ("sim", "m1", ROOM_A)
    assert (row.sender_id, row.sender_name, row.text, row.kind) == (
        "res-wu", "张阿姨", "炸了炸了", "text",
    )
    assert row.attempts == 3 and row.error == "KeyError: 'grid-without-leader'"
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("m1" in e and "failed_messages" in e for e in errors)
    async with app.db.transaction() as session:
        stored = (await session.scalars(select(InboundMessageRow))).all()
        assert await Store(session).count_failed() == 1
    # The report written after the bad message was handled, in its place.
    assert sorted(r.platform_msg_id for r in stored) == ["m2", "m3"]
    assert {r.platform_msg_id: r.ticket_id is not None for r in stored} == {
        "m2": True, "m3": True,
    }
    assert "1 failed" in app.inbound_status()

    # The platform delivers it again and it fails again: still one row, attempts add up.
    assert await app.handle_event(bad) is None
    await eventually(lambda: app.inbound.waiting == 0)
    (again,) = await dead_letters(app)
    assert (again.id, again.attempts) == (row.id, 6)
    assert app.inbound.failed == 1

    # Newest first for `gridbot failed`.
    assert isinstance(app.clock, FakeClock)
    app.clock.advance(timedelta(minutes=5))
    assert await app.handle_event(msg(9, ROOM_B, "又炸了")) is None
    await eventually(lambda: app.inbound.waiting == 0)
    assert [r.platform_msg_id for r in await dead_letters(app)] == ["m9", "m1"]
    async with app.db.transaction() as session:
        assert await Store(session).count_failed() == 2
        assert [r.platform_msg_id for r in await Store(session).failed_messages(limit=1)] == [
            "m9"
        ]

    # A restarted bot says at once that dead letters are waiting for an admin.
    caplog.clear()
    restarted = build_app(app.config, Database(app.db.url), FakeClock(START), [])
    try:
        await restarted.prepare()
        assert restarted.inbound.failed == 2
        assert "2 message(s) could not be handled" in caplog.text
        assert "2 failed (see `gridbot failed`)" in restarted.inbound_status()
    finally:
        await restarted.stop()


async def test_a_dead_letter_waits_out_a_database_outage(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    outage = Outage(app.db, tables=("failed_messages",))
    write = app.inbound.dead_letter
    began = False  # once: a retry after the outage ended must not start another (which
    # nobody would end, and whose lock held the schema's teardown for ever)

    async def database_goes_away_first(message: IncomingMessage, attempts: int, error: str) -> bool:
        nonlocal began
        if not began and not await dead_letters_exist(app):
            began = True
            await outage.begin()
        return await write(message, attempts, error)

    app.inbound.dead_letter = database_goes_away_first
    try:
        assert await app.handle_event(msg(1, ROOM_A, "炸了")) is None
        await eventually(lambda: "cannot set message m1 aside yet" in caplog.text)
        await asyncio.sleep(0.1)
        assert app.inbound.waiting == 1  # kept, not lost, while the database is away
    finally:
        if outage.active:
            await outage.end()
    await eventually(lambda: app.inbound.waiting == 0)
    (row,) = await dead_letters(app)
    assert row.platform_msg_id == "m1" and row.attempts == 3


async def dead_letters_exist(app: App) -> bool:
    return bool(await dead_letters(app))
