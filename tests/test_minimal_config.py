"""The contract's minimal config (DESIGN.md: community, grids, groups, people; no duty
tables at all) still works, now with chasing on by default and load spread among workers."""

from __future__ import annotations

import tomllib
from datetime import datetime

from bot.cli.simulate import open_simulation
from bot.config import parse_config
from storage.repo import Store
from tests.support.scenarios import play, ticket_json

MINIMAL = """
[community]
name = "小区"
staff_group = "staff"

[[grids]]
id = "a"
name = "A网格"
leader = "lead"
workers = ["w1", "w2"]
buildings = ["1号楼", "2号楼"]

[[groups]]
id = "room"
name = "居民群"
grid = "a"

[[groups]]
id = "staff"
name = "工作群"

[[people]]
id = "w1"
name = "甲"
role = "worker"

[[people]]
id = "w2"
name = "乙"
role = "worker"

[[people]]
id = "lead"
name = "丙"
role = "leader"

[[people]]
id = "boss"
name = "丁"
role = "staff"
"""

START = datetime.fromisoformat("2026-11-23T09:00:00+08:00")


async def test_minimal_config_routes_spreads_and_chases(db_url: str) -> None:
    config = parse_config(tomllib.loads(MINIMAL), source="minimal")
    assert config.duty is not None and config.duty.escalation.enabled
    sim = await open_simulation(config, db_url, start=START)
    sent = await play(
        sim,
        [
            {"chat": "room", "from": "r1", "id": "m1", "text": "1号楼门口井盖坏了"},
            {"chat": "room", "from": "r2", "id": "m2", "text": "2号楼楼道灯不亮了"},
        ],
    )
    # Two reports, two workers: each one message in the group naming its ticket, to the
    # reporter and the worker.
    assert [(m["chat"], m["mentions"]) for m in sent] == [
        ("room", ["r1", "w1"]),
        ("room", ["r2", "w2"]),
    ]
    assert "#1" in sent[0]["text"] and "#2" in sent[1]["text"]

    sent = await play(sim, [{"chat": "room", "from": "w2", "id": "m3", "text": "接单 #2"}])
    assert [(m["mentions"], m["text"]) for m in sent] == [
        (["r2"], "@r2 您反映的“2号楼楼道灯不亮了”（#2），网格员乙已接单，正在处理。")
    ]

    # #1 stays unclaimed: the workers are reminded privately, the reporter gets one
    # reassurance that names nobody, then the leader and the staff group; #2 is left alone.
    sent = await play(sim, [{"advance": "50m"}])
    assert [(m["chat"], m["at"][11:16], m["mentions"]) for m in sent] == [
        ("dm:w1", "09:15", ["w1"]),
        ("dm:w2", "09:15", ["w2"]),
        ("room", "09:15", ["r1"]),
        ("dm:lead", "09:30", ["lead"]),
        ("staff", "09:45", ["boss"]),
    ]
    in_group = [m["text"] for m in sent if m["chat"] == "room"]
    assert not any(name in text for text in in_group for name in ("甲", "乙", "丙"))
    assert all("#1" in m["text"] and "#2" not in m["text"] for m in sent)
    tickets = await ticket_json(sim)
    assert tickets[1]["escalation_level"] == 3 and tickets[2]["escalation_level"] == 0

    # Overdue (municipal: 24 h) follows for #1, privately and then to the staff group.
    sent = await play(sim, [{"advance": "1d"}])
    assert [(m["chat"], m["at"][5:16]) for m in sent] == [
        ("dm:w1", "11-24T07:00"),  # the 80% warning (04:12) held till quiet hours end
        ("dm:w1", "11-24T09:00"),
        ("staff", "11-24T09:00"),
    ]
    async with sim.app.db.transaction() as session:
        kinds = [e.kind for e in await Store(session).events(1)]
    assert kinds == [
        "opened", "escalate", "escalate", "escalate", "overdue_warning", "overdue",
        "overdue_report",
    ]
    await sim.app.stop()
