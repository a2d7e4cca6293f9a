"""The sheet of handed-up tickets (上报), for the office that receives them.

One row per ticket the community handed up to the 街道 or the 12345 hotline (received in
the period): where and what, the category, who reported it and how to reach them (this
sheet is for staff, so phone numbers stay), photos as links where the platform gave one,
the reason it was handed up, the outcome if it came back, and the whole history in
Chinese. Plain openpyxl, written whole: a community hands up tens of tickets a month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.domain.lifecycle import EVENT_LABELS, STATUS_LABELS, Status
from bot.domain.taxonomy import category_label
from bot.messaging.phrases import hand_event_label, hand_up_label
from bot.reporting.periods import Period
from bot.reporting.stats import Scope
from storage.models import InboundMessageRow, TicketRow
from storage.repo import Store

SHEET = "上报工单"
HEADER = (
    "编号", "上报到", "上报时间", "上报原因", "状态", "回流结果", "类别", "网格", "位置",
    "反映内容", "反映人", "联系方式", "照片/附件", "受理时间", "办理记录", "网页",
)
WIDTHS = (7, 10, 17, 24, 12, 24, 10, 10, 18, 30, 10, 22, 30, 17, 60, 28)
_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d(?:[- ]?\d){8}|0\d{2,3}-?\d{7,8})(?!\d)")
_WRAP = Alignment(vertical="top", wrap_text=True)
_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True, slots=True)
class HandedUpExport:
    path: Path
    rows: int


async def export_handed_up(
    session: AsyncSession,
    config: Config,
    period: Period,
    scope: Scope,
    path: Path,
    *,
    base_url: str | None = None,
) -> HandedUpExport:
    """Write the sheet of tickets received in ``period`` that were handed up."""
    tz = config.timezone
    query = (
        select(TicketRow)
        .where(
            TicketRow.handed_up.is_not(None),
            TicketRow.created_at >= period.start,
            TicketRow.created_at < period.end,
            *scope.conditions(),
        )
        .order_by(TicketRow.id)
    )
    tickets = list(await session.scalars(query))
    store = Store(session)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    title = f"{config.community_name} 上报工单（{period.label}）"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(HEADER))
    for cell in sheet[2]:
        cell.font, cell.fill, cell.alignment = Font(bold=True), _FILL, _WRAP
    for n, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + n)].width = width
    sheet.freeze_panes = "B3"
    for ticket in tickets:
        events = await store.events(ticket.id)
        messages = list(
            await session.scalars(
                select(InboundMessageRow)
                .where(InboundMessageRow.ticket_id == ticket.id)
                .order_by(InboundMessageRow.id)
            )
        )
        senders = (str(a.get("from")) for a in ticket.attachments or [] if a.get("from"))
        people = {ticket.reporter_id, *(e.actor_id for e in events if e.actor_id), *senders}
        stored = await store.person_names(people)
        names = {p: config.name_of(p, stored.get(p)) for p in people}
        up = next((e for e in reversed(events) if e.kind == "hand_up"), None)
        back = next((e for e in reversed(events) if e.kind == "hand_back"), None)
        phones = dict.fromkeys(
            m.group(0)
            for msg in messages
            if msg.sender_id == ticket.reporter_id
            for m in _PHONE.finditer(msg.text)
        )
        contact = "；".join([*phones, f"{ticket.platform or '平台'}账号 {ticket.reporter_id}"])
        grid = config.grid(ticket.grid_id)
        history = "\n".join(
            f"{e.at.astimezone(tz):%Y-%m-%d %H:%M} "
            f"{hand_event_label(e.kind, e.detail) or EVENT_LABELS.get(e.kind, e.kind)}"
            + (f"（{names.get(e.actor_id, e.actor_id)}）" if e.actor_id else "")
            for e in events
        )
        row: list[Any] = [
            ticket.id,
            hand_up_label(ticket.handed_up),
            _local(up.at, tz) if up else None,
            (up.detail or {}).get("reason") if up else None,
            STATUS_LABELS.get(Status(ticket.status), ticket.status),
            (back.detail or {}).get("outcome") if back else None,
            category_label(ticket.category),
            grid.name if grid else config.grid_label(ticket.grid_id),
            ticket.location,
            ticket.summary,
            names.get(ticket.reporter_id, ticket.reporter_id),
            contact,
            "\n".join(_attachments(ticket, names, base_url)) or None,
            _local(ticket.created_at, tz),
            history,
            f"{base_url.rstrip('/')}/tickets/{ticket.id}" if base_url else None,
        ]
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.alignment = _WRAP
            if isinstance(cell.value, str) and cell.value.startswith(("http://", "https://")):
                cell.hyperlink = cell.value
    sheet.auto_filter.ref = f"A2:{chr(ord('A') + len(HEADER) - 1)}{max(sheet.max_row, 2)}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".xlsx.part")
    workbook.save(tmp)
    tmp.replace(path)
    return HandedUpExport(path, len(tickets))


def _local(value: Any, tz: Any) -> str | None:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else None


def _attachments(
    ticket: TicketRow, names: dict[str, str], base_url: str | None = None
) -> list[str]:
    """One line per photo the ticket keeps: the console's link to the file the bot kept,
    else the platform's link, else who sent it and when, so the receiving office can ask
    for it (a platform message id means nothing to them)."""
    out = []
    for n, item in enumerate(getattr(ticket, "attachments", None) or [], 1):
        who = names.get(str(item.get("from")), str(item.get("from") or ""))
        when = str(item.get("at") or "")[:16].replace("T", " ")
        if item.get("file") and base_url:
            out.append(f"{base_url.rstrip('/')}/tickets/{ticket.id}/photos/{n}")
        elif item.get("url"):
            out.append(str(item["url"]))
        elif item.get("file"):
            out.append(f"照片（{who} {when}，已存为 {item['file']}）")
        else:
            out.append(f"照片（{who} {when}，在群聊中）")
    return out
