"""Every scenario under tests/scenarios/ on SQLite and PostgreSQL, through the simulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenario_runner import run_file

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.jsonl"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
async def test_scenario(path: Path, sample_config, db_url: str) -> None:
    sim, _ = await run_file(path, sample_config, db_url)
    await sim.app.stop()
