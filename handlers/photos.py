"""Photos sent about a ticket are kept on it (点位照片 and 处理照片).

An image a resident sends right after their report, or quoting it, belongs to that
report; an image a worker sends while a ticket is theirs, or quoting it, shows the work.
The ticket keeps what the platform gave (its message id, WeCom's link); where the platform
lets the bot download the photo, the file follows once this message is handled
(``bot.runtime.media``), so a slow download never holds up the chat. The bot says nothing,
since a thank-you for every photo would only fill the group.
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.lifecycle import Status
from bot.messaging.messages import MessageKind, OutgoingMessage
from bot.runtime.context import Context
from bot.runtime.media import fetch_after_commit
from bot.vocabulary import AttachmentKind
from handlers.common.quoting import quoted_ticket
from storage.models import TicketRow

# How soon after a report a resident's photo still belongs to it without a quote.
RIGHT_AFTER = timedelta(minutes=10)
_OPEN = (Status.ASSIGNED, Status.CLAIMED)


async def handle(ctx: Context) -> list[OutgoingMessage] | None:
    if ctx.message.kind is not MessageKind.IMAGE:
        return None
    ticket, kind = await _ticket_of(ctx)
    if ticket is None or kind is None:
        return None
    media = ctx.message.media
    number = await ctx.tickets.attach(
        ticket,
        actor=ctx.sender.id,
        kind=kind,
        media=ctx.message.message_id,
        url=media.url if media else None,
        message_id=ctx.inbound.id,
    )
    if media is not None and media.source is not None:
        fetch_after_commit(
            ctx.store.session,
            media.source,
            ticket_id=ticket.id,
            number=number,
            media_id=ctx.message.message_id,
            config_source=ctx.config.source,
        )
    ctx.link(ticket.id)
    return []


async def _ticket_of(ctx: Context) -> tuple[TicketRow | None, AttachmentKind | None]:
    quoted = await quoted_ticket(ctx)
    if quoted is not None:
        ticket = await ctx.store.ticket(quoted, lock=True)
        return ticket, _kind(ctx, ticket) if ticket else None
    if ctx.sender.is_resident:
        mine = await ctx.store.tickets_reported_by(ctx.sender.id, _OPEN, newest_first=True)
        here = [t for t in mine if t.group_id == ctx.message.chat_id]
        if here and ctx.now - here[0].created_at <= RIGHT_AFTER:
            return await ctx.store.ticket(here[0].id, lock=True), AttachmentKind.REPORT
        return None, None
    held = [
        t
        for t in await ctx.store.tickets_assigned_to(ctx.sender.id, (Status.CLAIMED,))
        if ctx.message.is_direct or t.group_id == ctx.message.chat_id
    ]
    if len(held) == 1:
        return await ctx.store.ticket(held[0].id, lock=True), AttachmentKind.HANDLING
    return None, None


def _kind(ctx: Context, ticket: TicketRow) -> AttachmentKind | None:
    if ctx.sender.id == ticket.reporter_id:
        return AttachmentKind.REPORT
    if not ctx.sender.is_resident and ctx.sender.covers(ticket.grid_id):
        return AttachmentKind.HANDLING
    return None
