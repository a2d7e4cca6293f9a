"""The ``[reports]`` config section: when scheduled reports go out and where exports land.

The section is parsed and checked when the config loads (``bot.config.reports``) and kept
on ``Config.reports``; this module keeps the old import path for its users.
"""

from __future__ import annotations

from bot.config import Config
from bot.config.reports import WEEKDAY_KEYS, ReportSettings

__all__ = ["WEEKDAY_KEYS", "ReportSettings", "report_settings"]


def report_settings(config: Config) -> ReportSettings:
    """The settings checked at load (no parsing here)."""
    return config.reports
