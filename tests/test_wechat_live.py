"""The REAL python-wechaty client, driven through our adapter, against a fake gateway.

Every test starts the fake puppet service on a free 127.0.0.1 port and points the two
environment variables at it, exactly as an operator would for a real gateway. Nothing of
python-wechaty is mocked: what the fake sees is what a real gateway would see.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.wechat import (
    ENDPOINT_ENV,
    TOKEN_ENV,
    WechatAdapter,
    WechatySettings,
    build_wechat_adapter,
)
from bot.config import Config, parse_config
from bot.messaging.adapter import Adapter, SendFailed
from bot.messaging.messages import (
    Connected,
    InboundEvent,
    IncomingMessage,
    MemberJoined,
    MessageKind,
    OutgoingMessage,
)
from bot.messaging.parts import Mention, Text
from bot.runtime.clock import SystemClock
from tests.support.fake_puppet import (
    OFFICIAL,
    WIRE_ATTACHMENT,
    WIRE_IMAGE,
    FakePuppetService,
    free_port,
)
from tests.support.wechat import TOKEN, eventually

ROOM = "20201@chatroom"
OTHER_ROOM = "99999@chatroom"
BOT = "wxid_gridbot"
RESIDENT = "wxid_zhang"
WORKER = "wxid_li"
STAFF = "wxid_wang"


def community() -> Config:
    return parse_config(
        {
            "community": {"name": "幸福里社区"},
            "people": [
                {"id": WORKER, "name": "李网格", "role": "worker"},
                {"id": STAFF, "name": "王主任", "role": "staff"},
            ],
            "grids": [{"id": "g1", "name": "第一网格", "workers": [WORKER]}],
            "groups": [{"id": ROOM, "name": "3号楼居民群", "grid": "g1"}],
            "wechaty": {"welcome": ""},
        }
    )


def fast_settings(tmp_path: Path, **overrides: object) -> WechatySettings:
    values: dict[str, object] = {
        "enabled": True,
        "reconnect_min": 0.05,
        "reconnect_max": 0.2,
        "connect_timeout": 1.0,
        "send_timeout": 2.0,
        "ping_interval": 0.2,
        "ping_timeout": 0.3,
        "status_interval": 0.0,
        "cache_dir": str(tmp_path / "wechaty"),
    }
    values.update(overrides)
    return WechatySettings(**values)  # type: ignore[arg-type]


class Harness:
    """The adapter plus an inbox standing in for the core's dispatcher."""

    def __init__(self, adapter: WechatAdapter) -> None:
        self.adapter = adapter
        self.inbox: asyncio.Queue[IncomingMessage | MemberJoined] = asyncio.Queue()
        self.connects = 0  # Connected events: the core's cue to send what is held

    async def inbound(self, event: InboundEvent) -> None:
        if isinstance(event, Connected):
            self.connects += 1
        else:
            self.inbox.put_nowait(event)

    async def next(self, timeout: float = 5) -> IncomingMessage | MemberJoined:
        return await asyncio.wait_for(self.inbox.get(), timeout)

    async def next_message(self, timeout: float = 5) -> IncomingMessage:
        event = await self.next(timeout)
        assert isinstance(event, IncomingMessage), event
        return event




@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakePuppetService]:
    service = FakePuppetService(self_id=BOT, self_name="网格助手")
    service.add_contact(RESIDENT, "张阿姨")
    service.add_contact(WORKER, "李网格")
    service.add_contact(STAFF, "王主任")
    service.add_contact("gh_news", "某某新闻", type=OFFICIAL)
    service.add_room(ROOM, "3号楼居民群", [RESIDENT, WORKER], {RESIDENT: "3-201张阿姨"})
    service.add_room(OTHER_ROOM, "团购接龙群", [RESIDENT])
    await service.start()
    monkeypatch.setenv(ENDPOINT_ENV, service.endpoint)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    yield service
    await service.stop()


async def started(settings: WechatySettings, config: Config | None = None) -> Harness:
    adapter = WechatAdapter(config or community(), SystemClock(), settings)
    harness = Harness(adapter)
    await adapter.start(harness.inbound)
    return harness


@pytest.fixture
async def bot(fake: FakePuppetService, tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await started(fast_settings(tmp_path))
    await harness.adapter.wait_connected(5)
    yield harness
    await harness.adapter.stop()


async def test_factory_builds_an_adapter_from_config() -> None:
    adapter = build_wechat_adapter(community(), SystemClock())
    assert isinstance(adapter, Adapter)
    assert adapter.platform == "wechaty"
    assert adapter.owns(ROOM)
    assert not adapter.owns(OTHER_ROOM)
    assert adapter.owns(f"dm:{WORKER}")


async def test_connected_health_line_names_the_account(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    health = bot.adapter.health()
    assert health.connected
    assert (health.account_name, health.account_id) == ("网格助手", BOT)
    assert health.line(SystemClock().now()).startswith("wechaty: status connected as 网格助手")


async def test_resident_report_in_room_reaches_core(bot: Harness, fake: FakePuppetService) -> None:
    message_id = fake.post(
        from_id=RESIDENT,
        room_id=ROOM,
        text="@网格助手\u20053号楼门口井盖坏了",
        mention_ids=[BOT],
    )
    msg = await bot.next_message()
    assert msg.platform == "wechaty"
    assert msg.message_id == message_id
    assert msg.chat_id == ROOM
    assert msg.sender_id == RESIDENT
    assert msg.sender_name == "3-201张阿姨"  # the group nickname people see
    assert msg.text == "3号楼门口井盖坏了"
    assert msg.mentions_bot is True
    assert msg.mentions == ()
    assert msg.kind is MessageKind.TEXT
    assert msg.quote_text is None


async def test_mentions_of_other_people_are_kept(bot: Harness, fake: FakePuppetService) -> None:
    fake.post(
        from_id=RESIDENT, room_id=ROOM, text="@李网格\u2005楼道灯又坏了", mention_ids=[WORKER]
    )
    msg = await bot.next_message()
    assert msg.mentions == (WORKER,)
    assert msg.mentions_bot is False
    assert msg.text == "@李网格\u2005楼道灯又坏了"


async def test_reply_with_mention_goes_out_as_message_send_text(
    bot: Harness, fake: FakePuppetService
) -> None:
    sent = await bot.adapter.send(
        OutgoingMessage(chat=ROOM, text="收到，已派给网格员 #12", mentions=(RESIDENT,))
    )
    (record,) = await fake.wait_sent(1)
    assert record.method == "MessageSendText"
    assert record.conversation_id == ROOM
    assert record.mention_ids == (RESIDENT,)
    assert record.text.startswith("@张阿姨")
    assert record.text.endswith("收到，已派给网格员 #12")
    assert sent.platform_message_id == record.message_id
    # The gateway echoes the bot's own message back; the core must never see it.
    fake.post(from_id=RESIDENT, room_id=ROOM, text="谢谢")
    assert (await bot.next_message()).text == "谢谢"


async def test_inline_mentions_are_not_doubled(bot: Harness, fake: FakePuppetService) -> None:
    """The core writes "@name" inline; say() prefixes its own @-tag, so the inline one goes.

    The name the core used (the resident's group nickname) may differ from the contact
    name say() puts in front; either way the person is mentioned exactly once.
    """
    await bot.adapter.send(
        OutgoingMessage.say(
            ROOM,
            Text.of(
                "工单 #12 已处理完毕。", Mention(RESIDENT, "3-201张阿姨"), " 请您评价，",
                Mention(WORKER, "李网格"), " 辛苦了",
            ),
        )
    )
    (record,) = await fake.wait_sent(1)
    assert record.mention_ids == (RESIDENT, WORKER)
    assert record.text == "@张阿姨\u2005@李网格 工单 #12 已处理完毕。请您评价，辛苦了"
    assert record.text.count("@张阿姨") == 1 and record.text.count("@李网格") == 1
    # A private chat gets no @-tags from say(), so its text is left as written.
    await bot.adapter.send(
        OutgoingMessage.say(f"dm:{STAFF}", Text.of(Mention(STAFF, "王主任"), " 本周 12 件"))
    )
    records = await fake.wait_sent(2)
    assert (records[1].text, records[1].mention_ids) == ("@王主任 本周 12 件", ())


async def test_refused_send_is_transient_and_retry_sends_once(
    bot: Harness, fake: FakePuppetService
) -> None:
    fake.fail_sends = 1
    reply = OutgoingMessage(chat=ROOM, text="收到")
    with pytest.raises(SendFailed) as failed:
        await bot.adapter.send(reply)
    assert failed.value.permanent is False
    await bot.adapter.send(reply)
    assert [r.text for r in await fake.wait_sent(1)] == ["收到"]


async def test_accepted_send_counts_even_if_reloading_it_fails(
    bot: Harness, fake: FakePuppetService, caplog: pytest.LogCaptureFixture
) -> None:
    fake.forget_sent = True  # say() reloads the sent message by id; make that fail
    sent = await bot.adapter.send(OutgoingMessage(chat=ROOM, text="已受理"))
    (record,) = await fake.wait_sent(1)
    assert sent.platform_message_id == record.message_id
    assert any("accepted by the gateway" in r.getMessage() for r in caplog.records)


async def test_worker_claims_by_quoting(bot: Harness, fake: FakePuppetService) -> None:
    fake.post(
        from_id=WORKER,
        room_id=ROOM,
        text="「3-201张阿姨：3号楼门口井盖坏了」\n- - - - - - - - - - - - - - -\n我来处理",
    )
    msg = await bot.next_message()
    assert msg.sender_id == WORKER
    assert msg.text == "我来处理"
    assert msg.quote_text == "3号楼门口井盖坏了"


async def test_image_message_arrives_as_image(bot: Harness, fake: FakePuppetService) -> None:
    fake.post(from_id=RESIDENT, room_id=ROOM, type=WIRE_IMAGE, text="<msg><img/></msg>")
    msg = await bot.next_message()
    assert msg.kind is MessageKind.IMAGE
    assert msg.text == ""
    fake.post(from_id=RESIDENT, room_id=ROOM, type=WIRE_ATTACHMENT, filename="照片说明.pdf")
    msg = await bot.next_message()
    assert (msg.kind, msg.text) == (MessageKind.FILE, "照片说明.pdf")


async def test_direct_messages_both_ways(bot: Harness, fake: FakePuppetService) -> None:
    fake.post(from_id="gh_news", text="今日要闻")  # official accounts are not people
    fake.post(from_id=STAFF, text="本周工单统计")
    msg = await bot.next_message()
    assert (msg.chat_id, msg.sender_id, msg.text) == (None, STAFF, "本周工单统计")
    assert msg.reply_chat == f"dm:{STAFF}"
    await bot.adapter.send(OutgoingMessage(chat=msg.reply_chat, text="本周 12 件"))
    (record,) = await fake.wait_sent(1)
    assert (record.conversation_id, record.text, record.mention_ids) == (STAFF, "本周 12 件", ())


async def test_unconfigured_group_is_passed_on_by_name_with_one_log_line(
    bot: Harness, fake: FakePuppetService, caplog: pytest.LogCaptureFixture
) -> None:
    """The core notes an unlisted group's id and name for `gridbot seen` (and answers a
    private 我的ID there), so the adapter passes its messages on, named, with one log line."""
    caplog.set_level(logging.INFO, logger="bot.adapters.wechat")
    fake.post(from_id=RESIDENT, room_id=OTHER_ROOM, text="接龙：大米两袋")
    fake.post(from_id=RESIDENT, room_id=OTHER_ROOM, text="接龙：鸡蛋一箱")
    fake.post(from_id=RESIDENT, room_id=ROOM, text="电梯停了")
    for _ in range(2):
        unlisted = await bot.next_message()
        assert (unlisted.chat_id, unlisted.chat_name) == (OTHER_ROOM, "团购接龙群")
    served = await bot.next_message()
    assert (served.text, served.chat_name) == ("电梯停了", None)
    lines = [r.getMessage() for r in caplog.records if "ignoring group" in r.getMessage()]
    assert len(lines) == 1
    assert "团购接龙群" in lines[0] and OTHER_ROOM in lines[0]


async def test_image_attachment_is_sent_as_a_file_then_text(
    bot: Harness, fake: FakePuppetService, tmp_path: Path
) -> None:
    picture = tmp_path / "notice.png"
    picture.write_bytes(b"\x89PNG fake")
    await bot.adapter.send(
        OutgoingMessage(
            chat=ROOM, text="停水通知见图", kind=MessageKind.IMAGE, attachment=str(picture)
        )
    )
    file_record, text_record = await fake.wait_sent(2)
    assert file_record.method == "MessageSendFile"
    assert file_record.filebox["name"] == "notice.png"
    assert text_record.text == "停水通知见图"


async def test_member_join_reaches_core_with_one_welcome_to_send(
    fake: FakePuppetService, tmp_path: Path
) -> None:
    """The adapter asks the core to welcome each newcomer once; the core sends it through
    the outbox (tests/test_wechat_e2e.py), so the adapter itself sends nothing."""
    harness = await started(
        fast_settings(tmp_path, welcome="欢迎！有事直接在群里说，@网格助手 更快。")
    )
    try:
        await harness.adapter.wait_connected(5)
        fake.add_contact("wxid_new", "新邻居")
        fake.join(ROOM, ["wxid_new"], RESIDENT)
        event = await harness.next()
        assert isinstance(event, MemberJoined)
        assert (event.chat_id, event.member_ids, event.member_names) == (
            ROOM,
            ("wxid_new",),
            ("新邻居",),
        )
        assert event.welcome.startswith("欢迎") and event.welcome_ids == ("wxid_new",)
        fake.join(ROOM, ["wxid_new"], RESIDENT)  # a gateway repeating itself
        again = await harness.next()
        assert isinstance(again, MemberJoined) and again.welcome_ids == ()
        fake.post(from_id=RESIDENT, room_id=ROOM, text="欢迎欢迎")
        await harness.next()
        assert fake.sent == []
    finally:
        await harness.adapter.stop()


async def test_gateway_restart_reconnects_and_delivers_pending(
    bot: Harness, fake: FakePuppetService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.adapters.wechat")
    fake.post(from_id=RESIDENT, room_id=ROOM, text="路灯不亮")
    await bot.next_message()

    await fake.stop()
    await eventually(lambda: not bot.adapter.health().connected)
    reply = OutgoingMessage(chat=ROOM, text="已派单 #7", mentions=(RESIDENT,))
    with pytest.raises(SendFailed) as failed:
        await bot.adapter.send(reply)
    assert failed.value.permanent is False

    await fake.start()
    await bot.adapter.wait_connected(5)
    assert bot.connects == 2  # the core's cue to send what it holds
    await bot.adapter.send(reply)  # what the outbox does on that cue
    records = await fake.wait_sent(1)
    assert [r.text for r in records] == ["@张阿姨 已派单 #7"]

    fake.post(from_id=RESIDENT, room_id=ROOM, text="路灯还是不亮")
    assert (await bot.next_message()).text == "路灯还是不亮"
    health = bot.adapter.health()
    assert health.reconnects == 1
    messages = [r.getMessage() for r in caplog.records]
    assert sum("connection lost" in m for m in messages) == 1
    assert sum(m.startswith("wechaty: connected as 网格助手") for m in messages) == 1
    assert not any(r.exc_info for r in caplog.records)


async def test_account_logout_holds_sends_until_login(
    bot: Harness, fake: FakePuppetService, caplog: pytest.LogCaptureFixture
) -> None:
    fake.logout("手机端退出")
    await eventually(lambda: bot.adapter.health().state == "waiting-login")
    assert any("logged out" in r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    with pytest.raises(SendFailed) as failed:
        await bot.adapter.send(OutgoingMessage(chat=ROOM, text="测试"))
    assert failed.value.permanent is False
    fake.login()
    await bot.adapter.wait_connected(5)
    await bot.adapter.send(OutgoingMessage(chat=ROOM, text="测试"))
    assert [r.text for r in await fake.wait_sent(1)] == ["测试"]


async def test_stalled_gateway_is_detected_and_replaced(
    bot: Harness, fake: FakePuppetService
) -> None:
    fake.stall()
    await eventually(lambda: not bot.adapter.health().connected, timeout=5)
    assert "stopped answering" in (bot.adapter.health().last_error or "")
    with pytest.raises(SendFailed):
        await bot.adapter.send(OutgoingMessage(chat=ROOM, text="测试"))
    fake.unstall()
    await bot.adapter.wait_connected(5)
    fake.post(from_id=RESIDENT, room_id=ROOM, text="恢复了吗")
    assert (await bot.next_message()).text == "恢复了吗"


async def test_missing_environment_gives_one_clear_line_then_connects(
    fake: FakePuppetService,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.adapters.wechat")
    monkeypatch.delenv(TOKEN_ENV)
    harness = await started(fast_settings(tmp_path))
    try:
        await eventually(
            lambda: sum("still cannot connect" in r.getMessage() for r in caplog.records) >= 2
        )
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1
        assert TOKEN_ENV in errors[0].getMessage()
        assert errors[0].exc_info is None
        monkeypatch.setenv(TOKEN_ENV, TOKEN)
        await harness.adapter.wait_connected(5)
    finally:
        await harness.adapter.stop()


async def test_unreachable_gateway_then_it_comes_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.adapters.wechat")
    port = free_port()
    monkeypatch.setenv(ENDPOINT_ENV, f"127.0.0.1:{port}")
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    harness = await started(fast_settings(tmp_path))
    service = FakePuppetService(self_id=BOT, port=port)
    try:
        await eventually(lambda: harness.adapter.health().last_error is not None)
        assert "unreachable" in (harness.adapter.health().last_error or "")
        await service.start()
        await harness.adapter.wait_connected(5)
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1 and "unreachable" in errors[0]
        assert TOKEN not in "\n".join(r.getMessage() for r in caplog.records)
    finally:
        await harness.adapter.stop()
        await service.stop()
