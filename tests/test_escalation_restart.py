"""A restart in the middle of the escalation ladder: nothing fires twice, nothing is lost."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.cli.simulate import open_simulation
from storage.repo import Store
from tests.support.duty import chasing_config
from tests.support.scenarios import play, ticket_json

START = datetime.fromisoformat("2026-11-23T09:00:00+08:00")


async def test_restart_between_ladder_steps(tmp_path: Path) -> None:
    config = chasing_config()
    url = f"sqlite:///{tmp_path / 'ladder.db'}"
    report = {"chat": "room-xfl-1", "from": "res-zhang", "id": "r1", "text": "3号楼井盖坏了"}
    first = await open_simulation(config, url, start=START)
    sent = await play(first, [report, {"advance": "20m"}])
    # The dispatch; step 1: both workers privately, one reassurance in the group.
    assert [m["chat"] for m in sent] == ["room-xfl-1", "dm:wx-wang", "dm:wx-zhao", "room-xfl-1"]
    await first.app.stop()

    # The process was down from 09:20 to 10:40: steps 2 and 3 fell due meanwhile.
    second = await open_simulation(
        config, url, start=datetime.fromisoformat("2026-11-23T09:20:00+08:00")
    )
    assert await play(second, [report]) == []  # the platform redelivers: no new ticket
    late = await play(second, [{"at": "2026-11-23T10:40:00+08:00"}])
    assert [(m["chat"], m["at"][11:16]) for m in late] == [
        ("dm:wx-liu", "09:30"),
        ("staff-room", "09:45"),
    ]
    assert await play(second, [{"advance": "5h"}]) == []
    tickets = await ticket_json(second)
    assert list(tickets) == [1] and tickets[1]["escalation_level"] == 3
    async with second.app.db.transaction() as session:
        kinds = [e.kind for e in await Store(session).events(1)]
    assert kinds == ["opened", "escalate", "escalate", "escalate"]
    await second.app.stop()

    # A third start replays nothing.
    third = await open_simulation(config, url, start=START)
    assert [m for m in await play(third, [{"advance": "10h"}]) if "#1" in m["text"]] == []
    await third.app.stop()
