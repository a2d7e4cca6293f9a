"""WeCom end to end: the REAL App and the REAL WeCom adapter against a local fake gateway.

The App is put together as `gridbot run` does it: the sample community with a [wecom]
block, ``build_adapters`` building the adapter from the config and the WECOM_* variables,
an SQLite file, the background outbox sender. Assertions are on the frames the fake
gateway received (or the encrypted HTTP answers in callback mode) and on the database.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from bot.adapters.wecom import WeComAdapter
from bot.adapters.wecom.callback import WeComCallbackAdapter
from bot.adapters.wecom.ws import WeComWsAdapter
from bot.cli.runner import build_adapters
from bot.cli.wiring import build_app
from bot.config import Config
from bot.messaging.messages import IncomingMessage, OutgoingMessage
from bot.runtime.app import App
from bot.runtime.clock import FakeClock
from bot.runtime.outbox import queue
from storage.db import Database
from storage.repo import Store
from tests.support.e2e import (
    DAYTIME,
    all_sent,
    first_worker,
    outbox,
    sample_with,
    tickets,
    until,
)
from tests.support.fake_puppet import free_port
from tests.support.fake_wecom_gateway import FakeWeComGateway
from tests.support.wecom import (
    AES_KEY,
    GROUP,
    NOW,
    REPLIES,
    STAFF_GROUP,
    TOKEN,
    URGENT_GROUP,
    WeComSide,
    content,
    said,
)

RESIDENT = "res-zhang"
REPORT = "3号楼门口井盖坏了"


def resolved_news(worker_name: str) -> str:
    """The resolve news, addressed to the reporter, with the rating request (issue 13)."""
    return (
        f"<@{RESIDENT}> 您反映的“{REPORT}”（#1），网格员{worker_name}已经处理好了。\n"
        "您看满意吗？回复“满意”“基本满意”或“不满意”就行，直接说说您的看法也可以。"
    )


@dataclass
class Running:
    app: App
    gateway: FakeWeComGateway
    adapter: WeComAdapter
    bot: WeComWsAdapter
    clock: FakeClock
    config: Config
    worker: str
    worker_name: str

    def replies(self) -> list[dict[str, Any]]:
        """Everything the bot said, in order: answers in a message's thread and pushes."""
        return [f for f in self.gateway.frames if f.get("cmd") in REPLIES]

    async def said(self, text: str, msgid: str, sender: str, chat: str = GROUP) -> str:
        # People do not all write in the same instant; the rate limiter runs on this clock.
        self.clock.advance(timedelta(minutes=1))
        return await self.gateway.push_message(said(text, msgid, sender, chat))

    async def next_reply(self, count: int) -> dict[str, Any]:
        """The ``count``-th thing the bot said, once the gateway has it."""
        await self.gateway.wait_until(lambda: len(self.replies()) >= count)
        return self.replies()[count - 1]


@pytest.fixture
async def running(
    gateway: FakeWeComGateway, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Running]:
    monkeypatch.setenv("WECOM_BOT_ID", gateway.bot_id)
    monkeypatch.setenv("WECOM_BOT_SECRET", gateway.secret)
    config = sample_with(
        "wecom",
        {
            "mode": "ws",
            "ws_url": gateway.ws_url,
            "reconnect_min": "0.02s",
            "reconnect_max": "0.1s",
            "ack_timeout": "2s",
            "connect_timeout": "2s",
        },
    )
    clock = FakeClock(DAYTIME)
    adapters = build_adapters(config, clock)  # type: ignore[arg-type]
    assert [type(a) for a in adapters] == [WeComAdapter]
    adapter = adapters[0]
    assert isinstance(adapter, WeComAdapter) and isinstance(adapter.bot, WeComWsAdapter)
    app = build_app(config, Database(sqlite_url), clock, adapters)
    await app.start(background_send=True)
    assert await adapter.bot.wait_online(5)
    worker, worker_name = first_worker(config, GROUP)
    try:
        yield Running(app, gateway, adapter, adapter.bot, clock, config, worker, worker_name)
    finally:
        await app.stop()


async def test_ws_report_claim_and_resolve_through_the_app(running: Running) -> None:
    r = running
    (subscribe,) = r.gateway.sent("aibot_subscribe")
    assert subscribe["body"] == {"bot_id": "bot-1", "secret": "bot-secret"}

    req_id = await r.said(f"@网格助手 {REPORT}", "m1", RESIDENT)
    dispatch = await r.next_reply(1)
    text = content(dispatch)
    # The answer goes into the report's own thread, under its req_id.
    assert dispatch["cmd"] == "aibot_respond_msg" and dispatch["headers"]["req_id"] == req_id
    # One message to the reporter (recorded, who will come) and to the worker (take it),
    # each tagged once where their name stood.
    assert text == (
        f"<@{RESIDENT}> 您反映的“{REPORT}”已登记，编号 #1（市政设施）。"
        f"网格员<@{r.worker}> 会尽快来处理（{r.worker_name}请回复“接单”或“马上去”）。"
    )
    assert f"@{r.worker_name}" not in text and text.count("@") == 2
    (ticket,) = await tickets(r.app)
    assert (ticket.status, ticket.assignee_id, ticket.grid_id) == ("assigned", r.worker, "g1")
    assert (ticket.reporter_id, ticket.platform, ticket.group_id) == (RESIDENT, "wecom", GROUP)

    await r.said("@网格助手 接单", "m2", r.worker)
    claimed = await r.next_reply(2)
    assert content(claimed) == (
        f"<@{RESIDENT}> 您反映的“{REPORT}”（#1），网格员{r.worker_name}已接单，正在处理。"
    )
    assert (await tickets(r.app))[0].status == "claimed"

    await r.said("@网格助手 已处理 #1", "m3", r.worker)
    rating = content(await r.next_reply(3))
    assert rating == resolved_news(r.worker_name)
    assert (await tickets(r.app))[0].status == "resolved"

    await r.said("@网格助手 满意", "m4", RESIDENT)
    assert "已办结" in content(await r.next_reply(4))
    (ticket,) = await tickets(r.app)
    assert (ticket.status, ticket.rating) == ("closed", "satisfied")
    await all_sent(r.app, 4)
    assert len(r.replies()) == 4  # each answer once, nothing else


async def test_ws_urgent_report_is_pushed_to_the_staff_group(running: Running) -> None:
    """The staff group wrote nothing: its alert is a proactive aibot_send_msg by chatid."""
    r = running
    await r.said("@网格助手 5号楼2单元楼道里燃气味特别浓！", "u1", "res-wu", URGENT_GROUP)
    await all_sent(r.app, 2)
    by_cmd = {f["cmd"]: f for f in r.replies()}
    assert len(r.replies()) == 2 and set(by_cmd) == set(REPLIES)

    in_group = content(by_cmd["aibot_respond_msg"])
    assert "【紧急】" in in_group and "#1" in in_group
    for person in ("wx-li", "wx-zhou", "wx-sun"):  # every worker of grid g2 and its leader
        assert in_group.count(f"<@{person}>") == 1

    push = by_cmd["aibot_send_msg"]["body"]
    assert (push["chatid"], push["chat_type"], push["msgtype"]) == (STAFF_GROUP, 2, "markdown")
    alert = push["markdown"]["content"]
    assert "【紧急】" in alert and "#1" in alert and "幸福里5-8号楼居民群" in alert
    assert alert.count("<@wx-li>") == 1 and "@李娜" not in alert


async def test_ws_reply_queued_while_the_gateway_is_down_goes_out_once(running: Running) -> None:
    r = running
    await r.said(f"@网格助手 {REPORT}", "m1", RESIDENT)
    await r.next_reply(1)

    r.gateway.accepting = False
    await r.gateway.drop()
    await r.gateway.wait_until(lambda: r.gateway.refused >= 1)
    assert not r.bot.online
    # Nothing comes in while the gateway is down, so the worker's message is handed to the
    # core directly; its answer must wait in the outbox.
    outcome = await r.app.handle_event(
        IncomingMessage(
            platform="wecom",
            message_id="m-while-down",
            chat_id=GROUP,
            sender_id=r.worker,
            text="已处理 #1",
            at=r.clock.now(),
            mentions_bot=True,
        )
    )
    assert outcome.status == "handled"
    rows = await until(lambda: outbox(r.app), lambda rows: rows[-1].attempts >= 1)
    assert rows[-1].sent_at is None and "not connected" in (rows[-1].last_error or "")

    r.gateway.accepting = True
    await r.gateway.wait_until(lambda: r.gateway.subscribes >= 2)
    assert await r.bot.wait_online(5)
    # The held reply goes out as soon as the bot is back, not when its retry backoff ends.
    rows = await all_sent(r.app, 2)
    assert rows[-1].attempts == 2

    resolved = [f for f in r.replies() if content(f) == resolved_news(r.worker_name)]
    assert len(resolved) == 1
    # The message's thread died with the old connection: this is a push by chatid.
    assert resolved[0]["cmd"] == "aibot_send_msg"
    assert resolved[0]["body"]["chatid"] == GROUP
    assert content(resolved[0]).count(f"<@{RESIDENT}>") == 1
    assert r.bot.connections == 2


async def test_ws_burst_of_100_is_paced_by_the_rate_limit_with_none_lost(
    running: Running,
) -> None:
    """100 updates for one chat, queued at once, leave through the App's outbox within the
    AI bot's limit (30 a minute after a burst of 3). The limiter runs on the App's fake
    clock, which the test moves on; each step is awaited until the outbox records it."""
    r = running
    assert (r.adapter.rate_per_minute, r.adapter.burst) == (30, 3)
    start = r.clock.now()
    texts = [f"第{i}条：通知更新" for i in range(100)]
    async with r.app.db.transaction() as session:
        await queue(Store(session), [OutgoingMessage(chat=GROUP, text=t) for t in texts], start)

    def sent_count(rows: list[Any]) -> int:
        return sum(row.sent_at is not None for row in rows)

    await r.app.flush()
    rows = await until(lambda: outbox(r.app), lambda rows: sent_count(rows) >= 3)
    assert sent_count(rows) == 3  # the burst; the rest wait for tokens
    while sent_count(rows) < 100:
        before = sent_count(rows)
        r.clock.advance(timedelta(seconds=2))
        await r.app.flush()
        rows = await until(lambda: outbox(r.app), lambda rows, n=before: sent_count(rows) > n)
        assert sent_count(rows) == before + 1, "more than the limit allowed"

    pushed = [content(f) for f in r.gateway.sent("aibot_send_msg")]
    assert pushed == texts  # all of them, once each, in order
    assert r.gateway.sent("aibot_respond_msg") == []
    offsets = [(row.sent_at - start).total_seconds() for row in rows]
    assert offsets == [0.0] * 3 + [2.0 * k for k in range(1, 98)]
    for t in offsets:
        assert sum(t <= u < t + 60 for u in offsets) <= 30 + 3


async def test_callback_mode_answers_in_the_encrypted_http_response(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WECOM_TOKEN", TOKEN)
    monkeypatch.setenv("WECOM_AES_KEY", AES_KEY)
    port = free_port()
    config = sample_with(
        "wecom",
        {
            "mode": "callback",
            "callback_host": "127.0.0.1",
            "callback_port": port,
            "reply_wait": "3s",
        },
    )
    clock = FakeClock(NOW)  # the signed timestamps WeComSide sends; daytime in Shanghai
    (adapter,) = build_adapters(config, clock)  # type: ignore[arg-type]
    assert isinstance(adapter, WeComAdapter) and isinstance(adapter.bot, WeComCallbackAdapter)
    app = build_app(config, Database(sqlite_url), clock, [adapter])
    await app.start(background_send=True)
    try:
        wecom = WeComSide(f"http://127.0.0.1:{port}/wecom/callback")
        async with aiohttp.ClientSession() as session:
            status, answer_text = await wecom.post(
                session, said(f"@网格助手 {REPORT}", "cb-1", RESIDENT)
            )
        assert status == 200
        answer = json.loads(answer_text)
        plain = wecom.crypt.decrypt_message(
            answer["msgsignature"], answer["timestamp"], answer["nonce"], answer["encrypt"]
        )
        reply = json.loads(plain)
        assert reply["msgtype"] == "stream" and reply["stream"]["finish"] is True
        text = reply["stream"]["content"]
        worker, worker_name = first_worker(config, GROUP)
        assert "#1" in text and "市政设施" in text
        assert text.count(f"<@{worker}>") == 1 and f"@{worker_name}" not in text
        (ticket,) = await tickets(app)
        assert (ticket.id, ticket.status, ticket.assignee_id) == (1, "assigned", worker)
        (row,) = await all_sent(app, 1)
        assert row.platform_msg_id == "cb-1"
    finally:
        await app.stop()
