"""Withdrawing a report: '撤销 #3', '取消 #3 已经自己修好了', or '不用了' quoting the ticket.

A resident may withdraw their own report while it is still waiting or being handled; a
grid leader may cancel any ticket of their grid and staff any ticket (a duplicate, a
mistaken report). Grid workers may not: a cancelled ticket leaves every rate, so the
person whose figures it is cannot be the one to take it out; a worker whose problem went
away resolves it instead. Everyone else gets one polite sentence naming who can.

A cancellation is a ``cancel`` event (who, which message, the reason if given), stops
every timer of the ticket (escalation, overdue chasing), and is announced in the ticket's
group with the assignee @-mentioned, so nobody makes a trip for nothing.

Residents cannot withdraw an urgent ticket (someone must look at a gas smell even if it
seems gone) or one that other residents reported too (it is their problem as well): the
assignee is asked to check, and the request stays in the history.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.lifecycle import OPEN_STATUSES
from bot.messaging import phrases
from bot.messaging.messages import OutgoingMessage
from bot.messaging.phrases import bare, summary_of
from bot.runtime import actions
from bot.runtime.context import Context
from bot.vocabulary import Role
from bot.vocabulary.recognition import (
    CANCEL_BARE,
    CANCEL_HAO,
    CANCEL_HASH,
    CANCEL_NOUN_NUMBER,
    CANCEL_NUMBER_FIRST,
    CANCEL_QUOTED,
)
from handlers.common.quoting import quoted_ticket
from handlers.common.usage import MANAGERS, RESIDENTS, Usage
from storage.models import TicketRow

CANCEL_REQUEST = actions.CANCEL_REQUEST  # a resident asked, but the ticket stays open

USAGE = (
    Usage("撤销", RESIDENTS, variant="own"),
    Usage("撤销", MANAGERS),
)

@dataclass(frozen=True, slots=True)
class CancelCommand:
    ticket_id: int | None
    reason: str
    how: str  # "number" (撤销 #3), "bare" (撤销工单), "quote" (不用了, quoting the ticket)


def parse(text: str, quoted: bool) -> CancelCommand | None:
    """The cancellation a message asks for, if it asks for one."""
    line = bare(text)
    if m := CANCEL_HASH.match(line) or CANCEL_HAO.match(line) or CANCEL_NUMBER_FIRST.match(line):
        return CancelCommand(int(m.group(1)), summary_of(m.group(2) or ""), "number")
    if m := CANCEL_NOUN_NUMBER.match(line):
        return CancelCommand(int(m.group(1)), "", "number")
    if CANCEL_BARE.match(line):
        return CancelCommand(None, "", "bare")
    if quoted and (m := CANCEL_QUOTED.match(line)):
        return CancelCommand(None, summary_of(m.group(1) or ""), "quote")
    return None


async def handle(ctx: Context) -> list[OutgoingMessage] | None:
    command = parse(ctx.text, bool(ctx.message.quote_id or ctx.message.quote_text))
    if command is None:
        return None
    sender = ctx.sender
    number = command.ticket_id
    if command.how == "quote":
        number = await quoted_ticket(ctx)
        if number is None or sender.role == Role.WORKER:
            return None  # "不用了" quoting something else, or a worker talking: chatter
    if sender.role == Role.WORKER:
        return [ctx.reply(phrases.CANCEL_NOT_FOR_WORKERS)]
    if number is None:
        if not sender.is_resident:
            return [ctx.reply(phrases.CANCEL_WHICH_NUMBER)]
        return await _own_only(ctx, command.reason)
    ticket = await ctx.store.ticket(number, lock=True)
    if sender.is_resident:
        if ticket is None or ticket.reporter_id != sender.id:
            if command.how == "quote":
                return None  # someone else's report: not this resident's to withdraw
            return [ctx.reply(phrases.no_such_report_of_yours(number))]
    elif ticket is None:
        return [ctx.reply(phrases.no_such_ticket(number))]
    elif not sender.covers(ticket.grid_id):
        grid = ctx.config.grid(ticket.grid_id)
        where = grid.name if grid else None
        return [ctx.reply(phrases.other_grids_ticket(ticket, where, "撤销"))]
    return await cancel(ctx, ticket, command.reason)


async def _own_only(ctx: Context, reason: str) -> list[OutgoingMessage]:
    """'撤销工单' without a number: the resident's only open report, or ask which."""
    mine = await ctx.store.tickets_reported_by(ctx.sender.id, OPEN_STATUSES)
    if not mine:
        return [ctx.reply(phrases.NOTHING_TO_CANCEL)]
    if len(mine) > 1:
        return [ctx.reply(phrases.which_to_cancel(mine))]
    ticket = await ctx.store.ticket(mine[0].id, lock=True) or mine[0]
    return await cancel(ctx, ticket, reason)


async def cancel(ctx: Context, ticket: TicketRow, reason: str) -> list[OutgoingMessage]:
    """The same checks, change and group message as a cancel on the office console."""
    result = await actions.cancel(
        ctx.config, ctx.tickets, ticket, ctx.sender, reason, message_id=ctx.inbound.id
    )
    if isinstance(result, actions.Refusal):
        return [ctx.reply(result.text)]
    ctx.link(ticket.id)
    return result.messages(ctx.message.reply_chat, ctx.message.platform)
