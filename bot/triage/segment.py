"""Segmentation where two dictionary words cross (也没水: 也没 or 没水?), without jieba.

The engine cuts a message only when two of its words overlap, and then it wants
exactly what `jieba.Tokenizer.tokenize(text, HMM=False)` gives on the domain
dictionary: the most probable path through the dictionary's words. That path is a few
lines of dynamic programming over a prefix dictionary; importing jieba for it (its HMM
tables included) cost a tenth of the start of `gridbot classify`. This module does the
same computation, step by step as jieba does it (same prefix dictionary, same
frequencies, same log-probabilities, same ties), so the words are the same; a test
compares the two. jieba itself is still what `TriageEngine.words` uses (with its HMM for
words outside the dictionary), loaded the first time it is asked.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.messaging import diskcache
from bot.triage import regexes

# jieba's own block and skip patterns (jieba/__init__.py, re_han_default etc.).
_HAN = regexes.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
_SKIP = regexes.compile("(\r\n|\\s)")
_ENG = regexes.compile("[a-zA-Z0-9]")
# The shape of the cached prefix dictionary, part of its key.
_FORMAT = 1


class Segmenter:
    """The domain dictionary as jieba's prefix dictionary, and jieba's no-HMM cut."""

    def __init__(self, dict_path: Path, words: Iterable[str], freq: int) -> None:
        raw_dict = dict_path.read_bytes()
        words = tuple(words)
        # the prefix dictionary depends on nothing else; kept in the user's cache
        key = (_FORMAT, hashlib.blake2b(raw_dict, digest_size=16).digest(), words, freq)
        cached = diskcache.load("segment.marshal", key)
        if isinstance(cached, tuple) and len(cached) == 2:
            table, total = cached
        else:
            table, total = _prefix_dict(raw_dict, words, freq)
            diskcache.store("segment.marshal", key, (table, total))
        self.freq: dict[str, int] = table
        self.total: int = total
        self._logtotal = math.log(total)

    def tokenize(self, text: str) -> Iterator[tuple[str, int, int]]:
        """(word, start, end) as `jieba.Tokenizer.tokenize(text, HMM=False)`."""
        start = 0
        for word in self._cut(text):
            yield word, start, start + len(word)
            start += len(word)

    def _cut(self, text: str) -> Iterator[str]:
        for block in _HAN.split(text):
            if not block:
                continue
            if _HAN.match(block):
                yield from self._cut_block(block)
            else:
                for piece in _SKIP.split(block):
                    if _SKIP.match(piece):
                        yield piece
                    else:
                        yield from piece

    def _cut_block(self, sentence: str) -> Iterator[str]:
        freq = self.freq
        n = len(sentence)
        dag: dict[int, list[int]] = {}
        for k in range(n):
            ends: list[int] = []
            i = k
            frag = sentence[k]
            while i < n and frag in freq:
                if freq[frag]:
                    ends.append(i)
                i += 1
                frag = sentence[k : i + 1]
            dag[k] = ends or [k]
        log, logtotal = math.log, self._logtotal
        route: dict[int, tuple[float, int]] = {n: (0, 0)}
        for idx in range(n - 1, -1, -1):
            route[idx] = max(
                (log(freq.get(sentence[idx : x + 1]) or 1) - logtotal + route[x + 1][0], x)
                for x in dag[idx]
            )
        x = 0
        buf = ""
        while x < n:
            y = route[x][1] + 1
            word = sentence[x:y]
            if _ENG.match(word) and len(word) == 1:
                buf += word
            else:
                if buf:
                    yield buf
                    buf = ""
                yield word
            x = y
        if buf:
            yield buf


def _prefix_dict(raw_dict: bytes, words: Iterable[str], freq: int) -> tuple[dict[str, int], int]:
    """jieba's gen_pfdict: every word with its frequency, every prefix with 0; then the
    engine's additions (TriageEngine._make_tokenizer, jieba's add_word)."""
    table: dict[str, int] = {}
    total = 0
    for raw in raw_dict.split(b"\n"):
        line = raw.strip().decode("utf-8")
        if not line:
            continue
        word, count = line.split(" ")[:2]
        table[word] = int(count)
        total += int(count)
        for end in range(1, len(word) + 1):
            table.setdefault(word[:end], 0)
    # the engine's additions (TriageEngine._make_tokenizer, jieba's add_word)
    for word in words:
        if not table.get(word):
            table[word] = freq
            total += freq
            for end in range(1, len(word) + 1):
                table.setdefault(word[:end], 0)
    # a character that only starts words weighs as an unknown one (see the engine)
    for word, count in list(table.items()):
        if len(word) == 1 and not count:
            table[word] = 1
    return table, total
