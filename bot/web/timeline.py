"""A ticket's history in plain Chinese for the console: one line per event, with names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.domain.lifecycle import EVENT_LABELS, RATING_LABELS
from bot.domain.taxonomy import category_label
from bot.messaging.phrases import hand_event_label
from storage.models import TicketEventRow


def describe(event: TicketEventRow, names: Mapping[str, str]) -> str:
    """What happened, e.g. '转派：王芳 → 赵强' or '撤销：重复反映'."""
    detail: Mapping[str, Any] = event.detail or {}

    def name(person: Any) -> str:
        return names.get(str(person), str(person)) if person else "（无）"

    label = EVENT_LABELS.get(event.kind, event.kind)
    kind = event.kind
    if kind == "opened":
        parts = [f"登记为{category_label(str(detail.get('category', 'other')))}"]
        if detail.get("urgent"):
            parts.append("紧急")
        if detail.get("assignee"):
            parts.append(f"派给{name(detail['assignee'])}")
        return "，".join(parts)
    if kind == "transfer":
        return f"{label}：{name(detail.get('from'))} → {name(detail.get('to'))}"
    if kind == "rate":
        rating = detail.get("rating")
        return f"评价：{RATING_LABELS.get(str(rating), rating)}" if rating else label
    if kind.startswith("cancel") and detail.get("reason"):
        return f"{label}：{detail['reason']}"
    if handed := hand_event_label(kind, dict(detail)):
        return handed
    if kind == "note" and detail.get("text"):
        return f"{label}：{detail['text']}"
    if kind == "escalate" and detail.get("level"):
        return f"{label}至第 {detail['level']} 级"
    return label
