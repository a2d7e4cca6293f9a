"""The HTTP callback adapter, driven by real encrypted requests on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import aiohttp
import pytest

from bot.adapters.base import SendFailed
from bot.adapters.wecom.callback import WeComCallbackAdapter
from bot.adapters.wecom.crypto import WXBizMsgCrypt, signature
from bot.adapters.wecom.settings import CallbackSettings
from bot.clock import FakeClock
from bot.events import OutgoingMessage
from tests.fake_wecom_gateway import FakeWeComGateway

TOKEN = "callback-token"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
GROUP = "wrkSFfCgAAyyyy"
LOGGER = "bot.adapters.wecom.callback"


def group_text(text: str, msgid: str = "cb-1", response_url: str | None = None) -> dict:
    body = {
        "msgid": msgid,
        "aibotid": "AIBOTID",
        "chatid": GROUP,
        "chattype": "group",
        "from": {"userid": "zhangsan"},
        "msgtype": "text",
        "text": {"content": text},
    }
    if response_url:
        body["response_url"] = response_url
    return body


class WeComSide:
    """What WeCom's servers do: encrypt, sign, and POST to our URL."""

    def __init__(self, base_url: str, receive_id: str = "") -> None:
        self.base_url = base_url
        self.crypt = WXBizMsgCrypt(TOKEN, AES_KEY, receive_id)
        self.nonces = iter(range(10_000, 99_999))
        self.timestamp = str(int(NOW.timestamp()))

    def signed_query(self, encrypted: str, *, timestamp: str | None = None) -> dict[str, str]:
        ts = timestamp or self.timestamp
        nonce = str(next(self.nonces))
        return {
            "msg_signature": signature(TOKEN, ts, nonce, encrypted),
            "timestamp": ts,
            "nonce": nonce,
        }

    async def post(
        self,
        session: aiohttp.ClientSession,
        body: dict | str,
        *,
        query=None,
        raw: str | None = None,
        timestamp: str | None = None,
    ) -> tuple[int, str]:
        encrypted = self.crypt.encrypt(body if isinstance(body, str) else json.dumps(body))
        params = query if query is not None else self.signed_query(encrypted, timestamp=timestamp)
        data = raw if raw is not None else json.dumps({"encrypt": encrypted})
        async with session.post(self.base_url, params=params, data=data) as resp:
            return resp.status, await resp.text()


@dataclass
class Env:
    adapter: WeComCallbackAdapter
    wecom: WeComSide
    session: aiohttp.ClientSession
    inbox: list
    reply_with: dict[str, str]
    gateway: FakeWeComGateway


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
    adapter = WeComCallbackAdapter(settings, clock=FakeClock(NOW), bot_names=["网格助手"])
    reply_with: dict[str, str] = {}

    async def inbound(event) -> None:
        inbox.append(event)
        if event.message_id in reply_with:  # the core answering through the outbox
            asyncio.get_running_loop().call_later(
                0.01,
                lambda: asyncio.ensure_future(
                    adapter.send(
                        OutgoingMessage(chat=event.reply_chat, text=reply_with[event.message_id])
                    )
                ),
            )

    await adapter.start(inbound)
    url = f"http://127.0.0.1:{adapter.port}/wecom/callback"
    async with aiohttp.ClientSession() as session:
        yield Env(adapter, WeComSide(url), session, inbox, reply_with, gateway)
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

    async def answering(event) -> None:
        sent = await env.adapter.send(OutgoingMessage(chat=event.reply_chat, text="收到"))
        assert sent.platform_message_id == event.message_id

    env.adapter._inbound = answering
    status, text = await env.wecom.post(env.session, group_text("@网格助手 井盖坏了"))
    assert status == 200
    answer = json.loads(text)
    plain = env.wecom.crypt.decrypt(answer["encrypt"])
    assert json.loads(plain)["stream"]["content"] == "收到"
