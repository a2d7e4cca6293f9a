"""Stopping mid-flow and starting a new App on the same database loses and repeats nothing."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from bot.cli.simulate import open_simulation
from tests.support.scenarios import play, ticket_json

START = datetime.fromisoformat("2026-11-23T09:00:00+08:00")


async def test_restart_mid_flow(sample_config, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'restart.db'}"
    report = {
        "chat": "room-xfl-1",
        "from": "res-zhang",
        "name": "张阿姨",
        "id": "m1",
        "text": "3号楼门口井盖坏了",
    }
    first = await open_simulation(sample_config, url, start=START)
    sent = await play(
        first,
        [
            report,
            {"chat": "room-xfl-1", "from": "wx-wang", "id": "m2", "text": "接单"},
            {"advance": "1h"},
            {"chat": "room-xfl-1", "from": "wx-wang", "id": "m3", "text": "已处理 #1"},
        ],
    )
    assert [m["id"] for m in sent] == ["bot-1", "bot-2", "bot-3"]
    await first.app.stop()

    second = await open_simulation(
        sample_config, url, start=datetime.fromisoformat("2026-11-23T10:30:00+08:00")
    )
    # The platform redelivers the original report after the restart: no second ticket.
    again = await play(
        second, [report, {"chat": "room-xfl-1", "from": "wx-wang", "id": "m2", "text": "接单"}]
    )
    assert again == []
    tickets = await ticket_json(second)
    assert list(tickets) == [1]
    assert tickets[1]["status"] == "resolved"
    # The rating timer set before the restart fires once, at its time, after it.
    later = await play(second, [{"advance": "30h"}])
    assert later == []
    tickets = await ticket_json(second)
    assert tickets[1]["status"] == "closed"
    assert tickets[1]["closed_at"] == "2026-11-24T10:00:00+08:00"
    # New messages after the restart continue the numbering of the bot's messages.
    new = await play(
        second, [{"chat": "room-xfl-1", "from": "res-li", "id": "m9", "text": "2号楼楼道灯坏了"}]
    )
    assert [m["id"] for m in new] == ["bot-4"]
    assert "#2" in new[0]["text"]
    await second.app.stop()

    third = await open_simulation(sample_config, url, start=START)
    chased = await play(third, [{"advance": "3d"}])
    # Nothing about #1 is replayed; #2, left unclaimed, is chased once per step (chasing
    # is on by default): the ladder (step 1: both workers privately, the reporter one
    # reassurance in the group), then the overdue warning (building: 48 h, warned at
    # 80% = 06:54, held till quiet hours end).
    assert [(m["chat"], m["at"][:16]) for m in chased] == [
        ("dm:wx-wang", "2026-11-24T16:45"),
        ("dm:wx-zhao", "2026-11-24T16:45"),
        ("room-xfl-1", "2026-11-24T16:45"),
        ("dm:wx-liu", "2026-11-24T17:00"),
        ("staff-room", "2026-11-24T17:15"),
        ("dm:wx-wang", "2026-11-26T07:00"),
    ]
    assert all("#2" in m["text"] and "#1" not in m["text"] for m in chased)
    tickets = await ticket_json(third)
    assert [t["id"] for t in tickets.values()] == [1, 2]
    from storage.repo import Store

    async with third.app.db.transaction() as session:
        kinds = [e.kind for e in await Store(session).events(1)]
    assert kinds == ["opened", "claim", "resolve", "expire"]
    assert json.dumps(tickets[1])  # serialisable
    await third.app.stop()
