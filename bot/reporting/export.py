"""The ticket ledger (台账) as an .xlsx file an office can hand to the 街道.

The workbook has three kinds of sheet:

- 工单台账: one row per ticket received in the period, under a title row naming the
  community and the period. Every field and timestamp is there, including the first claim
  and how often a resident was dissatisfied (kept on the ticket since migration 0004), the
  worker's own words when resolving (办理情况) and the resident's verdict with its time
  (回访). Person columns hold names; platform ids and category codes sit in their own
  columns at the end, outside the print area.
- 汇总: the figures of ``统计`` (by category, by grid, by worker), rates as percentages.
- one sheet per worker, named by the worker: the tickets they handled, whether each was
  on time, and the resident's verdict, under the worker's own figures.

Every sheet has a frozen header with a filter on it and prints landscape, fit to the page
width, with the header repeated on each page. Figures come from ``bot.reporting.stats`` (the same
definitions as ``统计``); a ticket is late by the same rule the figures use (``_late``).
Rows are read in one query, streamed from the database and written in openpyxl's
write-only mode, so a year's ledger does not need a year of tickets in memory at once.
"""

from __future__ import annotations

import asyncio
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from bot.config import Config
from bot.domain.lifecycle import STATUS_LABELS, Status
from bot.domain.taxonomy import category_label
from bot.messaging.phrases import RATING_LABELS
from bot.messaging.privacy import redact
from bot.reporting.periods import Period
from bot.reporting.stats import Figures, Scope, Stats
from storage.models import InboundMessageRow, PersonRow, TicketEventRow, TicketRow

LEDGER_SHEET = "工单台账"
SUMMARY_SHEET = "汇总"
PERCENT = "0.0%"
DATETIME = "yyyy-mm-dd hh:mm"
NO_NAME = "（未留名）"

# Title, width. The last columns are ids and codes for machines, outside the print area.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("编号", 7),
    ("状态", 14),
    ("类别", 10),
    ("紧急", 6),
    ("网格", 10),
    ("来源群", 18),
    ("反映人", 12),
    ("负责人", 10),
    ("内容", 36),
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
    ("办理情况", 36),
    ("评价", 10),
    ("回访", 26),
    ("不满意次数", 8),
    ("升级级别", 8),
    ("反映人次", 8),
    ("类别代码", 11),
    ("反映人ID", 14),
    ("负责人ID", 14),
)
ID_COLUMNS = 3  # 类别代码, 反映人ID, 负责人ID: not printed

WORKER_COLUMNS: tuple[tuple[str, int], ...] = (
    ("编号", 7),
    ("状态", 14),
    ("类别", 10),
    ("网格", 10),
    ("反映人", 12),
    ("内容", 36),
    ("登记时间", 17),
    ("首次接单时间", 17),
    ("办结时间", 17),
    ("接单用时(分钟)", 10),
    ("办结用时(小时)", 10),
    ("办结时限(小时)", 10),
    ("办理时效", 12),
    ("办理情况", 36),
    ("评价", 10),
    ("回访", 26),
)

FIGURE_HEADER = ("受理", "撤销", "接单", "办结", "结案", "超时", "响应率", "解决率", "满意率",
                 "已评价", "满意", "基本满意", "不满意", "接单中位(分钟)", "办结中位(小时)")
_RATE_COLUMNS = {"响应率", "解决率", "满意率"}

_TITLE_FONT = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)

# What a worker writes to resolve: the phrase, then perhaps the ticket number, then their
# own words about what was done (已处理 #12 井盖已经换了新的). The same phrases as
# handlers/worker.py recognises, explicit or quoting the dispatch message.
_MENTION = re.compile(r"^(?:[@＠]\S+[\s\u2005]*)+")
_RESOLVE_PHRASE = re.compile(
    r"^(?:已经处理好了|已经修好了|处理完毕|已办结|已处理|已解决|已完成|已修好|处理好了|办好了|"
    r"修好了|弄好了|搞定了?|办结)"
)
_TICKET_NUMBER = re.compile(r"^(?:(?:#|＃)\s*\d{1,9}|\d{1,9}\s*号|号\s*\d{1,9})")
_NUMBER_FIRST = re.compile(r"^(?:#|＃)\s*\d{1,9}\s*")
_SEPARATORS = re.compile(r"^[\s,，。.、:：;；!！~～\-—]+|[\s,，;；、]+$")


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    rows: int


def ledger_filename(period: Period, scope: Scope, now: datetime) -> str:
    grids = "-".join(scope.grids) if scope.grids else "all"
    days = f"{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}"
    return f"台账_{days}_{grids}_{now:%Y%m%d%H%M%S}.xlsx"


def period_text(period: Period) -> str:
    return f"{period.first_day:%Y-%m-%d} 至 {period.last_day:%Y-%m-%d}"


def resolution_words(text: str | None) -> str | None:
    """The worker's own words in a resolve message, phones and ids masked; None if none.

    ``已处理 #12 井盖已经换了新的`` gives ``井盖已经换了新的``; a bare ``已处理 #12`` or a
    quoted ``修好了`` gives None.
    """
    if not text:
        return None
    line = _MENTION.sub("", text.strip())
    line = _NUMBER_FIRST.sub("", line)
    if m := _RESOLVE_PHRASE.match(line):
        line = _SEPARATORS.sub("", line[m.end() :])
        line = _TICKET_NUMBER.sub("", line)
    words = " ".join(_SEPARATORS.sub("", line).split())
    return redact(words) if words else None


async def export_ledger(
    stats: Stats, config: Config, period: Period, scope: Scope, path: Path
) -> ExportResult:
    """Write the ledger of tickets received in ``period`` to ``path``; returns the row count."""
    in_period = (
        TicketRow.created_at >= period.start,
        TicketRow.created_at < period.end,
        *scope.conditions(),
    )
    names = await _people_names(stats)
    workers = await _workers(stats, config, scope, in_period, names)
    report = await stats.report(period, scope)
    worker_figures = {
        w: (
            await stats.report(period, replace(scope, assignee=w), breakdown_medians=False)
        ).total
        for w in workers
    }

    workbook = Workbook(write_only=True)
    title = f"{config.community_name} 工单台账 {period_text(period)}"
    ledger = workbook.create_sheet(LEDGER_SHEET)
    ledger_table = _start_table(ledger, title, (), COLUMNS, print_titles="1:2")
    summary = workbook.create_sheet(SUMMARY_SHEET)
    sheets: dict[str, _Table] = {}
    taken = {LEDGER_SHEET.casefold(), SUMMARY_SHEET.casefold()}
    for worker in workers:
        sheet = workbook.create_sheet(_sheet_name(workers[worker], worker, taken))
        figures = worker_figures[worker]
        sheets[worker] = _start_table(
            sheet,
            f"{workers[worker]} 经办工单 {config.community_name} {period_text(period)}",
            (
                ("经办", *FIGURE_HEADER[1:13]),
                (figures.received, *_figures(figures)[1:13]),
            ),
            WORKER_COLUMNS,
            print_titles=None,
        )

    query = (
        select(TicketRow, _resolve_text(), _last_reopen())
        .where(*in_period)
        .order_by(TicketRow.id)
    )
    count = 0
    result = await stats.session.stream(query.execution_options(yield_per=2000))
    async for ticket, resolve_text, reopened_at in result:
        line = _Line(config, stats, names, ticket, resolve_text, reopened_at)
        ledger_table.append(line.ledger())
        if ticket.assignee_id in sheets:
            sheets[ticket.assignee_id].append(line.worker())
        count += 1
    ledger_table.finish(hidden_from_print=ID_COLUMNS)
    for table in sheets.values():
        table.finish()

    _summary(summary, config, period, report.total, report.by_category, report.by_grid)
    if worker_figures:
        summary.append([])
        summary.append([_styled(summary, "按网格员", font=_BOLD)])
        _figure_header(summary, "网格员")
        for worker, figures in worker_figures.items():
            summary.append(_figure_row(summary, workers[worker], figures))
    summary.append([])
    summary.append(["导出时间", stats.now.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M")])
    await asyncio.to_thread(_save, workbook, path)
    return ExportResult(path, count)


class _Line:
    """One ticket as the ledger and the worker sheets show it; times local and naive, the
    way Excel shows them."""

    def __init__(
        self,
        config: Config,
        stats: Stats,
        names: dict[str, str],
        ticket: TicketRow,
        resolve_text: str | None,
        reopened_at: datetime | None,
    ) -> None:
        self.config = config
        self.ticket = ticket
        self.names = names
        self.limit = stats.limits.for_category(ticket.category)
        self.late = _late(stats, ticket)
        note = getattr(ticket, "note", None)
        self.handling = redact(note) if note else resolution_words(resolve_text)
        self.verdict, self.visit = self._visit(reopened_at)

    def local(self, value: datetime | None) -> datetime | None:
        return value.astimezone(self.config.timezone).replace(tzinfo=None) if value else None

    def _visit(self, reopened_at: datetime | None) -> tuple[str | None, str | None]:
        """评价 (the resident's latest verdict, as 统计 counts it) and 回访 (verdict and when)."""
        t = self.ticket

        def when(value: datetime | None) -> str:
            shown = self.local(value)
            return f"（{shown:%Y-%m-%d %H:%M}）" if shown else ""

        if t.rating:
            label = RATING_LABELS.get(t.rating, t.rating)
            return label, f"{label}{when(t.closed_at)}"
        if t.dissatisfied:
            label = RATING_LABELS["dissatisfied"]
            again = "，已重新办理待评价" if t.status == Status.RESOLVED else ""
            return label, f"{label}{when(reopened_at)}{again}"
        if t.status == Status.CLOSED:
            return None, f"未评价，超时结案{when(t.closed_at)}"
        if t.status == Status.RESOLVED:
            return None, "待评价"
        return None, None

    def person(self, person_id: str | None) -> str | None:
        if not person_id:
            return None
        configured = self.config.person(person_id)
        if configured is not None:
            return configured.name
        name = self.names.get(person_id)
        return name if name and name != person_id else NO_NAME

    def common(self) -> dict[str, Any]:
        t = self.ticket
        first_claim = t.first_claimed_at
        return {
            "编号": t.id,
            "状态": STATUS_LABELS.get(Status(t.status), t.status),
            "类别": category_label(t.category),
            "网格": self.config.grid_label(t.grid_id),
            "反映人": self.person(t.reporter_id),
            "内容": t.summary,
            "登记时间": self.local(t.created_at),
            "首次接单时间": self.local(first_claim),
            "办结时间": self.local(t.resolved_at),
            "接单用时(分钟)": (
                round((first_claim - t.created_at).total_seconds() / 60, 1)
                if first_claim
                else None
            ),
            "办结用时(小时)": (
                round((t.resolved_at - t.created_at).total_seconds() / 3600, 2)
                if t.resolved_at
                else None
            ),
            "办结时限(小时)": round(self.limit.total_seconds() / 3600, 2),
            "办理情况": self.handling,
            "评价": self.verdict,
            "回访": self.visit,
        }

    def ledger(self) -> dict[str, Any]:
        t = self.ticket
        group = self.config.group(t.group_id)
        return {
            **self.common(),
            "紧急": "是" if t.urgent else "否",
            "来源群": group.name if group else t.group_id,
            "负责人": self.person(t.assignee_id),
            "位置": t.location,
            "接单时间": self.local(t.claimed_at),
            "结案时间": self.local(t.closed_at),
            "是否超时": None if self.late is None else ("是" if self.late else "否"),
            "不满意次数": int(t.dissatisfied or 0),
            "升级级别": t.escalation_level,
            "反映人次": t.reports,
            "类别代码": t.category,
            "反映人ID": t.reporter_id,
            "负责人ID": t.assignee_id,
        }

    def worker(self) -> dict[str, Any]:
        t = self.ticket
        if self.late is None:
            timeliness = "—"
        elif t.resolved_at is not None:
            timeliness = "超时办结" if self.late else "按时办结"
        else:
            timeliness = "已超时未办结" if self.late else "办理中"
        return {**self.common(), "办理时效": timeliness}


def _late(stats: Stats, ticket: TicketRow) -> bool | None:
    """Overdue as ``bot.reporting.stats`` counts it: resolved after the category's limit, or still
    unresolved past it; None for a cancelled ticket (left out of every figure)."""
    if ticket.status == Status.CANCELLED:
        return None
    limit = stats.limits.for_category(ticket.category)
    end = ticket.resolved_at if ticket.resolved_at is not None else stats.now
    return end - ticket.created_at > limit


def _resolve_text() -> Any:
    """The text of the message that last resolved the ticket (the worker's words)."""
    return (
        select(InboundMessageRow.text)
        .join(TicketEventRow, TicketEventRow.message_id == InboundMessageRow.id)
        .where(TicketEventRow.ticket_id == TicketRow.id, TicketEventRow.kind == "resolve")
        .order_by(TicketEventRow.id.desc())
        .limit(1)
        .correlate(TicketRow)
        .scalar_subquery()
    )


def _last_reopen() -> Any:
    """When the resident last said 不满意 (a reopen event)."""
    return (
        select(TicketEventRow.at)
        .where(TicketEventRow.ticket_id == TicketRow.id, TicketEventRow.kind == "reopen")
        .order_by(TicketEventRow.id.desc())
        .limit(1)
        .correlate(TicketRow)
        .scalar_subquery()
    )


async def _workers(
    stats: Stats,
    config: Config,
    scope: Scope,
    in_period: Sequence[Any],
    names: dict[str, str],
) -> dict[str, str]:
    """Who gets a sheet, id → name: the scope's grid workers in duty order, then anyone
    else who holds a ticket of the period (a leader, staff, someone since removed)."""
    found = await stats.session.scalars(
        select(TicketRow.assignee_id)
        .where(*in_period, TicketRow.assignee_id.is_not(None))
        .distinct()
    )
    assignees = {a for a in found if a}
    if scope.assignee is not None:
        ids = [scope.assignee]
    else:
        ids = [
            w
            for g in config.directory.grids
            if scope.grids is None or g.id in scope.grids
            for w in g.workers
        ]
        ids += sorted(assignees - set(ids), key=lambda a: (config.name_of(a, names.get(a)), a))
    return {w: config.name_of(w, names.get(w)) for w in dict.fromkeys(ids)}


class _Table:
    """A header row and the rows under it on a write-only sheet, finished with a filter."""

    def __init__(
        self, sheet: Any, columns: Sequence[tuple[str, int]], header_row: int
    ) -> None:
        self.sheet = sheet
        self.titles = [title for title, _ in columns]
        self.header_row = header_row
        self.last_row = header_row
        self.wrap = {i for i, t in enumerate(self.titles) if t in ("内容", "办理情况", "回访")}

    def append(self, values: dict[str, Any]) -> None:
        cells: list[Any] = []
        for i, title in enumerate(self.titles):
            value = values.get(title)
            if isinstance(value, datetime):
                cells.append(_styled(self.sheet, value, number_format=DATETIME))
            elif i in self.wrap and value:
                cells.append(_styled(self.sheet, value, alignment=_WRAP))
            else:
                cells.append(value)
        self.sheet.append(cells)
        self.last_row += 1

    def finish(self, hidden_from_print: int = 0) -> None:
        last_col = get_column_letter(len(self.titles))
        self.sheet.auto_filter.ref = f"A{self.header_row}:{last_col}{self.last_row}"
        if hidden_from_print:
            printed = get_column_letter(len(self.titles) - hidden_from_print)
            self.sheet.print_area = f"A1:{printed}{self.last_row}"


def _start_table(
    sheet: Any,
    title: str,
    preamble: Sequence[Sequence[Any]],
    columns: Sequence[tuple[str, int]],
    print_titles: str | None,
) -> _Table:
    """Title row, optional lines of figures, a blank line, then the header row; the sheet
    frozen below the header and set up to print landscape at the page's width."""
    for i, (header, width) in enumerate(columns):
        sheet.column_dimensions[get_column_letter(i + 1)].width = max(width, _width(header) + 2)
    header_row = 2 if not preamble else len(preamble) + 3
    sheet.freeze_panes = f"A{header_row + 1}"
    _print_setup(sheet)
    sheet.print_title_rows = print_titles or f"{header_row}:{header_row}"
    sheet.append([_styled(sheet, title, font=_TITLE_FONT)])
    sheet.merged_cells.add(f"A1:{get_column_letter(len(columns))}1")
    if preamble:
        labels, *rows = preamble
        sheet.append([_header_cell(sheet, label) for label in labels])
        for row in rows:
            sheet.append(
                [
                    _styled(sheet, v, number_format=PERCENT) if label in _RATE_COLUMNS else v
                    for label, v in zip(labels, row, strict=True)
                ]
            )
        sheet.append([])
    sheet.append([_header_cell(sheet, header) for header, _ in columns])
    return _Table(sheet, columns, header_row)


def _print_setup(sheet: Any) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _summary(
    sheet: Any,
    config: Config,
    period: Period,
    total: Figures,
    by_category: dict[str, Figures],
    by_grid: dict[str | None, Figures],
) -> None:
    sheet.column_dimensions["A"].width = 14
    for i, header in enumerate(FIGURE_HEADER, start=2):
        sheet.column_dimensions[get_column_letter(i)].width = max(9, _width(header) + 2)
    _print_setup(sheet)
    title = f"{config.community_name} 工单汇总 {period_text(period)}"
    sheet.append([_styled(sheet, title, font=_TITLE_FONT)])
    sheet.merged_cells.add(f"A1:{get_column_letter(len(FIGURE_HEADER) + 1)}1")
    sheet.append(["时间范围", period_text(period)])
    sheet.append([])
    _figure_header(sheet, "")
    sheet.append(_figure_row(sheet, "合计", total))
    for code, f in sorted(by_category.items()):
        sheet.append(_figure_row(sheet, category_label(code), f))
    for grid_id, f in sorted(by_grid.items(), key=lambda kv: str(kv[0])):
        sheet.append(_figure_row(sheet, config.grid_label(grid_id), f))


def _figure_header(sheet: Any, first: str) -> None:
    sheet.append([_header_cell(sheet, h) for h in (first, *FIGURE_HEADER)])


def _figure_row(sheet: Any, label: str, f: Figures) -> list[Any]:
    return [
        label,
        *(
            _styled(sheet, v, number_format=PERCENT) if h in _RATE_COLUMNS else v
            for h, v in zip(FIGURE_HEADER, _figures(f), strict=True)
        ),
    ]


def _figures(f: Figures) -> list[Any]:
    def rate(value: float | None) -> float | None:
        return round(value, 4) if value is not None else None

    return [
        f.received,
        f.cancelled,
        f.claimed,
        f.resolved,
        f.closed,
        f.overdue,
        rate(f.response_rate),
        rate(f.resolution_rate),
        rate(f.satisfaction_rate),
        f.rated,
        f.satisfied,
        f.fair,
        f.dissatisfied,
        round(f.median_claim.total_seconds() / 60, 1) if f.median_claim else None,
        round(f.median_resolve.total_seconds() / 3600, 2) if f.median_resolve else None,
    ]


async def _people_names(stats: Stats) -> dict[str, str]:
    rows = await stats.session.execute(select(PersonRow.id, PersonRow.name))
    return {pid: name for pid, name in rows.all()}


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, person_id: str, taken: set[str]) -> str:
    """An Excel sheet name for a worker: no []:*?/\\, at most 31 characters, unique
    (case-insensitively, as Excel compares them); a namesake gets a number."""
    def clean(text: str) -> str:
        return _BAD_SHEET_CHARS.sub("", text).strip().strip("'")

    base = (clean(name) or clean(person_id) or "网格员")[:31]
    candidate, n = base, 1
    while candidate.casefold() in taken:
        n += 1
        suffix = f"({n})"
        candidate = base[: 31 - len(suffix)] + suffix
    taken.add(candidate.casefold())
    return candidate


def _width(text: str) -> int:
    """Display width: CJK and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _styled(
    sheet: Any,
    value: Any,
    *,
    font: Font | None = None,
    number_format: str | None = None,
    alignment: Alignment | None = None,
) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _header_cell(sheet: Any, value: str) -> WriteOnlyCell:
    cell = _styled(sheet, value, font=_BOLD, alignment=_HEADER_ALIGN)
    cell.fill = _HEADER_FILL
    return cell


def _save(workbook: Workbook, path: Path) -> None:
    """Written readable by the owner only (0600; a new directory 0700): the ledger names
    residents and what they reported."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".xlsx.part")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        workbook.save(out)
    tmp.replace(path)
    os.chmod(path, 0o600)  # umask can only take bits away; make sure of it
