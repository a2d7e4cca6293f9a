"""Communities for the duty tests: the sample one plus chasing settings, and plus a roster.

Escalation and overdue chasing are on by default; CHASING spells the sections out as a
deployment would (with the overdue report an hour after the limit). A scenario may carry
its own tables in a ``<name>.toml`` next to it (``config_for``), e.g. to switch chasing
off where the scenario is about something else and jumps across days.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot.config import Config, parse_config

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = (ROOT / "config.example.toml").read_text(encoding="utf-8")

CHASING = """
[escalation]
normal = "15m"
urgent = "3m"

[overdue]
warn_at = 0.8
report_after = "1h"
"""

ROSTER = """
[duty]
officers = ["wx-chen"]
working_hours = "08:30-17:30"
rotation_start = "2026-01-05"

[[duty.shifts]]
grid = "g1"
days = "workdays"
time = "08:30-17:30"
workers = ["wx-wang", "wx-zhao"]

[[duty.shifts]]
grid = "g2"
days = "workdays"
time = "08:30-17:30"
workers = ["wx-li", "wx-zhou"]
rotation = "daily"

[calendar]
holidays = ["2026-10-01..2026-10-07", "2027-01-01"]
workdays = ["2026-09-27", "2026-10-10"]
"""


def config_with(*extra: str) -> Config:
    return parse_config(tomllib.loads(SAMPLE + "\n".join(extra)), source="test-config")


def config_for(scenario: Path, *extra: str) -> Config:
    """The sample community plus ``extra`` plus the scenario's own ``<name>.toml``, if any."""
    own = scenario.with_suffix(".toml")
    return config_with(*extra, own.read_text(encoding="utf-8") if own.exists() else "")


def chasing_config() -> Config:
    return config_with(CHASING)


def roster_config() -> Config:
    return config_with(ROSTER)
