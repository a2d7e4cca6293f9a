"""`gridbot classify` starts without the database layer, pkg_resources or jieba (issue 14,
point 7), and what makes it start faster changes no answer."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CODE = """
import io, sys
sys.stdin = io.StringIO('{"text": "3号楼井盖坏了"}\\n')
from bot.cli.main import main
code = main(["classify"])
heavy = sorted(
    m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic", "storage", "jieba")
)
# jieba and zhconv open their data by path: setuptools' slow pkg_resources stays unloaded
if sys.modules.get("pkg_resources") is not None:
    heavy.append("pkg_resources")
print("RESULT", code, ",".join(heavy) or "-")
"""


def test_classify_imports_no_database_layer() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CODE], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    result = next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))
    _, code, heavy = result.split(" ", 2)
    assert code == "0"
    assert heavy == "-", heavy


def test_lean_path_answers_only_what_the_full_path_would() -> None:
    """The lean path (plain chatter proved by set lookups before any segmentation or
    model) is a shortcut, never a second opinion: on every labelled message it takes,
    the full path says plain chatter too, for residents and for the team."""
    from bot.triage import TriageEngine, TriageResult
    from bot.triage.evaluate import read_labelled

    engine = TriageEngine()
    data = ROOT / "tests" / "data" / "triage"
    texts = [
        row.text for name in ("train.tsv", "tune.tsv") for row in read_labelled(data / name, [])
    ]
    texts += ["今天天气真好", "大家早上好", "哈哈哈哈", "明天一起去公园散步吧"]
    lean = [engine.prepare(t) for t in texts if engine._plainly_chatter(engine.prepare(t))]
    assert len(lean) > 100  # the shortcut is taken
    for norm in lean:
        for role in ("resident", "worker"):
            assert engine._full_path(norm, role) == TriageResult((), "chatter"), norm


CACHED = """
import re, sys
from bot.triage import TriageEngine, regexes
from bot.triage.learned import shipped_model
engine = TriageEngine(buildings=["3号楼", "幸福里"])
traditional = engine.triage("3號樓電梯壞了").ticket
from bot.messaging.textnorm import normalise
from zhconv import zhconv
simplified = normalise("我幹什麼不干你事。後面的電梯裏頭壞了，乾燥劑")
taiwan = zhconv.convert("人体内存在很多微生物", "zh-tw")
store = regexes._memos().parts
same = all(regexes.compile(p, f) == re.compile(p, f) for p, f in store.used)
plans = regexes._memos().plans
same = same and all(plans.used[key] == regexes._dispatch_plan(*key) for key in plans.used)
merged = regexes._memos().merged
same = same and all(merged.used[key] == regexes._merged_plan(*key) for key in merged.used)
model = shipped_model()
reading = model.read("3号楼井盖坏了，差点摔一跤")
print("RESULT", len(store.known), len(store.used), same, engine.triage("3号楼井盖坏了").ticket,
      traditional, simplified, taiwan,
      sorted(model.features("3号楼井盖坏了，差点摔一跤"))[:3], round(reading.ticket_p, 9),
      round(reading.urgent_p, 9), reading.category, round(reading.category_p, 9))
"""


def _cached_run(cache: Path) -> list[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", CACHED], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    return next(line for line in out.stdout.splitlines() if line.startswith("RESULT ")).split()


def test_what_the_cache_keeps_is_what_a_fresh_build_makes(tmp_path: Path) -> None:
    """Regexes, where a `Scan`'s alternatives begin, the dictionary's word pattern, the
    model, the segmenter's prefix dictionary and zhconv's traditional-only characters
    and zh-cn tables come from the user's cache after the first run (zhconv's other
    tables still there when asked for): the same pattern objects (compared
    with their compiled code), the same scores and answers; a damaged cache is rebuilt,
    never believed."""
    first = _cached_run(tmp_path)
    assert first[3] == first[4] == first[5] == "True"
    files = sorted(p.name for p in (tmp_path / "gridbot" / "triage").iterdir())
    assert files == [
        "merged-scans.marshal", "model.marshal", "regexes.marshal", "scans.marshal",
        "segment.marshal", "tradonly.marshal", "words.marshal", "zhcn.marshal",
    ]
    second = _cached_run(tmp_path)
    assert int(second[1]) >= int(second[2]) > 40  # every pattern came from the cache
    assert second[3:] == first[3:]
    for name in files:
        (tmp_path / "gridbot" / "triage" / name).write_bytes(b"\x00not marshal")
    assert _cached_run(tmp_path)[3:] == first[3:]


def test_the_segmenter_cuts_as_jieba_does() -> None:
    """Where dictionary words cross, the engine cuts without importing jieba: the same
    prefix dictionary and the same words as jieba's no-HMM cut on that dictionary."""
    from bot.triage import TriageEngine
    from bot.triage.evaluate import read_labelled

    engine = TriageEngine(buildings=["3号楼", "幸福里", "A座"])
    engine.words("3号楼")  # builds jieba's tokenizer, as `words` needs it
    jieba_cut, ours = engine._tokenizer, engine._segmenter
    assert (ours.freq, ours.total) == (jieba_cut.FREQ, jieba_cut.total)
    data = ROOT / "tests" / "data" / "triage"
    texts = [
        row.text for name in ("train.tsv", "tune.tsv") for row in read_labelled(data / name, [])
    ]
    texts += ["abc 12 井盖坏了\r\n  x-y_z% 也没水", "3號樓電梯壞了 " * 50, "", " \n"]
    texts += [engine.prepare(t) for t in texts]
    for text in texts:
        assert list(ours.tokenize(text)) == list(jieba_cut.tokenize(text, HMM=False)), text


def test_a_scan_finds_what_its_pattern_finds() -> None:
    """A `Scan` tries each alternative only where it can begin: on every labelled message
    and on edge cases, each of the engine's scans (the dictionary's words among them)
    finds exactly the matches its pattern finds, from any start and up to any end, and
    matches where it does; most of them do dispatch."""
    from bot.triage import TriageEngine, regexes
    from bot.triage.evaluate import read_labelled

    engine = TriageEngine()
    scans = [engine._words, *(scan for scan, _ in engine._patterns.hazards)]
    scans += [
        value for value in (getattr(engine._patterns, name) for name in dir(engine._patterns))
        if isinstance(value, regexes.Scan)
    ]
    assert sum(scan.dispatches for scan in scans) >= 15
    # the hazard scans run on the lean path of nearly every message: one alternative that
    # cannot be dispatched (a Unicode \d first) halved the speed on group traffic
    hazard_scans = [engine._hazard_scan, *(scan for scan, _ in engine._patterns.hazards)]
    assert all(scan.dispatches for scan in hazard_scans)
    data = ROOT / "tests" / "data" / "triage"
    texts = [
        engine.prepare(row.text)
        for name in ("train.tsv", "tune.tsv") for row in read_labelled(data / name, [])
    ]
    texts += ["", "煤", "闻到煤气味", "辣到冒烟了，楼下冒烟了", "着火" * 500, "\n\u3000煤气泄漏"]
    for scan in scans:
        plain = scan.regex
        for text in texts:
            assert [m.span() for m in scan.finditer(text)] == [
                m.span() for m in plain.finditer(text)
            ], (scan.pattern[:40], text)
            for pos, end in ((1, len(text)), (0, max(0, len(text) - 2)), (3, 5)):
                ours, theirs = scan.search(text, pos, end), plain.search(text, pos, end)
                assert (ours and ours.span()) == (theirs and theirs.span()), text
            for pos in range(0, min(len(text), 40), 3):
                ours, theirs = scan.match(text, pos), plain.match(text, pos)
                assert (ours and ours.span()) == (theirs and theirs.span()), text


def test_the_hazard_union_finds_where_a_hazard_begins() -> None:
    """The union of every hazard is asked only where the first one begins; with its
    alternatives merged it answers that as the plain union does, on every labelled
    message from any start."""
    from bot.triage import TriageEngine
    from bot.triage.evaluate import read_labelled

    engine = TriageEngine()
    union = engine._hazard_scan
    plain = re.compile(union.pattern)
    data = ROOT / "tests" / "data" / "triage"
    texts = [
        engine.prepare(row.text)
        for name in ("train.tsv", "tune.tsv")
        for row in read_labelled(data / name, [])
    ]
    texts += ["", "煤", "老人", "我妈走丢了" * 300, "\n\u3000煤气泄漏"]
    texts.append("老人家里没人应，邻居说三天没见了")
    found = 0
    for text in texts:
        for pos in (0, 2, 9):
            theirs = plain.search(text, pos)
            assert union.first(text, pos) == (theirs and theirs.start()), text
        found += union.found_in(text)
    assert found > 200  # the emergencies and their look-alikes of train and tune


def test_merged_alternatives_match_where_theirs_do() -> None:
    """Alternatives that begin with the same items share them; one that is the beginning
    of another stands for both; classes, groups, escapes and quantifiers stay whole, and a
    pattern whose items cannot be read stays as it is."""
    from bot.triage import regexes

    assert regexes._merged("(?:a|b)x.{0,6}c|(?:a|b)x走丢|y") == "(?:a|b)x(?:.{0,6}c|走丢)|y"
    assert regexes._merged("ab|abc|abd") == "ab"
    assert regexes._merged("[a-c]+?d|[a-c]+?e") == "[a-c]+?(?:d|e)"
    assert regexes._merged(r"\u4e00a|\u4e01b") == r"\u4e00a|\u4e01b"
    assert regexes._merged(r"(?<!不)像煤气|(?<!不)像燃气") == "(?<!不)像(?:煤气|燃气)"
    assert regexes._merged(r"\1a|\1b") == r"\1a|\1b"
    assert regexes._items("a[]b]{2}(?:c|d)?\\.x") == ("a", "[]b]{2}", "(?:c|d)?", "\\.", "x")
    assert regexes._items("a(b") is None
    # a verbose pattern's spaces and comments are no items: it stays as it is
    assert regexes._merged("a *b|a c", re.VERBOSE) == "a *b|a c"
    assert regexes.StartScan("a *b|a c", re.VERBOSE).first("xaaab") == 1
    cases = ["老人走丢了", "老人家里没人应", "大爷摔倒", "xx老伴晕倒了", "老", "孩子掉进井里"]
    for alternation in (
        "老人走丢|老人家.{0,4}没人应|老人.{0,3}(?:晕|摔)倒|(?:老伴|大爷)(?:晕|摔)倒",
        "(?:老人|老人家)[^。]{0,6}没人应|(?:老人|老人家)走丢|孩子掉进",
    ):
        merged, plain = re.compile(regexes._merged(alternation)), re.compile(alternation)
        for text in cases:
            for pos in range(len(text)):
                ours, theirs = merged.match(text, pos), plain.match(text, pos)
                assert (ours is None) == (theirs is None), (alternation, text, pos)


def test_a_scan_falls_back_where_first_characters_cannot_be_listed() -> None:
    from bot.triage import regexes

    assert regexes._top_level_alternatives(r"a[|\]]b|(c|d)|\|e") == [r"a[|\]]b", "(c|d)", r"\|e"]
    assert regexes._top_level_alternatives("a(b") is None
    for pattern in (".a|b", "(?i:a)b|c", "(a)|b", "a?|b", r"\d|x", "[^a]b|c", "ab"):
        scan = regexes.Scan(pattern)
        assert not scan.dispatches, pattern
        ours, theirs = scan.search("xxab"), scan.regex.search("xxab")
        assert (ours and ours.span()) == (theirs and theirs.span())
    scan = regexes.Scan(r"(?<!辣到)冒烟|[煤媒]气味")
    assert scan.dispatches
    assert scan.search("辣到冒烟，媒气味").span() == (5, 8)
