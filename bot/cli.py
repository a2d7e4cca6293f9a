"""The `gridbot` command line (its shape is part of the public contract)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence

from bot.config import DEFAULT_DB_URL, Config, ConfigError, load_config
from storage.db import Database, DatabaseError


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
    sub.add_parser("demo", parents=[common], help="chat with the bot in this terminal")
    sim = sub.add_parser("simulate", parents=[common], help="replay a scenario (JSON lines)")
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
    db = sub.add_parser("db", parents=[common], help="database maintenance")
    db.add_argument("action", choices=["upgrade"], help="upgrade: apply migrations")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.command == "run" else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        config = load_config(args.config)
        db_url = args.db or config.database_url or DEFAULT_DB_URL
        return COMMANDS[args.command](args, config, db_url)
    except (ConfigError, DatabaseError) as exc:
        print(f"gridbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def cmd_simulate(args: argparse.Namespace, config: Config, db_url: str) -> int:
    from bot.simulator import ScenarioError, open_simulation, run_scenario

    def emit(line: dict) -> None:  # type: ignore[type-arg]
        print(json.dumps(line, ensure_ascii=False), flush=True)

    async def go() -> None:
        sim = await open_simulation(config, db_url)
        try:
            if args.scenario == "-":
                await run_scenario(sim, sys.stdin, emit)
            else:
                with open(args.scenario, encoding="utf-8") as handle:
                    await run_scenario(sim, handle, emit)
        finally:
            await sim.app.stop()

    try:
        asyncio.run(go())
    except ScenarioError as exc:
        print(f"gridbot: scenario {args.scenario}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"gridbot: cannot read scenario: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_tickets(args: argparse.Namespace, config: Config, db_url: str) -> int:
    from bot.lifecycle import STATUS_LABELS, Status
    from bot.taxonomy import category_label
    from bot.tickets import as_json
    from storage.repo import Store

    async def load() -> list[dict]:  # type: ignore[type-arg]
        db = Database(db_url)
        try:
            await asyncio.to_thread(db.upgrade)
            async with db.transaction() as session:
                rows = await Store(session).all_tickets()
                return [as_json(t, config.timezone) for t in rows]
        finally:
            await db.close()

    tickets = asyncio.run(load())
    if args.json:
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


def cmd_classify(args: argparse.Namespace, config: Config, db_url: str) -> int:
    from bot.triage import TriageEngine, classify_stream

    engine = TriageEngine.from_config(config)
    for line in classify_stream(engine, sys.stdin):
        print(line, flush=True)
    return 0


def cmd_triage_eval(args: argparse.Namespace, config: Config, db_url: str) -> int:
    from bot.triage import TriageEngine, evaluate_file

    engine = TriageEngine.from_config(config)
    try:
        report = evaluate_file(engine, args.file)
    except OSError as exc:
        print(f"gridbot: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    print(report.format())
    return 0


def cmd_duty(args: argparse.Namespace, config: Config, db_url: str) -> int:
    """Print who is on duty at --at, with the rule behind each name (overrides and leave
    entered in chat are read from the database)."""
    from datetime import UTC, datetime

    from bot.roster import load_roster
    from storage.repo import Store

    if args.at:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            problem = f"--at {args.at!r} is not an ISO time like 2026-11-23T23:00"
            raise ConfigError(problem) from None
        at = at if at.tzinfo else at.replace(tzinfo=config.timezone)
    else:
        at = datetime.now(UTC)
    if args.grid and config.grid(args.grid) is None:
        raise ConfigError(f"--grid {args.grid!r} is not a grid id in {config.source}")

    async def load() -> str:
        db = Database(db_url)
        try:
            await asyncio.to_thread(db.upgrade)
            async with db.transaction() as session:
                roster = await load_roster(Store(session), config, at)
            return roster.describe(at, [args.grid] if args.grid else None)
        finally:
            await db.close()

    print(asyncio.run(load()))
    return 0


def cmd_export(args: argparse.Namespace, config: Config, db_url: str) -> int:
    from datetime import UTC, datetime
    from pathlib import Path

    from bot.export import export_ledger
    from bot.periods import PeriodError, parse_period
    from bot.stats import Scope, Stats, limits_from_config

    now = datetime.now(UTC)
    try:
        period = parse_period(args.period, now, config.timezone)
    except PeriodError as exc:
        raise ConfigError(f"--period {args.period!r}: {exc}") from None
    if period is None:
        raise ConfigError(
            f"--period {args.period!r} is not a period like 本月 or 2026-11-01~2026-11-30"
        )
    if args.grid and config.grid(args.grid) is None:
        raise ConfigError(f"--grid {args.grid!r} is not a grid id in {config.source}")
    scope = Scope(grids=(args.grid,) if args.grid else None)

    async def write() -> int:
        db = Database(db_url)
        try:
            await asyncio.to_thread(db.upgrade)
            async with db.transaction() as session:
                stats = Stats(session, limits_from_config(config), now)
                result = await export_ledger(stats, config, period, scope, Path(args.out))
            return result.rows
        finally:
            await db.close()

    rows = asyncio.run(write())
    print(f"wrote {rows} ticket(s) to {args.out}")
    return 0


def cmd_db(args: argparse.Namespace, config: Config, db_url: str) -> int:
    Database(db_url).upgrade()
    print(f"database is up to date: {db_url}")
    return 0


def cmd_demo(args: argparse.Namespace, config: Config, db_url: str) -> int:
    from bot.console import run_demo

    return asyncio.run(run_demo(config, db_url, sys.stdin, sys.stdout))


def cmd_run(args: argparse.Namespace, config: Config, db_url: str) -> int:
    from bot.runner import run_forever

    return asyncio.run(run_forever(config, db_url))


COMMANDS = {
    "simulate": cmd_simulate,
    "tickets": cmd_tickets,
    "classify": cmd_classify,
    "triage-eval": cmd_triage_eval,
    "duty": cmd_duty,
    "export": cmd_export,
    "db": cmd_db,
    "demo": cmd_demo,
    "run": cmd_run,
}


if __name__ == "__main__":
    raise SystemExit(main())
