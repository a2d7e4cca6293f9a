"""The bot's chat wording that handlers share: ticket references, summaries, durations,
labels and refusals, each written once here so the bot speaks consistently."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.domain.lifecycle import HAND_UP_LABELS
from bot.domain.lifecycle import RATING_LABELS as LIFECYCLE_RATING_LABELS
from bot.domain.taxonomy import category_label
from bot.messaging.privacy import redact
from storage.models import TicketRow

_PUNCT_TAIL = re.compile(r"[\s。.!！~～,，、;；?？]+$")
# WeChat's emoji codes ("[微笑]"), but not a masked number ("[电话已隐藏]"), which stands
# for what the person wrote.
_EMOJI_CODE = re.compile(r"\[(?!电话已隐藏\]|证件号已隐藏\])[^\[\]]{1,6}\]")
SUMMARY_LIMIT = 40


def ref(ticket: TicketRow | int) -> str:
    return f"#{ticket if isinstance(ticket, int) else ticket.id}"


_CJK_PUNCT = re.compile(r"(?<=[\u4e00-\u9fff])([,:;!?])")
_FULL_WIDTH = str.maketrans({",": "，", ":": "：", ";": "；", "!": "！", "?": "？"})


def summary_of(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """A short, safe rendering of what the resident said, for repeating in a group.

    Matching folded the text to half-width; Chinese punctuation is restored for display.
    """
    one_line = " ".join(redact(text).split())
    one_line = _CJK_PUNCT.sub(lambda m: m.group(1).translate(_FULL_WIDTH), one_line)
    one_line = _PUNCT_TAIL.sub("", one_line)
    if len(one_line) > limit:
        return one_line[: limit - 1] + "…"
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


# --- labels and refusals said in more than one place ---------------------------------------

RATING_LABELS = LIFECYCLE_RATING_LABELS  # 满意 / 基本满意 / 不满意


def rating_label(rating: str) -> str:
    return RATING_LABELS.get(rating, rating)  # type: ignore[call-overload, no-any-return]


def rough_duration(value: timedelta | None) -> str:
    """'45分钟', '3.5小时', '2.5天' — a duration in figures and lists ('-' for none)."""
    if value is None:
        return "-"
    minutes = value.total_seconds() / 60
    if minutes < 60:
        return f"{round(minutes)}分钟"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f}".rstrip("0").rstrip(".") + "小时"
    return f"{minutes / 1440:.1f}".rstrip("0").rstrip(".") + "天"


NOT_YOUR_GRID = "不在您负责的网格"


def ticket_outside_your_grid(ticket: TicketRow, where: str) -> str:
    """A worker acting on another grid's ticket."""
    return f"工单 {ref(ticket)} 属于{where}，{NOT_YOUR_GRID}，暂不能操作。如需协助请联系网格长。"


def ticket_not_yours_to_see(ticket: TicketRow) -> str:
    return f"工单 {ref(ticket)} {NOT_YOUR_GRID}，无法查看。"


def person_outside_your_grid(name: str) -> str:
    return f"{name}{NOT_YOUR_GRID}，跨网格的调整请联系社区工作人员。"


def grid_not_yours(grid_name: str, yours: str | None = None) -> str:
    """A grid asked for that is not the asker's; ``yours`` says what they may see instead."""
    return f"{grid_name}不在您负责的范围" + (f"，只能查看{yours}。" if yours else "。")


def recorded(text: object) -> str:
    """The confirmation to a worker who wrote from elsewhere than the ticket's group."""
    return f"好的，已记录：{text}"


# --- handing a ticket up (上报) and back (回流) --------------------------------------------

RATE_PROMPT = "请您评价：回复“满意”“基本满意”或“不满意”（也可回复 1/2/3）。"


def hand_up_label(level: str | None) -> str:
    """'街道' / '12345热线': where a ticket went, as people say it."""
    return HAND_UP_LABELS.get(level, level or "上级")  # type: ignore[call-overload, no-any-return]


def handed_up_status(ticket: TicketRow) -> str:
    """'已上报街道' for a ticket with the 街道 now; other statuses say nothing here."""
    return f"已上报{hand_up_label(ticket.handed_up)}"


def hand_event_label(kind: str, detail: dict[str, object] | None) -> str | None:
    """A 上报 / 回流 event in a timeline ('上报街道：涉及产权单位', '回流：已修复'), else None."""
    detail = detail or {}
    if kind == "hand_up":
        reason = detail.get("reason")
        where = hand_up_label(str(detail.get("level") or "")) if detail.get("level") else "上级"
        return f"上报{where}" + (f"：{reason}" if reason else "")
    if kind == "hand_back":
        outcome = detail.get("outcome")
        return "回流" + (f"：{outcome}" if outcome else "")
    return None
