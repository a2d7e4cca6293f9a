"""The [wecom] section: defaults, secrets only from the environment, clear errors."""

from __future__ import annotations

import pytest

from bot.adapters.wecom.settings import DEFAULT_WS_URL, parse_wecom_settings
from bot.config import ConfigError

AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
WS_ENV = {"WECOM_BOT_ID": "bot-1", "WECOM_BOT_SECRET": "s3cret"}
CB_ENV = {"WECOM_TOKEN": "tok", "WECOM_AES_KEY": AES_KEY}


def test_ws_defaults():
    s = parse_wecom_settings({}, WS_ENV)
    assert s.mode == "ws"
    assert s.ws is not None and s.callback is None
    assert s.ws.url == DEFAULT_WS_URL
    assert (s.ws.bot_id, s.ws.secret) == ("bot-1", "s3cret")
    assert s.ws.heartbeat_interval == 30 and s.ws.reconnect_min == 1
    assert s.rate_per_minute == 30 and s.webhook_rate_per_minute == 20
    assert s.bot_names == ("网格助手",)
    assert "s3cret" not in repr(s)


def test_ws_keys_are_read():
    s = parse_wecom_settings(
        {
            "enabled": True,
            "mode": "ws",
            "ws_url": "ws://127.0.0.1:9/",
            "bot_id": "from-config",
            "heartbeat_interval": "20s",
            "reconnect_max": "2m",
            "replaced_pause": "0s",
            "bot_names": ["@小网格", "网格助手"],
        },
        {"WECOM_BOT_SECRET": "x"},
    )
    assert s.ws is not None
    assert s.ws.url == "ws://127.0.0.1:9/" and s.ws.bot_id == "from-config"
    assert s.ws.heartbeat_interval == 20 and s.ws.reconnect_max == 120
    assert s.ws.replaced_pause == 0
    assert s.bot_names == ("小网格", "网格助手")


def test_ws_needs_secret_and_bot_id_from_the_environment():
    with pytest.raises(ConfigError, match="WECOM_BOT_SECRET"):
        parse_wecom_settings({}, {"WECOM_BOT_ID": "b"})
    with pytest.raises(ConfigError, match="WECOM_BOT_ID"):
        parse_wecom_settings({}, {"WECOM_BOT_SECRET": "s"})


@pytest.mark.parametrize("key", ["secret", "token", "aes_key", "encoding_aes_key", "webhook_key"])
def test_secrets_in_the_config_file_are_refused(key):
    with pytest.raises(ConfigError, match="environment variable"):
        parse_wecom_settings({key: "leaked"}, WS_ENV)


def test_typos_and_bad_values_are_refused():
    with pytest.raises(ConfigError, match=r"wecom\.heartbeat is not a known key"):
        parse_wecom_settings({"heartbeat": "30s"}, WS_ENV)
    with pytest.raises(ConfigError, match="mode"):
        parse_wecom_settings({"mode": "http"}, WS_ENV)
    with pytest.raises(ConfigError, match="needs a unit"):
        parse_wecom_settings({"heartbeat_interval": 30}, WS_ENV)
    with pytest.raises(ConfigError, match="ws_url"):
        parse_wecom_settings({"ws_url": "https://x"}, WS_ENV)
    with pytest.raises(ConfigError, match="rate_per_minute"):
        parse_wecom_settings({"rate_per_minute": 0}, WS_ENV)


def test_callback_mode():
    s = parse_wecom_settings(
        {"mode": "callback", "callback_port": 9001, "callback_path": "/cb", "reply_wait": "1s"},
        CB_ENV,
    )
    assert s.callback is not None and s.ws is None
    assert (s.callback.port, s.callback.path, s.callback.reply_wait) == (9001, "/cb", 1.0)
    assert s.callback.timestamp_window == 300
    assert AES_KEY not in repr(s) and "tok" not in repr(s.callback)


def test_callback_mode_checks_its_secrets():
    with pytest.raises(ConfigError, match="WECOM_TOKEN"):
        parse_wecom_settings({"mode": "callback"}, {"WECOM_AES_KEY": AES_KEY})
    with pytest.raises(ConfigError, match="WECOM_AES_KEY"):
        parse_wecom_settings({"mode": "callback"}, {"WECOM_TOKEN": "t", "WECOM_AES_KEY": "short"})
    with pytest.raises(ConfigError, match="callback_path"):
        parse_wecom_settings({"mode": "callback", "callback_path": "cb"}, CB_ENV)


def test_webhooks_map_chats_to_environment_variables():
    env = {**WS_ENV, "WECOM_WEBHOOK_KEY_STAFF": "key-1"}
    s = parse_wecom_settings({"webhooks": {"staff-group": "WECOM_WEBHOOK_KEY_STAFF"}}, env)
    (target,) = s.webhooks
    assert (target.chat, target.env_var, target.key) == (
        "staff-group",
        "WECOM_WEBHOOK_KEY_STAFF",
        "key-1",
    )
    assert "key-1" not in repr(s)
    with pytest.raises(ConfigError, match="is not set"):
        parse_wecom_settings({"webhooks": {"g": "WECOM_WEBHOOK_KEY_NOPE"}}, WS_ENV)
    with pytest.raises(ConfigError, match="never goes in the config"):
        parse_wecom_settings({"webhooks": {"g": "693a91f6-7xxx"}}, WS_ENV)


def test_webhook_only_mode_needs_a_webhook_and_no_bot_secret():
    s = parse_wecom_settings(
        {"mode": "webhook", "webhooks": {"staff": "WECOM_WEBHOOK_KEY_STAFF"}},
        {"WECOM_WEBHOOK_KEY_STAFF": "k"},
    )
    assert s.ws is None and s.callback is None and len(s.webhooks) == 1
    with pytest.raises(ConfigError, match="at least one"):
        parse_wecom_settings({"mode": "webhook"}, {})
