"""WeCom AI bot over its WebSocket long connection (长连接).

The bot dials out to ``wss://openws.work.weixin.qq.com``, so it needs no public address
and no message encryption. Frames are JSON ``{cmd, headers: {req_id}, body}``; the
gateway answers each request with ``{headers: {req_id}, errcode, errmsg}`` under the
same req_id, which is how a send learns whether it was taken.

Only one connection per bot id is allowed: a second one makes the gateway push a
``disconnected_event`` and drop the first. Reconnecting at once would just steal the
connection back and forth, so a replaced connection pauses (``replaced_pause``) and says
so loudly, while ordinary drops reconnect with exponential backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import itertools
import json
import logging
import random
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import aiohttp

from bot.adapters.wecom.aibot import AiBotAdapter
from bot.adapters.wecom.messages import (
    PLATFORM,
    BadMessage,
    ReplySlot,
    ReplySlots,
    chat_target,
    errcode_is_permanent,
    expects_answer,
    parse_message,
    render_markdown,
)
from bot.adapters.wecom.settings import WsSettings
from bot.messaging.adapter import Inbound, SendFailed
from bot.messaging.messages import Connected, InboundEvent, OutgoingMessage, SentMessage
from bot.runtime.clock import Clock
from bot.runtime.ratelimit import RateLimit

log = logging.getLogger(__name__)

CMD_SUBSCRIBE = "aibot_subscribe"
CMD_PING = "ping"
CMD_MSG_CALLBACK = "aibot_msg_callback"
CMD_EVENT_CALLBACK = "aibot_event_callback"
CMD_RESPOND = "aibot_respond_msg"
CMD_SEND = "aibot_send_msg"
EVENT_DISCONNECTED = "disconnected_event"

# Stream replies allow 20480 bytes; proactive markdown is kept well inside the
# smallest limit WeCom documents for markdown so a long report is cut, not refused.
RESPOND_LIMIT_BYTES = 20_000
SEND_LIMIT_BYTES = 4_000
MAX_MISSED_PINGS = 2
DRAIN_SECONDS = 5.0
# Reply slots kept at most (a req_id each, for respond_window): far more messages than a
# community's groups send the bot in five minutes, and a few hundred KiB at worst.
MAX_REPLY_SLOTS = 1000


class _Outcome(enum.Enum):
    FAILED = "failed"  # never got online
    LOST = "lost"  # was online, then the connection ended
    REPLACED = "replaced"  # another connection for the same bot id took over


class WeComWsAdapter(AiBotAdapter):
    """Adapter for the long-connection mode; ``start`` returns at once and a supervisor
    task keeps the connection up until ``stop``.

    Replies: each message callback's req_id is a reply slot, kept under the message's id
    for ``respond_window``. A reply naming that message (``OutgoingMessage.reply_to``) is
    sent as ``aibot_respond_msg`` under exactly that req_id, so WeCom shows it as the
    answer to that message; everything else is pushed with ``aibot_send_msg``. A message
    the core stays silent on gives its slot up as soon as the core says so.
    """

    def __init__(
        self,
        settings: WsSettings,
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
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._online = asyncio.Event()
        self._stopping = False
        self._replaced = False
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._replies: ReplySlots[str] = ReplySlots(MAX_REPLY_SLOTS)  # message id -> req_id
        self._queue: asyncio.Queue[tuple[InboundEvent, ReplySlot[str] | None]] = (
            asyncio.Queue(maxsize=1000)
        )
        self._tasks: list[asyncio.Task[None]] = []
        self._missed_pings = 0
        self._seq = itertools.count(1)
        self.connections = 0  # successful subscribes so far; for logs and tests

    # -- Adapter protocol -------------------------------------------------------------

    async def start(self, inbound: Inbound) -> None:
        if self._tasks:
            raise RuntimeError("WeComWsAdapter already started")
        self._inbound = inbound
        self._stopping = False
        if self._session is None:
            self._session = aiohttp.ClientSession()
        self._tasks = [
            asyncio.create_task(self._supervise(), name="wecom-ws-supervisor"),
            asyncio.create_task(self._deliver(), name="wecom-ws-inbound"),
        ]

    async def stop(self) -> None:
        self._stopping = True
        ws = self._ws
        if ws is not None and not ws.closed:
            with contextlib.suppress(Exception):
                await ws.close()
        if self._tasks:
            supervisor, deliverer = self._tasks
            supervisor.cancel()
            await asyncio.gather(supervisor, return_exceptions=True)
            # The gateway never redelivers: give the core what already arrived.
            if not self._queue.empty():
                try:
                    await asyncio.wait_for(self._queue.join(), DRAIN_SECONDS)
                except TimeoutError:
                    log.error(
                        "wecom: stopping with %d received message(s) not yet handled",
                        self._queue.qsize(),
                    )
            deliverer.cancel()
            await asyncio.gather(deliverer, return_exceptions=True)
        self._tasks = []
        self._fail_pending("adapter stopped")
        await self._close_session()

    async def wait_online(self, timeout: float) -> bool:
        """For start-up checks and tests: True once subscribed, False on timeout."""
        try:
            await asyncio.wait_for(self._online.wait(), timeout)
        except TimeoutError:
            return False
        return True

    @property
    def online(self) -> bool:
        return self._online.is_set()

    async def drained(self) -> None:
        """Until every message received so far has been through the core and the adapter
        knows whether it will be answered (tests, start-up checks)."""
        await self._queue.join()

    async def send(self, message: OutgoingMessage) -> SentMessage:
        ws = self._ws
        if not self._online.is_set() or ws is None or ws.closed:
            why = "replaced by another connection" if self._replaced else "not connected"
            raise SendFailed(f"wecom websocket {why}; will retry", permanent=False)
        if not message.chat:
            raise SendFailed("wecom: message has no chat", permanent=True)
        slot = self._replies.take(message.reply_to, message.chat, self._clock.now())
        if slot is not None:
            try:
                return await self._respond(ws, slot.value, message)
            except SendFailed as exc:
                if not exc.permanent:
                    raise  # the outbox's retry pushes it: a req_id is answered at most once
                log.info(
                    "wecom: reply window for %s refused (%s); pushing instead", message.chat, exc
                )
        return await self._push(ws, message)

    def reply_slots(self) -> int:
        """How many messages can still be answered in their own thread (tests, status)."""
        return len(self._replies)

    # -- sending ----------------------------------------------------------------------

    async def _respond(
        self, ws: aiohttp.ClientWebSocketResponse, req_id: str, message: OutgoingMessage
    ) -> SentMessage:
        """Answer a message callback in its own thread: a finished stream under its req_id."""
        frame = {
            "cmd": CMD_RESPOND,
            "headers": {"req_id": req_id},
            "body": {
                "msgtype": "stream",
                "stream": {
                    "id": self._new_id("stream"),
                    "finish": True,
                    "content": render_markdown(message, RESPOND_LIMIT_BYTES),
                },
            },
        }
        await self._request(ws, frame)
        return SentMessage(platform_message_id=req_id)

    async def _push(
        self, ws: aiohttp.ClientWebSocketResponse, message: OutgoingMessage
    ) -> SentMessage:
        """Proactive message to a group (by chatid) or a person (by userid): markdown only."""
        chatid, chat_type = chat_target(message.chat)
        req_id = self._new_id(CMD_SEND)
        frame = {
            "cmd": CMD_SEND,
            "headers": {"req_id": req_id},
            "body": {
                "chatid": chatid,
                "chat_type": chat_type,
                "msgtype": "markdown",
                "markdown": {"content": render_markdown(message, SEND_LIMIT_BYTES)},
            },
        }
        await self._request(ws, frame)
        return SentMessage(platform_message_id=req_id)

    async def _request(
        self, ws: aiohttp.ClientWebSocketResponse, frame: dict[str, Any]
    ) -> dict[str, Any]:
        req_id = frame["headers"]["req_id"]
        if req_id in self._pending:
            raise SendFailed(f"wecom: request {req_id} already in flight", permanent=False)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[req_id] = future
        try:
            await ws.send_str(json.dumps(frame, ensure_ascii=False))
            ack = await asyncio.wait_for(future, self.settings.ack_timeout)
        except TimeoutError as exc:
            raise SendFailed(
                f"wecom: no answer to {frame['cmd']} within {self.settings.ack_timeout:g}s",
                permanent=False,
            ) from exc
        except (aiohttp.ClientError, ConnectionError, RuntimeError) as exc:
            raise SendFailed(
                f"wecom: connection lost while sending: {exc}", permanent=False
            ) from exc
        finally:
            self._pending.pop(req_id, None)
        code = ack.get("errcode", -1)  # as the official SDK: no errcode is no success
        if not isinstance(code, int):
            code = -1
        if code != 0:
            raise SendFailed(
                f"wecom {frame['cmd']} refused: errcode {code} {ack.get('errmsg', '')}".strip(),
                permanent=errcode_is_permanent(code),
            )
        return ack

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_{int(time.time() * 1000)}_{next(self._seq)}_{random.getrandbits(32):08x}"

    def _fail_pending(self, reason: str) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(SendFailed(f"wecom: {reason}", permanent=False))
        self._pending.clear()

    # -- connection supervision -------------------------------------------------------

    async def _supervise(self) -> None:
        failures = 0
        while not self._stopping:
            outcome, reason = await self._connect_once()
            if self._stopping:
                return
            if outcome is _Outcome.REPLACED:
                self._replaced = True
                pause = self.settings.replaced_pause
                if pause <= 0:
                    log.error(
                        "wecom: connection REPLACED by another connection for bot %s; "
                        "not reconnecting (replaced_pause = 0). Is a second GridBot running?",
                        self.settings.bot_id,
                    )
                    return
                log.error(
                    "wecom: connection REPLACED by another connection for bot %s; "
                    "reconnecting in %.0fs. Is a second GridBot running with the same bot id?",
                    self.settings.bot_id,
                    pause,
                )
                await asyncio.sleep(pause)
                failures = 0
                continue
            if outcome is _Outcome.LOST:
                failures = 0
            delay = min(self.settings.reconnect_max, self.settings.reconnect_min * 2**failures)
            delay *= random.uniform(0.8, 1.0)  # spread many bots reconnecting after an outage
            failures += 1
            log.warning("wecom: %s; reconnecting in %.1fs (attempt %d)", reason, delay, failures)
            await asyncio.sleep(delay)

    async def _connect_once(self) -> tuple[_Outcome, str]:
        assert self._session is not None
        try:
            ws = await asyncio.wait_for(
                self._session.ws_connect(self.settings.url, autoping=True, max_msg_size=4 * 2**20),
                self.settings.connect_timeout,
            )
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            return (
                _Outcome.FAILED,
                f"cannot connect to {self.settings.url}: {exc or type(exc).__name__}",
            )
        self._ws = ws
        self._missed_pings = 0
        reader = asyncio.create_task(self._read(ws), name="wecom-ws-reader")
        heartbeat: asyncio.Task[None] | None = None
        try:
            if not await self._subscribe(ws, reader):
                return _Outcome.FAILED, "subscribe failed"
            self.connections += 1
            self._replaced = False
            self._online.set()
            log.info(
                "wecom: subscribed as bot %s (connection %d)",
                self.settings.bot_id,
                self.connections,
            )
            # Tell the core after whatever already arrived; a full queue will flush anyway.
            with contextlib.suppress(asyncio.QueueFull):
                self._queue.put_nowait((Connected(PLATFORM, self._clock.now()), None))
            heartbeat = asyncio.create_task(self._heartbeat(ws), name="wecom-ws-heartbeat")
            return await reader
        finally:
            self._online.clear()
            self._ws = None
            for task in (heartbeat, reader):
                if task is not None and not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
            self._fail_pending("connection closed")
            self._replies.clear()  # req_ids die with the connection that delivered them
            if not ws.closed:
                with contextlib.suppress(Exception):
                    await ws.close()

    async def _subscribe(
        self, ws: aiohttp.ClientWebSocketResponse, reader: asyncio.Task[Any]
    ) -> bool:
        frame = {
            "cmd": CMD_SUBSCRIBE,
            "headers": {"req_id": self._new_id(CMD_SUBSCRIBE)},
            "body": {"bot_id": self.settings.bot_id, "secret": self.settings.secret},
        }
        request = asyncio.create_task(self._request(ws, frame))
        await asyncio.wait({request, reader}, return_when=asyncio.FIRST_COMPLETED)
        if not request.done():  # the connection ended before the answer came
            request.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await request
            return False
        try:
            request.result()
        except SendFailed as exc:
            log.error("wecom: subscribe as bot %s failed: %s", self.settings.bot_id, exc)
            return False
        return True

    async def _heartbeat(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Application-level ping: the gateway drops connections silent for ~30s+, and a
        half-open TCP connection is only noticed by missing answers."""
        while not ws.closed:
            await asyncio.sleep(self.settings.heartbeat_interval)
            if self._missed_pings >= MAX_MISSED_PINGS:
                log.warning(
                    "wecom: %d heartbeats unanswered; dropping the connection", self._missed_pings
                )
                await ws.close()
                return
            self._missed_pings += 1
            frame = {"cmd": CMD_PING, "headers": {"req_id": self._new_id(CMD_PING)}}
            try:
                await ws.send_str(json.dumps(frame))
            except (aiohttp.ClientError, ConnectionError, RuntimeError):
                return

    # -- receiving --------------------------------------------------------------------

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> tuple[_Outcome, str]:
        async for item in ws:
            if item.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                data = (
                    item.data
                    if isinstance(item.data, str)
                    else item.data.decode("utf-8", "replace")
                )
                if self._on_frame(data) is _Outcome.REPLACED:
                    return _Outcome.REPLACED, "replaced"
            elif item.type is aiohttp.WSMsgType.ERROR:
                return _Outcome.LOST, f"connection error: {ws.exception()}"
        return _Outcome.LOST, f"connection closed by the gateway (code {ws.close_code})"

    def _on_frame(self, data: str) -> _Outcome | None:
        try:
            frame = json.loads(data)
        except ValueError:
            log.warning("wecom: ignoring a frame that is not JSON (%d chars)", len(data))
            return None
        if not isinstance(frame, dict):
            log.warning("wecom: ignoring a frame that is not an object")
            return None
        headers = frame.get("headers") if isinstance(frame.get("headers"), dict) else {}
        req_id = str(headers.get("req_id") or "")
        cmd = frame.get("cmd")
        body = frame.get("body") if isinstance(frame.get("body"), dict) else {}
        if cmd == CMD_MSG_CALLBACK:
            self._on_message(req_id, body)
        elif cmd == CMD_EVENT_CALLBACK:
            event = body.get("event") if isinstance(body.get("event"), dict) else {}
            if event.get("eventtype") == EVENT_DISCONNECTED:
                return _Outcome.REPLACED
            log.debug("wecom: event %r ignored", event.get("eventtype"))
        elif not cmd:
            if req_id.startswith(CMD_PING):
                self._missed_pings = 0
            future = self._pending.get(req_id)
            if future is not None and not future.done():
                future.set_result(frame)
            elif not req_id.startswith(CMD_PING):
                log.debug("wecom: answer for unknown request %s", req_id)
        else:
            log.debug("wecom: frame with unknown cmd %r ignored", cmd)
        return None

    def _on_message(self, req_id: str, body: dict[str, Any]) -> None:
        try:
            message = parse_message(body, clock=self._clock, bot_names=self._bot_names)
        except BadMessage as exc:
            log.warning("wecom: dropping malformed message callback %s: %s", req_id, exc)
            return
        if message is None:
            return
        message = self.with_photo(message, body)
        chat = message.reply_chat
        # Chats outside the config are delivered too: the core records their ids for
        # `gridbot seen` and ignores them (answers 0), which frees their slot at once.
        self._chats.add(chat)
        slot: ReplySlot[str] | None = None
        if req_id and self.settings.respond_window > 0:
            now = self._clock.now()
            # A message delivered again keeps its first slot: its answer may be on its way.
            slot = self._replies.open(
                message.message_id,
                chat,
                req_id,
                expires=now + timedelta(seconds=self.settings.respond_window),
                now=now,
            )
        try:
            self._queue.put_nowait((message, slot))
        except asyncio.QueueFull:
            if slot is not None:
                self._replies.release(slot)
            # Never silently: the gateway will not redeliver, so say which message is lost.
            log.error(
                "wecom: inbound queue full; message %s from %s lost", message.message_id, chat
            )

    async def _deliver(self) -> None:
        """Hand messages to the core one at a time, off the reader task, so a slow handler
        never delays heartbeat answers or send acknowledgements."""
        assert self._inbound is not None
        while True:
            event, slot = await self._queue.get()
            outcome: object = None
            try:
                outcome = await self._inbound(event)
            except Exception:
                what = getattr(event, "message_id", "reconnect")
                log.exception("wecom: inbound handler failed on %s", what)
            finally:
                # Silent on it (or failed: a retry's answers are pushed): nobody will
                # answer under this req_id, so no later reply may borrow it.
                if slot is not None and not expects_answer(outcome):
                    self._replies.release(slot)
                self._queue.task_done()
