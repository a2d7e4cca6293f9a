"""Triage of the written register: appeals to the 12345 hotline and the mayor's mailbox,
hotline transcripts, and the office's own papers (issue 14: under 0.5 recall on the titles
of real citizen appeals).

Each case is written for this file, not taken from any split. The register was all but
absent from the training messages: 来电人 read as 电人 (an electric shock) made every
hotline transcript an emergency, and the model vetoed appeals it had never read.
"""

from __future__ import annotations

import pytest

from bot.triage import TriageEngine, TriageResult


@pytest.fixture(scope="module")
def engine() -> TriageEngine:
    return TriageEngine()


def urgent(result: TriageResult) -> bool:
    return any(f.urgent for f in result.findings)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("来电人反映：其所住楼栋楼道灯不亮已一周，多次报修无果。诉求：尽快维修。", "building"),
        ("来电人称：其所在小区垃圾桶满溢三天无人清运，气味很大。诉求：督促清运。", "sanitation"),
        ("来电人咨询：其父亲八十五岁，想了解高龄津贴的申请条件。", "consult"),
    ],
)
def test_a_hotline_transcript_is_no_electric_shock(
    engine: TriageEngine, text: str, category: str
) -> None:
    """来电人 (the caller) holds 电人; it is a word of its own."""
    result = engine.triage(text)
    assert result.ticket and result.findings[0].category == category
    assert not urgent(result)


@pytest.mark.parametrize(
    "text",
    [
        "恳请在青松小区中心花园增设几把休闲座椅",
        "强烈要求拆除枫林苑7号楼顶违建阳光房",
        "请求社区协调清理翠竹园北门长期停放的僵尸车",
        "要求物业公开小区公共收益的使用情况",
        "关于和顺家园暖气不热的问题",
        "投诉：金桂苑一周停水三次，事先没有通知",
    ],
)
def test_an_appeal_in_the_written_register_is_a_request(engine: TriageEngine, text: str) -> None:
    assert engine.triage(text).ticket


@pytest.mark.parametrize(
    "text",
    [
        "关于开展燃气安全入户检查的通知",
        "关于市民反映“路灯不亮”问题的集中答复",
        "关于春晓小区停车难问题的情况说明：经协调，已新增车位四十个",
        "经核实，来电人反映的楼道堆物问题已由物业清理完毕",
        "我市老旧小区改造项目全面开工",
        "政策解读：低保申请条件有哪些新变化",
        "居住证明开具流程（办事指南）",
        "现将本周入户走访情况汇报如下：共走访独居老人十二户",
    ],
)
def test_the_offices_papers_and_the_citys_news_are_no_report(
    engine: TriageEngine, text: str
) -> None:
    assert not engine.triage(text).ticket


@pytest.mark.parametrize(
    "text",
    [
        "来电人称：小区昨晚起停暖，室外零下十度。诉求：尽快恢复供暖。",
        "希望尽快恢复和平里小区供水，已经停了一天了",
    ],
)
def test_a_repair_asked_for_is_no_repair_done(engine: TriageEngine, text: str) -> None:
    result = engine.triage(text)
    assert result.ticket and result.reason != "resolved"


def test_a_repair_said_done_still_is(engine: TriageEngine) -> None:
    assert engine.triage("昨天停水，物业立即修复了，现在恢复了").reason == "resolved"


def test_a_fire_risk_is_no_fire(engine: TriageEngine) -> None:
    result = engine.triage("反映：3号楼楼顶有人堆放大量木材，存在火灾隐患，望社区核实处理。")
    assert result.ticket and not urgent(result)
    feared = engine.triage("2号楼安全出口被杂物堵死了，一旦遇到火灾没法疏散")
    assert feared.ticket and not urgent(feared)


def test_a_few_owners_are_no_negation(engine: TriageEngine) -> None:
    """个别 holds 别 (don't)."""
    result = engine.triage("锦园小区公共车位被个别业主私装地锁")
    assert result.ticket and result.findings[0].category == "order"


def test_a_broken_system_is_no_paralysed_person(engine: TriageEngine) -> None:
    result = engine.triage("南湖小区门禁系统瘫痪两周，物业一直说等配件")
    assert result.ticket and result.findings[0].category == "building"
