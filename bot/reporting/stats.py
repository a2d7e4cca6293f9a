"""The community's figures (三率, overdue, medians, rankings), computed in SQL.

A community of a few thousand households produces hundreds of thousands of tickets over
the years, so nothing here loads tickets into Python to count them: every figure is one
aggregate query over the tickets table, and the same code runs on SQLite and PostgreSQL.
What only the event history used to know (the first claim, 不满意 verdicts) is kept on the
ticket row by the lifecycle (``first_claimed_at``, ``dissatisfied``; migration 0004
backfilled them), so no figure looks up events per ticket. Only the median differs by
dialect: PostgreSQL has ``percentile_cont``; SQLite takes the mean of the one or two
middle rows of the sorted durations (``LIMIT``/``OFFSET`` when the count is known,
``row_number()`` per group otherwise), which is the same value.

Definitions (what the community is judged on; README "Staff commands" repeats them):

- A period's figures are about the tickets *received* (created) in it, followed to now.
  Cancelled tickets (duplicates, withdrawn, invalid) count as received and are shown, but
  are left out of every rate.
- 接单 (claimed): the ticket has been claimed (``first_claimed_at``, the first ``claim``
  event). Time to claim runs from creation to the *first* claim, so a later transfer does
  not undo a prompt response.
- 响应率 = tickets first claimed within the response limit / tickets whose response is due
  (claimed, or unclaimed for longer than the limit). A ticket still inside its response
  window is not yet counted either way, so today's figures are not dragged down by tickets
  that arrived a minute ago.
- 解决率 = tickets worked to resolution (resolved or closed after resolving) / valid tickets.
  Time to resolve runs from creation to the current resolution: a ticket reopened by a
  dissatisfied resident is only solved when it is resolved again.
- 满意率 = (满意 + 基本满意) / rated. Each ticket counts once, by its resident's latest
  verdict: ``ticket.rating`` holds 满意/基本满意 when a rating closed the ticket, and a
  ticket with a 不满意 (``dissatisfied`` > 0: ``reopen`` events with
  ``{"rating": "dissatisfied"}``) and no later closing rating counts as 不满意. A ticket
  reopened and then rated 满意 counts as 满意: the figure measures how residents ended up,
  while every 不满意 verdict stays in the ticket's ``dissatisfied`` count (the ledger's
  不满意次数) and in its history. Tickets closed without an answer are not rated.
- 超时 (overdue): resolved later than the category's time limit after creation, or still
  unresolved past it. ``工单 超时`` lists the open (待接单/处理中) tickets past their limit.
- 上报 (handed up): tickets the community handed up to the 街道 or the 12345 hotline
  (``handed_up`` is kept after they come back). They leave the overdue chase, so they are
  never 超时; they stay valid, and one that came back with its outcome counts as resolved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    extract,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.domain.lifecycle import Status
from bot.domain.taxonomy import CATEGORIES
from bot.reporting.periods import Period
from storage.models import TicketRow, UTCDateTime

DEFAULT_RESPONSE_LIMIT = timedelta(minutes=15)
FALLBACK_LIMIT = timedelta(hours=72)
OPEN_WORK = (Status.ASSIGNED, Status.CLAIMED)  # work not done yet: these can be overdue
GOOD_RATINGS = ("satisfied", "fair")


@dataclass(frozen=True, slots=True)
class Limits:
    """How long a ticket may take: to be claimed (响应) and, per category, to be resolved."""

    response: timedelta = DEFAULT_RESPONSE_LIMIT
    resolve: Mapping[str, timedelta] = field(default_factory=dict)

    def for_category(self, category: str) -> timedelta:
        return self.resolve.get(category) or self.resolve.get("other") or FALLBACK_LIMIT


def limits_from_config(config: Config) -> Limits:
    """The limits the duty/escalation settings already define, so the bot has one truth.

    Overdue limits per category are ``[overdue]`` (``config.duty.overdue``) and the response
    limit is the escalation interval for a normal ticket (``[escalation] normal``): a
    ticket claimed before the bot had to escalate it counts as responded. Working-time
    limits (``overdue.working_time``) are measured here in calendar time, which can only
    make such a ticket look later, never earlier, than the escalation engine sees it.
    """
    duty = getattr(config, "duty", None)
    overdue = getattr(duty, "overdue", None)
    escalation = getattr(duty, "escalation", None)
    resolve = {c: overdue.limit(c) for c in CATEGORIES} if overdue is not None else {}
    response = getattr(escalation, "normal", None) or DEFAULT_RESPONSE_LIMIT
    return Limits(response=response, resolve=resolve)


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose tickets a question is about: some grids (None = all) and/or one assignee."""

    grids: tuple[str, ...] | None = None
    assignee: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.grids is not None:
            out.append(TicketRow.grid_id.in_(self.grids))
        if self.assignee is not None:
            out.append(TicketRow.assignee_id == self.assignee)
        return out


@dataclass(frozen=True, slots=True)
class Figures:
    """Counts for one slice of tickets; the rates are derived so slices add up exactly."""

    received: int = 0
    cancelled: int = 0
    claimed: int = 0
    response_due: int = 0
    responded: int = 0
    resolved: int = 0
    closed: int = 0
    overdue: int = 0
    rated: int = 0
    satisfied: int = 0
    fair: int = 0
    handed_up: int = 0  # 上报 to the 街道 or 12345 (now or before): out of 超时
    median_claim: timedelta | None = None
    median_resolve: timedelta | None = None

    @property
    def valid(self) -> int:
        return self.received - self.cancelled

    @property
    def dissatisfied(self) -> int:
        return self.rated - self.satisfied - self.fair

    @property
    def response_rate(self) -> float | None:
        return _rate(self.responded, self.response_due)

    @property
    def resolution_rate(self) -> float | None:
        return _rate(self.resolved, self.valid)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied + self.fair, self.rated)

    def __add__(self, other: Figures) -> Figures:
        """Counts add; medians do not, so a sum carries none (they are queried separately)."""
        counts = {
            name: getattr(self, name) + getattr(other, name)
            for name in _COUNT_FIELDS
        }
        return Figures(**counts)


_COUNT_FIELDS = (
    "received",
    "cancelled",
    "claimed",
    "response_due",
    "responded",
    "resolved",
    "closed",
    "overdue",
    "rated",
    "satisfied",
    "fair",
    "handed_up",
)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class Report:
    """The answer to ``统计``: totals plus the same figures by category and by grid."""

    period: Period
    scope: Scope
    computed_at: datetime
    total: Figures
    by_category: dict[str, Figures]
    by_grid: dict[str | None, Figures]


@dataclass(frozen=True, slots=True)
class WorkerRank:
    worker_id: str
    resolved: int
    rated: int
    good: int  # 满意 + 基本满意

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.good, self.rated)


class Stats:
    """Figures for one database session; ``now`` comes from the injected clock."""

    def __init__(self, session: AsyncSession, limits: Limits, now: datetime) -> None:
        self.session = session
        self.limits = limits
        self.now = now
        bind = session.bind
        self.dialect = bind.dialect.name if bind is not None else "sqlite"

    # --- SQL building blocks ----------------------------------------------------------

    def _instant(self, value: datetime) -> ColumnElement[Any]:
        return literal(value, UTCDateTime())

    def seconds_between(self, start: Any, end: Any) -> ColumnElement[float]:
        """``end - start`` in seconds, in whichever way the dialect can do date arithmetic."""
        if self.dialect == "postgresql":
            return extract("epoch", end - start)
        return (func.julianday(end) - func.julianday(start)) * 86400.0

    def _limit_seconds(self) -> ColumnElement[float]:
        whens = {c: self.limits.for_category(c).total_seconds() for c in CATEGORIES}
        return case(whens, value=TicketRow.category, else_=whens["other"])

    def _dissatisfied(self) -> ColumnElement[bool]:
        """The latest verdict was 不满意: at least one 不满意 and no closing rating since."""
        return and_(TicketRow.rating.is_(None), TicketRow.dissatisfied > 0)

    def overdue_open(self) -> ColumnElement[bool]:
        """Open work past its category's limit, as plain comparisons the indexes can serve."""
        known = [c for c in CATEGORIES if c != "other"]
        now = self.now
        parts = [
            and_(
                TicketRow.category == c,
                TicketRow.created_at < now - self.limits.for_category(c),
            )
            for c in known
        ]
        parts.append(
            and_(
                TicketRow.category.not_in(known),
                TicketRow.created_at < now - self.limits.for_category("other"),
            )
        )
        return and_(TicketRow.status.in_(OPEN_WORK), or_(*parts))

    def _cohort(self, period: Period, scope: Scope) -> Any:
        """One row per ticket received in the period, with the durations figures need."""
        claim_s = self.seconds_between(TicketRow.created_at, TicketRow.first_claimed_at)
        resolve_s = self.seconds_between(TicketRow.created_at, TicketRow.resolved_at)
        age_s = self.seconds_between(TicketRow.created_at, self._instant(self.now))
        return (
            select(
                TicketRow.category.label("category"),
                TicketRow.grid_id.label("grid"),
                TicketRow.status.label("status"),
                TicketRow.rating.label("rating"),
                TicketRow.handed_up.label("handed_up"),
                claim_s.label("claim_s"),
                case((TicketRow.resolved_at.is_not(None), resolve_s)).label("resolve_s"),
                age_s.label("age_s"),
                self._limit_seconds().label("limit_s"),
                case((self._dissatisfied(), 1), else_=0).label("unhappy"),
            )
            .where(
                TicketRow.created_at >= period.start,
                TicketRow.created_at < period.end,
                *scope.conditions(),
            )
        )

    async def _materialise(self, query: Any) -> Table:
        """The cohort in a temporary table, so the event lookups and date arithmetic run
        once per ticket instead of once per figure (seven queries read it)."""
        table = Table(
            "gridbot_stats_cohort",
            MetaData(),
            Column("category", String(32)),
            Column("grid", String(64)),
            Column("status", String(16)),
            Column("rating", String(16)),
            Column("handed_up", String(16)),
            Column("claim_s", Float),
            Column("resolve_s", Float),
            Column("age_s", Float),
            Column("limit_s", Float),
            Column("unhappy", Integer),
            prefixes=["TEMPORARY"],
        )
        await self.session.run_sync(lambda s: table.drop(s.connection(), checkfirst=True))
        await self.session.run_sync(lambda s: table.create(s.connection()))
        await self.session.execute(
            table.insert().from_select([c.name for c in table.columns], query)
        )
        return table

    # --- figures ----------------------------------------------------------------------

    async def report(
        self, period: Period, scope: Scope = Scope(), *, breakdown_medians: bool = True
    ) -> Report:
        """The figures of ``period``. Medians are always computed for the total; by category
        and by grid only with ``breakdown_medians`` (the ledger's summary sheet shows them,
        the chat answer does not, and each one costs a sort of the cohort)."""
        cohort = await self._materialise(self._cohort(period, scope))
        try:
            return await self._report(cohort, period, scope, breakdown_medians)
        finally:
            await self.session.run_sync(lambda s: cohort.drop(s.connection()))

    async def _report(
        self, cohort: Table, period: Period, scope: Scope, breakdown_medians: bool
    ) -> Report:
        c = cohort.c
        valid = c.status != Status.CANCELLED
        response_s = self.limits.response.total_seconds()

        def count(condition: ColumnElement[bool]) -> Any:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        query = select(
            c.category,
            c.grid,
            func.count().label("received"),
            count(~valid).label("cancelled"),
            count(and_(valid, c.claim_s.is_not(None))).label("claimed"),
            count(and_(valid, or_(c.claim_s.is_not(None), c.age_s > response_s))).label(
                "response_due"
            ),
            count(and_(valid, c.claim_s <= response_s)).label("responded"),
            count(and_(valid, c.resolve_s.is_not(None))).label("resolved"),
            count(c.status == Status.CLOSED).label("closed"),
            count(
                and_(
                    valid,
                    c.handed_up.is_(None),  # handed up: the 街道's or 12345's time, not ours
                    or_(
                        c.resolve_s > c.limit_s,
                        and_(c.resolve_s.is_(None), c.age_s > c.limit_s),
                    ),
                )
            ).label("overdue"),
            count(and_(valid, or_(c.rating.in_(GOOD_RATINGS), c.unhappy == 1))).label("rated"),
            count(and_(valid, c.rating == "satisfied")).label("satisfied"),
            count(and_(valid, c.rating == "fair")).label("fair"),
            count(and_(valid, c.handed_up.is_not(None))).label("handed_up"),
        ).group_by(c.category, c.grid)
        by_category: dict[str, Figures] = {}
        by_grid: dict[str | None, Figures] = {}
        total = Figures()
        for row in (await self.session.execute(query)).mappings():
            figures = Figures(**{name: int(row[name]) for name in _COUNT_FIELDS})
            by_category[row["category"]] = by_category.get(row["category"], Figures()) + figures
            by_grid[row["grid"]] = by_grid.get(row["grid"], Figures()) + figures
            total = total + figures
        medians = await self._medians(cohort, total, breakdown_medians)
        total = replace(total, **medians.get(("all", None), {}))
        by_category = {
            k: replace(v, **medians.get(("category", k), {})) for k, v in by_category.items()
        }
        by_grid = {k: replace(v, **medians.get(("grid", k), {})) for k, v in by_grid.items()}
        return Report(period, scope, self.now, total, by_category, by_grid)

    async def _medians(
        self, cohort: Any, total: Figures, breakdown: bool
    ) -> dict[tuple[str, Any], dict[str, timedelta]]:
        """Median claim and resolve times overall and, with ``breakdown``, by category and
        by grid. The overall count of each is already known (claimed, resolved), so SQLite
        can take the middle rows with one bounded sort instead of numbering every row."""
        c = cohort.c
        valid = c.status != Status.CANCELLED
        out: dict[tuple[str, Any], dict[str, timedelta]] = {}
        dims = (("category", c.category), ("grid", c.grid)) if breakdown else ()
        for field_name, value, count in (
            ("median_claim", c.claim_s, total.claimed),
            ("median_resolve", c.resolve_s, total.resolved),
        ):
            rows: list[tuple[str, Sequence[tuple[Any, float | None]]]] = []
            if self.dialect == "sqlite":
                rows.append(("all", [(None, await self._middle(value, valid, count))]))
            else:
                rows.append(("all", await self._median(cohort, None, value, valid)))
            for dim, key in dims:
                rows.append((dim, await self._median(cohort, key, value, valid)))
            for dim, found in rows:
                for k, seconds in found:
                    if seconds is not None:
                        out.setdefault((dim, k), {})[field_name] = timedelta(
                            seconds=round(float(seconds))
                        )
        return out

    async def _middle(self, value: Any, where: ColumnElement[bool], count: int) -> float | None:
        """The median of ``count`` values: the mean of the middle one or two rows, which
        is what percentile_cont(0.5) gives. ``count`` must be the number of rows matching
        ``where`` with a value (the aggregate query counted them)."""
        if count <= 0:
            return None
        middle = (
            select(value.label("v"))
            .where(where, value.is_not(None))
            .order_by(value)
            .limit(2 - count % 2)
            .offset((count - 1) // 2)
            .subquery("middle")
        )
        found = await self.session.scalar(select(func.avg(middle.c.v)))
        return None if found is None else float(found)

    async def _median(
        self, cohort: Any, key: Any, value: Any, where: ColumnElement[bool]
    ) -> Sequence[tuple[Any, float | None]]:
        keys = [key] if key is not None else []
        if self.dialect == "postgresql":
            query = (
                select(
                    *(keys or [literal(None).label("k")]),
                    func.percentile_cont(0.5).within_group(value),
                )
                .where(where, value.is_not(None))
                .group_by(*keys)
            )
            return [(r[0], r[1]) for r in (await self.session.execute(query)).all()]
        # SQLite: number the sorted values in each group; the median is the mean of the
        # middle one (odd count) or two (even count) — what percentile_cont(0.5) gives.
        ranked = (
            select(
                (key if key is not None else literal(None)).label("k"),
                value.label("v"),
                func.row_number().over(partition_by=keys or None, order_by=value).label("rn"),
                func.count().over(partition_by=keys or None).label("n"),
            )
            .where(where, value.is_not(None))
            .subquery("ranked")
        )
        r = ranked.c
        query = (
            select(r.k, func.avg(r.v))
            .where(or_(r.rn == (r.n + 1) // 2, r.rn == (r.n + 2) // 2))
            .group_by(r.k)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(query)).all()]

    # --- lists ------------------------------------------------------------------------

    async def tickets(
        self,
        *conditions: ColumnElement[bool],
        scope: Scope = Scope(),
        limit: int = 15,
        oldest_first: bool = True,
    ) -> tuple[int, list[TicketRow]]:
        """How many tickets match, and the first ``limit`` of them (oldest first)."""
        where = [*conditions, *scope.conditions()]
        total = await self.session.scalar(select(func.count(TicketRow.id)).where(*where))
        order = TicketRow.created_at if oldest_first else TicketRow.created_at.desc()
        rows = await self.session.scalars(
            select(TicketRow).where(*where).order_by(order, TicketRow.id).limit(limit)
        )
        return int(total or 0), list(rows)

    async def overdue_tickets(
        self, scope: Scope = Scope(), limit: int = 15
    ) -> tuple[int, list[TicketRow]]:
        return await self.tickets(self.overdue_open(), scope=scope, limit=limit)

    async def ranking(self, period: Period, scope: Scope = Scope()) -> list[WorkerRank]:
        """Workers by tickets resolved in the period, then by how satisfied residents were."""
        good = func.sum(case((TicketRow.rating.in_(GOOD_RATINGS), 1), else_=0))
        rated = func.sum(
            case((or_(TicketRow.rating.in_(GOOD_RATINGS), self._dissatisfied()), 1), else_=0)
        )
        query = (
            select(TicketRow.assignee_id, func.count(), rated, good)
            .where(
                TicketRow.resolved_at >= period.start,
                TicketRow.resolved_at < period.end,
                TicketRow.status != Status.CANCELLED,
                TicketRow.assignee_id.is_not(None),
                *scope.conditions(),
            )
            .group_by(TicketRow.assignee_id)
        )
        ranks = [
            WorkerRank(str(w), int(n), int(r or 0), int(g or 0))
            for w, n, r, g in (await self.session.execute(query)).all()
        ]
        ranks.sort(key=lambda r: (-r.resolved, -(r.satisfaction_rate or 0), r.worker_id))
        return ranks

    async def daily_counts(
        self, period: Period, column: Any = TicketRow.created_at, scope: Scope = Scope()
    ) -> list[tuple[datetime, int]]:
        """Tickets per local day of the period by ``column`` (received, resolved), one query.

        Each day is a CASE over bound local-midnight instants, so the same SQL works on both
        databases without converting time zones inside the database.
        """
        days = period.days
        starts = [datetime.combine(d, period.start.timetz()) for d in days]
        bounds = [*starts[1:], period.end]
        columns = [
            func.coalesce(
                func.sum(
                    case(
                        (and_(column >= s, column < e), 1),
                        else_=0,
                    )
                ),
                0,
            )
            for s, e in zip(starts, bounds, strict=True)
        ]
        row = (
            await self.session.execute(
                select(*columns).where(
                    column >= period.start, column < period.end, *scope.conditions()
                )
            )
        ).one()
        return [(s, int(v)) for s, v in zip(starts, row, strict=True)]
