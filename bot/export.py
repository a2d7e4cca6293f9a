"""The ticket ledger (台账) as an .xlsx file: one row per ticket, then a summary sheet.

Inspections ask for the ledger of a period with every ticket's history in it, so each row
carries every field and timestamp, including the first claim and how often a resident was
dissatisfied (kept on the ticket since migration 0004). Rows are read in one query,
streamed from the database and written in openpyxl's write-only mode, so a year's ledger
does not need a year of tickets in memory at once.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import select

from bot.config import Config
from bot.lifecycle import STATUS_LABELS, Status
from bot.periods import Period
from bot.stats import Figures, Scope, Stats
from bot.taxonomy import category_label
from storage.models import TicketRow

RATING_LABELS = {"satisfied": "满意", "fair": "基本满意"}

COLUMNS: tuple[tuple[str, int], ...] = (
    ("编号", 8),
    ("状态", 12),
    ("类别", 10),
    ("类别代码", 11),
    ("紧急", 6),
    ("网格", 10),
    ("来源群", 20),
    ("反映人", 12),
    ("反映人ID", 14),
    ("负责人", 10),
    ("负责人ID", 14),
    ("内容", 40),
    ("位置", 12),
    ("登记时间", 17),
    ("首次接单时间", 17),
    ("接单时间", 17),
    ("办结时间", 17),
    ("结案时间", 17),
    ("接单用时(分钟)", 10),
    ("办结用时(小时)", 10),
    ("办结时限(小时)", 10),
    ("是否超时", 8),
    ("评价", 10),
    ("不满意次数", 8),
    ("升级级别", 8),
    ("反映人次", 8),
)


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    rows: int


def ledger_filename(period: Period, scope: Scope, now: datetime) -> str:
    grids = "-".join(scope.grids) if scope.grids else "all"
    days = f"{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}"
    return f"台账_{days}_{grids}_{now:%Y%m%d%H%M%S}.xlsx"


async def export_ledger(
    stats: Stats, config: Config, period: Period, scope: Scope, path: Path
) -> ExportResult:
    """Write the ledger of tickets received in ``period`` to ``path``; returns the row count."""
    tz = config.timezone
    query = (
        select(TicketRow)
        .where(
            TicketRow.created_at >= period.start,
            TicketRow.created_at < period.end,
            *scope.conditions(),
        )
        .order_by(TicketRow.id)
    )
    names = await _people_names(stats)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("工单台账")
    for i, (_, width) in enumerate(COLUMNS):
        sheet.column_dimensions[_letter(i)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_bold(sheet, title, bold) for title, _ in COLUMNS])
    count = 0
    result = await stats.session.stream_scalars(query.execution_options(yield_per=2000))
    async for ticket in result:
        sheet.append(
            ledger_row(
                config, ticket, ticket.first_claimed_at, ticket.dissatisfied, names, stats
            )
        )
        count += 1
    report = await stats.report(period, scope)
    summary = workbook.create_sheet("汇总")
    _summary(summary, config, period, report.total, report.by_category, report.by_grid, bold)
    summary.append([])
    summary.append(["导出时间", stats.now.astimezone(tz).strftime("%Y-%m-%d %H:%M")])
    await asyncio.to_thread(_save, workbook, path)
    return ExportResult(path, count)


def ledger_row(
    config: Config,
    ticket: TicketRow,
    first_claim: datetime | None,
    unhappy: int | None,
    names: dict[str, str],
    stats: Stats,
) -> list[Any]:
    """One ledger line; times are local and naive, the way Excel shows them."""
    tz = config.timezone

    def local(value: datetime | None) -> datetime | None:
        return value.astimezone(tz).replace(tzinfo=None) if value else None

    def name(person: str | None) -> str | None:
        return names.get(person, person) if person else None

    grid = config.grid(ticket.grid_id)
    group = config.group(ticket.group_id)
    limit = stats.limits.for_category(ticket.category)
    claim_minutes = (
        round((first_claim - ticket.created_at).total_seconds() / 60, 1) if first_claim else None
    )
    resolve_hours = (
        round((ticket.resolved_at - ticket.created_at).total_seconds() / 3600, 2)
        if ticket.resolved_at
        else None
    )
    if ticket.status == Status.CANCELLED:
        late = None
    elif ticket.resolved_at is not None:
        late = ticket.resolved_at - ticket.created_at > limit
    else:
        late = stats.now - ticket.created_at > limit
    return [
        ticket.id,
        STATUS_LABELS.get(Status(ticket.status), ticket.status),
        category_label(ticket.category),
        ticket.category,
        "是" if ticket.urgent else "否",
        grid.name if grid else ticket.grid_id,
        group.name if group else ticket.group_id,
        name(ticket.reporter_id),
        ticket.reporter_id,
        name(ticket.assignee_id),
        ticket.assignee_id,
        ticket.summary,
        ticket.location,
        local(ticket.created_at),
        local(first_claim),
        local(ticket.claimed_at),
        local(ticket.resolved_at),
        local(ticket.closed_at),
        claim_minutes,
        resolve_hours,
        round(limit.total_seconds() / 3600, 2),
        None if late is None else ("是" if late else "否"),
        RATING_LABELS.get(ticket.rating or "", "不满意" if unhappy else None),
        int(unhappy or 0),
        ticket.escalation_level,
        ticket.reports,
    ]


def _summary(
    sheet: Any,
    config: Config,
    period: Period,
    total: Figures,
    by_category: dict[str, Figures],
    by_grid: dict[str | None, Figures],
    bold: Font,
) -> None:
    sheet.column_dimensions["A"].width = 14
    sheet.append([_bold(sheet, f"{config.community_name} 工单汇总", bold)])
    sheet.append(["时间范围", f"{period.first_day:%Y-%m-%d} 至 {period.last_day:%Y-%m-%d}"])
    sheet.append([])
    header = ["", "受理", "撤销", "接单", "办结", "结案", "超时", "响应率", "解决率", "满意率",
              "已评价", "满意", "基本满意", "不满意", "接单中位(分钟)", "办结中位(小时)"]
    sheet.append([_bold(sheet, h, bold) for h in header])
    sheet.append(["合计", *_figures(total)])
    for code, f in sorted(by_category.items()):
        sheet.append([category_label(code), *_figures(f)])
    for grid_id, f in sorted(by_grid.items(), key=lambda kv: str(kv[0])):
        sheet.append([config.grid_label(grid_id), *_figures(f)])


def _figures(f: Figures) -> list[Any]:
    def pct(rate: float | None) -> float | None:
        return round(rate, 4) if rate is not None else None

    return [
        f.received,
        f.cancelled,
        f.claimed,
        f.resolved,
        f.closed,
        f.overdue,
        pct(f.response_rate),
        pct(f.resolution_rate),
        pct(f.satisfaction_rate),
        f.rated,
        f.satisfied,
        f.fair,
        f.dissatisfied,
        round(f.median_claim.total_seconds() / 60, 1) if f.median_claim else None,
        round(f.median_resolve.total_seconds() / 3600, 2) if f.median_resolve else None,
    ]


async def _people_names(stats: Stats) -> dict[str, str]:
    from storage.models import PersonRow

    rows = await stats.session.execute(select(PersonRow.id, PersonRow.name))
    return {pid: name for pid, name in rows.all()}


def _bold(sheet: Any, value: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _save(workbook: Workbook, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".xlsx.part")
    workbook.save(tmp)
    tmp.replace(path)
