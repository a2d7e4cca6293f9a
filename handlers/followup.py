"""'我昨天报的路灯啥时候修': a reporter asking after an earlier ticket.

The answer is the ticket's status, and the person handling it gets a nudge in the same
message, so asking once is enough and nobody has to chase by phone.
"""

from __future__ import annotations

from bot.domain.lifecycle import ACTIVE_STATUSES, STATUS_LABELS, Status
from bot.messaging.messages import OutgoingMessage
from bot.messaging.parts import Mention, Text
from bot.messaging.phrases import headline
from bot.runtime.context import Context
from bot.triage import Finding
from bot.vocabulary import Category, EventKind
from storage.models import TicketRow


async def answer(ctx: Context, about: Finding) -> list[OutgoingMessage]:
    ticket = await _match(ctx, about)
    if ticket is None:
        return [
            ctx.reply(
                "没有查到您还未办结的相关工单。如果问题还在，请说明位置和情况，我马上为您登记。"
            )
        ]
    await ctx.tickets.note(
        ticket, EventKind.FOLLOWUP, actor=ctx.sender.id, message_id=ctx.inbound.id
    )
    ctx.link(ticket.id)
    status = Status(ticket.status)
    if status == Status.RESOLVED:
        text = f"工单 {headline(ticket)} 已处理完毕，等待您的评价：回复“满意”“基本满意”或“不满意”。"
        return [ctx.reply(text, ticket_id=ticket.id)]
    worker_id = ticket.assignee_id
    if worker_id is None:
        return [ctx.reply(f"工单 {headline(ticket)} 目前{STATUS_LABELS[status]}，正在安排网格员。")]
    worker = await ctx.display_name(worker_id)
    text = Text.of(
        f"工单 {headline(ticket)} 目前{STATUS_LABELS[status]}，负责人{worker}。",
        Mention(worker_id, worker),
        " 居民在询问进度，请及时反馈。",
    )
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
