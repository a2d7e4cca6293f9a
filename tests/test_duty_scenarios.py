"""Scenarios that need more than the sample community: chasing switched on, or a roster.

tests/duty_scenarios/roster_*.jsonl run with the roster community, the others with the
sample plus [escalation] and [overdue]; all on SQLite and PostgreSQL. The same files run
under `gridbot simulate --config` with such a config.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.duty_support import chasing_config, roster_config
from tests.scenario_runner import run_file

SCENARIOS = sorted((Path(__file__).parent / "duty_scenarios").glob("*.jsonl"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
async def test_duty_scenario(path: Path, db_url: str) -> None:
    config = roster_config() if path.stem.startswith("roster_") else chasing_config()
    sim, _ = await run_file(path, config, db_url)
    await sim.app.stop()
