"""Triage throughput against the obvious baseline, and cold start.

    .venv/bin/python bench/triage.py [--seconds 3]

Both contenders see the same messages (the labelled corpus, repeated) in the same
process on one core. The baseline is what anyone would write first: `jieba.lcut` with
jieba's full dictionary on every message, then a set lookup of the keywords. Cold start
is measured in a fresh interpreter: import, build the engine, answer one message.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.messaging.textnorm import normalise  # noqa: E402
from bot.triage import TriageEngine  # noqa: E402
from bot.triage.evaluate import read_labelled  # noqa: E402
from bot.triage.lexicon import build_terms, domain_dict_path  # noqa: E402

COLD_START = """
import time
t0 = time.perf_counter()
from bot.triage import TriageEngine
engine = TriageEngine()
result = engine.triage("3号楼井盖坏了")
assert result.ticket
print(time.perf_counter() - t0)
"""


def corpus() -> tuple[list[str], list[str], list[str]]:
    """All corpus messages, the chatter among them, and the requests."""
    texts: list[str] = []
    chatter: list[str] = []
    requests: list[str] = []
    for name in ("triage_tune.tsv", "triage_test.tsv"):
        for row in read_labelled(ROOT / "tests" / "data" / name, []):
            texts.append(row.text)
            (requests if row.ticket else chatter).append(row.text)
    return texts, chatter, requests


def rate(
    label: str, work: Callable[[str], object], messages: Sequence[str], seconds: float
) -> float:
    """Messages per second, best of several rounds so a noisy neighbour does not decide."""
    rounds: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(rounds) < 3:
        start = time.perf_counter()
        for text in messages:
            work(text)
        rounds.append(len(messages) / (time.perf_counter() - start))
    best = max(rounds)
    print(f"{label:<34} {best:>10,.0f} msg/s   (median {statistics.median(rounds):,.0f},"
          f" {len(rounds)} rounds of {len(messages)})")
    return best


def baseline(keywords: frozenset[str]) -> Callable[[str], bool]:
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()  # load time is not throughput; it shows up in cold start instead

    def classify(text: str) -> bool:
        return any(word in keywords for word in tokenizer.lcut(text))

    return classify


def cold_start(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", COLD_START], cwd=ROOT, capture_output=True, text=True,
            check=True,
        )
        wall = time.perf_counter() - start
        times.append((float(out.stdout.strip()), wall))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per contender")
    parser.add_argument("--cold-runs", type=int, default=5)
    args = parser.parse_args()

    messages, chatter, requests = corpus()
    engine = TriageEngine()
    keywords = frozenset(
        word for word, term in build_terms(domain_dict_path()).items()
        if term.kind not in ("neg", "fixed", "word")
    )
    print(f"{len(messages)} corpus messages, {len(keywords)} baseline keywords\n")
    ours = rate("TriageEngine.triage", engine.triage, messages, args.seconds)
    classify = baseline(keywords)
    base = rate("baseline: jieba.lcut + keyword set", classify, messages, args.seconds)
    print(f"\nratio: {ours / base:.1f}x the baseline's throughput (target >= 5x)\n")
    # Supplementary: the corpus is half requests by design; real group traffic is mostly
    # chatter, which the prescreen answers without segmenting.
    print(f"supplementary, chatter only ({len(chatter)} messages):")
    ours_c = rate("  TriageEngine.triage", engine.triage, chatter, args.seconds / 2)
    base_c = rate("  baseline", classify, chatter, args.seconds / 2)
    print(f"  ratio on chatter: {ours_c / base_c:.1f}x\n")
    # Where the time goes: the budget 5x leaves per message, against what each kind costs.
    ours_r = rate("  TriageEngine.triage, requests", engine.triage, requests, args.seconds / 2)
    ours_n = rate("  normalise alone", normalise, messages, args.seconds / 2)
    print(f"  per message: baseline {1e6 / base:.1f} us; 5x leaves {1e6 / base / 5:.1f} us;"
          f" ours {1e6 / ours_c:.1f} us on chatter, {1e6 / ours_r:.1f} us on requests,"
          f" of which normalising {1e6 / ours_n:.1f} us\n")

    times = cold_start(args.cold_runs)
    inside = [t for t, _ in times]
    wall = [w for _, w in times]
    print(f"cold start, import -> first answer: median {statistics.median(inside):.3f} s,"
          f" max {max(inside):.3f} s (target < 1 s)")
    print(f"cold start, whole process incl. interpreter: median {statistics.median(wall):.3f} s")


if __name__ == "__main__":
    main()
