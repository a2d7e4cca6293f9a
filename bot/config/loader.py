"""Loading and checking the community's TOML config.

Config mistakes are the commonest way a deployment goes wrong, so every section is parsed
into typed settings here, at load, and every problem is one ``ConfigError`` line naming
the file and the key: unknown keys and tables (with the nearest known one), values of the
wrong type or out of range, and a config that would make the bot misroute tickets (a group
pointing at an unknown grid, a worker listed twice, a staff group no platform reaches).
Nothing a message does later can trip over the config any more.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from bot.config.core import (
    DEFAULT_BOT_NAMES,
    PLATFORMS,
    ROLES,
    STAFF_GROUP_NAME,
    Config,
    Faq,
    Grid,
    Group,
    Person,
    PrivacySettings,
    Timing,
    TriageSettings,
    WebSettings,
)
from bot.config.duty import parse_duty
from bot.config.reports import KEYS as REPORT_KEYS
from bot.config.reports import parse_reports
from bot.config.strict import ConfigError, Table, nearest, show
from bot.config.wechaty import parse_wechaty
from bot.config.wecom import WeComOptions, check_wecom_section
from bot.vocabulary import CATEGORIES, Role

# Every table the file may hold; [[grids]]-style arrays of tables apart.
TABLES = (
    "community",
    "bot",
    "database",
    "timing",
    "triage",
    "reports",
    "duty",
    "calendar",
    "escalation",
    "overdue",
    "quiet_hours",
    "wechaty",
    "wecom",
    "privacy",
    "web",
)
ARRAYS = ("grids", "groups", "people", "faq")

COMMUNITY_KEYS = ("name", "timezone", "staff_group", "emergency")
GRID_KEYS = ("id", "name", "leader", "workers", "buildings")
GROUP_KEYS = ("id", "name", "grid", "platform")
PERSON_KEYS = ("id", "name", "role", "phone")
MAX_KEEP_DAYS = 36500


def bundled_example() -> Path:
    """The sample community, wherever the install put it."""
    package = Path(__file__).resolve().parent  # bot/config
    for candidate in (
        package.parent / "config.example.toml",  # installed: bot/config.example.toml
        package.parent.parent / "config.example.toml",  # source checkout
    ):
        if candidate.is_file():
            return candidate
    raise ConfigError("the bundled config.example.toml is missing from this install")


def resolve_config_path(path: str | None) -> Path:
    if path:
        p = Path(path)
        try:
            found = p.is_file()
        except (OSError, ValueError):
            found = False
        if not found:
            raise ConfigError(f"config file not found: {path}")
        return p
    local = Path("config.toml")
    return local if local.is_file() else bundled_example()


def load_config(path: str | Path | None = None) -> Config:
    p = resolve_config_path(str(path) if path else None)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML: {_one_line(exc)}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: not UTF-8 text") from exc
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{p}: cannot be read: {_one_line(exc)}") from exc
    return parse_config(data, source=str(p))


def parse_config(data: Mapping[str, Any], source: str = "<memory>") -> Config:
    """Check the whole config and build it; any problem is one ConfigError line."""
    try:
        return _parse(data, source)
    except ConfigError:
        raise
    except (TypeError, ValueError, OverflowError, KeyError, AttributeError) as exc:
        # A value of a shape no check above foresaw: still one line, never a traceback.
        raise ConfigError(f"{source}: a value cannot be used: {_one_line(exc)}") from exc


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _parse(data: Mapping[str, Any], source: str) -> Config:
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: the config must be a TOML document of tables")
    _refuse_unknown_tables(data, source)
    top = Table(source, "", data)

    community = top.table("community", COMMUNITY_KEYS)
    if not community.present:
        raise ConfigError(f"{source}: the [community] table is missing")
    name = community.text("name", what="the community's name")
    tz_name = community.text("timezone", "Asia/Shanghai", what="an IANA time zone")
    try:
        tz = ZoneInfo(tz_name)
    except Exception as exc:  # ZoneInfoNotFoundError, ValueError, IsADirectoryError...
        raise ConfigError(
            f"{source}: community.timezone {tz_name!r} is not a known time zone"
        ) from exc
    staff_group = community.optional_text("staff_group", what="a group id")
    emergency = community.texts("emergency", what="text lines")

    people = tuple(_person(t) for t in top.tables("people", PERSON_KEYS))
    _unique(source, "people", [p.id for p in people])
    known = {p.id: p for p in people}

    grids = tuple(_grid(t, known) for t in top.tables("grids", GRID_KEYS))
    _unique(source, "grids", [g.id for g in grids])
    grid_ids = {g.id for g in grids}

    groups = tuple(_group(t, grid_ids) for t in top.tables("groups", GROUP_KEYS))
    _unique(source, "groups", [g.id for g in groups])
    if staff_group is not None and staff_group not in {g.id for g in groups}:
        # The staff group works as one whether or not it is listed under [[groups]].
        groups = (*groups, Group(id=staff_group, name=STAFF_GROUP_NAME, grid=None))

    timing_table = top.table("timing", ("rating_timeout",))
    timing = Timing(rating_timeout=timing_table.duration("rating_timeout", "24h"))

    bot_table = top.table("bot", ("names",))
    bot_names = bot_table.texts("names", DEFAULT_BOT_NAMES, what="names", least=1)

    database = top.table("database", ("url",))
    db_url = database.optional_text("url", what="a database URL")

    triage = _triage(
        top.table("triage", ("words", "synonyms", "duplicate_window", "rescue_line"))
    )
    reports = parse_reports(top.table("reports", REPORT_KEYS))
    wechaty = parse_wechaty(top.table("wechaty", None))
    wecom_table = top.table("wecom", None)
    wecom = check_wecom_section(
        wecom_table.raw, source=source, default_bot_names=bot_names, present=wecom_table.present
    )
    faq = tuple(_faq(t) for t in top.tables("faq", ("keywords", "answer")))
    privacy = _privacy(top.table("privacy", ("keep_days",)))
    web = _web(top.table("web", ("enabled", "host", "port", "secure_cookie")))

    duty = parse_duty(data, source, known, {g.id: g for g in grids}, CATEGORIES)

    if staff_group is not None:
        _check_staff_group_reachable(
            source, next(g for g in groups if g.id == staff_group), wechaty.enabled, wecom
        )
    callback = wecom.has_bot and wecom.mode == "callback"
    if web.enabled and callback and web.port == wecom.callback_port:
        raise ConfigError(
            f"{source}: web.port {web.port} is also wecom.callback_port; "
            "give the web pages a port of their own"
        )

    return Config(
        community_name=name,
        timezone=tz,
        staff_group=staff_group,
        grids=grids,
        groups=groups,
        people=people,
        database_url=db_url,
        timing=timing,
        bot_names=bot_names,
        source=source,
        duty=duty,
        reports=reports,
        triage=triage,
        wechaty=wechaty,
        wecom=wecom,
        emergency=emergency,
        faq=faq,
        privacy=privacy,
        web=web,
    )


def _refuse_unknown_tables(data: Mapping[str, Any], source: str) -> None:
    for key, value in data.items():
        if key in TABLES or key in ARRAYS:
            continue
        if isinstance(value, Mapping):
            shown, kind = f"[{key}]", "table"
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            shown, kind = f"[[{key}]]", "table"
        else:
            shown, kind = str(key), "key"
        guess = nearest(key, (*TABLES, *ARRAYS))
        if guess is not None:
            hint = f"did you mean {_table_name(guess)}?"
        else:
            hint = "the tables are " + ", ".join(_table_name(t) for t in (*TABLES, *ARRAYS))
        raise ConfigError(f"{source}: {shown} is not a known {kind}; {hint}")


def _table_name(key: str) -> str:
    return f"[[{key}]]" if key in ARRAYS else f"[{key}]"


def _person(t: Table) -> Person:
    role = t.get("role", "worker")
    if not isinstance(role, str) or role not in ROLES:
        raise t.error(
            "role",
            f"is {show(role)}; use one of {', '.join(ROLES)} (anyone not listed is a resident)",
        )
    return Person(
        id=t.text("id", what="a platform user id"),
        name=t.text("name", what="the person's name"),
        role=Role(role),
        phone=t.optional_text("phone", what='a phone number in quotes, e.g. "13800000000"'),
    )


def _grid(t: Table, people: Mapping[str, Person]) -> Grid:
    grid = Grid(
        id=t.text("id", what="a grid id"),
        name=t.text("name", what="the grid's name"),
        leader=t.optional_text("leader", what="a person id"),
        workers=t.texts("workers", what="person ids"),
        buildings=t.texts("buildings", what="building names"),
    )
    for pid in (*grid.workers, *([grid.leader] if grid.leader else [])):
        if pid not in people:
            raise ConfigError(
                f"{t.source}: grid {grid.id!r} names {pid!r}, who is not in [[people]]"
            )
    _unique(t.source, f"grid {grid.id!r} workers", list(grid.workers))
    return grid


def _group(t: Table, grids: set[str]) -> Group:
    grid = t.optional_text("grid", what="a grid id")
    if grid is not None and grid not in grids:
        raise t.error("grid", f"{grid!r} is not a grid id in [[grids]]")
    platform = t.choice("platform", PLATFORMS) if "platform" in t else None
    return Group(
        id=t.text("id", what="a platform room id"),
        name=t.text("name", what="the group's name"),
        grid=grid,
        platform=platform,
    )


def _triage(t: Table) -> TriageSettings:
    synonyms = t.get("synonyms", {})
    if not isinstance(synonyms, Mapping) or not all(
        isinstance(v, str) and v.strip() and str(k).strip() for k, v in synonyms.items()
    ):
        raise t.error("synonyms", "must map text to text, e.g. 电驴 = \"电动车\"")
    return TriageSettings(
        words=t.texts("words", what="words"),
        synonyms=MappingProxyType({str(k): v.strip() for k, v in synonyms.items()}),
        duplicate_window=t.duration("duplicate_window", "48h"),
        rescue_line=t.fraction("rescue_line", 0.5, 1.0),
    )


def _faq(t: Table) -> Faq:
    if "keywords" not in t:
        raise t.error("keywords", "is required (a list of text)")
    return Faq(
        keywords=t.texts("keywords", what="keywords", least=1),
        answer=t.text("answer", what="the answer's text"),
    )


def _privacy(t: Table) -> PrivacySettings:
    if "keep_days" not in t:
        return PrivacySettings()
    return PrivacySettings(keep_days=t.integer("keep_days", 365, 1, MAX_KEEP_DAYS))


def _web(t: Table) -> WebSettings:
    defaults = WebSettings()
    return WebSettings(
        enabled=t.flag("enabled", t.present),
        host=t.text("host", defaults.host, what="an address"),
        port=t.integer("port", defaults.port, 1, 65535),
        secure_cookie=t.flag("secure_cookie", defaults.secure_cookie),
    )


def _check_staff_group_reachable(
    source: str, group: Group, wechaty_on: bool, wecom: WeComOptions
) -> None:
    """With a platform enabled, some adapter must be able to post in the staff group."""
    if not (wechaty_on or wecom.enabled):
        return  # demo, simulate, tests: nothing to reach
    if wechaty_on and group.platform in (None, "wechaty"):
        return
    if wecom.has_bot and group.platform in (None, "wecom"):
        return
    if group.id in wecom.webhook_chats:
        return
    running = [p for p, on in (("wechaty", wechaty_on), ("wecom", wecom.enabled)) if on]
    if group.platform is not None and group.platform not in running:
        why = f"its [[groups]] entry says platform = {group.platform!r}, which is not enabled"
    else:
        why = "[wecom] mode = 'webhook' only sends to the chats in [wecom.webhooks]"
    raise ConfigError(
        f"{source}: community.staff_group {group.id!r} cannot be reached by any enabled "
        f"platform ({', '.join(running)}): {why}; add it to [wecom.webhooks] or serve it "
        "on a platform that runs"
    )


def _unique(source: str, label: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise ConfigError(f"{source}: {label}: {value!r} is listed twice")
        seen.add(value)
