"""The outbox keeps what the platform did not take, coalesces, and respects flood limits."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.cli.wiring import build_app
from bot.messaging.adapter import SendFailed
from bot.messaging.messages import Connected, IncomingMessage, OutgoingMessage, SentMessage
from bot.runtime.app import App
from bot.runtime.clock import FakeClock
from bot.runtime.outbox import queue
from bot.runtime.ratelimit import RateLimiter
from storage.db import Database
from storage.models import OutboxRow
from storage.repo import Store

START = datetime.fromisoformat("2026-11-23T09:00:00+08:00")


class FlakyPlatform:
    """A platform that can be switched off; records what it accepted."""

    platform = "sim"

    def __init__(self, rate: tuple[float, int] | None = None) -> None:
        self.up = True
        self.accepted: list[tuple[datetime, OutgoingMessage]] = []
        self.refused = 0
        self.rate = rate
        self.clock: FakeClock | None = None

    async def start(self, inbound) -> None:  # type: ignore[no-untyped-def]
        pass

    async def stop(self) -> None:
        pass

    def owns(self, chat: str) -> bool:
        return True

    async def send(self, message: OutgoingMessage) -> SentMessage:
        if not self.up:
            self.refused += 1
            raise SendFailed("puppet service unavailable")
        assert self.clock is not None
        self.accepted.append((self.clock.now(), message))
        return SentMessage(f"p-{len(self.accepted)}")


class LimitedPlatform(FlakyPlatform):
    def make_rate_limiter(self, *, clock=None, sleep=None) -> RateLimiter:  # type: ignore[no-untyped-def]
        rate, burst = self.rate or (30, 3)
        return RateLimiter(rate, burst, clock=clock)


def message(n: int, text: str, sender: str = "res-zhang", **kw) -> IncomingMessage:  # type: ignore[no-untyped-def]
    return IncomingMessage(
        platform="sim",
        message_id=f"m{n}",
        chat_id="room-xfl-1",
        sender_id=sender,
        sender_name="张阿姨",
        text=text,
        at=START,
        **kw,
    )


async def make_app(config, url: str, platform: FlakyPlatform) -> tuple[App, FakeClock]:  # type: ignore[no-untyped-def]
    clock = FakeClock(START)
    platform.clock = clock
    app = build_app(config, Database(url), clock, [platform])
    await app.start()
    return app, clock


# The one group message for a report: the reporter hears it is recorded, the worker is asked.
REGISTERED = (
    "@张阿姨 您反映的“3号楼门口井盖坏了”已登记，编号 #1（市政设施）。"
    "网格员@王芳 会尽快来处理（王芳请回复“接单”或“马上去”）。"
)


async def test_nothing_lost_while_platform_is_down(sample_config, db_url: str) -> None:
    platform = FlakyPlatform()
    app, _ = await make_app(sample_config, db_url, platform)
    platform.up = False
    await app.handle(message(1, "3号楼门口井盖坏了"))
    await app.handle(message(2, "接单", sender="wx-wang"))
    await app.handle(message(3, "已处理 #1", sender="wx-wang"))
    assert platform.accepted == [] and platform.refused >= 1
    platform.up = True
    await app.advance(timedelta(minutes=1))
    texts = [m.text for _, m in platform.accepted]
    # Three updates about ticket #1 for one group arrive as one message, in order, the
    # reporter @-mentioned once (issue 13: a catch-up does not greet them three times).
    assert len(texts) == 1
    assert texts[0].split("\n") == [
        REGISTERED,
        "您反映的“3号楼门口井盖坏了”（#1），网格员王芳已接单，正在处理。",
        "您反映的“3号楼门口井盖坏了”（#1），网格员王芳已经处理好了。",
        "您看满意吗？回复“满意”“基本满意”或“不满意”就行，直接说说您的看法也可以。",
    ]
    assert set(platform.accepted[0][1].mentions) == {"wx-wang", "res-zhang"}
    await app.advance(timedelta(hours=1))
    assert len(platform.accepted) == 1  # sent once, never again
    async with app.db.transaction() as session:
        rows = (await session.scalars(select(OutboxRow))).all()
    assert all(r.sent_at is not None and r.platform_msg_id == "p-1" for r in rows)
    await app.stop()


async def test_reconnect_sends_what_failed_without_waiting_for_backoff(
    sample_config, db_url: str
) -> None:
    platform = FlakyPlatform()
    app, clock = await make_app(sample_config, db_url, platform)
    platform.up = False
    await app.handle(message(1, "3号楼门口井盖坏了"))
    for _ in range(4):  # a long outage: each failure doubles the wait, now 40 s
        clock.advance(timedelta(minutes=5))
        await app.flush()
    assert platform.accepted == []
    platform.up = True
    clock.advance(timedelta(seconds=1))
    await app.handle_event(Connected("sim", clock.now()))
    assert len(platform.accepted) == 1
    assert platform.accepted[0][1].text == REGISTERED
    await app.advance(timedelta(hours=1))
    reports = [m for _, m in platform.accepted if m.text == REGISTERED]
    assert len(reports) == 1  # and never again
    await app.stop()


async def test_burst_of_100_within_rate_limit(sample_config, sqlite_url: str) -> None:
    platform = LimitedPlatform(rate=(30, 3))
    app, clock = await make_app(sample_config, sqlite_url, platform)
    async with app.db.transaction() as session:
        await queue(
            Store(session),
            [OutgoingMessage(chat="room-xfl-1", text=f"提醒 {i}") for i in range(100)],
            clock.now(),
        )
    for _ in range(400):
        await app.flush()
        if len(platform.accepted) == 100:
            break
        clock.advance(timedelta(seconds=2))
    texts = [m.text for _, m in platform.accepted]
    assert texts == [f"提醒 {i}" for i in range(100)]  # none lost, none repeated, in order
    times = [t for t, _ in platform.accepted]
    for i, start in enumerate(times):
        in_minute = sum(1 for t in times[i:] if t - start < timedelta(minutes=1))
        assert in_minute <= 30 + 3
    assert times[-1] - times[0] >= timedelta(minutes=3)
    await app.stop()


class PickyPlatform(FlakyPlatform):
    """Holds every chat but ``elsewhere`` (another process's account serves that one),
    and fails every send to ``broken``."""

    def owns(self, chat: str) -> bool:
        return chat != "elsewhere"

    async def send(self, message: OutgoingMessage) -> SentMessage:
        if message.chat == "broken":
            self.refused += 1
            raise SendFailed("the chat refuses messages")
        return await super().send(message)


async def test_rows_behind_many_this_process_cannot_send_still_go_out(
    sample_config, db_url: str
) -> None:
    """Before: the sender looked at the 20 oldest due rows only; with 25 rows for a chat
    no running process holds at the head of the queue, nothing behind them ever went out."""
    platform = PickyPlatform()
    app, _ = await make_app(sample_config, db_url, platform)
    waiting = [OutgoingMessage(chat="elsewhere", text=f"别处 {i}") for i in range(25)]
    async with app.db.transaction() as session:
        await queue(Store(session), [*waiting, OutgoingMessage("room-xfl-1", "本群的")], START)
    await app.flush()
    assert [m.text for _, m in platform.accepted] == ["本群的"]
    async with app.db.transaction() as session:
        rows = (await session.scalars(select(OutboxRow).where(OutboxRow.chat == "elsewhere")))
        left = rows.all()
    assert len(left) == 25 and all(r.sent_at is None and r.failed_at is None for r in left)
    assert all(r.next_attempt_at == START for r in left)  # not leased: its process sends them
    await app.stop()


async def test_rows_behind_many_failing_sends_still_go_out(sample_config, db_url: str) -> None:
    platform = PickyPlatform()
    app, _ = await make_app(sample_config, db_url, platform)
    failing = [OutgoingMessage(chat="broken", text=f"发不出 {i}") for i in range(25)]
    async with app.db.transaction() as session:
        await queue(Store(session), [*failing, OutgoingMessage("room-xfl-1", "本群的")], START)
    await app.flush()
    assert [m.text for _, m in platform.accepted] == ["本群的"]
    assert platform.refused == 25  # each tried once, then waits out its backoff
    await app.stop()


class SlowAckPlatform(FlakyPlatform):
    """Takes a message at once but answers only after a moment, as a busy gateway does."""

    def __init__(self) -> None:
        super().__init__()
        self.taking = asyncio.Event()

    async def send(self, message: OutgoingMessage) -> SentMessage:
        sent = await super().send(message)
        self.taking.set()
        await asyncio.sleep(0.2)
        return sent


async def test_stopping_lets_a_send_in_flight_finish_so_it_never_goes_out_twice(
    sample_config, db_url: str
) -> None:
    platform = SlowAckPlatform()
    clock = FakeClock(START)
    platform.clock = clock
    app = build_app(sample_config, Database(db_url), clock, [platform])
    await app.start(background_send=True)
    await app.handle(message(1, "3号楼门口井盖坏了"))
    await asyncio.wait_for(platform.taking.wait(), timeout=10)
    await app.stop()  # while the gateway has the message and has not answered yet
    assert [m.text for _, m in platform.accepted] == [REGISTERED]

    again = build_app(sample_config, Database(db_url), clock, [platform])
    await again.start()
    await again.advance(timedelta(minutes=10))
    assert [m.text for _, m in platform.accepted] == [REGISTERED]  # recorded as sent
    await again.stop()
