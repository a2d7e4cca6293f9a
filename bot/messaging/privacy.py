"""Keeps residents' phone and ID numbers out of group messages.

Residents often paste their number into a report ("3号楼漏水 电话13812345678"); the bot
repeats report text in its dispatch message, so every group message passes through here,
and so does the text handlers and triage read (``Dispatcher.prepare``), before anything
cuts it into clauses: a number written with spaces ("+86 138 1234 5678") must be masked
whole, or a clause split leaves "5678家门口…" and loses the building.

Numbers are found however people write them: with spaces, dashes or dots between the
groups (138 1234 5678, 138-1234-5678, 138.1234.5678), with +86 / 0086, landlines with the
area code in brackets ((010)12345678, （010）1234-5678) or dashed twice (010-1234-5678),
in Chinese numerals (一三八一二三四五六七八, 幺 and 两 included), and ID numbers of 18
digits (last may be X) and the old 15.
"""

from __future__ import annotations

import re

PHONE = "[电话已隐藏]"
ID_NUMBER = "[证件号已隐藏]"
MASKS = frozenset({PHONE, ID_NUMBER})  # what a masked number reads as

# Each character that can stand for a digit, mapped to it one for one, so a match in the
# translated text is a match at the same place in the original.
_DIGITS = str.maketrans(
    {
        **{c: str(i) for i, c in enumerate("零一二三四五六七八九")},
        "〇": "0", "幺": "1", "两": "2",
        **{chr(0xFF10 + i): str(i) for i in range(10)},
    }
)
_SEP = r"[-.\s\u00a0·]?"  # one optional separator between digits: space, dash, dot
_ID_18 = re.compile(
    rf"(?<![\dA-Za-z])[1-9]\d{{5}}{_SEP}(?:19|20)\d{{2}}{_SEP}(?:0[1-9]|1[0-2]){_SEP}"
    rf"(?:0[1-9]|[12]\d|3[01]){_SEP}\d{{3}}[\dXx](?![\dA-Za-z])"
)
# The first-generation card: six digits of place, YYMMDD, three more; no check digit.
_ID_15 = re.compile(
    r"(?<![\dA-Za-z])[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![\dA-Za-z])"
)
_MOBILE = re.compile(
    rf"(?<!\d)(?:(?:\+|00)?86{_SEP}|\(\+?86\){_SEP})?1{_SEP}[3-9](?:{_SEP}\d){{9}}(?!\d)"
)
_LANDLINE = re.compile(
    r"(?<!\d)(?:(?:\+|00)?86[-\s]?)?"
    r"(?:[(（]0\d{2,3}[)）]\s?|0\d{2,3}[-.\s]?)"
    r"\d{3,4}[-.\s]?\d{4}(?!\d)"
)


def redact(text: str) -> str:
    """``text`` with every phone and ID number replaced by a placeholder."""
    if not text:
        return text
    shadow = text.translate(_DIGITS)
    spans: list[tuple[int, int, str]] = []
    for pattern, label in (
        (_ID_18, ID_NUMBER), (_ID_15, ID_NUMBER), (_MOBILE, PHONE), (_LANDLINE, PHONE)
    ):
        for m in pattern.finditer(shadow):
            start, end = m.span()
            if any(start < e and s < end for s, e, _ in spans):
                continue  # already masked as a number of another kind
            spans.append((start, end, label))
    if not spans:
        return text
    out, at = [], 0
    for start, end, label in sorted(spans):
        out.append(text[at:start])
        out.append(label)
        at = end
    out.append(text[at:])
    return "".join(out)
