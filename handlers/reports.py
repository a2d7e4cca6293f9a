"""Scheduled reports to the staff group: a daily summary and a weekly one with a chart.

Each report is a recurring timer row (``daily_report``, ``weekly_report``): when it fires it
queues the report and, in the same transaction, schedules its next occurrence, so a crash
never loses or doubles one. ``ensure_report_timers`` runs on every start (App.prepare) and
makes sure exactly one pending row per enabled report exists, matching the configured time;
a restart therefore neither drops the schedule nor adds a second one.

A report that fires late (the bot was down at 08:30) still covers the day or week it was
due for, and the next one is scheduled after *now*, so a bot that was down for three days
sends one catch-up report, not three.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot.config import Config
from bot.config.reports import ReportSettings
from bot.domain.taxonomy import category_label
from bot.messaging import phrases
from bot.messaging.messages import MessageKind, OutgoingMessage
from bot.reporting.charts import WeeklyChartData, render_weekly_chart
from bot.reporting.periods import WEEKDAYS, day_period, days_period
from bot.reporting.stats import Scope, Stats, limits_from_config
from bot.runtime.timers import TimerContext
from bot.vocabulary import TimerKind
from handlers.common.figures import figure_lines, fmt_duration, format_report
from storage.models import TicketRow, TimerRow
from storage.repo import Store

log = logging.getLogger(__name__)

DAILY, WEEKLY = TimerKind.DAILY_REPORT, TimerKind.WEEKLY_REPORT
OVERDUE_LIST_LIMIT = 10


def next_daily(settings: ReportSettings, now: datetime, config: Config) -> datetime:
    tz = config.timezone
    local = now.astimezone(tz)
    due = datetime.combine(local.date(), settings.daily_time, tzinfo=tz)
    return due if due > local else datetime.combine(
        local.date() + timedelta(days=1), settings.daily_time, tzinfo=tz
    )


def next_weekly(settings: ReportSettings, now: datetime, config: Config) -> datetime:
    tz = config.timezone
    local = now.astimezone(tz)
    ahead = (settings.weekly_day - local.weekday()) % 7
    due = datetime.combine(local.date() + timedelta(days=ahead), settings.weekly_time, tzinfo=tz)
    return due if due > local else due + timedelta(days=7)


def _matches(kind: TimerKind, due: datetime, settings: ReportSettings, config: Config) -> bool:
    """Whether a pending timer still agrees with the configured schedule."""
    local = due.astimezone(config.timezone)
    if kind == DAILY:
        return local.time() == settings.daily_time
    return local.time() == settings.weekly_time and local.weekday() == settings.weekly_day


async def ensure_report_timers(store: Store, config: Config, now: datetime) -> None:
    """Exactly one pending timer per enabled report; none for a disabled one. Idempotent."""
    settings = config.reports
    wanted = {DAILY: settings.daily, WEEKLY: settings.weekly}
    for kind, enabled in wanted.items():
        pending = await store.pending_timers(kind)
        keep = [t for t in pending if enabled and _matches(kind, t.due_at, settings, config)][:1]
        for timer in pending:
            if timer not in keep:
                timer.done_at, timer.outcome = now, "replaced" if enabled else "disabled"
        if enabled and not keep:
            first = (next_daily if kind == DAILY else next_weekly)(settings, now, config)
            await store.add_timer(TimerRow(kind=kind, due_at=first, created_at=now))


async def _schedule_next(ctx: TimerContext, kind: TimerKind) -> None:
    settings = ctx.config.reports
    enabled = settings.daily if kind == DAILY else settings.weekly
    # Other rows of the same kind would double the report: retire them with this one.
    await ctx.store.retire_timers(kind, ctx.now, "replaced", keep=ctx.timer.id)
    if enabled:
        due = (next_daily if kind == DAILY else next_weekly)(settings, ctx.now, ctx.config)
        await ctx.store.add_timer(TimerRow(kind=kind, due_at=due, created_at=ctx.now))


def _staff_message(config: Config, text: str, **kw: object) -> list[OutgoingMessage]:
    if not config.staff_group:
        log.warning("a scheduled report is due but community.staff_group is not set")
        return []
    return [OutgoingMessage(chat=config.staff_group, text=text, **kw)]  # type: ignore[arg-type]


async def daily_report(ctx: TimerContext) -> list[OutgoingMessage]:
    """Yesterday's figures (the day before the report was due) and the open overdue list."""
    await _schedule_next(ctx, DAILY)
    config = ctx.config
    tz = config.timezone
    day = ctx.timer.due_at.astimezone(tz).date() - timedelta(days=1)
    stats = Stats(ctx.store.session, limits_from_config(config), ctx.now)
    report = await stats.report(day_period(day, tz, "昨日"), breakdown_medians=False)
    lines = [
        phrases.daily_report_title(config.community_name),
        phrases.report_day(day, WEEKDAYS[day.weekday()]),
    ]
    if report.total.received:
        lines += figure_lines(report.total)
    else:
        lines.append(phrases.NOTHING_RECEIVED_YESTERDAY)
    total, overdue = await stats.overdue_tickets(Scope(), OVERDUE_LIST_LIMIT)
    if total:
        lines.append(phrases.overdue_heading(total))
        for ticket in overdue:
            limit = stats.limits.for_category(ticket.category)
            late = ctx.now - ticket.created_at - limit
            worker = (
                config.name_of(ticket.assignee_id) if ticket.assignee_id else phrases.UNASSIGNED
            )
            past = phrases.past_limit(phrases.span(limit), fmt_duration(late))
            lines.append(phrases.overdue_entry(ticket, worker, past))
        if total > len(overdue):
            lines.append(phrases.more_overdue(total - len(overdue)))
    else:
        lines.append(phrases.NO_OVERDUE)
    return _staff_message(config, "\n".join(lines))


async def weekly_report(ctx: TimerContext) -> list[OutgoingMessage]:
    """Last week's figures, with the chart as an image; the text stands alone if it cannot go."""
    await _schedule_next(ctx, WEEKLY)
    config = ctx.config
    tz = config.timezone
    due_day = ctx.timer.due_at.astimezone(tz).date()
    last_monday = due_day - timedelta(days=due_day.weekday() + 7)
    period = days_period(last_monday, last_monday + timedelta(days=6), tz, "上周")
    stats = Stats(ctx.store.session, limits_from_config(config), ctx.now)
    report = await stats.report(period, breakdown_medians=False)
    text = format_report(config, report, config.community_name, title="周报")
    received = await stats.daily_counts(period)
    resolved = await stats.daily_counts(period, TicketRow.resolved_at)
    data = WeeklyChartData(
        title=phrases.weekly_chart_title(config.community_name, period.describe()),
        categories=sorted(
            ((category_label(c), f.received) for c, f in report.by_category.items()),
            key=lambda kv: -kv[1],
        ),
        days=[(d.date(), n) for d, n in received],
        resolved_days=[(d.date(), n) for d, n in resolved],
    )
    path = config.reports.export_dir / "charts" / f"weekly_{last_monday:%Y%m%d}.png"
    try:
        await asyncio.to_thread(render_weekly_chart, data, path)
    except Exception:  # a chart is a bonus: the figures must still reach the staff
        log.exception("weekly chart could not be drawn; sending the text only")
        return _staff_message(config, text)
    return _staff_message(
        config, text, kind=MessageKind.IMAGE, attachment=str(path.resolve())
    )

