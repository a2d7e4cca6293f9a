"""The engine's regexes, compiled once per interpreter instead of once per process.

`re.compile` parses and assembles a pattern in pure Python; for the engine's sixty
patterns (some of them thousands of characters) that was a quarter of the start of
`gridbot classify`. What it produces is a list of integers that CPython's regex engine
(`_sre`) turns into a pattern object in microseconds, and that list depends only on the
pattern, its flags and the interpreter. So the lists are kept in the user's cache
(`diskcache`), keyed by the interpreter and the regex engine's version, and a pattern
found there is handed straight to `_sre`, which validates the code it is given. Any
surprise (another Python, a damaged cache, no `_sre` internals) means plain
`re.compile`: the same pattern object either way, only slower to make.
"""

from __future__ import annotations

import array
import functools
import re
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from bot.messaging import diskcache

try:  # CPython's own compiler, the one re.compile runs
    import _sre
    from re import _compiler, _constants, _parser

    # compiled code is kept as the machine words _sre reads, packed: a megabyte of small
    # integers took 55 ms to unmarshal as lists, as bytes it takes a few
    _WORD = next(t for t in "IL" if array.array(t).itemsize == _sre.CODESIZE)
    _KEY: object = (_sre.MAGIC, _sre.CODESIZE, _sre.MAXREPEAT, _sre.MAXGROUPS, "packed")
except (ImportError, AttributeError, StopIteration):  # pragma: no cover - another Python
    _KEY = None

_NAME = "regexes.marshal"
_PLANS = "scans.marshal"
_MERGED = "merged-scans.marshal"
# How `_dispatch_plan` reads a pattern, part of its cache key: change it with the reading.
_PLAN_FORMAT = 1
# How `_merged` joins alternatives, part of its cache key: change it with the joining.
_MERGE_FORMAT = 1
# Patterns of other configurations (another set of buildings) are kept too, up to this
# many; beyond it only those of the latest build are.
_KEEP = 400

_Parts = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]


def _parts(pattern: str, flags: int) -> _Parts:
    """What `re._compiler.compile` passes to `_sre.compile`, computed the same way."""
    parsed = _parser.parse(pattern, flags)
    code = array.array(_WORD, _compiler._code(parsed, flags)).tobytes()
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (
        int(flags | parsed.state.flags),
        code,
        int(parsed.state.groups - 1),
        {name: int(index) for name, index in groupindex.items()},
        tuple(indexgroup),
    )


class _Memo:
    """Values worked out from a pattern and its flags, kept in one cache file."""

    def __init__(self, name: str, key: object) -> None:
        self.name = name
        self.key = key
        stored = diskcache.load(name, key)
        self.known: dict[tuple[str, int], Any] = stored if isinstance(stored, dict) else {}
        self.used: dict[tuple[str, int], Any] = {}
        self.missed = False
        self.lock = threading.Lock()

    def get(self, key: tuple[str, int], make: Callable[[str, int], Any]) -> Any:
        if key in self.known:
            value = self.known[key]
        else:
            value = make(*key)
            self.missed = True
        with self.lock:
            self.used[key] = value
        return value

    def forget(self, key: tuple[str, int]) -> None:
        """A bad entry: the cache is rewritten without it."""
        with self.lock:
            self.known.pop(key, None)
            self.used.pop(key, None)
            self.missed = True

    def save(self) -> None:
        with self.lock:
            if not self.missed:
                return
            keep = {**self.known, **self.used}
            if len(keep) > _KEEP:
                keep = dict(self.used)
            self.known, self.missed = keep, False
        diskcache.store(self.name, self.key, keep)


@dataclass(frozen=True)
class _Memos:
    parts: _Memo  # what `_sre.compile` is given, per pattern
    plans: _Memo  # where a `Scan`'s alternatives may begin, per pattern
    merged: _Memo  # the same for a scan asked only where a match begins (`_merged_plan`)


@functools.cache
def _memos() -> _Memos | None:
    if _KEY is None:
        return None
    return _Memos(
        _Memo(_NAME, _KEY),
        _Memo(_PLANS, (_KEY, _PLAN_FORMAT)),
        _Memo(_MERGED, (_KEY, _PLAN_FORMAT, _MERGE_FORMAT)),
    )


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, from the cache when this interpreter made it before."""
    memos = _memos()
    if memos is None:
        return re.compile(pattern, flags)
    key = (pattern, int(flags))  # re.S is an int subclass, which marshal refuses
    return _made(key, memos.parts.get(key, _parts))


def _made(key: tuple[str, int], parts: _Parts) -> re.Pattern[str]:
    """The pattern object from its cached parts; a part _sre refuses (a damaged cache)
    is forgotten and the pattern compiled the slow way."""
    flags, code, groups, groupindex, indexgroup = parts
    try:
        words = array.array(_WORD, code).tolist()
        return _sre.compile(key[0], flags, words, groups, groupindex, indexgroup)  # type: ignore[no-any-return]
    except Exception:
        memos = _memos()
        if memos is not None:
            memos.parts.forget(key)
        return re.compile(*key)


def save() -> None:
    """Keep what was worked out since the last save (once an engine is built)."""
    memos = _memos()
    if memos is not None:
        memos.parts.save()
        memos.plans.save()
        memos.merged.save()


# ---------------------------------------------------------------------- first characters

# A character class wider than this (a whole script) says nothing about where a match
# may begin: such a pattern is searched as it is.
_WIDEST_CLASS = 512


class Scan:
    """A pattern of many alternatives, tried only where one of them can begin.

    CPython's regex engine skips ahead quickly only when every alternative of a pattern
    begins with a plain character; the engine's hazard and danger patterns begin with
    classes (``[煤媒]气``) and lookbehinds, so a search tried each of dozens of
    alternatives at every position of every message (37 µs for the hazard scan on an
    average message, a tenth of triage). Here each alternative's possible first
    characters are worked out once, a one-class search finds the positions where any may
    begin, and only the alternatives that can begin with that character are tried there,
    in their original order. The answer is the pattern's own: the same leftmost match,
    the same alternative winning. A pattern whose first characters cannot be listed (a
    ``.`` first, a case-insensitive part, groups to capture, an alternative that may be
    empty) is searched as it is.
    """

    __slots__ = ("_at", "_flags", "_regex", "_starts", "pattern")

    def __init__(self, pattern: str, flags: int = 0, *, starts_only: bool = False) -> None:
        """``starts_only`` is for `StartScan` alone: the alternatives are merged, so a
        match begins where the pattern's does but may end elsewhere (see ``_merged``)."""
        self.pattern = pattern
        self._flags = flags
        self._regex: re.Pattern[str] | None = None  # the whole, compiled when first needed
        self._starts: re.Pattern[str] | None = None
        self._at = _Alternatives()
        memos = _memos()
        planned = (memos.merged if starts_only else memos.plans) if memos else None
        make = _merged_plan if starts_only else _dispatch_plan
        plan = planned.get((pattern, int(flags)), make) if planned else None
        if not plan or memos is None:
            self._regex = compile(pattern, flags)
            return
        for chars, alternatives in plan:
            key = (alternatives, int(flags))
            self._at.plan(chars, key, memos.parts.get(key, _parts))
        self._starts = compile("[" + "".join(map(_in_class, sorted(self._at.planned))) + "]")

    @property
    def dispatches(self) -> bool:
        """Whether alternatives are tried only where one may begin; one alternative whose
        first characters cannot be listed (a Unicode ``\\d`` first, say) turns that off
        for the whole pattern, and triage on every message slows by half."""
        return self._starts is not None

    @property
    def regex(self) -> re.Pattern[str]:
        """The whole pattern, compiled as it is (a scan that dispatches rarely needs it:
        the dictionary's is the largest regex of all)."""
        whole = self._regex
        if whole is None:  # two threads may both compile it: the same pattern either way
            whole = self._regex = compile(self.pattern, self._flags)
        return whole

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if self._starts is None:
            return self.regex.search(text, pos, endpos)
        at = self._at
        for begin in self._starts.finditer(text, pos, endpos):
            i = begin.start()
            found = at[text[i]].match(text, i, endpos)
            if found is not None:
                return found
        return None

    def finditer(
        self, text: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        if self._starts is None:
            yield from self.regex.finditer(text, pos, endpos)
            return
        at = self._at
        resume = pos  # where the search goes on after a match (none matches empty text)
        for begin in self._starts.finditer(text, pos, endpos):
            i = begin.start()
            if i < resume:
                continue
            found = at[text[i]].match(text, i, endpos)
            if found is not None:
                yield found
                resume = found.end()

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if self._starts is None or not 0 <= pos < min(len(text), endpos):
            return self.regex.match(text, pos, endpos)
        if text[pos] not in self._at.planned:
            return None
        return self._at[text[pos]].match(text, pos, endpos)

    def fullmatch(
        self, text: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        return self.regex.fullmatch(text, pos, endpos)

    def sub(self, repl: str, text: str, count: int = 0) -> str:
        return self.regex.sub(repl, text, count)


class StartScan:
    """Where the first match of a pattern begins, and nothing of what it matched: the
    question the engine asks of its union of every hazard (is there one at all, and from
    where need each hazard be looked for). That lets the alternatives that begin alike
    be merged (`_merged`), which a pattern whose matches are read may not be: the union
    repeats the list of old people at the head of dozens of alternatives, each tried in
    turn at every 老, 大 or 家 of a message (merged, the union's scan of the labelled
    messages takes half the time)."""

    __slots__ = ("_scan",)

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._scan = Scan(pattern, flags, starts_only=True)

    @property
    def pattern(self) -> str:
        return self._scan.pattern

    @property
    def dispatches(self) -> bool:
        return self._scan.dispatches

    def first(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> int | None:
        """Where the leftmost match begins, or None."""
        found = self._scan.search(text, pos, endpos)
        return None if found is None else found.start()

    def found_in(self, text: str) -> bool:
        """Whether a match begins anywhere (the lean path's test, most messages: no)."""
        return self._scan.search(text) is not None


class _Alternatives(dict[str, re.Pattern[str]]):
    """A `Scan`'s alternatives by the character they may begin with, each group compiled
    when a message first holds one of its characters: the engine's scans have over a
    thousand groups, a run of messages meets a few hundred, and compiling them all was a
    tenth of the start of `gridbot classify`."""

    def __init__(self) -> None:
        super().__init__()
        # character → (the characters of its group, the group's cache key, its parts)
        self.planned: dict[str, tuple[str, tuple[str, int], _Parts]] = {}

    def plan(self, chars: str, key: tuple[str, int], parts: _Parts) -> None:
        self.planned.update(dict.fromkeys(chars, (chars, key, parts)))

    def __missing__(self, ch: str) -> re.Pattern[str]:
        chars, key, parts = self.planned[ch]
        compiled = _made(key, parts)
        self.update(dict.fromkeys(chars, compiled))
        return compiled


def _in_class(ch: str) -> str:
    return "\\" + ch if ch in "\\]^-[" else ch


def _dispatch_plan(pattern: str, flags: int) -> tuple[tuple[str, str], ...] | None:
    """Which of the top-level alternatives of ``pattern`` may begin with which
    characters, as (characters, those alternatives joined in their order); None when
    that cannot be said of every alternative."""
    try:
        if flags & re.IGNORECASE or _parser.parse(pattern, flags).state.groups > 1:
            return None
    except (re.error, RecursionError):
        return None
    alternatives = _top_level_alternatives(pattern)
    if alternatives is None or len(alternatives) < 2:
        return None
    firsts: list[frozenset[str]] = []
    for alternative in alternatives:
        try:
            parsed = _parser.parse(alternative, flags)
        except (re.error, RecursionError):
            return None
        if parsed.state.flags & re.IGNORECASE:
            return None
        begins = _first_of(list(parsed))
        if begins is None or begins[1]:  # unknown, or it may match empty text
            return None
        firsts.append(frozenset(begins[0]))
    by_subset: dict[tuple[int, ...], list[str]] = {}
    for ch in sorted(set().union(*firsts)):
        subset = tuple(i for i, chars in enumerate(firsts) if ch in chars)
        by_subset.setdefault(subset, []).append(ch)
    return tuple(
        ("".join(chars), "|".join(alternatives[i] for i in subset))
        for subset, chars in by_subset.items()
    )


def _merged_plan(pattern: str, flags: int) -> tuple[tuple[str, str], ...] | None:
    """`_dispatch_plan`, each group's alternatives merged by their common beginnings."""
    plan = _dispatch_plan(pattern, flags)
    if plan is None:
        return None
    return tuple((chars, _merged(group, flags)) for chars, group in plan)


def _merged(alternation: str, flags: int = 0) -> str:
    """The alternatives of ``alternation`` as one pattern that matches where, and only
    where, one of them does, those that begin with the same items sharing them:
    ``E.{0,6}X|E走丢|Y`` is ``E(?:.{0,6}X|走丢)|Y``. Which alternative wins, and so how
    far a match reaches, may change; whether one begins at a position may not (an
    alternative that is the beginning of another makes the longer one redundant). A
    pattern whose items cannot be told apart is returned as it is, and so is a verbose
    one (its spaces and comments are no items)."""
    if flags & re.VERBOSE:
        return alternation
    alternatives = _top_level_alternatives(alternation)
    if alternatives is None:
        return alternation
    sequences = [_items(a) for a in alternatives]
    if any(s is None for s in sequences):
        return alternation
    merged = "|".join(_trie([s for s in sequences if s is not None]))
    try:
        _parser.parse(merged, flags)
    except (re.error, RecursionError):  # pragma: no cover - a reading of items gone wrong
        return alternation
    return merged


def _trie(sequences: list[tuple[str, ...]]) -> list[str]:
    """Alternatives (each a sequence of items) as few alternatives, those that begin
    with the same item joined under it, in the order each beginning is first seen."""
    by_head: dict[str, list[tuple[str, ...]]] = {}
    for sequence in sequences:
        by_head.setdefault(sequence[0], []).append(sequence[1:])
    out = []
    for head, rests in by_head.items():
        if any(not rest for rest in rests):  # the head alone matches wherever they do
            out.append(head)
        elif len(rests) == 1:
            out.append(head + "".join(rests[0]))
        else:
            inner = _trie(rests)
            out.append(head + (inner[0] if len(inner) == 1 else "(?:" + "|".join(inner) + ")"))
    return out


# \x, \u and \U take a fixed number of hex digits (2, 4, 8): the escape is that long
_ESCAPE_LENGTH = {"x": 4, "u": 6, "U": 10}
_QUANTIFIER = re.compile(r"(?:[*+?]|\{[0-9]*(?:,[0-9]*)?\})[?+]?")


def _items(alternative: str) -> tuple[str, ...] | None:
    """``alternative`` cut into its items: a character, an escape, a class or a group,
    each with the quantifier after it; None for anything it cannot cut safely (a named,
    octal or back-reference escape, an unclosed group or class, a quantifier or a
    literal ``{`` where an item should begin)."""
    items: list[str] = []
    i, n = 0, len(alternative)
    while i < n:
        ch = alternative[i]
        if ch == "\\":
            if alternative[i + 1 : i + 2] in ("N", *"0123456789"):  # named, octal, back
                return None
            end = i + _ESCAPE_LENGTH.get(alternative[i + 1 : i + 2], 2)
        elif ch == "[":
            end = _class_end(alternative, i)
        elif ch == "(":
            end = _group_end(alternative, i)
        elif ch in ")|*+?{":
            return None
        else:
            end = i + 1
        if end < 0 or end > n:
            return None
        quantifier = _QUANTIFIER.match(alternative, end)
        if quantifier is not None:
            end = quantifier.end()
        items.append(alternative[i:end])
        i = end
    return tuple(items) if items else None


def _class_end(pattern: str, start: int) -> int:
    """Where the class opening at ``start`` ends (past its ``]``), or -1; a ``]`` right
    after ``[`` or ``[^`` is a character of the class."""
    i = start + 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):
        i += 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
        elif pattern[i] == "]":
            return i + 1
        else:
            i += 1
    return -1


def _group_end(pattern: str, start: int) -> int:
    """Where the group opening at ``start`` ends (past its ``)``), or -1."""
    depth, i = 0, start
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(pattern, i)
            if i < 0:
                return -1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _top_level_alternatives(pattern: str) -> list[str] | None:
    """``pattern`` cut at each ``|`` outside groups and classes."""
    parts: list[str] = []
    start, i, n = 0, 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
        elif ch == "[":
            i = _class_end(pattern, i)
        elif ch == "(":
            i = _group_end(pattern, i)
        elif ch == ")":
            return None
        else:
            if ch == "|":
                parts.append(pattern[start:i])
                start = i + 1
            i += 1
        if i < 0:
            return None
    parts.append(pattern[start:])
    return parts


def _first_of(items: list[tuple[object, object]]) -> tuple[set[str], bool] | None:
    """What a sequence of parsed items may begin with, and whether it may match empty."""
    chars: set[str] = set()
    for op, av in items:
        one = _first_of_item(op, av)
        if one is None:
            return None
        chars |= one[0]
        if not one[1]:
            return chars, False
    return chars, True


def _first_of_item(op: object, av: Any) -> tuple[set[str], bool] | None:
    c = _constants
    if op is c.LITERAL:
        return {chr(av)}, False
    if op is c.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is c.LITERAL:
                chars.add(chr(value))
            elif kind is c.RANGE and value[1] - value[0] < _WIDEST_CLASS:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            else:  # a negated class, \d or \w, a whole script
                return None
        return chars, False
    if op is c.SUBPATTERN:
        _group, add_flags, _del_flags, inner = av
        if add_flags & re.IGNORECASE:
            return None
        return _first_of(list(inner))
    if op is c.ATOMIC_GROUP:
        return _first_of(list(av))
    if op is c.BRANCH:
        chars, empty = set(), False
        for branch in av[1]:
            one = _first_of(list(branch))
            if one is None:
                return None
            chars |= one[0]
            empty = empty or one[1]
        return chars, empty
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, _high, inner = av
        one = _first_of(list(inner))
        if one is None:
            return None
        return one[0], low == 0 or one[1]
    if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
        return set(), True  # zero width: the next item begins the match
    return None  # any character, a back-reference, a conditional...
