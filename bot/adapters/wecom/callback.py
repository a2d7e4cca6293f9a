"""WeCom AI bot over an HTTP callback URL (API mode "设置接收消息 URL").

WeCom POSTs ``{"encrypt": ...}`` with msg_signature/timestamp/nonce in the query; the
plaintext is the same JSON message the long connection delivers. Any request that fails
a check gets a 4xx and exactly one log line, and never reaches the core: the URL is
public, so it will be probed.

Replies: a callback can be answered in its own HTTP response (encrypted), which is the
only reply WeCom shows as an answer to that message. The core answers asynchronously
through the outbox, and each answer names the message it answers
(``OutgoingMessage.reply_to``). So the request of message X waits up to ``reply_wait``
for the first outgoing message with ``reply_to == X`` and carries it in its response;
nobody else's answer ever lands there. When the core says it will not answer X (its
outcome has no answers: chatter, a duplicate, a chat outside the config, a failure left
for a retry), X's request gets its empty 200 at once. Other messages use a callback's
``response_url`` (one use each, valid an hour): the one of the message they answer if
there is one, else the chat's newest. A chat that has not written to the bot within the
hour cannot be reached in this mode, and send() says so (transiently, so the outbox
keeps the message until someone writes again); use WebSocket mode or a webhook for
proactive reminders.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import aiohttp
from aiohttp import web

from bot.adapters.wecom.aibot import AiBotAdapter
from bot.adapters.wecom.crypto import (
    PayloadTooLarge,
    ReplayedNonce,
    ReplayGuard,
    SignatureMismatch,
    StaleTimestamp,
    WeComCryptoError,
    WXBizMsgCrypt,
)
from bot.adapters.wecom.messages import (
    BadMessage,
    ReplySlot,
    ReplySlots,
    errcode_is_permanent,
    expects_answer,
    parse_message,
    render_markdown,
)
from bot.adapters.wecom.settings import CallbackSettings
from bot.messaging.adapter import Inbound, SendFailed
from bot.messaging.messages import IncomingMessage, OutgoingMessage, SentMessage
from bot.runtime.clock import Clock
from bot.runtime.ratelimit import RateLimit

log = logging.getLogger(__name__)

REPLY_LIMIT_BYTES = 20_000
# response_urls kept at most (one per message, an hour each); the oldest go first.
MAX_RESPONSE_URLS = 5000


@dataclass(slots=True, eq=False)
class _Waiter:
    """A callback request still open, ready to carry the first reply to its message."""

    chat: str
    message_id: str
    future: asyncio.Future[str] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class CallbackRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


_STATUS = {
    SignatureMismatch: 403,
    StaleTimestamp: 403,
    ReplayedNonce: 403,
    PayloadTooLarge: 413,
}


class WeComCallbackAdapter(AiBotAdapter):
    def __init__(
        self,
        settings: CallbackSettings,
        *,
        clock: Clock,
        bot_names: Iterable[str],
        rate: RateLimit | None = None,
        known_groups: Iterable[str] = (),
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        super().__init__(
            clock=clock, bot_names=bot_names, rate=rate, known_groups=known_groups,
            session=session,
        )
        self.settings = settings
        self._crypt = WXBizMsgCrypt(
            settings.token, settings.aes_key, "", max_encrypted_chars=settings.max_body_bytes
        )
        self._guard = ReplayGuard(clock, settings.timestamp_window, settings.replay_cache_size)
        self._runner: web.AppRunner | None = None
        self._waiters: dict[str, _Waiter] = {}  # inbound message id -> its open request
        self._response_urls: ReplySlots[str] = ReplySlots(MAX_RESPONSE_URLS)
        self.port: int | None = None

    # -- Adapter protocol -------------------------------------------------------------

    def make_app(self, inbound: Inbound) -> web.Application:
        """The aiohttp application alone, for tests or for mounting behind another server."""
        self._inbound = inbound
        # One extra KiB over the encrypted limit for the JSON wrapper.
        app = web.Application(client_max_size=self.settings.max_body_bytes + 1024)
        app.router.add_get(self.settings.path, self._handle_get)
        app.router.add_post(self.settings.path, self._handle_post)
        return app

    async def start(self, inbound: Inbound) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        app = self.make_app(inbound)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.host, self.settings.port)
        await site.start()
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else self.settings.port
        log.info(
            "wecom: callback server on %s:%s%s", self.settings.host, self.port, self.settings.path
        )

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self._close_session()

    async def send(self, message: OutgoingMessage) -> SentMessage:
        text = render_markdown(message, REPLY_LIMIT_BYTES)
        waiter = self._waiters.get(message.reply_to) if message.reply_to else None
        if waiter is not None and waiter.chat == message.chat and not waiter.future.done():
            # Its own request carries it; a second answer to the same message is pushed.
            del self._waiters[waiter.message_id]
            waiter.future.set_result(text)
            return SentMessage(platform_message_id=waiter.message_id)
        target = self._take_response_url(message.chat, message.reply_to)
        if target is None:
            raise SendFailed(
                f"wecom callback mode: nobody in {message.chat} has written to the bot within "
                "the hour, so there is no response_url to answer with",
                permanent=False,
            )
        await self._post_response_url(target.value, text)
        return SentMessage(platform_message_id=target.message_id)

    # -- HTTP handlers ----------------------------------------------------------------

    async def _handle_get(self, request: web.Request) -> web.StreamResponse:
        """URL verification when the admin saves the callback URL: echo the plaintext."""
        try:
            q = request.query
            echostr = _b64_param(q.get("echostr", ""))
            sig, ts, nonce = q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", "")
            if not echostr:
                raise CallbackRefused(400, "echostr missing")
            self._crypt.check_signature(sig, ts, nonce, echostr)
            self._guard.check(ts, nonce)
            plain = self._crypt.decrypt(echostr)
        except (WeComCryptoError, CallbackRefused) as exc:
            return self._refuse(request, exc)
        log.info("wecom: callback URL verified")
        return web.Response(text=plain, content_type="text/plain")

    async def _handle_post(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await self._open(request)
            message = parse_message(body, clock=self._clock, bot_names=self._bot_names)
        except web.HTTPRequestEntityTooLarge:
            limit = self.settings.max_body_bytes + 1024
            return self._refuse(request, CallbackRefused(413, f"body over {limit} bytes"))
        except BadMessage as exc:
            return self._refuse(request, CallbackRefused(400, f"bad message: {exc}"))
        except (WeComCryptoError, CallbackRefused) as exc:
            return self._refuse(request, exc)
        if message is None:
            return web.Response(status=200)  # events, stream refreshes: acknowledged, no ticket
        message = self.with_photo(message, body, self.settings.aes_key)
        response_url = body.get("response_url")
        return await self._deliver(message, response_url if isinstance(response_url, str) else None)

    async def _open(self, request: web.Request) -> dict[str, Any]:
        if (
            request.content_length is not None
            and request.content_length > self.settings.max_body_bytes + 1024
        ):
            raise CallbackRefused(413, f"body of {request.content_length} bytes")
        q = request.query
        sig, ts, nonce = q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", "")
        raw = await request.read()
        try:
            envelope = json.loads(raw)
        except ValueError as exc:
            raise CallbackRefused(400, "body is not JSON") from exc
        encrypted = envelope.get("encrypt") if isinstance(envelope, dict) else None
        if not isinstance(encrypted, str) or not encrypted:
            raise CallbackRefused(400, "no encrypt field")
        # Signature before freshness, so unauthenticated requests cannot fill the nonce cache.
        self._crypt.check_signature(sig, ts, nonce, encrypted)
        self._guard.check(ts, nonce)
        plain = self._crypt.decrypt(encrypted)
        try:
            body = json.loads(plain)
        except ValueError as exc:
            raise CallbackRefused(400, "decrypted body is not JSON") from exc
        if not isinstance(body, dict):
            raise CallbackRefused(400, "decrypted body is not an object")
        return body

    async def _deliver(
        self, message: IncomingMessage, response_url: str | None
    ) -> web.StreamResponse:
        assert self._inbound is not None
        chat = message.reply_chat
        # Chats outside the config are delivered too: the core records their ids for
        # `gridbot seen` and ignores them (no answers), so their request ends at once.
        self._chats.add(chat)
        if response_url:
            now = self._clock.now()
            self._response_urls.open(
                message.message_id,
                chat,
                response_url,
                expires=now + timedelta(seconds=self.settings.response_url_ttl),
                now=now,
                replace=True,  # a redelivery brings a fresh one
            )
        waiter: _Waiter | None = None
        if message.message_id not in self._waiters:
            waiter = _Waiter(chat, message.message_id)
            self._waiters[message.message_id] = waiter
        # else: WeCom delivered it again while its first request still waits for the answer;
        # that request keeps it, and this one is acknowledged once the core has seen it.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.reply_wait
        try:
            outcome: object = None
            try:
                outcome = await self._inbound(message)
            except Exception:
                log.exception("wecom: inbound handler failed on message %s", message.message_id)
                if waiter is None or not self._has_reply(waiter):
                    # Not recorded: a 5xx makes WeCom deliver it again; the core dedupes by id.
                    return web.Response(status=500)
            if waiter is None:
                return web.Response(status=200)
            remaining = deadline - loop.time()
            if remaining > 0 and not waiter.future.done() and expects_answer(outcome):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(waiter.future), remaining)
            # Checked after the wait, not from its result: send() may have handed over a
            # reply in the instant between the timeout firing and this handler resuming.
            if self._has_reply(waiter):
                return web.json_response(self._encrypted_reply(waiter.future.result()))
            return web.Response(status=200)
        finally:
            if waiter is not None:
                if not waiter.future.done():
                    waiter.future.cancel()
                if self._waiters.get(waiter.message_id) is waiter:
                    del self._waiters[waiter.message_id]

    def waiting(self) -> list[str]:
        """Ids of the messages whose requests are open, waiting for their answer (tests)."""
        return list(self._waiters)

    @staticmethod
    def _has_reply(waiter: _Waiter) -> bool:
        return waiter.future.done() and not waiter.future.cancelled()

    def _encrypted_reply(self, text: str) -> dict[str, str]:
        plain = {
            "msgtype": "stream",
            "stream": {"id": secrets.token_hex(8), "finish": True, "content": text},
        }
        timestamp = str(int(self._clock.now().timestamp()))
        nonce = secrets.token_hex(8)
        return self._crypt.encrypt_reply(
            json.dumps(plain, ensure_ascii=False), timestamp, nonce
        ).as_json()

    def _refuse(self, request: web.Request, exc: Exception) -> web.Response:
        status = exc.status if isinstance(exc, CallbackRefused) else _STATUS.get(type(exc), 400)
        log.warning(
            "wecom: callback %s from %s refused (%d): %s",
            request.method,
            request.remote,
            status,
            exc,
        )
        return web.Response(status=status, text="refused")

    # -- response_url -------------------------------------------------------------------

    def _take_response_url(self, chat: str, reply_to: str | None) -> ReplySlot[str] | None:
        """The response_url of the message answered, else the chat's newest live one."""
        now = self._clock.now()
        return self._response_urls.take(reply_to, chat, now) or self._response_urls.take_newest(
            chat, now
        )

    async def _post_response_url(self, url: str, text: str) -> None:
        if self._session is None:
            raise SendFailed("wecom: callback adapter not started", permanent=False)
        payload = {"msgtype": "markdown", "markdown": {"content": text}}
        try:
            async with self._session.post(
                url, json=payload, timeout=aiohttp.ClientTimeout(total=10)
            ) as response:
                answer = await response.json(content_type=None)
                status = response.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise SendFailed(f"wecom response_url: {type(exc).__name__}") from None
        code = answer.get("errcode", -1) if isinstance(answer, dict) else -1
        if status >= 400 or code != 0:
            raise SendFailed(
                f"wecom response_url refused: HTTP {status} errcode {code}",
                permanent=status < 500 and errcode_is_permanent(code),
            )


def _b64_param(value: str) -> str:
    """A '+' in an unescaped query turns into a space; base64 never contains spaces."""
    return value.replace(" ", "+")
