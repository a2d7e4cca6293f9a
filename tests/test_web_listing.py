"""The ticket list's search, capped count and migration 0014, on SQLite and PostgreSQL.

Search on PostgreSQL reads a trigram index of the text with every character doubled; these
tests hold it to the same answers as LIKE on SQLite (two-character Chinese words, ticket
numbers, '%' and '_' taken literally, nothing found across summary and location) and check
that PostgreSQL can really use the index for the query the page sends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from bot.config import Config
from bot.reporting.stats import limits_from_config
from bot.web import listing
from bot.web.auth import sender_of
from bot.web.listing import SEARCH_INDEX, TicketFilter, page_query, ticket_count, ticket_page
from bot.web.scope import Viewer
from storage.db import Database, alembic_config
from storage.models import TicketRow, WebAuditRow, WebUserRow

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
TICKETS = [  # (summary, location, grid)
    ("3号楼门口井盖坏了", "幸福里3号楼", "g1"),
    ("井边的盖子松了", "幸福里4号楼", "g1"),  # 井 and 盖, but not 井盖
    ("6号楼暖气不热", "井盖路12号", "g2"),  # 井盖 in the location only
    ("打折100%_好消息", None, "g2"),
    ("楼道灯不亮", "二单元", "g1"),
]


async def _database(db_url: str) -> Database:
    db = Database(db_url)
    db.upgrade()
    async with db.transaction() as session:
        for n, (summary, location, grid) in enumerate(TICKETS, start=1):
            session.add(
                TicketRow(
                    id=n,
                    status="assigned",
                    category="municipal",
                    grid_id=grid,
                    reporter_id=f"res-{n}",
                    assignee_id="wx-wang" if grid == "g1" else "wx-li",
                    summary=summary,
                    location=location,
                    created_at=NOW - timedelta(hours=n),
                )
            )
    return db


def _staff(config: Config) -> Viewer:
    sender = sender_of(config, "wx-chen")
    assert sender is not None
    return Viewer(1, "chen", sender, 0)


async def _found(
    db: Database, config: Config, words: str, viewer: Viewer | None = None
) -> list[int]:
    f = TicketFilter.from_query({"q": words})
    async with db.transaction() as session:
        page = await ticket_page(
            session, config, viewer or _staff(config), f, limits_from_config(config), NOW
        )
    return [t.id for t in page.rows]


async def test_search_finds_words_exactly(sample_config: Config, db_url: str) -> None:
    db = await _database(db_url)
    try:
        assert await _found(db, sample_config, "井盖") == [3, 1]
        assert await _found(db, sample_config, "井") == [3, 2, 1]
        assert await _found(db, sample_config, "3号楼") == [1]
        assert await _found(db, sample_config, "幸福里") == [2, 1]
        assert await _found(db, sample_config, "100%") == [4]
        assert await _found(db, sample_config, "%_") == [4]
        assert await _found(db, sample_config, "0_") == []  # '_' is not any character
        assert await _found(db, sample_config, "了幸福") == []  # not across summary and location
        assert await _found(db, sample_config, "#5") == [5]
        assert await _found(db, sample_config, "天然气") == []
        assert await _found(db, sample_config, "井盖\n路") == [3]  # control characters dropped
        liu = sender_of(sample_config, "wx-liu")
        assert liu is not None
        assert await _found(db, sample_config, "井盖", Viewer(2, "liu", liu, 0)) == [1]
    finally:
        await db.close()


@pytest.mark.postgres
async def test_postgres_searches_through_the_trigram_index(
    sample_config: Config, pg_url: str
) -> None:
    db = await _database(pg_url)
    try:
        async with db.transaction() as session:
            assert await session.scalar(
                text("SELECT to_regclass(:n) IS NOT NULL"), {"n": SEARCH_INDEX}
            )
            f = TicketFilter.from_query({"q": "井盖"})
            query = await page_query(
                session,
                sample_config,
                _staff(sample_config),
                f,
                limits_from_config(sample_config),
                NOW,
            )
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            await session.execute(text("SET LOCAL enable_indexscan = off"))
            compiled = query.compile(session.bind, compile_kwargs={"literal_binds": True})
            plan = "\n".join(r[0] for r in await session.execute(text(f"EXPLAIN {compiled}")))
        assert SEARCH_INDEX in plan, plan
    finally:
        await db.close()


async def test_the_count_is_capped_and_free_when_one_page_holds_all(
    sample_config: Config, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = await _database(db_url)
    config, viewer, limits = sample_config, _staff(sample_config), limits_from_config(sample_config)
    try:
        async with db.transaction() as session:
            everything = TicketFilter()
            first = await ticket_page(session, config, viewer, everything, limits, NOW, size=10)
            shown = await ticket_count(session, config, viewer, everything, limits, NOW, first)
            assert (shown.number, shown.more) == (5, False)
            monkeypatch.setattr(listing, "COUNT_CAP", 3)
            shown = await ticket_count(session, config, viewer, everything, limits, NOW)
            assert (shown.number, shown.more) == (3, True)
            g2 = TicketFilter.from_query({"grid": "g2"})
            shown = await ticket_count(session, config, viewer, g2, limits, NOW)
            assert (shown.number, shown.more) == (2, False)
            older = TicketFilter.from_query({"before": "5"})
            shown = await ticket_count(session, config, viewer, older, limits, NOW)
            assert (shown.number, shown.more) == (3, True)
    finally:
        await db.close()


async def test_migration_0014_keeps_the_last_sign_in_from_the_audit(db_url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    before = script.get_revision("0014").down_revision
    assert isinstance(before, str)
    db = Database(db_url)
    try:
        db.upgrade(before)
        at = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
        async with db.transaction() as session:
            for n, login in enumerate(("chen", "wang"), start=1):
                await session.execute(
                    text(
                        "INSERT INTO web_users (id, login, person_id, password_hash, created_at,"
                        " password_changed_at, session_epoch) VALUES (:id, :login, :p, 'x', :at,"
                        " :at, 0)"
                    ),
                    {
                        "id": n,
                        "login": login,
                        "p": f"wx-{login}",
                        "at": at.replace(tzinfo=None) if db.is_sqlite else at,
                    },
                )
            for hours in (0, 5, 2):
                session.add(
                    WebAuditRow(
                        at=at + timedelta(hours=hours), user_id=1, login="chen", action="login"
                    )
                )
            session.add(WebAuditRow(at=at + timedelta(hours=9), user_id=1, action="logout"))
        db.upgrade()
        async with db.transaction() as session:
            users = {u.login: u for u in await session.scalars(select(WebUserRow))}
        assert users["chen"].last_login_at == at + timedelta(hours=5)
        assert users["wang"].last_login_at is None
    finally:
        await db.close()


@pytest.mark.parametrize("window", [2, 20_000])
async def test_search_pages_the_same_whether_found_near_or_through_the_index(
    sample_config: Config, db_url: str, monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    """A word is looked for among the newest tickets first, then everywhere; page after
    page, both ways give the same tickets in the same order, and the same count."""
    monkeypatch.setattr(listing, "SEARCH_WINDOW", window)
    monkeypatch.setattr(listing, "COUNT_CAP", 2)
    db = await _database(db_url)
    config, viewer, limits = sample_config, _staff(sample_config), limits_from_config(sample_config)
    try:
        for words, expected in (("井盖", [3, 1]), ("井", [3, 2, 1]), ("号楼", [3, 2, 1])):
            seen: list[int] = []
            query: dict[str, str] = {"q": words}
            async with db.transaction() as session:
                while True:
                    f = TicketFilter.from_query(query)
                    page = await ticket_page(session, config, viewer, f, limits, NOW, size=1)
                    seen += [t.id for t in page.rows]
                    if page.older is None:
                        break
                    query = {"q": words, "before": str(page.older)}
                back = await ticket_page(
                    session,
                    config,
                    viewer,
                    TicketFilter.from_query({"q": words, "after": "1"}),
                    limits,
                    NOW,
                    size=1,
                )
                shown = await ticket_count(
                    session, config, viewer, TicketFilter.from_query({"q": words}), limits, NOW
                )
            assert seen == expected, words
            assert [t.id for t in back.rows] == [t for t in expected if t > 1][-1:]
            assert (shown.number, shown.more) == (min(len(expected), 2), len(expected) > 2)
    finally:
        await db.close()
