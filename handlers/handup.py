"""Handing a ticket up and back: '上报 #3 街道 涉及产权单位', '上报 #3 12345',
'回流 #3 街道已协调物业修好'.

小事不出网格，大事不出社区: what the community cannot solve goes to the 街道 or the 12345
hotline. The grid's leader or community staff hand it up (the ticket becomes 已上报 and
leaves the overdue chase) and, when the answer comes, back with the outcome (the reporter
is told and asked to rate it). The console's 上报 / 回流 forms call the same actions
(``bot.runtime.actions``), so both say the same words. Residents' messages are not for
this handler; a worker is told who can.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.messaging.messages import OutgoingMessage
from bot.messaging.phrases import HAND_UP_FORMAT, bare, no_such_ticket, summary_of
from bot.runtime import actions
from bot.runtime.context import Context
from bot.vocabulary import HandUpLevel
from bot.vocabulary.recognition import (
    HAND_BACK,
    HAND_LEADING_SEP,
    HAND_UP,
    HAND_UP_LEVEL,
    HAND_UP_LEVELS,
)
from handlers.common.usage import MANAGERS, Usage

USAGE = (
    Usage("上报", MANAGERS),
    Usage("回流", MANAGERS),
)

WORDS_LIMIT = 120


@dataclass(frozen=True, slots=True)
class HandCommand:
    verb: str  # "上报" or "回流"
    ticket_id: int
    level: HandUpLevel | None  # 上报 only; None when it was left out
    words: str  # the reason (上报) or the outcome (回流)


def parse(text: str) -> HandCommand | None:
    line = bare(text)
    if m := HAND_UP.match(line):
        rest = (m.group(3) or "").strip()
        level = None
        if lm := HAND_UP_LEVEL.match(rest):
            level = HAND_UP_LEVELS[lm.group(1)]
            rest = HAND_LEADING_SEP.sub("", rest[lm.end():])
        return HandCommand("上报", int(m.group(1) or m.group(2)), level, _words(rest))
    if m := HAND_BACK.match(line):
        return HandCommand("回流", int(m.group(1) or m.group(2)), None, _words(m.group(3)))
    return None


def _words(text: str | None) -> str:
    """A reason or outcome as said in a group: one line, Chinese punctuation, numbers hidden."""
    return summary_of(text or "", WORDS_LIMIT)


async def handle(ctx: Context) -> list[OutgoingMessage] | None:
    command = parse(ctx.text)
    if command is None or ctx.sender.is_resident:
        return None  # a resident's "上报" is theirs to say; intake may read it
    if command.verb == "上报" and command.level is None:
        return [ctx.reply(HAND_UP_FORMAT)]
    ticket = await ctx.store.ticket(command.ticket_id, lock=True)
    if ticket is None:
        return [ctx.reply(no_such_ticket(command.ticket_id))]
    if command.level is not None:
        result = await actions.hand_up(
            ctx.config, ctx.tickets, ticket, ctx.sender, command.level, command.words,
            message_id=ctx.inbound.id,
        )
    else:
        result = await actions.hand_back(
            ctx.config, ctx.tickets, ticket, ctx.sender, command.words,
            message_id=ctx.inbound.id,
        )
    if isinstance(result, actions.Refusal):
        return [ctx.reply(result.text)]
    ctx.link(ticket.id)
    return result.messages(ctx.message.reply_chat, ctx.message.platform)
