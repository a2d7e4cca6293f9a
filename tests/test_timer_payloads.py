"""Timer payloads hold ids and numbers, never rendered text; rows written by older
versions (the overdue limit as text) still fire and say the same."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.cli.simulate import Simulation, open_simulation
from bot.domain.chasing import EscalatePayload, OverduePayload
from bot.vocabulary import OverdueStage, TimerKind
from storage.models import TimerRow
from tests.support.duty import config_with
from tests.support.scenarios import play

START = datetime.fromisoformat("2026-11-23T09:00:00+08:00")
# A short limit and a working-time category, so both kinds of limit text are seen.
LIMITS = """
[escalation]
enabled = false

[overdue]
working_hours = ["consult"]

[overdue.limits]
municipal = "2h30m"
"""
REPORT = {"chat": "room-xfl-1", "from": "res-zhang", "id": "r1", "text": "3号楼井盖坏了"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_overdue_payload_reads_the_old_text_limit() -> None:
    old = {"due": "2026-11-24T09:00:00+08:00", "limit": "1天4小时（按工作时间计）", "stage": "warn"}
    payload = OverduePayload.from_json(old)
    assert payload.stage is OverdueStage.WARN
    assert payload.due == datetime.fromisoformat(old["due"])
    assert (payload.limit_minutes, payload.working_time) == (28 * 60, True)
    assert OverduePayload.from_json({**old, "limit": "15分钟"}).limit_minutes == 15
    assert OverduePayload.from_json({**old, "limit": "2小时"}).working_time is False


def test_payloads_round_trip_without_text() -> None:
    overdue = OverduePayload(OverdueStage.REPORT, START, 150, working_time=True)
    assert OverduePayload.from_json(overdue.to_json()) == overdue
    ladder = EscalatePayload(2, ("wx-zhao",))
    assert EscalatePayload.from_json(ladder.to_json()) == ladder
    for data in (overdue.to_json(), ladder.to_json()):
        assert not CJK.search(repr(data))


async def _overdue_rows(sim: Simulation) -> list[TimerRow]:
    async with sim.app.db.transaction() as session:
        rows = await session.scalars(
            select(TimerRow).where(TimerRow.kind == TimerKind.OVERDUE).order_by(TimerRow.id)
        )
        return list(rows)


async def _reminders(tmp_path: Path, name: str, legacy: bool) -> list[dict[str, Any]]:
    sim = await open_simulation(config_with(LIMITS), f"sqlite:///{tmp_path / name}", start=START)
    await play(sim, [REPORT])
    rows = await _overdue_rows(sim)
    assert [r.payload["stage"] for r in rows] == ["warn", "due", "report"]
    for row in rows:
        assert not CJK.search(repr(row.payload))
    if legacy:  # what the rows looked like before payloads were typed
        async with sim.app.db.transaction() as session:
            for row in rows:
                stored = await session.get(TimerRow, row.id)
                assert stored is not None
                stored.payload = {
                    "due": row.payload["due"],
                    "limit": "2小时30分钟",
                    "stage": row.payload["stage"],
                }
    sent = await play(sim, [{"advance": "4h"}])
    await sim.app.stop()
    return sent


async def test_pending_rows_of_the_old_shape_still_fire_and_say_the_same(tmp_path: Path) -> None:
    new = await _reminders(tmp_path, "new.db", legacy=False)
    old = await _reminders(tmp_path, "old.db", legacy=True)
    assert len(new) == 3
    assert "办理时限是2小时30分钟" in new[0]["text"]
    assert old == new
