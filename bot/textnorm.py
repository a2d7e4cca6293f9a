"""Text normalisation applied before any matching.

Residents type on phones with full-width digits (３号楼), traditional characters (電梯),
and voice input; commands and triage must see one canonical form.

Every group message passes through here, so the two expensive steps are skipped when
they cannot change anything: NFKC when the text is already NFKC, and the traditional →
simplified conversion (a pure-Python longest-match over 12 000 phrases) when the text
holds no character that exists only in traditional Chinese.
"""

from __future__ import annotations

import functools
import unicodedata
from types import MappingProxyType

import zhconv

# What zhconv's zh-cn table does to corner brackets; applied by hand when zhconv is
# skipped, so the output does not depend on whether the text had traditional characters.
_BRACKETS = MappingProxyType(str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’",
                                            "﹁": "“", "﹂": "”"}))


@functools.cache
def _traditional_only() -> frozenset[str] | None:
    """zhconv's set of traditional-only characters, or None if this zhconv lacks it."""
    try:
        from zhconv import zhconv as impl

        impl.getdict("zh-cn")
        chars = impl.zhcdicts["TRADONLY"]
    except (ImportError, AttributeError, KeyError, TypeError):
        return None
    return frozenset(chars)


def normalise(text: str) -> str:
    """Full-width → half-width (NFKC), traditional → simplified, runs of spaces collapsed.

    Line breaks survive: WeChat's quoted-reply format and multi-problem messages need them.
    """
    if not text:
        return ""
    folded = text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize(
        "NFKC", text
    )
    traditional = _traditional_only()
    if traditional is None or not traditional.isdisjoint(folded):
        folded = zhconv.convert(folded, "zh-cn")
    else:
        folded = folded.translate(_BRACKETS)
    lines = (" ".join(line.split()) for line in folded.splitlines())
    return "\n".join(line for line in lines if line)
