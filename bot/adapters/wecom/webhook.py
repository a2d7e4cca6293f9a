"""Send-only group webhooks (消息推送, formerly 群机器人) for groups without the AI bot.

A staff group often has no AI bot in it, but the community still wants reports and
escalations there. A webhook can post into exactly one group, cannot read anything,
and allows about 20 messages a minute. The key in its URL is a password: it comes from
an environment variable and is never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import aiohttp

from bot.adapters.wecom.messages import PLATFORM, errcode_is_permanent, truncate_utf8
from bot.adapters.wecom.settings import DEFAULT_WEBHOOK_URL, WebhookTarget
from bot.messaging.adapter import Inbound, SendFailed
from bot.messaging.messages import OutgoingMessage, SentMessage
from bot.runtime.ratelimit import RateLimit

log = logging.getLogger(__name__)

TEXT_LIMIT_BYTES = 2048


class WeComWebhookSender:
    """Adapter-shaped, but ``start`` only opens an HTTP session: nothing comes in."""

    platform = PLATFORM

    def __init__(
        self,
        targets: Iterable[WebhookTarget],
        *,
        url: str = DEFAULT_WEBHOOK_URL,
        rate: RateLimit | None = None,
        timeout: float = 10.0,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self._targets = {t.chat: t for t in targets}
        self._url = url
        rate = rate or RateLimit(20, 3)
        self.rate_per_minute = rate.rate_per_minute
        self.burst = rate.burst
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session = session
        self._own_session = session is None

    @property
    def chats(self) -> tuple[str, ...]:
        return tuple(self._targets)

    async def start(self, inbound: Inbound) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    def owns(self, chat: str) -> bool:
        return chat in self._targets

    async def send(self, message: OutgoingMessage) -> SentMessage:
        target = self._targets.get(message.chat)
        if target is None:
            raise SendFailed(
                f"wecom webhook: no webhook configured for {message.chat}", permanent=True
            )
        if self._session is None:
            raise SendFailed("wecom webhook: sender not started", permanent=False)
        text: dict[str, object] = {"content": truncate_utf8(message.text, TEXT_LIMIT_BYTES)}
        if message.mentions:
            text["mentioned_list"] = list(message.mentions)
        payload = {"msgtype": "text", "text": text}
        try:
            async with self._session.post(
                self._url, params={"key": target.key}, json=payload, timeout=self._timeout
            ) as response:
                if response.status >= 500 or response.status == 429:
                    raise SendFailed(f"wecom webhook {target.env_var}: HTTP {response.status}")
                if response.status >= 400:
                    raise SendFailed(
                        f"wecom webhook {target.env_var}: HTTP {response.status}", permanent=True
                    )
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            # The exception text may contain the URL with the key; name the variable instead.
            raise SendFailed(f"wecom webhook {target.env_var}: {type(exc).__name__}") from None
        code = answer.get("errcode", -1) if isinstance(answer, dict) else -1
        if code != 0:
            errmsg = answer.get("errmsg", "") if isinstance(answer, dict) else ""
            raise SendFailed(
                f"wecom webhook {target.env_var}: errcode {code} {errmsg}".strip(),
                permanent=errcode_is_permanent(code),
            )
        return SentMessage(platform_message_id=None)
