"""The ``[wecom]`` config section with its secrets, resolved when the adapter starts.

The section itself is checked when the config loads (bot/config/wecom.py, kept on
``Config.wecom``); here the secrets are added. They are read only from environment
variables: config files get copied into tickets, chats and backups, and a leaked bot
secret lets anyone speak as the community.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.adapters.wecom.crypto import WeComCryptoError, decode_aes_key
from bot.config import ConfigError
from bot.config.wecom import (
    DEFAULT_WEBHOOK_URL,
    DEFAULT_WS_URL,
    ENV_AES_KEY,
    ENV_BOT_ID,
    ENV_BOT_SECRET,
    ENV_TOKEN,
    MODES,
    WEBHOOK_ENV_PREFIX,
    WeComOptions,
    check_wecom_section,
)

__all__ = [
    "DEFAULT_WEBHOOK_URL",
    "DEFAULT_WS_URL",
    "ENV_AES_KEY",
    "ENV_BOT_ID",
    "ENV_BOT_SECRET",
    "ENV_TOKEN",
    "MODES",
    "WEBHOOK_ENV_PREFIX",
    "CallbackSettings",
    "Mode",
    "WeComSettings",
    "WebhookTarget",
    "WsSettings",
    "parse_wecom_settings",
    "resolve_wecom_settings",
]

Mode = Literal["ws", "callback", "webhook"]


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
    """Check ``section`` (as the loader does) and add the secrets from ``env``."""
    options = check_wecom_section(section, source=source, default_bot_names=default_bot_names)
    return resolve_wecom_settings(options, env, source=source)


def resolve_wecom_settings(
    options: WeComOptions, env: Mapping[str, str], *, source: str = "<config>"
) -> WeComSettings:
    """The checked section plus the secrets; ConfigError names a missing variable."""
    return WeComSettings(
        mode=options.mode,  # type: ignore[arg-type]
        bot_names=options.bot_names,
        ws=_ws(options, env, source) if options.mode == "ws" else None,
        callback=_callback(options, env, source) if options.mode == "callback" else None,
        webhooks=_webhooks(options, env, source),
        webhook_url=options.webhook_url,
        rate_per_minute=options.rate_per_minute,
        burst=options.burst,
        webhook_rate_per_minute=options.webhook_rate_per_minute,
        webhook_burst=options.webhook_burst,
    )


def _ws(options: WeComOptions, env: Mapping[str, str], source: str) -> WsSettings:
    bot_id = options.bot_id or env.get(ENV_BOT_ID, "").strip()
    if not bot_id:
        raise ConfigError(f"{source}: wecom.mode = 'ws' needs the bot id: set {ENV_BOT_ID}")
    return WsSettings(
        url=options.ws_url,
        bot_id=bot_id,
        secret=_secret(env, ENV_BOT_SECRET, "the AI bot's long-connection Secret", source),
        heartbeat_interval=options.heartbeat_interval,
        reconnect_min=options.reconnect_min,
        reconnect_max=options.reconnect_max,
        replaced_pause=options.replaced_pause,
        ack_timeout=options.ack_timeout,
        connect_timeout=options.connect_timeout,
        respond_window=options.respond_window,
    )


def _callback(options: WeComOptions, env: Mapping[str, str], source: str) -> CallbackSettings:
    token = _secret(env, ENV_TOKEN, "the callback Token", source)
    aes_key = _secret(env, ENV_AES_KEY, "the callback EncodingAESKey", source)
    try:
        decode_aes_key(aes_key)
    except WeComCryptoError as exc:
        raise ConfigError(f"{source}: {ENV_AES_KEY}: {exc}") from exc
    return CallbackSettings(
        token=token,
        aes_key=aes_key,
        host=options.callback_host,
        port=options.callback_port,
        path=options.callback_path,
        timestamp_window=options.timestamp_window,
        replay_cache_size=options.replay_cache_size,
        max_body_bytes=options.max_body_bytes,
        reply_wait=options.reply_wait,
    )


def _webhooks(
    options: WeComOptions, env: Mapping[str, str], source: str
) -> tuple[WebhookTarget, ...]:
    targets = []
    for chat, env_name in options.webhooks:
        key = env.get(env_name, "").strip()
        if not key:
            raise ConfigError(f"{source}: wecom.webhooks.{chat}: {env_name} is not set")
        targets.append(WebhookTarget(chat=chat, env_var=env_name, key=key))
    return tuple(targets)


def _secret(env: Mapping[str, str], env_name: str, what: str, source: str) -> str:
    value = env.get(env_name, "").strip()
    if not value:
        raise ConfigError(f"{source}: {what} is missing: set the environment variable {env_name}")
    return value
