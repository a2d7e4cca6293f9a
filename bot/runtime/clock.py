"""Injectable time, so the simulator and tests can fast-forward days in milliseconds."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


NOW_ENV = "GRIDBOT_NOW"


class ClockError(ValueError):
    """A pinned time that is not an ISO time with a zone."""


def clock_from_env(environ: Mapping[str, str]) -> Clock:
    """The clock every CLI command runs on: the system clock, or, when ``GRIDBOT_NOW``
    holds an ISO time, a clock pinned there. Pinning is how tests and reproductions of a
    night-time bug run the real commands at 23:30 without waiting for 23:30."""
    pinned = environ.get(NOW_ENV, "").strip()
    if not pinned:
        return SystemClock()
    try:
        when = datetime.fromisoformat(pinned)
    except ValueError:
        raise ClockError(f"{NOW_ENV}={pinned!r} is not an ISO time") from None
    if when.tzinfo is None:
        raise ClockError(f"{NOW_ENV}={pinned!r} needs a zone, e.g. 2026-11-23T23:30:00+08:00")
    return FakeClock(when)


class FakeClock:
    """A clock that only moves when told to; never goes backwards by accident."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start time")

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("clock times must carry a timezone")
        self._now = when

    def advance(self, delta: timedelta) -> None:
        self._now += delta
