"""Staff chat commands: 查询 #N, 工单, 统计, 排行, 导出 (in the staff group or privately).

Who may ask what follows the community's own lines of responsibility: staff and admins see
everything, a grid leader sees their grid, a grid worker sees their own tickets and may
look up any ticket of their grid. Residents get a polite refusal instead of figures. The
commands answer only in the staff group (a group without a grid) or in a private chat:
figures and other residents' reports never belong in a residents' group, so there the
handler steps aside and the message is treated like any other.

Answers are written for a phone screen: short lines, one figure group per line, lists cut
at 15 entries with the total named.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.config import Config
from bot.domain.lifecycle import (
    ACTIVE_STATUSES,
    EVENT_LABELS,
    STATUS_LABELS,
    Status,
)
from bot.messaging import phrases
from bot.messaging.messages import MessageKind, OutgoingMessage
from bot.messaging.phrases import grid_not_yours, hand_event_label, ticket_not_yours_to_see
from bot.messaging.textnorm import clip
from bot.reporting.export import export_ledger, ledger_filename
from bot.reporting.periods import Period, PeriodError, day_period, month_of, parse_period
from bot.reporting.stats import Scope, Stats, limits_from_config
from bot.runtime.context import Context, Sender
from bot.vocabulary import STAFF_ROLES, EventKind, Role
from bot.vocabulary.recognition import QUERY_TICKET_NUMBER, STAFF_COMMAND
from handlers.common.figures import fmt_duration, format_report
from handlers.common.usage import MANAGERS, RESIDENTS, TEAM, Usage
from storage.models import TicketRow

LIST_LIMIT = 15
COMMAND = STAFF_COMMAND
WORKERS = frozenset({Role.WORKER})

USAGE = (
    Usage("查询", RESIDENTS, office=True, variant="own"),
    Usage("查询", TEAM, office=True),
    Usage("工单", WORKERS, office=True, variant="own"),
    Usage("工单", MANAGERS, office=True),
    Usage("统计", MANAGERS, office=True),
    Usage("排行", MANAGERS, office=True),
    Usage("导出", MANAGERS, office=True),
)


@dataclass(frozen=True, slots=True)
class Access:
    """What one person may see, derived from their role and grids."""

    role: Role
    grids: tuple[str, ...] | None  # None: every grid
    own: str | None  # a worker: only their own tickets in lists

    @classmethod
    def of(cls, sender: Sender) -> Access:
        if sender.role in STAFF_ROLES:
            return cls(sender.role, None, None)
        if sender.role == Role.LEADER:
            return cls(Role.LEADER, sender.grids, None)
        if sender.role == Role.WORKER:
            return cls(Role.WORKER, sender.grids, sender.id)
        return cls(Role.RESIDENT, (), sender.id)

    @property
    def commands(self) -> tuple[str, ...]:
        if self.role in STAFF_ROLES or self.role == Role.LEADER:
            return ("查询", "工单", "统计", "排行", "导出")
        if self.role == Role.WORKER:
            return ("查询", "工单")
        return ()

    def may_see(self, ticket: TicketRow) -> bool:
        if self.role == Role.RESIDENT:
            return ticket.reporter_id == self.own
        return self.grids is None or ticket.grid_id in self.grids


async def handle(ctx: Context) -> list[OutgoingMessage] | None:
    m = COMMAND.match(ctx.text.strip())
    if m is None:
        return None
    group = ctx.config.group(ctx.message.chat_id)
    if not ctx.message.is_direct and (group is None or group.grid is not None):
        return None  # residents' groups: not a place for figures
    word, args = m.group(1), m.group(2).strip()
    word = {"排名": "排行"}.get(word, word)
    access = Access.of(ctx.sender)
    if word == "查询" and access.role == Role.RESIDENT:
        return await query(ctx, access, args)
    if word not in access.commands:
        return [ctx.reply(refusal(access, word))]
    stats = Stats(ctx.store.session, limits_from_config(ctx.config), ctx.now)
    try:
        if word == "查询":
            return await query(ctx, access, args)
        if word == "工单":
            return await list_tickets(ctx, access, stats, args)
        if word == "统计":
            return await statistics(ctx, access, stats, args)
        if word == "排行":
            return await ranking(ctx, access, stats, args)
        return await export(ctx, access, stats, args)
    except PeriodError as exc:
        return [ctx.reply(phrases.bad_period(str(exc)))]


# --- refusals ---------------------------------------------------------------------------


def refusal(access: Access, word: str) -> str:
    if access.role == Role.RESIDENT:
        return phrases.office_only(word)
    return phrases.needs_manager(word, access.commands)


# --- 查询 #N ---------------------------------------------------------------------------

async def query(ctx: Context, access: Access, args: str) -> list[OutgoingMessage]:
    m = QUERY_TICKET_NUMBER.match(args)
    if m is None:
        return [ctx.reply(phrases.QUERY_WHICH_NUMBER)]
    ticket = await ctx.store.ticket(int(m.group(1)))
    if ticket is None or not access.may_see(ticket):
        if ticket is not None and access.role != Role.RESIDENT:
            return [ctx.reply(ticket_not_yours_to_see(ticket))]
        return [ctx.reply(phrases.no_ticket_you_may_see(m.group(1)))]
    return [ctx.reply(await timeline(ctx, ticket), ticket_id=ticket.id)]


async def timeline(ctx: Context, ticket: TicketRow) -> str:
    tz = ctx.config.timezone
    grid = ctx.config.grid(ticket.grid_id)
    group = ctx.config.group(ticket.group_id)
    status = STATUS_LABELS.get(Status(ticket.status), ticket.status)
    head = [
        phrases.timeline_head(ticket, status),
        ticket.summary,
        phrases.timeline_people(
            grid.name if grid else "-", await _name(ctx, ticket.assignee_id)
        ),
        phrases.timeline_reporter(
            await _name(ctx, ticket.reporter_id), group.name if group else None
        ),
    ]
    if ticket.reports > 1:
        head.append(phrases.times_reported(ticket.reports))
    if ticket.escalation_level:
        head.append(phrases.escalated_to(ticket.escalation_level))
    if ticket.note:
        head.append(phrases.handling_line(ticket.note))
    if ticket.attachments:
        head.append(await phrases_photos(ctx, ticket))
    lines = []
    for event in await ctx.store.events(ticket.id):
        label = EVENT_LABELS.get(event.kind, event.kind)
        rating = (event.detail or {}).get("rating") if event.kind in ("rate", "reopen") else None
        if rating and event.kind == "rate":
            label = phrases.rated_event(rating)
        reason = (event.detail or {}).get("reason") if event.kind.startswith("cancel") else None
        if reason:
            label = f"{label}：{reason}"
        label = hand_event_label(event.kind, event.detail) or label
        if event.kind in (EventKind.NOTE, EventKind.ATTACHMENT):
            label = phrases.event_with_detail(label, event.kind, event.detail or {})
        actor = f"（{await _name(ctx, event.actor_id)}）" if event.actor_id else ""
        lines.append(f"{phrases.when(event.at, tz)} {label}{actor}")
    return "\n".join([*head, phrases.TIMELINE_RECORD, *lines])


async def phrases_photos(ctx: Context, ticket: TicketRow) -> str:
    """'照片：张阿姨 12月3日 09:02（问题照片）；王芳 …（处理照片）'."""
    tz = ctx.config.timezone
    shown = [
        (await _name(ctx, a.get("from")), datetime.fromisoformat(a["at"]), a.get("kind", ""))
        for a in ticket.attachments or []
        if a.get("at")
    ]
    return phrases.photos_line([(who, phrases.when(at, tz), kind) for who, at, kind in shown])


async def _name(ctx: Context, person_id: str | None) -> str:
    return await ctx.display_name(person_id) if person_id else "-"


# --- 工单 -------------------------------------------------------------------------------


async def list_tickets(
    ctx: Context, access: Access, stats: Stats, args: str
) -> list[OutgoingMessage]:
    words = args.split()
    kind = "未结"
    scope = Scope(grids=access.grids, assignee=access.own)
    what = phrases.MINE if access.own else ""
    for word in words:
        if word in ("未结", "超时", "今日", "今天"):
            kind = "今日" if word == "今天" else word
            continue
        if access.own:
            return [ctx.reply(phrases.OWN_LIST_USAGE)]
        if (grid := _grid(ctx.config, word)) is not None:
            if access.grids is not None and grid.id not in access.grids:
                return [ctx.reply(grid_not_yours(grid.name))]
            scope = Scope(grids=(grid.id,), assignee=scope.assignee)
            what = grid.name
            continue
        if (person := _person(ctx, word)) is not None:
            scope = Scope(grids=scope.grids, assignee=person[0])
            what = phrases.handled_by(person[1])
            continue
        return [ctx.reply(phrases.unknown_list_word(clip(word)))]
    if kind == "超时":
        total, rows = await stats.overdue_tickets(scope, LIST_LIMIT)
    elif kind == "今日":
        today = day_period(ctx.now.astimezone(ctx.config.timezone).date(), ctx.config.timezone)
        total, rows = await stats.tickets(
            TicketRow.created_at >= today.start,
            TicketRow.created_at < today.end,
            scope=scope,
            limit=LIST_LIMIT,
        )
    else:
        total, rows = await stats.tickets(
            TicketRow.status.in_(ACTIVE_STATUSES), scope=scope, limit=LIST_LIMIT
        )
    title = phrases.list_title(what, kind)
    if total == 0:
        return [ctx.reply(phrases.list_empty(title))]
    lines = [phrases.list_heading(title, total), *[await _line(ctx, stats, t) for t in rows]]
    if total > len(rows):
        lines.append(phrases.more_in_list(total - len(rows)))
    return [ctx.reply("\n".join(lines))]


async def _line(ctx: Context, stats: Stats, ticket: TicketRow) -> str:
    """'#12 处理中 市政设施 王芳 已超过2天的办理时限（超出3小时）｜3号楼井盖坏了'."""
    status = STATUS_LABELS.get(Status(ticket.status), ticket.status)
    status = status.split("，")[0]
    late = ""
    if ticket.status in (Status.ASSIGNED, Status.CLAIMED):
        limit = stats.limits.for_category(ticket.category)
        over = ctx.now - ticket.created_at - limit
        if over > timedelta(0):
            late = " " + phrases.past_limit(phrases.span(limit), fmt_duration(over))
    return phrases.ticket_line(ticket, status, await _name(ctx, ticket.assignee_id), late)


def _grid(config: Config, word: str):  # type: ignore[no-untyped-def]
    for grid in config.directory.grids:
        if word in (grid.id, grid.name) or (len(word) >= 2 and grid.name.startswith(word)):
            return grid
    return None


def _person(ctx: Context, word: str) -> tuple[str, str] | None:
    name = word.lstrip("@")
    for person in ctx.config.directory.people:
        if name in (person.id, person.name):
            return person.id, person.name
    for pid in ctx.message.mentions:
        person = ctx.config.person(pid)
        if person is not None:
            return person.id, person.name
    return None


# --- 统计 -------------------------------------------------------------------------------


def _period_and_grid(
    ctx: Context, access: Access, args: str, default: str = "本月"
) -> tuple[Period, Scope, str] | str:
    """The period and scope a command asks for, or the reason it cannot have them."""
    tz = ctx.config.timezone
    period: Period | None = None
    scope = Scope(grids=access.grids)
    where = ctx.config.community_name if access.grids is None else _grid_names(ctx, access.grids)
    for word in args.split():
        found = parse_period(word, ctx.now, tz)
        if found is not None:
            period = found
            continue
        grid = _grid(ctx.config, word)
        if grid is None:
            return phrases.unknown_period_word(clip(word))
        if access.grids is not None and grid.id not in access.grids:
            return grid_not_yours(grid.name, where)
        scope, where = Scope(grids=(grid.id,)), grid.name
    if period is None:
        period = parse_period(default, ctx.now, tz) or month_of(ctx.now.date(), tz, "本月")
    return period, scope, where


def _grid_names(ctx: Context, grids: tuple[str, ...]) -> str:
    return "、".join(g.name if (g := ctx.config.grid(i)) else i for i in grids) or phrases.THIS_GRID


async def statistics(
    ctx: Context, access: Access, stats: Stats, args: str
) -> list[OutgoingMessage]:
    parsed = _period_and_grid(ctx, access, args)
    if isinstance(parsed, str):
        return [ctx.reply(parsed)]
    period, scope, where = parsed
    return [ctx.reply(await statistics_answer(ctx.config, stats, period, scope, where))]


async def statistics_answer(
    config: Config, stats: Stats, period: Period, scope: Scope, where: str
) -> str:
    """The text of 统计 (bench/stats.py times exactly this). The answer shows medians for
    the total only, so the per-category and per-grid ones are not computed."""
    report = await stats.report(period, scope, breakdown_medians=False)
    return format_report(config, report, where)


# --- 排行 -------------------------------------------------------------------------------


async def ranking(ctx: Context, access: Access, stats: Stats, args: str) -> list[OutgoingMessage]:
    parsed = _period_and_grid(ctx, access, args)
    if isinstance(parsed, str):
        return [ctx.reply(parsed)]
    period, scope, where = parsed
    ranks = await stats.ranking(period, scope)
    lines = [phrases.ranking_title(where), period.describe()]
    if not ranks:
        return [ctx.reply("\n".join([*lines, phrases.NOTHING_RESOLVED]))]
    for i, r in enumerate(ranks[:LIST_LIMIT], start=1):
        name = await ctx.display_name(r.worker_id)
        lines.append(
            phrases.ranking_line(i, name, r.resolved, r.satisfaction_rate, r.good, r.rated)
        )
    return [ctx.reply("\n".join(lines))]


# --- 导出 -------------------------------------------------------------------------------


async def export(ctx: Context, access: Access, stats: Stats, args: str) -> list[OutgoingMessage]:
    parsed = _period_and_grid(ctx, access, args)
    if isinstance(parsed, str):
        return [ctx.reply(parsed)]
    period, scope, where = parsed
    directory = ctx.config.reports.export_dir
    path = directory / ledger_filename(period, scope, ctx.now.astimezone(ctx.config.timezone))
    result = await export_ledger(stats, ctx.config, period, scope, path)
    text = phrases.exported(where, period.describe(), result.rows, _shown(result.path))
    return [ctx.reply(text, kind=MessageKind.FILE, attachment=str(result.path.resolve()))]


def _shown(path: Path) -> str:
    """The file's name only: where it lies on the server is nobody's business in a chat
    (the platform sends the file itself as the attachment)."""
    return path.name

