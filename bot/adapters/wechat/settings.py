"""The ``[wechaty]`` config section and the two environment variables the adapter needs.

The endpoint and token never live in config.toml: the token is a credential for the
WeChat account, and config files get copied, mailed and committed. They come only from
``WECHATY_PUPPET_SERVICE_ENDPOINT`` and ``WECHATY_PUPPET_SERVICE_TOKEN``, and both must be
set (without an endpoint python-wechaty would go and look one up on a public server).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.config import Config, ConfigError, parse_duration

SECTION = "wechaty"
ENDPOINT_ENV = "WECHATY_PUPPET_SERVICE_ENDPOINT"
TOKEN_ENV = "WECHATY_PUPPET_SERVICE_TOKEN"

_KNOWN_KEYS = frozenset(
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
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


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
    def from_config(cls, config: Config) -> WechatySettings:
        present = SECTION in config.raw
        return cls.from_section(config.section(SECTION), source=config.source, present=present)

    @classmethod
    def from_section(
        cls, raw: Mapping[str, Any], source: str = "<memory>", *, present: bool = True
    ) -> WechatySettings:
        """Parse and check the section; a present section means enabled unless it says no."""
        where = f"{source}: [{SECTION}]"
        defaults = cls()
        unknown = sorted(set(raw) - _KNOWN_KEYS)
        if unknown:
            raise ConfigError(
                f"{where} has unknown key(s) {', '.join(unknown)}; "
                "the endpoint and token come only from the environment "
                f"({ENDPOINT_ENV}, {TOKEN_ENV})"
                if {"endpoint", "token"} & set(unknown)
                else f"{where} has unknown key(s) {', '.join(unknown)}"
            )
        enabled = raw.get("enabled", present)
        if not isinstance(enabled, bool):
            raise ConfigError(f"{where}.enabled must be true or false")
        welcome = raw.get("welcome", "")
        if not isinstance(welcome, str):
            raise ConfigError(f"{where}.welcome must be text (empty for no welcome)")
        cache_dir = raw.get("cache_dir", defaults.cache_dir)
        if not isinstance(cache_dir, str) or not cache_dir.strip():
            raise ConfigError(f"{where}.cache_dir must be a directory path")
        level = str(raw.get("library_log_level", defaults.library_log_level)).upper()
        if level not in _LOG_LEVELS:
            raise ConfigError(f"{where}.library_log_level must be one of {', '.join(_LOG_LEVELS)}")

        def seconds(key: str, default: float, *, allow_zero: bool = False) -> float:
            if key not in raw:
                return default
            value = parse_duration(raw[key], f"{where}.{key}").total_seconds()
            if value < 0 or (value == 0 and not allow_zero):
                raise ConfigError(f"{where}.{key} must be longer than zero")
            return value

        settings = cls(
            enabled=enabled,
            welcome=welcome.strip(),
            reconnect_min=seconds("reconnect_min", defaults.reconnect_min),
            reconnect_max=seconds("reconnect_max", defaults.reconnect_max),
            connect_timeout=seconds("connect_timeout", defaults.connect_timeout),
            send_timeout=seconds("send_timeout", defaults.send_timeout),
            ping_interval=seconds("ping_interval", defaults.ping_interval),
            ping_timeout=seconds("ping_timeout", defaults.ping_timeout),
            status_interval=seconds("status_interval", defaults.status_interval, allow_zero=True),
            cache_dir=cache_dir.strip(),
            library_log_level=level,
        )
        if settings.reconnect_max < settings.reconnect_min:
            raise ConfigError(f"{where}.reconnect_max must not be shorter than reconnect_min")
        return settings


def wechaty_enabled(config: Config) -> bool:
    """Whether ``gridbot run`` should start this adapter (a ``[wechaty]`` section is there)."""
    return WechatySettings.from_config(config).enabled


@dataclass(frozen=True, slots=True)
class PuppetEndpoint:
    """Where the puppet service gateway listens, as host and port, plus its token."""

    address: str
    host: str
    port: int
    token: str

    def describe(self) -> str:
        """For logs: the address and only the token's length, never the token."""
        return f"{self.address} (token set, {len(self.token)} chars)"


class EnvironmentProblem(Exception):
    """The environment cannot work as it is; the message says what to set."""


def read_endpoint(environ: Mapping[str, str] | None = None) -> PuppetEndpoint:
    """Read and check both variables, so a typo fails with one clear line, not a traceback."""
    env = os.environ if environ is None else environ
    address = env.get(ENDPOINT_ENV, "").strip()
    token = env.get(TOKEN_ENV, "").strip()
    missing = [name for name, value in ((ENDPOINT_ENV, address), (TOKEN_ENV, token)) if not value]
    if missing:
        raise EnvironmentProblem(
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set; "
            f"set both {ENDPOINT_ENV} (host:port of the puppet service gateway) and "
            f"{TOKEN_ENV} (its token)"
        )
    host, port = split_address(address)
    return PuppetEndpoint(address=address, host=host, port=port, token=token)


def split_address(address: str) -> tuple[str, int]:
    """``host:port`` (an ``http://`` prefix is tolerated, as python-wechaty tolerates it)."""
    text = address
    for prefix in ("http://", "https://", "grpc://"):
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
    text = text.rstrip("/")
    host, sep, port_text = text.rpartition(":")
    if not sep or not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise EnvironmentProblem(
            f"{ENDPOINT_ENV}={address!r} is not host:port (for example 192.168.1.20:8788)"
        )
    return host.strip("[]"), int(port_text)


def duration_text(seconds: float) -> str:
    """Short human durations for log lines: 45s, 12m, 3h05m."""
    if seconds < 10:
        return f"{seconds:.2g}s"
    total = round(seconds)
    if total < 60:
        return f"{total}s"
    if total < 3600:
        return f"{total // 60}m"
    hours, rest = divmod(total, 3600)
    if hours < 48:
        return f"{hours}h{rest // 60:02d}m"
    return f"{hours // 24}d{hours % 24}h"
