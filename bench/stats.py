"""Latency of the staff figures on 1,000,000 tickets (SQLite): `统计 本月`, `统计 本月 <grid>`,
`工单 超时`. Target: under 200 ms each.

    .venv/bin/python bench/stats.py [--tickets 1000000] [--rebuild]

The database is built once with the real migrations up to 0003, filled with plain
executemany inserts (the claim and 不满意 history only in ticket_events, as a database from
before 0004 has it) and cached under the temp directory. Every run then upgrades it with
the real migrations, so a fresh or older cached file goes through 0004's backfill (timed
and checked against the events); later runs find it at head. The timings go through the
same code as the chat commands (handlers.staff), each run in a fresh transaction; best,
median and max of several runs. The full answers are printed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import load_config
from bot.domain.taxonomy import CATEGORIES
from bot.reporting.periods import parse_period
from bot.reporting.stats import Scope, Stats, limits_from_config
from handlers.staff import statistics_answer
from storage.db import Database

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SPAN_DAYS = 3 * 365  # tickets spread over three years up to NOW
GRIDS = [f"g{i}" for i in range(1, 21)]
WORKERS = {g: [f"w-{g}-{k}" for k in range(3)] for g in GRIDS}


def fmt(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def build(path: Path, tickets: int, seed: int = 7) -> None:
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    Database(f"sqlite:///{tmp}").upgrade("0003")  # the schema before the figure columns
    rnd = random.Random(seed)
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    start = NOW - timedelta(days=SPAN_DAYS)
    span = SPAN_DAYS * 86400
    t_rows: list[tuple] = []
    e_rows: list[tuple] = []
    event_id = 0
    batch = 50_000
    began = time.perf_counter()
    for tid in range(1, tickets + 1):
        created = start + timedelta(seconds=span * (tid - 1) / tickets + rnd.random())
        grid = GRIDS[rnd.randrange(len(GRIDS))]
        worker = WORKERS[grid][rnd.randrange(3)]
        category = CATEGORIES[rnd.randrange(len(CATEGORIES))]
        age = (NOW - created).total_seconds()
        claim_after = rnd.expovariate(1 / 900)
        resolve_after = claim_after + rnd.expovariate(1 / (8 * 3600))
        events: list[tuple[str, datetime, str | None, str | None]] = [
            ("opened", created, None, "assigned")
        ]
        status, claimed_at, resolved_at, closed_at, rating = "assigned", None, None, None, None
        if rnd.random() < 0.01:
            status, closed_at = "cancelled", created + timedelta(minutes=5)
            events.append(("cancel", closed_at, "assigned", "cancelled"))
        elif claim_after < age:
            claimed_at = created + timedelta(seconds=claim_after)
            status = "claimed"
            events.append(("claim", claimed_at, "assigned", "claimed"))
            if resolve_after < age:
                resolved_at = created + timedelta(seconds=resolve_after)
                status = "resolved"
                events.append(("resolve", resolved_at, "claimed", "resolved"))
                r = rnd.random()
                if r < 0.05:
                    reopen = resolved_at + timedelta(hours=1)
                    events.append(("reopen", reopen, "resolved", "claimed"))
                    status, resolved_at = "claimed", None
                elif resolved_at + timedelta(hours=24) < NOW:
                    closed_at = resolved_at + timedelta(hours=2 if r < 0.7 else 24)
                    status = "closed"
                    if r < 0.7:
                        rating = "satisfied" if r < 0.55 else "fair"
                        events.append(("rate", closed_at, "resolved", "closed"))
                    else:
                        events.append(("expire", closed_at, "resolved", "closed"))
        t_rows.append(
            (
                tid,
                status,
                category,
                0,
                grid,
                f"room-{grid}",
                "sim",
                f"res-{tid % 50000}",
                worker,
                "3号楼井盖坏了",
                None,
                fmt(created),
                fmt(claimed_at) if claimed_at else None,
                fmt(resolved_at) if resolved_at else None,
                fmt(closed_at) if closed_at else None,
                rating,
                0,
                1,
            )
        )
        for kind, when, before, after in events:
            event_id += 1
            detail = None
            if kind == "reopen":
                detail = json.dumps({"rating": "dissatisfied"})
            elif kind == "rate":
                detail = json.dumps({"rating": rating})
            actor = worker if kind in ("claim", "resolve") else None
            e_rows.append((event_id, tid, fmt(when), actor, kind, before, after, detail))
        if len(t_rows) >= batch:
            _flush(conn, t_rows, e_rows)
            print(f"  {tid:,} tickets ({time.perf_counter() - began:.0f}s)", file=sys.stderr)
    _flush(conn, t_rows, e_rows)
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    tmp.rename(path)


def _flush(conn: sqlite3.Connection, t_rows: list[tuple], e_rows: list[tuple]) -> None:
    conn.executemany(
        "INSERT INTO tickets (id, status, category, urgent, grid_id, group_id, platform, "
        "reporter_id, assignee_id, summary, location, created_at, claimed_at, resolved_at, "
        "closed_at, rating, escalation_level, reports) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        t_rows,
    )
    conn.executemany(
        "INSERT INTO ticket_events (id, ticket_id, at, actor_id, kind, from_status, to_status, "
        "detail) VALUES (?,?,?,?,?,?,?,?)",
        e_rows,
    )
    conn.commit()
    t_rows.clear()
    e_rows.clear()


def revision(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()


def mismatches(path: Path, start: datetime, end: datetime) -> tuple[int, int]:
    """(tickets received in [start, end), how many of them disagree with their events on the
    first claim or the number of 不满意 verdicts)."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT count(*), coalesce(sum("
            " t.first_claimed_at IS NOT (SELECT min(e.at) FROM ticket_events e"
            "   WHERE e.ticket_id = t.id AND e.kind = 'claim')"
            " OR t.dissatisfied != (SELECT count(*) FROM ticket_events e"
            "   WHERE e.ticket_id = t.id AND e.kind = 'reopen'"
            "   AND json_extract(e.detail, '$.rating') = 'dissatisfied')), 0)"
            " FROM tickets t WHERE t.created_at >= ? AND t.created_at < ?",
            (fmt(start), fmt(end)),
        ).fetchone()
    finally:
        conn.close()


async def measure(path: Path, runs: int) -> None:
    config = load_config(None)
    before = revision(path)
    db = Database(f"sqlite:///{path}")
    began = time.perf_counter()
    await asyncio.to_thread(db.upgrade)  # a cached file gets what was added since it was built
    took = time.perf_counter() - began
    after = revision(path)
    if before != after:
        print(f"migrations {before} -> {after}: {took:.1f} s (backfill and indexes)")
    else:
        print(f"schema already at {after}")
    limits = limits_from_config(config)
    period = parse_period("本月", NOW, config.timezone)
    assert period is not None
    received, wrong = mismatches(path, period.start, period.end)
    print(f"本月 {received:,} tickets: {wrong} disagree with ticket_events (first claim, 不满意)")
    if wrong:
        raise SystemExit("the figure columns do not match the event history")

    async def stats_month(stats: Stats) -> str:
        return await statistics_answer(config, stats, period, Scope(), config.community_name)

    async def stats_month_grid(stats: Stats) -> str:
        return await statistics_answer(config, stats, period, Scope(grids=("g7",)), "g7")

    async def overdue(stats: Stats) -> str:
        total, rows = await stats.overdue_tickets(Scope(), 15)
        return f"{total} overdue, first #{rows[0].id if rows else '-'}"

    async with db.transaction() as session:
        count = await session.scalar(text("select count(*) from tickets"))
        events = await session.scalar(text("select count(*) from ticket_events"))
    print(
        f"database: {path} ({path.stat().st_size / 1e6:.0f} MB), "
        f"{count:,} tickets, {events:,} events"
    )
    answers: list[tuple[str, str]] = []
    for name, fn in (
        ("统计 本月", stats_month),
        ("统计 本月 g7", stats_month_grid),
        ("工单 超时", overdue),
    ):
        times = []
        answer = ""
        for _ in range(runs):
            async with db.transaction() as session:
                began = time.perf_counter()
                answer = await fn(Stats(session, limits, NOW))
                times.append((time.perf_counter() - began) * 1000)
        answers.append((name, answer))
        print(
            f"{name:<14} best {min(times):7.1f} ms  median {statistics.median(times):7.1f} ms"
            f"  max {max(times):7.1f} ms"
        )
    for name, answer in answers:
        print(f"\n[{name}]\n{answer}")
    await db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    path = Path(tempfile.gettempdir()) / f"gridbot-bench-{args.tickets}-v1.db"
    if args.rebuild or not path.exists():
        print(f"building {args.tickets:,} tickets in {path} ...", file=sys.stderr)
        began = time.perf_counter()
        build(path, args.tickets)
        print(f"built in {time.perf_counter() - began:.0f}s", file=sys.stderr)
    asyncio.run(measure(path, args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
