"""The measured quality of triage, and the classify / triage-eval contracts (issue 3, 5–6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.triage import CATEGORIES, TriageEngine, classify_stream, evaluate_file
from bot.triage.evaluate import read_labelled

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def engine() -> TriageEngine:
    return TriageEngine()


def test_held_out_split_meets_the_targets(engine: TriageEngine) -> None:
    """Rules were tuned on triage_tune.tsv only. Since issue 14 this file is part of the
    tune split that picks the learned model's thresholds (the model is not trained on
    it), so it is no longer held out: the locked split (tests/data/triage/locked.tsv,
    figures in the README) is the honest number. Precision is back at 0.95 (the model
    rescues only above a threshold picked for precision: 0.971 here), recall 0.95."""
    report = evaluate_file(engine, DATA / "triage_test.tsv")
    assert not report.malformed
    summary = report.format()
    assert report.precision >= 0.95, summary
    assert report.recall >= 0.95, summary
    assert report.urgent_recall == 1.0, summary
    assert report.category_accuracy >= 0.85, summary


def test_corpus_is_big_balanced_and_covers_every_category() -> None:
    rows = []
    for name in ("triage_tune.tsv", "triage_test.tsv"):
        malformed: list[str] = []
        rows += list(read_labelled(DATA / name, malformed))
        assert not malformed, malformed
    assert len(rows) >= 600
    chatter = sum(not r.ticket for r in rows)
    assert 0.4 <= chatter / len(rows) <= 0.6
    covered = {c for r in rows if r.ticket for c in r.categories}
    assert covered == set(CATEGORIES)
    texts = [r.text for r in rows]
    assert len(set(texts)) == len(texts), "a message is in both splits or twice"


def test_classify_stream_contract(engine: TriageEngine) -> None:
    lines = [
        json.dumps({"text": "3号楼井盖坏了"}, ensure_ascii=False),
        "",
        "not json",
        json.dumps(["text"]),
        json.dumps({"text": 3}),
        json.dumps({"id": "m7", "text": "大家早上好"}, ensure_ascii=False),
        json.dumps({"text": "燃气泄漏了！3号楼楼道里全是味，电梯也坏了"}, ensure_ascii=False),
    ]
    out = [json.loads(line) for line in classify_stream(engine, lines)]
    assert len(out) == 6  # the blank line is skipped, every other line answered
    first = out[0]
    assert first["ticket"] is True
    assert first["category"] == "municipal"
    assert first["urgent"] is False
    assert first["location"] == "3号楼"
    assert first["evidence"] == ["井盖", "坏了"]
    assert first["rule"] == "object+fault"
    assert first["findings"][0]["location"]["building"] == "3号楼"
    assert all("error" in o for o in out[1:4])
    assert out[4] == {**out[4], "id": "m7", "ticket": False, "category": None, "urgent": False}
    assert out[4]["findings"] == [] and out[4]["location"] is None
    many = out[5]
    assert many["category"] == "safety" and many["urgent"] is True
    assert [f["category"] for f in many["findings"]] == ["safety", "building"]
    assert many["findings"][0]["advice"]


def test_evaluate_file_counts_and_flags_malformed_rows(
    engine: TriageEngine, tmp_path: Path
) -> None:
    tsv = tmp_path / "small.tsv"
    tsv.write_text(
        "# a comment line\n"
        "ticket\tcategory\turgent\ttext\n"
        "1\tmunicipal\t0\t3号楼井盖坏了\n"
        "1\tbuilding|safety\t1\t救命 电梯里有人被困\n"
        "1\tconsult\t0\t3号楼电梯坏了\n"  # a category mistake
        "1\tcare\t0\t今天天气不错\n"  # a miss
        "0\t-\t0\t大家早上好\n"
        "0\t-\t0\t楼道灯不亮了\n"  # a false alarm
        "1\tmunicipal\n"  # too few columns
        "2\tmunicipal\t0\t坏了\n"  # bad flag
        "1\tpotholes\t0\t路面塌了\n"  # unknown category
        "\n",
        encoding="utf-8",
    )
    report = evaluate_file(engine, tsv)
    assert (report.tp, report.fp, report.fn, report.tn) == (3, 1, 1, 1)
    assert report.category_right == 2
    assert report.urgent_total == 1 and report.urgent_found == 1
    assert report.precision == pytest.approx(0.75)
    assert report.recall == pytest.approx(0.75)
    assert len(report.malformed) == 3
    text = report.format()
    for needle in ("precision", "recall", "F1", "category accuracy", "urgent recall",
                   "MALFORMED", "line 9", "false alarm", "miss"):
        assert needle in text, needle
