"""The community's directory as the config lists it: people, grids and groups.

Kept apart from ``core`` so that the section parsers (``duty``) can name them without an
import cycle through ``Config``.
"""

from __future__ import annotations

from dataclasses import dataclass

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


__all__ = ["Grid", "Group", "Person"]
