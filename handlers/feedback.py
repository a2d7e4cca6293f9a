"""Residents rating a resolved ticket: the last step of the closed loop (评价)."""

from __future__ import annotations

import re

from bot.domain.lifecycle import Action, Status
from bot.domain.tickets import RATING_TIMEOUT
from bot.messaging import phrases
from bot.messaging.messages import OutgoingMessage
from bot.messaging.parts import Mention
from bot.messaging.phrases import bare
from bot.runtime.context import Context
from bot.runtime.timers import TimerContext
from bot.vocabulary import Category, News, Rating
from handlers.common.quoting import TICKET_REF, quoted_ticket, ticket_number
from handlers.common.usage import RESIDENTS, Usage
from storage.models import TicketRow

SATISFIED, FAIR, DISSATISFIED = Rating.SATISFIED, Rating.FAIR, Rating.DISSATISFIED

USAGE = (Usage("满意", RESIDENTS),)
NOW = News.CONFIRMATION  # the reporter just spoke: answered at once, night or not

# Still broken, in the reporter's words: "还漏", "没修好", "还是不行", "又坏了", "差评".
_STILL_BROKEN = re.compile(
    r"^(?:3|不满意|不太满意|很不满意|非常不满意|差评|不行)"
    r"|(?:还|又|仍|仍然|依然|依旧|照样|照旧).{0,4}?"
    r"(?:漏|坏|不行|不亮|不好|没好|堵|臭|滴|不通|不热|不冷|停|不转|不动|老样子|一样|有问题|响|吵|晃|松|不稳)"
    r"|没(?:有)?(?:能)?(?:修好|弄好|解决|处理好|处理|修|人来|来人|好|变)"
    r"|根本没|并没有|老样子|跟原来一样|和原来一样|不管用|白修"
)
_FAIR = re.compile(r"^(?:2|基本满意|还行|一般般?|还可以|凑合|马马虎虎|还好|过得去)")
# Thanks and praise: "谢谢网格员", "好评", "辛苦了", "🙏", "[强]".
_PLEASED = re.compile(
    r"^(?:1|满意|很满意|非常满意|十分满意|挺满意|满意的)"
    r"|谢谢|感谢|多谢|谢了|谢啦|辛苦(?:了|啦|你|您)|好评|点赞|点个赞|给力|太好了|真快|真及时|"
    r"效率(?:真|很|挺)?高|费心了|麻烦(?:你|您)们?了|真棒|好样的|为(?:你|您)们?点赞|赞+$|棒+$"
)
_PLEASED_SIGNS = re.compile(
    r"[\U0001F44D\U0001F64F\U0001F44F\U0001F4AF\u2764\U0001F339\U0001F60A\U0001F604"
    r"\U0001F970\u263A\U0001F44C\U0001F495\U0001F496]"
    r"|\[(?:强|抱拳|玫瑰|赞|鼓掌|握手|爱心|愉快|微笑|OK|胜利|拳头|心)\]"
)
_NOT_A_VERDICT = re.compile(r"不用谢|不谢")
RATING_LIMIT = 40  # a longer message is a story or a new report, not a verdict


def parse_rating(text: str) -> Rating | None:
    """The reporter's verdict in their own words, or None when the words are no verdict."""
    line = bare(TICKET_REF.sub(" ", text)).strip()
    if len(line) > RATING_LIMIT or _NOT_A_VERDICT.search(line):
        return None
    if line.isdigit() and line not in ("1", "2", "3"):
        return None
    for pattern, rating in ((_STILL_BROKEN, DISSATISFIED), (_FAIR, FAIR), (_PLEASED, SATISFIED)):
        if m := pattern.search(line):
            rest = line[m.end() :]
            if m.start() == 0 and rest and rest[0].isdigit():
                return None  # "12点前" is not a rating
            return rating
    if _PLEASED_SIGNS.search(text) and len(line) <= 4:
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
