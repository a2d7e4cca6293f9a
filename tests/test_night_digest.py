"""The morning summary carries only what is still news, each person @-mentioned once
(issue 13, point 4). The scenario night_digest_only_news.jsonl shows what the group reads;
this checks what the outbox holds and the mention rule itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.cli.simulate import open_simulation
from bot.messaging.parts import Mention, Text
from bot.runtime.quiet_hours import NO_LONGER_NEWS, mention_once
from bot.vocabulary import News
from storage.models import OutboxRow
from tests.support.scenarios import play

NIGHT = datetime.fromisoformat("2026-11-23T23:00:00+08:00")
ZHANG = Mention("res-zhang", "张阿姨")
WANG = Mention("wx-wang", "王芳")


def test_each_person_is_mentioned_once_per_message() -> None:
    first = Text.of(ZHANG, " 您反映的“井盖”（#1）已登记。网格员", WANG, " 会尽快来处理。")
    second = Text.of(ZHANG, " 您反映的“井盖”（#1），网格员", WANG, " 已接单。")
    third = Text.of("请", WANG, " 回复。")
    out = mention_once([first, second, third])
    assert out[0] == first
    assert out[1].plain == "您反映的“井盖”（#1），网格员王芳已接单。"
    assert out[1].mentions == ()
    assert out[2].plain == "请王芳回复。"


async def test_held_lines_about_tickets_that_moved_on_are_dropped(sample_config, db_url) -> None:
    sim = await open_simulation(sample_config, db_url, start=NIGHT)
    report = "3号楼门口的井盖坏了，晚上走路很危险"
    await play(sim, [
        {"chat": "room-xfl-1", "from": "res-zhang", "name": "张阿姨", "id": "n1", "text": report},
        {"dm": "wx-wang", "id": "n2", "text": "接单 #1"},
        {"chat": "room-xfl-1", "from": "wx-wang", "id": "n3", "text": "修好了"},
    ])
    async with sim.app.db.transaction() as session:
        rows = (await session.scalars(select(OutboxRow).order_by(OutboxRow.id))).all()
        group = {r.news: r for r in rows if r.chat == "room-xfl-1" and r.news}
    # The dispatch and the claim news wait; the resolve, written in the group, is the
    # answer to the worker who wrote it and went out at once.
    assert set(group) == {News.DISPATCH, News.CLAIMED, News.CONFIRMATION}
    assert group[News.CONFIRMATION].sent_at is not None
    assert group[News.DISPATCH].sent_at is None and group[News.CLAIMED].sent_at is None
    morning = await play(sim, [{"at": "2026-11-24T07:01:00+08:00"}])
    assert [m for m in morning if m["chat"] == "room-xfl-1"] == []
    async with sim.app.db.transaction() as session:
        for news in (News.DISPATCH, News.CLAIMED):
            row = await session.get(OutboxRow, group[news].id)
            assert row is not None and row.sent_at is not None
            assert row.last_error == NO_LONGER_NEWS
    await sim.app.stop()
