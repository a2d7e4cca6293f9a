"""The long-connection adapter against a fake gateway on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.base import Adapter, SendFailed
from bot.adapters.wecom.settings import WsSettings
from bot.adapters.wecom.ws import WeComWsAdapter
from bot.clock import FakeClock
from bot.events import Connected, IncomingMessage, OutgoingMessage, dm_chat
from bot.ratelimit import RateLimiter
from tests.fake_wecom_gateway import FakeWeComGateway

GROUP = "wrkSFfCgAAxxxx"


def group_text(text: str, msgid: str = "msg-1", sender: str = "zhangsan") -> dict:
    return {
        "msgid": msgid,
        "aibotid": "bot-1",
        "chatid": GROUP,
        "chattype": "group",
        "from": {"userid": sender},
        "create_time": 1_795_000_000,
        "msgtype": "text",
        "text": {"content": text},
    }


class Harness:
    def __init__(self, gateway: FakeWeComGateway, adapter: WeComWsAdapter) -> None:
        self.gateway = gateway
        self.adapter = adapter
        self.inbox: asyncio.Queue[IncomingMessage] = asyncio.Queue()
        self.connects = 0  # Connected events: the core's cue to send what is held

    async def inbound(self, event) -> None:
        if isinstance(event, Connected):
            self.connects += 1
        else:
            await self.inbox.put(event)

    async def next_message(self) -> IncomingMessage:
        return await asyncio.wait_for(self.inbox.get(), 5)


def settings(gateway: FakeWeComGateway, **overrides) -> WsSettings:
    values = dict(
        url=gateway.ws_url,
        bot_id="bot-1",
        secret="bot-secret",
        heartbeat_interval=30.0,
        reconnect_min=0.02,
        reconnect_max=0.1,
        replaced_pause=0.1,
        ack_timeout=2.0,
        connect_timeout=2.0,
        respond_window=60.0,
    )
    values.update(overrides)
    return WsSettings(**values)


@pytest.fixture
async def gateway():
    gw = await FakeWeComGateway().start()
    yield gw
    await gw.stop()


@pytest.fixture
async def harness(gateway):
    adapter = WeComWsAdapter(settings(gateway), clock=FakeClock(), bot_names=["网格助手"])
    h = Harness(gateway, adapter)
    await adapter.start(h.inbound)
    assert await adapter.wait_online(5)
    yield h
    await adapter.stop()


async def test_it_is_an_adapter_and_subscribes_with_bot_id_and_secret(harness):
    assert isinstance(harness.adapter, Adapter)
    (frame,) = harness.gateway.sent("aibot_subscribe")
    assert frame["body"] == {"bot_id": "bot-1", "secret": "bot-secret"}
    assert frame["headers"]["req_id"]
    assert harness.adapter.rate_per_minute == 30


async def test_group_message_arrives_with_the_mention_stripped(harness):
    await harness.gateway.push_message(group_text("@网格助手\u20053号楼门口井盖坏了"))
    msg = await harness.next_message()
    assert msg.platform == "wecom"
    assert (msg.message_id, msg.chat_id, msg.sender_id) == ("msg-1", GROUP, "zhangsan")
    assert msg.text == "3号楼门口井盖坏了"
    assert msg.mentions_bot is True
    assert msg.at == datetime.fromtimestamp(1_795_000_000, UTC)
    assert harness.adapter.owns(GROUP)


async def test_unknown_bot_name_still_counts_as_mentioned(harness):
    await harness.gateway.push_message(group_text("@小助手 楼道灯不亮", msgid="m2"))
    msg = await harness.next_message()
    assert msg.mentions_bot is True and msg.text == "@小助手 楼道灯不亮"


async def test_private_message_is_direct(harness):
    body = group_text("降压药吃完了", msgid="m3")
    body.pop("chatid")
    body["chattype"] = "single"
    await harness.gateway.push_message(body)
    msg = await harness.next_message()
    assert msg.chat_id is None and msg.is_direct and msg.reply_chat == dm_chat("zhangsan")


async def test_reply_within_the_window_uses_aibot_respond_msg(harness):
    req_id = await harness.gateway.push_message(group_text("@网格助手 井盖坏了"))
    await harness.next_message()
    sent = await harness.adapter.send(
        OutgoingMessage(chat=GROUP, text="#12 已登记，网格员马上处理")
    )
    assert sent.platform_message_id == req_id
    (frame,) = harness.gateway.sent("aibot_respond_msg")
    assert frame["headers"]["req_id"] == req_id
    stream = frame["body"]["stream"]
    assert frame["body"]["msgtype"] == "stream" and stream["finish"] is True
    # A leading '#' would be a markdown heading; it is guarded, the text is unchanged.
    assert stream["content"] == "\u200b#12 已登记，网格员马上处理"
    # The callback is answered once; the next message to the group is a proactive push.
    await harness.adapter.send(OutgoingMessage(chat=GROUP, text="第二条"))
    assert len(harness.gateway.sent("aibot_send_msg")) == 1


async def test_proactive_send_goes_by_chatid(harness):
    sent = await harness.adapter.send(
        OutgoingMessage(chat=GROUP, text="#7 已超时，请尽快处理", mentions=("lisi",))
    )
    (frame,) = harness.gateway.sent("aibot_send_msg")
    assert sent.platform_message_id == frame["headers"]["req_id"]
    body = frame["body"]
    assert (body["chatid"], body["chat_type"], body["msgtype"]) == (GROUP, 2, "markdown")
    assert body["markdown"]["content"] == "<@lisi> \u200b#7 已超时，请尽快处理"
    await harness.adapter.send(OutgoingMessage(chat=dm_chat("wangwu"), text="提醒"))
    dm = harness.gateway.sent("aibot_send_msg")[-1]["body"]
    assert (dm["chatid"], dm["chat_type"]) == ("wangwu", 1)


async def test_inline_mentions_become_tags_where_they_stand(harness):
    """The core writes "@王芳" inline: it becomes <@userid> in place, never a second tag in
    front; a mention whose name is not in the text still gets its tag in front."""
    await harness.adapter.send(
        OutgoingMessage(
            chat=GROUP,
            text="#7 井盖坏了。@王芳 请接单",
            mentions=("wangfang", "lisi"),
            mention_names=("王芳", "李四"),
        )
    )
    (frame,) = harness.gateway.sent("aibot_send_msg")
    content = frame["body"]["markdown"]["content"]
    assert content == "<@lisi> \u200b#7 井盖坏了。<@wangfang> 请接单"
    assert content.count("<@wangfang>") == 1 and "@王芳" not in content


async def test_gateway_refusals_map_to_permanent_or_transient(harness):
    harness.gateway.errcodes["aibot_send_msg"] = 40008
    with pytest.raises(SendFailed) as info:
        await harness.adapter.send(OutgoingMessage(chat=GROUP, text="x"))
    assert info.value.permanent and "40008" in str(info.value)
    harness.gateway.errcodes["aibot_send_msg"] = 45009  # frequency limit: try later
    with pytest.raises(SendFailed) as info:
        await harness.adapter.send(OutgoingMessage(chat=GROUP, text="x"))
    assert not info.value.permanent


async def test_expired_reply_falls_back_to_a_push(harness):
    harness.gateway.errcodes["aibot_respond_msg"] = 40_001
    await harness.gateway.push_message(group_text("@网格助手 井盖坏了"))
    await harness.next_message()
    await harness.adapter.send(OutgoingMessage(chat=GROUP, text="收到"))
    assert len(harness.gateway.sent("aibot_respond_msg")) == 1
    assert len(harness.gateway.sent("aibot_send_msg")) == 1


async def test_reconnects_after_the_gateway_drops(harness, caplog):
    gw, adapter = harness.gateway, harness.adapter
    gw.accepting = False
    with caplog.at_level(logging.WARNING, logger="bot.adapters.wecom.ws"):
        await gw.drop()
        await gw.wait_until(lambda: gw.refused >= 2)  # it keeps trying, backing off
        assert not adapter.online
        with pytest.raises(SendFailed) as info:
            await adapter.send(OutgoingMessage(chat=GROUP, text="断线时"))
        assert not info.value.permanent  # transient: the outbox keeps the message
        gw.accepting = True
        await gw.wait_until(lambda: gw.subscribes >= 2)
        assert await adapter.wait_online(5)
    retries = [r.getMessage() for r in caplog.records if "reconnecting in" in r.getMessage()]
    assert retries and "closed by the gateway" in retries[0]
    assert adapter.connections == 2
    await adapter.send(OutgoingMessage(chat=GROUP, text="重连后"))
    assert [f["body"]["markdown"]["content"] for f in gw.sent("aibot_send_msg")] == ["重连后"]
    await gw.push_message(group_text("@网格助手 又来一条", msgid="after"))
    assert (await harness.next_message()).message_id == "after"
    # The Connected cue travels the inbound queue in order, so it is in by now: one per
    # subscription, the core's signal to send what it held during the outage.
    assert harness.connects == 2


async def test_send_while_down_is_transient(gateway):
    adapter = WeComWsAdapter(settings(gateway), clock=FakeClock(), bot_names=["网格助手"])
    h = Harness(gateway, adapter)
    await adapter.start(h.inbound)
    assert await adapter.wait_online(5)
    await gateway.stop()  # the gateway is gone for good: every reconnect fails
    await asyncio.sleep(0.05)
    with pytest.raises(SendFailed) as info:
        await adapter.send(OutgoingMessage(chat=GROUP, text="x"))
    assert not info.value.permanent
    await adapter.stop()


async def test_replaced_connection_is_logged_distinctly_and_pauses(harness, caplog):
    gw, adapter = harness.gateway, harness.adapter
    with caplog.at_level(logging.WARNING, logger="bot.adapters.wecom.ws"):
        await gw.kick()
        await gw.wait_until(lambda: gw.subscribes >= 2)
    replaced = [r for r in caplog.records if "REPLACED" in r.getMessage()]
    assert len(replaced) == 1 and replaced[0].levelno == logging.ERROR
    assert await adapter.wait_online(5)


async def test_replaced_with_zero_pause_stays_down(gateway, caplog):
    adapter = WeComWsAdapter(
        settings(gateway, replaced_pause=0.0), clock=FakeClock(), bot_names=["网格助手"]
    )
    h = Harness(gateway, adapter)
    await adapter.start(h.inbound)
    assert await adapter.wait_online(5)
    with caplog.at_level(logging.ERROR, logger="bot.adapters.wecom.ws"):
        await gateway.kick()
        await asyncio.sleep(0.3)
    assert gateway.subscribes == 1
    assert any("not reconnecting" in r.getMessage() for r in caplog.records)
    with pytest.raises(SendFailed, match="replaced"):
        await adapter.send(OutgoingMessage(chat=GROUP, text="x"))
    await adapter.stop()


async def test_heartbeat_pings_and_drops_a_silent_connection(gateway):
    adapter = WeComWsAdapter(
        settings(gateway, heartbeat_interval=0.03), clock=FakeClock(), bot_names=["网格助手"]
    )
    h = Harness(gateway, adapter)
    await adapter.start(h.inbound)
    assert await adapter.wait_online(5)
    await gateway.wait_until(lambda: len(gateway.sent("ping")) >= 3)
    assert gateway.subscribes == 1  # answered pings keep the connection
    gateway.answer_pings = False
    await gateway.wait_until(lambda: gateway.subscribes >= 2)  # silence: dropped and redialled
    await adapter.stop()


async def test_wrong_secret_never_goes_online(gateway, caplog):
    adapter = WeComWsAdapter(
        settings(gateway, secret="wrong"), clock=FakeClock(), bot_names=["网格助手"]
    )
    with caplog.at_level(logging.ERROR, logger="bot.adapters.wecom.ws"):
        await adapter.start(Harness(gateway, adapter).inbound)
        assert not await adapter.wait_online(0.3)
    assert any("subscribe as bot bot-1 failed" in r.getMessage() for r in caplog.records)
    assert "wrong" not in caplog.text
    await adapter.stop()


async def test_a_failing_handler_does_not_stop_delivery(gateway):
    adapter = WeComWsAdapter(settings(gateway), clock=FakeClock(), bot_names=["网格助手"])
    seen: list[str] = []

    async def inbound(event) -> None:
        if isinstance(event, Connected):
            return
        seen.append(event.message_id)
        if event.message_id == "boom":
            raise RuntimeError("handler bug")

    await adapter.start(inbound)
    assert await adapter.wait_online(5)
    await gateway.push_message(group_text("@网格助手 a", msgid="boom"))
    await gateway.push_message(group_text("@网格助手 b", msgid="fine"))
    for _ in range(100):
        if len(seen) == 2:
            break
        await asyncio.sleep(0.01)
    assert seen == ["boom", "fine"]
    await adapter.stop()


async def test_a_burst_of_100_updates_is_paced_and_none_is_lost(harness):
    """The outbox's loop in miniature: limiter first, then send, on a fake clock."""
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    start = clock.now()
    sent_at: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=seconds))
        await asyncio.sleep(0)

    adapter = harness.adapter
    limiter = RateLimiter(adapter.rate_per_minute, adapter.burst, clock=clock, sleep=fake_sleep)
    for i in range(100):
        await limiter.acquire(GROUP)
        sent_at.append((clock.now() - start).total_seconds())
        await adapter.send(OutgoingMessage(chat=GROUP, text=f"#{i} 状态更新", ticket_id=i))

    contents = [f["body"]["markdown"]["content"] for f in harness.gateway.sent("aibot_send_msg")]
    assert contents == [f"\u200b#{i} 状态更新" for i in range(100)]
    # 30 a minute after a burst of 3: the 100th goes out at (100 - 3) * 2 s.
    assert sent_at[-1] == pytest.approx(194.0)
    for i, t in enumerate(sent_at):
        in_window = [u for u in sent_at if t <= u < t + 60]
        assert len(in_window) <= 30 + 3, i


async def test_stop_hands_over_messages_already_received(gateway):
    adapter = WeComWsAdapter(settings(gateway), clock=FakeClock(), bot_names=["网格助手"])
    handled: list[str] = []
    release = asyncio.Event()

    async def slow_inbound(event) -> None:
        if isinstance(event, Connected):
            return
        await release.wait()
        handled.append(event.message_id)

    await adapter.start(slow_inbound)
    assert await adapter.wait_online(5)
    for i in range(3):
        await gateway.push_message(group_text("@网格助手 x", msgid=f"m{i}"))
    await asyncio.sleep(0.05)  # all three are read and queued behind the slow handler
    asyncio.get_running_loop().call_later(0.05, release.set)
    await adapter.stop()
    assert handled == ["m0", "m1", "m2"]
