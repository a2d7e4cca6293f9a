"""Scheduled reports: exactly one timer per report, kept across restarts, firing on time."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli.simulate import open_simulation
from bot.config import ConfigError, parse_config
from handlers.reports import DAILY, WEEKLY
from storage.models import TimerRow
from tests.support.known_day import KNOWN_DAY, TZ_START
from tests.support.scenarios import play


def with_reports(config, **reports):
    """The config's own file with ``[reports]`` replaced."""
    data = tomllib.loads(Path(config.source).read_text(encoding="utf-8"))
    return parse_config({**data, "reports": reports}, source="test.toml")


async def pending(sim, kind: str) -> list[datetime]:
    async with sim.app.db.transaction() as session:
        rows = await session.scalars(
            select(TimerRow.due_at).where(TimerRow.kind == kind, TimerRow.done_at.is_(None))
        )
        return [d.astimezone(sim.app.config.timezone) for d in rows]


async def test_daily_and_weekly_reports_survive_restart(
    sample_config, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = with_reports(sample_config, daily=True, weekly=True, export_dir="out")
    url = f"sqlite:///{tmp_path / 'reports.db'}"
    first = await open_simulation(config, url, start=TZ_START)
    assert [d.isoformat() for d in await pending(first, DAILY)] == ["2026-11-24T08:30:00+08:00"]
    assert [d.isoformat() for d in await pending(first, WEEKLY)] == ["2026-11-30T08:30:00+08:00"]
    await play(first, KNOWN_DAY[:-1])  # the known day, up to 18:00 on Monday
    await first.app.stop()

    # A new App on the same file: still exactly one timer of each kind.
    second = await open_simulation(config, url, start=datetime.fromisoformat(
        "2026-11-23T20:00:00+08:00"))
    assert len(await pending(second, DAILY)) == 1
    assert len(await pending(second, WEEKLY)) == 1
    out = await play(second, [{"at": "2026-11-24T08:31:00+08:00"}])
    staff = [m for m in out if m["chat"] == "staff-room" and "日报" in m["text"]]
    assert len(staff) == 1
    text = staff[0]["text"]
    assert staff[0]["at"].startswith("2026-11-24T08:30")
    assert "11月23日周一" in text
    assert "受理 5｜接单 4｜办结 3｜结案 2" in text  # #4 closes only at 18:00 on the 24th
    assert "响应率 40%（2/5）" in text and "满意率 67%（2/3）" in text
    assert "目前没有超过办理时限仍未办结的工单" in text
    assert [d.isoformat() for d in await pending(second, DAILY)] == ["2026-11-25T08:30:00+08:00"]
    await second.app.stop()

    third = await open_simulation(config, url, start=datetime.fromisoformat(
        "2026-11-24T09:00:00+08:00"))
    out = await play(third, [{"at": "2026-11-30T09:00:00+08:00"}])
    daily = [m for m in out if "日报" in m["text"]]
    weekly = [m for m in out if "周报" in m["text"]]
    assert len(daily) == 6  # 25th .. 30th, one each morning
    assert len(weekly) == 1 and weekly[0]["at"].startswith("2026-11-30T08:30")
    assert "受理 5｜" in weekly[0]["text"] and "\n超时 3\n" in weekly[0]["text"]  # #2, #4, #5
    assert "超过办理时限仍未办结的工单 2 张" in daily[-1]["text"]
    chart = tmp_path / "out" / "charts" / "weekly_20261123.png"
    assert chart.is_file() and chart.stat().st_size > 10_000
    assert len(await pending(third, WEEKLY)) == 1
    await third.app.stop()


async def test_timers_follow_config_changes(sample_config, db_url: str) -> None:
    config = with_reports(sample_config, daily=True, daily_time="09:15")
    sim = await open_simulation(config, db_url, start=TZ_START)
    assert [d.isoformat() for d in await pending(sim, DAILY)] == ["2026-11-23T09:15:00+08:00"]
    await sim.app.stop()
    moved = with_reports(sample_config, daily=True, daily_time="07:00")
    sim = await open_simulation(moved, db_url, start=TZ_START)
    assert [d.isoformat() for d in await pending(sim, DAILY)] == ["2026-11-24T07:00:00+08:00"]
    assert await pending(sim, WEEKLY) == []
    await sim.app.stop()
    sim = await open_simulation(sample_config, db_url, start=TZ_START)  # reports off
    assert await pending(sim, DAILY) == []
    await sim.app.stop()


def test_report_settings_errors(sample_config) -> None:
    assert sample_config.reports.daily is False
    for bad, key in (
        ({"daily_time": "8.30"}, "reports.daily_time"),
        ({"weekly_day": "someday"}, "reports.weekly_day"),
        ({"daily": "yes"}, "reports.daily"),
        ({"dayly": True}, "reports.dayly"),
    ):
        with pytest.raises(ConfigError, match=key):
            with_reports(sample_config, **bad)
