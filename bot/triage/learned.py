"""The learned half of triage: a character n-gram linear model that needs no exact word.

The rules find a request only when a message pairs dictionary words; a resident who
writes 困了一个老人 or 煤汽味 names neither. This model reads what every message has —
characters, and the pinyin of those characters — and scores three things: is this a
request, is it urgent, and which category. It is trained by ``python -m
bot.triage.train`` (scikit-learn, a build/test extra) and shipped as plain data in
``data/model.json``; this module reads it with the standard library only, so the runtime
needs neither scikit-learn nor numpy, and `gridbot classify` starts fast.

Features (the same function builds them for training and at run time, so the two cannot
drift): character 1–3-grams of the message with digits folded to 0, plus pinyin syllable
1–2-grams (``~mei~qi``) with the common southern confusions folded (zh/z, ch/c, sh/s,
n/l, -ng/-n), so a homophone typo and a message typed in pinyin share features with the
words they stand for. Each feature is present or absent; the vector is L2-normalised over
the features the model knows. Scoring costs one dictionary lookup per feature: linear in
the message length.
"""

from __future__ import annotations

import array
import functools
import heapq
import itertools
import json
import math
import operator
import re
import struct
import sys
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from bot.messaging import diskcache
from bot.triage import regexes
from bot.triage.lexicon import DATA_DIR

MODEL_FILE = "model.json"
# The shape of what `_prepared` returns, part of the cache key: change it with the shape.
_PREPARED_FORMAT = 5
PINYIN_FILE = "pinyin.txt"

_DIGITS = regexes.compile(r"\d+")
_NON_WORD = regexes.compile(r"[^\w]+")
_LATIN = regexes.compile(r"[a-z]+")
_CJK = regexes.compile(r"[\u4e00-\u9fff]")
# A greeting that opens a message says nothing of what follows, but most messages written
# with one are introductions and notices (大家好，我是新来的网格员), so a model that saw it
# learnt to doubt 大家好，3号楼门口井盖坏了 itself: it reads the message without it.
_GREETING = regexes.compile(
    r"^\s*(?:大家好|大家晚上好|大家早上好|各位(?:邻居|街坊|乡亲|业主)?们?好?|邻居们好?"
    r"|(?:hi|hello|哈喽|哈啰|嗨)(?:大家)?)[\s,.!~:，。！～、：]*",
    re.IGNORECASE,
)
_CJK_PAIR = regexes.compile(r"[\u3400-\u9fff\U00020000-\U0003ffff]{2}")
_add = operator.add
_BREAKS = itertools.repeat("")
# A pair of characters the model weighs at least this much towards a report or an
# emergency, and that at least GATE_SHARE of the GATE_SUPPORT or more training messages
# holding it are reports, opens the model's prescreen like a dictionary word (the
# model's `gate_pairs`, chosen by the training script). Measured on blind sets the model
# had not seen: weight 2.0 alone found 1.4% more requests of seven sets (2,940
# messages, short southern speech among them) with no more false alarms, but let pairs
# of small talk through (我是, 白天, 现在: 52% of realistic traffic left by the lean path
# instead of 59%); on six later sets (2,520) the share of 0.7 kept all but one of the
# requests found (R 0.890 -> 0.901, not 0.903) with 57.8% on the lean path.
GATE_WEIGHT = 2.0
GATE_SHARE = 0.7
GATE_SUPPORT = 5


def _data_text(name: str) -> str:
    return (DATA_DIR / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------------- pinyin


def fuzzy(syllable: str) -> str:
    """One key for syllables residents confuse (zh/z, ch/c, sh/s, n/l, -ng/-n)."""
    s = syllable
    if s.startswith(("zh", "ch", "sh")):
        s = s[0] + s[2:]
    elif s.startswith("n") and len(s) > 1:
        s = "l" + s[1:]
    if s.endswith("ng") and len(s) > 2 and s != "ng":
        s = s[:-1]
    return s


@dataclass(frozen=True, slots=True)
class PinyinTable:
    """Character → syllable (its most common reading) and the syllables' spellings.

    Built from the shipped ``data/pinyin.txt`` (one line per syllable: the syllable, then
    its characters, commonest in residents' messages first), which the training script
    writes from pypinyin; the runtime needs no pinyin package.
    """

    of_char: dict[str, str]
    fuzzy_of: dict[str, str]  # character → fuzzy key of its syllable
    first_char: dict[str, str]  # syllable → the character residents most often mean
    syllables: frozenset[str]
    longest: int
    tilde_of: dict[str, str]  # character → "~" + fuzzy key (the model's syllable feature)

    @classmethod
    def parse(cls, text: str) -> PinyinTable:
        of_char: dict[str, str] = {}
        first: dict[str, str] = {}
        for line in text.splitlines():
            parts = line.split("\t")
            if len(parts) != 2 or not parts[1]:
                continue
            syllable, chars = parts
            first[syllable] = chars[0]
            for ch in chars:
                of_char.setdefault(ch, syllable)
        # a few hundred syllables for thousands of characters: each key made once
        keys = {syl: fuzzy(syl) for syl in set(of_char.values())}
        tildes = {syl: "~" + key for syl, key in keys.items()}
        fuzzy_of = {ch: keys[syl] for ch, syl in of_char.items()}
        tilde_of = {ch: tildes[syl] for ch, syl in of_char.items()}
        return cls(
            of_char, fuzzy_of, first, frozenset(first), max(map(len, first), default=0), tilde_of
        )

    def split(self, run: str) -> list[str] | None:
        """A latin run as pinyin syllables ("diantihuaile" → dian ti huai le), or None.

        Fewest syllables wins (xian, not xi an); a run that does not split completely
        is not pinyin.
        """
        n = len(run)
        best: list[list[str] | None] = [None] * (n + 1)
        best[0] = []
        for i in range(n):
            here = best[i]
            if here is None:
                continue
            for j in range(min(n, i + self.longest), i, -1):
                syl = run[i:j]
                if syl in self.syllables:
                    cand = best[j]
                    if cand is None or len(cand) > len(here) + 1:
                        best[j] = [*here, syl]
        return best[n]


@functools.cache
def pinyin_table() -> PinyinTable:
    return PinyinTable.parse(_data_text(PINYIN_FILE))


def syllables_of(text: str, table: PinyinTable) -> list[str]:
    """The message as fuzzy syllables: each Chinese character's reading, and latin runs
    that are pinyin split into theirs; anything else is a break ("")."""
    lowered = text.lower()
    if not _LATIN.search(lowered):
        return _chars_to_syllables(lowered, table.fuzzy_of)
    out: list[str] = []
    pos = 0
    for m in _LATIN.finditer(lowered):
        out.extend(_chars_to_syllables(lowered[pos : m.start()], table.fuzzy_of))
        split = table.split(m.group()) if len(m.group()) >= 2 else None
        if split:
            out.extend(fuzzy(s) for s in split)
        else:
            out.append("")
        pos = m.end()
    out.extend(_chars_to_syllables(lowered[pos:], table.fuzzy_of))
    return out


def _chars_to_syllables(text: str, fuzzy_of: dict[str, str]) -> list[str]:
    """Each character's fuzzy syllable; other characters are a break (spaces are not)."""
    return [
        syl if syl is not None else ""
        for ch, syl in zip(text, map(fuzzy_of.get, text), strict=True)
        if syl is not None or not ch.isspace()
    ]


def features(text: str, table: PinyinTable | None = None) -> set[str]:
    """The model's features of one message (already normalised and cut to the window).

    Every step is a C-level map over the text (no Python loop per character): this runs
    on every message that reaches the model.
    """
    table = table or pinyin_table()
    text = _GREETING.sub("", text, count=1) or text
    lowered = text.lower()
    folded = _NON_WORD.sub(" ", _DIGITS.sub("0", lowered)).strip()
    p = f" {folded} "
    pairs = list(map(_add, p, p[1:]))
    feats = set(p)
    feats.update(pairs)
    feats.update(map(_add, pairs, p[2:]))
    feats.discard(" ")
    feats.discard("  ")
    if _LATIN.search(lowered):
        syls = ["~" + s if s else "" for s in syllables_of(text, table)]
    else:
        # each character's "~syllable" ("" for a break), whitespace skipped
        syls = list(map(table.tilde_of.get, "".join(lowered.split()), _BREAKS))
    feats.update(syls)
    # A pair with a break in it is "" or a syllable already in the set: no new feature.
    feats.update(map(_add, syls, syls[1:]))
    feats.discard("")
    return feats


# ---------------------------------------------------------------------- the model


def strong_pairs(*heads: dict[str, float]) -> frozenset[str]:
    """The character pairs (never latin, digits or sounds) that weigh GATE_WEIGHT or more
    in any of ``heads``: what the model's prescreen is chosen from. The dictionary cannot
    list every word of every dialect (𨋢 for the lift, 晕低 for fainting): a message that
    holds such a pair is one the model has learnt to read as a report, so it may judge
    it, at the same rescue line as any other."""
    return frozenset(
        feature
        for head in heads
        for feature, weight in head.items()
        if weight >= GATE_WEIGHT and len(feature) == 2 and _CJK_PAIR.fullmatch(feature)
    )


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


class Reading:
    """What the model makes of one message. The engine needs the request score of every
    message it asks about, and the urgent and category heads of fewer: each head is
    summed when first asked for, over the feature indices looked up once (the lookups,
    not the sums, are the cost: the model's dictionary is large and a lookup that misses
    the processor's cache costs more than a head's sum)."""

    def __init__(
        self,
        model: LinearModel,
        known: list[int],
        ticket_floor: float = 0.0,
        urgent_cap: float = 1.0,
    ) -> None:
        self._model = model
        self.known = known  # where the message's known features sit in the model
        self._norm = 1.0 / math.sqrt(len(known)) if known else 0.0
        # the probability that the message is a request (floor and cap: see
        # LinearModel.read_typed)
        self.ticket_p = max(self._p(0, model.ticket), ticket_floor)
        self._urgent_cap = urgent_cap

    def _p(self, head: int, weights: array.array[float]) -> float:
        total = sum(map(weights.__getitem__, self.known))
        return _sigmoid(self._model.biases[head] + self._norm * total)

    @functools.cached_property
    def urgent_p(self) -> float:
        """The probability that it reports an immediate danger."""
        return min(self._p(1, self._model.urgent), self._urgent_cap)

    @functools.cached_property
    def _category(self) -> tuple[str, float]:
        model = self._model
        # the category rows of the features that have one (the lowest indices)
        at = filter(model.category_rows.__ge__, self.known)
        rows = list(map(model.category_row.__getitem__, at))
        sums = map(sum, zip(*rows, strict=True)) if rows else itertools.repeat(0.0)
        logits = [b + self._norm * s for b, s in zip(model.biases[2:], sums, strict=False)]
        top = max(logits)
        total = sum(math.exp(x - top) for x in logits)
        return model.categories[logits.index(top)], 1.0 / total

    @property
    def category(self) -> str:
        """The likeliest category, were it a request."""
        return self._category[0]

    @property
    def category_p(self) -> float:
        """How likely that category is, among the categories."""
        return self._category[1]


class LinearModel:
    """The shipped model: three linear heads over the same features.

    ``ticket`` (is it a request), ``urgent`` (is it an immediate danger) and one head
    per category, with the negligible weights pruned at training time; the input vector
    is L2-normalised over the features the model knows. Each known feature has an index
    into flat arrays of weights, so reading a message is one dictionary lookup per
    feature and one C-level sum per head, and loading the model makes one object per
    feature (its name) instead of one per weight: start-up is most of a short
    `gridbot classify` run.
    """

    def __init__(self, data: dict, table: PinyinTable | None = None) -> None:  # type: ignore[type-arg]
        self._setup(_prepared(data), table)

    def _setup(self, parts: tuple, table: PinyinTable | None) -> None:  # type: ignore[type-arg]
        categories, thresholds, window, biases, names, ticket, urgent, rows, gate = parts
        self.categories: tuple[str, ...] = tuple(categories)
        self.thresholds: dict[str, float] = dict(thresholds)
        self.window: int = int(window)
        self.biases: tuple[float, ...] = tuple(biases)  # ticket, urgent, then categories
        # feature → index into the weights; 1-based, so 0 (falsy) can mean "unknown"
        self._index: dict[str, int] = dict(zip(names, itertools.count(1)))
        self._names: tuple[str, ...] = ("", *names)  # and back
        self.ticket = _doubles(ticket)
        self.urgent = _doubles(urgent)
        row = struct.Struct(f"={len(categories)}d")
        # features 1..category_rows have a row of category weights (most features none)
        self.category_rows = len(rows) // row.size
        self.category_row = _Rows(row, rows)
        # pairs that let a message reach the model (see GATE_WEIGHT)
        self.gate_pairs: frozenset[str] = frozenset(gate)
        self._table = table or pinyin_table()

    @classmethod
    def load(cls) -> LinearModel:
        """The shipped model; its parsed form is kept in the user's cache, since parsing
        a megabyte of JSON is most of its load time. The entry is keyed by the file's
        contents, since a retrained model of the same size may keep an old modification
        time (a copy, an archive, an image); by their CRC-32, which tells any accidental
        change and is a fiftieth of the cost of the cryptographic hash it replaced (3% of
        a one-message `gridbot classify`)."""
        raw = (DATA_DIR / MODEL_FILE).read_bytes()
        key = (_PREPARED_FORMAT, sys.byteorder, len(raw), zlib.crc32(raw))
        parts = diskcache.load("model.marshal", key)
        if not (isinstance(parts, tuple) and len(parts) == 9):
            parts = _prepared(json.loads(raw.decode("utf-8")))
            diskcache.store("model.marshal", key, parts)
        model = cls.__new__(cls)
        model._setup(parts, None)
        return model

    def read(self, text: str) -> Reading:
        """The model's reading of one message (already normalised and windowed)."""
        return Reading(self, self._known(text))

    def read_typed(self, typed: str, read_as: str) -> Reading:
        """A message as the engine reads it: ``typed``, and when it was typed in pinyin
        also the characters the rules read it as (``read_as``, "" for any other message:
        "xiaoqu limian you hen duo laoshu" as 小区里面有很多老鼠). The model knows
        characters far better than latin letters, so its request score is the higher of
        the two and its category that of the characters; its urgency is the lower, since
        a slip of the reading must not make an emergency ("wo dao le" is 我到了, not
        我倒了). On the labelled messages typed in pinyin, against reading them as typed:
        14 requests found or no longer vetoed, 6 false alarms more."""
        as_typed = self.read(typed)
        if not read_as:
            return as_typed
        return Reading(
            self, self._known(read_as),
            ticket_floor=as_typed.ticket_p, urgent_cap=as_typed.urgent_p,
        )

    def _known(self, text: str) -> list[int]:
        """Where the message's features that the model knows sit in its weights."""
        return list(filter(None, map(self._index.get, features(text, self._table))))

    def features(self, text: str) -> frozenset[str]:
        """The message's features that the model knows."""
        return frozenset(filter(self._index.__contains__, features(text, self._table)))

    def explain(self, reading: Reading, n: int = 3) -> tuple[str, ...]:
        """The features that pushed hardest towards "request" (for the evidence field)."""
        names, ticket = self._names, self.ticket
        ranked = heapq.nlargest(  # over the features already looked up, not all of them
            n,
            (
                (weight, f)
                for i in reading.known
                if (weight := ticket[i]) > 0 and len((f := names[i]).strip()) >= 2
            ),
        )
        return tuple(f.strip() for _, f in ranked)


class _Rows(dict[int, tuple[float, ...]]):
    """The category rows by feature index, each unpacked when first needed: most
    messages never ask for a category."""

    def __init__(self, row: struct.Struct, packed: bytes) -> None:
        super().__init__()
        self._row = row
        self._packed = packed

    def __missing__(self, index: int) -> tuple[float, ...]:
        value = self[index] = self._row.unpack_from(self._packed, (index - 1) * self._row.size)
        return value


def _doubles(raw: bytes) -> array.array[float]:
    weights = array.array("d")
    weights.frombytes(raw)
    return weights


def _prepared(data: dict) -> tuple:  # type: ignore[type-arg]
    """What a model is built from, out of the file's JSON (and what the cache keeps):
    the features' names, and their weights packed as machine doubles (index 0 is no
    feature), so that loading it from the cache creates no object per weight. The
    features with category weights come first, so a feature's index says whether it has
    a row of them, and where."""
    heads = data["heads"]
    categories = list(data["categories"])
    ticket, urgent = heads["ticket"], heads["urgent"]
    by_category = [heads["category"].get(c, {}) for c in categories]  # each feature → weight
    with_row = sorted(set().union(*by_category))
    names = with_row + sorted(set(ticket).union(urgent).difference(with_row))
    row = struct.Struct(f"={len(categories)}d")
    rows = b"".join(row.pack(*(head.get(f, 0.0) for head in by_category)) for f in with_row)
    bias = data["bias"]
    return (
        categories,
        dict(data["thresholds"]),
        int(data["window"]),
        [bias["ticket"], bias["urgent"], *bias["category"]],
        names,
        array.array("d", [0.0, *(ticket.get(f, 0.0) for f in names)]).tobytes(),
        array.array("d", [0.0, *(urgent.get(f, 0.0) for f in names)]).tobytes(),
        rows,
        list(data.get("gate", ())),  # absent before the training script chose any
    )


@functools.cache
def shipped_model() -> LinearModel | None:
    """The packaged model, or None when a build shipped without one (rules only)."""
    try:
        return LinearModel.load()
    except FileNotFoundError:
        return None


def vocabulary(feature_sets: Iterable[set[str]], min_df: int) -> list[str]:
    """Features seen in at least `min_df` messages, sorted (training helper)."""
    counts: dict[str, int] = {}
    for feats in feature_sets:
        for f in feats:
            counts[f] = counts.get(f, 0) + 1
    return sorted(f for f, c in counts.items() if c >= min_df)
