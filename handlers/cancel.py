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

import re
from dataclasses import dataclass

from bot.domain.lifecycle import OPEN_STATUSES
from bot.messaging.messages import OutgoingMessage
from bot.messaging.phrases import bare, headline, ref, summary_of
from bot.runtime import actions
from bot.runtime.context import Context
from bot.vocabulary import Role
from handlers.common.quoting import quoted_ticket
from handlers.common.usage import MANAGERS, RESIDENTS, Usage
from storage.models import TicketRow

CANCEL_REQUEST = actions.CANCEL_REQUEST  # a resident asked, but the ticket stays open

USAGE = (
    Usage("撤销", RESIDENTS, variant="own"),
    Usage("撤销", MANAGERS),
)

_VERB = r"(?:撤销|取消|撤回|作废)"
_TAIL = r"(?:[\s,，。.:：;；!！]+(.*))?"
_LEAD = rf"^(?:请|麻烦)?(?:帮我)?{_VERB}"
# "#3" (a reason may follow at once) or "3号" (a reason only after a space or comma, since
# "取消3号楼的活动" is not about ticket 3); a bare number is too often a quantity ("取消 3 份").
_HASH = re.compile(
    rf"{_LEAD}(?:工单|报修|登记)?\s*#\s*(\d{{1,9}})\s*号?(?:工单)?[\s,，。.:：;；!！]*(.*)$", re.S
)
_HAO = re.compile(rf"{_LEAD}(?:工单|报修|登记)?\s*(\d{{1,9}})\s*号(?:工单)?{_TAIL}$", re.S)
_NOUN_NUMBER = re.compile(rf"{_LEAD}(?:工单|报修|登记)\s*(\d{{1,9}})$")  # 取消工单 12
_NUMBER_FIRST = re.compile(
    rf"^#\s*(\d{{1,9}})\s*号?(?:工单)?\s*(?:{_VERB}|不用了|不需要了|不用修了|不用来了){_TAIL}$",
    re.S,
)
# Without a number only with a noun: "取消" alone is everyday group chatter (接龙, 活动).
_BARE = re.compile(rf"{_LEAD}(?:我的|刚才的|这个)?(?:工单|报修|登记|反映)$")
_QUOTED = re.compile(
    rf"^(?:{_VERB}|不用了|不需要了|不用修了|不用来了|不用麻烦了|不麻烦了)(?:吧|啊|哈)?{_TAIL}$",
    re.S,
)


@dataclass(frozen=True, slots=True)
class CancelCommand:
    ticket_id: int | None
    reason: str
    how: str  # "number" (撤销 #3), "bare" (撤销工单), "quote" (不用了, quoting the ticket)


def parse(text: str, quoted: bool) -> CancelCommand | None:
    """The cancellation a message asks for, if it asks for one."""
    line = bare(text)
    if m := _HASH.match(line) or _HAO.match(line) or _NUMBER_FIRST.match(line):
        return CancelCommand(int(m.group(1)), summary_of(m.group(2) or ""), "number")
    if m := _NOUN_NUMBER.match(line):
        return CancelCommand(int(m.group(1)), "", "number")
    if _BARE.match(line):
        return CancelCommand(None, "", "bare")
    if quoted and (m := _QUOTED.match(line)):
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
        return [
            ctx.reply(
                "撤销工单需要反映问题的居民本人、网格长或社区工作人员操作。"
                "如果问题已经解决，请回复“已处理 #编号”。"
            )
        ]
    if number is None:
        if not sender.is_resident:
            return [ctx.reply("请写明要撤销的工单编号，例如：撤销 #12")]
        return await _own_only(ctx, command.reason)
    ticket = await ctx.store.ticket(number, lock=True)
    if sender.is_resident:
        if ticket is None or ticket.reporter_id != sender.id:
            if command.how == "quote":
                return None  # someone else's report: not this resident's to withdraw
            return [ctx.reply(f"没有找到您反映的工单 {ref(number)}，请核对一下编号。")]
    elif ticket is None:
        return [ctx.reply(f"没有找到工单 {ref(number)}，请核对一下编号。")]
    elif not sender.covers(ticket.grid_id):
        grid = ctx.config.grid(ticket.grid_id)
        where = grid.name if grid else "其他网格"
        return [
            ctx.reply(f"工单 {ref(ticket)} 属于{where}，请由该网格的网格长或社区工作人员撤销。")
        ]
    return await cancel(ctx, ticket, command.reason)


async def _own_only(ctx: Context, reason: str) -> list[OutgoingMessage]:
    """'撤销工单' without a number: the resident's only open report, or ask which."""
    mine = await ctx.store.tickets_reported_by(ctx.sender.id, OPEN_STATUSES)
    if not mine:
        return [ctx.reply("您目前没有可以撤销的工单。")]
    if len(mine) > 1:
        lines = "\n".join(headline(t) for t in mine[:10])
        return [ctx.reply(f"您有 {len(mine)} 张工单正在处理，请回复“撤销 #编号”：\n{lines}")]
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
