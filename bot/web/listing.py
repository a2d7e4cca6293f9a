"""The ticket list: filters from the query string, and keyset paging by ticket number.

A community keeps every ticket for years (a million is a realistic count), so a page is
one query that walks the primary key downwards from where the last page stopped
(``WHERE id < :before ORDER BY id DESC LIMIT n+1``) under the filters, which the indexes
on tickets (status, grid, assignee, created_at) serve; no page counts the whole table and
no page gets slower the further back it is, as OFFSET would. "Overdue" reuses the figures'
own definition (``Stats.overdue_open``), so the list and 统计 never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.domain.lifecycle import ACTIVE_STATUSES, OPEN_STATUSES, Status
from bot.domain.taxonomy import CATEGORIES
from bot.reporting.periods import Period, PeriodError, parse_period
from bot.reporting.stats import Limits, Stats
from bot.web.scope import Viewer
from storage.models import TicketRow

PAGE_SIZE = 50
STATUS_FILTERS = {
    "": "全部",
    "active": "未办结",
    "open": "待接单或处理中",
    Status.ASSIGNED.value: "待接单",
    Status.CLAIMED.value: "处理中",
    Status.RESOLVED.value: "待评价",
    Status.CLOSED.value: "已办结",
    Status.CANCELLED.value: "已撤销",
    Status.HANDED_UP.value: "已上报",
}
PERIOD_CHOICES = ("", "今天", "昨天", "本周", "上周", "本月", "上月")
_NUMBER = re.compile(r"^#?\s*(\d{1,9})$")


@dataclass(frozen=True, slots=True)
class TicketFilter:
    status: str = ""
    grid: str = ""
    category: str = ""
    worker: str = ""
    overdue: bool = False
    period: str = ""
    q: str = ""
    before: int | None = None
    after: int | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> TicketFilter:
        def text(name: str, limit: int = 100) -> str:
            return (query.get(name) or "").strip()[:limit]

        def number(name: str) -> int | None:
            value = text(name, 12)
            return int(value) if value.isdigit() and len(value) <= 9 else None

        status = text("status")
        category = text("category")
        return cls(
            status=status if status in STATUS_FILTERS else "",
            grid=text("grid", 64),
            category=category if category in CATEGORIES else "",
            worker=text("worker", 128),
            overdue=text("overdue") in ("1", "on", "true"),
            period=text("period", 40),
            q=text("q", 100),
            before=number("before"),
            after=number("after"),
        )

    def query(self, **changes: Any) -> str:
        """This filter as a query string, with ``changes`` (e.g. another page)."""
        f = replace(self, **changes)
        pairs = [
            ("status", f.status),
            ("grid", f.grid),
            ("category", f.category),
            ("worker", f.worker),
            ("overdue", "1" if f.overdue else ""),
            ("period", f.period),
            ("q", f.q),
            ("before", "" if f.before is None else str(f.before)),
            ("after", "" if f.after is None else str(f.after)),
        ]
        return urlencode([(k, v) for k, v in pairs if v])


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[TicketRow]
    newer: int | None  # "after" for the previous (newer) page, if any
    older: int | None  # "before" for the next (older) page, if any
    period: Period | None
    problem: str | None = None  # a filter that could not be read, in words


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def ticket_page(
    session: AsyncSession,
    config: Config,
    viewer: Viewer,
    f: TicketFilter,
    limits: Limits,
    now: datetime,
    size: int = PAGE_SIZE,
) -> Page:
    where: list[Any] = list(viewer.conditions())
    problem = None
    if f.status == "active":
        where.append(TicketRow.status.in_(ACTIVE_STATUSES))
    elif f.status == "open":
        where.append(TicketRow.status.in_(OPEN_STATUSES))
    elif f.status:
        where.append(TicketRow.status == f.status)
    if f.grid:
        where.append(TicketRow.grid_id == f.grid)
    if f.category:
        where.append(TicketRow.category == f.category)
    if f.worker:
        where.append(TicketRow.assignee_id == f.worker)
    if f.overdue:
        where.append(Stats(session, limits, now).overdue_open())
    period = None
    if f.period:
        try:
            period = parse_period(f.period, now, config.timezone)
        except PeriodError as exc:
            problem = str(exc)
        if period is None and problem is None:
            problem = f"不认识的时间“{f.period}”，可以写 本月 或 2026-11-01~2026-11-30"
        if period is not None:
            where += [TicketRow.created_at >= period.start, TicketRow.created_at < period.end]
    if f.q:
        number = _NUMBER.match(f.q)
        pattern = f"%{_escape_like(f.q)}%"
        words = [
            TicketRow.summary.like(pattern, escape="\\"),
            TicketRow.location.like(pattern, escape="\\"),
        ]
        if number:
            words.append(TicketRow.id == int(number.group(1)))
        where.append(or_(*words))
    query = select(TicketRow).where(*where)
    if f.after is not None:  # a newer page: walk upwards, then show newest first
        rows = list(
            await session.scalars(
                query.where(TicketRow.id > f.after).order_by(TicketRow.id).limit(size + 1)
            )
        )
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        newer = rows[0].id if more_newer and rows else None
        older = rows[-1].id if rows else None
        return Page(rows, newer, older, period, problem)
    if f.before is not None:
        query = query.where(TicketRow.id < f.before)
    rows = list(await session.scalars(query.order_by(TicketRow.id.desc()).limit(size + 1)))
    more_older = len(rows) > size
    rows = rows[:size]
    older = rows[-1].id if more_older and rows else None
    newer = rows[0].id if f.before is not None and rows else None
    return Page(rows, newer, older, period, problem)
