"""What the two AI-bot modes (long connection and HTTP callback) have in common.

Both answer to the bot's names in groups, can only reach chats that are configured or
have written to the bot, pace their sends by the same published limit, and may borrow an
HTTP session from the caller (tests) or own one (production).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Coroutine, Iterable, Mapping
from typing import Any

import aiohttp

from bot.adapters.wecom.crypto import BLOCK_SIZE, decrypt_media
from bot.adapters.wecom.messages import PLATFORM, ChatBook, image_ref
from bot.messaging.adapter import Inbound
from bot.messaging.messages import IncomingMessage, Media, MessageKind
from bot.runtime.clock import Clock
from bot.runtime.media import Downloads, MediaRefused, http_get
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
        self.downloads = Downloads()  # photos being fetched after their message was handled

    def owns(self, chat: str) -> bool:
        return chat in self._chats

    def with_photo(
        self, message: IncomingMessage, body: Mapping[str, Any], key: str | None = None
    ) -> IncomingMessage:
        """The message with the way to download its photo (``Media.source``): the link
        from the body, decrypted with the body's aeskey, else with ``key`` (callback mode:
        the EncodingAESKey)."""
        photo = image_ref(body)
        if message.kind is not MessageKind.IMAGE or photo is None:
            return message
        url, aeskey = photo
        source = _LinkedPhoto(self, url, aeskey or key)
        return dataclasses.replace(message, media=Media(url=url, source=source))

    async def _close_session(self) -> None:
        """Close the HTTP session if this adapter made it; a borrowed one stays open.
        Photo downloads still running get a few seconds first (they use it)."""
        await self.downloads.close()
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None


class _LinkedPhoto:
    """A WeCom photo's way to its bytes (``MediaSource``): its link, fetched with the
    adapter's HTTP session once the message was handled, and decrypted."""

    def __init__(self, adapter: AiBotAdapter, url: str, aeskey: str | None) -> None:
        self._adapter = adapter
        self._url = url
        self._aeskey = aeskey

    async def fetch(self, limit: int) -> bytes:
        session = self._adapter._session
        if session is None or session.closed:
            raise MediaRefused("the adapter is stopping")
        # Encrypted, a file is up to one padding block longer than itself.
        data = await http_get(session, self._url, limit + BLOCK_SIZE)
        return decrypt_media(data, self._aeskey) if self._aeskey else data

    def later(self, work: Coroutine[Any, Any, None]) -> None:
        self._adapter.downloads.later(work)
