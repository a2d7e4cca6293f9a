"""Message parts: a mention stays a person from the handler to the adapter (issue 12).

The bug this guards: the handler wrote "@张阿姨" into the text, the outbox kept only ids,
the sender looked the name up again at send time and the adapter stripped "@<that name>"
before adding its own @-tag. A resident renamed while the platform was down was then
mentioned twice ("@张阿姨(3-201) @张阿姨 请您评价").
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.adapters.wechat.adapter import room_text
from bot.adapters.wecom.messages import render_markdown
from bot.cli.wiring import build_app
from bot.messaging.adapter import SendFailed
from bot.messaging.messages import IncomingMessage, OutgoingMessage, SentMessage
from bot.messaging.parts import Mention, Text
from bot.runtime.app import App
from bot.runtime.clock import FakeClock
from storage.db import Database
from storage.models import OutboxRow
from storage.repo import Store

START = datetime.fromisoformat("2026-11-23T09:00:00+08:00")
LIMIT = 4000


class Platform:
    """A platform that can be down; records the messages it accepted."""

    platform = "sim"

    def __init__(self) -> None:
        self.up = True
        self.accepted: list[OutgoingMessage] = []

    async def start(self, inbound) -> None:  # type: ignore[no-untyped-def]
        pass

    async def stop(self) -> None:
        pass

    def owns(self, chat: str) -> bool:
        return True

    async def send(self, message: OutgoingMessage) -> SentMessage:
        if not self.up:
            raise SendFailed("gateway down")
        self.accepted.append(message)
        return SentMessage(f"p-{len(self.accepted)}")


def said(n: int, text: str, sender: str = "res-zhang") -> IncomingMessage:
    return IncomingMessage(
        platform="sim",
        message_id=f"m{n}",
        chat_id="room-xfl-1",
        sender_id=sender,
        sender_name="张阿姨",
        text=text,
        at=START,
    )


async def started(config, url: str, platform: Platform) -> App:  # type: ignore[no-untyped-def]
    app = build_app(config, Database(url), FakeClock(START), [platform])
    await app.start()
    return app


async def test_resident_renamed_during_an_outage_is_mentioned_once(
    sample_config, db_url: str
) -> None:
    platform = Platform()
    app = await started(sample_config, db_url, platform)
    await app.handle(said(1, "3号楼门口井盖坏了"))
    await app.handle(said(2, "接单", sender="wx-wang"))
    platform.up = False
    await app.handle(said(3, "已处理 #1", sender="wx-wang"))
    async with app.db.transaction() as session:  # she renames herself in the group meanwhile
        await Store(session).remember_resident("res-zhang", "张阿姨(3-201)", app.clock.now())
    platform.up = True
    await app.advance(timedelta(minutes=1))
    (message,) = [m for m in platform.accepted if "您看满意吗" in m.text]
    assert message.mentions == ("res-zhang",)
    # The simulator shows the name the handler knew when it spoke.
    resolved = (
        "您反映的“3号楼门口井盖坏了”（#1），网格员王芳已经处理好了。\n"
        "您看满意吗？回复“满意”“基本满意”或“不满意”就行，直接说说您的看法也可以。"
    )
    assert message.text == f"@张阿姨 {resolved}"
    # WeChat: say() puts the one @-tag in front; the text names nobody again.
    wechat = room_text(message)
    assert "@张阿姨" not in wechat and wechat.strip() == resolved
    # WeCom: the tag stands where the name stood, once, and no plain "@name" is left.
    wecom = render_markdown(message, LIMIT)
    assert wecom.count("<@res-zhang>") == 1 and "@张阿姨" not in wecom
    await app.stop()


async def test_rows_queued_before_parts_still_send_with_one_mention(
    sample_config, db_url: str
) -> None:
    platform = Platform()
    app = await started(sample_config, db_url, platform)
    now = app.clock.now()
    async with app.db.transaction() as session:
        await Store(session).remember_resident("res-zhang", "张阿姨", now)
        await Store(session).add_outbox(
            OutboxRow(  # as rows were written before message parts: text and ids only
                chat="room-xfl-1",
                text="工单 #7 已处理完毕。@张阿姨 请您评价。@王芳 辛苦了",
                mentions=["res-zhang", "wx-wang", "wx-zhao"],
                created_at=now,
                next_attempt_at=now,
            )
        )
    await app.flush()
    (message,) = platform.accepted
    assert message.text == "工单 #7 已处理完毕。@张阿姨 请您评价。@王芳 辛苦了"
    assert message.mentions == ("res-zhang", "wx-wang", "wx-zhao")
    assert room_text(message) == "工单 #7 已处理完毕。请您评价。辛苦了"
    assert render_markdown(message, LIMIT) == (
        "<@wx-zhao> 工单 #7 已处理完毕。<@res-zhang> 请您评价。<@wx-wang> 辛苦了"
    )
    await app.stop()


def test_text_parts_round_trip_and_render() -> None:
    text = Text.of("收到！", Mention("wx-wang", "王芳"), " ", Mention("wx-zhao", "赵强"), " 请接单")
    assert text.plain == "收到！@王芳 @赵强 请接单"
    assert text.mentions == ("wx-wang", "wx-zhao")
    assert Text.from_json(text.to_json()) == text
    assert Text.of(text, "。") == Text.of("收到！", text.parts[1], " ", text.parts[3], " 请接单。")
    message = OutgoingMessage.say("room-xfl-1", text, mentions=("wx-wang",))
    # Only the people notified get a platform tag; anyone else named stays plain text.
    assert message.render(lambda m: f"<@{m.person_id}>") == "收到！<@wx-wang> @赵强 请接单"
    assert room_text(message) == "收到！@赵强 请接单"
