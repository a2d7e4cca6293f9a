"""Text normalisation applied before any matching.

Residents type on phones with full-width digits (３号楼), traditional characters (電梯),
and voice input; commands and triage must see one canonical form.

Every group message passes through here, and most carry full-width punctuation (，！？),
so the common cases are done by one `str.translate` and the expensive steps are skipped
when they cannot change anything: NFKC when the translated text is already NFKC, the
traditional → simplified conversion (a pure-Python longest-match over 12 000 phrases)
when the text holds no character that exists only in traditional Chinese, and the
whitespace clean-up when there is nothing to clean.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from types import MappingProxyType

from bot.messaging import diskcache
from bot.messaging.quickimport import import_without_pkg_resources

zhconv = import_without_pkg_resources("zhconv")

# What zhconv's zh-cn table does to corner brackets; applied by hand when zhconv is
# skipped, so the output does not depend on whether the text had traditional characters.
_BRACKETS = {"「": "“", "」": "”", "『": "‘", "』": "’", "﹁": "“", "﹂": "”"}
# Full-width ASCII (！ … ～) and the ideographic space are what NFKC changes in nearly
# every Chinese message; mapping them directly is exact and leaves NFKC for the rare rest.
# Pinyin typed with its tone marks (ránqì xièlòu) is pinyin all the same: the marks are
# dropped and ü is written v, as pinyin keyboards take it (lv, nv).
_TONED = {
    **{ch: plain for plain, marked in (
        ("a", "āáǎà"), ("e", "ēéěè"), ("i", "īíǐì"), ("o", "ōóǒò"), ("u", "ūúǔù"),
        ("v", "ǖǘǚǜü"), ("A", "ĀÁǍÀ"), ("E", "ĒÉĚÈ"), ("I", "ĪÍǏÌ"), ("O", "ŌÓǑÒ"),
        ("U", "ŪÚǓÙ"), ("V", "ǕǗǙǛÜ"),
    ) for ch in marked},
}
_FOLD = MappingProxyType(str.maketrans({
    **{chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)},
    "\u3000": " ",
    **_BRACKETS,
    **_TONED,
}))
# Anything the whitespace clean-up would change: a run of spaces, a line break or other
# whitespace, or whitespace at either end.
_UNTIDY = re.compile(r"\s\s|[^\S ]|^\s|\s$")


@functools.cache
def _table_key() -> tuple[object, ...] | None:
    """zhconv's table file and its code as a cache key (path, size, modification time
    of each: what is kept is made by both), or None; worked out once, for both caches."""
    try:
        from zhconv import zhconv as impl

        table = os.path.join(os.path.dirname(impl.__file__), impl.DICTIONARY)
        stamps = [(path, os.stat(path)) for path in (table, impl.__file__)]
    except (ImportError, AttributeError, TypeError, OSError):
        return None
    return tuple((path, s.st_size, s.st_mtime_ns) for path, s in stamps)


@functools.cache
def _traditional_only() -> frozenset[str] | None:
    """zhconv's set of traditional-only characters, or None if this zhconv lacks it.

    Reading it means parsing zhconv's whole half-megabyte table, a tenth of a short
    `gridbot classify` run, though most messages never need the table itself; so the set
    is kept in the user's cache, keyed by the table file it came from."""
    key = _table_key()
    if key is None:
        return None
    cached = diskcache.load("tradonly.marshal", key)
    if isinstance(cached, frozenset):
        return cached
    try:
        from zhconv import zhconv as impl

        impl.getdict("zh-cn")
        chars = frozenset(impl.zhcdicts["TRADONLY"])
    except (ImportError, AttributeError, KeyError, TypeError):
        return None
    diskcache.store("tradonly.marshal", key, chars)
    return chars


@functools.cache
def _zhconv_ready() -> None:
    """zhconv's zh-cn tables, from the user's cache when they are there.

    On the first traditional character zhconv parses its whole table and builds a set
    of every phrase's prefixes: 40 ms, a twentieth of a `gridbot classify` run of a
    day's group traffic. Its zh-cn phrases and their prefixes are kept in the user's
    cache after the first time and handed back to zhconv before its first conversion,
    so the conversion is zhconv's own either way; the whole table, which converting to
    zh-cn then never reads, is parsed only if something else asks for it. Any surprise
    (another zhconv, a damaged cache) leaves zhconv to load its tables itself."""
    try:
        from zhconv import zhconv as impl

        loaded = impl.zhcdicts is not None  # by `_traditional_only`, on a first run
    except (ImportError, AttributeError):
        return
    key = _table_key()
    if key is None:
        return
    cached = diskcache.load("zhcn.marshal", key)
    if isinstance(cached, tuple) and len(cached) == 2:
        phrases, prefixes = cached
        if isinstance(phrases, dict) and isinstance(prefixes, frozenset) and prefixes:
            if not loaded:
                impl.dict_zhcn, impl.pfsdict["zh-cn"] = phrases, prefixes
                impl.zhcdicts = _WholeTable(impl)
            return
    try:
        impl.getdict("zh-cn")
        tables = (impl.dict_zhcn, impl.pfsdict["zh-cn"])
    except (AttributeError, KeyError, TypeError):
        return
    diskcache.store("zhcn.marshal", key, tables)


class _WholeTable(dict[str, object]):
    """Stands in for zhconv's parsed table until something reads an entry (zhconv reads
    it only by key): then zhconv loads the real table in its place, and the entry comes
    from there."""

    def __init__(self, impl: object) -> None:
        super().__init__()
        self._impl = impl

    def __missing__(self, key: str) -> object:
        impl = self._impl
        impl.zhcdicts = None  # type: ignore[attr-defined]  # "not loaded", to any loader
        impl.loaddict()  # type: ignore[attr-defined]
        table = impl.zhcdicts  # type: ignore[attr-defined]
        if not isinstance(table, dict) or isinstance(table, _WholeTable):
            raise KeyError(key)
        return table[key]


def _simplified(text: str) -> str:
    _zhconv_ready()
    return zhconv.convert(text, "zh-cn")


def normalise(text: str) -> str:
    """Full-width → half-width (NFKC), traditional → simplified, pinyin's tone marks
    dropped, runs of spaces collapsed.

    Line breaks survive: WeChat's quoted-reply format and multi-problem messages need them.
    """
    if not text:
        return ""
    folded = text.translate(_FOLD)
    if not unicodedata.is_normalized("NFKC", folded):
        folded = unicodedata.normalize("NFKC", folded).translate(_FOLD)  # a + U+0304 is ā
    traditional = _traditional_only()
    if traditional is None or not traditional.isdisjoint(folded):
        folded = _simplified(folded).translate(_FOLD)
    if not _UNTIDY.search(folded):
        return folded
    lines = (" ".join(line.split()) for line in folded.splitlines())
    return "\n".join(line for line in lines if line)


# How much of a message the bot reads (see ``head``).
READ_LIMIT = 10_000
_SENTENCE_END = "。！？!?；;"
# Characters that may be part of a phone or ID number as residents write it (digits,
# Chinese numerals, separators): a last-resort cut never falls next to one.
_NUMBERISH = frozenset("0123456789零〇一二三四五六七八九幺两xX+-.·()（） \u00a0\u3000")


def head(text: str, limit: int = READ_LIMIT) -> str:
    """The first ``limit`` characters or fewer of ``text``, cut where nothing is split.

    A person reads the start of a 100,000-character message, and so does the bot: its
    commands, quotes and reports are there. Reading all of it held the event loop, and
    with it every other chat, for a tenth of a second per pass of a handler's pattern.
    The cut falls right after a sentence's end (。！？…) before a visible character, so no
    phone number, conversion phrase or run of spaces spans it and masking the head masks
    the same numbers as masking the whole; a text with no sentence end near the limit is
    cut where no neighbour could belong to a number.
    """
    if len(text) <= limit:
        return text
    low = limit // 2
    cut = _sentence_cut(text, low, limit) or _plain_cut(text, low, limit) or low
    return text[:cut]


def _sentence_cut(text: str, low: int, high: int) -> int | None:
    for at in range(high, low, -1):
        if (
            text[at - 1] in _SENTENCE_END
            and not text[at].isspace()
            and not unicodedata.combining(text[at])
        ):
            return at
    return None


def _plain_cut(text: str, low: int, high: int) -> int | None:
    for at in range(high, low, -1):
        before, after = text[at - 1], text[at]
        if (
            before not in _NUMBERISH
            and after not in _NUMBERISH
            and not before.isspace()
            and not after.isspace()
            and not unicodedata.combining(after)
        ):
            return at
    return None


# Control characters (C0 but tab and line breaks, DEL, C1) and lone surrogates: PostgreSQL
# refuses NUL in text and no database stores a lone surrogate as UTF-8, and none of them
# means anything in a chat message. Tabs become spaces; a carriage return a line break.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BREAKS = re.compile(r"\r\n?|\t")


def scrub(text: str | None) -> str | None:
    """``text`` without control characters, so it stores the same on every database."""
    if not text:
        return text
    text = _BREAKS.sub(lambda m: " " if m.group() == "\t" else "\n", text)
    return _CONTROL.sub("", text)


ECHO_LIMIT = 20  # characters of a person's words a reply repeats back ("不认识“…”")


def clip(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` cut to ``limit`` characters (an ellipsis marks the cut), for replies that
    echo what someone typed: a pasted essay must not come back as a 5,000-character answer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
