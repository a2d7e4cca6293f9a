"""Residents rating a resolved ticket: the last step of the closed loop (评价)."""

from __future__ import annotations

from bot.domain.lifecycle import Action, Status
from bot.domain.tickets import RATING_TIMEOUT
from bot.messaging import phrases
from bot.messaging.messages import OutgoingMessage
from bot.messaging.parts import Mention
from bot.messaging.phrases import bare
from bot.runtime.context import Context
from bot.runtime.timers import TimerContext
from bot.vocabulary import Category, News, Rating
from bot.vocabulary.recognition import (
    FAIR_ENOUGH,
    NOT_A_VERDICT,
    PLEASED,
    PLEASED_SIGNS,
    STILL_BROKEN,
)
from handlers.common.quoting import TICKET_REF, quoted_ticket, ticket_number
from handlers.common.usage import RESIDENTS, Usage
from storage.models import TicketRow

SATISFIED, FAIR, DISSATISFIED = Rating.SATISFIED, Rating.FAIR, Rating.DISSATISFIED

USAGE = (Usage("满意", RESIDENTS),)
NOW = News.CONFIRMATION  # the reporter just spoke: answered at once, night or not

RATING_LIMIT = 40  # a longer message is a story or a new report, not a verdict


def parse_rating(text: str) -> Rating | None:
    """The reporter's verdict in their own words, or None when the words are no verdict."""
    line = bare(TICKET_REF.sub(" ", text)).strip()
    if len(line) > RATING_LIMIT or NOT_A_VERDICT.search(line):
        return None
    if line.isdigit() and line not in ("1", "2", "3"):
        return None
    verdicts = ((STILL_BROKEN, DISSATISFIED), (FAIR_ENOUGH, FAIR), (PLEASED, SATISFIED))
    for pattern, rating in verdicts:
        if m := pattern.search(line):
            rest = line[m.end() :]
            if m.start() == 0 and rest and rest[0].isdigit():
                return None  # "12点前" is not a rating
            return rating
    if PLEASED_SIGNS.search(text) and len(line) <= 4:
        return SATISFIED  # "🙏", "👍👍", "[强]"
    return None


async def handle(ctx: Context) -> list[OutgoingMessage] | None:
    rating = parse_rating(ctx.text)
    if rating is None:
        return None
    picked = await _ticket_to_rate(ctx)
    if picked is None:
        return None
    if isinstance(picked, list):
        return picked
    ticket = picked
    if _about_something_else(ctx, ticket):
        return None  # "5号楼路灯又坏了": a new problem, not a verdict on this one
    await ctx.tickets.unschedule(ticket, RATING_TIMEOUT)
    ctx.link(ticket.id)
    await ctx.tickets.rate(ticket, rating, actor=ctx.sender.id, message_id=ctx.inbound.id)
    if rating == DISSATISFIED:
        worker_id = ticket.assignee_id
        worker = Mention(worker_id, await ctx.display_name(worker_id)) if worker_id else None
        text = phrases.reopened(ticket, worker)
        mentions = (worker_id,) if worker_id else ()
        return [ctx.reply(text, mentions=mentions, ticket_id=ticket.id, news=NOW)]
    return [ctx.reply(phrases.rating_thanks(ticket, rating), ticket_id=ticket.id, news=NOW)]


def _about_something_else(ctx: Context, ticket: TicketRow) -> bool:
    """Whether the message names another place or kind of problem than the ticket's."""
    result = ctx.triage.triage(ctx.text, role=ctx.sender.role)
    for finding in result.findings:
        place = finding.location.text if finding.location else None
        if place and ticket.location and place != ticket.location:
            return True
        if result.ticket and finding.category not in (ticket.category, Category.OTHER):
            return True
    return False


async def _ticket_to_rate(ctx: Context) -> TicketRow | list[OutgoingMessage] | None:
    """The ticket a verdict is about: the one quoted or named by number, else the only one
    awaiting the reporter's rating; with several, one short question."""
    quoted = ticket_number(ctx.text) or await quoted_ticket(ctx)
    if quoted is not None:
        ticket = await ctx.store.ticket(quoted, lock=True)
        if ticket and ticket.status == Status.RESOLVED and ticket.reporter_id == ctx.sender.id:
            return ticket
        return None
    awaiting = await ctx.store.tickets_reported_by(ctx.sender.id, (Status.RESOLVED,))
    if not awaiting:
        return None
    if len(awaiting) > 1:
        return [ctx.reply(phrases.which_to_rate(awaiting), news=NOW)]
    return await ctx.store.ticket(awaiting[0].id, lock=True)


async def rating_expired(ctx: TimerContext) -> list[OutgoingMessage]:
    """No rating in time: close quietly; a reminder in the group would only be noise."""
    ticket = await ctx.store.ticket(ctx.timer.ticket_id or 0, lock=True)
    if ticket is None or ticket.status != Status.RESOLVED:
        return []
    await ctx.tickets.apply(ticket, Action.EXPIRE, actor=None, detail={"reason": "no rating"})
    return []
