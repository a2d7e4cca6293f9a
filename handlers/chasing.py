"""The chasing timers: what the escalation ladder, the overdue reminders and the daily duty
post say when they fire, and to whom. When they are due is decided in
``bot.domain.chasing``; the words are in ``bot.messaging.phrases``.

Chasing is between the bot and the people who must act: reminders go privately, the top
of the ladder and the overdue report to the staff group. A residents' group never reads
that a named worker let a ticket wait; its reporter hears once that it is in hand.

Each handler re-reads the ticket and does nothing if the ticket has moved on (claimed,
resolved, transferred), so a timer that was not cancelled is harmless.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.config import Config
from bot.domain.chasing import (
    DUTY_DAILY,
    ESCALATE,
    LADDER_STEPS,
    LATE,
    OVERDUE,
    EscalatePayload,
    OverduePayload,
    next_daily,
    schedule_ladder,
)
from bot.domain.lifecycle import Status
from bot.domain.roster import load_roster, settings
from bot.messaging.messages import OutgoingMessage, dm_chat
from bot.messaging.parts import Mention, Text
from bot.messaging.phrases import (
    day_of,
    duty_today,
    overdue_due,
    overdue_report,
    overdue_warning,
    reassurance,
    time_limit,
    unclaimed_for_leader,
    unclaimed_for_staff,
    unclaimed_help,
    unclaimed_reminder,
    when,
)
from bot.runtime.quiet_hours import release_time
from bot.runtime.timers import TimerContext
from bot.vocabulary import EscalationStep, EventKind, News, OverdueStage, Role
from storage.models import TicketRow, TimerRow

# --- the ladder --------------------------------------------------------------------------


async def escalate(ctx: TimerContext) -> list[OutgoingMessage]:
    """One step of the ladder. The people who must act hear it privately (the staff group
    at the top); the reporter's group hears once, at the first step, that we are on it,
    and never which worker let the ticket wait."""
    payload = EscalatePayload.from_json(ctx.timer.payload)
    ticket = await ctx.store.ticket(ctx.timer.ticket_id or 0, lock=True)
    if ticket is None or ticket.status != Status.ASSIGNED:
        return []
    level = ticket.escalation_level + 1
    if payload.level != level or level > LADDER_STEPS:
        return []  # stale: a transfer or an earlier step moved the ladder on
    config = ctx.config
    if (morning := _chase_waits(config, ticket, ctx.now)) is not None:
        interval = settings(config).escalation.interval(ticket.urgent)
        await ctx.tickets.schedule(ticket, ESCALATE, morning + interval, payload.to_json())
        return []
    grid = config.grid(ticket.grid_id)
    waited = ctx.now - ticket.created_at
    added: list[str] = list(payload.added)
    reminded = [config.name_of(p) for p in dict.fromkeys((ticket.assignee_id, *added)) if p]
    out: list[OutgoingMessage]
    if level == 1:
        roster = await load_roster(ctx.store, config, ctx.now)
        involved = {ticket.assignee_id, *added}
        nxt = next(
            (d.person for d in roster.on_duty(ticket.grid_id, ctx.now) if d.person not in involved),
            None,
        )
        people = [p for p in (ticket.assignee_id, nxt) if p]
        if nxt:
            added.append(nxt)
        assignee = config.name_of(ticket.assignee_id) if ticket.assignee_id else None
        out = []
        if ticket.assignee_id:
            out.append(_dm(ticket.assignee_id, unclaimed_reminder(ticket, waited), ticket))
        if nxt:
            out.append(_dm(nxt, unclaimed_help(ticket, waited, assignee), ticket))
        # The first step is the only one the reporter hears of: the ladder climbs from
        # level 1 once per ticket (a transfer restarts the wait, not the levels).
        out.append(await _reassure(ctx, ticket))
        detail = {
            "level": 1,
            "step": EscalationStep.WORKER,
            "notified": people,
            "added": nxt,
            "reassured": True,
        }
    elif level == 2:
        leader = grid.leader if grid else None
        text = unclaimed_for_leader(ticket, waited, reminded)
        out = [_dm(leader, text, ticket)] if leader else _staff_group(ctx, ticket, text, [])
        detail = {
            "level": 2,
            "step": EscalationStep.LEADER,
            "notified": [leader] if leader else [],
        }
    else:
        staff = [p.id for p in config.directory.people if p.role == Role.STAFF]
        leader = config.name_of(grid.leader) if grid and grid.leader else None
        where = config.grid_label(ticket.grid_id)
        at = [_at(config, p) for p in staff]
        text = unclaimed_for_staff(ticket, where, waited, reminded, leader, at)
        out = _staff_group(ctx, ticket, text, staff)
        detail = {"level": 3, "step": EscalationStep.STAFF, "notified": staff}
    await ctx.tickets.escalate(ticket, level, detail)
    await schedule_ladder(ctx.tickets, config, ticket, added)
    return out


async def _reassure(ctx: TimerContext, ticket: TicketRow) -> OutgoingMessage:
    """The reporter's one reassurance, where they reported: their group (with one @), or
    privately. Should it be held for the morning and someone claim meanwhile, it is
    dropped (``News.REASSURANCE``)."""
    reporter = Mention(ticket.reporter_id, await _display_name(ctx, ticket.reporter_id))
    group = ctx.config.group(ticket.group_id)
    if group is None:
        return OutgoingMessage.say(
            dm_chat(ticket.reporter_id),
            reassurance(ticket, None),
            mentions=(),
            ticket_id=ticket.id,
            urgent=ticket.urgent,
            platform=ticket.platform,
            news=News.REASSURANCE,
        )
    return OutgoingMessage.say(
        group.id,
        reassurance(ticket, reporter),
        mentions=(ticket.reporter_id,),
        ticket_id=ticket.id,
        urgent=ticket.urgent,
        platform=ticket.platform,
        news=News.REASSURANCE,
    )


async def _display_name(ctx: TimerContext, person_id: str) -> str:
    """A person's name for people to read: the directory's, else the name a resident
    wrote under; the id only when neither is known."""
    person = ctx.config.person(person_id)
    if person is not None:
        return person.name
    return await ctx.store.person_name(person_id) or person_id


def _chase_waits(config: Config, ticket: TicketRow, now: datetime) -> datetime | None:
    """When a chase falling at ``now`` should go instead: the end of quiet hours for a
    non-urgent ticket (nobody is woken at 2 a.m. about a street lamp), else None."""
    return None if ticket.urgent else release_time(config, now)


def _at(config: Config, person_id: str) -> Mention:
    return Mention(person_id, config.name_of(person_id))


def _dm(person: str, text: str | Text, ticket: TicketRow) -> OutgoingMessage:
    return OutgoingMessage.say(
        dm_chat(person),
        text,
        mentions=(person,),
        ticket_id=ticket.id,
        urgent=ticket.urgent,
    )


def _staff_group(
    ctx: TimerContext, ticket: TicketRow, text: str | Text, mentions: list[str]
) -> list[OutgoingMessage]:
    staff_group = ctx.config.staff_group
    if staff_group:
        return [
            OutgoingMessage.say(
                staff_group,
                text,
                mentions=tuple(mentions),
                ticket_id=ticket.id,
                urgent=ticket.urgent,
            )
        ]
    return [_dm(p, text, ticket) for p in mentions]


# --- overdue -----------------------------------------------------------------------------


async def overdue(ctx: TimerContext) -> list[OutgoingMessage]:
    payload = OverduePayload.from_json(ctx.timer.payload or {})
    ticket = await ctx.store.ticket(ctx.timer.ticket_id or 0, lock=True)
    if ticket is None or ticket.status not in (Status.ASSIGNED, Status.CLAIMED):
        return []  # resolved, closed or cancelled in time: nothing to chase
    config = ctx.config
    stage = payload.stage
    limit = time_limit(payload.limit, payload.working_time)
    if (morning := _chase_waits(config, ticket, ctx.now)) is not None:
        await ctx.tickets.schedule(ticket, OVERDUE, morning, payload.to_json())
        return []
    if stage == OverdueStage.WARN and ctx.now >= payload.due:
        return []  # held past the limit itself (quiet hours, downtime): "due" says it all
    grid = config.grid(ticket.grid_id)
    target = ticket.assignee_id or (grid.leader if grid else None)
    if stage == OverdueStage.WARN:
        text = overdue_warning(ticket, limit, when(payload.due, config.timezone))
        out = [_dm(target, text, ticket)] if target else []
        kind = EventKind.OVERDUE_WARNING
    elif stage == OverdueStage.DUE:
        out = [_dm(target, overdue_due(ticket, limit), ticket)] if target else []
        kind = EventKind.OVERDUE
    else:
        staff = [p.id for p in config.directory.people if p.role == Role.STAFF]
        people = [*([grid.leader] if grid and grid.leader else []), *staff]
        holder = config.name_of(ticket.assignee_id) if ticket.assignee_id else None
        where = config.grid_label(ticket.grid_id)
        over = ctx.now - payload.due
        at = [_at(config, p) for p in people]
        text = overdue_report(ticket, where, holder, limit, over, at)
        out = _staff_group(ctx, ticket, text, people)
        kind = EventKind.OVERDUE_REPORT
    detail = {"stage": stage, "due": payload.due.isoformat()}
    await ctx.tickets.note(ticket, kind, actor=None, detail=detail)
    return out


# --- the daily duty message ---


async def daily_duty(ctx: TimerContext) -> list[OutgoingMessage]:
    """At shift start, each residents' group hears who is on duty today (off by default):
    one message per group, no @-mentions. Re-arms itself for the next day.

    Fired late (the bot was down at the time), it still posts today's duty, unless that
    post would be followed by today's own within hours (it is before today's time) or
    would only be held for the morning (quiet hours): then it just re-arms.
    """
    config = ctx.config
    if not settings(config).duty.daily_message:
        return []
    following = next_daily(config, ctx.now + timedelta(minutes=1))
    await ctx.store.add_timer(
        TimerRow(kind=DUTY_DAILY, due_at=following, payload={}, created_at=ctx.now)
    )
    local = ctx.now.astimezone(config.timezone)
    if ctx.now - ctx.timer.due_at >= LATE and (
        following.astimezone(config.timezone).date() == local.date()
        or release_time(config, ctx.now) is not None
    ):
        return []
    roster = await load_roster(ctx.store, config, ctx.now)
    out: list[OutgoingMessage] = []
    for group in config.directory.groups:
        grid = config.grid(group.grid)
        if grid is None:
            continue
        names = [config.name_of(d.person) for d in roster.on_duty(grid.id, ctx.now)]
        text = duty_today(day_of(ctx.now, config.timezone), grid.name, names)
        out.append(OutgoingMessage(chat=group.id, text=text, platform=group.platform))
    return out
