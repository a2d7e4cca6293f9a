"""The `gridbot` command line (its shape is part of the public contract)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bot.cli import web
from bot.config import DEFAULT_DB_URL, Config, ConfigError, load_config
from bot.runtime.clock import Clock, ClockError, clock_from_env

if TYPE_CHECKING:
    from storage.db import Database

T = TypeVar("T")
DEMO_DB_URL = "sqlite:///gridbot-demo.db"


@dataclass(frozen=True, slots=True)
class Invocation:
    """One run of a command: its arguments, the loaded config, the database it may use
    (None where the command must choose its own) and the one clock every command reads."""

    args: argparse.Namespace
    config: Config
    db_url: str
    clock: Clock

    def now(self) -> datetime:
        return self.clock.now()


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        help="config file (default ./config.toml, else the bundled sample community)",
    )
    common.add_argument(
        "--db", metavar="URL", help=f"database URL (default from config, else {DEFAULT_DB_URL})"
    )
    parser = argparse.ArgumentParser(
        prog="gridbot", description="GridBot (网格助手): community grid tickets from group chat"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("run", parents=[common], help="run the bot on the configured platforms")
    demo = sub.add_parser(
        "demo",
        parents=[common],
        help=f"chat with the bot in this terminal (its own database, {DEMO_DB_URL})",
    )
    demo.add_argument(
        "--fresh", action="store_true", help="start the demo afresh (deletes its own database)"
    )
    sim = sub.add_parser(
        "simulate",
        parents=[common],
        help="replay a scenario (JSON lines) on a temporary database unless --db names one",
    )
    sim.add_argument("scenario", help="scenario file, or - for standard input")
    tickets = sub.add_parser("tickets", parents=[common], help="list tickets")
    tickets.add_argument("--json", action="store_true", help="print a JSON list")
    sub.add_parser("classify", parents=[common], help="triage JSON lines from stdin")
    ev = sub.add_parser("triage-eval", parents=[common], help="score triage on a labelled TSV")
    ev.add_argument("file", help="TSV: ticket(1/0) category urgent(1/0) text")
    duty = sub.add_parser("duty", parents=[common], help="who is on duty, and by which rule")
    duty.add_argument("--at", metavar="TIME", help="ISO time, e.g. 2026-11-23T23:00 (default now)")
    duty.add_argument("--grid", metavar="G", help="one grid id (default every grid)")
    export = sub.add_parser("export", parents=[common], help="write the ticket ledger (.xlsx)")
    export.add_argument(
        "--period",
        default="本月",
        help="今天, 昨天, 本周, 本月, 上月, YYYY-MM-DD or YYYY-MM-DD~YYYY-MM-DD (default 本月)",
    )
    export.add_argument("--grid", metavar="G", help="only this grid")
    export.add_argument("--out", metavar="FILE", required=True, help="the .xlsx file to write")
    export.add_argument(
        "--handed-up",
        action="store_true",
        help="instead of the ledger: tickets handed up (上报) to the 街道 or 12345, a row each",
    )
    export.add_argument(
        "--base-url", metavar="URL", help="the console's address, for a link to each ticket"
    )
    db = sub.add_parser("db", parents=[common], help="database maintenance")
    db.add_argument("action", choices=["upgrade"], help="upgrade: apply migrations")
    seen = sub.add_parser(
        "seen", parents=[common], help="groups and senders the config does not list, with ids"
    )
    seen.add_argument("--json", action="store_true", help="print a JSON list")
    failed = sub.add_parser(
        "failed", parents=[common], help="messages the bot could not handle (dead letters)"
    )
    failed.add_argument("--json", action="store_true", help="print a JSON list")
    purge = sub.add_parser(
        "purge", parents=[common],
        help="privacy: forget chatter texts; anonymise tickets closed over [privacy] keep_days ago",
    )
    purge.add_argument("--json", action="store_true", help="print the counts as JSON")
    imp = sub.add_parser(
        "import",
        parents=[common],
        help="make the stored directory (people, grids, groups) what a config file lists",
    )
    imp.add_argument("file", help="the config file whose [[people]], [[grids]], [[groups]] apply")
    imp.add_argument(
        "--dry-run", action="store_true", help="only print what would change; change nothing"
    )
    web.add_commands(sub, common)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    clock: Clock | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Run one command. ``clock`` is the one place time comes from (default: the system
    clock, or the time pinned by ``GRIDBOT_NOW``), so no command reads the wall clock."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.command == "run" else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        clock = clock or clock_from_env(os.environ if environ is None else environ)
        config = load_config(args.config)
        db_url = args.db or config.database_url or DEFAULT_DB_URL
        return COMMANDS[args.command](Invocation(args, config, db_url, clock))
    except (ConfigError, ClockError) as exc:
        print(f"gridbot: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if not _is_database_error(exc):
            raise
        print(f"gridbot: {one_line(str(exc))}", file=sys.stderr)
        return 2


def _is_database_error(exc: BaseException) -> bool:
    """The storage layer is imported only by the commands that use it (`gridbot classify`
    starts without SQLAlchemy); an error from it can only come after that import."""
    db = sys.modules.get("storage.db")
    return db is not None and isinstance(exc, db.DatabaseError)


def one_line(text: str, limit: int = 500) -> str:
    """An error for a terminal: one line, and not a page of echoed input."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def read_text(path: str, what: str) -> str:
    """A UTF-8 input file, or one error line saying why it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{what} {path}: not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror or exc}") from None


def within_years(when: datetime, what: str) -> datetime:
    from bot.reporting.periods import FIRST_YEAR, LAST_YEAR  # not loaded by `classify`

    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        raise ConfigError(f"{what}: {when:%Y-%m-%d} is outside {FIRST_YEAR}-{LAST_YEAR}")
    return when


def cmd_simulate(inv: Invocation) -> int:
    """Replays on a temporary database unless --db names one: a scenario is an experiment,
    and its timers must never fire later in `gridbot run` on the real database."""
    import asyncio

    from bot.cli.simulate import ScenarioError, open_simulation, run_scenario

    args = inv.args
    lines = sys.stdin if args.scenario == "-" else read_text(args.scenario, "scenario").splitlines()

    def emit(line: dict) -> None:  # type: ignore[type-arg]
        print(json.dumps(line, ensure_ascii=False), flush=True)

    async def go(db_url: str) -> None:
        sim = await open_simulation(inv.config, db_url)
        try:
            await run_scenario(sim, lines, emit)
        finally:
            await sim.app.stop()

    try:
        with _own_database(args.db, "simulate") as db_url:
            asyncio.run(go(db_url))
    except ScenarioError as exc:
        print(f"gridbot: scenario {args.scenario}: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as exc:
        print(f"gridbot: scenario {args.scenario}: not UTF-8 text ({exc.reason})", file=sys.stderr)
        return 2
    return 0


@contextmanager
def _own_database(explicit: str | None, purpose: str) -> Iterator[str]:
    """--db if given; otherwise a throwaway SQLite file, removed afterwards."""
    if explicit:
        yield explicit
        return
    import tempfile  # not loaded by `classify`, which needs no database

    with tempfile.TemporaryDirectory(prefix=f"gridbot-{purpose}-") as folder:
        yield f"sqlite:///{Path(folder) / 'gridbot.db'}"


def _with_database(
    db_url: str, work: Callable[[Database], Awaitable[T]], config: Config | None = None
) -> T:
    """Open the database, bring its schema up to date, run ``work``, close it. With
    ``config``, its answers about who is who come from the stored directory (if seeded)."""

    import asyncio

    from bot.domain import directory
    from storage.db import Database

    async def go() -> T:
        db = Database(db_url)
        try:
            await asyncio.to_thread(db.upgrade)
            if config is not None:
                await directory.refresh(db, config)
            return await work(db)
        finally:
            await db.close()

    return asyncio.run(go())


def cmd_tickets(inv: Invocation) -> int:
    from bot.domain.lifecycle import STATUS_LABELS, Status
    from bot.domain.taxonomy import category_label
    from bot.domain.tickets import as_json
    from storage.repo import Store

    async def load(db: Database) -> list[dict]:  # type: ignore[type-arg]
        async with db.transaction() as session:
            rows = await Store(session).all_tickets()
            return [as_json(t, inv.config.timezone) for t in rows]

    tickets = _with_database(inv.db_url, load)
    if inv.args.json:
        print(json.dumps(tickets, ensure_ascii=False, indent=2))
        return 0
    if not tickets:
        print("还没有工单。")
    for t in tickets:
        urgent = "【紧急】" if t["urgent"] else ""
        print(
            f"#{t['id']:<5} {STATUS_LABELS[Status(t['status'])]:<8} {urgent}"
            f"{category_label(t['category'])}  {t['summary']}  "
            f"(网格 {t['grid']}, 负责 {t['assignee'] or '-'}, {t['created_at'][:16]})"
        )
    return 0


def cmd_seen(inv: Invocation) -> int:
    """Ids for [[groups]] and [[people]]: what messages came from that the config lacks."""
    from storage.repo import Store

    tz = inv.config.timezone

    async def load(db: Database) -> list[dict]:  # type: ignore[type-arg]
        async with db.transaction() as session:
            rows = await Store(session).seen()
        return [
            {
                "kind": row.kind,
                "id": row.id,
                "name": row.name,
                "first_seen": row.first_seen.astimezone(tz).isoformat(),
                "last_seen": row.last_seen.astimezone(tz).isoformat(),
                "messages": row.messages,
            }
            for row in rows
        ]

    seen = _with_database(inv.db_url, load)
    if inv.args.json:
        print(json.dumps(seen, ensure_ascii=False, indent=2))
        return 0
    if not seen:
        print("No unlisted groups or senders yet: messages must reach the bot first.")
        return 0
    for kind, title, table in (
        ("group", "Groups not in the config", "[[groups]] id"),
        ("person", "Senders not in [[people]] (residents, or staff to add)", "[[people]] id"),
    ):
        rows = [r for r in seen if r["kind"] == kind]
        if not rows:
            continue
        print(f"{title} — use the id as {table}:")
        for r in rows:
            print(
                f"  {r['id']}  {r['name'] or '(no name)'}  {r['messages']} message(s), "
                f"last {r['last_seen'][:16].replace('T', ' ')}"
            )
    return 0


def cmd_failed(inv: Invocation) -> int:
    """Messages whose handling failed every time: a bug to report, not an outage."""
    from storage.repo import Store

    tz = inv.config.timezone

    async def load(db: Database) -> list[dict]:  # type: ignore[type-arg]
        async with db.transaction() as session:
            rows = await Store(session).failed_messages()
        return [
            {
                "platform": row.platform,
                "message_id": row.platform_msg_id,
                "chat": row.chat_id,
                "sender": row.sender_id,
                "received_at": row.received_at.astimezone(tz).isoformat(),
                "failed_at": row.failed_at.astimezone(tz).isoformat(),
                "attempts": row.attempts,
                "error": row.error,
                "text": row.text,
            }
            for row in rows
        ]

    failed = _with_database(inv.db_url, load)
    if inv.args.json:
        print(json.dumps(failed, ensure_ascii=False, indent=2))
        return 0
    unsent = _with_database(inv.db_url, lambda db: _unsent(db, inv.now()))
    for row in unsent:
        state = f"given up: {row.last_error}" if row.failed_at else (
            f"waiting since {row.created_at.astimezone(tz):%Y-%m-%d %H:%M}"
            f" ({row.last_error or 'no running process holds this chat, or it is down'})"
        )
        print(f"outbox #{row.id} to {row.chat} ({row.platform or 'any platform'}) {state}")
        print(f"    {one_line(row.text, 120)}")
    if not failed:
        print("No failed messages.")
        return 0
    for f in failed:
        where = f["chat"] or "private"
        print(
            f"{f['failed_at'][:16].replace('T', ' ')}  {f['platform']} {where} from {f['sender']}"
            f" ({f['attempts']} attempt(s)): {one_line(f['error'], 200)}"
        )
        print(f"    {one_line(f['text'], 120)}")
    return 0


UNSENT_AFTER = 10  # minutes: an outbox row older than this and unsent is worth a look


async def _unsent(db: Database, now: datetime) -> list[Any]:
    from datetime import timedelta

    from storage.repo import Store

    async with db.transaction() as session:
        return list(await Store(session).waiting_outbox(now - timedelta(minutes=UNSENT_AFTER)))


def cmd_purge(inv: Invocation) -> int:
    """Privacy retention on demand; the running bot does the same every night at 04:00."""
    from dataclasses import asdict

    from bot.runtime.retention import cutoff, purge
    from storage.repo import Store

    now = inv.now()

    async def work(db: Database) -> dict[str, int]:
        async with db.transaction() as session:
            return asdict(await purge(Store(session), inv.config, now))

    counts = _with_database(inv.db_url, work)
    if inv.args.json:
        print(json.dumps(counts, ensure_ascii=False))
        return 0
    print(f"Emptied the text of {counts['chatter']} message(s) the bot did nothing with.")
    until = cutoff(inv.config, now)
    if until is None:
        print("[privacy] keep_days is not set: ticket texts are kept; nothing anonymised.")
        return 0
    local = until.astimezone(inv.config.timezone)
    print(
        f"Tickets closed before {local:%Y-%m-%d %H:%M}: {counts['tickets']} anonymised "
        f"({counts['texts']} text(s) changed, {counts['names']} name(s) removed); "
        f"{counts['failed']} failed message(s) masked, {counts['seen']} unlisted id(s) forgotten."
    )
    return 0


def cmd_classify(inv: Invocation) -> int:
    from bot.triage import TriageEngine, classify_stream

    engine = TriageEngine.from_config(inv.config)
    more_waiting = _more_waiting(sys.stdin)
    for line in classify_stream(engine, _utf8_lines(sys.stdin)):
        sys.stdout.write(line + "\n")
        if not more_waiting():
            sys.stdout.flush()
    sys.stdout.flush()
    return 0


def _more_waiting(stream: object) -> Callable[[], bool]:
    """Whether more input is already there to read. An answer is flushed as soon as
    nothing more is waiting, so a program that writes one line and waits for its answer
    gets it at once, while a file or a full pipe is answered in blocks instead of one
    write per line (a few percent of a classify run of short messages)."""
    import select

    try:
        fd = stream.fileno()  # type: ignore[attr-defined]
        select.select([fd], [], [], 0)
    except (AttributeError, OSError, ValueError):  # no file behind it (io.StringIO)
        return lambda: False

    def waiting() -> bool:
        return bool(select.select([fd], [], [], 0)[0])

    return waiting


def _utf8_lines(stream: object) -> object:
    """Standard input as text lines; a line that is not UTF-8 is passed on with its bad
    bytes replaced, so one broken line gets an answer instead of ending the run."""
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        return stream
    return (raw.decode("utf-8", errors="replace") for raw in buffer)


def cmd_triage_eval(inv: Invocation) -> int:
    from bot.triage import TriageEngine, evaluate_file

    read_text(inv.args.file, "labelled file")  # one clear line for a missing or non-UTF-8 file
    engine = TriageEngine.from_config(inv.config)
    report = evaluate_file(engine, inv.args.file)
    print(report.format())
    return 0


def cmd_duty(inv: Invocation) -> int:
    """Print who is on duty at --at, with the rule behind each name (overrides and leave
    entered in chat are read from the database)."""
    from bot.domain.roster import load_roster
    from storage.repo import Store

    args, config = inv.args, inv.config
    if args.at:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            problem = f"--at {args.at!r} is not an ISO time like 2026-11-23T23:00"
            raise ConfigError(one_line(problem, 200)) from None
        at = within_years(at if at.tzinfo else at.replace(tzinfo=config.timezone), "--at")
    else:
        at = inv.now()

    async def load(db: Database) -> str:
        _known_grid(config, args.grid)
        async with db.transaction() as session:
            roster = await load_roster(Store(session), config, at)
        return roster.describe(at, [args.grid] if args.grid else None)

    print(_with_database(inv.db_url, load, config))
    return 0


def _known_grid(config: Config, grid_id: str | None) -> None:
    """--grid names a grid of the directory (the stored one, once loaded)."""
    if grid_id and config.grid(grid_id) is None and grid_id not in config.directory.retired_grids:
        raise ConfigError(f"--grid {grid_id!r} is not a grid id in the directory")


def cmd_export(inv: Invocation) -> int:
    from bot.reporting.export import export_ledger
    from bot.reporting.periods import PeriodError, parse_period
    from bot.reporting.stats import Scope, Stats, limits_from_config

    args, config = inv.args, inv.config
    now = inv.now()
    try:
        period = parse_period(args.period, now, config.timezone)
    except PeriodError as exc:
        raise ConfigError(one_line(f"--period {args.period!r}: {exc}", 300)) from None
    if period is None:
        raise ConfigError(
            one_line(f"--period {args.period!r} is not a period like 本月 or 2026-11-01~2026-11-30")
        )
    scope = Scope(grids=(args.grid,) if args.grid else None)

    async def write(db: Database) -> int:
        _known_grid(config, args.grid)
        async with db.transaction() as session:
            if args.handed_up:
                from bot.reporting.handed_up import export_handed_up

                sheet = await export_handed_up(
                    session, config, period, scope, Path(args.out), base_url=args.base_url
                )
                return sheet.rows
            stats = Stats(session, limits_from_config(config), now)
            result = await export_ledger(stats, config, period, scope, Path(args.out))
        return result.rows

    try:
        rows = _with_database(inv.db_url, write, config)
    except OSError as exc:
        raise ConfigError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    print(f"wrote {rows} ticket(s) to {args.out}")
    return 0


def cmd_import(inv: Invocation) -> int:
    """Re-apply a config's directory and standing shifts on purpose: the database holds
    them once the bot has started (the console changes them there), so editing the file
    alone changes nothing. People, grids and groups the file no longer lists are retired,
    not deleted: tickets name them; shifts it no longer lists are removed. The running bot
    picks the change up with its next message."""
    from bot.config import Directory
    from bot.domain import directory
    from storage.db import lock_schema
    from storage.repo import Store

    source = load_config(inv.args.file)
    wanted = Directory.of(source.grids, source.groups, source.people)
    shifts = source.duty.duty.shifts if source.duty else ()
    db_url = inv.args.db or source.database_url or inv.db_url

    async def work(db: Database) -> directory.Changes:
        async with db.transaction() as session:
            await session.run_sync(lambda s: lock_schema(s.connection()))
            changes = await directory.apply(
                Store(session), wanted, inv.now(), dry_run=inv.args.dry_run, shifts=shifts
            )
            if inv.args.dry_run or not changes:
                await session.rollback()
        return changes

    changes = _with_database(db_url, work)
    for line in changes.lines:
        print(line)
    if not changes:
        print(f"the directory already matches {source.source}: nothing to change")
    elif inv.args.dry_run:
        print(f"dry run: {len(changes.lines)} change(s) not made")
    else:
        print(f"{len(changes.lines)} change(s) made; the bot uses them from its next message")
    return 0


def cmd_db(inv: Invocation) -> int:
    from storage.db import Database

    Database(inv.db_url).upgrade()
    print(f"database is up to date: {inv.db_url}")
    return 0


def cmd_demo(inv: Invocation) -> int:
    """The demo has a database of its own (never the config's [database] url): what is
    typed in a demo must not reach a real group when `gridbot run` starts later."""
    import asyncio

    from bot.cli.console import run_demo

    db_url = inv.args.db or DEMO_DB_URL
    if inv.args.fresh:
        if inv.args.db:
            raise ConfigError("--fresh starts the demo's own database afresh; drop --db")
        Path(DEMO_DB_URL.removeprefix("sqlite:///")).unlink(missing_ok=True)
    return asyncio.run(run_demo(inv.config, db_url, sys.stdin, sys.stdout, wall=inv.clock))


def cmd_run(inv: Invocation) -> int:
    import asyncio

    from bot.cli.runner import run_forever
    from bot.runtime.clock import FakeClock

    if isinstance(inv.clock, FakeClock):
        raise ConfigError("GRIDBOT_NOW pins the clock; `gridbot run` needs the real one")
    return asyncio.run(run_forever(inv.config, inv.db_url, clock=inv.clock))


COMMANDS: dict[str, Callable[[Invocation], int]] = {
    "simulate": cmd_simulate,
    "tickets": cmd_tickets,
    "classify": cmd_classify,
    "triage-eval": cmd_triage_eval,
    "duty": cmd_duty,
    "export": cmd_export,
    "db": cmd_db,
    "import": cmd_import,
    "demo": cmd_demo,
    "run": cmd_run,
    "seen": cmd_seen,
    "failed": cmd_failed,
    "purge": cmd_purge,
    "web": web.cmd_web,
    "user": web.cmd_user,
}


if __name__ == "__main__":
    raise SystemExit(main())
