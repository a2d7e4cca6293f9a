"""An urgent finding's words with the reason it is urgent.

Triage cuts a finding down to the clause that names the fault ("8号楼电梯坏了"), but what
made it urgent may sit in the next clause ("里面关着一个小孩"): a summary without it reads
like an ordinary repair, and the worker who sees only the summary does not run.
"""

from __future__ import annotations

from bot.triage import regexes
from bot.triage.model import Finding

_CLAUSE_END = regexes.compile(r"[，,。.！!？?；;\n]")
REASON_REACH = 40  # how far after the fault clause the reason may stand
# Who is in danger, said in the next clause: "井盖没了，小孩差点掉下去".
_AT_RISK = regexes.compile(
    r"小孩|孩子|儿童|学生|老人|老太|老头|老伴|有人|人在|掉下去|掉进|差点|困|关着|出不来|摔|受伤|流血"
)


def with_reason(finding: Finding, text: str) -> str:
    """``finding.text``, reaching on to the end of the clause that made it urgent when that
    clause is elsewhere in ``text`` (the message as triage read it)."""
    words = finding.text
    if not finding.urgent or not words:
        return words
    start = text.find(words)
    if start < 0:
        return words
    end = start + len(words)
    reach = end
    for word in finding.evidence:
        if len(word) < 2 or word in words or word.startswith("model"):
            continue
        at = text.find(word, start)
        if at < 0 or at + len(word) - end > REASON_REACH:
            continue
        reach = max(reach, at + len(word))
    if reach == end:
        reach = _next_clause_at_risk(text, end)
        if reach is None:
            return words
    stop = _CLAUSE_END.search(text, reach)
    return text[start : stop.start() if stop else len(text)].strip()


def _next_clause_at_risk(text: str, end: int) -> int | None:
    """The start of the clause right after ``end`` when it says who is in danger."""
    start = end
    while start < len(text) and _CLAUSE_END.match(text, start):
        start += 1
    stop = _CLAUSE_END.search(text, start)
    clause = text[start : stop.start() if stop else len(text)]
    if not clause or len(clause) > REASON_REACH or not _AT_RISK.search(clause):
        return None
    return start
