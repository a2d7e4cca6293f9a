"""The ``[wechaty]`` section, checked at load and kept on ``Config.wechaty``.

The endpoint and token never live in config.toml (see bot/adapters/wechat/settings.py,
which reads them from the environment when the adapter starts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from bot.config.strict import ConfigError, Table, parse_duration

SECTION = "wechaty"
ENDPOINT_ENV = "WECHATY_PUPPET_SERVICE_ENDPOINT"
TOKEN_ENV = "WECHATY_PUPPET_SERVICE_TOKEN"

KNOWN_KEYS = frozenset(
    {
        "enabled",
        "welcome",
        "reconnect_min",
        "reconnect_max",
        "connect_timeout",
        "send_timeout",
        "ping_interval",
        "ping_timeout",
        "status_interval",
        "cache_dir",
        "library_log_level",
    }
)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True, slots=True)
class WechatySettings:
    """How the adapter behaves; every duration is in seconds.

    ``welcome`` is the line a newcomer gets when joining a served group; empty means no
    welcome, which is the default because many groups already greet by hand.
    ``ping_interval``/``ping_timeout`` detect a gateway that still holds the connection
    but has stopped answering: without them a stalled gateway looks healthy forever.
    """

    enabled: bool = False
    welcome: str = ""
    reconnect_min: float = 2.0
    reconnect_max: float = 120.0
    connect_timeout: float = 15.0
    send_timeout: float = 30.0
    ping_interval: float = 30.0
    ping_timeout: float = 15.0
    status_interval: float = 1800.0
    cache_dir: str = ".wechaty"
    library_log_level: str = "WARNING"

    @classmethod
    def from_config(cls, config: _WithWechaty) -> WechatySettings:
        """The section as checked when the config was loaded."""
        return config.wechaty

    @classmethod
    def from_section(
        cls, raw: Mapping[str, Any], source: str = "<memory>", *, present: bool = True
    ) -> WechatySettings:
        """Parse and check the section; a present section means enabled unless it says no."""
        return parse_wechaty(Table(source, SECTION, raw, None, present=present))


def parse_wechaty(table: Table) -> WechatySettings:
    for key in table.raw:
        if key in ("endpoint", "token", "puppet", "puppet_service", "endpoint_token"):
            raise table.error(
                key,
                f"must not be in the config file; the gateway comes only from the environment "
                f"({ENDPOINT_ENV}, {TOKEN_ENV})",
            )
    Table(table.source, table.label, table.raw, KNOWN_KEYS)  # unknown keys, with a guess
    defaults = WechatySettings()
    level = table.text("library_log_level", defaults.library_log_level).upper()
    if level not in LOG_LEVELS:
        raise table.error("library_log_level", f"must be one of {', '.join(LOG_LEVELS)}")

    def seconds(key: str, default: float, *, allow_zero: bool = False) -> float:
        if key not in table:
            return default
        value = parse_duration(table.get(key), f"{table.source}: {table.key(key)}")
        if value.total_seconds() == 0 and not allow_zero:
            raise table.error(key, "must be longer than zero")
        return value.total_seconds()

    settings = WechatySettings(
        enabled=table.flag("enabled", table.present),
        welcome=table.any_text("welcome").strip(),
        reconnect_min=seconds("reconnect_min", defaults.reconnect_min),
        reconnect_max=seconds("reconnect_max", defaults.reconnect_max),
        connect_timeout=seconds("connect_timeout", defaults.connect_timeout),
        send_timeout=seconds("send_timeout", defaults.send_timeout),
        ping_interval=seconds("ping_interval", defaults.ping_interval),
        ping_timeout=seconds("ping_timeout", defaults.ping_timeout),
        status_interval=seconds("status_interval", defaults.status_interval, allow_zero=True),
        cache_dir=table.text("cache_dir", defaults.cache_dir, what="a directory path"),
        library_log_level=level,
    )
    if settings.reconnect_max < settings.reconnect_min:
        raise ConfigError(
            f"{table.source}: {table.key('reconnect_max')} must not be shorter than reconnect_min"
        )
    return settings


class _WithWechaty(Protocol):
    """A ``Config`` as ``from_config`` sees it (named so, not imported: ``core`` imports
    this module)."""

    @property
    def wechaty(self) -> WechatySettings: ...
