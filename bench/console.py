"""Latency of the console's ticket list (/tickets) on 1,000,000 tickets. Target: every page
well under 200 ms.

    .venv/bin/python bench/console.py [--tickets 1000000] [--pg URL] [--reuse] [--no-sqlite]

PostgreSQL (the production database): a schema of its own (``bench_console``) is made with
the real migrations up to the one before the console's indexes (0014), filled with COPY
(tickets spread over five years across twelve grids, most of them long closed, a few still
open or forgotten; three to five history events each), then upgraded to head, which times
migration 0014 on a full table, as an office upgrading would run it. ``--reuse`` keeps a
schema already filled with the same number of tickets. Then the same on a SQLite file
(executemany) under the temp directory, unless ``--no-sqlite`` (``--no-pg``: SQLite only):
on SQLite a word of three characters or more too rare to fill a page among the newest tickets
is looked up in the FTS5 trigram table (migration 0017, timed with the migrations); one or
two characters read at most ``SEARCH_SCAN`` tickets a page there. On the shared 2-core machine a
million tickets fill in about 3 minutes on SQLite (2.5 on PostgreSQL by COPY); the summary
at the end gives each database's fill and migration times and the load average, since
figures taken on a loaded machine are inflated.

Each query goes through the real aiohttp application (sign-in, session, scope, template),
signed in as staff (every grid) or as a grid leader, and is also timed on its own
(``bot.web.listing.ticket_page`` plus the capped count): p50 and p95 of ``--runs`` runs.
``--explain`` prints PostgreSQL's plan of each list query in its index form.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from bot.config import Config, load_config
from bot.reporting.stats import limits_from_config
from bot.runtime.clock import FakeClock
from bot.web import add_user, create_console
from bot.web.listing import TicketFilter, ticket_count, ticket_page
from bot.web.scope import Viewer
from storage.db import Database, alembic_config

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
SPAN_DAYS = 5 * 365
SCHEMA = "bench_console"
PASSWORD = "bench password 1"
GRIDS = [f"g{i}" for i in range(1, 13)]
WORKERS = {g: [f"w-{g}-{k}" for k in range(1, 5)] for g in GRIDS}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
# What residents report, by category (weights roughly as a city office sees them).
PROBLEMS: dict[str, tuple[int, list[str]]] = {
    "municipal": (14, ["井盖坏了", "路灯不亮", "路面塌陷", "下水道堵了", "人行道砖松动"]),
    "building": (18, ["楼道灯不亮", "电梯故障", "单元门锁坏了", "外墙瓷砖脱落", "屋顶漏雨"]),
    "utility": (16, ["暖气不热", "停水了", "水管漏水", "燃气有异味", "电表跳闸"]),
    "sanitation": (12, ["垃圾没人清", "楼道堆放杂物", "污水外溢", "绿化带有死老鼠"]),
    "safety": (8, ["电动车在楼道充电", "消防通道被堵", "高空抛物", "树枝快断了"]),
    "care": (6, ["独居老人需要帮助", "老人摔倒了需要人看看", "老人想办助餐卡"]),
    "dispute": (7, ["楼上噪音扰民", "邻居占用车位", "宠物狗半夜叫"]),
    "order": (9, ["乱停车", "违规搭建", "小广告乱贴", "占道经营"]),
    "consult": (6, ["咨询医保报销", "咨询低保申请", "问居住证怎么办"]),
    "wish": (2, ["希望有人帮忙买菜", "想要一台旧电脑给孙子上网课"]),
    "other": (2, ["有点事想问问", "反映个情况"]),
}
SPOTS = ["门口", "楼道", "单元口", "车棚旁边", "北侧", "东门", "地下室", "小广场", ""]
TAILS = ["", "", "，已经好几天了", "，请尽快处理", "，麻烦派人看看", "，谢谢"]
RARE = "马蜂窝"  # about one ticket in a thousand mentions it
ESTATES = ["幸福里", "和平苑", "春晖园", "长青小区"]


# --- the community ---------------------------------------------------------------------


def bench_config(folder: Path) -> Config:
    """Twelve grids, a leader and four workers each, one staff member and one admin."""
    lines = [
        '[community]\nname = "压测社区"\ntimezone = "Asia/Shanghai"\nstaff_group = "staff-room"\n',
        '[[groups]]\nid = "staff-room"\nname = "社区工作群"\n',
    ]
    people = [("wx-chen", "陈主任", "staff"), ("wx-admin", "信息员", "admin")]
    for n, grid in enumerate(GRIDS, start=1):
        leader = f"l-{grid}"
        workers = ", ".join(f'"{w}"' for w in WORKERS[grid])
        lines.append(
            f'[[grids]]\nid = "{grid}"\nname = "第{n}网格"\nleader = "{leader}"\n'
            f"workers = [{workers}]\n"
            f'buildings = ["{2 * n - 1}号楼", "{2 * n}号楼"]\n'
        )
        lines.append(f'[[groups]]\nid = "room-{grid}"\nname = "{n}网格居民群"\ngrid = "{grid}"\n')
        people.append((leader, f"{SURNAMES[n]}网格长", "leader"))
        for k, worker in enumerate(WORKERS[grid]):
            people.append((worker, f"{SURNAMES[(n * 4 + k) % len(SURNAMES)]}{n}{k}", "worker"))
    for pid, name, role in people:
        lines.append(f'[[people]]\nid = "{pid}"\nname = "{name}"\nrole = "{role}"\n')
    path = folder / "bench-console.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return load_config(path)


# --- the tickets -----------------------------------------------------------------------

TICKET_COLUMNS = (
    "id, status, category, urgent, grid_id, group_id, platform, reporter_id, assignee_id, "
    "summary, location, created_at, claimed_at, first_claimed_at, resolved_at, closed_at, "
    "handed_up, rating, dissatisfied, escalation_level, reports, note"
)
EVENT_COLUMNS = "id, ticket_id, kind, at, actor_id, from_status, to_status"


def tickets(count: int, seed: int = 16) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    """(ticket row, its events), oldest first: ids grow with time as in a real database."""
    rnd = random.Random(seed)
    categories = list(PROBLEMS)
    weights = [PROBLEMS[c][0] for c in categories]
    start = NOW - timedelta(days=SPAN_DAYS)
    span = SPAN_DAYS * 86400
    for tid in range(1, count + 1):
        created = start + timedelta(seconds=span * (tid - 1) / count + rnd.random() * 60)
        age_h = (NOW - created).total_seconds() / 3600
        n = rnd.randrange(len(GRIDS))
        grid = GRIDS[n]
        worker = rnd.choice(WORKERS[grid])
        category = rnd.choices(categories, weights)[0]
        problem = rnd.choice(PROBLEMS[category][1])
        if rnd.random() < 0.001:
            problem = f"{RARE}在{rnd.choice(SPOTS) or '窗外'}"
        building = f"{2 * n + 1 + rnd.randrange(2)}号楼"
        summary = f"{building}{rnd.choice(SPOTS)}{problem}{rnd.choice(TAILS)}"
        location = f"{rnd.choice(ESTATES)}{building}{rnd.randrange(1, 5)}单元"
        claim = created + timedelta(minutes=rnd.expovariate(1 / 40))
        resolve = claim + timedelta(hours=rnd.expovariate(1 / 10))
        close = resolve + timedelta(hours=rnd.choice((2, 6, 24)))
        # Settled tickets are closed; the last days' are still moving; a few old ones were
        # forgotten (overdue), cancelled or handed up to the street or the hotline.
        r = rnd.random()
        if r < 0.04:
            status = "cancelled"
        elif r < 0.05:
            status = "handed_up"
        elif r < 0.052:
            status = rnd.choice(("assigned", "claimed"))  # forgotten, whatever its age
        elif close < NOW:
            status = "closed"
        elif resolve < NOW:
            status = "resolved"
        elif claim < NOW:
            status = "claimed"
        else:
            status = "assigned"
        events = [("opened", created, None, None, "assigned")]
        claimed = resolved = closed = None
        if status == "cancelled":
            closed = created + timedelta(minutes=30)
            events.append(("cancel", closed, f"l-{grid}", "assigned", "cancelled"))
        elif status == "handed_up":
            events.append(("hand_up", claim, f"l-{grid}", "assigned", "handed_up"))
        if status in ("claimed", "resolved", "closed"):
            claimed = claim
            events.append(("claim", claim, worker, "assigned", "claimed"))
        if status in ("resolved", "closed"):
            resolved = resolve
            events.append(("resolve", resolve, worker, "claimed", "resolved"))
        if status == "closed":
            closed = close
            events.append(("rate", close, None, "resolved", "closed"))
        rating = (
            rnd.choice(("satisfied", "satisfied", "fair", None))
            if closed and status == "closed"
            else None
        )
        row = (
            tid,
            status,
            category,
            rnd.random() < 0.03,
            grid,
            f"room-{grid}",
            "wecom",
            f"res-{rnd.randrange(60_000)}",
            worker,
            summary,
            location,
            created,
            claimed,
            claimed,
            resolved,
            closed,
            ("street" if rnd.random() < 0.7 else "hotline") if status == "handed_up" else None,
            rating,
            0,
            1 if age_h > 48 and status in ("assigned", "claimed") else 0,
            1 + (rnd.random() < 0.05),
            "已处理" if resolved else None,
        )
        yield row, [(tid, *e) for e in events]


def _before_console_indexes() -> str:
    """The revision just before 0014 (the console's indexes), or head if there is none."""
    script = ScriptDirectory.from_config(alembic_config())
    found = (
        script.get_revision("0014")
        if "0014" in {r.revision for r in script.walk_revisions()}
        else None
    )
    return str(found.down_revision) if found is not None else "head"


def pg_url(base: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{SCHEMA}"


def _note(notes: list[str], line: str) -> None:
    """Progress on stderr now, and the same line in the summary at the end."""
    print(line, file=sys.stderr)
    notes.append(line)


def fill_postgres(base: str, count: int, reuse: bool, notes: list[str]) -> str:
    import psycopg

    url = pg_url(base)
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        exists = conn.scalar(
            text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"), {"s": SCHEMA}
        )
        have = None
        if exists and reuse:
            have = conn.scalar(text(f'SELECT count(*) FROM "{SCHEMA}".tickets'))
        if have == count:
            _note(notes, f"reusing schema {SCHEMA} with {count:,} tickets")
            admin.dispose()
            began = time.perf_counter()
            Database(url).upgrade()
            _note(notes, f"upgrade to head: {time.perf_counter() - began:.1f} s")
            return url
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    admin.dispose()
    before = _before_console_indexes()
    Database(url).upgrade(before)
    began = time.perf_counter()
    events = 0
    with psycopg.connect(base, options=f"-csearch_path={SCHEMA}") as conn, conn.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        pending: list[tuple[Any, ...]] = []
        with cur.copy(f"COPY tickets ({TICKET_COLUMNS}) FROM STDIN") as copy:
            for row, evs in tickets(count):
                copy.write_row(row)
                pending.extend(evs)
                if row[0] % 200_000 == 0:
                    print(
                        f"  {row[0]:,} tickets ({time.perf_counter() - began:.0f} s)",
                        file=sys.stderr,
                    )
        with cur.copy(f"COPY ticket_events ({EVENT_COLUMNS}) FROM STDIN") as copy:
            for events, ev in enumerate(pending, start=1):
                copy.write_row((events, *ev))
        cur.execute("SELECT setval('tickets_id_seq', %s)", (count,))
        cur.execute("SELECT setval('ticket_events_id_seq', %s)", (max(events, 1),))
    _note(
        notes,
        f"filled {count:,} tickets and {events:,} events by COPY in "
        f"{time.perf_counter() - began:.0f} s",
    )
    began = time.perf_counter()
    Database(url).upgrade()
    _note(
        notes,
        f"migrations to head on the full table ({before} -> head): "
        f"{time.perf_counter() - began:.1f} s",
    )
    # As autovacuum leaves a live table: statistics, and the visibility map that lets a
    # count read an index alone.
    with psycopg.connect(base, options=f"-csearch_path={SCHEMA}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE tickets")
        conn.execute("VACUUM ANALYZE ticket_events")
    return url


def fill_sqlite(path: Path, count: int, reuse: bool, notes: list[str]) -> str:
    url = f"sqlite:///{path}"
    if reuse and path.exists():
        with sqlite3.connect(path) as conn:
            if conn.execute("SELECT count(*) FROM tickets").fetchone()[0] == count:
                _note(notes, f"reusing {path} with {count:,} tickets")
                began = time.perf_counter()
                Database(url).upgrade()
                _note(notes, f"upgrade to head: {time.perf_counter() - began:.1f} s")
                return url
    path.unlink(missing_ok=True)
    before = _before_console_indexes()
    Database(url).upgrade(before)
    began = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")

    def stamp(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return value

    marks = ", ".join("?" * len(TICKET_COLUMNS.split(",")))
    event_marks = ", ".join("?" * len(EVENT_COLUMNS.split(",")))
    t_rows: list[tuple[Any, ...]] = []
    e_rows: list[tuple[Any, ...]] = []
    event_id = 0
    for row, evs in tickets(count):
        t_rows.append(tuple(stamp(v) for v in row))
        for ev in evs:
            event_id += 1
            e_rows.append((event_id, *(stamp(v) for v in ev)))
        if len(t_rows) >= 50_000:
            conn.executemany(f"INSERT INTO tickets ({TICKET_COLUMNS}) VALUES ({marks})", t_rows)
            conn.executemany(
                f"INSERT INTO ticket_events ({EVENT_COLUMNS}) VALUES ({event_marks})", e_rows
            )
            t_rows, e_rows = [], []
    conn.executemany(f"INSERT INTO tickets ({TICKET_COLUMNS}) VALUES ({marks})", t_rows)
    conn.executemany(f"INSERT INTO ticket_events ({EVENT_COLUMNS}) VALUES ({event_marks})", e_rows)
    conn.commit()
    conn.close()
    _note(
        notes,
        f"filled {count:,} tickets and {event_id:,} events (executemany) in "
        f"{time.perf_counter() - began:.0f} s",
    )
    began = time.perf_counter()
    Database(url).upgrade()
    with sqlite3.connect(path) as conn:
        conn.execute("ANALYZE")
    _note(notes, f"migrations to head on the full table: {time.perf_counter() - began:.1f} s")
    return url


# --- the timings -----------------------------------------------------------------------


def cases(count: int) -> list[tuple[str, str, str]]:
    """(what, who, query string)."""
    deep = max(1, count // 10)
    return [
        ("first page", "chen", ""),
        ("leader's first page", "l-g3", ""),
        ("filtered: grid + status", "chen", "grid=g3&status=claimed"),
        ("filtered: category + 已上报", "chen", "category=safety&status=handed_up"),
        ("filtered: worker + 上月", "chen", "worker=w-g5-2&period=上月"),
        ("filtered: 未办结", "chen", "status=active"),
        ("deep keyset page (90% back)", "chen", f"before={deep}"),
        ("deep keyset page, filtered", "chen", f"grid=g7&status=closed&before={deep}"),
        ("search, common 2 chars (井盖)", "chen", "q=井盖"),
        (f"search, rare 3 chars ({RARE})", "chen", f"q={RARE}"),
        ("search, no match (天然气)", "chen", "q=天然气"),
        ("search, no match, 2 chars (煤气)", "chen", "q=煤气"),
        ("search, leader, 2 chars (漏雨)", "l-g3", "q=漏雨"),
        ("search by number (#123456)", "chen", f"q=%23{min(123456, count)}"),
        ("overdue", "chen", "overdue=1"),
        ("overdue, leader", "l-g3", "overdue=1"),
    ]


def pad(words: str, width: int) -> str:
    """``words`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in words)
    return words + " " * max(0, width - used)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


async def measure(config: Config, url: str, count: int, runs: int, explain: bool) -> list[str]:
    from aiohttp.test_utils import TestClient, TestServer

    from bot.web.auth import sender_of

    db = Database(url)
    clock = FakeClock(NOW)
    logins = {"chen": "wx-chen", "l-g3": "l-g3"}
    async with db.transaction() as session:
        await session.execute(text("DELETE FROM web_users"))
    for login, person in logins.items():
        await add_user(db, config, clock, login, person, PASSWORD)
    app = await create_console(config, db, clock, secure_cookie=False)
    client: TestClient[Any, Any] = TestClient(TestServer(app))
    await client.start_server()
    clients: dict[str, TestClient[Any, Any]] = {}
    try:
        for login in logins:
            c: TestClient[Any, Any] = TestClient(TestServer(app)) if login != "chen" else client
            if c is not client:
                await c.start_server()
            page = await (await c.get("/login")).text()
            token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
            response = await c.post(
                "/login",
                data={"login": login, "password": PASSWORD, "csrf": token},
                allow_redirects=False,
            )
            assert response.status == 303, await response.text()
            clients[login] = c
        viewers = {}
        async with db.transaction() as session:
            from storage.web import WebStore

            for login, person in logins.items():
                user = await WebStore(session).user_by_login(login)
                sender = sender_of(config, person)
                assert user is not None and sender is not None
                viewers[login] = Viewer(user.id, login, sender, user.session_epoch)
        limits = limits_from_config(config)
        lines = []
        lines.append(
            f"{'query':38} {'rows':>5} {'count':>7}  {'page p50/p95 ms':>16}"
            f"  {'query p50/p95 ms':>17}"
        )
        for what, who, qs in cases(count):
            f = TicketFilter.from_query(dict(parse_qsl(qs)))
            http: list[float] = []
            raw: list[float] = []
            rows = shown = 0
            for _ in range(runs):
                began = time.perf_counter()
                response = await clients[who].get(f"/tickets?{qs}")
                body = await response.text()
                http.append((time.perf_counter() - began) * 1000)
                assert response.status == 200, body[:200]
                began = time.perf_counter()
                async with db.transaction() as session:
                    page = await ticket_page(session, config, viewers[who], f, limits, NOW)
                    shown = await ticket_count(session, config, viewers[who], f, limits, NOW, page)
                raw.append((time.perf_counter() - began) * 1000)
                rows = len(page.rows)
            count_text = f"{shown.number:,}{'+' if shown.more else ''}"
            lines.append(
                f"{pad(what, 38)} {rows:5} {count_text:>7}"
                f"  {statistics.median(http):7.1f} / {pct(http, 0.95):6.1f}"
                f"  {statistics.median(raw):7.1f} / {pct(raw, 0.95):6.1f}"
            )
            print(lines[-1], file=sys.stderr)
            if explain and not db.is_sqlite:
                await _explain(db, config, viewers[who], f, limits)
        return lines
    finally:
        for c in clients.values():
            await c.close()
        await db.close()


async def _explain(
    db: Database, config: Config, viewer: Viewer, f: TicketFilter, limits: Any
) -> None:
    from bot.web.listing import page_query

    async with db.transaction() as session:
        query = await page_query(session, config, viewer, f, limits, NOW)
        compiled = query.compile(session.bind, compile_kwargs={"literal_binds": True})  # type: ignore[arg-type]
        plan = await session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}"))
        for (line,) in plan:
            print(f"      {line}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument(
        "--pg",
        default=os.environ.get("GRIDBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--reuse", action="store_true", help="keep a filled schema/file")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--sqlite", action="store_true", help=argparse.SUPPRESS)  # the default
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--explain", action="store_true", help="print PostgreSQL's plans")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gridbot-bench-") as folder:
        config = bench_config(Path(folder))
        results = []
        if not args.no_pg:
            notes: list[str] = []
            try:
                url = fill_postgres(args.pg, args.tickets, args.reuse, notes)
            except Exception as exc:  # no server: say so and go on with SQLite
                print(f"PostgreSQL unavailable: {str(exc).splitlines()[0]}", file=sys.stderr)
            else:
                lines = asyncio.run(measure(config, url, args.tickets, args.runs, args.explain))
                results.append(("PostgreSQL", notes, lines, os.getloadavg()[0]))
        if not args.no_sqlite or args.no_pg:
            notes = []
            path = Path(tempfile.gettempdir()) / f"gridbot-bench-console-{args.tickets}.db"
            url = fill_sqlite(path, args.tickets, args.reuse, notes)
            lines = asyncio.run(measure(config, url, args.tickets, args.runs, args.explain))
            results.append(("SQLite", notes, lines, os.getloadavg()[0]))
    for name, notes, lines, load in results:
        print(f"\n/tickets on {args.tickets:,} tickets, {name} ({args.runs} runs each)")
        print(f"load average (1 min) after the runs: {load:.1f} on {os.cpu_count()} CPUs")
        print("\n".join([*notes, *lines]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
