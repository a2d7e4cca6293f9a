"""Keeping personal data no longer than needed (``[privacy] keep_days``).

Two queries the bot's purge runs (``bot.runtime.retention``):

- ``forget_chatter`` empties the text of messages nothing was done with (no handler took
  them, no ticket links them), kept by versions before texts were kept only when acted on.
- ``anonymise_closed`` removes the personal data of tickets closed (or cancelled) before a
  cutoff: phone and ID numbers and the reporter's name in every text stored about them
  (summary, 办理情况, the messages they came from, event details, the bot's own messages)
  and the reporter's display name. Ids, times, categories, ratings and counts stay, so
  every figure of the past stays exact. Running it twice changes nothing more.

The masking itself is the bot's (``mask`` is passed in): storage imports nothing of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    FailedMessageRow,
    InboundMessageRow,
    OutboxRow,
    PersonRow,
    SeenChatRow,
    TicketEventRow,
    TicketRow,
)

ANONYMOUS = "居民"  # what a reporter's name becomes
ENDED = ("closed", "cancelled")


@dataclass
class Purged:
    chatter: int = 0  # texts of messages nothing was done with, emptied
    tickets: int = 0  # closed tickets whose personal data was removed
    texts: int = 0  # stored texts changed
    names: int = 0  # residents' display names removed
    failed: int = 0  # dead letters masked
    seen: int = 0  # strangers' chats and senders (gridbot seen) forgotten


async def forget_chatter(session: AsyncSession) -> int:
    linked = select(TicketRow.source_message_id).where(TicketRow.source_message_id.is_not(None))
    used = select(TicketEventRow.message_id).where(TicketEventRow.message_id.is_not(None))
    result = await session.execute(
        update(InboundMessageRow)
        .where(
            InboundMessageRow.handled_by.is_(None),
            InboundMessageRow.ticket_id.is_(None),
            InboundMessageRow.text != "",
            InboundMessageRow.id.not_in(linked),
            InboundMessageRow.id.not_in(used),
        )
        .values(text="")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def anonymise_closed(
    session: AsyncSession,
    mask: Callable[[str], str],
    cutoff: datetime,
    since: datetime | None = None,
    purged: Purged | None = None,
) -> Purged:
    """Anonymise tickets that ended in [since, cutoff) (all before ``cutoff`` without
    ``since``), and dead letters and strangers last seen before ``cutoff``."""
    purged = purged or Purged()
    query = select(TicketRow).where(
        TicketRow.status.in_(ENDED), TicketRow.closed_at < cutoff
    )
    if since is not None:
        query = query.where(TicketRow.closed_at >= since)
    tickets = list((await session.scalars(query.order_by(TicketRow.id))).all())
    if tickets:
        await _anonymise(session, mask, cutoff, tickets, purged)
    for row in (
        await session.scalars(select(FailedMessageRow).where(FailedMessageRow.failed_at < cutoff))
    ).all():
        text = mask(row.text)
        if text != row.text or row.sender_name is not None:
            row.text, row.sender_name = text, None
            purged.failed += 1
    result = await session.execute(delete(SeenChatRow).where(SeenChatRow.last_seen < cutoff))
    purged.seen += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return purged


async def _anonymise(
    session: AsyncSession,
    mask: Callable[[str], str],
    cutoff: datetime,
    tickets: list[TicketRow],
    purged: Purged,
) -> None:
    ids = [t.id for t in tickets]
    reporters = {t.reporter_id for t in tickets}
    residents = list(
        (
            await session.scalars(
                select(PersonRow).where(PersonRow.id.in_(reporters), PersonRow.role == "resident")
            )
        ).all()
    )
    # Longest first, so "张阿姨" goes before a "张" that is part of it; one-character names
    # would eat ordinary words and are left to the id.
    known = {p.name for p in residents if p.name and len(p.name) >= 2}
    names = sorted(known, key=len, reverse=True)

    def clean(text: str | None) -> str | None:
        if not text:
            return text
        out = mask(text)
        for name in names:
            out = out.replace(name, ANONYMOUS)
        if out != text:
            purged.texts += 1
        return out

    for ticket in tickets:
        ticket.summary = clean(ticket.summary) or ""
        if getattr(ticket, "note", None):  # 办理情况, where the schema has it
            ticket.note = clean(ticket.note)  # type: ignore[attr-defined]
        purged.tickets += 1
    events = list(
        await session.scalars(select(TicketEventRow).where(TicketEventRow.ticket_id.in_(ids)))
    )
    for event in events:
        if event.detail:
            event.detail = _clean_json(event.detail, clean)
    message_ids = {t.source_message_id for t in tickets} | {e.message_id for e in events}
    message_ids.discard(None)
    inbound = await session.scalars(
        select(InboundMessageRow).where(
            or_(InboundMessageRow.ticket_id.in_(ids), InboundMessageRow.id.in_(message_ids))
        )
    )
    for row in inbound:
        row.text = clean(row.text) or ""
    outbox = await session.scalars(
        select(OutboxRow).where(OutboxRow.ticket_id.in_(ids), OutboxRow.sent_at.is_not(None))
    )
    for row in outbox:
        row.text = clean(row.text) or ""
        row.parts = None  # the parts carry names; a sent row is only read for its text
    # A reporter's display name goes once none of their tickets is recent or open.
    still = set(
        (
            await session.scalars(
                select(TicketRow.reporter_id).where(
                    TicketRow.reporter_id.in_(reporters),
                    or_(TicketRow.closed_at.is_(None), TicketRow.closed_at >= cutoff),
                )
            )
        ).all()
    )
    for person in residents:
        if person.id not in still and person.name != ANONYMOUS:
            person.name = ANONYMOUS
            purged.names += 1


def _clean_json(value: Any, clean: Callable[[str], str | None]) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {k: _clean_json(v, clean) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_json(v, clean) for v in value]
    return value

