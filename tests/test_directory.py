"""The directory lives in the database (issue 16, point 3), on SQLite and PostgreSQL.

The config seeds it on the first start only; a change stored by another process (the
console, `gridbot import`) counts from the bot's next message, with no restart; people a
re-imported config no longer lists are retired, not deleted, and keep their names on
tickets; `gridbot import --dry-run` only says what would change.
"""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli.main import main
from bot.config import Config, Person, load_config
from bot.domain import directory
from bot.vocabulary import Role
from storage.db import Database
from storage.directory import DirectoryStore
from storage.models import DirectoryStateRow, PersonRow, TicketRow
from tests.support.app import resident_says, running_app


async def gridbot(argv: list[str]) -> int:
    """The command line, off the test's event loop (it runs its own)."""
    return await asyncio.to_thread(main, argv)


async def _assignee(app, ticket_id: int) -> str | None:  # type: ignore[no-untyped-def]
    async with app.db.transaction() as session:
        ticket = await session.get(TicketRow, ticket_id)
        assert ticket is not None
        return ticket.assignee_id


async def test_the_config_seeds_the_directory_on_the_first_start_only(
    sample_config: Config, db_url: str
) -> None:
    async with running_app(sample_config, db_url) as app, app.db.transaction() as session:
        state = await session.get(DirectoryStateRow, 1)
        assert state is not None and state.version == 1
        wang = await session.get(PersonRow, "wx-wang")
        assert wang is not None and wang.role == "worker" and wang.retired_at is None

    # The file now says otherwise; the stored directory (maybe changed on the console since)
    # stands until the file is imported on purpose.
    edited = dataclasses.replace(
        load_config(sample_config.source),
        people=tuple(p for p in sample_config.people if p.id != "wx-wang"),
    )
    async with running_app(edited, db_url) as app:
        assert edited.person("wx-wang") is not None
        async with app.db.transaction() as session:
            state = await session.get(DirectoryStateRow, 1)
            assert state is not None and state.version == 1


async def test_a_change_by_another_process_counts_from_the_next_message(
    sample_config: Config, db_url: str
) -> None:
    """Two processes on one database, each with its own config and connection pool: the
    console's process adds a worker and retires the two there were; the bot's next report
    goes to the new one, and it names the new one in the group."""
    async with running_app(sample_config, db_url) as bot:
        await bot.handle(resident_says(1, "3号楼门口井盖坏了"))
        assert await _assignee(bot, 1) == "wx-wang"

        console_config = load_config(sample_config.source)
        console_db = Database(db_url)
        try:
            async with console_db.transaction() as session:
                store = DirectoryStore(session)
                now = bot.clock.now()
                await directory.save_person(
                    store,
                    now,
                    person_id="wx-new",
                    name="孙晓梅",
                    role=Role.WORKER,
                    grid_id="g1",
                    phone=None,
                    new=True,
                )
                await directory.retire_person(store, now, "wx-wang")
                await directory.retire_person(store, now, "wx-zhao")
            assert await directory.refresh(console_db, console_config)
            assert console_config.directory.grid("g1").workers == ("wx-new",)  # type: ignore[union-attr]
        finally:
            await console_db.close()

        outcome = await bot.handle(resident_says(2, "2号楼楼道灯不亮了", sender="res-li"))
        assert outcome.queued
        assert await _assignee(bot, 2) == "wx-new"
        assert sample_config.person("wx-wang") is None  # out of the bot's directory too
        assert sample_config.name_of("wx-wang") == "王芳"  # but named on ticket 1 still
        assert sample_config.role_of("wx-new") == Role.WORKER
        async with bot.db.transaction() as session:
            stored = await session.scalars(select(TicketRow.assignee_id).order_by(TicketRow.id))
            assert list(stored) == ["wx-wang", "wx-new"]  # ticket 1 keeps its worker


async def test_import_says_what_changes_and_retires_who_left(
    sample_config: Config, db_url: str, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with running_app(sample_config, db_url) as app:
        await app.handle(resident_says(1, "3号楼门口井盖坏了"))
    text = Path(sample_config.source).read_text(encoding="utf-8")
    assert 'name = "王芳"' in text and 'id = "wx-zhao"' in text
    edited = tmp_path / "config.toml"
    edited.write_text(
        text.replace('name = "王芳"', 'name = "王芳芳"').replace(
            'workers = ["wx-wang", "wx-zhao"]', 'workers = ["wx-wang"]'
        ),
        encoding="utf-8",
    )
    # wx-zhao leaves the file entirely.
    cleaned = edited.read_text(encoding="utf-8")
    start = cleaned.index('id = "wx-zhao"')
    block = cleaned.rfind("[[people]]", 0, start)
    end = cleaned.find("[[", start)
    edited.write_text(cleaned[:block] + cleaned[end:], encoding="utf-8")

    assert await gridbot(["import", str(edited), "--db", db_url, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "person changed: wx-wang 王芳芳 (name)" in out
    assert "person retired: wx-zhao 赵强" in out
    assert "grid changed: g1 第一网格 (workers)" in out
    assert "dry run: 3 change(s) not made" in out
    check = load_config(sample_config.source)
    async with running_app(check, db_url):
        assert check.person("wx-zhao") is not None and check.name_of("wx-wang") == "王芳"

    assert await gridbot(["import", str(edited), "--db", db_url]) == 0
    assert "3 change(s) made" in capsys.readouterr().out
    assert await gridbot(["import", str(edited), "--db", db_url]) == 0
    assert "nothing to change" in capsys.readouterr().out
    after = load_config(sample_config.source)
    async with running_app(after, db_url) as app:
        assert after.person("wx-zhao") is None and after.name_of("wx-zhao") == "赵强"
        assert after.grid("g1").workers == ("wx-wang",)  # type: ignore[union-attr]
        async with app.db.transaction() as session:
            row = await session.get(PersonRow, "wx-zhao")
            assert row is not None and row.retired_at is not None  # kept: tickets name him

    # Listed again: back in the directory.
    assert await gridbot(["import", sample_config.source, "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "person restored: wx-zhao 赵强" in out


def test_a_config_alone_still_answers_who_is_who() -> None:
    """The simulator and tests build a Config and use it straight away."""
    config = dataclasses.replace(
        load_config(None),
        people=(Person("p1", "甲", Role.STAFF),),
        grids=(),
        groups=(),
    )
    assert config.directory.stamp is None
    assert config.role_of("p1") == Role.STAFF and config.name_of("p2", "乙") == "乙"


async def test_a_building_added_on_the_console_routes_a_private_report(
    sample_config: Config, db_url: str
) -> None:
    """Triage knows the grids' buildings; one added to a grid elsewhere is known from the
    bot's next message, so a private report naming it goes to that grid."""
    async with running_app(sample_config, db_url) as bot:
        other = Database(db_url)
        try:
            async with other.transaction() as session:
                g1 = sample_config.grid("g1")
                assert g1 is not None
                await directory.save_grid(
                    DirectoryStore(session),
                    bot.clock.now(),
                    grid_id="g1",
                    name=g1.name,
                    leader=g1.leader,
                    workers=g1.workers,
                    buildings=(*g1.buildings, "幸福里商业街"),
                    new=False,
                )
        finally:
            await other.close()
        await bot.handle(resident_says(1, "幸福里商业街的路灯坏了，晚上很黑", chat=None))
        async with bot.db.transaction() as session:
            ticket = await session.get(TicketRow, 1)
            assert ticket is not None and ticket.grid_id == "g1", ticket and ticket.grid_id
