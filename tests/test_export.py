"""The ledger export, checked row by row against the known day of tests/test_stats.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.export import COLUMNS, export_ledger
from bot.periods import day_period
from bot.stats import Scope, Stats, limits_from_config
from tests.test_stats import known_day


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
    assert book.sheetnames == ["工单台账", "汇总"]
    rows = list(book["工单台账"].iter_rows(values_only=True))
    header = [title for title, _ in COLUMNS]
    assert list(rows[0]) == header
    got = [dict(zip(header, row, strict=True)) for row in rows[1:]]
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
