"""The ledger export, checked row by row against the known day of tests/test_stats.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from bot.cli.simulate import open_simulation
from bot.reporting.export import COLUMNS, _Line, _sheet_name, export_ledger, resolution_words
from bot.reporting.periods import day_period, parse_period
from bot.reporting.stats import Scope, Stats, limits_from_config
from storage.models import TicketRow
from tests.support.known_day import KNOWN_DAY, TZ_START, known_day, say
from tests.support.scenarios import play


@pytest.fixture
async def sim(sample_config, db_url: str):
    sim = await known_day(sample_config, db_url)
    yield sim
    await sim.app.stop()


async def test_ledger_rows_and_summary(sim, tmp_path: Path) -> None:
    config = sim.app.config
    period = day_period(datetime(2026, 11, 23).date(), config.timezone)
    async with sim.app.db.transaction() as session:
        stats = Stats(session, limits_from_config(config), sim.clock.now())
        result = await export_ledger(stats, config, period, Scope(), tmp_path / "l.xlsx")
    assert result.rows == 5
    book = load_workbook(result.path)
    assert book.sheetnames[:2] == ["工单台账", "汇总"]
    rows = list(book["工单台账"].iter_rows(values_only=True))
    header = [title for title, _ in COLUMNS]
    assert list(rows[1]) == header  # row 1 is the title
    got = [dict(zip(header, row, strict=True)) for row in rows[2:]]
    t = lambda hhmm, day=23: datetime(2026, 11, day, *map(int, hhmm.split(":")))  # noqa: E731
    expected = [
        # id, status, category, grid, reporter, assignee, created, claim, resolved, closed,
        # claim minutes, resolve hours, overdue, rating, dissatisfied count
        (1, "已办结", "市政设施", "第一网格", "张阿姨", "王芳", t("09:00"), t("09:10"),
         t("11:00"), t("11:05"), 10.0, 2.0, "否", "满意", 0),
        (2, "处理中", "水电气暖", "第二网格", "吴先生", "李娜", t("09:30"), t("10:30"),
         None, None, 60.0, None, "否", "不满意", 1),
        (3, "已办结", "楼院设施", "第一网格", "李大爷", "王芳", t("10:00"), t("10:05"),
         t("10:45"), t("10:45"), 5.0, 0.75, "否", "基本满意", 0),
        (4, "已办结", "为老助困", "第一网格", "周奶奶", "王芳", t("13:00"), t("13:20"),
         t("18:00"), t("18:00", 24), 20.0, 5.0, "是", None, 0),
        (5, "待接单", "环境卫生", "第二网格", "马先生", "周磊", t("14:00"), None,
         None, None, None, None, "否", None, 0),
    ]
    for row, exp in zip(got, expected, strict=True):
        assert (
            row["编号"], row["状态"], row["类别"], row["网格"], row["反映人"], row["负责人"],
            row["登记时间"], row["首次接单时间"], row["办结时间"], row["结案时间"],
            row["接单用时(分钟)"], row["办结用时(小时)"], row["是否超时"], row["评价"],
            row["不满意次数"],
        ) == exp, row["编号"]
        assert row["反映人次"] == 1 and row["升级级别"] is not None
    summary = list(book["汇总"].iter_rows(values_only=True))
    total = next(r for r in summary if r and r[0] == "合计")
    # 受理 撤销 接单 办结 结案 超时 响应率 解决率 满意率 已评价 满意 基本满意 不满意 中位数
    assert total[:14] == (
        "合计", 5, 0, 4, 3, 3, 1, 0.4, 0.6, round(2 / 3, 4), 3, 1, 1, 1
    )
    assert total[14:16] == (15.0, 2.0)
    grid_row = next(r for r in summary if r and r[0] == "第二网格")
    assert grid_row[1] == 2


# --- the ledger as the 街道 receives it ------------------------------------------------
#
# The known day again, except that 王芳 resolves #1 by quoting the dispatch message and
# says what she did (with her phone number, which the ledger must not show).

RESOLVE_1 = say(
    "room-xfl-1", "wx-wang", "已处理 #1 井盖已经换了新的，有问题打13812345678", quote="bot-1"
)


async def handed_over(config, db_url: str, tmp_path: Path):
    steps = [RESOLVE_1 if s == say("room-xfl-1", "wx-wang", "已处理 #1") else s for s in KNOWN_DAY]
    assert RESOLVE_1 in steps
    sim = await open_simulation(config, db_url, start=TZ_START)
    try:
        await play(sim, steps)
        period = parse_period("2026-11-01~2026-11-30", sim.clock.now(), config.timezone)
        async with sim.app.db.transaction() as session:
            stats = Stats(session, limits_from_config(config), sim.clock.now())
            result = await export_ledger(stats, config, period, Scope(), tmp_path / "台账.xlsx")
    finally:
        await sim.app.stop()
    assert result.rows == 5
    return load_workbook(result.path)


def table(sheet, header_row: int) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[header_row - 1]
    return [dict(zip(header, row, strict=True)) for row in rows[header_row:]]


async def test_ledger_reads_as_a_document(sample_config, db_url: str, tmp_path: Path) -> None:
    book = await handed_over(sample_config, db_url, tmp_path)
    sheet = book["工单台账"]
    assert sheet["A1"].value == "幸福里社区 工单台账 2026-11-01 至 2026-11-30"
    assert sheet["A1"].font.bold
    assert [c.value for c in sheet[2]][:3] == ["编号", "状态", "类别"] and sheet["A2"].font.bold
    # Frozen below the header, a filter on it, printed landscape one page wide with the
    # title and header on every page.
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:{get_column_letter(len(COLUMNS))}7"
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.column_dimensions["I"].width >= 30  # 内容 can be read
    rows = {r["编号"]: r for r in table(sheet, 2)}
    # People by name; the platform ids only in their own columns at the end.
    assert [(rows[n]["反映人"], rows[n]["负责人"]) for n in (1, 2, 5)] == [
        ("张阿姨", "王芳"), ("吴先生", "李娜"), ("马先生", "周磊"),
    ]
    header = [c.value for c in sheet[2]]
    assert header[-2:] == ["反映人ID", "负责人ID"]
    assert (rows[1]["反映人ID"], rows[1]["负责人ID"]) == ("res-zhang", "wx-wang")
    id_columns = {"反映人ID", "负责人ID", "类别代码"}
    ids = {"res-zhang", "res-wu", "res-li", "res-zhou", "res-ma", "wx-wang", "wx-li", "wx-zhou"}
    for row in rows.values():
        assert not ids & {v for k, v in row.items() if k not in id_columns}
    # The worker's own words, phone masked; nothing invented where she said nothing.
    assert "井盖已经换了新的" in rows[1]["办理情况"]
    assert "13812345678" not in rows[1]["办理情况"] and "电话已隐藏" in rows[1]["办理情况"]
    assert rows[3]["办理情况"] is None and rows[5]["办理情况"] is None
    # 回访: the verdict and when it was given.
    assert [rows[n]["回访"] for n in (1, 2, 3, 4, 5)] == [
        "满意（2026-11-23 11:05）",
        "不满意（2026-11-23 12:40）",
        "基本满意（2026-11-23 10:45）",
        "未评价，超时结案（2026-11-24 18:00）",
        None,
    ]
    created = sheet.cell(row=3, column=header.index("登记时间") + 1)
    assert created.number_format == "yyyy-mm-dd hh:mm"


async def test_rates_are_percentages(sample_config, db_url: str, tmp_path: Path) -> None:
    book = await handed_over(sample_config, db_url, tmp_path)
    summary = book["汇总"]
    assert summary["A1"].value == "幸福里社区 工单汇总 2026-11-01 至 2026-11-30"
    rows = list(summary.iter_rows())
    header = next(r for r in rows if r[1].value == "受理")
    total = next(r for r in rows if r[0].value == "合计")
    for name, expected in (("响应率", 0.4), ("解决率", 0.6), ("满意率", round(2 / 3, 4))):
        col = [c.value for c in header].index(name)
        cell = total[col]
        assert cell.value == expected and isinstance(cell.value, float)
        assert cell.number_format == "0.0%"
    # One line per worker in the summary too.
    wang = next(r for r in rows if r[0].value == "王芳")
    assert wang[1].value == 3  # received #1 #3 #4


async def test_a_sheet_per_worker(sample_config, db_url: str, tmp_path: Path) -> None:
    book = await handed_over(sample_config, db_url, tmp_path)
    # The grids' workers in duty order, each on a sheet named after them.
    assert book.sheetnames == ["工单台账", "汇总", "王芳", "赵强", "李娜", "周磊"]
    wang = book["王芳"]
    assert wang["A1"].value == "王芳 经办工单 幸福里社区 2026-11-01 至 2026-11-30"
    figures = dict(zip([c.value for c in wang[2]], wang[3], strict=False))
    assert (figures["经办"].value, figures["办结"].value, figures["超时"].value) == (3, 3, 1)
    assert figures["满意率"].value == 1.0 and figures["满意率"].number_format == "0.0%"
    assert wang.freeze_panes == "A6" and wang.auto_filter.ref.startswith("A5:")
    assert wang.page_setup.orientation == "landscape" and wang.page_setup.fitToWidth == 1
    rows = table(wang, 5)
    assert [(r["编号"], r["办理时效"], r["评价"]) for r in rows] == [
        (1, "按时办结", "满意"),
        (3, "按时办结", "基本满意"),
        (4, "超时办结", None),  # care: 4 hours allowed, took 5
    ]
    assert "井盖已经换了新的" in rows[0]["办理情况"]
    assert [(r["编号"], r["办理时效"], r["评价"]) for r in table(book["李娜"], 5)] == [
        (2, "办理中", "不满意"),
    ]
    assert table(book["赵强"], 5) == []  # no tickets, still accounted for


def test_resolution_words() -> None:
    assert resolution_words("已处理 #12 井盖已经换了新的") == "井盖已经换了新的"
    assert resolution_words("已处理#12，井盖已经换了新的。") == "井盖已经换了新的。"
    assert resolution_words("@网格助手 办结 12号 路灯换了灯泡") == "路灯换了灯泡"
    assert resolution_words("#12 已处理 疏通了下水道") == "疏通了下水道"
    assert resolution_words("修好了，换了新锁") == "换了新锁"
    assert resolution_words("已处理 #12 有事打 138 1234 5678") == "有事打 [电话已隐藏]"
    for bare_command in ("已处理 #12", "已处理", "修好了", "办结 #3。", "", None):
        assert resolution_words(bare_command) is None


def test_worker_sheet_names_are_valid_and_unique() -> None:
    taken = {"工单台账", "汇总"}
    assert _sheet_name("王芳", "wx-wang", taken) == "王芳"
    assert _sheet_name("王芳", "wx-wang2", taken) == "王芳(2)"
    assert _sheet_name("汇总", "wx-x", taken) == "汇总(2)"
    assert _sheet_name("a/b[c]:d*?", "wx-y", taken) == "abcd"
    long = _sheet_name("很" * 40, "wx-z", taken)
    assert len(long) == 31 and len(_sheet_name("很" * 40, "wx-z2", taken)) == 31
    assert _sheet_name("[]", "wx-q", taken) == "wx-q"


def test_a_note_on_the_ticket_wins_over_the_message(sample_config) -> None:
    """When tickets carry the worker's note (ticket JSON `note`), the ledger shows it."""
    ticket = TicketRow(
        id=1, status="closed", category="municipal", urgent=False, grid_id="g1",
        reporter_id="res-zhang", assignee_id="wx-wang", summary="井盖坏了",
        created_at=TZ_START, resolved_at=TZ_START, closed_at=TZ_START, rating="satisfied",
        dissatisfied=0, escalation_level=0, reports=1,
    )
    stats = SimpleNamespace(limits=limits_from_config(sample_config), now=TZ_START)
    line = _Line(sample_config, stats, {}, ticket, "已处理 #1 换了", None)  # type: ignore[arg-type]
    assert line.handling == "换了"
    ticket.note = "换了新井盖，电话13812345678"  # type: ignore[attr-defined]
    line = _Line(sample_config, stats, {}, ticket, "已处理 #1 换了", None)  # type: ignore[arg-type]
    assert line.handling == "换了新井盖，电话[电话已隐藏]"
