"""The same problem reported again joins the ticket already open for it.

When the lift breaks, ten neighbours say so within the hour. Ten tickets would flood the
worker and the group; one ticket with ``reports`` = 10 tells staff how much it matters.
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.lifecycle import OPEN_STATUSES
from bot.messaging import phrases
from bot.messaging.messages import OutgoingMessage
from bot.messaging.phrases import bare
from bot.runtime.context import Context
from bot.triage import Finding
from bot.vocabulary.recognition import AGREEMENT
from handlers.common.quoting import quoted_ticket
from storage.models import TicketRow


def window(ctx: Context) -> timedelta:
    """[triage] duplicate_window, checked when the config loaded (default 48h)."""
    return ctx.config.triage.duplicate_window


async def find(ctx: Context, finding: Finding, grid_id: str) -> TicketRow | None:
    """An open ticket for the same problem: quoted, or same category and place lately."""
    quoted = await _open_quoted(ctx)
    if quoted is not None and quoted.category == finding.category:
        return quoted
    # Without a place, only the same person repeating themselves is surely the same thing.
    return await ctx.store.recent_open_like(
        grid_id,
        finding.category,
        finding.location.text if finding.location is not None else None,
        since=ctx.now - window(ctx),
        statuses=OPEN_STATUSES,
        reporter_id=ctx.sender.id,
    )


async def agreement(ctx: Context) -> TicketRow | None:
    """A short '我家也是' quoting an open report counts as another report of it."""
    if not AGREEMENT.match(bare(ctx.text)) or len(ctx.text) > 30:
        return None
    return await _open_quoted(ctx)


async def _open_quoted(ctx: Context) -> TicketRow | None:
    ticket_id = await quoted_ticket(ctx)
    if ticket_id is None:
        return None
    ticket = await ctx.store.ticket(ticket_id)
    if ticket is None or ticket.status not in OPEN_STATUSES or not may_join(ctx, ticket):
        return None
    return ticket


def may_join(ctx: Context, ticket: TicketRow) -> bool:
    """Joining a ticket is for its neighbours: from the group it was reported in, or
    another group of its grid; never privately, never from another grid's group (one
    person could inflate the count, block the reporter's withdrawal and learn who
    handles it)."""
    chat = ctx.message.chat_id
    if chat is None:
        return False
    if chat == ticket.group_id:
        return True
    group = ctx.config.group(chat)
    return group is not None and group.grid is not None and group.grid == ticket.grid_id


async def attach(ctx: Context, ticket: TicketRow) -> None:
    await ctx.tickets.add_report(ticket, reporter=ctx.sender.id, message_id=ctx.inbound.id)
    ctx.link(ticket.id)


async def known_line(ctx: Context, tickets: list[TicketRow]) -> str:
    """'这个问题已登记为工单 #12（王芳负责，处理中）' for each ticket joined."""
    named = [
        (t, await ctx.display_name(t.assignee_id) if t.assignee_id else None) for t in tickets
    ]
    return phrases.already_reported(named)


async def attached_reply(ctx: Context, tickets: list[TicketRow]) -> list[OutgoingMessage]:
    return [ctx.reply(await known_line(ctx, tickets), ticket_id=tickets[0].id)]
