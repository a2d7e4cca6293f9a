"""'我昨天报的路灯啥时候修': a reporter asking after an earlier ticket.

The answer is the ticket's status, and the person handling it gets a nudge in the same
message, so asking once is enough and nobody has to chase by phone.
"""

from __future__ import annotations

from bot.domain.lifecycle import ACTIVE_STATUSES, Status
from bot.messaging import phrases
from bot.messaging.messages import OutgoingMessage
from bot.messaging.parts import Mention
from bot.runtime.context import Context
from bot.triage import Finding
from bot.vocabulary import Category, EventKind
from storage.models import TicketRow


async def answer(ctx: Context, about: Finding) -> list[OutgoingMessage]:
    ticket = await _match(ctx, about)
    if ticket is None:
        return [ctx.reply(phrases.NOTHING_TO_FOLLOW)]
    await ctx.tickets.note(
        ticket, EventKind.FOLLOWUP, actor=ctx.sender.id, message_id=ctx.inbound.id
    )
    ctx.link(ticket.id)
    status = Status(ticket.status)
    if status == Status.RESOLVED:
        return [ctx.reply(phrases.awaiting_rating(ticket), ticket_id=ticket.id)]
    worker_id = ticket.assignee_id
    if worker_id is None:
        return [ctx.reply(phrases.being_arranged(ticket), ticket_id=ticket.id)]
    worker = Mention(worker_id, await ctx.display_name(worker_id))
    text = phrases.progress_asked(ticket, worker)
    return [ctx.reply(text, mentions=(worker_id,), ticket_id=ticket.id)]


async def _match(ctx: Context, about: Finding) -> TicketRow | None:
    mine = await ctx.store.tickets_reported_by(
        ctx.sender.id, ACTIVE_STATUSES, newest_first=True
    )
    if not mine:
        return None
    same = [t for t in mine if t.category == about.category or about.category == Category.OTHER]
    if about.location is not None:
        placed = [t for t in same if t.location == about.location.text]
        same = placed or same
    if same:
        return same[0]
    return mine[0] if len(mine) == 1 else None
