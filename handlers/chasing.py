"""The chasing timers: what the escalation ladder, the overdue reminders and the daily duty
post say when they fire. When they are due is decided in ``bot.domain.chasing``.

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
from bot.domain.taxonomy import category_label
from bot.messaging.messages import OutgoingMessage, dm_chat
from bot.messaging.parts import Mention, Text
from bot.messaging.phrases import ref, span
from bot.runtime.quiet_hours import held_until, release_time
from bot.runtime.timers import TimerContext
from bot.vocabulary import EscalationStep, EventKind, OverdueStage, Role
from storage.models import TicketRow, TimerRow

# --- the ladder --------------------------------------------------------------------------


async def escalate(ctx: TimerContext) -> list[OutgoingMessage]:
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
    waited = span(ctx.now - ticket.created_at)
    head = f"{ref(ticket)}（{category_label(ticket.category)}）{ticket.summary}"
    added: list[str] = list(payload.added)
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
        text = Text.of(f"⏰ 工单 {head} 已{waited}无人接单。")
        if ticket.assignee_id:
            text += Text.of(_at(config, ticket.assignee_id), " 请尽快接单")
        if nxt:
            text += Text.of("；", _at(config, nxt), " 请协助跟进")
        text += f"（回复“接单 {ref(ticket)}”）。"
        out = _where_ticket_lives(ctx, ticket, text, people)
        detail = {"level": 1, "step": EscalationStep.WORKER, "notified": people, "added": nxt}
    elif level == 2:
        leader = grid.leader if grid else None
        notified = [p for p in (ticket.assignee_id, *added) if p]
        who = "、".join(config.name_of(p) for p in notified) or "网格员"
        text = Text.of(f"⏰ 工单 {head} 已{waited}无人接单（已提醒{who}）。") + (
            Text.of(_at(config, leader), " 请网格长协调安排。") if leader else ""
        )
        out = [_dm(leader, text, ticket)] if leader else _staff_group(ctx, ticket, text, [])
        detail = {
            "level": 2,
            "step": EscalationStep.LEADER,
            "notified": [leader] if leader else [],
        }
    else:
        staff = [p.id for p in config.people if p.role == Role.STAFF]
        where = config.grid_label(ticket.grid_id)
        reminded = [config.name_of(p) for p in dict.fromkeys((ticket.assignee_id, *added)) if p]
        if grid and grid.leader:
            reminded.append(f"网格长{config.name_of(grid.leader)}")
        text = Text.of(
            f"⚠️ {where}工单 {head} 已{waited}无人接单，已提醒{'、'.join(reminded) or '网格员'}。",
            Text.join(" ", (_at(config, p) for p in staff)),
            " 请社区协调处置。",
        )
        out = _staff_group(ctx, ticket, text, staff)
        detail = {"level": 3, "step": EscalationStep.STAFF, "notified": staff}
    await ctx.tickets.escalate(ticket, level, detail)
    await schedule_ladder(ctx.tickets, config, ticket, added)
    return out


def _chase_waits(config: Config, ticket: TicketRow, now: datetime) -> datetime | None:
    """When a chase falling at ``now`` should go instead: the end of quiet hours for a
    non-urgent ticket (nobody is woken at 2 a.m. about a street lamp), else None."""
    return None if ticket.urgent else release_time(config, now)


def _at(config: Config, person_id: str) -> Mention:
    return Mention(person_id, config.name_of(person_id))


def _where_ticket_lives(
    ctx: TimerContext, ticket: TicketRow, text: str | Text, people: list[str]
) -> list[OutgoingMessage]:
    """The ticket's group; privately if it came privately. (A non-urgent step never falls
    in quiet hours, see ``_chase_waits``; should a group message still be held, the
    reminder goes privately: a reminder that waits is no reminder.)"""
    group = ctx.config.group(ticket.group_id)
    if group is not None and held_until(ctx.config, group.id, ticket.urgent, ctx.now) is None:
        return [
            OutgoingMessage.say(
                group.id,
                text,
                mentions=tuple(people),
                ticket_id=ticket.id,
                urgent=ticket.urgent,
                platform=ticket.platform,
            )
        ]
    return [_dm(p, text, ticket) for p in people]


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
    limit = span(payload.limit) + ("（按工作时间计）" if payload.working_time else "")
    due = payload.due.astimezone(config.timezone)
    if (morning := _chase_waits(config, ticket, ctx.now)) is not None:
        await ctx.tickets.schedule(ticket, OVERDUE, morning, payload.to_json())
        return []
    if stage == OverdueStage.WARN and ctx.now >= due:
        return []  # held past the limit itself (quiet hours, downtime): "due" says it all
    head = f"{ref(ticket)}（{category_label(ticket.category)}）{ticket.summary}"
    grid = config.grid(ticket.grid_id)
    target = ticket.assignee_id or (grid.leader if grid else None)
    if stage == OverdueStage.WARN:
        text = (
            f"⏳ 工单 {head} 办理时限{limit}，将于{due:%m-%d %H:%M}到期，请抓紧处理；"
            f"处理好后回复“已处理 {ref(ticket)}”。"
        )
        out = [_dm(target, text, ticket)] if target else []
        kind = EventKind.OVERDUE_WARNING
    elif stage == OverdueStage.DUE:
        text = (
            f"⌛ 工单 {head} 已到办理时限（{limit}），尚未办结，请尽快处理；如有困难请联系网格长。"
        )
        out = [_dm(target, text, ticket)] if target else []
        kind = EventKind.OVERDUE
    else:
        staff = [p.id for p in config.people if p.role == Role.STAFF]
        people = [*([grid.leader] if grid and grid.leader else []), *staff]
        holder = config.name_of(ticket.assignee_id) if ticket.assignee_id else "无人"
        text = Text.of(
            f"🔴 超时工单 {head}（{config.grid_label(ticket.grid_id)}，负责人{holder}）"
            f"已超过办理时限{limit}仍未办结。",
            Text.join(" ", (_at(config, p) for p in people)),
            " 请督办。",
        )
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
