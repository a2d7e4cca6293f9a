"""Keeps residents' phone and ID numbers out of group messages.

Residents often paste their number into a report ("3号楼漏水 电话13812345678"); the bot
repeats report text in its dispatch message, so every group message passes through here.
"""

from __future__ import annotations

import re

# Mainland mobile numbers, landlines with area code, and 18-digit ID numbers (last may be X),
# tolerant of the spaces and dashes people put in them.
_ID_NUMBER = re.compile(r"(?<!\d)[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d){8}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)")


def redact(text: str) -> str:
    text = _ID_NUMBER.sub("[证件号已隐藏]", text)
    text = _MOBILE.sub("[电话已隐藏]", text)
    return _LANDLINE.sub("[电话已隐藏]", text)
