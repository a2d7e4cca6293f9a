"""Safety advice that fits the hazard (issue 13, point 6), on what triage really finds."""

from __future__ import annotations

import pytest

from bot.triage import Finding, TriageEngine, safety_advice

HOTLINES = ("火警 119", "燃气抢修 96777", "电梯救援 96333", "供电抢修 95598")


@pytest.fixture(scope="module")
def engine() -> TriageEngine:
    return TriageEngine(buildings=["1号楼"])


def urgent(engine: TriageEngine, text: str) -> Finding:
    result = engine.triage(text)
    assert result.ticket, (text, result)
    found = [f for f in result.findings if f.urgent]
    assert found, (text, result.findings)
    return found[0]


# (message, words the advice must hold, words it must not hold)
CASES = [
    # someone trapped in a lift: stay calm, alarm button, no forcing the doors, the hotline
    ("5号楼电梯里有人被困住了", ("保持冷静", "警铃", "不要扒门", "电梯救援 96333"), ("燃气",)),
    ("救命 我被困在电梯里了 5栋2单元", ("警铃", "不要扒门"), ()),
    ("3号楼电梯停在半空，里面关着两个人", ("警铃", "不要扒门"), ()),
    ("5栋电梯卡住了，我妈在里面出不来", ("警铃", "不要扒门"), ()),
    ("8号楼电梯坏了，里面关着一个小孩", ("警铃", "不要扒门"), ()),
    ("3号楼电梯困了一个老人", ("警铃",), ()),
    # sparks and live wires: keep away, cut the power, the power hotline; no word of lifts
    ("1号楼402电线冒火花了", ("远离", "电闸", "供电抢修 95598"), ("电梯",)),
    ("2号楼楼道里电线短路冒火花", ("远离", "供电抢修"), ("电梯",)),
    ("7号楼配电箱冒火花了", ("电闸",), ("电梯",)),
    ("有根电线掉下来了，耷拉在人行道上", ("远离", "不要用手"), ("电梯",)),
    ("4号楼配电箱冒烟了", ("电闸", "119"), ("电梯",)),
    # gas: fresh air, no switches or flames, the configured gas hotline from outside
    ("6号楼燃气味特别浓！", ("开窗通风", "不要开关电器", "燃气抢修 96777", "室外"), ("119",)),
    ("2号楼天然气管道漏气", ("燃气抢修 96777",), ()),
    ("6号楼厨房一股煤气味", ("燃气抢修 96777",), ()),
    # a real fire: get out by the stairs, 119
    ("楼下电动车着火了", ("撤离", "不要乘坐电梯", "119"), ()),
    ("着火了着火了！6号楼有人家着火了，冒黑烟", ("撤离", "119"), ()),
    ("1号楼402有股烧焦味", ("119",), ()),
    # trapped elsewhere, falls, fainting, floods
    ("我被关在厕所里出不来了，门锁坏了", ("不要慌", "119"), ("电梯", "警铃")),
    ("我妈在家摔倒了起不来", ("不要随意搬动", "120"), ()),
    ("楼下有个老人晕倒了，在6号楼门口", ("120",), ()),
    ("家里水管爆了！水漫出来了", ("总水阀",), ()),
]


@pytest.mark.parametrize(("text", "has", "lacks"), CASES, ids=[c[0] for c in CASES])
def test_each_hazard_gets_advice_that_fits(
    engine: TriageEngine, text: str, has: tuple[str, ...], lacks: tuple[str, ...]
) -> None:
    advice = safety_advice(urgent(engine, text), HOTLINES)
    assert advice is not None, text
    for words in has:
        assert words in advice, (text, advice)
    for words in lacks:
        assert words not in advice, (text, advice)
    assert advice.endswith("。"), advice


def test_without_a_configured_hotline_the_advice_says_whom_to_call() -> None:
    gas = Finding("safety", True, None, ("燃气味",), "hazard", "6号楼燃气味特别浓")
    lift = Finding("building", True, None, ("电梯困人",), "hazard", "电梯困人了")
    assert "燃气公司的抢修电话" in (safety_advice(gas) or "")
    assert "119" in (safety_advice(lift) or "")
    # a line for another service is not taken for this one
    assert "96333" not in (safety_advice(gas, ("电梯救援 96333",)) or "")


def test_every_tip_ends_in_a_full_stop() -> None:
    words = ["燃气", "电梯困人", "火花", "着火", "被困", "摔倒", "晕倒", "水管爆", "井盖", "走丢",
             "没开门", "救命"]
    for word in words:
        advice = safety_advice(Finding("safety", True, None, (word,), "hazard", word))
        assert advice and advice.endswith("。") and "。。" not in advice, (word, advice)


def test_ordinary_and_unknown_findings_get_none() -> None:
    assert safety_advice(Finding("municipal", False, None, ("井盖", "坏了"), "pred", "x")) is None
    assert safety_advice(Finding("other", True, None, ("model:urgent",), "model", "x")) is None
