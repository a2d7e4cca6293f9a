"""A local stand-in for WeCom's servers, on 127.0.0.1 only, for tests.

One aiohttp server plays three parts: the AI bot's WebSocket gateway (subscribe, ping,
aibot_msg_callback out, aibot_send_msg / aibot_respond_msg in, disconnected_event),
the group webhook endpoint, and the callback mode's response_url endpoint. It records
everything it receives so tests can assert on the real frames the adapter put on the wire.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

WEBHOOK_PATH = "/cgi-bin/webhook/send"
RESPONSE_PATH = "/cgi-bin/aibot/response"


class FakeWeComGateway:
    def __init__(self, bot_id: str = "bot-1", secret: str = "bot-secret") -> None:
        self.bot_id = bot_id
        self.secret = secret
        self.frames: list[dict[str, Any]] = []  # every frame a client sent, in order
        self.subscribes = 0  # successful subscribes
        self.connections = 0
        self.answer_pings = True
        self.accepting = True  # False: WebSocket upgrades get HTTP 503, as during an outage
        self.refused = 0
        self.errcodes: dict[str, int] = {}  # cmd -> errcode to answer with
        self.webhook_errcode = 0
        self.webhook_posts: list[dict[str, Any]] = []
        self.response_posts: list[dict[str, Any]] = []
        self._ws: web.WebSocketResponse | None = None
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._seq = itertools.count(1)
        self.port = 0

    # -- lifecycle --------------------------------------------------------------------

    async def start(self) -> FakeWeComGateway:
        app = web.Application()
        app.router.add_get("/", self._ws_handler)
        app.router.add_post(WEBHOOK_PATH, self._webhook_handler)
        app.router.add_post(RESPONSE_PATH, self._response_handler)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{WEBHOOK_PATH}"

    def response_url(self, code: str) -> str:
        return f"http://127.0.0.1:{self.port}{RESPONSE_PATH}?response_code={code}"

    # -- what the tests drive ---------------------------------------------------------

    def sent(self, cmd: str) -> list[dict[str, Any]]:
        return [f for f in self.frames if f.get("cmd") == cmd]

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), timeout)

    async def push_message(self, body: dict[str, Any], req_id: str | None = None) -> str:
        req_id = req_id or f"callback_{next(self._seq)}"
        await self._push({"cmd": "aibot_msg_callback", "headers": {"req_id": req_id}, "body": body})
        return req_id

    async def push_event(self, eventtype: str) -> None:
        body = {
            "msgid": f"event-{next(self._seq)}",
            "aibotid": self.bot_id,
            "msgtype": "event",
            "create_time": 1_700_000_000,
            "event": {"eventtype": eventtype},
        }
        req_id = f"event_{next(self._seq)}"
        await self._push(
            {"cmd": "aibot_event_callback", "headers": {"req_id": req_id}, "body": body}
        )

    async def drop(self) -> None:
        """The gateway goes away without a word, as after a network blip."""
        if self._ws is not None:
            await self._ws.close()

    async def kick(self) -> None:
        """What WeCom does when another connection subscribes with the same bot id."""
        await self.push_event("disconnected_event")
        await self.drop()

    async def _push(self, frame: dict[str, Any]) -> None:
        if self._ws is None or self._ws.closed:
            raise RuntimeError("no client connected to the fake gateway")
        await self._ws.send_str(json.dumps(frame, ensure_ascii=False))

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- handlers ---------------------------------------------------------------------

    async def _ws_handler(self, request: web.Request) -> web.StreamResponse:
        if not self.accepting:
            self.refused += 1
            await self._notify()
            return web.Response(status=503)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.connections += 1
        self._ws = ws
        await self._notify()
        async for item in ws:
            frame = json.loads(item.data)
            self.frames.append(frame)
            await self._answer(ws, frame)
            await self._notify()
        await self._notify()
        return ws

    async def _answer(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        cmd = frame.get("cmd")
        req_id = frame["headers"]["req_id"]
        if cmd == "aibot_subscribe":
            body = frame.get("body", {})
            ok = body.get("bot_id") == self.bot_id and body.get("secret") == self.secret
            if ok:
                self.subscribes += 1
            code = 0 if ok else 40_058
            await ws.send_json(
                {"headers": {"req_id": req_id}, "errcode": code, "errmsg": "ok" if ok else "auth"}
            )
        elif cmd == "ping":
            if self.answer_pings:
                await ws.send_json({"headers": {"req_id": req_id}, "errcode": 0, "errmsg": "ok"})
        elif cmd in ("aibot_send_msg", "aibot_respond_msg"):
            code = self.errcodes.get(cmd, 0)
            await ws.send_json(
                {
                    "headers": {"req_id": req_id},
                    "errcode": code,
                    "errmsg": "ok" if code == 0 else "no",
                }
            )

    async def _webhook_handler(self, request: web.Request) -> web.Response:
        self.webhook_posts.append({"key": request.query.get("key"), "json": await request.json()})
        await self._notify()
        return web.json_response({"errcode": self.webhook_errcode, "errmsg": "ok"})

    async def _response_handler(self, request: web.Request) -> web.Response:
        self.response_posts.append(
            {"code": request.query.get("response_code"), "json": await request.json()}
        )
        await self._notify()
        return web.json_response({"errcode": 0, "errmsg": "ok"})
