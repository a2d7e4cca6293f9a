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

import re
from dataclasses import dataclass

from bot.messaging.messages import OutgoingMessage
from bot.messaging.phrases import bare, no_such_ticket, summary_of
from bot.runtime import actions
from bot.runtime.context import Context
from bot.vocabulary import HandUpLevel
from handlers.common.usage import MANAGERS, Usage

USAGE = (
    Usage("上报", MANAGERS),
    Usage("回流", MANAGERS),
)

_NUMBER = r"(?:工单)?\s*(?:#\s*(\d{1,9})|(\d{1,9})\s*号)\s*(?:工单)?"
_SEP = r"[\s,，。.:：;；!！]*"
_HAND_UP = re.compile(rf"^上报\s*{_NUMBER}(?:{_SEP}(.*))?$", re.S)
_HAND_BACK = re.compile(rf"^回流\s*{_NUMBER}(?:{_SEP}(.*))?$", re.S)
_LEVEL = re.compile(r"^(?:到|给|至)?(街道办事处|街道办|街道|12345热线|12345|市民热线|热线)")
LEVELS = {
    "街道办事处": HandUpLevel.STREET,
    "街道办": HandUpLevel.STREET,
    "街道": HandUpLevel.STREET,
    "12345热线": HandUpLevel.HOTLINE,
    "12345": HandUpLevel.HOTLINE,
    "市民热线": HandUpLevel.HOTLINE,
    "热线": HandUpLevel.HOTLINE,
}
WORDS_LIMIT = 120
HAND_UP_FORMAT = "上报的格式：上报 #编号 街道|12345 原因，例如“上报 #12 街道 涉及产权单位”。"


@dataclass(frozen=True, slots=True)
class HandCommand:
    verb: str  # "上报" or "回流"
    ticket_id: int
    level: HandUpLevel | None  # 上报 only; None when it was left out
    words: str  # the reason (上报) or the outcome (回流)


def parse(text: str) -> HandCommand | None:
    line = bare(text)
    if m := _HAND_UP.match(line):
        rest = (m.group(3) or "").strip()
        level = None
        if lm := _LEVEL.match(rest):
            level = LEVELS[lm.group(1)]
            rest = re.sub(rf"^{_SEP}", "", rest[lm.end():])
        return HandCommand("上报", int(m.group(1) or m.group(2)), level, _words(rest))
    if m := _HAND_BACK.match(line):
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
