"""Chasing: the escalation ladder for unclaimed tickets, overdue reminders, the daily duty post.

"小事不出网格、大事不出社区": a ticket must not die quietly because its worker is busy or
asleep. Each chase is a timer row (bot/timers.py), fired in its own transaction together
with the event it records and the message it sends, so a restart neither loses nor
repeats a step. Each handler re-reads the ticket and does nothing if the ticket has moved
on (claimed, resolved, transferred), so a timer that was not cancelled is harmless.

Ladder (per urgency, default every 15 min; urgent every 3 min), while nobody claims:
  level 1: remind the assignee and bring in the next worker on duty (the ticket's group;
           privately for a ticket reported privately);
  level 2: the grid leader (privately);
  level 3: the community staff group.
Each step is one ``escalate`` event, one message and ``escalation_level`` + 1.

Overdue (per category limit, measured from the report; working time only for the
categories configured so): the assignee privately at ``warn_at`` (80%) and at the limit,
then the leader and the staff group in the staff group.

Both are on by default. During quiet hours (default 22:00-07:00) chasing a non-urgent
ticket waits for the morning: a ladder step due at night moves to one interval after the
window ends (the group hears of the night's reports at its end, then the worker gets the
usual time to claim), an overdue reminder to the window's end. Urgent tickets never wait.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.config import Config
from bot.events import OutgoingMessage, dm_chat
from bot.lifecycle import Status
from bot.quiet_hours import held_until, release_time
from bot.roster import load_roster, settings, working_deadline
from bot.taxonomy import category_label
from bot.tickets import Tickets
from bot.timers import TimerContext, TimerHandler
from storage.models import TicketRow, TimerRow
from storage.repo import Store

ESCALATE = "escalate"
OVERDUE = "overdue"
DUTY_DAILY = "duty_daily"
LADDER_STEPS = 3
LATE = timedelta(hours=1)  # a daily duty post this late is a catch-up after downtime
CHASE_KINDS = (ESCALATE, OVERDUE)


def timer_handlers() -> dict[str, TimerHandler]:
    return {ESCALATE: escalate, OVERDUE: overdue, DUTY_DAILY: daily_duty}


# --- scheduling --------------------------------------------------------------------------


async def start_chasing(tickets: Tickets, config: Config, ticket: TicketRow) -> None:
    """Set the first ladder step and the overdue reminders of a ticket just opened."""
    s = settings(config)
    now = tickets.now
    if s.escalation.enabled and ticket.status == Status.ASSIGNED:
        await schedule_ladder(tickets, config, ticket)
    if s.overdue.enabled:
        limit = s.overdue.limit(ticket.category)
        start = ticket.created_at or now
        if ticket.category in s.overdue.working_time:
            hours, calendar, tz = s.duty.working_hours, s.calendar, config.timezone
            due = working_deadline(start, limit, calendar, hours, tz)
            warn = working_deadline(start, limit * s.overdue.warn_at, calendar, hours, tz)
        else:
            due, warn = start + limit, start + limit * s.overdue.warn_at
        payload = {"due": due.isoformat(), "limit": _span(limit)}
        if ticket.category in s.overdue.working_time:
            payload["limit"] += "（按工作时间计）"
        await tickets.schedule(ticket, OVERDUE, warn, {**payload, "stage": "warn"})
        await tickets.schedule(ticket, OVERDUE, due, {**payload, "stage": "due"})
        report = due + s.overdue.report_after
        await tickets.schedule(ticket, OVERDUE, report, {**payload, "stage": "report"})


async def schedule_ladder(
    tickets: Tickets, config: Config, ticket: TicketRow, added: list[str] | None = None
) -> None:
    """The next ladder step for an unclaimed ticket, one interval from now."""
    s = settings(config).escalation
    level = ticket.escalation_level + 1
    if not s.enabled or level > LADDER_STEPS:
        return
    payload: dict[str, Any] = {"level": level, "added": list(added or [])}
    await tickets.schedule(ticket, ESCALATE, tickets.now + s.interval(ticket.urgent), payload)


async def restart_ladder(tickets: Tickets, config: Config, ticket: TicketRow) -> None:
    """After a transfer: the new assignee gets a full interval before the next step."""
    await tickets.unschedule(ticket, ESCALATE)
    await schedule_ladder(tickets, config, ticket)


async def stop_ladder(tickets: Tickets, ticket: TicketRow) -> None:
    """Someone claimed: the ladder stops at once."""
    await tickets.unschedule(ticket, ESCALATE)


# --- the ladder --------------------------------------------------------------------------


async def escalate(ctx: TimerContext) -> list[OutgoingMessage]:
    payload = ctx.timer.payload or {}
    ticket = await ctx.store.ticket(ctx.timer.ticket_id or 0, lock=True)
    if ticket is None or ticket.status != Status.ASSIGNED:
        return []
    level = ticket.escalation_level + 1
    if payload.get("level") != level or level > LADDER_STEPS:
        return []  # stale: a transfer or an earlier step moved the ladder on
    config = ctx.config
    if (morning := _chase_waits(config, ticket, ctx.now)) is not None:
        interval = settings(config).escalation.interval(ticket.urgent)
        await ctx.tickets.schedule(ticket, ESCALATE, morning + interval, payload)
        return []
    grid = config.grid(ticket.grid_id)
    waited = _span(ctx.now - ticket.created_at)
    head = f"{_ref(ticket)}（{category_label(ticket.category)}）{ticket.summary}"
    added: list[str] = list(payload.get("added") or [])
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
        text = f"⏰ 工单 {head} 已{waited}无人接单。"
        if ticket.assignee_id:
            text += f"@{config.name_of(ticket.assignee_id)} 请尽快接单"
        if nxt:
            text += f"；@{config.name_of(nxt)} 请协助跟进"
        text += f"（回复“接单 {_ref(ticket)}”）。"
        out = _where_ticket_lives(ctx, ticket, text, people)
        detail = {"level": 1, "step": "worker", "notified": people, "added": nxt}
    elif level == 2:
        leader = grid.leader if grid else None
        notified = [p for p in (ticket.assignee_id, *added) if p]
        who = "、".join(config.name_of(p) for p in notified) or "网格员"
        text = f"⏰ 工单 {head} 已{waited}无人接单（已提醒{who}）。" + (
            f"@{config.name_of(leader)} 请网格长协调安排。" if leader else ""
        )
        out = [_dm(leader, text, ticket)] if leader else _staff_group(ctx, ticket, text, [])
        detail = {"level": 2, "step": "leader", "notified": [leader] if leader else []}
    else:
        staff = [p.id for p in config.people if p.role == "staff"]
        where = config.grid_label(ticket.grid_id)
        reminded = [config.name_of(p) for p in dict.fromkeys((ticket.assignee_id, *added)) if p]
        if grid and grid.leader:
            reminded.append(f"网格长{config.name_of(grid.leader)}")
        text = (
            f"⚠️ {where}工单 {head} 已{waited}无人接单，已提醒{'、'.join(reminded) or '网格员'}。"
            + " ".join(f"@{config.name_of(p)}" for p in staff)
            + " 请社区协调处置。"
        )
        out = _staff_group(ctx, ticket, text, staff)
        detail = {"level": 3, "step": "staff", "notified": staff}
    ticket.escalation_level = level
    await ctx.tickets.note(ticket, ESCALATE, actor=None, detail=detail)
    await schedule_ladder(ctx.tickets, config, ticket, added)
    return out


def _chase_waits(config: Config, ticket: TicketRow, now: datetime) -> datetime | None:
    """When a chase falling at ``now`` should go instead: the end of quiet hours for a
    non-urgent ticket (nobody is woken at 2 a.m. about a street lamp), else None."""
    return None if ticket.urgent else release_time(config, now)


def _where_ticket_lives(
    ctx: TimerContext, ticket: TicketRow, text: str, people: list[str]
) -> list[OutgoingMessage]:
    """The ticket's group; privately if it came privately. (A non-urgent step never falls
    in quiet hours, see ``_chase_waits``; should a group message still be held, the
    reminder goes privately: a reminder that waits is no reminder.)"""
    group = ctx.config.group(ticket.group_id)
    if group is not None and held_until(ctx.config, group.id, ticket.urgent, ctx.now) is None:
        return [
            OutgoingMessage(
                chat=group.id,
                text=text,
                mentions=tuple(people),
                ticket_id=ticket.id,
                urgent=ticket.urgent,
                platform=ticket.platform,
            )
        ]
    return [_dm(p, text, ticket) for p in people]


def _dm(person: str, text: str, ticket: TicketRow) -> OutgoingMessage:
    return OutgoingMessage(
        chat=dm_chat(person),
        text=text,
        mentions=(person,),
        ticket_id=ticket.id,
        urgent=ticket.urgent,
    )


def _staff_group(
    ctx: TimerContext, ticket: TicketRow, text: str, mentions: list[str]
) -> list[OutgoingMessage]:
    staff_group = ctx.config.staff_group
    if staff_group:
        return [
            OutgoingMessage(
                chat=staff_group,
                text=text,
                mentions=tuple(mentions),
                ticket_id=ticket.id,
                urgent=ticket.urgent,
            )
        ]
    return [_dm(p, text, ticket) for p in mentions]


# --- overdue -----------------------------------------------------------------------------


async def overdue(ctx: TimerContext) -> list[OutgoingMessage]:
    payload = ctx.timer.payload or {}
    ticket = await ctx.store.ticket(ctx.timer.ticket_id or 0, lock=True)
    if ticket is None or ticket.status not in (Status.ASSIGNED, Status.CLAIMED):
        return []  # resolved, closed or cancelled in time: nothing to chase
    config = ctx.config
    stage = payload.get("stage")
    limit = payload.get("limit", "")
    due = datetime.fromisoformat(payload["due"]).astimezone(config.timezone)
    if (morning := _chase_waits(config, ticket, ctx.now)) is not None:
        await ctx.tickets.schedule(ticket, OVERDUE, morning, payload)
        return []
    if stage == "warn" and ctx.now >= due:
        return []  # held past the limit itself (quiet hours, downtime): "due" says it all
    head = f"{_ref(ticket)}（{category_label(ticket.category)}）{ticket.summary}"
    grid = config.grid(ticket.grid_id)
    target = ticket.assignee_id or (grid.leader if grid else None)
    if stage == "warn":
        text = (
            f"⏳ 工单 {head} 办理时限{limit}，将于{due:%m-%d %H:%M}到期，请抓紧处理；"
            f"处理好后回复“已处理 {_ref(ticket)}”。"
        )
        out = [_dm(target, text, ticket)] if target else []
        kind = "overdue_warning"
    elif stage == "due":
        text = (
            f"⌛ 工单 {head} 已到办理时限（{limit}），尚未办结，请尽快处理；如有困难请联系网格长。"
        )
        out = [_dm(target, text, ticket)] if target else []
        kind = "overdue"
    else:
        staff = [p.id for p in config.people if p.role == "staff"]
        people = [*([grid.leader] if grid and grid.leader else []), *staff]
        holder = config.name_of(ticket.assignee_id) if ticket.assignee_id else "无人"
        text = (
            f"🔴 超时工单 {head}（{config.grid_label(ticket.grid_id)}，负责人{holder}）"
            f"已超过办理时限{limit}仍未办结。"
            + " ".join(f"@{config.name_of(p)}" for p in people)
            + " 请督办。"
        )
        out = _staff_group(ctx, ticket, text, people)
        kind = "overdue_report"
    await ctx.tickets.note(ticket, kind, actor=None, detail={"stage": stage, "due": payload["due"]})
    return out


# --- the daily duty message ----------------------------------------------------------------


async def ensure_daily_duty_timer(store: Store, config: Config, now: datetime) -> None:
    """Keep exactly one pending daily-duty timer, at the configured time, while the message
    is switched on (called on every start: a restart never adds a second one)."""
    duty = settings(config).duty
    pending = await store.pending_timer(DUTY_DAILY)
    if pending is not None:
        local = pending.due_at.astimezone(config.timezone)
        if duty.daily_message and local.time() == duty.daily_message_at:
            return
        pending.done_at, pending.outcome = now, "replaced" if duty.daily_message else "disabled"
    if duty.daily_message:
        await store.add_timer(
            TimerRow(kind=DUTY_DAILY, due_at=_next_daily(config, now), payload={}, created_at=now)
        )


def _next_daily(config: Config, after: datetime) -> datetime:
    at = settings(config).duty.daily_message_at
    local = after.astimezone(config.timezone)
    candidate = datetime.combine(local.date(), at, tzinfo=config.timezone)
    return candidate if candidate > local else candidate + timedelta(days=1)


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
    following = _next_daily(config, ctx.now + timedelta(minutes=1))
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
    for group in config.groups:
        grid = config.grid(group.grid)
        if grid is None:
            continue
        names = "、".join(config.name_of(d.person) for d in roster.on_duty(grid.id, ctx.now))
        text = (
            f"【今日值班】{local.month}月{local.day}日 {grid.name}：{names or '社区值班员'}。"
            "有问题请直接在群里说明位置和情况，我会登记并通知值班网格员。"
        )
        out.append(OutgoingMessage(chat=group.id, text=text, platform=group.platform))
    return out


# --- text ----------------------------------------------------------------------------------


def _ref(ticket: TicketRow) -> str:
    return f"#{ticket.id}"


def _span(delta: timedelta) -> str:
    """'15分钟', '2小时', '1天4小时' — how long, the way people say it."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days}天")
    if hours:
        parts.append(f"{hours}小时")
    if mins or not parts:
        parts.append(f"{mins}分钟")
    return "".join(parts)
