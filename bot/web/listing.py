"""The ticket list: filters from the query string, and keyset paging by ticket number.

A community keeps every ticket for years (a million is a realistic count), so a page is
one query that walks the ticket number downwards from where the last page stopped
(``WHERE id < :before ORDER BY id DESC LIMIT n+1``) under the filters; no page gets slower
the further back it is, as OFFSET would. Migration 0014's indexes end in ``id`` (grid and
status, status, category, worker, and the tickets still in the works), so a filtered page
reads only the rows it shows. The count above the list is capped (``COUNT_CAP``): no page
view counts a million rows. A search reads the newest tickets first and, for a word too
rare to fill a page there, an index: on PostgreSQL a trigram index of the text with every
character doubled (see ``SEARCH_TEXT``), which finds two-character Chinese words too; on
SQLite an FTS5 trigram table (migration 0017) for three characters or more. One or two
characters on SQLite read at most ``SEARCH_SCAN`` tickets a page and say so. A ticket number
("#123456") is also looked up by its id. "Overdue"
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

from sqlalchemy import Select, and_, func, literal_column, or_, select, table, text
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
    # A search without an index stopped at this ticket before filling the page ("较早" goes
    # on from there); ``notice`` says so, as a hint rather than an error.
    stopped: int | None = None
    notice: str | None = None


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
    or a window of its newest rows); ``indexed`` is the same test written for an index
    (PostgreSQL's trigram index, or SQLite's FTS5 table for three characters or more; None
    where there is none, and the search reads the newest ``SEARCH_SCAN`` tickets at most).
    ``number``: the ticket number the words are, if they are one ("#123", "123"), looked up
    by id on its own and shown along with the tickets whose text holds the words."""

    words: str
    indexed: Any | None
    number: int | None = None

    def on(self, columns: Any) -> Any:
        pattern = f"%{_escape_like(self.words)}%"
        return or_(
            columns.summary.like(pattern, escape="\\"),
            columns.location.like(pattern, escape="\\"),
        )

    def anywhere(self) -> Any:
        return self.on(TicketRow) if self.indexed is None else self.indexed

    def in_text(self, ticket: TicketRow) -> bool:
        """Whether ``ticket``'s text holds the words: exact for a ticket number's words
        (digits, '#', spaces: no case, no wildcard), which is all it is asked about."""
        return any(self.words in (t or "") for t in (ticket.summary, ticket.location))


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
# SQLite's FTS5 table of the summary and location (trigram tokenizer, migration 0017).
SEARCH_TABLE = "tickets_search"
# A search with an index first reads this many of the newest tickets under the other
# filters (cheap, in ticket-number order); only a word too rare to fill a page there goes to
# the index.
SEARCH_WINDOW = 5000
# Without an index (one or two characters on SQLite, one on PostgreSQL) a page reads at most
# this many tickets under its filters; if they do not fill it, it says so and its "较早" link
# goes on from the last ticket read. No page reads a million rows for a word that is not there.
SEARCH_SCAN = 20_000


async def _search(session: AsyncSession, words: str) -> Search:
    """Words in the summary or location, or a ticket number.

    Common words are found at once among the newest tickets; rare ones through an index:
    on PostgreSQL the doubled words are looked up in the doubled text, on SQLite the FTS5
    table finds the rows holding the words' trigrams in a row and LIKE checks those few
    (trigrams fold case more widely than LIKE does): the same matches as LIKE either way.
    Neither alone is fast for both: the index must list every match of a common word, and
    reading tickets newest first finds a rare one only after many."""
    indexed = None
    dialect = session.bind.dialect.name
    if dialect == "postgresql" and len(words) >= 2 and await _has_search_index(session):
        doubled = _escape_like("".join(ch * 2 for ch in words))
        indexed = literal_column(SEARCH_TEXT).like(f"%{doubled}%", escape="\\")
    elif dialect == "sqlite" and len(words) >= 3 and await _has_search_table(session):
        phrase = '"' + words.replace('"', '""') + '"'  # one FTS5 string: no operators in it
        found = select(literal_column("rowid")).select_from(table(SEARCH_TABLE))
        found = found.where(text(f"{SEARCH_TABLE} MATCH :phrase").bindparams(phrase=phrase))
        indexed = and_(TicketRow.id.in_(found), Search(words, None).on(TicketRow))
    number = _NUMBER.match(words)
    return Search(words, indexed, int(number.group(1)) if number else None)


async def _has_search_index(session: AsyncSession) -> bool:
    found = await session.scalar(
        text("SELECT to_regclass(:name) IS NOT NULL"), {"name": SEARCH_INDEX}
    )
    return bool(found)


async def _has_search_table(session: AsyncSession) -> bool:
    found = await session.scalar(
        text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": SEARCH_TABLE},
    )
    return bool(found)


@dataclass(frozen=True, slots=True)
class _Found:
    rows: list[TicketRow]
    stopped: int | None = None  # the last ticket read, when SEARCH_SCAN cut the search short


async def _rows(
    session: AsyncSession,
    where: list[Any],
    search: Search | None,
    *,
    newer: bool,
    size: int,
    first: bool = False,
) -> _Found:
    """Up to ``size`` + 1 tickets under ``where``, newest first (oldest first if ``newer``),
    with the ticket a search's number names (a primary-key look-up, under ``where`` too) in
    its place among them. A search without an index may stop reading before that ticket
    (``stopped``); the first page shows it all the same, so "#5" finds ticket 5 at once on a
    million tickets, and the page that reads that far shows it again."""
    found = await _text_rows(session, where, search, newer=newer, size=size)
    if search is None or search.number is None:
        return found
    named = await session.scalar(select(TicketRow).where(*where, TicketRow.id == search.number))
    if named is None or any(t.id == named.id for t in found.rows):
        return found
    beyond = found.stopped is not None and (named.id > found.stopped) == newer
    if beyond and not first:
        return found
    rows = sorted([*found.rows, named], key=lambda t: t.id, reverse=not newer)[: size + 1]
    return _Found(rows, found.stopped)


async def _text_rows(
    session: AsyncSession, where: list[Any], search: Search | None, *, newer: bool, size: int
) -> _Found:
    order = TicketRow.id.asc() if newer else TicketRow.id.desc()
    query = select(TicketRow).where(*where).order_by(order)
    if search is None:
        return _Found(list(await session.scalars(query.limit(size + 1))))
    # Without an index, the newest SEARCH_SCAN at once: the scan stops at the page's last
    # match all the same, so a common word costs no more than in the small window.
    limit = SEARCH_WINDOW if search.indexed is not None else SEARCH_SCAN
    window = aliased(TicketRow, query.limit(limit).subquery())
    in_window = window.id.asc() if newer else window.id.desc()
    rows = list(
        await session.scalars(
            select(window).where(search.on(window)).order_by(in_window).limit(size + 1)
        )
    )
    if len(rows) > size:
        return _Found(rows)
    if search.indexed is None:  # no index: stop at the SEARCH_SCAN-th ticket, if there is one
        last = await session.scalar(
            select(TicketRow.id).where(*where).order_by(order).offset(SEARCH_SCAN - 1).limit(1)
        )
        more = last is not None and await session.scalar(
            select(TicketRow.id)
            .where(*where, TicketRow.id > last if newer else TicketRow.id < last)
            .limit(1)
        )
        return _Found(rows, last if more else None)
    # Rare among the newest: every match, through the index. Ordering by a sum keeps the
    # database from walking the ticket numbers instead.
    key = TicketRow.id + 0
    query = select(TicketRow).where(*where, search.anywhere())
    query = query.order_by(key.asc() if newer else key.desc()).limit(size + 1)
    return _Found(list(await session.scalars(query)))


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
    of these filters, if already read; when it holds them all, it is the count, and when a
    search without an index stopped before filling it, what it found is "n 多张"."""
    if first is not None and f.before is None and f.after is None:
        if first.stopped is not None:
            return Count(len(first.rows), True)
        if first.older is None:
            return Count(len(first.rows), False)
    where, search, _, _ = await _conditions(session, config, viewer, f, limits, now)
    # Enough among the newest tickets? Not asked of PostgreSQL's index, which stops at the cap
    # by itself; SQLite's FTS5 table would list every match of a common word first.
    sqlite = session.bind.dialect.name == "sqlite"
    found = 0
    if search is not None and (search.indexed is None or sqlite):
        limit = SEARCH_WINDOW if search.indexed is not None else SEARCH_SCAN
        window = (
            select(TicketRow.id, TicketRow.summary, TicketRow.location)
            .where(*where)
            .order_by(TicketRow.id.desc())
            .limit(limit)
            .subquery()
        )
        near = select(window.c.id).where(search.on(window.c)).limit(COUNT_CAP + 1)
        found = int(await session.scalar(select(func.count()).select_from(near.subquery())))
        if found > COUNT_CAP:
            return Count(COUNT_CAP, True)
    if search is not None and search.indexed is None:
        found += await _named_apart(session, where, search)
        read = select(TicketRow.id).where(*where).limit(SEARCH_SCAN + 1).subquery()
        if await session.scalar(select(func.count()).select_from(read)) > SEARCH_SCAN:
            return Count(found, True)  # not all read: at least this many
        return Count(found, False)
    number = 0 if search is None else await _named_apart(session, where, search)
    if search is not None:  # the index stops at the cap too, whether the word is common or rare
        where = [*where, search.anywhere()]
    capped = select(TicketRow.id).where(*where).limit(COUNT_CAP + 1).subquery()
    number += int(await session.scalar(select(func.count()).select_from(capped)) or 0)
    return Count(min(number, COUNT_CAP), number > COUNT_CAP)


async def _named_apart(session: AsyncSession, where: list[Any], search: Search) -> int:
    """1 if the search names a ticket under ``where`` whose text does not hold the words
    (so the text count leaves it out), else 0."""
    if search.number is None:
        return 0
    named = await session.scalar(select(TicketRow).where(*where, TicketRow.id == search.number))
    return int(named is not None and not search.in_text(named))


def _stopped_notice(f: TicketFilter, stopped: int, link: str) -> str:
    return (
        f"“{f.q}”太短，用不上索引，这一页只查到第 {stopped} 单；"
        f"请点“{link}”接着查，或者多写几个字。"
    )


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
        found = await _rows(
            session, [*where, TicketRow.id > f.after], search, newer=True, size=size
        )
        more_newer = len(found.rows) > size
        rows = found.rows[:size][::-1]
        newer = rows[0].id if more_newer and rows else found.stopped
        older = rows[-1].id if rows else f.after + 1
        notice = None
        if found.stopped is not None and not more_newer:
            notice = _stopped_notice(f, found.stopped, "较新")
        return Page(rows, newer, older, period, problem, found.stopped, notice)
    if f.before is not None:
        where.append(TicketRow.id < f.before)
    found = await _rows(session, where, search, newer=False, size=size, first=f.before is None)
    more_older = len(found.rows) > size
    rows = found.rows[:size]
    older = rows[-1].id if more_older and rows else found.stopped
    newer = (rows[0].id if rows else f.before - 1) if f.before is not None else None
    notice = None
    if found.stopped is not None and not more_older:
        notice = _stopped_notice(f, found.stopped, "较早")
    return Page(rows, newer, older, period, problem, found.stopped, notice)
