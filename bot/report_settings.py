"""The ``[reports]`` config section: when scheduled reports go out and where exports land.

Parsed from the raw TOML on demand (the section is small and read rarely) and checked when
the app prepares, so a typo such as ``daily_time = "8.30"`` stops the bot at start with the
key named, rather than silently never sending the morning report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

from bot.config import Config, ConfigError

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_WORDS = {
    **{k: i for i, k in enumerate(WEEKDAY_KEYS)},
    **{w: i for i, w in enumerate(("周一", "周二", "周三", "周四", "周五", "周六", "周日"))},
    "周天": 6,
}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_KEYS = ("daily", "daily_time", "weekly", "weekly_day", "weekly_time", "export_dir")


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


def report_settings(config: Config) -> ReportSettings:
    raw = config.section("reports")
    where = f"{config.source}: reports"
    for key in raw:
        if key not in _KEYS:
            raise ConfigError(f"{where}.{key}: unknown key; the keys are {', '.join(_KEYS)}")
    return ReportSettings(
        daily=_flag(raw, "daily", where),
        daily_time=_clock(raw.get("daily_time", "08:30"), f"{where}.daily_time"),
        weekly=_flag(raw, "weekly", where),
        weekly_day=_weekday(raw.get("weekly_day", "mon"), f"{where}.weekly_day"),
        weekly_time=_clock(raw.get("weekly_time", "08:30"), f"{where}.weekly_time"),
        export_dir=_directory(raw.get("export_dir", "exports"), f"{where}.export_dir"),
    )


def _flag(raw: Any, key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}.{key}: must be true or false, not {value!r}")
    return value


def _clock(value: Any, where: str) -> time:
    m = _TIME.match(value.strip()) if isinstance(value, str) else None
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ConfigError(f"{where}: {value!r} is not a time like '08:30'")
    return time(int(m.group(1)), int(m.group(2)))


def _weekday(value: Any, where: str) -> int:
    key = value.strip().lower()[:3] if isinstance(value, str) and value.isascii() else value
    if isinstance(key, str) and key in _WEEKDAY_WORDS:
        return _WEEKDAY_WORDS[key]
    raise ConfigError(f"{where}: {value!r} is not a weekday; use mon, tue, ... sun")


def _directory(value: Any, where: str) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: must be a directory path (text)")
    return Path(value.strip()).expanduser()
