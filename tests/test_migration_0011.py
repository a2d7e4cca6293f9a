"""Migration 0011 on a database from before it (SQLite and PostgreSQL): the directory
tables hold what every start mirrored from the config (no worker lists, no buildings, no
phones), and no directory_state row. The first start after the upgrade seeds the stored
directory from the config, as every start did until then; a member of staff the config
dropped before is retired, and residents are left alone."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from bot.config import Config
from storage.db import Database
from storage.models import DirectoryStateRow, GridRow, PersonRow
from tests.support.app import running_app

BEFORE = datetime(2026, 11, 1, tzinfo=UTC)


async def test_the_first_start_after_0011_seeds_from_the_config(
    sample_config: Config, db_url: str
) -> None:
    old = Database(db_url)
    try:
        old.upgrade("0010")
        async with old.transaction() as session:
            await session.execute(
                text("INSERT INTO grids (id, name, leader_id) VALUES ('g1', '一网格', 'wx-liu')")
            )
            for pid, name, role, grid in (
                ("wx-wang", "王芳", "worker", "g1"),
                ("wx-gone", "离职的人", "worker", "g1"),
                ("res-zhang", "张阿姨", "resident", None),
            ):
                await session.execute(
                    text(
                        "INSERT INTO people (id, name, role, grid_id, first_seen)"
                        " VALUES (:id, :name, :role, :grid, :at)"
                    ),
                    {"id": pid, "name": name, "role": role, "grid": grid, "at": BEFORE},
                )
    finally:
        await old.close()

    async with running_app(sample_config, db_url) as app:
        async with app.db.transaction() as session:
            assert await session.get(DirectoryStateRow, 1) is not None
            grid = await session.get(GridRow, "g1")
            assert grid is not None and grid.name == "第一网格"
            assert grid.workers == ["wx-wang", "wx-zhao"] and "1号楼" in (grid.buildings or [])
            gone = await session.get(PersonRow, "wx-gone")
            assert gone is not None and gone.retired_at is not None
            resident = await session.get(PersonRow, "res-zhang")
            assert resident is not None and resident.role == "resident"
            assert resident.retired_at is None
        assert sample_config.name_of("wx-gone") == "离职的人"  # still named on old tickets
        assert sample_config.person("wx-gone") is None
        assert sample_config.grid("g1").workers == ("wx-wang", "wx-zhao")  # type: ignore[union-attr]
