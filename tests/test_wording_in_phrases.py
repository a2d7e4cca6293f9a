"""All wording lives in bot/messaging/phrases.py, so it is reviewed in one place.

Handlers and the runtime may not hold user-facing Chinese of their own: a string literal
with Chinese in it (docstrings aside) fails this test, unless it is a bare word of at most
two characters (a command verb passed along, "转派", or a fallback like "居民"). What people
type that the bot recognises (command verbs, patterns for "收到", "满意", "#12") is no
wording: it lives in ``bot.vocabulary.recognition``, outside the checked packages, as
triage's vocabulary and config defaults do.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("handlers", "bot/runtime")
CJK = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"^[\u4e00-\u9fff]{1,2}$")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def wording(path: Path) -> Iterator[tuple[int, str]]:
    """(line, literal) for each string literal with Chinese a person would read."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docs
            and CJK.search(node.value)
            and not WORD.match(node.value)
        ):
            yield node.lineno, node.value


def _files() -> list[Path]:
    return sorted(p for d in CHECKED for p in (ROOT / d).rglob("*.py"))


def test_handlers_and_runtime_keep_their_wording_in_phrases() -> None:
    stray = [
        f"{p.relative_to(ROOT)}:{line}: {text!r}"
        for p in _files()
        for line, text in wording(p)
    ]
    assert stray == [], "wording outside bot/messaging/phrases.py:\n" + "\n".join(stray)


def test_the_guard_sees_an_inline_phrase(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""文档不算。"""\nVERB = "转派"\ndef f(n):\n    return f"工单 #{n} 已办结。"\n',
        encoding="utf-8",
    )
    assert {line for line, _ in wording(sample)} == {4}  # both parts of the f-string
