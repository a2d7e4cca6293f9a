"""An urgent ticket's summary keeps why it is urgent (issue 13, point 6)."""

from __future__ import annotations

import pytest

from bot.messaging.textnorm import normalise
from bot.triage import Finding, TriageEngine
from bot.triage.reasons import with_reason


@pytest.fixture(scope="module")
def engine() -> TriageEngine:
    return TriageEngine(buildings=["1号楼"])


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("8号楼电梯坏了，里面关着一个小孩", "8号楼电梯坏了,里面关着一个小孩"),
        ("幸福里 8号楼1单元 电梯坏了 困了个老太太", "电梯坏了 困了个老太太"),
        ("6号楼电梯又坏了，我爸被关在里面了", "6号楼电梯又坏了,我爸被关在里面了"),
        ("电梯困人了，有个孩子在里面哭", "电梯困人了,有个孩子在里面哭"),
        ("3号楼门口井盖没了，小孩差点掉下去", "3号楼门口井盖没了,小孩差点掉下去"),
        ("2号楼门口电线掉地上了，小孩在旁边玩", "2号楼门口电线掉地上了,小孩在旁边玩"),
    ],
)
def test_the_reason_stays_with_the_fault(engine: TriageEngine, said: str, kept: str) -> None:
    text = normalise(said)
    urgent = [f for f in engine.triage(text).findings if f.urgent]
    assert urgent, said
    assert with_reason(urgent[0], text) == kept


def test_ordinary_findings_and_unrelated_clauses_are_left_alone(engine: TriageEngine) -> None:
    text = normalise("3号楼井盖坏了，昨天就这样了")
    finding = engine.triage(text).findings[0]
    assert with_reason(finding, text) == finding.text
    # urgent, but the next clause says nothing of anyone in danger
    gas = Finding("safety", True, None, ("燃气味",), "hazard", "6号楼燃气味特别浓")
    assert with_reason(gas, "6号楼燃气味特别浓!大家注意") == "6号楼燃气味特别浓"
    # words triage did not take from this text
    assert with_reason(gas, "别的话") == "6号楼燃气味特别浓"
