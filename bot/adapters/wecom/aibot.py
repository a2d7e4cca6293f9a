"""What the two AI-bot modes (long connection and HTTP callback) have in common.

Both answer to the bot's names in groups, can only reach chats that are configured or
have written to the bot, pace their sends by the same published limit, and may borrow an
HTTP session from the caller (tests) or own one (production).
"""

from __future__ import annotations

from collections.abc import Iterable

import aiohttp

from bot.adapters.wecom.messages import PLATFORM, ChatBook
from bot.messaging.adapter import Inbound
from bot.runtime.clock import Clock
from bot.runtime.ratelimit import RateLimit

# WeCom's published limit for an AI bot: 30 messages a minute per chat.
AIBOT_RATE = RateLimit(30, 3)


class AiBotAdapter:
    platform = PLATFORM

    def __init__(
        self,
        *,
        clock: Clock,
        bot_names: Iterable[str],
        rate: RateLimit | None,
        known_groups: Iterable[str],
        session: aiohttp.ClientSession | None,
    ) -> None:
        rate = rate or AIBOT_RATE
        self.rate_per_minute = rate.rate_per_minute
        self.burst = rate.burst
        self._clock = clock
        self._bot_names = tuple(bot_names)
        self._chats = ChatBook(known_groups)
        self._session = session
        self._own_session = session is None
        self._inbound: Inbound | None = None

    def owns(self, chat: str) -> bool:
        return chat in self._chats

    async def _close_session(self) -> None:
        """Close the HTTP session if this adapter made it; a borrowed one stays open."""
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None
