"""Small pieces of chat text shared by handlers, so the bot speaks consistently."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.domain.taxonomy import category_label
from bot.messaging.privacy import redact
from storage.models import TicketRow

_PUNCT_TAIL = re.compile(r"[\s。.!！~～,，、;；?？]+$")
_EMOJI_CODE = re.compile(r"\[[^\[\]]{1,6}\]")
SUMMARY_LIMIT = 40


def ref(ticket: TicketRow | int) -> str:
    return f"#{ticket if isinstance(ticket, int) else ticket.id}"


_CJK_PUNCT = re.compile(r"(?<=[\u4e00-\u9fff])([,:;!?])")
_FULL_WIDTH = str.maketrans({",": "，", ":": "：", ";": "；", "!": "！", "?": "？"})


def summary_of(text: str) -> str:
    """A short, safe rendering of what the resident said, for repeating in a group.

    Matching folded the text to half-width; Chinese punctuation is restored for display.
    """
    one_line = " ".join(redact(text).split())
    one_line = _CJK_PUNCT.sub(lambda m: m.group(1).translate(_FULL_WIDTH), one_line)
    one_line = _PUNCT_TAIL.sub("", one_line)
    if len(one_line) > SUMMARY_LIMIT:
        return one_line[: SUMMARY_LIMIT - 1] + "…"
    return one_line


def headline(ticket: TicketRow) -> str:
    """'#12（市政设施）3号楼井盖坏了' — how a ticket is named in lists."""
    return f"{ref(ticket)}（{category_label(ticket.category)}）{ticket.summary}"


def mention(name: str) -> str:
    return f"@{name}"


def bare(text: str) -> str:
    """Text without emoji codes, trailing punctuation or spaces, for matching short replies."""
    text = _EMOJI_CODE.sub("", text)
    text = re.sub(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]", "", text)
    return _PUNCT_TAIL.sub("", text.strip())


def span(delta: timedelta) -> str:
    """'15分钟', '2小时', '1天4小时' — how long, the way people say it."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days}天")
    if hours:
        parts.append(f"{hours}小时")
    if mins or not parts:
        parts.append(f"{mins}分钟")
    return "".join(parts)
