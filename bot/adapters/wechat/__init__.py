"""Ordinary WeChat groups through python-wechaty and a puppet service gateway.

Importing this package does not import python-wechaty; that happens in ``start`` so the
rest of GridBot runs without the optional ``wechaty`` extra.
"""

from __future__ import annotations

from bot.adapters.wechat.adapter import WechatAdapter, WechatHealth
from bot.adapters.wechat.loader import WechatyUnavailable, load_wechaty
from bot.adapters.wechat.mapping import PLATFORM, split_quote, strip_mentions
from bot.adapters.wechat.settings import (
    ENDPOINT_ENV,
    TOKEN_ENV,
    WechatySettings,
    wechaty_enabled,
)
from bot.config import Config
from bot.messaging.adapter import Adapter
from bot.runtime.clock import Clock

__all__ = [
    "ENDPOINT_ENV",
    "PLATFORM",
    "TOKEN_ENV",
    "WechatAdapter",
    "WechatHealth",
    "WechatySettings",
    "WechatyUnavailable",
    "build_wechat_adapter",
    "load_wechaty",
    "split_quote",
    "strip_mentions",
    "wechaty_enabled",
]


def build_wechat_adapter(config: Config, clock: Clock) -> Adapter:
    """The adapter for ``gridbot run``; config errors in ``[wechaty]`` raise ConfigError here."""
    return WechatAdapter(config, clock, WechatySettings.from_config(config))
