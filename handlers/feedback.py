"""Residents rating a resolved ticket: the last step of the closed loop (评价)."""

from __future__ import annotations

import re

from bot.domain.lifecycle import Action, Status
from bot.domain.tickets import RATING_TIMEOUT
from bot.messaging.messages import OutgoingMessage
from bot.messaging.parts import Mention, Text
from bot.messaging.phrases import bare, mention, rating_label, ref
from bot.runtime.context import Context
from bot.runtime.timers import TimerContext
from bot.vocabulary import Rating
from handlers.common.quoting import quoted_ticket
from storage.models import TicketRow

SATISFIED, FAIR, DISSATISFIED = Rating.SATISFIED, Rating.FAIR, Rating.DISSATISFIED

_RATINGS = [
    (
        re.compile(r"^(?:3|不满意|不太满意|很不满意|非常不满意|没修好|还没修好|没有解决|没解决)"),
        DISSATISFIED,
    ),
    (re.compile(r"^(?:2|基本满意|还行|一般|还可以|凑合)"), FAIR),
    (re.compile(r"^(?:1|满意|很满意|非常满意|十分满意|挺满意|满意的)"), SATISFIED),
]


def parse_rating(text: str) -> Rating | None:
    line = bare(text)
    if len(line) > 20:
        return None
    for pattern, rating in _RATINGS:
        if pattern.match(line):
            rest = line[pattern.match(line).end() :]  # type: ignore[union-attr]
            if rest and rest[0].isdigit():
                return None  # "12点前" is not a rating
            return rating
    return None


async def handle(ctx: Context) -> list[OutgoingMessage] | None:
    rating = parse_rating(ctx.text)
    if rating is None:
        return None
    ticket = await _ticket_to_rate(ctx)
    if ticket is None:
        return None
    await ctx.tickets.unschedule(ticket, RATING_TIMEOUT)
    ctx.link(ticket.id)
    await ctx.tickets.rate(ticket, rating, actor=ctx.sender.id, message_id=ctx.inbound.id)
    if rating == DISSATISFIED:
        worker_id = ticket.assignee_id
        worker = await ctx.display_name(worker_id) if worker_id else "网格员"
        text = Text.of(
            f"抱歉没能让您满意，工单 {ref(ticket)} 已重新打开。",
            Mention(worker_id, worker) if worker_id else mention(worker),
            " 请再跟进一下。",
        )
        return [ctx.reply(text, mentions=(worker_id,) if worker_id else (), ticket_id=ticket.id)]
    return [
        ctx.reply(
            f"谢谢您的评价（{rating_label(rating)}）！工单 {ref(ticket)} 已办结。",
            ticket_id=ticket.id,
        )
    ]


async def _ticket_to_rate(ctx: Context) -> TicketRow | None:
    """The reporter's quoted ticket if it awaits a rating, else their latest resolved one."""
    quoted = await quoted_ticket(ctx)
    if quoted is not None:
        ticket = await ctx.store.ticket(quoted, lock=True)
        if ticket and ticket.status == Status.RESOLVED and ticket.reporter_id == ctx.sender.id:
            return ticket
    return await ctx.store.last_resolved_of(ctx.sender.id, Status.RESOLVED)


async def rating_expired(ctx: TimerContext) -> list[OutgoingMessage]:
    """No rating in time: close quietly; a reminder in the group would only be noise."""
    ticket = await ctx.store.ticket(ctx.timer.ticket_id or 0, lock=True)
    if ticket is None or ticket.status != Status.RESOLVED:
        return []
    await ctx.tickets.apply(ticket, Action.EXPIRE, actor=None, detail={"reason": "no rating"})
    return []
