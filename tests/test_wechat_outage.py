"""A database outage under the REAL python-wechaty client: no report is lost.

The App runs as `gridbot run` builds it (``build_adapters``, background outbox sender)
against the fake puppet service. The database is taken away from outside the bot
(tests/support/db_outage.py: SQLite held by another connection's ``BEGIN EXCLUSIVE``; PostgreSQL
with its connections killed and the inbound table locked), residents of two groups keep
writing reports and chatter, and once the database is back each report becomes exactly
one ticket, handled in the order of its chat, with one dispatch message in its group.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.adapters.wechat import ENDPOINT_ENV, TOKEN_ENV, WechatAdapter
from bot.cli.runner import build_adapters
from bot.cli.wiring import build_app
from bot.config import Config
from bot.runtime.app import App
from bot.runtime.clock import FakeClock
from bot.runtime.inbound import RetryPolicy
from storage.db import Database
from storage.models import InboundMessageRow
from tests.support.db_outage import Outage, outage_url
from tests.support.e2e import DAYTIME, all_sent, inbound, tickets, until
from tests.support.fake_puppet import FakePuppetService
from tests.support.wechat import TOKEN, community

BOT = "wxid_gridbot"
ROOM_A = "room-xfl-1"  # 幸福里1-2号楼居民群, grid g1 (1-4号楼)
ROOM_B = "room-xfl-3"  # 幸福里5-8号楼居民群, grid g2 (5-8号楼)
RESIDENTS = {
    "wxid_res_zhang": "张阿姨",
    "wxid_res_chen": "陈师傅",
    "wxid_res_huang": "黄奶奶",
    "wxid_res_xu": "徐先生",
    "wxid_res_ma": "马大爷",
    "wxid_res_he": "何女士",
}
FAST = RetryPolicy(
    first_delay=0.02, max_delay=0.1, quick_delay=0.01, bug_attempts=3, status_interval=0.2
)

# What the two groups write while the database is away: (room, sender, text, is a report).
DURING_OUTAGE = [
    (ROOM_A, "wxid_res_chen", "4号楼楼道灯不亮了，晚上看不见", True),
    (ROOM_B, "wxid_res_xu", "7号楼电梯坏了，停在三楼不动", True),
    (ROOM_A, "wxid_res_huang", "大家早上好", False),
    (ROOM_B, "wxid_res_ma", "今天团购的菜到了吗", False),
    (ROOM_A, "wxid_res_zhang", "3号楼门口井盖坏了", True),
    (ROOM_B, "wxid_res_he", "6号楼门口垃圾三天没人清运了", True),
    (ROOM_A, "wxid_res_chen", "谢谢大家", False),
    (ROOM_B, "wxid_res_xu", "8号楼门口路灯不亮了", True),
]
BEFORE = (ROOM_A, "wxid_res_zhang", "2号楼门口路灯不亮了")


@dataclass
class Running:
    app: App
    fake: FakePuppetService
    adapter: WechatAdapter
    config: Config
    outage: Outage


@pytest.fixture
async def running(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Running]:
    config = community(tmp_path)
    fake = FakePuppetService(self_id=BOT, self_name="网格助手")
    for person in config.people:
        fake.add_contact(person.id, person.name)
    for rid, name in RESIDENTS.items():
        fake.add_contact(rid, name)
    fake.add_room(ROOM_A, "幸福里1-2号楼居民群", [*RESIDENTS, "wx-wang", "wx-zhao", "wx-liu"])
    fake.add_room(ROOM_B, "幸福里5-8号楼居民群", [*RESIDENTS, "wx-li", "wx-zhou", "wx-sun"])
    await fake.start()
    monkeypatch.setenv(ENDPOINT_ENV, fake.endpoint)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    clock = FakeClock(DAYTIME)
    adapters = build_adapters(config, clock)  # type: ignore[arg-type]
    url = outage_url(db_url)
    db = Database(url)
    outage = Outage(db)
    app = build_app(config, db, clock, adapters, retry=FAST)
    await app.start(background_send=True)
    adapter = adapters[0]
    assert isinstance(adapter, WechatAdapter)
    await adapter.wait_connected(5)
    try:
        yield Running(app, fake, adapter, config, outage)
    finally:
        if outage.active:
            await outage.end()
        await app.stop()
        await fake.stop()


async def inbound_of(app: App, chat: str) -> list[InboundMessageRow]:
    return [row for row in await inbound(app) if row.chat_id == chat]


async def test_reports_sent_while_the_database_is_down_become_one_ticket_each(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    r = running
    caplog.set_level(logging.INFO)
    room, sender, text = BEFORE
    first_id = r.fake.post(from_id=sender, room_id=room, text=text)
    await all_sent(r.app, 1)
    assert [t.summary for t in await tickets(r.app)] == [text]

    await r.outage.begin()
    posted: list[tuple[str, str, str, bool]] = []
    for room, sender, text, report in DURING_OUTAGE:
        posted.append((r.fake.post(from_id=sender, room_id=room, text=text), room, text, report))
    # Every message reached the core, which could not store any of them: all wait.
    await until(lambda: _waiting(r.app), lambda n: n == len(DURING_OUTAGE), timeout=10)
    retried = r.app.inbound.retried
    await until(lambda: _retried(r.app), lambda n: n >= retried + 4, timeout=10)
    assert len(await tickets(r.app)) == 1
    status = r.adapter.status_line()
    assert status.startswith("wechaty: status connected")
    assert "inbound: 8 waiting for retry in 2 chat(s), 0 failed" in status
    if r.app.db.is_sqlite:
        assert "database is locked" in caplog.text
    else:  # the bot's connections were killed, and then its statements hit the lock
        assert r.outage.terminated >= 1
        assert "terminating connection" in caplog.text or "connection" in caplog.text
        assert "lock timeout" in caplog.text
    assert r.app.inbound.waiting_in(ROOM_A) == 4 and r.app.inbound.waiting_in(ROOM_B) == 4

    await r.outage.end()
    reports = [p for p in posted if p[3]]
    await until(lambda: tickets(r.app), lambda ts: len(ts) == 1 + len(reports), timeout=10)
    await until(lambda: _waiting(r.app), lambda n: n == 0, timeout=10)
    sent = await all_sent(r.app, 1 + len(reports), timeout=10)

    # Exactly one ticket per report, none for chatter, nothing doubled.
    all_tickets = await tickets(r.app)
    assert len(all_tickets) == 1 + len(reports) and len(sent) == 1 + len(reports)
    by_id = {t.id: t for t in all_tickets}
    rows = {row.platform_msg_id: row for row in await inbound(r.app)}
    assert len(rows) == 1 + len(DURING_OUTAGE)
    for pid, _, text, report in posted:
        ticket_id = rows[pid].ticket_id
        if report:
            assert ticket_id is not None and text.startswith(by_id[ticket_id].summary)
        else:
            assert ticket_id is None
    assert len({rows[pid].ticket_id for pid, *_ in reports}) == len(reports)
    # Each chat was handled in the order it was written: its messages were stored in
    # that order, and its tickets were numbered in that order.
    for chat in (ROOM_A, ROOM_B):
        stored = [row.platform_msg_id for row in await inbound_of(r.app, chat)]
        expected = [pid for pid, room, _, _ in posted if room == chat]
        if chat == ROOM_A:
            expected = [first_id, *expected]
        assert stored == expected
        numbers = [rows[p].ticket_id for p, room, _, report in posted if room == chat and report]
        assert numbers == sorted(numbers)
        # and the group saw one dispatch message per report, naming its ticket
        said = [s.text for s in r.fake.sent if s.conversation_id == chat]
        assert len(said) == len(numbers) + (chat == ROOM_A)
        for number in numbers:
            assert sum(f"#{number}" in line for line in said) == 1

    assert "inbound: every waiting message handled" in caplog.text
    assert "inbound: 0 waiting for retry, 0 failed" in r.adapter.status_line()


async def _waiting(app: App) -> int:
    return app.inbound.waiting


async def _retried(app: App) -> int:
    return app.inbound.retried
