"""Scenarios that need more than the sample community: chasing switched on, or a roster.

tests/duty_scenarios/roster_*.jsonl run with the roster community, the others with the
sample plus explicit [escalation] and [overdue] tables; each plus its own ``<name>.toml``
if present; all on SQLite and PostgreSQL. The same files run under
`gridbot simulate --config` with such a config.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.duty import CHASING, ROSTER, config_for
from tests.support.scenarios import run_file

SCENARIOS = sorted((Path(__file__).parent / "duty_scenarios").glob("*.jsonl"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
async def test_duty_scenario(path: Path, db_url: str) -> None:
    config = config_for(path, ROSTER if path.stem.startswith("roster_") else CHASING)
    sim, _ = await run_file(path, config, db_url)
    await sim.app.stop()
