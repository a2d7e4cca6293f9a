"""The ``[wecom]`` config section, checked once at start-up.

Secrets (bot secret, callback token and EncodingAESKey, webhook keys) are read only from
environment variables: config files get copied into tickets, chats and backups, and a
leaked bot secret lets anyone speak as the community. A secret found in the TOML is a
config error, not a warning. Durations must carry a unit ("30s", "5m"): the project's
bare-number convention means minutes, which is a trap for heartbeat-sized values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.adapters.wecom.crypto import WeComCryptoError, decode_aes_key
from bot.config import ConfigError, parse_duration

DEFAULT_WS_URL = "wss://openws.work.weixin.qq.com"
DEFAULT_WEBHOOK_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"

ENV_BOT_ID = "WECOM_BOT_ID"
ENV_BOT_SECRET = "WECOM_BOT_SECRET"
ENV_TOKEN = "WECOM_TOKEN"
ENV_AES_KEY = "WECOM_AES_KEY"
WEBHOOK_ENV_PREFIX = "WECOM_WEBHOOK_KEY_"

Mode = Literal["ws", "callback", "webhook"]
MODES: tuple[str, ...] = ("ws", "callback", "webhook")

_SECRET_KEYS = {
    "secret": ENV_BOT_SECRET,
    "bot_secret": ENV_BOT_SECRET,
    "token": ENV_TOKEN,
    "aes_key": ENV_AES_KEY,
    "encoding_aes_key": ENV_AES_KEY,
    "webhook_key": f"{WEBHOOK_ENV_PREFIX}<NAME>",
}
_KNOWN_KEYS = {
    "enabled",  # read by bot.runner to decide whether WeCom runs at all
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
_ENV_NAME = re.compile(r"^WECOM_WEBHOOK_KEY_[A-Z0-9_]+$")


@dataclass(frozen=True, slots=True)
class WsSettings:
    url: str
    bot_id: str
    secret: str = field(repr=False)
    heartbeat_interval: float = 30.0
    reconnect_min: float = 1.0
    reconnect_max: float = 60.0
    replaced_pause: float = 600.0
    ack_timeout: float = 5.0
    connect_timeout: float = 10.0
    respond_window: float = 300.0


@dataclass(frozen=True, slots=True)
class CallbackSettings:
    token: str = field(repr=False)
    aes_key: str = field(repr=False)
    host: str = "0.0.0.0"
    port: int = 8080
    path: str = "/wecom/callback"
    timestamp_window: float = 300.0
    replay_cache_size: int = 10_000
    max_body_bytes: int = 256 * 1024
    reply_wait: float = 2.0
    # WeCom keeps a response_url for one hour; stop using it a little earlier.
    response_url_ttl: float = 55 * 60.0


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    chat: str
    env_var: str
    key: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class WeComSettings:
    mode: Mode
    bot_names: tuple[str, ...]
    ws: WsSettings | None = None
    callback: CallbackSettings | None = None
    webhooks: tuple[WebhookTarget, ...] = ()
    webhook_url: str = DEFAULT_WEBHOOK_URL
    rate_per_minute: float = 30.0
    burst: int = 3
    webhook_rate_per_minute: float = 20.0
    webhook_burst: int = 3


def parse_wecom_settings(
    section: Mapping[str, Any],
    env: Mapping[str, str],
    *,
    default_bot_names: tuple[str, ...] = ("网格助手",),
    source: str = "<config>",
) -> WeComSettings:
    r = _Reader(section, env, source)
    r.refuse_secrets_and_typos()
    mode = r.choice("mode", MODES, "ws")
    names = r.texts("bot_names") or default_bot_names
    ws = _ws(r) if mode == "ws" else None
    callback = _callback(r) if mode == "callback" else None
    webhooks = _webhooks(r)
    if mode == "webhook" and not webhooks:
        raise ConfigError(
            f"{source}: wecom.mode = 'webhook' needs at least one [wecom.webhooks] entry"
        )
    return WeComSettings(
        mode=mode,  # type: ignore[arg-type]
        bot_names=tuple(n.lstrip("@") for n in names if n.strip()),
        ws=ws,
        callback=callback,
        webhooks=webhooks,
        webhook_url=r.url("webhook_url", DEFAULT_WEBHOOK_URL, ("https://", "http://")),
        rate_per_minute=r.positive("rate_per_minute", 30.0),
        burst=int(r.positive("burst", 3, integer=True)),
        webhook_rate_per_minute=r.positive("webhook_rate_per_minute", 20.0),
        webhook_burst=int(r.positive("webhook_burst", 3, integer=True)),
    )


def _ws(r: _Reader) -> WsSettings:
    bot_id = r.text("bot_id") or r.env.get(ENV_BOT_ID, "").strip()
    if not bot_id:
        raise ConfigError(f"{r.source}: wecom.mode = 'ws' needs the bot id: set {ENV_BOT_ID}")
    secret = r.secret(ENV_BOT_SECRET, "the AI bot's long-connection Secret")
    settings = WsSettings(
        url=r.url("ws_url", DEFAULT_WS_URL, ("wss://", "ws://")),
        bot_id=bot_id,
        secret=secret,
        heartbeat_interval=r.seconds("heartbeat_interval", 30.0),
        reconnect_min=r.seconds("reconnect_min", 1.0),
        reconnect_max=r.seconds("reconnect_max", 60.0),
        replaced_pause=r.seconds("replaced_pause", 600.0, allow_zero=True),
        ack_timeout=r.seconds("ack_timeout", 5.0),
        connect_timeout=r.seconds("connect_timeout", 10.0),
        respond_window=r.seconds("respond_window", 300.0, allow_zero=True),
    )
    if settings.reconnect_max < settings.reconnect_min:
        raise ConfigError(f"{r.source}: wecom.reconnect_max must not be below reconnect_min")
    return settings


def _callback(r: _Reader) -> CallbackSettings:
    token = r.secret(ENV_TOKEN, "the callback Token")
    aes_key = r.secret(ENV_AES_KEY, "the callback EncodingAESKey")
    try:
        decode_aes_key(aes_key)
    except WeComCryptoError as exc:
        raise ConfigError(f"{r.source}: {ENV_AES_KEY}: {exc}") from exc
    path = r.text("callback_path") or "/wecom/callback"
    if not path.startswith("/"):
        raise ConfigError(f"{r.source}: wecom.callback_path must start with '/'")
    port = int(r.positive("callback_port", 8080, integer=True))
    if port > 65535:
        raise ConfigError(f"{r.source}: wecom.callback_port {port} is not a TCP port")
    return CallbackSettings(
        token=token,
        aes_key=aes_key,
        host=r.text("callback_host") or "0.0.0.0",
        port=port,
        path=path,
        timestamp_window=r.seconds("timestamp_window", 300.0),
        replay_cache_size=int(r.positive("replay_cache_size", 10_000, integer=True)),
        max_body_bytes=int(r.positive("max_body_bytes", 256 * 1024, integer=True)),
        reply_wait=r.seconds("reply_wait", 2.0, allow_zero=True),
    )


def _webhooks(r: _Reader) -> tuple[WebhookTarget, ...]:
    table = r.section.get("webhooks", {})
    if not isinstance(table, Mapping):
        raise ConfigError(
            f'{r.source}: [wecom.webhooks] must be a table of chat id = "{WEBHOOK_ENV_PREFIX}NAME"'
        )
    targets = []
    for chat, env_name in table.items():
        if not isinstance(env_name, str) or not _ENV_NAME.match(env_name):
            raise ConfigError(
                f"{r.source}: wecom.webhooks.{chat} must name an environment variable like "
                f'"{WEBHOOK_ENV_PREFIX}STAFF" (the webhook key itself never goes in the config)'
            )
        key = r.env.get(env_name, "").strip()
        if not key:
            raise ConfigError(f"{r.source}: wecom.webhooks.{chat}: {env_name} is not set")
        targets.append(WebhookTarget(chat=str(chat), env_var=env_name, key=key))
    return tuple(targets)


class _Reader:
    def __init__(self, section: Mapping[str, Any], env: Mapping[str, str], source: str) -> None:
        self.section = section
        self.env = env
        self.source = source

    def refuse_secrets_and_typos(self) -> None:
        for key in self.section:
            if key in _SECRET_KEYS:
                raise ConfigError(
                    f"{self.source}: wecom.{key} must not be in the config file; "
                    f"set the environment variable {_SECRET_KEYS[key]} instead"
                )
            if key not in _KNOWN_KEYS:
                raise ConfigError(f"{self.source}: wecom.{key} is not a known key")

    def text(self, key: str) -> str:
        value = self.section.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ConfigError(f"{self.source}: wecom.{key} must be text")
        return value.strip()

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.section.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{self.source}: wecom.{key} must be a list of text")
        return tuple(v.strip() for v in value)

    def choice(self, key: str, options: tuple[str, ...], default: str) -> str:
        value = self.section.get(key, default)
        if value not in options:
            raise ConfigError(
                f"{self.source}: wecom.{key} is {value!r}; use one of {', '.join(options)}"
            )
        return str(value)

    def url(self, key: str, default: str, schemes: tuple[str, ...]) -> str:
        value = self.text(key) or default
        if not value.startswith(schemes):
            raise ConfigError(f"{self.source}: wecom.{key} must start with {' or '.join(schemes)}")
        return value

    def seconds(self, key: str, default: float, *, allow_zero: bool = False) -> float:
        value = self.section.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            raise ConfigError(f'{self.source}: wecom.{key} needs a unit, e.g. "30s" or "5m"')
        seconds = parse_duration(value, f"{self.source}: wecom.{key}").total_seconds()
        if seconds <= 0 and not allow_zero:
            raise ConfigError(f"{self.source}: wecom.{key} must be longer than zero")
        return seconds

    def positive(self, key: str, default: float, *, integer: bool = False) -> float:
        value = self.section.get(key, default)
        ok_type = isinstance(value, int) if integer else isinstance(value, int | float)
        if isinstance(value, bool) or not ok_type or value <= 0:
            kind = "a whole number" if integer else "a number"
            raise ConfigError(f"{self.source}: wecom.{key} must be {kind} above zero")
        return float(value)

    def secret(self, env_name: str, what: str) -> str:
        value = self.env.get(env_name, "").strip()
        if not value:
            raise ConfigError(
                f"{self.source}: {what} is missing: set the environment variable {env_name}"
            )
        return value
