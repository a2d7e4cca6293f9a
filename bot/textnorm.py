"""Text normalisation applied before any matching.

Residents type on phones with full-width digits (３号楼), traditional characters (電梯),
and voice input; commands and triage must see one canonical form.
"""

from __future__ import annotations

import unicodedata

import zhconv


def normalise(text: str) -> str:
    """Full-width → half-width (NFKC), traditional → simplified, runs of spaces collapsed.

    Line breaks survive: WeChat's quoted-reply format and multi-problem messages need them.
    """
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text)
    simplified = zhconv.convert(folded, "zh-cn")
    lines = (" ".join(line.split()) for line in simplified.splitlines())
    return "\n".join(line for line in lines if line)
