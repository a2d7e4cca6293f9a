"""Grid workers claiming and resolving tickets by replying in chat."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.chasing import stop_ladder
from bot.domain.lifecycle import STATUS_LABELS, Action, Status
from bot.domain.taxonomy import category_label
from bot.domain.tickets import RATING_TIMEOUT
from bot.messaging.messages import OutgoingMessage, dm_chat
from bot.messaging.parts import Mention, Text
from bot.messaging.phrases import bare, headline, recorded, ref, ticket_outside_your_grid
from bot.runtime.context import Context
from handlers.common.quoting import quoted_ticket
from storage.models import TicketRow


class Verb(StrEnum):
    CLAIM = "claim"
    RESOLVE = "resolve"


@dataclass(frozen=True, slots=True)
class WorkerCommand:
    verb: Verb
    ticket_id: int | None
    quoted: bool = False


_NUMBER = r"\s*(?:#|＃|号)?\s*(\d{1,9})?\s*(?:号)?"
_CLAIM = re.compile(rf"^(?:我)?(?:接单|认领|我来接|我接了?){_NUMBER}$")
_RESOLVE = re.compile(rf"^(?:已处理|办结|已办结|已解决|处理完毕|已完成){_NUMBER}$")
_NUMBER_FIRST = re.compile(r"^#(\d{1,9})\s*(接单|认领|已处理|办结|已办结|已解决)$")
_QUOTED_CLAIM = re.compile(
    r"^(?:收到|好的?|马上去|马上到|这就去|在路上|我去|明白|ok)(?:[,，\s].*)?$", re.I
)
_QUOTED_RESOLVE = re.compile(
    r"^(?:修好了|已修好|已处理|处理好了|办好了|搞定了?|已解决|已完成|弄好了|已经修好了|已经处理好了)"
)


def parse(text: str, quoted: bool) -> WorkerCommand | None:
    """Recognise a claim or resolve, explicit (接单 #3) or as a quoted reply (收到)."""
    line = bare(text)
    if m := _CLAIM.match(line):
        return WorkerCommand(Verb.CLAIM, _int(m.group(1)))
    if m := _RESOLVE.match(line):
        return WorkerCommand(Verb.RESOLVE, _int(m.group(1)))
    if m := _NUMBER_FIRST.match(line):
        verb = Verb.CLAIM if m.group(2) in ("接单", "认领") else Verb.RESOLVE
        return WorkerCommand(verb, int(m.group(1)))
    if quoted:
        if _QUOTED_RESOLVE.match(line):
            return WorkerCommand(Verb.RESOLVE, None, quoted=True)
        if _QUOTED_CLAIM.match(line):
            return WorkerCommand(Verb.CLAIM, None, quoted=True)
    return None


def _int(value: str | None) -> int | None:
    return int(value) if value else None


async def handle(ctx: Context) -> list[OutgoingMessage] | None:
    is_quote = bool(ctx.message.quote_id or ctx.message.quote_text)
    command = parse(ctx.text, is_quote)
    if command is None:
        return None
    ticket_id = command.ticket_id
    if command.quoted:
        ticket_id = await quoted_ticket(ctx)
        if ticket_id is None:
            return None  # a quoted "收到" about something that is not a ticket: just chat
    if ctx.sender.is_resident:
        if command.quoted:
            return None
        return [ctx.reply("接单和办结需要网格员来操作哦。您反映的问题我们会安排网格员跟进。")]
    if command.verb is Verb.CLAIM:
        return await claim(ctx, ticket_id)
    return await resolve(ctx, ticket_id)


async def _pick(
    ctx: Context, ticket_id: int | None, statuses: tuple[Status, ...], verb_label: str
) -> TicketRow | list[OutgoingMessage]:
    """The ticket a command means, or the reply explaining why it cannot be chosen."""
    if ticket_id is not None:
        ticket = await ctx.store.ticket(ticket_id, lock=True)
        if ticket is None:
            return [ctx.reply(f"没有找到工单 {ref(ticket_id)}，请核对一下编号。")]
        return ticket
    mine = await ctx.store.tickets_assigned_to(ctx.sender.id, statuses)
    if not mine:
        return [ctx.reply(f"您目前没有需要{verb_label}的工单。")]
    if len(mine) > 1:
        lines = "\n".join(headline(t) for t in mine[:10])
        more = f"\n……共 {len(mine)} 张" if len(mine) > 10 else ""
        ask = f"您有 {len(mine)} 张工单待{verb_label}，请回复“{verb_label} #编号”："
        return [ctx.reply(f"{ask}\n{lines}{more}")]
    return await ctx.store.ticket(mine[0].id, lock=True) or mine[0]


def _grid_refusal(ctx: Context, ticket: TicketRow) -> list[OutgoingMessage] | None:
    if ctx.sender.covers(ticket.grid_id):
        return None
    grid = ctx.config.grid(ticket.grid_id)
    where = grid.name if grid else "其他网格"
    return [
        ctx.reply(ticket_outside_your_grid(ticket, where))
    ]


async def claim(ctx: Context, ticket_id: int | None) -> list[OutgoingMessage]:
    picked = await _pick(ctx, ticket_id, (Status.ASSIGNED,), "接单")
    if isinstance(picked, list):
        return picked
    ticket = picked
    if refusal := _grid_refusal(ctx, ticket):
        return refusal
    if ticket.status == Status.CLAIMED:
        if ticket.assignee_id == ctx.sender.id:
            return [
                ctx.reply(
                    f"工单 {ref(ticket)} 您已经接过了，处理好后回复“已处理 {ref(ticket)}”即可。"
                )
            ]
        holder = await ctx.display_name(ticket.assignee_id or "")
        return [ctx.reply(f"工单 {ref(ticket)} 已由{holder}接单，无需重复认领。")]
    if ticket.status != Status.ASSIGNED:
        return [ctx.reply(f"工单 {ref(ticket)} {STATUS_LABELS[Status(ticket.status)]}，无需接单。")]
    await ctx.tickets.apply(ticket, Action.CLAIM, actor=ctx.sender.id, message_id=ctx.inbound.id)
    await stop_ladder(ctx.tickets, ticket)  # someone took it: no more escalation steps
    ctx.link(ticket.id)
    text = f"{ctx.sender.name}已接单 {ref(ticket)}（{category_label(ticket.category)}），正在处理。"
    return _announce(ctx, ticket, text)


async def resolve(ctx: Context, ticket_id: int | None) -> list[OutgoingMessage]:
    picked = await _pick(ctx, ticket_id, (Status.CLAIMED,), "办结")
    if isinstance(picked, list) and ticket_id is None:
        # Nothing claimed: a worker may fix an assigned ticket without claiming it first.
        fallback = await _pick(ctx, None, (Status.ASSIGNED,), "办结")
        picked = fallback if not isinstance(fallback, list) else picked
    if isinstance(picked, list):
        return picked
    ticket = picked
    if refusal := _grid_refusal(ctx, ticket):
        return refusal
    if ticket.status == Status.RESOLVED:
        return [ctx.reply(f"工单 {ref(ticket)} 已经处理过了，正在等待居民评价。")]
    if ticket.status not in (Status.ASSIGNED, Status.CLAIMED):
        return [
            ctx.reply(f"工单 {ref(ticket)} {STATUS_LABELS[Status(ticket.status)]}，无需再办结。")
        ]
    if ticket.status == Status.ASSIGNED:
        await ctx.tickets.apply(
            ticket, Action.CLAIM, actor=ctx.sender.id, message_id=ctx.inbound.id
        )
        await stop_ladder(ctx.tickets, ticket)
    await ctx.tickets.apply(ticket, Action.RESOLVE, actor=ctx.sender.id, message_id=ctx.inbound.id)
    await ctx.tickets.schedule(ticket, RATING_TIMEOUT, ctx.now + ctx.config.timing.rating_timeout)
    ctx.link(ticket.id)
    reporter = await ctx.display_name(ticket.reporter_id)
    text = Text.of(
        f"工单 {ref(ticket)}（{ticket.summary}）已由{ctx.sender.name}处理完毕。",
        Mention(ticket.reporter_id, reporter),
        " 请您评价：回复“满意”“基本满意”或“不满意”（也可回复 1/2/3）。",
    )
    return _announce(ctx, ticket, text, mentions=(ticket.reporter_id,))


def _announce(
    ctx: Context, ticket: TicketRow, text: str | Text, mentions: tuple[str, ...] = ()
) -> list[OutgoingMessage]:
    """Tell the ticket's group; if the worker wrote from elsewhere, confirm to them too.
    News of an urgent ticket is urgent too: it never waits for the end of quiet hours."""
    home = ticket.group_id or dm_chat(ticket.reporter_id)
    out = [
        OutgoingMessage.say(
            home,
            text,
            mentions=mentions,
            ticket_id=ticket.id,
            platform=ticket.platform,
            urgent=ticket.urgent,
        )
    ]
    if ctx.message.reply_chat != home:
        out.append(ctx.reply(recorded(text), ticket_id=ticket.id))
    return out
