"""The ticket list: filters from the query string, and keyset paging by ticket number.

A community keeps every ticket for years (a million is a realistic count), so a page is
one query that walks the ticket number downwards from where the last page stopped
(``WHERE id < :before ORDER BY id DESC LIMIT n+1``) under the filters; no page gets slower
the further back it is, as OFFSET would. Migration 0014's indexes end in ``id`` (grid and
status, status, category, worker, and the tickets still in the works), so a filtered page
reads only the rows it shows. The count above the list is capped (``COUNT_CAP``): no page
view counts a million rows. A search reads the newest tickets first and, for a word too
rare to fill a page there, a trigram index of the text with every character doubled on
PostgreSQL (see ``SEARCH_TEXT``), which finds two-character Chinese words too. "Overdue"
reuses the figures' own definition (``Stats.overdue_open``), so the list and 统计 never
disagree. ``bench/console.py`` times all of this on a million tickets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, func, literal_column, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

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
            q="".join(ch for ch in text("q", 100) if ch.isprintable()).strip(),
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


@dataclass(frozen=True, slots=True)
class Count:
    """How many tickets match, up to ``COUNT_CAP``; ``more`` when there are more than that."""

    number: int
    more: bool


COUNT_CAP = 500


@dataclass(frozen=True, slots=True)
class Search:
    """Words to look for: ``on(columns)`` tests them with LIKE on any row source (the table,
    or a window of its newest rows); ``indexed`` is the same test written for the trigram
    index (PostgreSQL with the index only, else None)."""

    words: str
    indexed: Any | None

    def on(self, columns: Any) -> Any:
        pattern = f"%{_escape_like(self.words)}%"
        found = [
            columns.summary.like(pattern, escape="\\"),
            columns.location.like(pattern, escape="\\"),
        ]
        number = _NUMBER.match(self.words)
        if number:
            found.append(columns.id == int(number.group(1)))
        return or_(*found)

    def anywhere(self) -> Any:
        if self.indexed is None:
            return self.on(TicketRow)
        number = _NUMBER.match(self.words)
        found = [self.indexed]
        if number:
            found.append(TicketRow.id == int(number.group(1)))
        return or_(*found)


async def _conditions(
    session: AsyncSession,
    config: Config,
    viewer: Viewer,
    f: TicketFilter,
    limits: Limits,
    now: datetime,
) -> tuple[list[Any], Search | None, Period | None, str | None]:
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
    search = await _search(session, f.q) if f.q else None
    return where, search, period, problem


# The summary and location with every character written twice, exactly as migration 0014
# indexes them (trigrams, PostgreSQL): "井盖" becomes "井井盖盖", long enough for trigrams.
SEARCH_TEXT = (
    "regexp_replace(coalesce(summary, '') || chr(10) || coalesce(location, ''), "
    "'(.)', '\\1\\1', 'g')"
)
SEARCH_INDEX = "ix_tickets_search_trgm"
# A search first reads this many of the newest tickets under the other filters (cheap, in
# ticket-number order); only a word too rare to fill a page there goes to the index.
SEARCH_WINDOW = 5000


async def _search(session: AsyncSession, words: str) -> Search:
    """Words in the summary or location, or a ticket number.

    Common words are found at once among the newest tickets; rare ones through the trigram
    index on PostgreSQL, where the doubled words are looked up in the doubled text (the
    same matches as LIKE). Neither alone is fast for both: the index must list every match
    of a common word, and reading tickets newest first finds a rare one only after many."""
    indexed = None
    if len(words) >= 2 and await _has_search_index(session):
        doubled = _escape_like("".join(ch * 2 for ch in words))
        indexed = literal_column(SEARCH_TEXT).like(f"%{doubled}%", escape="\\")
    return Search(words, indexed)


async def _has_search_index(session: AsyncSession) -> bool:
    if session.bind.dialect.name != "postgresql":
        return False
    found = await session.scalar(
        text("SELECT to_regclass(:name) IS NOT NULL"), {"name": SEARCH_INDEX}
    )
    return bool(found)


async def _rows(
    session: AsyncSession, where: list[Any], search: Search | None, *, newer: bool, size: int
) -> list[TicketRow]:
    """Up to ``size`` + 1 tickets under ``where``, newest first (oldest first if ``newer``)."""
    order = TicketRow.id.asc() if newer else TicketRow.id.desc()
    query = select(TicketRow).where(*where).order_by(order)
    if search is None:
        return list(await session.scalars(query.limit(size + 1)))
    window = aliased(TicketRow, query.limit(SEARCH_WINDOW).subquery())
    in_window = window.id.asc() if newer else window.id.desc()
    rows = list(
        await session.scalars(
            select(window).where(search.on(window)).order_by(in_window).limit(size + 1)
        )
    )
    if len(rows) > size:
        return rows
    # Rare among the newest: every match, through the index where there is one. Ordering by
    # a sum keeps PostgreSQL from walking the ticket numbers instead.
    key = TicketRow.id + 0
    query = select(TicketRow).where(*where, search.anywhere())
    query = query.order_by(key.asc() if newer else key.desc()).limit(size + 1)
    return list(await session.scalars(query))


async def page_query(
    session: AsyncSession,
    config: Config,
    viewer: Viewer,
    f: TicketFilter,
    limits: Limits,
    now: datetime,
    size: int = PAGE_SIZE,
) -> Select[tuple[TicketRow]]:
    """The index query of an older-first page (the first page, or one before
    ``f.before``), for looking at its plan."""
    where, search, _, _ = await _conditions(session, config, viewer, f, limits, now)
    if f.before is not None:
        where.append(TicketRow.id < f.before)
    if search is not None:
        where.append(search.anywhere())
    return select(TicketRow).where(*where).order_by((TicketRow.id + 0).desc()).limit(size + 1)


async def ticket_count(
    session: AsyncSession,
    config: Config,
    viewer: Viewer,
    f: TicketFilter,
    limits: Limits,
    now: datetime,
    first: Page | None = None,
) -> Count:
    """How many tickets the filters match (all pages), counted up to ``COUNT_CAP`` only:
    "500 多张" tells an office as much as the exact figure, and an exact count of a broad
    filter would read most of a million rows on every page view. ``first``: the first page
    of these filters, if already read; when it holds them all, it is the count."""
    if first is not None and first.older is None and f.before is None and f.after is None:
        return Count(len(first.rows), False)
    where, search, _, _ = await _conditions(session, config, viewer, f, limits, now)
    if search is not None and search.indexed is None:  # enough among the newest tickets?
        window = (
            select(TicketRow.id, TicketRow.summary, TicketRow.location)
            .where(*where)
            .order_by(TicketRow.id.desc())
            .limit(SEARCH_WINDOW)
            .subquery()
        )
        near = select(window.c.id).where(search.on(window.c)).limit(COUNT_CAP + 1).subquery()
        if await session.scalar(select(func.count()).select_from(near)) > COUNT_CAP:
            return Count(COUNT_CAP, True)
    if search is not None:  # the index stops at the cap too, whether the word is common or rare
        where.append(search.anywhere())
    capped = select(TicketRow.id).where(*where).limit(COUNT_CAP + 1).subquery()
    number = int(await session.scalar(select(func.count()).select_from(capped)) or 0)
    return Count(min(number, COUNT_CAP), number > COUNT_CAP)


async def ticket_page(
    session: AsyncSession,
    config: Config,
    viewer: Viewer,
    f: TicketFilter,
    limits: Limits,
    now: datetime,
    size: int = PAGE_SIZE,
) -> Page:
    where, search, period, problem = await _conditions(session, config, viewer, f, limits, now)
    if f.after is not None:  # a newer page: walk upwards, then show newest first
        rows = await _rows(session, [*where, TicketRow.id > f.after], search, newer=True, size=size)
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        newer = rows[0].id if more_newer and rows else None
        older = rows[-1].id if rows else None
        return Page(rows, newer, older, period, problem)
    if f.before is not None:
        where.append(TicketRow.id < f.before)
    rows = await _rows(session, where, search, newer=False, size=size)
    more_older = len(rows) > size
    rows = rows[:size]
    older = rows[-1].id if more_older and rows else None
    newer = rows[0].id if f.before is not None and rows else None
    return Page(rows, newer, older, period, problem)
