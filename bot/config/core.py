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

from bot.config.directory import Directory, Grid, Group, Person
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
    # How sure the learned model must be to open a ticket the rules did not find (None:
    # the line shipped with the model). Higher asks more and opens less.
    rescue_line: float | None = None


@dataclass(frozen=True, slots=True)
class Faq:
    """``[[faq]]``: a question residents ask often, by its keywords, and the answer."""

    keywords: tuple[str, ...]
    answer: str


@dataclass(frozen=True, slots=True)
class PrivacySettings:
    """``[privacy]``: ``keep_days`` is how long a closed ticket keeps its reporter's
    personal data (issue 15: a year unless the community says otherwise; None: forever,
    for code that builds settings by hand)."""

    keep_days: int | None = 365


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
    # What the file lists: it seeds the database's directory on first start (and on
    # `gridbot import`); at run time read ``directory``, which the console changes.
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
        # The live directory: the config's own lists until the database's is swapped in
        # (``use_directory``). One cell, so every holder of this Config sees the swap.
        seed = Directory.of(self.grids, self.groups, self.people)
        object.__setattr__(self, "_directory", [seed])

    @property
    def directory(self) -> Directory:
        """Who is who now. ``grids``, ``groups`` and ``people`` are only what the file
        lists (the seed); everything at run time reads this."""
        return self._directory[0]  # type: ignore[attr-defined, no-any-return]

    def use_directory(self, directory: Directory) -> None:
        self._directory[0] = directory  # type: ignore[attr-defined]

    def person(self, person_id: str) -> Person | None:
        return self.directory.person(person_id)

    def grid(self, grid_id: str | None) -> Grid | None:
        return self.directory.grid(grid_id)

    def grid_label(self, grid_id: str | None) -> str:
        return self.directory.grid_label(grid_id)

    def group(self, group_id: str | None) -> Group | None:
        return self.directory.group(group_id)

    def role_of(self, person_id: str) -> Role:
        return self.directory.role_of(person_id)

    def name_of(self, person_id: str, fallback: str | None = None) -> str:
        return self.directory.name_of(person_id, fallback)

    def grids_of(self, person_id: str) -> tuple[str, ...]:
        """The grids a worker or leader belongs to (staff and admins belong to none)."""
        return self.directory.grids_of(person_id)
