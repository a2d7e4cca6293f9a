"""Cancelling a ticket (撤销 #N): what residents type, who may, what stops, and the figures.

The figures test adds two cancelled tickets to the known day of test_stats: one claimed in
five minutes (which would raise 响应率 and lower the median if it counted) and one never
claimed. Every figure of the known day must stay exactly as worked out by hand there, with
only 受理 and 撤销 growing by two.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from bot.cli.simulate import open_simulation
from bot.config import parse_config
from bot.domain.lifecycle import ACTIVE_STATUSES
from bot.reporting.export import export_ledger
from bot.reporting.periods import day_period, parse_period
from bot.reporting.stats import Scope, Stats, limits_from_config
from handlers.cancel import parse
from storage.models import TicketRow, TimerRow
from tests.support.known_day import KNOWN_DAY, TZ_START, at, say
from tests.support.scenarios import play

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("text", "quoted", "expected"),
    [
        ("撤销 #3", False, (3, "", "number")),
        ("取消#3", False, (3, "", "number")),
        ("撤回 3号", False, (3, "", "number")),
        ("撤销3号工单，重复了", False, (3, "重复了", "number")),
        ("撤销#3已经修好了", False, (3, "已经修好了", "number")),
        ("取消3号楼的活动", False, None),
        ("取消工单 12", False, (12, "", "number")),
        ("请帮我取消工单 #12，已经修好了", False, (12, "已经修好了", "number")),
        ("#7 不用了", False, (7, "", "number")),
        ("#7 撤销 重复登记", False, (7, "重复登记", "number")),
        ("撤销工单", False, (None, "", "bare")),
        ("取消我的报修", False, (None, "", "bare")),
        ("不用了，自己好了", True, (None, "自己好了", "quote")),
        ("取消吧", True, (None, "", "quote")),
        # chatter, never a withdrawal
        ("取消", False, None),
        ("不用了", False, None),
        ("周六的活动取消了", False, None),
        ("接龙取消3份", False, None),
        ("取消 3份", False, None),
        ("取消 3 份", False, None),
        ("取消 3", False, None),
        ("好的", True, None),
    ],
)
def test_what_residents_type(text: str, quoted: bool, expected: Any) -> None:
    got = parse(text, quoted)
    assert (None if got is None else (got.ticket_id, got.reason, got.how)) == expected


def chasing_config() -> Any:
    """The sample community with escalation and overdue chasing on."""
    data = tomllib.loads((ROOT / "config.example.toml").read_text(encoding="utf-8"))
    data.setdefault("escalation", {"normal": "15m", "urgent": "3m"})
    data.setdefault("overdue", {"warn_at": 0.8, "report_after": "1h"})
    return parse_config(data, source="test-config")


async def test_cancel_stops_every_timer(db_url: str) -> None:
    sim = await open_simulation(chasing_config(), db_url, start=TZ_START)
    try:
        await play(sim, [say("room-xfl-1", "res-zhang", "3号楼井盖坏了", name="张阿姨")])
        async with sim.app.db.transaction() as session:
            pending = await session.scalars(
                select(TimerRow.kind).where(TimerRow.ticket_id == 1, TimerRow.done_at.is_(None))
            )
            assert "escalate" in set(pending)  # the ladder would climb at 09:15
        out = await play(
            sim, [at("09:05"), say("room-xfl-1", "res-zhang", "撤销 #1 已经修好了")]
        )
        assert [m["text"] for m in out] == [
            "好的，您反映的工单 #1（市政设施）3号楼井盖坏了 已撤销（已经修好了）。"
            "@王芳 这张不用再处理了。以后有问题随时说。"
        ]
        async with sim.app.db.transaction() as session:
            timers = (
                await session.execute(
                    select(TimerRow.kind, TimerRow.done_at, TimerRow.outcome).where(
                        TimerRow.ticket_id == 1
                    )
                )
            ).all()
        assert timers and all(outcome == "cancelled" for _, _, outcome in timers)
        assert {done.astimezone(TZ_START.tzinfo) for _, done, _ in timers} == {
            TZ_START + timedelta(minutes=5)
        }
        assert await play(sim, [{"advance": "4d"}]) == []  # no ladder, no overdue chasing
    finally:
        await sim.app.stop()


async def test_a_report_others_joined_stays_open(sample_config, db_url: str) -> None:
    sim = await open_simulation(sample_config, db_url, start=TZ_START)
    try:
        await play(sim, [say("room-xfl-1", "res-zhang", "3号楼井盖坏了", name="张阿姨")])
        async with sim.app.db.transaction() as session:
            await session.execute(update(TicketRow).where(TicketRow.id == 1).values(reports=3))
        out = await play(sim, [say("room-xfl-1", "res-zhang", "撤销 #1")])
        assert len(out) == 1 and "还有其他 2 位居民反映了同样的问题" in out[0]["text"]
        assert out[0]["mentions"] == ["wx-wang"]
        # The grid leader can still cancel it (say, the problem is really gone).
        out = await play(sim, [say("staff-room", "wx-liu", "撤销 #1 已核实修好")])
        assert [m["chat"] for m in out] == ["staff-room", "room-xfl-1"]
        help_text = (await play(sim, [{"dm": "res-zhang", "text": "帮助"}]))[0]["text"]
        assert "撤销 #编号" in help_text
        worker_help = (await play(sim, [{"dm": "wx-wang", "text": "帮助"}]))[0]["text"]
        assert "撤销" not in worker_help
    finally:
        await sim.app.stop()


CANCELLED_ON_THE_KNOWN_DAY = [
    at("15:00"),
    say("room-xfl-1", "res-gao", "2号楼单元门坏了关不上", name="高先生"),  # #6
    at("15:05"),
    say("room-xfl-1", "wx-wang", "接单 #6"),
    at("15:10"),
    say("room-xfl-1", "res-gao", "撤销 #6 物业已经修好了"),
    at("16:00"),
    say("room-xfl-2", "res-sun", "3号楼单元门禁坏了刷不开", name="孙阿姨"),  # #7, never claimed
    at("17:00"),
    say("staff-room", "wx-liu", "撤销 #7 重复登记"),
]


@pytest.fixture
async def with_cancelled(sample_config, db_url: str):
    cut = next(i for i, step in enumerate(KNOWN_DAY) if step == at("18:00"))
    steps = KNOWN_DAY[:cut] + CANCELLED_ON_THE_KNOWN_DAY + KNOWN_DAY[cut:]
    sim = await open_simulation(sample_config, db_url, start=TZ_START)
    await play(sim, steps)
    yield sim
    await sim.app.stop()


async def test_figures_leave_cancelled_tickets_out(with_cancelled, tmp_path: Path) -> None:
    sim = with_cancelled
    config = sim.app.config
    async with sim.app.db.transaction() as session:
        statuses = await session.scalars(select(TicketRow.status).order_by(TicketRow.id))
        assert list(statuses)[5:] == ["cancelled", "cancelled"]
        stats = Stats(session, limits_from_config(config), sim.clock.now())
        day = day_period(date(2026, 11, 23), config.timezone)
        report = await stats.report(day)
        total = report.total
        # The known day's figures, unchanged: see tests/test_stats.py.
        assert (total.received, total.cancelled, total.valid) == (7, 2, 5)
        assert total.claimed == 4  # #6 was claimed, but it is cancelled
        assert (total.responded, total.response_due) == (2, 5)
        assert (total.resolved, total.closed, total.overdue) == (3, 3, 1)
        assert total.resolution_rate == pytest.approx(0.6)
        assert (total.rated, total.satisfied, total.fair, total.dissatisfied) == (3, 1, 1, 1)
        assert total.median_claim == timedelta(minutes=15)  # not pulled down by #6's 5 min
        assert total.median_resolve == timedelta(hours=2)
        g1 = report.by_grid["g1"]
        assert (g1.received, g1.cancelled, g1.claimed, g1.responded, g1.response_due) == (
            5, 2, 3, 2, 3
        )
        assert g1.median_claim == timedelta(minutes=10)
        building = report.by_category["building"]
        assert (building.received, building.cancelled, building.resolved) == (3, 2, 1)
        # Lists of open work and the ranking leave them out too.
        _, rows = await stats.tickets(TicketRow.status.in_(ACTIVE_STATUSES), limit=50)
        assert [t.id for t in rows] == [2, 5]
        week = parse_period("本周", sim.clock.now(), config.timezone)
        assert week is not None
        ranks = await stats.ranking(week)
        assert [(r.worker_id, r.resolved) for r in ranks] == [("wx-wang", 3)]
        result = await export_ledger(stats, config, day, Scope(), tmp_path / "ledger.xlsx")
    assert result.rows == 7
    sheet = load_workbook(result.path)["工单台账"]
    header = [c.value for c in sheet[2]]  # row 1 is the title
    row6 = dict(zip(header, [c.value for c in sheet[8]], strict=True))
    assert (row6["编号"], row6["状态"], row6["是否超时"]) == (6, "已撤销", None)
    assert row6["首次接单时间"] == datetime(2026, 11, 23, 15, 5)
    assert row6["结案时间"] == datetime(2026, 11, 23, 15, 10)
    # The chat answer names the cancelled ones and keeps them out of the rates.
    answer = await play(sim, [{"dm": "wx-chen", "text": "统计 2026-11-23~2026-11-23"}])
    text = answer[0]["text"]
    assert "受理 7" in text and "撤销 2" in text
    assert "响应率 40%（2/5）" in text and "解决率 60%（3/5）" in text
