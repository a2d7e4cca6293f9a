"""Chasing rules: when the escalation ladder, the overdue reminders and the daily duty post
are due, kept as timer rows (bot/runtime/timers.py).

"小事不出网格、大事不出社区": a ticket must not die quietly because its worker is busy or
asleep. This module schedules the chases; what each one says when it fires is a timer
handler in handlers/chasing.py, fired in its own transaction together with the event it
records and the message it sends, so a restart neither loses nor repeats a step.

Ladder (per urgency, default every 15 min; urgent every 3 min), while nobody claims:
  level 1: remind the assignee and bring in the next worker on duty, each privately; the
           reporter hears once, where they reported, that it is in hand (正在加紧安排);
  level 2: the grid leader (privately);
  level 3: the community staff group.
Each step is one ``escalate`` event and ``escalation_level`` + 1. The residents' group
never reads that a named worker let a ticket wait.

Overdue (per category limit, measured from the report; working time only for the
categories configured so): the assignee privately at ``warn_at`` (80%) and at the limit,
then the leader and the staff group in the staff group.

Both are on by default. During quiet hours (default 22:00-07:00) chasing a non-urgent
ticket waits for the morning: a ladder step due at night moves to one interval after the
window ends (the group hears of the night's reports at its end, then the worker gets the
usual time to claim), an overdue reminder to the window's end. Urgent tickets never wait.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.config import Config
from bot.domain.lifecycle import Status
from bot.domain.roster import settings, working_deadline
from bot.domain.tickets import Tickets
from bot.vocabulary import OverdueStage, TimerKind
from storage.models import TicketRow, TimerRow
from storage.repo import Store

ESCALATE = TimerKind.ESCALATE
OVERDUE = TimerKind.OVERDUE
DUTY_DAILY = TimerKind.DUTY_DAILY
LADDER_STEPS = 3
LATE = timedelta(hours=1)  # a daily duty post this late is a catch-up after downtime
CHASE_KINDS = (ESCALATE, OVERDUE)


# --- timer payloads ----------------------------------------------------------------------
# What a pending chase row holds: ids and numbers only, never text for people (a row may
# wait days, and the words may change meanwhile). Each reads the rows older versions
# wrote too, so an upgrade neither drops nor garbles a pending reminder.


@dataclass(frozen=True, slots=True)
class EscalatePayload:
    """One ladder step: the level it brings the ticket to, and who was brought in so far
    besides the assignee (they are not asked twice)."""

    level: int
    added: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"level": self.level, "added": list(self.added)}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> EscalatePayload:
        data = data or {}
        level = data.get("level")
        return cls(level if isinstance(level, int) else 0, tuple(data.get("added") or ()))


@dataclass(frozen=True, slots=True)
class OverduePayload:
    """One overdue reminder: its stage, when the ticket is due, and the limit it had
    (minutes; ``working_time`` when they count working hours only)."""

    stage: OverdueStage
    due: datetime
    limit_minutes: int
    working_time: bool = False

    @property
    def limit(self) -> timedelta:
        return timedelta(minutes=self.limit_minutes)

    def to_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage.value,
            "due": self.due.isoformat(),
            "limit_minutes": self.limit_minutes,
            "working_time": self.working_time,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OverduePayload:
        if "limit_minutes" in data:
            minutes, working = int(data["limit_minutes"]), bool(data.get("working_time"))
        else:  # written before 2026-12: the limit as rendered text, "1天4小时（按工作时间计）"
            minutes, working = _legacy_limit(str(data.get("limit") or ""))
        return cls(
            OverdueStage(data["stage"]),
            datetime.fromisoformat(data["due"]),
            minutes,
            working,
        )


_LEGACY_SPAN = re.compile(r"^(?:(\d+)天)?(?:(\d+)小时)?(?:(\d+)分钟)?")


def _legacy_limit(text: str) -> tuple[int, bool]:
    """Minutes and working-time flag back from the text old payloads held."""
    m = _LEGACY_SPAN.match(text)
    days, hours, mins = (int(g) if g else 0 for g in m.groups()) if m else (0, 0, 0)
    return (days * 24 + hours) * 60 + mins, "按工作时间计" in text


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
        minutes = int(limit.total_seconds() // 60)
        working = ticket.category in s.overdue.working_time
        report = due + s.overdue.report_after
        for stage, when in (
            (OverdueStage.WARN, warn),
            (OverdueStage.DUE, due),
            (OverdueStage.REPORT, report),
        ):
            payload = OverduePayload(stage, due, minutes, working)
            await tickets.schedule(ticket, OVERDUE, when, payload.to_json())


async def schedule_ladder(
    tickets: Tickets, config: Config, ticket: TicketRow, added: list[str] | None = None
) -> None:
    """The next ladder step for an unclaimed ticket, one interval from now."""
    s = settings(config).escalation
    level = ticket.escalation_level + 1
    if not s.enabled or level > LADDER_STEPS:
        return
    payload = EscalatePayload(level, tuple(added or ()))
    await tickets.schedule(
        ticket, ESCALATE, tickets.now + s.interval(ticket.urgent), payload.to_json()
    )


async def restart_ladder(tickets: Tickets, config: Config, ticket: TicketRow) -> None:
    """After a transfer: the new assignee gets a full interval before the next step."""
    await tickets.unschedule(ticket, ESCALATE)
    await schedule_ladder(tickets, config, ticket)


async def stop_ladder(tickets: Tickets, ticket: TicketRow) -> None:
    """Someone claimed: the ladder stops at once."""
    await tickets.unschedule(ticket, ESCALATE)


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
            TimerRow(kind=DUTY_DAILY, due_at=next_daily(config, now), payload={}, created_at=now)
        )


def next_daily(config: Config, after: datetime) -> datetime:
    at = settings(config).duty.daily_message_at
    local = after.astimezone(config.timezone)
    candidate = datetime.combine(local.date(), at, tzinfo=config.timezone)
    return candidate if candidate > local else candidate + timedelta(days=1)

