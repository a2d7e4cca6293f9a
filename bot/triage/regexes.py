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

import functools
import re
import threading

from bot.messaging import diskcache

try:  # CPython's own compiler, the one re.compile runs
    import _sre
    from re import _compiler, _parser

    _KEY: object = (_sre.MAGIC, _sre.CODESIZE, _sre.MAXREPEAT, _sre.MAXGROUPS)
except (ImportError, AttributeError):  # pragma: no cover - another Python
    _KEY = None

_NAME = "regexes.marshal"
# Patterns of other configurations (another set of buildings) are kept too, up to this
# many; beyond it only those of the latest build are.
_KEEP = 400

_Parts = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]


def _parts(pattern: str, flags: int) -> _Parts:
    """What `re._compiler.compile` passes to `_sre.compile`, computed the same way."""
    parsed = _parser.parse(pattern, flags)
    # opcodes are int subclasses, which marshal refuses; _sre reads plain ints the same
    code = list(map(int, _compiler._code(parsed, flags)))
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


class _Store:
    def __init__(self) -> None:
        stored = diskcache.load(_NAME, _KEY) if _KEY is not None else None
        self.known: dict[tuple[str, int], _Parts] = stored if isinstance(stored, dict) else {}
        self.used: dict[tuple[str, int], _Parts] = {}
        self.missed = False
        self.lock = threading.Lock()

    def compile(self, pattern: str, flags: int) -> re.Pattern[str]:
        flags = int(flags)  # re.S is an int subclass, which marshal refuses
        key = (pattern, flags)
        parts = self.known.get(key)
        fresh = parts is None
        try:
            if parts is None:
                parts = _parts(pattern, flags)
            compiled = _sre.compile(pattern, *parts)
        except Exception:
            if not fresh:
                self.known.pop(key, None)
                self.missed = True  # a bad entry: rewrite the cache without it
            return re.compile(pattern, flags)
        with self.lock:
            self.used[key] = parts
            self.missed = self.missed or fresh
        return compiled  # type: ignore[no-any-return]

    def save(self) -> None:
        with self.lock:
            if not self.missed:
                return
            keep = {**self.known, **self.used}
            if len(keep) > _KEEP:
                keep = dict(self.used)
            self.known, self.missed = keep, False
        diskcache.store(_NAME, _KEY, keep)


@functools.cache
def _store() -> _Store | None:
    return _Store() if _KEY is not None else None


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, from the cache when this interpreter made it before."""
    store = _store()
    if store is None:
        return re.compile(pattern, flags)
    return store.compile(pattern, flags)


def save() -> None:
    """Keep the patterns compiled since the last save (once an engine is built)."""
    store = _store()
    if store is not None:
        store.save()
