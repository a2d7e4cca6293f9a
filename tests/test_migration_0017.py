"""Migration 0017 on a database with tickets from before it (SQLite and PostgreSQL): on
SQLite it fills the FTS5 trigram table from the tickets already there, so search finds old
tickets through it at once, and tickets written afterwards too; on PostgreSQL it does
nothing and search is as before."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.config import Config
from bot.reporting.stats import limits_from_config
from bot.web import listing
from bot.web.auth import sender_of
from bot.web.listing import TicketFilter, ticket_page
from bot.web.scope import Viewer
from storage.db import Database, alembic_config
from storage.models import TicketRow

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
BEFORE = datetime(2026, 11, 1, tzinfo=UTC)


async def _found(db: Database, config: Config, words: str) -> list[int]:
    sender = sender_of(config, "wx-chen")
    assert sender is not None
    async with db.transaction() as session:
        page = await ticket_page(
            session,
            config,
            Viewer(1, "chen", sender, 0),
            TicketFilter.from_query({"q": words}),
            limits_from_config(config),
            NOW,
        )
    return [t.id for t in page.rows]


async def test_0017_indexes_the_tickets_already_there(
    sample_config: Config, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "SEARCH_WINDOW", 1)  # past the newest ticket: the index
    before = ScriptDirectory.from_config(alembic_config()).get_revision("0017").down_revision
    assert isinstance(before, str)
    db = Database(db_url)
    try:
        db.upgrade(before)
        async with db.transaction() as session:
            for n, summary, location in (
                (1, "马蜂窝在窗外", "幸福里3号楼"),
                (2, "楼道灯不亮", None),
                (3, "井盖坏了", "和平苑"),
            ):
                await session.execute(
                    text(
                        "INSERT INTO tickets (id, status, category, urgent, grid_id,"
                        " reporter_id, summary, location, created_at, handed_up, dissatisfied,"
                        " escalation_level, reports) VALUES (:id, 'assigned', 'municipal',"
                        " false, 'g1', 'res-1', :summary, :location, :at, NULL, 0, 0, 1)"
                    ),
                    {
                        "id": n,
                        "summary": summary,
                        "location": location,
                        "at": BEFORE.replace(tzinfo=None) if db.is_sqlite else BEFORE,
                    },
                )
        db.upgrade()
        async with db.transaction() as session:
            tables = await session.scalar(
                text("SELECT count(*) FROM sqlite_master WHERE name = 'tickets_search'")
                if db.is_sqlite
                else text("SELECT count(*) FROM pg_class WHERE relname = 'tickets_search'")
            )
        assert tables == (1 if db.is_sqlite else 0)
        assert await _found(db, sample_config, "马蜂窝") == [1]
        assert await _found(db, sample_config, "幸福里3号") == [1]
        assert await _found(db, sample_config, "楼道灯") == [2]
        assert await _found(db, sample_config, "天然气") == []
        async with db.transaction() as session:
            session.add(
                TicketRow(
                    id=4,
                    status="assigned",
                    category="municipal",
                    grid_id="g1",
                    reporter_id="res-2",
                    summary="又有马蜂窝了",
                    created_at=NOW,
                )
            )
        assert await _found(db, sample_config, "马蜂窝") == [4, 1]
    finally:
        await db.close()
