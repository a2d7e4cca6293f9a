"""The HTTP callback adapter, driven by real encrypted requests on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, replace

import aiohttp
import pytest

from bot.adapters.wecom.callback import WeComCallbackAdapter
from bot.adapters.wecom.settings import CallbackSettings
from bot.messaging.adapter import SendFailed
from bot.messaging.messages import OutgoingMessage
from bot.runtime.clock import FakeClock
from bot.runtime.dispatcher import Outcome
from tests.support.fake_wecom_gateway import FakeWeComGateway
from tests.support.wecom import AES_KEY, NOW, TOKEN, WeComSide

GROUP = "wrkSFfCgAAyyyy"
LOGGER = "bot.adapters.wecom.callback"


def group_text(
    text: str,
    msgid: str = "cb-1",
    response_url: str | None = None,
    sender: str = "zhangsan",
    chat: str = GROUP,
) -> dict:
    body = {
        "msgid": msgid,
        "aibotid": "AIBOTID",
        "chatid": chat,
        "chattype": "group",
        "from": {"userid": sender},
        "msgtype": "text",
        "text": {"content": text},
    }
    if response_url:
        body["response_url"] = response_url
    return body




@dataclass
class Env:
    adapter: WeComCallbackAdapter
    wecom: WeComSide
    session: aiohttp.ClientSession
    inbox: list
    # The core's part: message id -> the answer it queues, how long the outbox takes to
    # send it, and the Outcome the core returns (ANSWERED when it answers, else SILENT).
    reply_with: dict[str, str]
    gateway: FakeWeComGateway
    reply_after: dict[str, float]
    outcomes: dict[str, Outcome | None]
    clock: FakeClock
    gates: dict[str, asyncio.Event]  # message id -> its answer leaves once this is set


ANSWERED = Outcome("handled", "intake", queued=1, answers=1)
SILENT = Outcome("silent")


@pytest.fixture
async def env():
    gateway = await FakeWeComGateway().start()
    inbox: list = []
    settings = CallbackSettings(
        token=TOKEN,
        aes_key=AES_KEY,
        host="127.0.0.1",
        port=0,
        path="/wecom/callback",
        reply_wait=0.3,
        max_body_bytes=8 * 1024,
    )
    clock = FakeClock(NOW)
    adapter = WeComCallbackAdapter(settings, clock=clock, bot_names=["网格助手"])
    reply_with: dict[str, str] = {}
    reply_after: dict[str, float] = {}
    outcomes: dict[str, Outcome | None] = {}
    gates: dict[str, asyncio.Event] = {}
    sends: list[asyncio.Task] = []

    async def outbox(reply: OutgoingMessage) -> None:
        assert reply.reply_to is not None
        gate = gates.get(reply.reply_to)
        if gate is not None:
            await gate.wait()
        else:
            await asyncio.sleep(reply_after.get(reply.reply_to, 0.01))
        await adapter.send(reply)

    async def inbound(event) -> Outcome | None:
        inbox.append(event)
        msgid = event.message_id
        if msgid in reply_with:  # the core answering through the outbox, a moment later
            reply = OutgoingMessage(chat=event.reply_chat, text=reply_with[msgid], reply_to=msgid)
            sends.append(asyncio.create_task(outbox(reply)))
        return outcomes.get(msgid, ANSWERED if msgid in reply_with else SILENT)

    await adapter.start(inbound)
    url = f"http://127.0.0.1:{adapter.port}/wecom/callback"
    async with aiohttp.ClientSession() as session:
        yield Env(
            adapter, WeComSide(url), session, inbox, reply_with, gateway, reply_after, outcomes,
            clock, gates,
        )
    for gate in gates.values():
        gate.set()
    await asyncio.gather(*sends, return_exceptions=True)
    await adapter.stop()
    await gateway.stop()


async def test_url_verification_echoes_the_plaintext(env):
    echostr = env.wecom.crypt.encrypt("8237364736253521")
    params = {**env.wecom.signed_query(echostr), "echostr": echostr}
    async with env.session.get(env.wecom.base_url, params=params) as resp:
        assert resp.status == 200
        assert await resp.text() == "8237364736253521"
    # The same request again is a replay.
    async with env.session.get(env.wecom.base_url, params=params) as resp:
        assert resp.status == 403
    assert env.inbox == []


async def test_group_message_reaches_the_core_with_mention_stripped(env):
    status, text = await env.wecom.post(env.session, group_text("@网格助手 3号楼门口井盖坏了"))
    assert (status, text) == (200, "")
    (msg,) = env.inbox
    assert (msg.chat_id, msg.sender_id, msg.message_id) == (GROUP, "zhangsan", "cb-1")
    assert msg.text == "3号楼门口井盖坏了" and msg.mentions_bot
    assert msg.at == NOW  # no create_time in the body: the clock's time
    assert env.adapter.owns(GROUP)


async def test_quick_reply_is_encrypted_into_the_response(env):
    env.reply_with["cb-1"] = "#3 已登记，网格员马上处理"
    status, text = await env.wecom.post(env.session, group_text("@网格助手 井盖坏了"))
    assert status == 200
    answer = json.loads(text)
    plain = env.wecom.crypt.decrypt_message(
        answer["msgsignature"], answer["timestamp"], answer["nonce"], answer["encrypt"]
    )
    reply = json.loads(plain)
    assert reply["msgtype"] == "stream" and reply["stream"]["finish"] is True
    assert reply["stream"]["content"] == "\u200b#3 已登记，网格员马上处理"


async def test_later_messages_use_the_response_url(env):
    url = env.gateway.response_url("code-1")
    await env.wecom.post(env.session, group_text("@网格助手 井盖坏了", response_url=url))
    sent = await env.adapter.send(OutgoingMessage(chat=GROUP, text="#3 已派给李四"))
    assert sent.platform_message_id == "cb-1"
    (post,) = env.gateway.response_posts
    assert post["code"] == "code-1"
    assert post["json"] == {"msgtype": "markdown", "markdown": {"content": "\u200b#3 已派给李四"}}
    # Each response_url is used once; with none left the chat cannot be reached.
    with pytest.raises(SendFailed) as info:
        await env.adapter.send(OutgoingMessage(chat=GROUP, text="again"))
    assert not info.value.permanent


async def test_events_and_stream_refreshes_are_acknowledged_without_a_message(env):
    event = {"msgid": "e1", "msgtype": "event", "event": {"eventtype": "enter_chat"}}
    assert (await env.wecom.post(env.session, event))[0] == 200
    refresh = {"msgid": "s1", "msgtype": "stream", "stream": {"id": "x"}}
    assert (await env.wecom.post(env.session, refresh))[0] == 200
    assert env.inbox == []


async def refused(env, caplog, expected_status: int, **post_kwargs) -> None:
    body = post_kwargs.pop("body", group_text("@网格助手 井盖坏了"))
    side = post_kwargs.pop("side", env.wecom)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=LOGGER):
        status, _ = await side.post(env.session, body, **post_kwargs)
    assert status == expected_status
    assert env.inbox == []
    lines = [r for r in caplog.records if r.name == LOGGER]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING, [r.getMessage() for r in lines]


async def test_bad_signature_is_403(env, caplog):
    query = {"msg_signature": "0" * 40, "timestamp": env.wecom.timestamp, "nonce": "1"}
    await refused(env, caplog, 403, query=query)


async def test_replayed_request_is_403(env, caplog):
    encrypted = env.wecom.crypt.encrypt(json.dumps(group_text("@网格助手 井盖坏了")))
    query = env.wecom.signed_query(encrypted)
    data = json.dumps({"encrypt": encrypted})
    async with env.session.post(env.wecom.base_url, params=query, data=data) as resp:
        assert resp.status == 200
    env.inbox.clear()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        async with env.session.post(env.wecom.base_url, params=query, data=data) as resp:
            assert resp.status == 403
    assert env.inbox == [] and "ReplayedNonce" in caplog.text


async def test_stale_timestamp_is_403(env, caplog):
    old = str(int(NOW.timestamp()) - 3600)
    await refused(env, caplog, 403, timestamp=old)
    assert "StaleTimestamp" in caplog.text


async def test_wrong_receive_id_is_400(env, caplog):
    other = WeComSide(env.wecom.base_url, receive_id="wx5823bf96d3bd56c7")
    await refused(env, caplog, 400, side=other)
    assert "ReceiveIdMismatch" in caplog.text


async def test_bad_padding_is_400(env, caplog):
    garbage = "A" * 64  # valid base64, two AES blocks, decrypts to noise
    await refused(
        env,
        caplog,
        400,
        query=env.wecom.signed_query(garbage),
        raw=json.dumps({"encrypt": garbage}),
    )
    assert "DecryptFailed" in caplog.text or "MalformedPlaintext" in caplog.text


async def test_oversized_body_is_413(env, caplog):
    big = group_text("井" * 20_000)
    await refused(env, caplog, 413, body=big)


async def test_not_json_and_missing_fields_are_400(env, caplog):
    await refused(env, caplog, 400, raw="this is not json")
    await refused(env, caplog, 400, raw=json.dumps({"nothing": 1}))
    await refused(env, caplog, 400, body="decrypts fine but is not JSON")
    await refused(
        env, caplog, 400, body={"msgid": "x", "msgtype": "text", "text": {"content": "?"}}
    )


async def test_failing_core_gets_a_5xx_so_wecom_retries(env, caplog):

    async def broken(event) -> None:
        raise RuntimeError("database down")

    env.adapter._inbound = broken
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        status, _ = await env.wecom.post(env.session, group_text("@网格助手 井盖坏了"))
    assert status == 500


async def test_oversized_chunked_body_is_413(env, caplog):
    """No Content-Length to check up front: the read limit still stops it."""

    async def chunks():
        for _ in range(20):
            yield b"x" * 1024

    query = env.wecom.signed_query("irrelevant")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        async with env.session.post(env.wecom.base_url, params=query, data=chunks()) as resp:
            assert resp.status == 413
    assert env.inbox == [] and len(caplog.records) == 1


async def test_encrypt_field_over_the_limit_is_413(env, caplog):
    # Just over the encrypted limit, but under the HTTP body limit: the crypto check catches it.
    encrypted = "A" * (8 * 1024 + 100)
    await refused(
        env,
        caplog,
        413,
        query=env.wecom.signed_query(encrypted),
        raw=json.dumps({"encrypt": encrypted}),
    )
    assert "PayloadTooLarge" in caplog.text


async def test_reply_handed_over_during_inbound_is_never_lost(env):
    """Even with no time left to wait, a reply send() accepted goes into the response."""
    env.adapter.settings = replace(env.adapter.settings, reply_wait=0.0)

    async def answering(event) -> Outcome:
        reply = OutgoingMessage(chat=event.reply_chat, text="收到", reply_to=event.message_id)
        sent = await env.adapter.send(reply)
        assert sent.platform_message_id == event.message_id
        return ANSWERED

    env.adapter._inbound = answering
    status, text = await env.wecom.post(env.session, group_text("@网格助手 井盖坏了"))
    assert status == 200
    answer = json.loads(text)
    plain = env.wecom.crypt.decrypt(answer["encrypt"])
    assert json.loads(plain)["stream"]["content"] == "收到"


# -- replies answer the message they name (issue 11 point 7) ---------------------------

SILENT_OUTCOMES = [
    pytest.param(Outcome("silent"), id="silent"),
    pytest.param(Outcome("ignored"), id="ignored"),  # e.g. a chat outside the config
    pytest.param(Outcome("duplicate"), id="duplicate"),
    pytest.param(Outcome("handled", "staff", queued=1, answers=0), id="handled-elsewhere"),
    pytest.param(None, id="none-retry-later"),
]
# Long enough that a request released "at once" can only be one the adapter let go of;
# the tests' own timeouts (a few seconds) are for the network only.
LONG_WAIT = 60.0


def answer_of(env: Env, response: tuple[int, str]) -> str:
    """The text a callback's HTTP response carries as its answer ("" for an empty 200)."""
    status, text = response
    assert status == 200
    if not text:
        return ""
    answer = json.loads(text)
    plain = env.wecom.crypt.decrypt_message(
        answer["msgsignature"], answer["timestamp"], answer["nonce"], answer["encrypt"]
    )
    return json.loads(plain)["stream"]["content"]


def posting(env: Env, body: dict) -> asyncio.Task:
    return asyncio.create_task(env.wecom.post(env.session, body))


async def waiting_for(env: Env, *message_ids: str) -> None:
    """Until exactly these messages' requests are open, waiting for their answers."""
    for _ in range(500):
        if sorted(env.adapter.waiting()) == sorted(message_ids):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"waiting for {env.adapter.waiting()}, not {message_ids}")


async def test_interleaved_residents_each_get_their_own_answer(env):
    """A says good morning, B reports, A reports: the chatter's request ends at once and
    empty; each report's answer is in that report's own response, whatever order the
    outbox sends them in."""
    env.adapter.settings = replace(env.adapter.settings, reply_wait=LONG_WAIT)
    env.reply_with.update(
        b1="收到！已登记工单 #1（市政设施）", a2="收到！已登记工单 #2（楼院设施）"
    )
    env.gates.update(b1=asyncio.Event(), a2=asyncio.Event())
    a1 = posting(env, group_text("@网格助手 大家早上好", "a1", sender="res-a"))
    b1 = posting(env, group_text("@网格助手 3号楼门口井盖坏了", "b1", sender="res-b"))
    a2 = posting(env, group_text("@网格助手 2号楼楼道灯不亮了", "a2", sender="res-a"))
    assert answer_of(env, await asyncio.wait_for(a1, 5)) == ""
    await waiting_for(env, "b1", "a2")
    assert sorted(m.message_id for m in env.inbox) == ["a1", "a2", "b1"]

    env.gates["a2"].set()  # the later report's answer leaves first
    assert answer_of(env, await asyncio.wait_for(a2, 5)) == "收到！已登记工单 #2（楼院设施）"
    assert not b1.done()
    env.gates["b1"].set()
    assert answer_of(env, await asyncio.wait_for(b1, 5)) == "收到！已登记工单 #1（市政设施）"
    assert env.adapter.waiting() == [] and env.gateway.response_posts == []


@pytest.mark.parametrize("outcome", SILENT_OUTCOMES)
async def test_a_message_left_unanswered_gets_its_empty_200_at_once(env, outcome):
    env.adapter.settings = replace(env.adapter.settings, reply_wait=LONG_WAIT)
    env.outcomes["chatter"] = outcome
    response = await asyncio.wait_for(
        env.wecom.post(env.session, group_text("@网格助手 今天天气不错", "chatter")), 5
    )
    assert answer_of(env, response) == "" and env.adapter.waiting() == []


async def test_urgent_answer_is_not_taken_by_a_report_whose_answer_is_held(env):
    """At night a report's acknowledgement is held for quiet hours while an urgent report
    right after it is answered at once: the urgent answer goes to the urgent report."""
    env.adapter.settings = replace(env.adapter.settings, reply_wait=0.5)
    env.outcomes["lift"] = ANSWERED  # answered, but the answer waits for the morning
    env.reply_with["gas"] = "【紧急】已登记工单 #2（安全隐患）"
    env.gates["gas"] = asyncio.Event()
    lift = posting(env, group_text("@网格助手 2号楼电梯坏了", "lift", sender="res-a"))
    await waiting_for(env, "lift")
    gas = posting(env, group_text("@网格助手 6号楼燃气味特别浓！", "gas", sender="res-b"))
    await waiting_for(env, "lift", "gas")
    env.gates["gas"].set()
    assert answer_of(env, await asyncio.wait_for(gas, 5)) == "【紧急】已登记工单 #2（安全隐患）"
    assert answer_of(env, await asyncio.wait_for(lift, 5)) == ""  # after reply_wait, empty


async def test_an_answer_whose_request_has_ended_uses_its_own_response_url(env):
    url_1, url_2 = env.gateway.response_url("code-1"), env.gateway.response_url("code-2")
    await env.wecom.post(env.session, group_text("@网格助手 井盖坏了", "m1", url_1))
    await env.wecom.post(env.session, group_text("@网格助手 大家好", "m2", url_2, sender="b"))
    sent = await env.adapter.send(OutgoingMessage(chat=GROUP, text="收到 #1", reply_to="m1"))
    assert sent.platform_message_id == "m1"
    assert [p["code"] for p in env.gateway.response_posts] == ["code-1"]
    # An answer to a message without one left takes the chat's newest.
    await env.adapter.send(OutgoingMessage(chat=GROUP, text="#1 已派单", reply_to="m1"))
    assert [p["code"] for p in env.gateway.response_posts] == ["code-1", "code-2"]


async def test_a_message_delivered_again_while_waiting_leaves_the_answer_to_the_first(env):
    env.adapter.settings = replace(env.adapter.settings, reply_wait=LONG_WAIT)
    env.reply_with["m1"] = "收到 #1"
    env.gates["m1"] = asyncio.Event()
    body = group_text("@网格助手 井盖坏了", "m1")
    first = posting(env, body)
    await waiting_for(env, "m1")
    env.outcomes["m1"] = Outcome("duplicate")  # WeCom retried; the core has it already
    assert answer_of(env, await asyncio.wait_for(env.wecom.post(env.session, body), 5)) == ""
    env.gates["m1"].set()
    assert answer_of(env, await asyncio.wait_for(first, 5)) == "收到 #1"


async def test_a_chat_outside_the_config_reaches_the_core_without_its_text_logged(env, caplog):
    env.outcomes["x1"] = Outcome("ignored")
    env.adapter.settings = replace(env.adapter.settings, reply_wait=LONG_WAIT)
    with caplog.at_level(logging.DEBUG, logger="bot.adapters.wecom"):
        body = group_text("@网格助手 隔壁群的私事", "x1", sender="res-x", chat="wrk-other")
        response = await asyncio.wait_for(env.wecom.post(env.session, body), 5)
    assert answer_of(env, response) == ""
    (msg,) = env.inbox
    assert (msg.chat_id, msg.text) == ("wrk-other", "隔壁群的私事")
    assert "私事" not in caplog.text
