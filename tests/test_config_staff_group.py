"""The staff group is a group the bot serves (issue 11, point 4).

``[community] staff_group`` works as the staff group whether or not it is also listed
under ``[[groups]]``; a staff group that no enabled platform can reach is refused at load.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path

import pytest

from bot.cli.simulate import open_simulation
from bot.config import STAFF_GROUP_NAME, Config, ConfigError, Group, parse_config
from tests.support.scenarios import play, ticket_json

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "config.example.toml").read_text(encoding="utf-8")
LISTED = '[[groups]]\nid = "staff-room"\nname = "幸福里社区工作群"\n'
START = datetime.fromisoformat("2026-11-23T09:00:00+08:00")


def unlisted(extra: str = "", *, staff: str = "staff-room") -> str:
    """The sample community with its staff group left out of [[groups]]."""
    assert LISTED in EXAMPLE
    text = EXAMPLE.replace(LISTED, "").replace(
        'staff_group = "staff-room"', f'staff_group = "{staff}"'
    )
    return text + "\n" + extra


def load(text: str) -> Config:
    return parse_config(tomllib.loads(text), source="config.toml")


def refused(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(text)
    message = str(caught.value)
    assert "\n" not in message and message.startswith("config.toml: community.staff_group")
    return message


def test_an_unlisted_staff_group_becomes_a_group() -> None:
    config = load(unlisted())
    assert config.group("staff-room") == Group("staff-room", STAFF_GROUP_NAME, None, None)
    listed = load(EXAMPLE)  # listed: its own name and settings are kept, nothing added
    assert listed.group("staff-room") == Group("staff-room", "幸福里社区工作群", None, None)
    assert len(listed.groups) == len(config.groups)


async def test_staff_commands_in_an_unlisted_staff_group_are_answered(db_url: str) -> None:
    sim = await open_simulation(load(unlisted()), db_url, start=START)
    try:
        # An urgent report reaches the staff group, and staff can answer from there.
        gas = {"chat": "room-xfl-1", "from": "res-zhang", "name": "张阿姨", "text": "2号楼有煤气味"}
        out = await play(sim, [gas])
        assert any(m["chat"] == "staff-room" and "【紧急】" in m["text"] for m in out), out

        out = await play(sim, [{"chat": "staff-room", "from": "wx-chen", "text": "统计 今天"}])
        assert len(out) == 1 and out[0]["chat"] == "staff-room", out
        assert "受理 1" in out[0]["text"], out[0]["text"]

        out = await play(sim, [{"chat": "staff-room", "from": "wx-chen", "text": "帮助"}])
        assert len(out) == 1 and out[0]["chat"] == "staff-room", out
        assert "统计" in out[0]["text"]

        out = await play(sim, [{"chat": "staff-room", "from": "wx-chen", "text": "工单"}])
        assert len(out) == 1 and "#1" in out[0]["text"], out

        # Talk in the staff group is discussion, not intake: no ticket from it.
        out = await play(sim, [{"chat": "staff-room", "from": "wx-chen", "text": "3号楼井盖坏了"}])
        assert out == []
        assert list(await ticket_json(sim)) == [1]
    finally:
        await sim.app.stop()


# --- reachable by some enabled platform --------------------------------------------------------

WEBHOOK_ONLY = '[wecom]\nmode = "webhook"\n[wecom.webhooks]\n"room-xfl-1" = "WECOM_WEBHOOK_KEY_A"\n'


@pytest.mark.parametrize(
    "extra",
    [
        "",  # no platform (demo, simulate, tests): nothing to check
        "[wechaty]\n",
        '[wecom]\nmode = "ws"\n',
        '[wecom]\nmode = "callback"\n',
        '[wecom]\nmode = "webhook"\n[wecom.webhooks]\n"staff-room" = "WECOM_WEBHOOK_KEY_STAFF"\n',
        "[wechaty]\n" + WEBHOOK_ONLY,
        '[wechaty]\nenabled = false\n[wecom]\nenabled = false\nmode = "webhook"\n'
        '[wecom.webhooks]\n"room-xfl-1" = "WECOM_WEBHOOK_KEY_A"\n',
    ],
)
def test_reachable_staff_groups_load(extra: str) -> None:
    config = load(unlisted(extra))
    assert config.group("staff-room") is not None


def test_webhook_only_wecom_must_have_a_webhook_for_the_staff_group() -> None:
    message = refused(unlisted(WEBHOOK_ONLY))
    assert "'staff-room' cannot be reached by any enabled platform (wecom)" in message
    assert "[wecom.webhooks]" in message


def test_a_staff_group_on_a_platform_that_does_not_run_is_refused() -> None:
    text = EXAMPLE.replace(LISTED, LISTED + 'platform = "wecom"\n') + "\n[wechaty]\n"
    message = refused(text)
    assert "platform = 'wecom', which is not enabled" in message
    # The same group is fine once WeCom runs, or when a webhook posts there.
    assert load(text + '[wecom]\nmode = "ws"\n').group("staff-room") is not None
    webhook = '[wecom]\nmode = "webhook"\n[wecom.webhooks]\n"staff-room" = "WECOM_WEBHOOK_KEY_S"\n'
    assert load(text + webhook).group("staff-room") is not None


def test_wechaty_staff_group_with_wecom_only_is_refused() -> None:
    text = EXAMPLE.replace(LISTED, LISTED + 'platform = "wechaty"\n') + '\n[wecom]\nmode = "ws"\n'
    assert "platform = 'wechaty', which is not enabled" in refused(text)
