"""Grid workers claiming and resolving tickets by replying in chat."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.chasing import stop_ladder
from bot.domain.lifecycle import Action, Status
from bot.domain.tickets import RATING_TIMEOUT
from bot.messaging import phrases
from bot.messaging.messages import OutgoingMessage, dm_chat
from bot.messaging.parts import Mention, Text
from bot.messaging.phrases import bare
from bot.runtime.context import Context
from bot.vocabulary import EventKind, News
from bot.vocabulary.recognition import (
    ABOUT_THE_WORK,
    ACKNOWLEDGED,
    CLAIM,
    CLAIM_VERBS,
    DONE,
    GOING,
    NOT_DONE,
    NOT_GOING,
    NUMBER_THEN_VERB,
    RESOLVE,
    RESOLVE_LEAD,
    RESOLVE_WORD,
)
from handlers.common.quoting import TICKET_REF, quoted_ticket, ticket_number
from handlers.common.usage import TEAM, Usage
from storage.models import TicketRow

USAGE = (
    Usage("接单", TEAM),
    Usage(RESOLVE_WORD, TEAM),
)


class Verb(StrEnum):
    CLAIM = "claim"
    RESOLVE = "resolve"
    NOTE = "note"  # about the work, but not done: "修不好", "明天再修", "还差个零件"


@dataclass(frozen=True, slots=True)
class WorkerCommand:
    verb: Verb
    ticket_id: int | None
    quoted: bool = False
    # Said in the worker's own words, not as a command: applies only when it is clear
    # which ticket is meant, and is never answered with a refusal (it may be chat).
    natural: bool = False
    note: str | None = None  # the words beyond the command: 办理情况, or the progress


_EDGE = re.compile(r"^[\s,，。.!！、:：;；~～-]+|[\s,，。.!！、:：;；~～-]+$")
NOTE_LIMIT = 200


def parse(text: str, quoted: bool) -> WorkerCommand | None:
    """Recognise a claim, a resolve or a progress note: explicit (接单 #3), as a quoted
    reply (收到), or in the worker's own words ("灯换好了", "我这就去", "修不好，得找物业")."""
    line = bare(text)
    if m := CLAIM.match(line):
        return WorkerCommand(Verb.CLAIM, _int(m.group(1)))
    if m := RESOLVE.match(line):
        return WorkerCommand(Verb.RESOLVE, _int(m.group(1)))
    if m := NUMBER_THEN_VERB.match(line):
        verb = Verb.CLAIM if m.group(2) in CLAIM_VERBS else Verb.RESOLVE
        return WorkerCommand(verb, int(m.group(1)))
    number = ticket_number(line)
    rest = _EDGE.sub("", TICKET_REF.sub(" ", line)) if number is not None else line
    said = dict(ticket_id=number, quoted=quoted, natural=True)
    if NOT_DONE.search(rest):
        if ABOUT_THE_WORK.search(rest) or DONE.search(rest):
            return WorkerCommand(Verb.NOTE, note=_clip(rest), **said)  # type: ignore[arg-type]
        return None
    if DONE.search(rest):
        return WorkerCommand(Verb.RESOLVE, note=resolution_note(rest), **said)  # type: ignore[arg-type]
    if NOT_GOING.search(rest):
        return None
    if GOING.search(rest) or ((quoted or number is not None) and rest and ACKNOWLEDGED.match(rest)):
        return WorkerCommand(Verb.CLAIM, **said)  # type: ignore[arg-type]
    return None


def resolution_note(rest: str) -> str | None:
    """The worker's words beyond the resolve phrase: "已处理，井盖已经换了新的" → "井盖已经换了
    新的"; a bare "修好了" or "处理完毕" has none."""
    words = _EDGE.sub("", RESOLVE_LEAD.sub("", _EDGE.sub("", rest)))
    if len(words) < 2 or DONE.fullmatch(words) or RESOLVE_LEAD.fullmatch(words):
        return None
    return _clip(words)


def _clip(words: str) -> str | None:
    words = _EDGE.sub("", words).removeprefix("的")  # "2号单的灯…" less its number
    return phrases.as_said(words, NOTE_LIMIT) if words else None


def _int(value: str | None) -> int | None:
    return int(value) if value else None


async def handle(ctx: Context) -> list[OutgoingMessage] | None:
    is_quote = bool(ctx.message.quote_id or ctx.message.quote_text)
    command = parse(ctx.text, is_quote)
    if command is None:
        return None
    if command.natural and ctx.sender.is_resident:
        return None  # a resident's "修好了" or "我这就去" is chat (or a rating, next)
    ticket_id = command.ticket_id
    if command.quoted and ticket_id is None:
        ticket_id = await quoted_ticket(ctx)
        if ticket_id is None and not command.natural:
            return None  # a quoted "收到" about something that is not a ticket: just chat
    if ctx.sender.is_resident:
        if command.quoted:
            return None
        return [ctx.reply(phrases.WORKERS_ONLY)]
    if command.natural and ticket_id is None:
        if command.quoted:
            return None  # quoting something that is no ticket
        if command.verb is not Verb.RESOLVE and _reports_a_place(ctx):
            return None  # a worker reporting a problem somewhere themselves
        picked = await _only_pending_here(ctx, command)
        if picked is None or isinstance(picked, list):
            return picked
        ticket_id = picked
    if command.verb is Verb.NOTE:
        return await note(ctx, ticket_id, command)
    if command.verb is Verb.CLAIM:
        return await claim(ctx, ticket_id, natural=command.natural)
    return await resolve(ctx, ticket_id, command.note)


def _reports_a_place(ctx: Context) -> bool:
    """'5号楼停水了，需要处理': a new problem at a named place, not news of this ticket."""
    result = ctx.triage.triage(ctx.text, role=ctx.sender.role)
    return result.ticket and any(f.location is not None for f in result.findings)


async def _only_pending_here(
    ctx: Context, command: WorkerCommand
) -> int | list[OutgoingMessage] | None:
    """The ticket the worker's own words are about: their only pending ticket in this chat
    (anywhere, when they write privately). Several: one short question. None: just chat."""
    mine = [
        t
        for t in await ctx.store.tickets_assigned_to(
            ctx.sender.id, (Status.ASSIGNED, Status.CLAIMED)
        )
        if ctx.message.is_direct or t.group_id == ctx.message.chat_id
    ]
    if command.verb is Verb.CLAIM and any(t.status == Status.ASSIGNED for t in mine):
        waiting = [t for t in mine if t.status == Status.ASSIGNED]
        if len(waiting) == 1:
            return waiting[0].id
        mine = waiting
    if not mine:
        return None
    if len(mine) > 1:
        label = "接单" if command.verb is Verb.CLAIM else "办结"
        return [ctx.reply(phrases.which_ticket(mine, label))]
    return mine[0].id


async def note(
    ctx: Context, ticket_id: int | None, command: WorkerCommand
) -> list[OutgoingMessage]:
    """The worker said how it is going but not that it is done: a note on the ticket."""
    ticket = await ctx.store.ticket(ticket_id or 0, lock=True)
    if ticket is None:
        return [ctx.reply(phrases.no_such_ticket(ticket_id or 0))]
    if refusal := _grid_refusal(ctx, ticket):
        return refusal
    if ticket.status not in (Status.ASSIGNED, Status.CLAIMED):
        return []  # about a finished ticket: nothing to do, and nothing to say
    await ctx.tickets.note(
        ticket,
        EventKind.NOTE,
        actor=ctx.sender.id,
        message_id=ctx.inbound.id,
        detail={"text": command.note or "", "via": "chat"},
    )
    ctx.link(ticket.id)
    return [ctx.reply(phrases.progress_noted(ticket, command.note or ""), ticket_id=ticket.id)]


async def _pick(
    ctx: Context, ticket_id: int | None, statuses: tuple[Status, ...], verb_label: str
) -> TicketRow | list[OutgoingMessage]:
    """The ticket a command means, or the reply explaining why it cannot be chosen."""
    if ticket_id is not None:
        ticket = await ctx.store.ticket(ticket_id, lock=True)
        if ticket is None:
            return [ctx.reply(phrases.no_such_ticket(ticket_id))]
        return ticket
    mine = await ctx.store.tickets_assigned_to(ctx.sender.id, statuses)
    if not mine:
        return [ctx.reply(phrases.nothing_to(verb_label))]
    if len(mine) > 1:
        return [ctx.reply(phrases.which_ticket(mine, verb_label))]
    return await ctx.store.ticket(mine[0].id, lock=True) or mine[0]


def _grid_refusal(ctx: Context, ticket: TicketRow) -> list[OutgoingMessage] | None:
    if ctx.sender.covers(ticket.grid_id):
        return None
    grid = ctx.config.grid(ticket.grid_id)
    where = grid.name if grid else phrases.OTHER_GRID
    return [ctx.reply(phrases.ticket_outside_your_grid(ticket, where))]


async def claim(
    ctx: Context, ticket_id: int | None, *, natural: bool = False
) -> list[OutgoingMessage]:
    picked = await _pick(ctx, ticket_id, (Status.ASSIGNED,), "接单")
    if isinstance(picked, list):
        return picked
    ticket = picked
    if refusal := _grid_refusal(ctx, ticket):
        return refusal
    if ticket.status == Status.CLAIMED:
        if ticket.assignee_id == ctx.sender.id:
            if natural:
                return []  # "在路上了" about a ticket they already took: nothing new to say
            return [ctx.reply(phrases.already_yours(ticket))]
        holder = await ctx.display_name(ticket.assignee_id or "")
        return [ctx.reply(phrases.claimed_by_other(ticket, holder))]
    if ticket.status != Status.ASSIGNED:
        if natural:
            return []
        return [ctx.reply(phrases.no_claim_needed(ticket))]
    await ctx.tickets.apply(ticket, Action.CLAIM, actor=ctx.sender.id, message_id=ctx.inbound.id)
    await stop_ladder(ctx.tickets, ticket)  # someone took it: no more escalation steps
    ctx.link(ticket.id)
    reporter = Mention(ticket.reporter_id, await ctx.display_name(ticket.reporter_id))
    text = phrases.claimed_news(ticket, reporter, ctx.sender.name)
    return _announce(ctx, ticket, text, News.CLAIMED, mentions=(ticket.reporter_id,))


async def resolve(
    ctx: Context, ticket_id: int | None, note: str | None = None
) -> list[OutgoingMessage]:
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
        return [ctx.reply(phrases.already_resolved(ticket))]
    if ticket.status not in (Status.ASSIGNED, Status.CLAIMED):
        return [ctx.reply(phrases.no_resolve_needed(ticket))]
    if ticket.status == Status.ASSIGNED:
        await ctx.tickets.apply(
            ticket, Action.CLAIM, actor=ctx.sender.id, message_id=ctx.inbound.id
        )
        await stop_ladder(ctx.tickets, ticket)
    await ctx.tickets.apply(
        ticket,
        Action.RESOLVE,
        actor=ctx.sender.id,
        message_id=ctx.inbound.id,
        detail={"note": note} if note else None,
    )
    await ctx.tickets.schedule(ticket, RATING_TIMEOUT, ctx.now + ctx.config.timing.rating_timeout)
    ctx.link(ticket.id)
    reporter = Mention(ticket.reporter_id, await ctx.display_name(ticket.reporter_id))
    text = phrases.resolved_news(ticket, reporter, ctx.sender.name)
    return _announce(ctx, ticket, text, News.RATING, mentions=(ticket.reporter_id,))


def _announce(
    ctx: Context,
    ticket: TicketRow,
    text: str | Text,
    news: News,
    mentions: tuple[str, ...] = (),
) -> list[OutgoingMessage]:
    """Tell the ticket's group; if the worker wrote from elsewhere, confirm to them too.
    News of an urgent ticket is urgent too: it never waits for the end of quiet hours, and
    neither does the confirmation to the worker who wrote it: written in the ticket's own
    group at night, the group message is that confirmation and goes out at once. News
    told elsewhere may wait for the morning, and is dropped then if the ticket has moved
    on (``news``)."""
    home = ticket.group_id or dm_chat(ticket.reporter_id)
    here = ctx.message.reply_chat == home
    out = [
        OutgoingMessage.say(
            home,
            text,
            mentions=mentions,
            ticket_id=ticket.id,
            platform=ticket.platform,
            urgent=ticket.urgent,
            news=News.CONFIRMATION if here else news,
        )
    ]
    if ctx.message.reply_chat != home:
        out.append(ctx.reply(phrases.recorded(text), ticket_id=ticket.id, urgent=True))
    return out
