"""Two bots on one PostgreSQL database (issue 15, point 5): two Apps, each with its own
engine and connections, running concurrently as asyncio tasks, as two `gridbot run`
processes would. Outbox rows are claimed before sending, each App sends only through the
platforms it holds, duplicate detection is serialised per group, and two Apps starting at
once on a fresh database both start."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime

import pytest
from sqlalchemy import select

from bot.adapters.simulator import SimAdapter
from bot.cli.wiring import build_app
from bot.config import Config
from bot.messaging.adapter import Inbound
from bot.messaging.messages import IncomingMessage, OutgoingMessage, SentMessage
from bot.runtime.app import App
from bot.runtime.clock import FakeClock
from bot.runtime.outbox import queue
from handlers import duplicates
from storage.db import Database
from storage.models import OutboxRow
from storage.repo import Store
from tests.support.cli import gridbot
from tests.support.e2e import tickets

START = datetime.fromisoformat("2026-11-23T10:00:00+08:00")


class Account:
    """A platform account that is slow to send (as real ones are) and records what it sent."""

    def __init__(self, platform: str = "sim", chats: Callable[[str], bool] = lambda c: True):
        self.platform = platform
        self._chats = chats
        self.sent: list[OutgoingMessage] = []

    async def start(self, inbound: Inbound) -> None:
        pass

    async def stop(self) -> None:
        pass

    def owns(self, chat: str) -> bool:
        return self._chats(chat)

    async def send(self, message: OutgoingMessage) -> SentMessage:
        await asyncio.sleep(0.005)
        self.sent.append(message)
        return SentMessage(platform_message_id=f"{self.platform}-{len(self.sent)}")


def two_apps(config: Config, url: str, *accounts: Account) -> list[App]:
    clock = FakeClock(START)
    return [build_app(config, Database(url), clock, [a]) for a in accounts]  # type: ignore[list-item]


@pytest.fixture
async def pair(
    pg_url: str, sample_config: Config
) -> AsyncIterator[tuple[list[App], list[Account]]]:
    accounts = [Account(), Account()]
    apps = two_apps(sample_config, pg_url, *accounts)
    for app in apps:
        await app.prepare()
    yield apps, accounts
    for app in apps:
        await app.stop()


async def _queue(app: App, messages: list[OutgoingMessage]) -> None:
    async with app.db.transaction() as session:
        await queue(Store(session), messages, app.clock.now())


async def test_two_apps_starting_at_once_on_a_fresh_database_both_start(
    pg_url: str, sample_config: Config
) -> None:
    """Before: one of them died with a migration error (both created the tables)."""
    apps = two_apps(sample_config, pg_url, Account(), Account())
    try:
        await asyncio.wait_for(asyncio.gather(*(app.prepare() for app in apps)), timeout=60)
        async with apps[1].db.transaction() as session:
            assert await Store(session).pending_timers("duty_daily") is not None
    finally:
        for app in apps:
            await app.stop()


async def test_an_outbox_row_is_sent_by_one_app_only(
    pair: tuple[list[App], list[Account]],
) -> None:
    apps, accounts = pair
    texts = [f"通知 {i}" for i in range(40)]
    await _queue(apps[0], [OutgoingMessage(chat=f"dm:wx-{i}", text=t) for i, t in enumerate(texts)])
    await asyncio.gather(*(app.flush() for app in apps), apps[0].flush())
    sent = [m.text for a in accounts for m in a.sent]
    assert sorted(sent) == sorted(texts)  # each once: none twice, none lost
    assert all(a.sent for a in accounts)  # both took their share (20 rows at a time)
    async with apps[0].db.transaction() as session:
        rows = (await session.scalars(select(OutboxRow))).all()
    assert all(r.sent_at is not None for r in rows)


async def test_each_app_sends_only_through_the_platforms_it_holds(
    pg_url: str, sample_config: Config
) -> None:
    """A message for the WeCom account waits while only the WeChat process runs; it
    never goes out through the wrong account, and the WeCom process sends it later."""
    wechat = Account("wechaty", lambda chat: chat != "wecom-room")
    wecom = Account("wecom", lambda chat: chat == "wecom-room")
    first, second = two_apps(sample_config, pg_url, wechat, wecom)
    await first.prepare()
    try:
        await _queue(first, [
            OutgoingMessage(chat="room-xfl-1", text="微信群的", platform="wechaty"),
            OutgoingMessage(chat="wecom-room", text="企业微信群的", platform="wecom"),
            OutgoingMessage(chat="wecom-room", text="没说平台的"),
        ])
        await first.sender.flush()
        assert [m.text for m in wechat.sent] == ["微信群的"]
        async with first.db.transaction() as session:
            unsent = select(OutboxRow).where(OutboxRow.sent_at.is_(None))
            waiting = (await session.scalars(unsent)).all()
        assert sorted(r.text for r in waiting) == ["企业微信群的", "没说平台的"]
        assert all(r.failed_at is None for r in waiting)  # waiting, not given up
        shown = gridbot("failed", "--db", pg_url, now="2026-11-23T10:15:00+08:00")
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.count("to wecom-room") == 2 and "to room-xfl-1" not in shown.stdout
        await second.prepare()
        await second.sender.flush()
        assert sorted(m.text for m in wecom.sent) == ["企业微信群的", "没说平台的"]
    finally:
        await first.stop()
        await second.stop()


async def test_the_same_report_through_two_apps_at_once_makes_one_ticket(
    pair: tuple[list[App], list[Account]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two neighbours report the broken cover at the same instant, each through another
    process. The duplicate check reads, then intake writes: serialised per group, the
    second finds the first's ticket (before: two tickets, 50 of 50 times)."""
    apps, _ = pair
    real = duplicates.find

    async def slow_find(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = await real(*args, **kwargs)
        await asyncio.sleep(0.2)  # the other process runs its check meanwhile
        return found

    monkeypatch.setattr(duplicates, "find", slow_find)
    reports = [
        IncomingMessage(
            platform="sim", message_id=f"m{i}", chat_id="room-xfl-1", sender_id=who,
            text="3号楼门口井盖坏了", at=START,
        )
        for i, who in enumerate(("res-zhang", "res-li"))
    ]
    await asyncio.gather(*(app.handle(m) for app, m in zip(apps, reports, strict=True)))
    [ticket] = await tickets(apps[0])
    assert ticket.reports == 2


async def test_sim_adapter_still_sends_everything_in_one_process(
    sqlite_url: str, sample_config: Config
) -> None:
    """One process with one platform: a group that names no platform is its own."""
    out: list[str] = []
    clock = FakeClock(START)
    app = build_app(sample_config, Database(sqlite_url), clock,
                    [SimAdapter(clock, lambda m, i: out.append(m.text))])
    await app.prepare()
    try:
        await _queue(app, [OutgoingMessage(chat="staff-room", text="日报")])
        await app.flush()
        assert out == ["日报"]
    finally:
        await app.stop()
