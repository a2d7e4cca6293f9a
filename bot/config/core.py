"""The loaded config: the community's directory and every section's typed settings.

``bot.config.loader`` builds a ``Config`` from TOML, checking every key at load; runtime
code reads the typed fields here and never re-parses the raw TOML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

from bot.config.directory import Grid, Group, Person
from bot.config.duty import DutyConfig
from bot.config.reports import ReportSettings
from bot.config.wechaty import WechatySettings
from bot.config.wecom import WeComOptions
from bot.vocabulary import CONFIG_ROLES, Role

ROLES = CONFIG_ROLES  # what a [[people]] entry may be; anyone unlisted is a resident
PLATFORMS = ("wechaty", "wecom")
DEFAULT_DB_URL = "sqlite:///gridbot.db"
DEFAULT_BOT_NAMES = ("网格助手",)
# The name a staff group gets when [community] staff_group is not under [[groups]].
STAFF_GROUP_NAME = "社区工作群"


@dataclass(frozen=True, slots=True)
class Timing:
    """How long the bot waits before it acts on its own."""

    rating_timeout: timedelta = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class TriageSettings:
    """``[triage]``: extra words and synonyms for the engine, and how long a report of the
    same problem joins the open ticket instead of opening another."""

    words: tuple[str, ...] = ()
    synonyms: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    duplicate_window: timedelta = timedelta(hours=48)


@dataclass(frozen=True, slots=True)
class Faq:
    """``[[faq]]``: a question residents ask often, by its keywords, and the answer."""

    keywords: tuple[str, ...]
    answer: str


@dataclass(frozen=True, slots=True)
class PrivacySettings:
    """``[privacy]``: ``keep_days`` is how long message texts are kept (None: forever)."""

    keep_days: int | None = None


@dataclass(frozen=True, slots=True)
class WebSettings:
    """``[web]``: the staff web pages; a present table means enabled unless it says no."""

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    # The session cookie's Secure flag: off only for plain HTTP (no TLS proxy in front),
    # e.g. trying the console on one's own machine.
    secure_cookie: bool = True


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
    bot_names: tuple[str, ...] = DEFAULT_BOT_NAMES
    source: str = "<memory>"
    # Roster, calendar, escalation, overdue limits, quiet hours (bot/config/duty.py).
    duty: DutyConfig | None = None
    reports: ReportSettings = field(default_factory=ReportSettings)
    triage: TriageSettings = field(default_factory=TriageSettings)
    wechaty: WechatySettings = field(default_factory=WechatySettings)
    wecom: WeComOptions = field(default_factory=WeComOptions)
    # [community] emergency: lines shown in night acknowledgements and safety advice.
    emergency: tuple[str, ...] = ()
    faq: tuple[Faq, ...] = ()
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    web: WebSettings = field(default_factory=WebSettings)

    def __post_init__(self) -> None:
        if self.duty is None:
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

    def role_of(self, person_id: str) -> Role:
        person = self.person(person_id)
        return person.role if person else Role.RESIDENT

    def name_of(self, person_id: str, fallback: str | None = None) -> str:
        person = self.person(person_id)
        if person:
            return person.name
        return fallback or person_id

    def grids_of(self, person_id: str) -> tuple[str, ...]:
        """The grids a worker or leader belongs to (staff and admins belong to none)."""
        return tuple(g.id for g in self.grids if person_id in g.workers or person_id == g.leader)
