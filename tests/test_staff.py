"""Staff commands through the real dispatcher: answers and permissions for each role."""

from __future__ import annotations

from typing import Any

import pytest

from bot.cli.simulate import Simulation
from tests.support.known_day import known_day
from tests.support.scenarios import play


@pytest.fixture
async def sim(sample_config, db_url: str):
    sim = await known_day(sample_config, db_url)
    yield sim
    await sim.app.stop()


async def ask(
    sim: Simulation, who: str, text: str, chat: str | None = None
) -> list[dict[str, Any]]:
    step = {"dm": who, "text": text} if chat is None else {"chat": chat, "from": who, "text": text}
    return await play(sim, [step])


async def one(sim: Simulation, who: str, text: str, chat: str | None = None) -> str:
    out = await ask(sim, who, text, chat)
    assert len(out) == 1, out
    return out[0]["text"]


async def test_staff_statistics_in_staff_group(sim: Simulation) -> None:
    out = await ask(sim, "wx-chen", "统计 2026-11-23~2026-11-23", chat="staff-room")
    assert len(out) == 1 and out[0]["chat"] == "staff-room"
    text = out[0]["text"]
    assert "受理 5｜接单 4｜办结 3｜结案 3" in text
    assert "响应率 40%（2/5）" in text
    assert "解决率 60%（3/5）" in text
    assert "满意率 67%（2/3）" in text
    assert "接单用时中位 15分钟" in text
    assert "办结用时中位 2小时" in text
    assert "第一网格 3｜响应 67%｜解决 100%｜满意 100%" in text
    assert "为老助困 1｜办结 1｜超时 1" in text
    assert max(len(line) for line in text.splitlines()) <= 32  # fits a phone screen


async def test_statistics_periods_and_grid(sim: Simulation) -> None:
    text = await one(sim, "wx-admin", "统计 本周 第二网格")
    assert "第二网格" in text and "受理 2｜" in text
    text = await one(sim, "wx-admin", "统计 昨天")
    assert "11月24日" in text and "没有受理工单" in text
    text = await one(sim, "wx-admin", "统计 2026-13-01~2026-13-02")
    assert "不是有效的日期" in text


async def test_query_timeline(sim: Simulation) -> None:
    text = await one(sim, "wx-chen", "查询 #2")
    lines = text.splitlines()
    assert lines[0] == "工单 #2 水电气暖｜处理中"
    assert "负责：李娜" in text and "反映：吴先生（幸福里5-8号楼居民群）" in text
    # One date format everywhere (issue 13): "11月23日 09:30", as in the bot's messages.
    assert "11月23日 09:30 登记（吴先生）" in lines
    assert "11月23日 10:30 接单（李娜）" in lines
    assert "11月23日 12:30 办结（李娜）" in lines
    assert "11月23日 12:40 不满意，重新打开（吴先生）" in lines


async def test_ticket_lists(sim: Simulation) -> None:
    text = await one(sim, "wx-chen", "工单")
    assert text.startswith("未结工单 2 张：")
    assert "#2 处理中 水电气暖 李娜" in text and "#5 待接单 环境卫生 周磊" in text
    await play(sim, [{"at": "2026-11-25T12:00:00+08:00"}])
    text = await one(sim, "wx-chen", "工单 超时")
    assert text.startswith("超时工单 1 张：") and "#2" in text
    assert "已超过2天的办理时限（超出2.5小时）" in text
    assert (await one(sim, "wx-chen", "工单 第一网格")) == "第一网格未结工单：没有。"
    # 李娜 has #2 open, so #5 went to 周磊 (new tickets go to whoever has fewest open).
    assert "李娜负责的未结工单 1 张" in await one(sim, "wx-chen", "工单 @李娜")
    assert "周磊负责的未结工单 1 张" in await one(sim, "wx-chen", "工单 @周磊")
    assert (await one(sim, "wx-chen", "工单 今日")) == "今日工单：没有。"


async def test_ranking_command(sim: Simulation) -> None:
    text = await one(sim, "wx-chen", "排行 本周")
    assert "1. 王芳 办结 3｜满意率 100%（2/2）" in text


async def test_leader_sees_only_their_grid(sim: Simulation) -> None:
    text = await one(sim, "wx-sun", "统计 本周")  # leader of g2
    assert "第二网格" in text and "受理 2｜" in text
    assert "不在您负责的范围" in await one(sim, "wx-sun", "统计 本周 第一网格")
    assert "不在您负责的网格" in await one(sim, "wx-sun", "查询 #1")
    assert "工单 #2" in await one(sim, "wx-sun", "查询 #2")
    assert "未结工单 2 张" in await one(sim, "wx-sun", "工单")
    assert "不在您负责的范围" in await one(sim, "wx-sun", "工单 第一网格")
    help_text = await one(sim, "wx-sun", "帮助")
    assert all(w in help_text for w in ("查询", "工单", "统计", "排行", "导出"))


async def test_worker_sees_own_tickets_and_grid_lookups(sim: Simulation) -> None:
    text = await one(sim, "wx-wang", "工单")
    assert text == "我负责的未结工单：没有。"
    assert "我负责的未结工单 1 张" in await one(sim, "wx-li", "工单")
    assert "#5" in await one(sim, "wx-zhou", "工单")
    assert "工单 #3" in await one(sim, "wx-zhao", "查询 #3")  # same grid, not theirs
    assert "不在您负责的网格" in await one(sim, "wx-wang", "查询 #2")
    for command in ("统计 本月", "排行", "导出 本月"):
        refusal = await one(sim, "wx-wang", command)
        assert "需要社区工作人员或网格长权限" in refusal and "查询、工单" in refusal
    help_text = await one(sim, "wx-wang", "帮助")
    assert "查询" in help_text and "工单" in help_text
    assert "统计" not in help_text and "导出" not in help_text and "排行" not in help_text
    assert "只能" not in await one(sim, "wx-wang", "工单 超时")


async def test_resident_gets_polite_refusals(sim: Simulation) -> None:
    for command in ("统计 本月", "工单 超时", "排行", "导出"):
        text = await one(sim, "res-zhang", command)
        assert "抱歉" in text and "社区工作人员使用的功能" in text
    help_text = await one(sim, "res-zhang", "帮助")
    assert "统计" not in help_text and "查询 #编号" in help_text
    assert "工单 #1" in await one(sim, "res-zhang", "查询 #1")  # their own report
    assert "没有找到您可以查看的工单" in await one(sim, "res-zhang", "查询 #2")


async def test_commands_stay_out_of_residents_groups(sim: Simulation) -> None:
    assert await ask(sim, "wx-chen", "统计 本月", chat="room-xfl-1") == []


async def test_export_command_sends_a_file(sim: Simulation, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = await one(sim, "wx-chen", "导出 本周", chat="staff-room")
    assert "已导出幸福里社区工单台账" in text and "共 5 张工单" in text
    files = list((tmp_path / "exports").glob("台账_20261123-20261129_all_*.xlsx"))
    assert len(files) == 1
    assert f"文件：{files[0].name}" in text and str(tmp_path) not in text  # no server path


def test_grid_labels_keep_removed_grids_apart(sample_config) -> None:
    # Tickets of a grid later dropped from the config must not merge with unrouted ones.
    assert sample_config.grid_label("g1") == "第一网格"
    assert sample_config.grid_label("g-old") == "g-old"
    assert sample_config.grid_label(None) == "未分网格"
