"""The WeChat adapter's pure parts: quote format, @-names, settings and environment."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from bot.adapters.wechat.adapter import WechatHealth
from bot.adapters.wechat.loader import RedactToken, load_wechaty, patch_puppet_options_hash
from bot.adapters.wechat.mapping import (
    RawMessage,
    split_quote,
    strip_mentions,
    to_incoming,
)
from bot.adapters.wechat.settings import (
    ENDPOINT_ENV,
    TOKEN_ENV,
    EnvironmentProblem,
    WechatySettings,
    duration_text,
    read_endpoint,
)
from bot.config import ConfigError, parse_config
from bot.messaging.messages import MessageKind

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
RULE_15 = "- - - - - - - - - - - - - - -"
RULE_16 = "- - - - - - - - - - - - - - - -"


class TestQuote:
    def test_wechat_quote_with_full_width_colon(self) -> None:
        quote = split_quote(f"「张阿姨：3号楼门口井盖坏了」\n{RULE_15}\n我来处理")
        assert quote is not None
        assert quote is not None
        assert quote.author == "张阿姨"
        assert (quote.quoted, quote.reply) == ("3号楼门口井盖坏了", "我来处理")

    def test_sixteen_dashes_crlf_and_ascii_colon(self) -> None:
        quote = split_quote(f"「Li: 电梯停了」\r\n{RULE_16}\r\n已联系维保")
        assert quote is not None
        assert (quote.author, quote.quoted, quote.reply) == ("Li", "电梯停了", "已联系维保")

    def test_quoted_text_spanning_lines(self) -> None:
        quote = split_quote(f"「王主任：通知\n明天停水\n请储水」\n{RULE_15}\n收到\n谢谢")
        assert quote is not None
        assert quote.quoted == "通知\n明天停水\n请储水"
        assert quote.reply == "收到\n谢谢"

    def test_quote_of_a_quote_keeps_the_inner_one_as_quoted_text(self) -> None:
        inner = f"「A：原话」\n{RULE_15}\n回复一"
        quote = split_quote(f"「B：{inner}」\n{RULE_15}\n回复二")
        assert quote is not None
        assert quote.author == "B"
        assert quote.quoted == inner
        assert quote.reply == "回复二"

    def test_unbalanced_brackets_fall_back_to_the_first_rule(self) -> None:
        quote = split_quote(f"「张三：他说「快来」\n{RULE_15}\n好的")
        assert quote is not None
        assert (quote.author, quote.quoted, quote.reply) == ("张三", "他说「快来", "好的")

    @pytest.mark.parametrize(
        "text",
        [
            "3号楼门口井盖坏了",
            f"{RULE_15}\n只有分隔线",
            f"没有括号\n{RULE_15}\n回复",
            "「张阿姨：只有引号」",
            "- - -\n太短的线",
        ],
    )
    def test_ordinary_text_is_not_a_quote(self, text: str) -> None:
        assert split_quote(text) is None


class TestMentions:
    def test_bot_name_is_stripped_with_wechat_separator(self) -> None:
        assert strip_mentions("@网格助手\u2005井盖坏了", ["网格助手"]) == "井盖坏了"
        assert strip_mentions("井盖坏了 @网格助手", ["网格助手"]) == "井盖坏了"
        assert strip_mentions("@网格助手 @小网格\u2005在吗", ["网格助手", "小网格"]) == "在吗"

    def test_other_names_and_prefixes_are_kept(self) -> None:
        assert strip_mentions("@张三\u2005去看看", ["网格助手"]) == "@张三\u2005去看看"
        assert strip_mentions("@网格助手们好", ["网格助手"]) == "@网格助手们好"

    def test_to_incoming_room_message(self) -> None:
        raw = RawMessage(
            message_id="m1", kind=MessageKind.TEXT, text="@网格助手\u2005楼道灯坏了",
            sender_id="wxid_a", sender_name="3-201张阿姨", room_id="r@chatroom",
            mention_ids=("wxid_bot", "wxid_li", "wxid_li"),
        )
        msg = to_incoming(raw, self_id="wxid_bot", bot_names=["网格助手"], at=NOW)
        assert (msg.chat_id, msg.text, msg.mentions, msg.mentions_bot) == (
            "r@chatroom", "楼道灯坏了", ("wxid_li",), True,
        )
        assert msg.sender_name == "3-201张阿姨"

    def test_mention_by_name_only_still_counts(self) -> None:
        raw = RawMessage("m2", MessageKind.TEXT, "@网格助手 电梯停了", "wxid_a", room_id="r")
        msg = to_incoming(raw, self_id="wxid_bot", bot_names=["网格助手"], at=NOW)
        assert msg.mentions_bot and msg.text == "电梯停了"

    def test_quoted_reply_with_mention(self) -> None:
        text = f"「张阿姨：井盖坏了」\n{RULE_15}\n@网格助手\u2005我来处理"
        raw = RawMessage("m3", MessageKind.TEXT, text, "wxid_li", room_id="r")
        msg = to_incoming(raw, self_id="wxid_bot", bot_names=["网格助手"], at=NOW)
        assert (msg.text, msg.quote_text, msg.quote_id) == ("我来处理", "井盖坏了", None)

    def test_image_and_direct_message(self) -> None:
        image = RawMessage("m4", MessageKind.IMAGE, "<msg><img/></msg>", "wxid_a", room_id="r")
        msg = to_incoming(image, self_id="b", bot_names=[], at=NOW)
        assert (msg.kind, msg.text) == (MessageKind.IMAGE, "")
        direct = RawMessage("m5", MessageKind.TEXT, " 统计 ", "wxid_staff")
        msg = to_incoming(direct, self_id="b", bot_names=[], at=NOW)
        assert msg.is_direct and msg.text == "统计" and msg.reply_chat == "dm:wxid_staff"


class TestSettings:
    def test_absent_section_is_disabled_present_section_enabled(self) -> None:
        base = {"community": {"name": "x"}}
        assert not WechatySettings.from_config(parse_config(base)).enabled
        assert WechatySettings.from_config(parse_config({**base, "wechaty": {}})).enabled
        off = parse_config({**base, "wechaty": {"enabled": False}})
        assert not WechatySettings.from_config(off).enabled

    def test_defaults_welcome_off(self) -> None:
        settings = WechatySettings.from_section({})
        assert settings.welcome == ""
        assert settings.reconnect_min == 2 and settings.reconnect_max == 120

    def test_durations_parse_like_the_rest_of_config(self) -> None:
        settings = WechatySettings.from_section(
            {"reconnect_min": "5s", "reconnect_max": "10m", "status_interval": "0s",
             "welcome": " 欢迎 ", "library_log_level": "error"}
        )
        assert (settings.reconnect_min, settings.reconnect_max) == (5, 600)
        assert settings.status_interval == 0
        assert settings.welcome == "欢迎"
        assert settings.library_log_level == "ERROR"

    @pytest.mark.parametrize(
        ("raw", "needle"),
        [
            ({"token": "abc"}, TOKEN_ENV),
            ({"endpoint": "1.2.3.4:80"}, ENDPOINT_ENV),
            ({"colour": 1}, "colour"),
            ({"enabled": "yes"}, "enabled"),
            ({"reconnect_min": "0s"}, "reconnect_min"),
            ({"reconnect_min": "1m", "reconnect_max": "10s"}, "reconnect_max"),
            ({"library_log_level": "LOUD"}, "library_log_level"),
        ],
    )
    def test_bad_sections_name_the_key(self, raw: dict[str, object], needle: str) -> None:
        with pytest.raises(ConfigError, match=needle):
            WechatySettings.from_section(raw)


class TestEnvironment:
    def test_both_variables_are_required(self) -> None:
        with pytest.raises(EnvironmentProblem, match=f"{ENDPOINT_ENV} and {TOKEN_ENV} are not"):
            read_endpoint({})
        with pytest.raises(EnvironmentProblem, match=f"^{TOKEN_ENV} is not set"):
            read_endpoint({ENDPOINT_ENV: "10.0.0.2:8788"})

    def test_address_forms(self) -> None:
        env = {ENDPOINT_ENV: "http://gateway.local:8788/", TOKEN_ENV: "insecure_abc"}
        endpoint = read_endpoint(env)
        assert (endpoint.host, endpoint.port) == ("gateway.local", 8788)
        assert "insecure_abc" not in endpoint.describe()
        with pytest.raises(EnvironmentProblem, match="host:port"):
            read_endpoint({ENDPOINT_ENV: "gateway.local", TOKEN_ENV: "t"})


class TestLoader:
    def test_import_patch_is_idempotent_and_wechaty_imports(self, tmp_path: object) -> None:
        patch_puppet_options_hash()
        patch_puppet_options_hash()
        first = load_wechaty(str(tmp_path))
        second = load_wechaty(str(tmp_path))
        assert first.Wechaty is second.Wechaty
        assert first.version == "0.10.7"
        assert not logging.getLogger("PuppetService").handlers

    def test_token_is_masked_in_library_logs(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv(TOKEN_ENV, "s3cret-token")
        record = logging.LogRecord("PuppetService", logging.WARNING, __file__, 1,
                                   "endpoint<%s> and token<%s>", ("h:1", "s3cret-token"), None)
        RedactToken().filter(record)
        assert record.getMessage() == "endpoint<h:1> and token<***>"


def test_health_lines() -> None:
    up = WechatHealth("connected", "网格助手", "wxid_bot", NOW, 2, 10, 4, None)
    assert up.line(NOW.replace(hour=11, minute=5)) == (
        "wechaty: status connected as 网格助手 (wxid_bot) for 2h05m; 10 in, 4 out since start; "
        "2 reconnect(s)"
    )
    down = WechatHealth("disconnected", None, None, NOW, 0, 0, 0, "refused")
    assert down.line(NOW.replace(minute=12)) == (
        "wechaty: status DISCONNECTED for 12m; last error: refused"
    )
    assert duration_text(3 * 86400 + 7200) == "3d2h"
