"""The ``[reports]`` section: when scheduled reports go out and where exports land.

Parsed and checked at load like every section, so a typo such as ``daily_time = "8.30"``
stops the bot at start with the key named, rather than silently never sending the
morning report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

from bot.config.strict import Table, show

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_WORDS = {
    **{k: i for i, k in enumerate(WEEKDAY_KEYS)},
    **{w: i for i, w in enumerate(("周一", "周二", "周三", "周四", "周五", "周六", "周日"))},
    "周天": 6,
}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
KEYS = ("daily", "daily_time", "weekly", "weekly_day", "weekly_time", "export_dir")


@dataclass(frozen=True, slots=True)
class ReportSettings:
    """Scheduled reports are off unless the config turns them on.

    Posting into the staff group is something the community agrees to, not something an
    upgrade should start doing by itself; ``config.example.toml`` shows the keys.
    """

    daily: bool = False
    daily_time: time = time(8, 30)
    weekly: bool = False
    weekly_day: int = 0  # Monday
    weekly_time: time = time(8, 30)
    export_dir: Path = Path("exports")


def parse_reports(table: Table) -> ReportSettings:
    return ReportSettings(
        daily=table.flag("daily", False),
        daily_time=_clock(table, "daily_time"),
        weekly=table.flag("weekly", False),
        weekly_day=_weekday(table, "weekly_day"),
        weekly_time=_clock(table, "weekly_time"),
        export_dir=Path(table.text("export_dir", "exports", what="a directory path")).expanduser(),
    )


def _clock(table: Table, key: str) -> time:
    value: Any = table.get(key, "08:30")
    m = _TIME.match(value.strip()) if isinstance(value, str) else None
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise table.error(key, f"is {show(value)}, not a time like '08:30'")
    return time(int(m.group(1)), int(m.group(2)))


def _weekday(table: Table, key: str) -> int:
    value: Any = table.get(key, "mon")
    word = value.strip().lower()[:3] if isinstance(value, str) and value.isascii() else value
    if isinstance(word, str) and word in _WEEKDAY_WORDS:
        return _WEEKDAY_WORDS[word]
    raise table.error(key, f"is {show(value)}, not a weekday; use mon, tue, ... sun")
