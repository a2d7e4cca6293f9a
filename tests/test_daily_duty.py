"""The daily duty message ([duty] daily_message, off by default): at shift start each
residents' group sees one 【今日值班】 line, once a day, and restarts neither repeat nor
double it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from bot.cli.simulate import Simulation, open_simulation
from bot.domain.chasing import DUTY_DAILY
from storage.models import TimerRow
from tests.support.duty import ROSTER, config_with
from tests.support.scenarios import play

DAILY = '[duty]\ndaily_message = true\n'
RESIDENT_GROUPS = ["room-xfl-1", "room-xfl-2", "room-xfl-3"]


def when(text: str) -> datetime:
    return datetime.fromisoformat(text + "+08:00")


async def pending_daily(sim: Simulation) -> list[datetime]:
    async with sim.app.db.transaction() as session:
        rows = await session.scalars(
            select(TimerRow).where(TimerRow.kind == DUTY_DAILY, TimerRow.done_at.is_(None))
        )
        return [r.due_at.astimezone(sim.app.config.timezone) for r in rows]


def check_posts(sent: list[dict], day: str, at: str) -> None:
    assert [m["chat"] for m in sent] == RESIDENT_GROUPS  # one per residents' group, not staff
    for m in sent:
        assert m["at"].startswith(at) and m["mentions"] == []  # nobody is pinged
        assert m["text"].startswith(f"【今日值班】{day} ") and "wx-" not in m["text"]
    assert "第一网格：王芳、赵强。" in sent[0]["text"] and "第一网格" in sent[1]["text"]
    assert "第二网格：李娜、周磊。" in sent[2]["text"]


async def test_off_by_default(sample_config, db_url: str) -> None:
    sim = await open_simulation(sample_config, db_url, start=when("2026-11-23T08:00"))
    assert await pending_daily(sim) == []
    assert await play(sim, [{"advance": "2d"}]) == []
    await sim.app.stop()


async def test_posted_at_shift_start_once_a_day(db_url: str) -> None:
    config = config_with(DAILY)
    sim = await open_simulation(config, db_url, start=when("2026-11-23T08:00"))
    assert await play(sim, [{"advance": "29m"}]) == []
    check_posts(await play(sim, [{"advance": "1m"}]), "11月23日", "2026-11-23T08:30")
    # A report in the day is answered as usual; the duty post does not come again.
    sent = await play(
        sim,
        [
            {"advance": "1h"},
            {"chat": "room-xfl-1", "from": "res-zhang", "id": "d1", "text": "3号楼井盖坏了"},
            {"chat": "room-xfl-1", "from": "wx-wang", "id": "d2", "text": "接单"},
            {"at": "2026-11-24T08:29:00+08:00"},
        ],
    )
    assert not any("今日值班" in m["text"] for m in sent)
    check_posts(await play(sim, [{"advance": "1m"}]), "11月24日", "2026-11-24T08:30")
    assert await pending_daily(sim) == [when("2026-11-25T08:30")]
    await sim.app.stop()


async def test_restarts_neither_repeat_nor_double_it(tmp_path: Path) -> None:
    config = config_with(DAILY)
    url = f"sqlite:///{tmp_path / 'daily.db'}"
    first = await open_simulation(config, url, start=when("2026-11-23T08:00"))
    check_posts(await play(first, [{"advance": "40m"}]), "11月23日", "2026-11-23T08:30")
    await first.app.stop()

    # Restarted twice the same day: today's post is not repeated, no second timer appears.
    for _ in range(2):
        again = await open_simulation(config, url, start=when("2026-11-23T12:00"))
        assert await pending_daily(again) == [when("2026-11-24T08:30")]
        assert await play(again, [{"advance": "1h"}]) == []
        await again.app.stop()

    # Restarted before the next post: it comes once, at its time.
    morning = await open_simulation(config, url, start=when("2026-11-24T07:00"))
    check_posts(await play(morning, [{"advance": "2h"}]), "11月24日", "2026-11-24T08:30")
    await morning.app.stop()

    # Down over 11-25 08:30, back at 10:00: today's duty is posted once, late.
    late = await open_simulation(config, url, start=when("2026-11-25T10:00"))
    check_posts(await play(late, [{"advance": "1m"}]), "11月25日", "2026-11-25T10:00")
    assert await pending_daily(late) == [when("2026-11-26T08:30")]
    await late.app.stop()

    # Down from then till 11-27 07:00: the missed post is not made up before 08:30, where
    # the day's own one follows.
    early = await open_simulation(config, url, start=when("2026-11-27T07:00"))
    assert await play(early, [{"advance": "1m"}]) == []
    check_posts(await play(early, [{"advance": "2h"}]), "11月27日", "2026-11-27T08:30")
    await early.app.stop()


async def test_roster_names_who_is_on_duty_that_day(db_url: str) -> None:
    """With a roster: a daily rotation names today's worker; on a holiday, the officer."""
    config = config_with(ROSTER.replace("[duty]\n", DAILY))
    sim = await open_simulation(config, db_url, start=when("2026-11-23T08:00"))
    sent = await play(sim, [{"advance": "1h"}])
    assert [m["chat"] for m in sent] == RESIDENT_GROUPS
    assert "第一网格：王芳、赵强。" in sent[0]["text"]
    assert "第二网格：李娜。" in sent[2]["text"]  # g2 rotates daily: Monday is 李娜's
    sent = await play(sim, [{"advance": "1d"}])
    assert "第二网格：周磊。" in sent[2]["text"]
    sent = await play(sim, [{"at": "2026-11-28T09:00:00+08:00"}])  # on to Saturday
    saturday = [m for m in sent if m["at"].startswith("2026-11-28")]
    assert len(saturday) == 3 and all("网格：陈主任。" in m["text"] for m in saturday)
    await sim.app.stop()


async def test_changing_the_time_replaces_the_timer(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'daily.db'}"
    sim = await open_simulation(config_with(DAILY), url, start=when("2026-11-23T07:00"))
    assert await pending_daily(sim) == [when("2026-11-23T08:30")]
    await sim.app.stop()
    later = config_with('[duty]\ndaily_message = true\ndaily_message_at = "09:00"\n')
    sim = await open_simulation(later, url, start=when("2026-11-23T07:10"))
    assert await pending_daily(sim) == [when("2026-11-23T09:00")]
    assert [m["at"][11:16] for m in await play(sim, [{"advance": "3h"}])] == ["09:00"] * 3
    await sim.app.stop()
    off = config_with("[duty]\ndaily_message = false\n")
    sim = await open_simulation(off, url, start=when("2026-11-23T12:00"))
    assert await pending_daily(sim) == []
    assert await play(sim, [{"advance": "2d"}]) == []
    await sim.app.stop()
