"""The long-connection adapter against a fake gateway on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.wecom.settings import WsSettings
from bot.adapters.wecom.ws import WeComWsAdapter
from bot.messaging.adapter import Adapter, SendFailed
from bot.messaging.messages import Connected, IncomingMessage, OutgoingMessage, dm_chat
from bot.messaging.parts import Mention, Text
from bot.runtime.clock import FakeClock
from bot.runtime.dispatcher import Outcome
from bot.runtime.ratelimit import RateLimiter
from tests.support.fake_wecom_gateway import FakeWeComGateway

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


# What the core says about a message it answers (one reply in the message's own chat).
ANSWERED = Outcome("handled", "intake", queued=1, answers=1)


class Harness:
    """Plays the core: records each message and returns its Outcome (``ANSWERED`` unless
    ``outcomes`` names another for that message id)."""

    def __init__(self, gateway: FakeWeComGateway, adapter: WeComWsAdapter) -> None:
        self.gateway = gateway
        self.adapter = adapter
        self.inbox: asyncio.Queue[IncomingMessage] = asyncio.Queue()
        self.connects = 0  # Connected events: the core's cue to send what is held
        self.outcomes: dict[str, Outcome | None] = {}
        self.clock = FakeClock()  # the adapter's, when the fixture made it

    async def inbound(self, event) -> Outcome | None:
        if isinstance(event, Connected):
            self.connects += 1
            return None
        await self.inbox.put(event)
        return self.outcomes.get(event.message_id, ANSWERED)

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
async def harness(gateway):
    clock = FakeClock()
    adapter = WeComWsAdapter(settings(gateway), clock=clock, bot_names=["网格助手"])
    h = Harness(gateway, adapter)
    h.clock = clock
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
        OutgoingMessage(chat=GROUP, text="#12 已登记，网格员马上处理", reply_to="msg-1")
    )
    assert sent.platform_message_id == req_id
    (frame,) = harness.gateway.sent("aibot_respond_msg")
    assert frame["headers"]["req_id"] == req_id
    stream = frame["body"]["stream"]
    assert frame["body"]["msgtype"] == "stream" and stream["finish"] is True
    # A leading '#' would be a markdown heading; it is guarded, the text is unchanged.
    assert stream["content"] == "\u200b#12 已登记，网格员马上处理"
    # The callback is answered once; a second answer to it is a proactive push, and so
    # is anything that answers no message.
    await harness.adapter.send(OutgoingMessage(chat=GROUP, text="第二条", reply_to="msg-1"))
    await harness.adapter.send(OutgoingMessage(chat=GROUP, text="通知"))
    assert len(harness.gateway.sent("aibot_send_msg")) == 2
    assert len(harness.gateway.sent("aibot_respond_msg")) == 1


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
        OutgoingMessage.say(
            GROUP,
            Text.of("#7 井盖坏了。", Mention("wangfang", "王芳"), " 请接单"),
            mentions=("wangfang", "lisi"),
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
    await harness.adapter.send(OutgoingMessage(chat=GROUP, text="收到", reply_to="msg-1"))
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


# -- replies answer the message they name (issue 11 point 7) ---------------------------

SILENT_OUTCOMES = [
    pytest.param(Outcome("silent"), id="silent"),
    pytest.param(Outcome("ignored"), id="ignored"),  # e.g. a chat outside the config
    pytest.param(Outcome("duplicate"), id="duplicate"),
    pytest.param(Outcome("handled", "staff", queued=1, answers=0), id="handled-elsewhere"),
    pytest.param(None, id="none-retry-later"),
]


async def settled(harness: Harness, count: int) -> None:
    """Until ``count`` messages reached the core and the adapter has heard its outcomes."""
    for _ in range(count):
        await harness.next_message()
    await asyncio.wait_for(harness.adapter.drained(), 5)


def said_by(sender: str, text: str, msgid: str, chat: str = GROUP) -> dict:
    body = group_text(f"@网格助手 {text}", msgid=msgid, sender=sender)
    body["chatid"] = chat
    return body


def responds(gateway: FakeWeComGateway) -> dict[str, str]:
    """req_id -> text of every answer sent in a message's own thread."""
    return {
        f["headers"]["req_id"]: f["body"]["stream"]["content"]
        for f in gateway.sent("aibot_respond_msg")
    }


async def test_each_reply_goes_under_the_req_id_of_the_message_it_answers(harness):
    """Two residents interleave in one group; the outbox sends answers in its own order."""
    gw, adapter = harness.gateway, harness.adapter
    harness.outcomes["a1"] = Outcome("silent")
    req_a1 = await gw.push_message(said_by("res-a", "大家早上好", "a1"))
    req_b1 = await gw.push_message(said_by("res-b", "3号楼门口井盖坏了", "b1"))
    req_a2 = await gw.push_message(said_by("res-a", "2号楼楼道灯不亮了", "a2"))
    await settled(harness, 3)
    assert adapter.reply_slots() == 2  # the chatter's slot went as soon as the core was silent

    await adapter.send(OutgoingMessage(chat=GROUP, text="收到！已登记工单 #2", reply_to="a2"))
    await adapter.send(OutgoingMessage(chat=GROUP, text="收到！已登记工单 #1", reply_to="b1"))
    assert responds(gw) == {req_b1: "收到！已登记工单 #1", req_a2: "收到！已登记工单 #2"}
    # Even a reply that names the chatter cannot use its req_id: it is pushed.
    await adapter.send(OutgoingMessage(chat=GROUP, text="早上好", reply_to="a1"))
    assert req_a1 not in responds(gw) and len(gw.sent("aibot_send_msg")) == 1
    assert adapter.reply_slots() == 0


@pytest.mark.parametrize("outcome", SILENT_OUTCOMES)
async def test_a_message_left_unanswered_gives_its_slot_up_at_once(harness, outcome):
    gw, adapter = harness.gateway, harness.adapter
    harness.outcomes["chatter"] = outcome
    await gw.push_message(said_by("res-a", "今天天气不错", "chatter"))
    await settled(harness, 1)
    assert adapter.reply_slots() == 0
    # The urgent answer to the next message goes under that message's own req_id.
    req_gas = await gw.push_message(said_by("res-b", "5号楼2单元燃气味特别浓！", "gas"))
    await settled(harness, 1)
    await adapter.send(
        OutgoingMessage(chat=GROUP, text="【紧急】已登记工单 #1", urgent=True, reply_to="gas")
    )
    assert responds(gw) == {req_gas: "【紧急】已登记工单 #1"}
    assert gw.sent("aibot_send_msg") == []


async def test_a_message_the_core_failed_on_gives_its_slot_up(gateway):
    adapter = WeComWsAdapter(settings(gateway), clock=FakeClock(), bot_names=["网格助手"])
    seen: list[str] = []

    async def broken(event) -> None:
        if not isinstance(event, Connected):
            seen.append(event.message_id)
            raise RuntimeError("database down")

    await adapter.start(broken)
    try:
        assert await adapter.wait_online(5)
        await gateway.push_message(said_by("res-a", "井盖坏了", "m1"))
        for _ in range(500):
            if seen:
                break
            await asyncio.sleep(0.01)
        await asyncio.wait_for(adapter.drained(), 5)
        assert seen == ["m1"] and adapter.reply_slots() == 0
    finally:
        await adapter.stop()


async def test_a_reply_after_the_respond_window_is_pushed(harness):
    gw, adapter = harness.gateway, harness.adapter
    req_1 = await gw.push_message(said_by("res-a", "井盖坏了", "m1"))
    await gw.push_message(said_by("res-b", "路灯不亮", "m2"))
    await settled(harness, 2)
    harness.clock.advance(timedelta(seconds=59))  # respond_window is 60 s here
    await adapter.send(OutgoingMessage(chat=GROUP, text="收到 #1", reply_to="m1"))
    harness.clock.advance(timedelta(seconds=2))
    await adapter.send(OutgoingMessage(chat=GROUP, text="收到 #2", reply_to="m2"))
    assert responds(gw) == {req_1: "收到 #1"}
    (push,) = gw.sent("aibot_send_msg")
    assert push["body"]["markdown"]["content"] == "收到 #2"


async def test_reply_slots_are_bounded(gateway, monkeypatch):
    monkeypatch.setattr("bot.adapters.wecom.ws.MAX_REPLY_SLOTS", 3)
    clock = FakeClock()
    adapter = WeComWsAdapter(settings(gateway), clock=clock, bot_names=["网格助手"])
    h = Harness(gateway, adapter)
    await adapter.start(h.inbound)
    try:
        assert await adapter.wait_online(5)
        req_ids = [
            await gateway.push_message(said_by("res-a", f"第{i}件事坏了", f"m{i}"))
            for i in range(5)
        ]
        await settled(h, 5)
        assert adapter.reply_slots() == 3  # answers never sent must not pile up
        await adapter.send(OutgoingMessage(chat=GROUP, text="老的", reply_to="m0"))
        await adapter.send(OutgoingMessage(chat=GROUP, text="新的", reply_to="m4"))
        assert responds(gateway) == {req_ids[4]: "新的"}
        assert len(gateway.sent("aibot_send_msg")) == 1
        # Expired slots go when the next message comes.
        clock.advance(timedelta(seconds=61))
        await gateway.push_message(said_by("res-b", "又坏了", "m5"))
        await settled(h, 1)
        assert adapter.reply_slots() == 1
    finally:
        await adapter.stop()


async def test_a_message_delivered_again_keeps_its_first_slot(harness):
    gw, adapter = harness.gateway, harness.adapter
    first = await gw.push_message(said_by("res-a", "井盖坏了", "m1"))
    await settled(harness, 1)
    harness.outcomes["m1"] = Outcome("duplicate")
    second = await gw.push_message(said_by("res-a", "井盖坏了", "m1"))
    await settled(harness, 1)
    assert first != second and adapter.reply_slots() == 1
    await adapter.send(OutgoingMessage(chat=GROUP, text="收到 #1", reply_to="m1"))
    assert responds(gw) == {first: "收到 #1"}


async def test_a_reply_to_another_chat_never_borrows_the_slot(harness):
    gw, adapter = harness.gateway, harness.adapter
    req = await gw.push_message(said_by("res-a", "井盖坏了", "m1"))
    await settled(harness, 1)
    await adapter.send(OutgoingMessage(chat=dm_chat("wx-wang"), text="请接单", reply_to="m1"))
    assert responds(gw) == {} and len(gw.sent("aibot_send_msg")) == 1
    await adapter.send(OutgoingMessage(chat=GROUP, text="收到 #1", reply_to="m1"))
    assert responds(gw) == {req: "收到 #1"}


async def test_a_chat_outside_the_config_reaches_the_core_without_its_text_logged(
    gateway, caplog
):
    adapter = WeComWsAdapter(
        settings(gateway), clock=FakeClock(), bot_names=["网格助手"], known_groups=["wrk-known"]
    )
    h = Harness(gateway, adapter)
    h.outcomes = {"x1": Outcome("ignored"), "x2": Outcome("ignored")}
    await adapter.start(h.inbound)
    try:
        assert await adapter.wait_online(5)
        with caplog.at_level(logging.DEBUG, logger="bot.adapters.wecom"):
            await gateway.push_message(said_by("res-x", "隔壁群的私事", "x1", chat="wrk-other"))
            body = group_text("@小助手 也是私事", msgid="x2", sender="res-x")
            body["chatid"] = "wrk-other"
            await gateway.push_message(body)
            first, second = await h.next_message(), await h.next_message()
            await asyncio.wait_for(adapter.drained(), 5)
        assert (first.chat_id, first.text) == ("wrk-other", "隔壁群的私事")
        assert second.message_id == "x2"
        assert adapter.reply_slots() == 0
        assert "私事" not in caplog.text
        assert "@小助手" in caplog.text  # the unknown bot name is named, nothing else
    finally:
        await adapter.stop()
