"""The duty sections of the config: roster, calendar, escalation, overdue limits, quiet hours.

Parsed and checked once at load time (bot.config.parse_config calls ``parse_duty``) so a
typo in a shift or a holiday is refused with the key that holds it, instead of quietly
routing a gas leak to nobody at 3 a.m.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.config.directory import Grid, Person
from bot.config.strict import ConfigError, parse_duration, refuse_unknown, show, unknown_key

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_SETS = ("all", "workdays", "weekends", "holidays", "offdays")
ROTATIONS = ("none", "daily", "weekly")
# Defaults from common practice (接诉即办-style limits); consult is one working day.
DEFAULT_LIMITS: dict[str, timedelta] = {
    "municipal": timedelta(hours=24),
    "building": timedelta(hours=48),
    "utility": timedelta(hours=48),
    "sanitation": timedelta(hours=48),
    "safety": timedelta(hours=4),
    "care": timedelta(hours=4),
    "dispute": timedelta(hours=72),
    "order": timedelta(hours=72),
    "consult": timedelta(days=1),
    "wish": timedelta(days=7),
    "other": timedelta(hours=72),
}
DEFAULT_WORKING_TIME_CATEGORIES = ("consult",)
DEFAULT_ROTATION_START = date(2026, 1, 5)  # a Monday, so weekly rotations hand off on Mondays

# The keys each table may hold; anything else is refused with the nearest of these.
DUTY_KEYS = (
    "officers",
    "officer_rotation",
    "rotation_start",
    "working_hours",
    "daily_message",
    "daily_message_at",
    "shifts",
    "overrides",
    "leave",
)
SHIFT_KEYS = ("grid", "days", "time", "workers", "rotation", "name")
OVERRIDE_KEYS = ("date", "person", "replaces", "grid")
LEAVE_KEYS = ("person", "from", "to")
CALENDAR_KEYS = ("holidays", "workdays")
ESCALATION_KEYS = ("normal", "urgent", "enabled")
OVERDUE_KEYS = ("warn_at", "report_after", "working_hours", "enabled", "limits")
QUIET_KEYS = ("window", "enabled")


@dataclass(frozen=True, slots=True)
class Window:
    """A daily time window; ``end <= start`` means it runs past midnight (22:00-07:00)."""

    start: time
    end: time

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    @property
    def length(self) -> timedelta:
        minutes = (self.end.hour * 60 + self.end.minute) - (
            self.start.hour * 60 + self.start.minute
        )
        return timedelta(minutes=minutes % (24 * 60) or 24 * 60)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True, slots=True)
class Shift:
    """Who of a grid is on duty on which days, in which window, and whether they take turns."""

    grid: str
    days: tuple[str, ...]  # weekday names and/or one of DAY_SETS
    window: Window
    workers: tuple[str, ...]
    rotation: str = "none"  # none: all on duty together; daily/weekly: one at a time in turn
    label: str = ""
    # No ``workers`` in the file: the grid's workers as the directory lists them now, so a
    # worker added on the console joins the shift without a config edit.
    grid_workers: bool = False
    # The stored row's id once shifts live in the database (None: read from the config).
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Override:
    """``person`` is on duty on ``day`` in place of ``replaces`` (or in addition, if None)."""

    day: date
    person: str
    replaces: str | None = None
    grid: str | None = None
    source: str = "config"


@dataclass(frozen=True, slots=True)
class Leave:
    person: str
    first: date
    last: date
    source: str = "config"


@dataclass(frozen=True, slots=True)
class DutySettings:
    shifts: tuple[Shift, ...] = ()
    officers: tuple[str, ...] = ()
    officer_rotation: str = "daily"
    rotation_start: date = DEFAULT_ROTATION_START
    working_hours: Window = Window(time(8, 30), time(17, 30))
    daily_message: bool = False
    daily_message_at: time = time(8, 30)
    overrides: tuple[Override, ...] = ()
    leave: tuple[Leave, ...] = ()

    def has_roster(self, grid_id: str | None) -> bool:
        return any(s.grid == grid_id for s in self.shifts)


@dataclass(frozen=True, slots=True)
class Calendar:
    """Public holidays and make-up workdays (调休), which the weekday alone cannot tell."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays

    def is_workday(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day in self.workdays or day.weekday() < 5

    def kind(self, day: date) -> str:
        """'holiday', 'makeup' (a weekend day worked in exchange), 'workday' or 'weekend'."""
        if day in self.holidays:
            return "holiday"
        if day in self.workdays:
            return "makeup" if day.weekday() >= 5 else "workday"
        return "workday" if day.weekday() < 5 else "weekend"


@dataclass(frozen=True, slots=True)
class EscalationSettings:
    enabled: bool = True  # on by default; [escalation] enabled = false switches it off
    normal: timedelta = timedelta(minutes=15)
    urgent: timedelta = timedelta(minutes=3)

    def interval(self, urgent: bool) -> timedelta:
        return self.urgent if urgent else self.normal


@dataclass(frozen=True, slots=True)
class OverdueSettings:
    enabled: bool = True  # on by default; [overdue] enabled = false switches it off
    warn_at: float = 0.8
    report_after: timedelta = timedelta()
    limits: Mapping[str, timedelta] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    working_time: frozenset[str] = frozenset(DEFAULT_WORKING_TIME_CATEGORIES)

    def limit(self, category: str) -> timedelta:
        return self.limits.get(category, self.limits.get("other", timedelta(hours=72)))


@dataclass(frozen=True, slots=True)
class QuietHours:
    enabled: bool = True
    window: Window = Window(time(22, 0), time(7, 0))


@dataclass(frozen=True, slots=True)
class DutyConfig:
    """Everything about who is on duty and how the bot chases; all optional in the file."""

    duty: DutySettings = DutySettings()
    calendar: Calendar = Calendar()
    escalation: EscalationSettings = EscalationSettings()
    overdue: OverdueSettings = field(default_factory=OverdueSettings)
    quiet: QuietHours = QuietHours()


# --- parsing -------------------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_DAY_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")


def parse_duty(
    data: Mapping[str, Any],
    source: str,
    people: Mapping[str, Person],
    grids: Mapping[str, Grid],
    categories: tuple[str, ...],
) -> DutyConfig:
    p = _Parser(source, people, grids)
    return DutyConfig(
        duty=p.duty(p.table(data, "duty", DUTY_KEYS)),
        calendar=p.calendar(p.table(data, "calendar", CALENDAR_KEYS)),
        escalation=p.escalation(p.table(data, "escalation", ESCALATION_KEYS)),
        overdue=p.overdue(p.table(data, "overdue", OVERDUE_KEYS), categories),
        quiet=p.quiet(p.table(data, "quiet_hours", QUIET_KEYS)),
    )


class _Parser:
    def __init__(self, source: str, people: Mapping[str, Person], grids: Mapping[str, Grid]):
        self.source = source
        self.people = people
        self.grids = grids

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.source}: {key} {problem}")

    def table(
        self, data: Mapping[str, Any], key: str, known: tuple[str, ...]
    ) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, Mapping):
            raise ConfigError(f"{self.source}: [{key}] must be a table")
        refuse_unknown(self.source, key, value, known)
        return value

    def tables(
        self, raw: Mapping[str, Any], key: str, label: str, known: tuple[str, ...]
    ) -> list[Mapping[str, Any]]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise self.fail(f"[[{label}]]", "must be an array of tables")
        for i, item in enumerate(value):
            refuse_unknown(self.source, f"{label}[{i}]", item, known)
        return value

    def flag(self, table: Mapping[str, Any], key: str, label: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{label}.{key}", "must be true or false")
        return value

    def clock_time(self, value: Any, key: str) -> time:
        m = _TIME.match(str(value).strip()) if isinstance(value, str) else None
        if not m or int(m.group(1)) > 24 or int(m.group(2)) > 59:
            raise self.fail(key, f"is {value!r}; write a time like '08:30'")
        hour, minute = int(m.group(1)), int(m.group(2))
        return time(0, 0) if hour == 24 and minute == 0 else time(hour % 24, minute)

    def window(self, value: Any, key: str) -> Window:
        if not isinstance(value, str) or value.count("-") != 1:
            raise self.fail(key, f"is {value!r}; write a window like '08:30-17:30'")
        start, end = value.split("-")
        window = Window(self.clock_time(start, key), self.clock_time(end, key))
        if window.start == window.end:
            raise self.fail(key, f"is {value!r}: start and end are the same time")
        return window

    def day(self, value: Any, key: str) -> date:
        if isinstance(value, datetime):
            raise self.fail(key, f"is a date and time ({value}); write a date like '2026-10-01'")
        if isinstance(value, date):
            return value
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            return date.fromisoformat(value.strip())
        except ValueError:
            raise self.fail(key, f"is {show(value)}; write a date like '2026-10-01'") from None

    def days(self, value: Any, key: str) -> frozenset[date]:
        """A list of dates and 'YYYY-MM-DD..YYYY-MM-DD' ranges."""
        if not isinstance(value, list):
            raise self.fail(key, "must be a list of dates, e.g. ['2026-10-01..2026-10-07']")
        out: set[date] = set()
        for i, item in enumerate(value):
            m = _DAY_RANGE.match(item.strip()) if isinstance(item, str) else None
            if m:
                first, last = (
                    self.day(m.group(1), f"{key}[{i}]"),
                    self.day(m.group(2), f"{key}[{i}]"),
                )
                if last < first:
                    raise self.fail(f"{key}[{i}]", f"{item!r} ends before it starts")
                out.update(first + timedelta(days=n) for n in range((last - first).days + 1))
            else:
                out.add(self.day(item, f"{key}[{i}]"))
        return frozenset(out)

    def person(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or value not in self.people:
            raise self.fail(key, f"names {value!r}, who is not in [[people]]")
        return value

    def persons(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(key, "must be a list of person ids")
        ids = tuple(self.person(v, f"{key}[{i}]") for i, v in enumerate(value))
        if len(set(ids)) != len(ids):
            raise self.fail(key, "lists someone twice")
        return ids

    def choice(self, value: Any, key: str, options: tuple[str, ...]) -> str:
        if not isinstance(value, str) or value not in options:
            raise self.fail(key, f"is {show(value)}; use one of {', '.join(options)}")
        return value

    def duration(self, value: Any, key: str) -> timedelta:
        return parse_duration(value, f"{self.source}: {key}")

    # --- sections --------------------------------------------------------------------

    def duty(self, raw: Mapping[str, Any]) -> DutySettings:
        defaults = DutySettings()
        shifts = self.tables(raw, "shifts", "duty.shifts", SHIFT_KEYS)
        officers = self.persons(raw.get("officers", []), "duty.officers")
        working = self.window(raw.get("working_hours", "08:30-17:30"), "duty.working_hours")
        if working.crosses_midnight:
            raise self.fail("duty.working_hours", "must not run past midnight")
        overrides_raw = self.tables(raw, "overrides", "duty.overrides", OVERRIDE_KEYS)
        leave_raw = self.tables(raw, "leave", "duty.leave", LEAVE_KEYS)
        return DutySettings(
            shifts=tuple(self.shift(i, s) for i, s in enumerate(shifts)),
            officers=officers,
            officer_rotation=self.choice(
                raw.get("officer_rotation", "daily"), "duty.officer_rotation", ("daily", "weekly")
            ),
            rotation_start=self.day(
                raw.get("rotation_start", defaults.rotation_start), "duty.rotation_start"
            ),
            working_hours=working,
            daily_message=self.flag(raw, "daily_message", "duty", False),
            daily_message_at=self.clock_time(
                raw.get("daily_message_at", f"{working.start:%H:%M}"), "duty.daily_message_at"
            ),
            overrides=tuple(self.override(i, o) for i, o in enumerate(overrides_raw)),
            leave=tuple(self.leave(i, v) for i, v in enumerate(leave_raw)),
        )

    def shift(self, i: int, raw: Mapping[str, Any]) -> Shift:
        key = f"duty.shifts[{i}]"
        grid_id = raw.get("grid")
        grid = self.grids.get(grid_id) if isinstance(grid_id, str) else None
        if grid is None:
            raise self.fail(f"{key}.grid", f"is {grid_id!r}, not a grid id in [[grids]]")
        days_raw = raw.get("days", "workdays")
        days = tuple(days_raw) if isinstance(days_raw, list) else (days_raw,)
        for d in days:
            if not isinstance(d, str) or d not in (*WEEKDAYS, *DAY_SETS):
                raise self.fail(
                    f"{key}.days",
                    f"has {show(d)}; use {', '.join(DAY_SETS)} or weekday names (mon..sun)",
                )
        label = raw.get("name", "")
        if not isinstance(label, str):
            raise self.fail(f"{key}.name", f"must be text, not {show(label)}")
        workers = self.persons(raw.get("workers", list(grid.workers)), f"{key}.workers")
        if not workers:
            raise self.fail(f"{key}.workers", "is empty; list who is on duty in this shift")
        return Shift(
            grid=grid.id,
            days=days,
            window=self.window(raw.get("time", "08:30-17:30"), f"{key}.time"),
            workers=workers,
            rotation=self.choice(raw.get("rotation", "none"), f"{key}.rotation", ROTATIONS),
            label=label,
            grid_workers="workers" not in raw,
        )

    def override(self, i: int, raw: Mapping[str, Any]) -> Override:
        key = f"duty.overrides[{i}]"
        replaces = raw.get("replaces")
        grid = raw.get("grid")
        if grid is not None and (not isinstance(grid, str) or grid not in self.grids):
            raise self.fail(f"{key}.grid", f"is {grid!r}, not a grid id in [[grids]]")
        if replaces is None and grid is None:
            raise self.fail(key, "needs 'replaces' (whom the person covers) or 'grid'")
        return Override(
            day=self.day(raw.get("date"), f"{key}.date"),
            person=self.person(raw.get("person"), f"{key}.person"),
            replaces=self.person(replaces, f"{key}.replaces") if replaces is not None else None,
            grid=grid,
        )

    def leave(self, i: int, raw: Mapping[str, Any]) -> Leave:
        key = f"duty.leave[{i}]"
        first = self.day(raw.get("from"), f"{key}.from")
        last = self.day(raw.get("to", raw.get("from")), f"{key}.to")
        if last < first:
            raise self.fail(f"{key}.to", "is before 'from'")
        return Leave(self.person(raw.get("person"), f"{key}.person"), first, last)

    def calendar(self, raw: Mapping[str, Any]) -> Calendar:
        holidays = self.days(raw.get("holidays", []), "calendar.holidays")
        workdays = self.days(raw.get("workdays", []), "calendar.workdays")
        both = sorted(holidays & workdays)
        if both:
            raise self.fail("calendar.workdays", f"and calendar.holidays both list {both[0]}")
        return Calendar(holidays, workdays)

    def escalation(self, raw: Mapping[str, Any]) -> EscalationSettings:
        normal = self.duration(raw.get("normal", "15m"), "escalation.normal")
        urgent = self.duration(raw.get("urgent", "3m"), "escalation.urgent")
        for key, value in (("normal", normal), ("urgent", urgent)):
            if value <= timedelta():
                raise self.fail(f"escalation.{key}", "must be longer than zero")
        # On by default, also for the contract's minimal config: an unclaimed ticket must
        # not die quietly. A deployment that chases by hand writes enabled = false.
        enabled = self.flag(raw, "enabled", "escalation", True)
        return EscalationSettings(enabled, normal, urgent)

    def overdue(self, raw: Mapping[str, Any], categories: tuple[str, ...]) -> OverdueSettings:
        warn_at = raw.get("warn_at", 0.8)
        if not isinstance(warn_at, int | float) or isinstance(warn_at, bool) or not 0 < warn_at < 1:
            raise self.fail("overdue.warn_at", f"is {warn_at!r}; use a fraction like 0.8")
        limits = dict(DEFAULT_LIMITS)
        limits_raw = raw.get("limits", {})
        if not isinstance(limits_raw, Mapping):
            raise self.fail("[overdue.limits]", "must be a table of category = duration")
        for code, value in limits_raw.items():
            if code not in categories:
                raise unknown_key(self.source, "overdue.limits", code, categories)
            limits[code] = self.duration(value, f"overdue.limits.{code}")
            if limits[code] <= timedelta():
                raise self.fail(f"overdue.limits.{code}", "must be longer than zero")
        working = raw.get("working_hours", list(DEFAULT_WORKING_TIME_CATEGORIES))
        if not isinstance(working, list) or any(
            not isinstance(c, str) or c not in categories for c in working
        ):
            raise self.fail(
                "overdue.working_hours", "must list category codes whose limits count working time"
            )
        return OverdueSettings(
            enabled=self.flag(raw, "enabled", "overdue", True),
            warn_at=float(warn_at),
            report_after=self.duration(raw.get("report_after", "0m"), "overdue.report_after"),
            limits=limits,
            working_time=frozenset(working),
        )

    def quiet(self, raw: Mapping[str, Any]) -> QuietHours:
        return QuietHours(
            enabled=self.flag(raw, "enabled", "quiet_hours", True),
            window=self.window(raw.get("window", "22:00-07:00"), "quiet_hours.window"),
        )
