"""Migration 0004 moves the first claim and the 不满意 count onto the ticket; a database
from before it must come out with both backfilled from ticket_events and the same figures.

The history is made by the real bot (the known day of test_stats, plus a ticket claimed,
transferred, claimed again, rated 不满意 and then 满意), so it holds every case the backfill
must get right. The database is then taken back to 0003 (the columns are dropped), and
upgraded again, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from alembic import command
from sqlalchemy import create_engine, inspect, select

from bot.cli.simulate import Simulation, open_simulation
from bot.reporting.periods import days_period
from bot.reporting.stats import Report, Stats, limits_from_config
from storage.db import Database, alembic_config, driver_urls
from storage.models import TicketEventRow, TicketRow
from tests.support.known_day import KNOWN_DAY, TZ_START, at, say
from tests.support.scenarios import play

TRANSFERRED_AND_RATED_TWICE = [
    at("09:00", day=25),
    say("room-xfl-1", "res-gao", "2号楼单元门坏了关不上", name="高先生"),
    at("09:20", day=25),
    say("room-xfl-1", "wx-wang", "接单 #6"),
    at("09:30", day=25),
    say("staff-room", "wx-liu", "转派 #6 @赵强", mentions=["wx-zhao"]),
    at("10:00", day=25),
    say("room-xfl-1", "wx-zhao", "接单 #6"),
    at("11:00", day=25),
    say("room-xfl-1", "wx-zhao", "已处理 #6"),
    at("11:10", day=25),
    say("room-xfl-1", "res-gao", "不满意，还是关不上"),
    at("12:00", day=25),
    say("room-xfl-1", "wx-zhao", "已处理 #6"),
    at("12:10", day=25),
    say("room-xfl-1", "res-gao", "满意"),
    at("18:00", day=25),
]


def local(hhmm: str, day: int) -> datetime:
    return datetime.fromisoformat(f"2026-11-{day:02d}T{hhmm}:00+08:00")


# (first claim, 不满意 verdicts, rating) per ticket, worked out from the steps above.
EXPECTED = {
    1: (local("09:10", 23), 0, "satisfied"),
    2: (local("10:30", 23), 1, None),  # 不满意, reopened, still open
    3: (local("10:05", 23), 0, "fair"),
    4: (local("13:20", 23), 0, None),
    5: (None, 0, None),  # never claimed
    6: (local("09:20", 25), 1, "satisfied"),  # transferred: the first claim stays
}


def migrate(url: str, to: str) -> None:
    """Alembic up or down to ``to`` on a plain connection, as `gridbot db upgrade` does."""
    engine = create_engine(driver_urls(url)[1])
    try:
        with engine.begin() as connection:
            cfg = alembic_config()
            cfg.attributes["connection"] = connection
            if to == "0003":
                command.downgrade(cfg, to)
            else:
                command.upgrade(cfg, to)
    finally:
        engine.dispose()


def ticket_columns(url: str) -> set[str]:
    engine = create_engine(driver_urls(url)[1])
    try:
        return {c["name"] for c in inspect(engine).get_columns("tickets")}
    finally:
        engine.dispose()


async def figures(db: Database, config: Any, now: datetime) -> Report:
    period = days_period(date(2026, 11, 23), date(2026, 11, 25), config.timezone)
    async with db.transaction() as session:
        return await Stats(session, limits_from_config(config), now).report(period)


async def stored(db: Database) -> dict[int, tuple[datetime | None, int, str | None]]:
    async with db.transaction() as session:
        t = TicketRow
        rows = await session.execute(select(t.id, t.first_claimed_at, t.dissatisfied, t.rating))
        return {tid: (first, unhappy, rating) for tid, first, unhappy, rating in rows.all()}


async def test_upgrade_from_0003_backfills_the_figure_columns(sample_config, db_url: str) -> None:
    sim: Simulation = await open_simulation(sample_config, db_url, start=TZ_START)
    await play(sim, KNOWN_DAY + TRANSFERRED_AND_RATED_TWICE)
    now = sim.clock.now()
    async with sim.app.db.transaction() as session:
        kinds = (
            await session.scalars(
                select(TicketEventRow.kind)
                .where(TicketEventRow.ticket_id == 6)
                .order_by(TicketEventRow.id)
            )
        ).all()
    # The escalation ladder (on by default) steps in while #6 waits for a claim: 09:15,
    # then after the transfer at 09:30 the next steps at 09:45 and 10:00.
    # (With escalation on, ``escalate`` notes come in between; they do not matter here.)
    lifecycle = [k for k in kinds if k != "escalate"]
    assert lifecycle == [
        "opened", "claim", "transfer", "claim", "resolve", "reopen", "resolve", "rate"
    ]
    # Kept up to date by the lifecycle as the bot worked.
    assert await stored(sim.app.db) == EXPECTED
    before = await figures(sim.app.db, sample_config, now)
    await sim.app.stop()

    migrate(db_url, "0003")
    assert not {"first_claimed_at", "dissatisfied"} & ticket_columns(db_url)
    db = Database(db_url)
    try:
        db.upgrade()  # what every start does
        assert {"first_claimed_at", "dissatisfied"} <= ticket_columns(db_url)
        assert await stored(db) == EXPECTED  # backfilled from ticket_events
        after = await figures(db, sample_config, now)
    finally:
        await db.close()
    assert after.total == before.total
    assert after.by_category == before.by_category
    assert after.by_grid == before.by_grid
    # The figures themselves, by hand: six tickets, #6 claimed in 20 min (09:00 → 09:20,
    # the transfer does not undo it) and rated 满意 in the end after one 不满意.
    total = after.total
    assert (total.received, total.claimed, total.responded, total.response_due) == (6, 5, 2, 6)
    assert (total.rated, total.satisfied, total.fair, total.dissatisfied) == (4, 2, 1, 1)
