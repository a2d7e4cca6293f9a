"""`gridbot classify` and `gridbot triage-eval`: triage as a filter and as a measured number.

Both read files written by people, so neither ever stops on a bad line: classify answers a
broken line with an error object in its place (output lines stay aligned with input
lines), and the evaluator reports malformed rows instead of guessing what they meant.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.triage.advice import safety_advice
from bot.triage.engine import TriageEngine
from bot.triage.model import CATEGORIES, Finding, Location, TriageResult

# The split that is only ever scored (see tests/data/triage/README.md).
LOCKED_NAME = "locked.tsv"


def location_json(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {
        "text": location.text,
        "building": location.building,
        "unit": location.unit,
        "room": location.room,
        "place": location.place,
    }


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "category": finding.category,
        "urgent": finding.urgent,
        "location": location_json(finding.location),
        "evidence": list(finding.evidence),
        "rule": finding.rule,
        "text": finding.text,
        "advice": safety_advice(finding),
    }


def result_json(result: TriageResult) -> dict[str, Any]:
    """The `gridbot classify` object: top level describes the first finding."""
    first = result.findings[0] if result.findings else None
    return {
        "ticket": result.ticket,
        "category": first.category if first else None,
        "urgent": any(f.urgent for f in result.findings),
        "location": first.location.text if first and first.location else None,
        "evidence": list(first.evidence) if first else [],
        "rule": first.rule if first else result.reason,
        "reason": result.reason,
        "findings": [finding_json(f) for f in result.findings],
        "followup": finding_json(result.followup) if result.followup else None,
    }


def classify_stream(engine: TriageEngine, lines: Iterable[str]) -> Iterator[str]:
    """JSONL in, JSONL out: one answer per non-blank input line, errors included."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield _error(f"line {number}: not JSON: {exc.msg}")
            continue
        if not isinstance(item, dict):
            yield _error(f"line {number}: expected a JSON object")
            continue
        text = item.get("text")
        role = item.get("role", "resident")
        if not isinstance(text, str):
            yield _error(f"line {number}: \"text\" must be a string")
            continue
        if not isinstance(role, str):
            yield _error(f"line {number}: \"role\" must be a string")
            continue
        answer = result_json(engine.triage(text, role=role))
        if "id" in item:
            answer = {"id": item["id"], **answer}
        yield json.dumps(answer, ensure_ascii=False)


def _error(message: str) -> str:
    return json.dumps({"error": message}, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class LabelledMessage:
    line: int
    ticket: bool
    categories: tuple[str, ...]  # any of them is right
    urgent: bool
    text: str


@dataclass(frozen=True, slots=True)
class Mistake:
    line: int
    kind: str  # "false alarm", "miss", "category", "urgent missed", "urgent false"
    text: str
    expected: str
    got: str


@dataclass
class EvalReport:
    """Confusion counts and the mistakes behind them, for one labelled file."""

    source: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    category_right: int = 0
    urgent_total: int = 0
    urgent_found: int = 0
    urgent_false: int = 0
    malformed: list[str] = field(default_factory=list)
    mistakes: list[Mistake] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def category_accuracy(self) -> float:
        return self.category_right / self.tp if self.tp else 1.0

    @property
    def urgent_recall(self) -> float:
        return self.urgent_found / self.urgent_total if self.urgent_total else 1.0

    @property
    def locked(self) -> bool:
        """The locked split (tests/data/triage/locked.tsv) is scored, never read: its
        mistakes are not printed, so nobody tunes on its lines by accident."""
        return Path(self.source).name == LOCKED_NAME

    def format(self, show_mistakes: int = 30) -> str:
        if self.locked:
            show_mistakes = 0
        lines = [
            f"triage-eval {self.source}: {self.total} messages"
            f" ({self.tp + self.fn} requests, {self.tn + self.fp} chatter)",
            f"  precision          {self.precision:.3f}   ({self.tp} of {self.tp + self.fp}"
            " tickets were requests)",
            f"  recall             {self.recall:.3f}   ({self.tp} of {self.tp + self.fn}"
            " requests found)",
            f"  F1                 {self.f1:.3f}",
            f"  category accuracy  {self.category_accuracy:.3f}   ({self.category_right}"
            f" of {self.tp} found requests)",
            f"  urgent recall      {self.urgent_recall:.3f}   ({self.urgent_found} of"
            f" {self.urgent_total} urgent; {self.urgent_false} flagged urgent wrongly)",
            f"  counts             tp={self.tp} fp={self.fp} fn={self.fn} tn={self.tn}",
        ]
        if self.malformed:
            lines.append(f"  MALFORMED ROWS SKIPPED: {len(self.malformed)}")
            lines.extend(f"    {m}" for m in self.malformed)
        if self.locked:
            lines.append("  mistakes not shown: this is the locked split")
        if self.mistakes and show_mistakes:
            lines.append(f"  mistakes ({len(self.mistakes)}):")
            for m in self.mistakes[:show_mistakes]:
                lines.append(
                    f"    line {m.line} {m.kind}: expected {m.expected}, got {m.got}: {m.text}"
                )
            if len(self.mistakes) > show_mistakes:
                lines.append(f"    ... {len(self.mistakes) - show_mistakes} more")
        return "\n".join(lines)


def read_labelled(path: str | Path, malformed: list[str]) -> Iterator[LabelledMessage]:
    """Rows of `ticket<TAB>category<TAB>urgent<TAB>text`; '#' lines and a header are skipped."""
    with Path(path).open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = line.split("\t")
            if cols[0].strip().lower() == "ticket":
                continue
            if len(cols) < 4:
                malformed.append(f"line {number}: expected 4 tab-separated columns")
                continue
            ticket_raw, category_raw, urgent_raw = (c.strip() for c in cols[:3])
            text = "\t".join(cols[3:]).replace("\\n", "\n")
            if ticket_raw not in ("0", "1") or urgent_raw not in ("0", "1"):
                malformed.append(f"line {number}: ticket and urgent must be 1 or 0")
                continue
            categories = tuple(c.strip() for c in category_raw.split("|") if c.strip())
            unknown = [c for c in categories if c not in CATEGORIES and c != "-"]
            if unknown:
                malformed.append(f"line {number}: unknown category {'|'.join(unknown)}")
                continue
            if ticket_raw == "1" and not [c for c in categories if c != "-"]:
                malformed.append(f"line {number}: a ticket row needs a category")
                continue
            if not text.strip():
                malformed.append(f"line {number}: empty text")
                continue
            yield LabelledMessage(number, ticket_raw == "1", categories, urgent_raw == "1", text)


def evaluate_file(engine: TriageEngine, path: str | Path) -> EvalReport:
    report = EvalReport(source=str(path))
    for row in read_labelled(path, report.malformed):
        result = engine.triage(row.text)
        got_category = result.findings[0].category if result.findings else None
        got_urgent = any(f.urgent for f in result.findings)
        want = f"ticket {'|'.join(row.categories)}" if row.ticket else "no ticket"
        got = f"ticket {got_category}" if result.ticket else f"no ticket ({result.reason})"
        if row.urgent:
            report.urgent_total += 1
            if got_urgent:
                report.urgent_found += 1
            else:
                report.mistakes.append(Mistake(row.line, "urgent missed", row.text, want, got))
        elif got_urgent:
            report.urgent_false += 1
            report.mistakes.append(Mistake(row.line, "urgent false", row.text, want, got))
        if row.ticket and result.ticket:
            report.tp += 1
            if got_category in row.categories:
                report.category_right += 1
            else:
                report.mistakes.append(Mistake(row.line, "category", row.text, want, got))
        elif row.ticket:
            report.fn += 1
            report.mistakes.append(Mistake(row.line, "miss", row.text, want, got))
        elif result.ticket:
            report.fp += 1
            report.mistakes.append(Mistake(row.line, "false alarm", row.text, want, got))
        else:
            report.tn += 1
    return report
