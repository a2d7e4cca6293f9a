"""The learned half of triage, its shipped files, and time on long messages (14, 15.1)."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.triage import TriageEngine
from bot.triage.learned import MODEL_FILE, LinearModel, pinyin_table, shipped_model

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bot" / "triage" / "data"


@pytest.fixture(scope="module")
def engine() -> TriageEngine:
    return TriageEngine()


def test_runtime_reads_the_model_without_scikit_learn_numpy_or_pypinyin() -> None:
    code = (
        "import sys\n"
        "for name in ('sklearn', 'numpy', 'scipy', 'pypinyin'):\n"
        "    sys.modules[name] = None  # importing any of them now fails\n"
        "from bot.triage import TriageEngine\n"
        "engine = TriageEngine()\n"
        "assert engine.model is not None\n"
        "result = engine.triage('3号楼井盖坏了')\n"
        "assert result.ticket, result\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_shipped_model_was_trained_on_the_committed_data() -> None:
    """A labelled file, the dictionary or the code of triage changed without a retrain
    shows here. That a retrain gives the same bytes is `make model-check` (minutes)."""
    from bot.triage.train import inputs_digest

    data = json.loads((DATA / MODEL_FILE).read_text(encoding="utf-8"))
    assert data["inputs"] == inputs_digest(), "retrain: .venv/bin/python -m bot.triage.train"


def test_model_file_shape() -> None:
    data = json.loads((DATA / MODEL_FILE).read_text(encoding="utf-8"))
    assert data["format"] == 4
    assert set(data["thresholds"]) == {
        "rescue", "rescue_long", "urgent", "urgent_boost", "recategorise", "veto", "veto_urgent",
        "overrule", "veto_long", "veto_short", "urgent_sure", "rescue_urgent", "rescue_plea",
    }
    assert data["thresholds"]["rescue"] >= 0.8  # picked for precision, not recall
    assert data["thresholds"]["rescue_long"] >= 0.8
    assert data["thresholds"]["rescue_plea"] >= 0.7  # a plea is no licence to open anything
    assert data["thresholds"]["veto_urgent"] <= 0.1  # an emergency needs little belief
    assert data["thresholds"]["veto_short"] <= 0.05  # nor do a few characters
    by_category = data["heads"]["category"]  # category → feature → weight
    assert set(by_category) == set(data["categories"]) and any(by_category.values())
    assert len(data["bias"]["category"]) == len(data["categories"])
    weights = [*data["heads"]["ticket"].values(), *data["heads"]["urgent"].values()]
    assert min(abs(w) for w in weights) >= 0.05  # pruned
    assert (DATA / MODEL_FILE).stat().st_size < 2 * 1024 * 1024


@pytest.mark.parametrize(
    "text",
    ["3号楼井盖坏了，差点摔一跤", "煤汽味好大", "今天天气真好", "dianti huaile", "", "!!!"],
)
def test_one_reading_gives_each_heads_own_score(text: str) -> None:
    """The model keeps its heads as one row per feature, read in one pass: each score is
    still the file's own head, summed over the features the model knows."""
    import math

    from bot.triage.learned import features

    data = json.loads((DATA / MODEL_FILE).read_text(encoding="utf-8"))
    heads, bias = data["heads"], data["bias"]
    with_category = itertools.chain(*heads["category"].values())
    known = set(features(text)) & {*heads["ticket"], *heads["urgent"], *with_category}
    norm = 1 / math.sqrt(len(known)) if known else 0.0

    def p(head: dict[str, float], b: float) -> float:
        return 1 / (1 + math.exp(-(b + norm * sum(head.get(f, 0.0) for f in known))))

    logits = [
        b + norm * sum(heads["category"][name].get(f, 0.0) for f in known)
        for name, b in zip(data["categories"], bias["category"], strict=True)
    ]
    best = max(range(len(logits)), key=logits.__getitem__)
    reading = shipped_model().read(text)
    assert reading.ticket_p == pytest.approx(p(heads["ticket"], bias["ticket"]), abs=1e-12)
    assert reading.urgent_p == pytest.approx(p(heads["urgent"], bias["urgent"]), abs=1e-12)
    assert reading.category == data["categories"][best]
    total = sum(math.exp(x - logits[best]) for x in logits)
    assert reading.category_p == pytest.approx(1 / total, abs=1e-12)


def test_pinyin_runs_split_into_syllables() -> None:
    table = pinyin_table()
    assert table.split("diantihuaile") == ["dian", "ti", "huai", "le"]
    assert table.split("xian") == ["xian"]
    assert table.split("wifi") is None
    assert table.of_char["煤"] == "mei"


def test_homophones_share_the_models_features() -> None:
    model = shipped_model()
    assert model is not None
    plain = model.features("煤气味")
    typo = model.features("煤汽味")
    spelled = model.features("mei qi wei")
    assert "~mei~qi" in plain and "~mei~qi" in typo and "~mei~qi" in spelled


@pytest.mark.parametrize(
    "text",
    ["昨天在动物园看到臭鼬了", "楼下新开了个理发店，挺便宜", "这家店太坑了，再也不去了"],
)
def test_words_inside_other_words_are_not_requests(engine: TriageEngine, text: str) -> None:
    assert not engine.triage(text).ticket


def _toy_model(gate: list[str]) -> LinearModel:
    """A model that knows one pair, 头晕, and is sure it means a request for care."""
    shipped = json.loads((DATA / MODEL_FILE).read_text(encoding="utf-8"))
    categories = shipped["categories"]
    return LinearModel({
        **shipped,
        "bias": {"ticket": 0.0, "urgent": -6.0, "category": [0.0] * len(categories)},
        "heads": {"ticket": {"头晕": 6.0}, "urgent": {}, "category": {"care": {"头晕": 3.0}}},
        "gate": gate,
    })


def test_a_pair_the_model_learnt_lets_a_message_in_words_nobody_listed_reach_it() -> None:
    """阿婆头晕得厉害 holds no dictionary word: without the model's own gate pairs it leaves
    by the lean path as chatter, however sure the model would be."""
    text = "阿婆头晕得厉害"
    assert TriageEngine(model=None).triage(text).reason == "chatter"
    assert TriageEngine(model=_toy_model([])).triage(text).reason == "chatter"
    result = TriageEngine(model=_toy_model(["头晕"])).triage(text)
    assert result.ticket and result.findings[0].category == "care"


def test_the_gate_keeps_pairs_that_mostly_mean_a_report() -> None:
    """Strong weight is not enough: 白天 (我是上班族，白天不在家) is in as many small talk
    messages as reports, and a pair seen in a handful of messages proves nothing."""
    from bot.triage.train import Row, gate

    def rows(text: str, reports: int, others: int) -> list[Row]:
        return [Row(text, True, False, ("care",), False, True)] * reports + [
            Row(text, False, False, (), False, False)
        ] * others

    data = {"heads": {"ticket": {"头晕": 3.0, "白天": 3.0, "罕见": 3.0, "一楼": 1.0},
                      "urgent": {"冒烟": 2.5}}}
    train = [
        *rows("阿婆头晕", 4, 1), *rows("白天不在家", 5, 5), *rows("罕见", 2, 0),
        *rows("一楼漏水", 9, 0), *rows("楼道冒烟", 5, 0),
    ]
    assert gate(data, train) == ["冒烟", "头晕"]


def test_a_greeting_does_not_colour_what_follows(engine: TriageEngine) -> None:
    """Most messages opening with 大家好 are introductions and notices; the report after one
    is still a report (the model reads the message without its greeting)."""
    from bot.triage.learned import features

    assert features("大家好，3号楼门口井盖坏了") == features("3号楼门口井盖坏了")
    assert features("Hello 各位 电梯坏了") != features("电梯坏了")  # only one greeting goes
    assert features("大家好") == features("大家好！")  # nothing but a greeting: kept
    assert engine.triage("大家好，3号楼门口井盖坏了，晚上走路小心").ticket


def test_the_shipped_gate_is_pairs_of_characters() -> None:
    pairs = shipped_model().gate_pairs
    assert pairs and all(len(p) == 2 and not p.isascii() for p in pairs)


def test_rules_only_engine_still_works() -> None:
    rules = TriageEngine(model=None)
    assert rules.model is None
    assert rules.triage("3号楼井盖坏了").ticket


# ------------------------------------------------------------------ long messages


def _long(n: int) -> str:
    unit = "3號樓電梯壞了，楼道灯也不亮，井盖丢了要是着火怎么办，谢谢大家 "
    return (unit * (n // len(unit) + 1))[:n]


def _timed(engine: TriageEngine, text: str) -> float:
    """CPU seconds of this process: other work on the machine (parallel tests, CI
    neighbours) stretches the wall clock, not this."""
    start = time.process_time()
    engine.triage(text)
    return time.process_time() - start


def test_a_100000_character_message_is_judged_on_its_window_quickly(
    engine: TriageEngine,
) -> None:
    text = _long(100_000)
    assert _timed(engine, text) < 2.0
    head = text[: engine.window]
    assert engine.triage(text) == engine.triage(head)


def test_triage_time_grows_linearly_with_length() -> None:
    """Without the window cap the engine itself is linear (was quadratic in `_pair`)."""
    engine = TriageEngine(window=1_000_000)
    _timed(engine, _long(2_000))  # warm up
    small = min(_timed(engine, _long(10_000)) for _ in range(3))
    large = min(_timed(engine, _long(100_000)) for _ in range(3))
    assert large < 2.0 * 10, (small, large)
    assert large < small * 10 * 3, (small, large)  # 10x the text, not 100x the time
