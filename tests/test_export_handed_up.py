"""`gridbot export --handed-up`: one row per handed-up ticket, on SQLite and PostgreSQL,
with location, category, the reporter's contact (staff sheet: the number stays), the
reason, the outcome once it came back, and the history in Chinese."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from bot.cli.simulate import apply_step, open_simulation
from bot.config import Config
from bot.reporting.handed_up import HEADER, SHEET, export_handed_up
from bot.reporting.periods import parse_period
from bot.reporting.stats import Scope
from storage.models import TicketRow
from tests.support.console import PHONE

STEPS = [
    {"at": "2026-11-23T09:00:00+08:00"},
    {"chat": "room-xfl-1", "from": "res-zhang", "name": "张阿姨",
     "text": f"小区门口的路面塌陷了一大块，车都过不去，电话{PHONE}"},
    {"chat": "room-xfl-2", "from": "res-li", "name": "李大爷", "text": "4号楼楼道灯不亮了"},
    {"chat": "staff-room", "from": "wx-liu", "text": "上报 #1 街道 市政道路归区城管"},
    {"advance": "2d"},
    {"dm": "wx-chen", "text": "回流 #1 区城管已修复路面"},
]


async def test_handed_up_sheet(sample_config: Config, db_url: str, tmp_path: Path) -> None:
    sim = await open_simulation(sample_config, db_url)
    try:
        for number, step in enumerate(STEPS, start=1):
            await apply_step(sim, step, number)
        period = parse_period("2026-11-01~2026-11-30", sim.clock.now(), sample_config.timezone)
        assert period is not None
        out = tmp_path / "handed_up.xlsx"
        async with sim.app.db.transaction() as session:
            ticket = await session.get(TicketRow, 1)
            assert ticket is not None
            at = "2026-11-23T09:02:00+08:00"
            ticket.attachments = [  # kept as a file; a platform link; neither
                {"from": "res-zhang", "at": at, "kind": "report", "media": "m1", "file": "1-1.jpg"},
                {"from": "res-zhang", "at": at, "kind": "report", "url": "https://wx.example/p"},
                {"from": "wx-wang", "at": at, "kind": "handling", "media": "m3"},
            ]
        async with sim.app.db.transaction() as session:
            result = await export_handed_up(
                session, sample_config, period, Scope(), out, base_url="https://grid.example/"
            )
    finally:
        await sim.app.stop()
    assert result.rows == 1  # ticket 2 was never handed up
    sheet = load_workbook(out)[SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == HEADER
    row = dict(zip(HEADER, rows[2], strict=True))
    assert row["编号"] == 1 and row["上报到"] == "街道"
    assert row["上报原因"] == "市政道路归区城管"
    assert row["状态"] == "已处理，待评价" and row["回流结果"] == "区城管已修复路面"
    assert row["类别"] and row["网格"] == "第一网格"
    assert row["反映人"] == "张阿姨" and PHONE in row["联系方式"]
    assert "上报街道：市政道路归区城管（刘建国）" in row["办理记录"]
    assert "回流：区城管已修复路面（陈主任）" in row["办理记录"]
    assert row["网页"] == "https://grid.example/tickets/1"
    assert row["照片/附件"].splitlines() == [
        "https://grid.example/tickets/1/photos/1",
        "https://wx.example/p",
        "照片（王芳 2026-11-23 09:02，在群聊中）",
    ]
