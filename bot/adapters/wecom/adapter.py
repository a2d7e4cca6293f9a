"""One WeCom adapter for the core: the AI bot (either mode) plus optional webhooks.

The core sees a single ``platform = "wecom"`` adapter; which road a message takes (AI bot
or a group's webhook) is decided here per chat, and so are the rate limits, which differ
by road. ``rate_per_minute``/``burst`` are the AI bot's; ``rate_overrides`` names the
webhook chats with their lower limit, ready for ``RateLimiter(..., overrides=...)``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from bot.adapters.wecom.callback import WeComCallbackAdapter
from bot.adapters.wecom.messages import PLATFORM
from bot.adapters.wecom.settings import WeComSettings, resolve_wecom_settings
from bot.adapters.wecom.webhook import WeComWebhookSender
from bot.adapters.wecom.ws import WeComWsAdapter
from bot.config import Config
from bot.messaging.adapter import Inbound, SendFailed
from bot.messaging.messages import OutgoingMessage, SentMessage
from bot.runtime.clock import Clock
from bot.runtime.ratelimit import RateLimit, RateLimiter, Sleep

log = logging.getLogger(__name__)

BotAdapter = WeComWsAdapter | WeComCallbackAdapter


class WeComAdapter:
    platform = PLATFORM

    def __init__(
        self,
        settings: WeComSettings,
        bot: BotAdapter | None,
        webhooks: WeComWebhookSender | None,
    ) -> None:
        self.settings = settings
        self.bot = bot
        self.webhooks = webhooks
        self.rate_per_minute = settings.rate_per_minute
        self.burst = settings.burst
        webhook_limit = RateLimit(settings.webhook_rate_per_minute, settings.webhook_burst)
        self.rate_overrides: dict[str, RateLimit] = {
            chat: webhook_limit for chat in (webhooks.chats if webhooks else ())
        }

    def rate_for(self, chat: str) -> RateLimit:
        return self.rate_overrides.get(chat, RateLimit(self.rate_per_minute, self.burst))

    def make_rate_limiter(
        self, *, clock: Clock | None = None, sleep: Sleep | None = None
    ) -> RateLimiter:
        return RateLimiter(
            self.rate_per_minute,
            self.burst,
            overrides=self.rate_overrides,
            clock=clock,
            sleep=sleep,
        )

    async def start(self, inbound: Inbound) -> None:
        if self.webhooks is not None:
            await self.webhooks.start(inbound)
        if self.bot is not None:
            await self.bot.start(inbound)

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.stop()
        if self.webhooks is not None:
            await self.webhooks.stop()

    def owns(self, chat: str) -> bool:
        return bool(
            (self.webhooks is not None and self.webhooks.owns(chat))
            or (self.bot is not None and self.bot.owns(chat))
        )

    async def send(self, message: OutgoingMessage) -> SentMessage:
        # A configured webhook wins: the admin set it up because the bot is not in that group.
        if self.webhooks is not None and self.webhooks.owns(message.chat):
            return await self.webhooks.send(message)
        if self.bot is None:
            raise SendFailed(
                f"wecom: no webhook for {message.chat} and no AI bot configured", permanent=True
            )
        return await self.bot.send(message)


def build_wecom_adapter(
    config: Config, clock: Clock, *, env: Mapping[str, str] | None = None
) -> WeComAdapter:
    """Read ``[wecom]`` and the WECOM_* environment variables; raise ConfigError if unusable."""
    env = os.environ if env is None else env
    settings = resolve_wecom_settings(config.wecom, env, source=config.source)
    groups = [g.id for g in config.directory.groups if g.platform in (None, PLATFORM)]
    limit = RateLimit(settings.rate_per_minute, settings.burst)
    bot: BotAdapter | None = None
    if settings.ws is not None:
        bot = WeComWsAdapter(
            settings.ws, clock=clock, bot_names=settings.bot_names, rate=limit, known_groups=groups
        )
    elif settings.callback is not None:
        bot = WeComCallbackAdapter(
            settings.callback,
            clock=clock,
            bot_names=settings.bot_names,
            rate=limit,
            known_groups=groups,
        )
    webhooks = None
    if settings.webhooks:
        webhooks = WeComWebhookSender(
            settings.webhooks,
            url=settings.webhook_url,
            rate=RateLimit(settings.webhook_rate_per_minute, settings.webhook_burst),
        )
    log.info(
        "wecom: mode %s, %d webhook chat(s), bot names %s",
        settings.mode,
        len(settings.webhooks),
        ", ".join(settings.bot_names),
    )
    return WeComAdapter(settings, bot, webhooks)
