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

import re
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
from bot.domain.taxonomy import category_label
from bot.messaging import phrases
from bot.messaging.messages import MessageKind, OutgoingMessage
from bot.messaging.phrases import (
    grid_not_yours,
    hand_event_label,
    rating_label,
    ref,
    ticket_not_yours_to_see,
)
from bot.messaging.textnorm import clip
from bot.reporting.export import export_ledger, ledger_filename
from bot.reporting.periods import Period, PeriodError, day_period, month_of, parse_period
from bot.reporting.stats import Scope, Stats, limits_from_config
from bot.runtime.context import Context, Sender
from bot.vocabulary import STAFF_ROLES, EventKind, Role
from handlers.common.figures import fmt_duration, fmt_rate, format_report
from handlers.common.usage import MANAGERS, RESIDENTS, TEAM, Usage
from storage.models import TicketRow

LIST_LIMIT = 15
COMMAND = re.compile(r"^(查询|工单|统计|排行|排名|导出)(?=$|[\s#])\s*(.*)$", re.S)
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
        return [ctx.reply(f"{exc}。时间可以写：今天、昨天、本周、本月，或 2026-11-01~2026-11-30。")]


# --- refusals ---------------------------------------------------------------------------


def refusal(access: Access, word: str) -> str:
    if access.role == Role.RESIDENT:
        return (
            f"抱歉，“{word}”是社区工作人员使用的功能。"
            "您遇到问题直接说明位置和情况即可，我会登记并通知网格员；回复“帮助”查看可用功能。"
        )
    allowed = "、".join(access.commands)
    return (
        f"抱歉，“{word}”需要社区工作人员或网格长权限。"
        f"您可以使用：{allowed}（回复“帮助”查看说明）。"
    )


# --- 查询 #N ---------------------------------------------------------------------------

_TICKET_NO = re.compile(r"^#?\s*(\d{1,9})\s*号?$")


async def query(ctx: Context, access: Access, args: str) -> list[OutgoingMessage]:
    m = _TICKET_NO.match(args)
    if m is None:
        return [ctx.reply("请写明工单编号，例如：查询 #12")]
    ticket = await ctx.store.ticket(int(m.group(1)))
    if ticket is None or not access.may_see(ticket):
        if ticket is not None and access.role != Role.RESIDENT:
            return [ctx.reply(ticket_not_yours_to_see(ticket))]
        return [ctx.reply(f"没有找到您可以查看的工单 #{m.group(1)}，请核对编号。")]
    return [ctx.reply(await timeline(ctx, ticket), ticket_id=ticket.id)]


async def timeline(ctx: Context, ticket: TicketRow) -> str:
    tz = ctx.config.timezone
    grid = ctx.config.grid(ticket.grid_id)
    group = ctx.config.group(ticket.group_id)
    status = STATUS_LABELS.get(Status(ticket.status), ticket.status)
    urgent = "【紧急】" if ticket.urgent else ""
    head = [
        f"工单 #{ticket.id} {urgent}{category_label(ticket.category)}｜{status}",
        ticket.summary,
        f"网格：{grid.name if grid else '-'}  负责：{await _name(ctx, ticket.assignee_id)}",
        f"反映：{await _name(ctx, ticket.reporter_id)}"
        + (f"（{group.name}）" if group else "（私信）"),
    ]
    if ticket.reports > 1:
        head.append(f"共 {ticket.reports} 人次反映")
    if ticket.escalation_level:
        head.append(f"升级：{ticket.escalation_level} 级")
    if ticket.note:
        head.append(phrases.handling_line(ticket.note))
    if ticket.attachments:
        head.append(await phrases_photos(ctx, ticket))
    lines = []
    for event in await ctx.store.events(ticket.id):
        label = EVENT_LABELS.get(event.kind, event.kind)
        rating = (event.detail or {}).get("rating") if event.kind in ("rate", "reopen") else None
        if rating and event.kind == "rate":
            label = f"评价：{rating_label(rating)}"
        reason = (event.detail or {}).get("reason") if event.kind.startswith("cancel") else None
        if reason:
            label = f"{label}：{reason}"
        label = hand_event_label(event.kind, event.detail) or label
        if event.kind in (EventKind.NOTE, EventKind.ATTACHMENT):
            label = phrases.event_with_detail(label, event.kind, event.detail or {})
        actor = f"（{await _name(ctx, event.actor_id)}）" if event.actor_id else ""
        lines.append(f"{phrases.when(event.at, tz)} {label}{actor}")
    return "\n".join([*head, "—— 记录 ——", *lines])


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
    what = "我负责的" if access.own else ""
    for word in words:
        if word in ("未结", "超时", "今日", "今天"):
            kind = "今日" if word == "今天" else word
            continue
        if access.own:
            return [ctx.reply("您可以查看自己负责的工单：工单 [未结|超时|今日]")]
        if (grid := _grid(ctx.config, word)) is not None:
            if access.grids is not None and grid.id not in access.grids:
                return [ctx.reply(grid_not_yours(grid.name))]
            scope = Scope(grids=(grid.id,), assignee=scope.assignee)
            what = grid.name
            continue
        if (person := _person(ctx, word)) is not None:
            scope = Scope(grids=scope.grids, assignee=person[0])
            what = f"{person[1]}负责的"
            continue
        known = "可以写：工单 未结 / 超时 / 今日 / 网格名 / @网格员"
        return [ctx.reply(f"不认识“{clip(word)}”。{known}")]
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
    title = f"{what}{kind}工单"
    if total == 0:
        return [ctx.reply(f"{title}：没有。")]
    lines = [f"{title} {total} 张：", *[await _line(ctx, stats, t) for t in rows]]
    if total > len(rows):
        lines.append(f"……另有 {total - len(rows)} 张，可加网格或 @网格员 缩小范围")
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
    who = await _name(ctx, ticket.assignee_id)
    urgent = "【急】" if ticket.urgent else ""
    label = category_label(ticket.category)
    return f"{ref(ticket)} {urgent}{status} {label} {who}{late}｜{ticket.summary}"


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
            return (
                f"不认识“{clip(word)}”。时间写：今天、昨天、本周、本月或 2026-11-01~2026-11-30；"
                "网格写网格名。"
            )
        if access.grids is not None and grid.id not in access.grids:
            return grid_not_yours(grid.name, where)
        scope, where = Scope(grids=(grid.id,)), grid.name
    if period is None:
        period = parse_period(default, ctx.now, tz) or month_of(ctx.now.date(), tz, "本月")
    return period, scope, where


def _grid_names(ctx: Context, grids: tuple[str, ...]) -> str:
    return "、".join(g.name if (g := ctx.config.grid(i)) else i for i in grids) or "本网格"


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
    lines = [f"🏆 {where} 网格员排行", period.describe()]
    if not ranks:
        return [ctx.reply("\n".join([*lines, "这段时间还没有办结的工单。"]))]
    for i, r in enumerate(ranks[:LIST_LIMIT], start=1):
        name = await ctx.display_name(r.worker_id)
        lines.append(
            f"{i}. {name} 办结 {r.resolved}｜满意率 {fmt_rate(r.satisfaction_rate)}"
            f"（{r.good}/{r.rated}）"
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
    text = (
        f"已导出{where}工单台账：{period.describe()}，共 {result.rows} 张工单。\n"
        f"文件：{_shown(result.path)}"
    )
    return [ctx.reply(text, kind=MessageKind.FILE, attachment=str(result.path.resolve()))]


def _shown(path: Path) -> str:
    """The file's name only: where it lies on the server is nobody's business in a chat
    (the platform sends the file itself as the attachment)."""
    return path.name

