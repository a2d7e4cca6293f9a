"""Loading and checking the community's TOML config.

Config mistakes are the commonest way a deployment goes wrong, so every problem is
reported with the key that holds it and the loader refuses a config that would make the
bot misroute tickets (a group pointing at an unknown grid, a worker listed twice...).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from bot.duty_config import DutyConfig

ROLES = ("worker", "leader", "staff", "admin")
DEFAULT_DB_URL = "sqlite:///gridbot.db"


class ConfigError(Exception):
    """A config the bot cannot run with; the message names the file and key."""


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    role: str
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class Grid:
    id: str
    name: str
    leader: str | None
    workers: tuple[str, ...]
    buildings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    name: str
    grid: str | None
    platform: str | None = None


@dataclass(frozen=True, slots=True)
class Timing:
    """How long the bot waits before it acts on its own."""

    rating_timeout: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class Config:
    community_name: str
    timezone: ZoneInfo
    staff_group: str | None
    grids: tuple[Grid, ...]
    groups: tuple[Group, ...]
    people: tuple[Person, ...]
    database_url: str | None = None
    timing: Timing = field(default_factory=Timing)
    bot_names: tuple[str, ...] = ("网格助手",)
    source: str = "<memory>"
    # Roster, calendar, escalation, overdue limits, quiet hours (bot/duty_config.py).
    duty: DutyConfig | None = None
    # Whole raw TOML, so each adapter or feature can read and check its own section.
    raw: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.duty is None:
            from bot.duty_config import DutyConfig

            object.__setattr__(self, "duty", DutyConfig())
        object.__setattr__(self, "_people", {p.id: p for p in self.people})
        object.__setattr__(self, "_grids", {g.id: g for g in self.grids})
        object.__setattr__(self, "_groups", {g.id: g for g in self.groups})

    def person(self, person_id: str) -> Person | None:
        return self._people.get(person_id)  # type: ignore[attr-defined]

    def grid(self, grid_id: str | None) -> Grid | None:
        return self._grids.get(grid_id) if grid_id else None  # type: ignore[attr-defined]

    def grid_label(self, grid_id: str | None) -> str:
        """A grid's name for people; a grid since removed from the config keeps its id,
        so old tickets in figures and ledgers are not lumped in with unrouted ones."""
        grid = self.grid(grid_id)
        if grid is not None:
            return grid.name
        return grid_id or "未分网格"

    def group(self, group_id: str | None) -> Group | None:
        return self._groups.get(group_id) if group_id else None  # type: ignore[attr-defined]

    def role_of(self, person_id: str) -> str:
        person = self.person(person_id)
        return person.role if person else "resident"

    def name_of(self, person_id: str, fallback: str | None = None) -> str:
        person = self.person(person_id)
        if person:
            return person.name
        return fallback or person_id

    def grids_of(self, person_id: str) -> tuple[str, ...]:
        """The grids a worker or leader belongs to (staff and admins belong to none)."""
        return tuple(g.id for g in self.grids if person_id in g.workers or person_id == g.leader)

    def section(self, name: str) -> Mapping[str, Any]:
        value = self.raw.get(name, {})
        if not isinstance(value, Mapping):
            raise ConfigError(f"{self.source}: [{name}] must be a table")
        return value


def bundled_example() -> Path:
    """The sample community, wherever the install put it."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "config.example.toml", here.parent / "config.example.toml"):
        if candidate.is_file():
            return candidate
    raise ConfigError("the bundled config.example.toml is missing from this install")


def resolve_config_path(path: str | None) -> Path:
    if path:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"config file not found: {path}")
        return p
    local = Path("config.toml")
    return local if local.is_file() else bundled_example()


def load_config(path: str | Path | None = None) -> Config:
    p = resolve_config_path(str(path) if path else None)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: not UTF-8 text") from exc
    return parse_config(data, source=str(p))


def parse_config(data: Mapping[str, Any], source: str = "<memory>") -> Config:
    where = _Where(source)
    community = where.table(data, "community")
    name = where.text(community, "name", "community")
    tz_name = community.get("timezone", "Asia/Shanghai")
    try:
        tz = ZoneInfo(str(tz_name))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"{source}: community.timezone {tz_name!r} is not a known time zone"
        ) from exc

    people = tuple(_person(where, i, p) for i, p in enumerate(where.array(data, "people")))
    _unique(where, "people", [p.id for p in people])
    known = {p.id: p for p in people}

    grids = tuple(_grid(where, i, g, known) for i, g in enumerate(where.array(data, "grids")))
    _unique(where, "grids", [g.id for g in grids])
    grid_ids = {g.id for g in grids}

    groups = tuple(_group(where, i, g, grid_ids) for i, g in enumerate(where.array(data, "groups")))
    _unique(where, "groups", [g.id for g in groups])

    staff_group = community.get("staff_group")
    if staff_group is not None and not isinstance(staff_group, str):
        raise ConfigError(f"{source}: community.staff_group must be a group id (text)")

    timing_raw = data.get("timing", {})
    if not isinstance(timing_raw, Mapping):
        raise ConfigError(f"{source}: [timing] must be a table")
    timing = Timing(
        rating_timeout=parse_duration(
            timing_raw.get("rating_timeout", "24h"), f"{source}: timing.rating_timeout"
        )
    )
    bot_raw = data.get("bot", {})
    bot_names = tuple(bot_raw.get("names", ["网格助手"])) if isinstance(bot_raw, Mapping) else ()
    database = data.get("database", {})
    db_url = database.get("url") if isinstance(database, Mapping) else None
    from bot.duty_config import parse_duty
    from bot.taxonomy import CATEGORIES

    duty = parse_duty(data, source, known, {g.id: g for g in grids}, CATEGORIES)
    return Config(
        community_name=name,
        timezone=tz,
        staff_group=staff_group,
        grids=grids,
        groups=groups,
        people=people,
        database_url=db_url,
        timing=timing,
        bot_names=bot_names or ("网格助手",),
        source=source,
        duty=duty,
        raw=data,
    )


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(value: Any, where: str) -> timedelta:
    """'90m', '24h', '2d', '1h30m', '30s', or a number of minutes."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return timedelta(minutes=value)
    if isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        parts = _DURATION.findall(text)
        if parts and "".join(a + u for a, u in parts) == text:
            return sum(
                (timedelta(**{_UNITS[unit]: float(amount)}) for amount, unit in parts),
                timedelta(),
            )
    raise ConfigError(f"{where}: {value!r} is not a duration like '90m', '24h', '2d' or '1h30m'")


class _Where:
    def __init__(self, source: str) -> None:
        self.source = source

    def table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = data.get(key)
        if not isinstance(value, Mapping):
            raise ConfigError(f"{self.source}: the [{key}] table is missing")
        return value

    def array(self, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise ConfigError(f"{self.source}: [[{key}]] must be an array of tables")
        return value

    def text(self, table: Mapping[str, Any], key: str, label: str) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{self.source}: {label}.{key} is required and must be text")
        return value.strip()

    def texts(self, table: Mapping[str, Any], key: str, label: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{self.source}: {label}.{key} must be a list of text")
        return tuple(v.strip() for v in value)


def _person(where: _Where, i: int, raw: Mapping[str, Any]) -> Person:
    label = f"people[{i}]"
    role = raw.get("role", "worker")
    if role not in ROLES:
        raise ConfigError(
            f"{where.source}: {label}.role is {role!r}; use one of {', '.join(ROLES)}"
            " (anyone not listed is a resident)"
        )
    phone = raw.get("phone")
    return Person(
        id=where.text(raw, "id", label),
        name=where.text(raw, "name", label),
        role=role,
        phone=str(phone) if phone else None,
    )


def _grid(where: _Where, i: int, raw: Mapping[str, Any], people: Mapping[str, Person]) -> Grid:
    label = f"grids[{i}]"
    grid = Grid(
        id=where.text(raw, "id", label),
        name=where.text(raw, "name", label),
        leader=raw.get("leader") or None,
        workers=where.texts(raw, "workers", label),
        buildings=where.texts(raw, "buildings", label),
    )
    for pid in (*grid.workers, *([grid.leader] if grid.leader else [])):
        if pid not in people:
            raise ConfigError(
                f"{where.source}: grid {grid.id!r} names {pid!r}, who is not in [[people]]"
            )
    _unique(where, f"grid {grid.id!r} workers", list(grid.workers))
    return grid


def _group(where: _Where, i: int, raw: Mapping[str, Any], grids: set[str]) -> Group:
    label = f"groups[{i}]"
    grid = raw.get("grid") or None
    if grid is not None and grid not in grids:
        raise ConfigError(f"{where.source}: {label}.grid {grid!r} is not a grid id in [[grids]]")
    platform = raw.get("platform") or None
    return Group(
        id=where.text(raw, "id", label),
        name=where.text(raw, "name", label),
        grid=grid,
        platform=platform,
    )


def _unique(where: _Where, label: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise ConfigError(f"{where.source}: {label}: {value!r} is listed twice")
        seen.add(value)
