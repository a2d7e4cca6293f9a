"""Every scenario under tests/scenarios/ on SQLite and PostgreSQL, through the simulator.

Each runs on the sample community (config.example.toml), plus the tables of a
``<name>.toml`` next to it if there is one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.duty import config_for
from tests.support.scenarios import run_file

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.jsonl"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
async def test_scenario(path: Path, db_url: str) -> None:
    sim, _ = await run_file(path, config_for(path), db_url)
    await sim.app.stop()
