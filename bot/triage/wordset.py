"""Does a text contain any of many literal words? Set lookups instead of a huge regex.

The engine asks this of every message for several word lists (triggers, things, faults,
fixes, the model's prescreen). One alternation per list answers it too, but compiling a
regex of a thousand words costs milliseconds of pure Python at every start of `gridbot
classify`, more than all the messages of a quiet day. Here a list is indexed by the
first two characters of its words: a message's character pairs, built once per message
and shared by every list, say which few words could be in it, and a substring test each
confirms them. The answer is exactly that of searching the alternation.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable

_add = operator.add


def pairs_of(text: str) -> frozenset[str]:
    """Every two neighbouring characters of the text (one C-level pass)."""
    return frozenset(map(_add, text, text[1:]))


class WordSet:
    """Literal words; `found_in` says whether any of them occurs in a text."""

    __slots__ = ("_always", "_by_pair", "chars", "pairs")

    def __init__(self, words: Iterable[str]) -> None:
        unique = set(words)
        # An alternation with no word, or with an empty one, matches every text.
        self._always = not unique or "" in unique
        self.chars = frozenset(w for w in unique if len(w) == 1)
        by_pair: dict[str, list[str]] = {}
        for word in sorted(unique, key=lambda w: (len(w), w)):
            if len(word) >= 2:
                by_pair.setdefault(word[:2], []).append(word)
        # A pair that is a word itself is found by the pair alone: no substring test.
        self._by_pair = {
            pair: None if words[0] == pair else tuple(words) for pair, words in by_pair.items()
        }
        self.pairs = frozenset(by_pair)

    def found_in(self, text: str, pairs: frozenset[str] | None = None) -> bool:
        """Whether any word occurs in ``text``; ``pairs`` is `pairs_of(text)` if the
        caller has it already."""
        if self._always or not self.chars.isdisjoint(text):
            return True
        if pairs is None:
            if self.pairs.isdisjoint(map(_add, text, text[1:])):
                return False  # most chatter: no pair begins a word (stops at the first)
            pairs = pairs_of(text)
        by_pair = self._by_pair
        for pair in self.pairs.intersection(pairs):
            words = by_pair[pair]
            if words is None or any(word in text for word in words):
                return True
        return False
