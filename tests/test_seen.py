"""Ids a volunteer can find: what `gridbot seen` lists, on both databases.

The upsert behind it is written per dialect (SQLite and PostgreSQL), so both are tested
through the real App: counts, first and last seen, names, no text kept, and an id that the
directory lists later (here through `gridbot import`) drops off the list.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from bot.cli.simulate import open_simulation
from bot.config import Config, Directory, Group
from bot.domain import directory
from storage.models import InboundMessageRow, SeenChatRow
from storage.repo import Store
from tests.support.scenarios import play


async def seen(sim) -> dict[tuple[str, str], SeenChatRow]:  # type: ignore[no-untyped-def]
    async with sim.app.db.transaction() as session:
        return {(row.kind, row.id): row for row in await Store(session).seen()}


async def test_unlisted_chats_and_senders_are_counted_without_their_text(
    sample_config: Config, db_url: str
) -> None:
    sim = await open_simulation(sample_config, db_url)
    try:
        out = await play(
            sim,
            [
                {"at": "2026-11-23T09:00:00+08:00"},
                {"chat": "room-new", "from": "wxid_a", "name": "老王", "text": "接龙 大米两袋"},
                {"advance": "10m"},
                {"chat": "room-new", "from": "wxid_a", "name": "王师傅", "text": "本群ID"},
                {"chat": "room-xfl-1", "from": "wxid_b", "name": "张阿姨", "text": "大家早上好"},
                {"dm": "wx-wang", "text": "我的ID"},
            ],
        )
        rows = await seen(sim)
        group = rows[("group", "room-new")]
        assert group.messages == 2 and group.name is None  # the simulator gives no group name
        assert (group.last_seen - group.first_seen).total_seconds() == 600
        person = rows[("person", "wxid_a")]
        assert (person.messages, person.name) == (2, "王师傅")  # the newest name wins
        assert rows[("person", "wxid_b")].messages == 1
        assert ("person", "wx-wang") not in rows and ("group", "room-xfl-1") not in rows
        async with sim.app.db.transaction() as session:
            stored = (await session.scalars(select(InboundMessageRow.chat_id))).all()
        assert "room-new" not in stored  # nothing of the unlisted group's text is kept
        # A resident asking for the group id is refused privately; a worker gets their own.
        assert [(m["chat"], "工作人员" in m["text"]) for m in out] == [
            ("dm:wxid_a", True),
            ("dm:wx-wang", False),
        ]
        assert "wx-wang" in out[1]["text"] and "王芳" in out[1]["text"]
    finally:
        await sim.app.stop()

    listed = dataclasses.replace(
        sample_config,
        groups=(*sample_config.groups, Group("room-new", "新建7号楼群", "g1")),
    )
    again = await open_simulation(listed, db_url)
    try:
        # The database holds the directory now: an edited config changes it only when
        # imported on purpose.
        assert ("group", "room-new") in await seen(again)
        async with again.app.db.transaction() as session:
            wanted = Directory.of(listed.grids, listed.groups, listed.people)
            await directory.apply(Store(session), wanted, again.app.clock.now())
        rows = await seen(again)
        assert ("group", "room-new") not in rows and ("person", "wxid_a") in rows
    finally:
        await again.app.stop()
