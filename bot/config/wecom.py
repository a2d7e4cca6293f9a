"""The ``[wecom]`` section as checked at load: everything but the secrets.

Secrets (bot secret, callback token and EncodingAESKey, webhook keys) are read only from
environment variables when the adapter starts (bot/adapters/wecom/settings.py), so a
command that never talks to WeCom (``gridbot tickets``) loads the config without them.
A secret found in the TOML is a config error, not a warning. Durations must carry a unit
("30s", "5m"): the project's bare-number convention means minutes, which is a trap for
heartbeat-sized values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.config.strict import ConfigError, Table, parse_duration, show, unknown_key

SECTION = "wecom"
PLATFORM = "wecom"
DEFAULT_WS_URL = "wss://openws.work.weixin.qq.com"
DEFAULT_WEBHOOK_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"

ENV_BOT_ID = "WECOM_BOT_ID"
ENV_BOT_SECRET = "WECOM_BOT_SECRET"
ENV_TOKEN = "WECOM_TOKEN"
ENV_AES_KEY = "WECOM_AES_KEY"
WEBHOOK_ENV_PREFIX = "WECOM_WEBHOOK_KEY_"

MODES: tuple[str, ...] = ("ws", "callback", "webhook")

SECRET_KEYS = {
    "secret": ENV_BOT_SECRET,
    "bot_secret": ENV_BOT_SECRET,
    "token": ENV_TOKEN,
    "aes_key": ENV_AES_KEY,
    "encoding_aes_key": ENV_AES_KEY,
    "webhook_key": f"{WEBHOOK_ENV_PREFIX}<NAME>",
}
KNOWN_KEYS = frozenset(
    {
        "enabled",  # whether `gridbot run` starts WeCom at all
        "mode",
        "bot_id",
        "bot_names",
        "ws_url",
        "heartbeat_interval",
        "reconnect_min",
        "reconnect_max",
        "replaced_pause",
        "ack_timeout",
        "connect_timeout",
        "respond_window",
        "callback_host",
        "callback_port",
        "callback_path",
        "timestamp_window",
        "replay_cache_size",
        "max_body_bytes",
        "reply_wait",
        "rate_per_minute",
        "burst",
        "webhook_url",
        "webhook_rate_per_minute",
        "webhook_burst",
        "webhooks",
    }
)
ENV_NAME = re.compile(r"^WECOM_WEBHOOK_KEY_[A-Z0-9_]+$")


@dataclass(frozen=True, slots=True)
class WeComOptions:
    """``[wecom]`` without its secrets; durations in seconds.

    ``enabled`` is true when the section is present and does not say ``enabled = false``.
    ``webhooks`` maps chat ids to the names of the environment variables holding the keys.
    """

    enabled: bool = False
    mode: str = "ws"
    bot_id: str = ""  # may also come from WECOM_BOT_ID
    bot_names: tuple[str, ...] = ("网格助手",)
    ws_url: str = DEFAULT_WS_URL
    heartbeat_interval: float = 30.0
    reconnect_min: float = 1.0
    reconnect_max: float = 60.0
    replaced_pause: float = 600.0
    ack_timeout: float = 5.0
    connect_timeout: float = 10.0
    respond_window: float = 300.0
    callback_host: str = "0.0.0.0"
    callback_port: int = 8080
    callback_path: str = "/wecom/callback"
    timestamp_window: float = 300.0
    replay_cache_size: int = 10_000
    max_body_bytes: int = 256 * 1024
    reply_wait: float = 2.0
    webhooks: tuple[tuple[str, str], ...] = ()  # (chat id, environment variable)
    webhook_url: str = DEFAULT_WEBHOOK_URL
    rate_per_minute: float = 30.0
    burst: int = 3
    webhook_rate_per_minute: float = 20.0
    webhook_burst: int = 3

    @property
    def has_bot(self) -> bool:
        """Whether the AI bot runs (it reads and writes groups); webhooks only send."""
        return self.enabled and self.mode in ("ws", "callback")

    @property
    def webhook_chats(self) -> frozenset[str]:
        return frozenset(chat for chat, _ in self.webhooks) if self.enabled else frozenset()


def check_wecom_section(
    raw: Mapping[str, Any],
    *,
    source: str = "<config>",
    default_bot_names: tuple[str, ...] = ("网格助手",),
    present: bool = True,
) -> WeComOptions:
    """Check every key and value of ``[wecom]``; raise ConfigError naming the key."""
    table = Table(source, SECTION, raw, None, present=present)
    for key in raw:
        if key in SECRET_KEYS:
            raise table.error(
                key,
                "must not be in the config file; "
                f"set the environment variable {SECRET_KEYS[key]} instead",
            )
        if key not in KNOWN_KEYS:
            raise unknown_key(source, SECTION, key, KNOWN_KEYS)
    r = _Reader(table)
    mode = table.choice("mode", MODES, "ws")
    names = table.texts("bot_names", what="names") or default_bot_names
    webhooks = _webhooks(table)
    enabled = table.flag("enabled", present)
    if mode == "webhook" and not webhooks:
        raise ConfigError(
            f"{source}: wecom.mode = 'webhook' needs at least one [wecom.webhooks] entry"
        )
    options = WeComOptions(
        enabled=enabled,
        mode=mode,
        bot_id=table.any_text("bot_id").strip(),
        bot_names=tuple(n.lstrip("@") for n in names if n.lstrip("@").strip()),
        ws_url=r.url("ws_url", DEFAULT_WS_URL, ("wss://", "ws://")),
        heartbeat_interval=r.seconds("heartbeat_interval", 30.0),
        reconnect_min=r.seconds("reconnect_min", 1.0),
        reconnect_max=r.seconds("reconnect_max", 60.0),
        replaced_pause=r.seconds("replaced_pause", 600.0, allow_zero=True),
        ack_timeout=r.seconds("ack_timeout", 5.0),
        connect_timeout=r.seconds("connect_timeout", 10.0),
        respond_window=r.seconds("respond_window", 300.0, allow_zero=True),
        callback_host=table.any_text("callback_host").strip() or "0.0.0.0",
        callback_port=_port(table),
        callback_path=_path(table),
        timestamp_window=r.seconds("timestamp_window", 300.0),
        replay_cache_size=int(r.positive("replay_cache_size", 10_000, integer=True)),
        max_body_bytes=int(r.positive("max_body_bytes", 256 * 1024, integer=True)),
        reply_wait=r.seconds("reply_wait", 2.0, allow_zero=True),
        webhooks=webhooks,
        webhook_url=r.url("webhook_url", DEFAULT_WEBHOOK_URL, ("https://", "http://")),
        rate_per_minute=r.positive("rate_per_minute", 30.0),
        burst=int(r.positive("burst", 3, integer=True)),
        webhook_rate_per_minute=r.positive("webhook_rate_per_minute", 20.0),
        webhook_burst=int(r.positive("webhook_burst", 3, integer=True)),
    )
    if not options.bot_names:
        raise table.error("bot_names", "must name the bot at least once")
    if options.reconnect_max < options.reconnect_min:
        raise ConfigError(f"{source}: wecom.reconnect_max must not be below reconnect_min")
    return options


def _port(table: Table) -> int:
    value = table.get("callback_port", 8080)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise table.error("callback_port", "must be a whole number above zero")
    if value > 65535:
        raise table.error("callback_port", f"{value} is not a TCP port")
    return value


def _path(table: Table) -> str:
    path = table.any_text("callback_path").strip() or "/wecom/callback"
    if not path.startswith("/"):
        raise table.error("callback_path", "must start with '/'")
    return path


def _webhooks(table: Table) -> tuple[tuple[str, str], ...]:
    raw = table.get("webhooks", {})
    if not isinstance(raw, Mapping):
        raise ConfigError(
            f"{table.source}: [wecom.webhooks] must be a table of "
            f'chat id = "{WEBHOOK_ENV_PREFIX}NAME"'
        )
    out = []
    for chat, env_name in raw.items():
        if not str(chat).strip():
            raise ConfigError(f"{table.source}: [wecom.webhooks] has an empty chat id")
        if not isinstance(env_name, str) or not ENV_NAME.match(env_name):
            raise ConfigError(
                f"{table.source}: wecom.webhooks.{chat} must name an environment variable like "
                f'"{WEBHOOK_ENV_PREFIX}STAFF" (the webhook key itself never goes in the config)'
            )
        out.append((str(chat), env_name))
    return tuple(out)


class _Reader:
    def __init__(self, table: Table) -> None:
        self.table = table

    def url(self, key: str, default: str, schemes: tuple[str, ...]) -> str:
        value = self.table.any_text(key).strip() or default
        if not value.startswith(schemes):
            raise self.table.error(key, f"must start with {' or '.join(schemes)}")
        return value

    def seconds(self, key: str, default: float, *, allow_zero: bool = False) -> float:
        value = self.table.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.table.error(key, 'needs a unit, e.g. "30s" or "5m"')
        where = f"{self.table.source}: {self.table.key(key)}"
        seconds = parse_duration(value, where).total_seconds()
        if seconds <= 0 and not allow_zero:
            raise self.table.error(key, "must be longer than zero")
        return seconds

    def positive(self, key: str, default: float, *, integer: bool = False) -> float:
        value = self.table.get(key, default)
        ok_type = isinstance(value, int) if integer else isinstance(value, int | float)
        if (
            isinstance(value, bool)
            or not ok_type
            or not math.isfinite(value)
            or value <= 0
            or value > 1_000_000_000
        ):
            kind = "a whole number" if integer else "a number"
            raise self.table.error(key, f"must be {kind} above zero, not {show(value)}")
        return float(value)
