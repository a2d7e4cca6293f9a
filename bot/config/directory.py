"""The community's directory: people, grids and groups.

The config's ``[[people]]``, ``[[grids]]`` and ``[[groups]]`` only seed it; once the database
holds it, the console (and ``gridbot import``) change it there, and every process swaps in
the new ``Directory`` on its next message (``bot.domain.directory``). A ``Directory`` is one
immutable snapshot, so a message is handled against one consistent view of who is who.

Kept apart from ``core`` so that the section parsers (``duty``) can name them without an
import cycle through ``Config``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from bot.vocabulary import Role


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    role: Role
    phone: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))


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


def _frozen(mapping: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(mapping)


@dataclass(frozen=True)
class Directory:
    """Who is who, the grids and the served groups, as of one moment.

    ``retired`` keeps the names of people and grids no longer in service, so old tickets,
    figures and ledgers still show a name; they play no part in routing or permissions.
    ``stamp`` says which stored state this is (None: built from a config alone).
    ``shifts`` are the stored standing shifts (None: not stored yet, the config's stand).
    """

    grids: tuple[Grid, ...] = ()
    groups: tuple[Group, ...] = ()
    people: tuple[Person, ...] = ()
    retired_people: Mapping[str, str] = field(default_factory=lambda: _frozen({}))
    retired_grids: Mapping[str, str] = field(default_factory=lambda: _frozen({}))
    stamp: tuple[str, int] | None = None
    # bot.config.duty.Shift, which imports this module (so not named here).
    shifts: tuple[Any, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "_people", {p.id: p for p in self.people})
        object.__setattr__(self, "_grids", {g.id: g for g in self.grids})
        object.__setattr__(self, "_groups", {g.id: g for g in self.groups})
        member: dict[str, list[str]] = {}
        for grid in self.grids:
            for pid in (*grid.workers, *((grid.leader,) if grid.leader else ())):
                if grid.id not in member.setdefault(pid, []):
                    member[pid].append(grid.id)
        object.__setattr__(self, "_member", {k: tuple(v) for k, v in member.items()})

    @classmethod
    def of(
        cls, grids: Iterable[Grid], groups: Iterable[Group], people: Iterable[Person]
    ) -> Directory:
        return cls(tuple(grids), tuple(groups), tuple(people))

    def person(self, person_id: str) -> Person | None:
        return self._people.get(person_id)  # type: ignore[attr-defined]

    def grid(self, grid_id: str | None) -> Grid | None:
        return self._grids.get(grid_id) if grid_id else None  # type: ignore[attr-defined]

    def group(self, group_id: str | None) -> Group | None:
        return self._groups.get(group_id) if group_id else None  # type: ignore[attr-defined]

    def grid_label(self, grid_id: str | None) -> str:
        """A grid's name for people; a retired grid keeps its name (or its id), so old
        tickets in figures and ledgers are not lumped in with unrouted ones."""
        grid = self.grid(grid_id)
        if grid is not None:
            return grid.name
        if grid_id and grid_id in self.retired_grids:
            return self.retired_grids[grid_id]
        return grid_id or "未分网格"

    def role_of(self, person_id: str) -> Role:
        person = self.person(person_id)
        return person.role if person else Role.RESIDENT

    def name_of(self, person_id: str, fallback: str | None = None) -> str:
        person = self.person(person_id)
        if person:
            return person.name
        return self.retired_people.get(person_id) or fallback or person_id

    def grids_of(self, person_id: str) -> tuple[str, ...]:
        """The grids a worker or leader belongs to (staff and admins belong to none)."""
        return self._member.get(person_id, ())  # type: ignore[attr-defined, no-any-return]


__all__ = ["Directory", "Grid", "Group", "Person"]
