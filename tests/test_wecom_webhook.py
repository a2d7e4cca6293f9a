"""Group webhooks (消息推送) and the one WeCom adapter the core sees."""

from __future__ import annotations

import logging

import pytest

from bot.adapters.wecom import WeComAdapter, build_wecom_adapter
from bot.adapters.wecom.callback import WeComCallbackAdapter
from bot.adapters.wecom.settings import WebhookTarget
from bot.adapters.wecom.webhook import WeComWebhookSender
from bot.adapters.wecom.ws import WeComWsAdapter
from bot.config import ConfigError, parse_config
from bot.messaging.adapter import Adapter, SendFailed
from bot.messaging.messages import OutgoingMessage
from bot.runtime.clock import FakeClock

STAFF = "staff-group"
KEY = "693axxx6-7aoc-4bc4-97a0-0ec2sifa5aaa"


@pytest.fixture
async def sender(gateway):
    s = WeComWebhookSender(
        [WebhookTarget(chat=STAFF, env_var="WECOM_WEBHOOK_KEY_STAFF", key=KEY)],
        url=gateway.webhook_url,
    )
    await s.start(None)  # type: ignore[arg-type]
    yield s
    await s.stop()


async def test_webhook_posts_text_with_mentions(gateway, sender):
    assert isinstance(sender, Adapter) and sender.owns(STAFF) and not sender.owns("other")
    assert sender.rate_per_minute == 20
    await sender.send(OutgoingMessage(chat=STAFF, text="#5 超时未认领", mentions=("leader1",)))
    (post,) = gateway.webhook_posts
    assert post["key"] == KEY
    assert post["json"] == {
        "msgtype": "text",
        "text": {"content": "#5 超时未认领", "mentioned_list": ["leader1"]},
    }


async def test_webhook_errors_are_classified_and_never_show_the_key(gateway, sender):
    gateway.webhook_errcode = 45009  # too many messages this minute
    with pytest.raises(SendFailed) as info:
        await sender.send(OutgoingMessage(chat=STAFF, text="x"))
    assert not info.value.permanent and KEY not in str(info.value)
    gateway.webhook_errcode = 93000  # the webhook was removed from the group
    with pytest.raises(SendFailed) as info:
        await sender.send(OutgoingMessage(chat=STAFF, text="x"))
    assert info.value.permanent and "WECOM_WEBHOOK_KEY_STAFF" in str(info.value)
    with pytest.raises(SendFailed) as info:
        await sender.send(OutgoingMessage(chat="unknown", text="x"))
    assert info.value.permanent


async def test_unreachable_webhook_is_transient_and_hides_the_key():
    s = WeComWebhookSender(
        [WebhookTarget(chat=STAFF, env_var="WECOM_WEBHOOK_KEY_STAFF", key=KEY)],
        url="http://127.0.0.1:9/cgi-bin/webhook/send",  # discard port: nothing listens
    )
    await s.start(None)  # type: ignore[arg-type]
    with pytest.raises(SendFailed) as info:
        await s.send(OutgoingMessage(chat=STAFF, text="x"))
    await s.stop()
    assert not info.value.permanent and KEY not in str(info.value)


def community(wecom: dict) -> dict:
    return {
        "community": {"name": "幸福社区", "staff_group": STAFF},
        "people": [{"id": "w1", "name": "李四", "role": "worker"}],
        "grids": [{"id": "g1", "name": "一网格", "workers": ["w1"]}],
        "groups": [
            {"id": "wrk-g1", "name": "1号楼群", "grid": "g1", "platform": "wecom"},
            {"id": "wx-room", "name": "微信群", "grid": "g1", "platform": "wechaty"},
        ],
        "bot": {"names": ["网格助手", "小网格"]},
        "wecom": wecom,
    }


def test_factory_builds_ws_mode_with_webhooks(gateway):
    config = parse_config(
        community({"ws_url": gateway.ws_url, "webhooks": {STAFF: "WECOM_WEBHOOK_KEY_STAFF"}})
    )
    env = {"WECOM_BOT_ID": "bot-1", "WECOM_BOT_SECRET": "s", "WECOM_WEBHOOK_KEY_STAFF": KEY}
    adapter = build_wecom_adapter(config, FakeClock(), env=env)
    assert isinstance(adapter, WeComAdapter) and isinstance(adapter, Adapter)
    assert isinstance(adapter.bot, WeComWsAdapter)
    assert adapter.platform == "wecom"
    assert adapter.owns("wrk-g1") and adapter.owns(STAFF) and not adapter.owns("wx-room")
    assert adapter.rate_per_minute == 30 and adapter.burst == 3
    assert adapter.rate_for(STAFF).rate_per_minute == 20
    assert adapter.rate_for("wrk-g1").rate_per_minute == 30
    assert adapter.settings.bot_names == ("网格助手", "小网格")
    limiter = adapter.make_rate_limiter()
    assert limiter.limit_for(STAFF).rate_per_minute == 20


def test_factory_builds_callback_mode():
    env = {"WECOM_TOKEN": "t", "WECOM_AES_KEY": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"}
    adapter = build_wecom_adapter(
        parse_config(community({"mode": "callback"})), FakeClock(), env=env
    )
    assert isinstance(adapter.bot, WeComCallbackAdapter) and adapter.webhooks is None


def test_factory_refuses_missing_secrets():
    with pytest.raises(ConfigError, match="WECOM_BOT_SECRET"):
        build_wecom_adapter(parse_config(community({})), FakeClock(), env={"WECOM_BOT_ID": "b"})


async def test_end_to_end_ws_and_webhook_through_one_adapter(gateway, caplog):
    config = parse_config(
        community(
            {
                "ws_url": gateway.ws_url,
                "webhooks": {STAFF: "WECOM_WEBHOOK_KEY_STAFF"},
                "webhook_url": gateway.webhook_url,
            }
        )
    )
    env = {
        "WECOM_BOT_ID": "bot-1",
        "WECOM_BOT_SECRET": "bot-secret",
        "WECOM_WEBHOOK_KEY_STAFF": KEY,
    }
    adapter = build_wecom_adapter(config, FakeClock(), env=env)
    inbox: list = []

    async def inbound(event) -> None:
        inbox.append(event)

    with caplog.at_level(logging.DEBUG):
        await adapter.start(inbound)
        assert adapter.bot is not None and await adapter.bot.wait_online(5)
        await adapter.send(OutgoingMessage(chat="wrk-g1", text="楼道灯已修好"))
        await adapter.send(OutgoingMessage(chat=STAFF, text="今日工单 3 件"))
        await adapter.stop()
    assert [f["body"]["chatid"] for f in gateway.sent("aibot_send_msg")] == ["wrk-g1"]
    assert [p["json"]["text"]["content"] for p in gateway.webhook_posts] == ["今日工单 3 件"]
    assert "bot-secret" not in caplog.text and KEY not in caplog.text
