"""The ticket list's search, capped count and migration 0014, on SQLite and PostgreSQL.

Search on PostgreSQL reads a trigram index of the text with every character doubled; these
tests hold it to the same answers as LIKE on SQLite (two-character Chinese words, ticket
numbers, '%' and '_' taken literally, nothing found across summary and location) and check
that PostgreSQL can really use the index for the query the page sends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

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


# -- search through SQLite's FTS5 trigram table (migration 0017), the same on both ---------

AWKWARD = {  # id: (summary, location, grid); words an FTS5 query would read as syntax
    1: ("马蜂窝在窗外", "幸福里7号楼", "g1"),
    2: ("单号123456的问题", None, "g1"),
    3: ('他说"OR"和 NEAR(灯 坏) 一样', "楼-道", "g2"),
    4: ("100%_折扣 * 星号^", "a'b 单引号", "g2"),
    5: ("summary:灯 {location}", "AND NOT", "g1"),
    123456: ("路灯不亮", "二单元", "g1"),
}
AWKWARD_SEARCHES = {
    "窝": [1],
    "蜂窝": [1],
    "马蜂窝": [1],
    "马蜂窝在窗外": [1],
    "窗外幸": [],  # not across summary and location
    "123456": [123456, 2],  # the ticket of that number, and the one whose text holds it
    "#123456": [123456],
    "# 123456": [123456],
    "第123456单": [],  # not a ticket number, and not in any text
    "12": [2],  # no ticket 12
    "#5": [5],
    "%": [4],
    "_": [4],
    "%_折": [4],
    "0%_": [4],
    "00_": [],
    '"': [3],
    '"OR"': [3],
    "OR": [3],
    "NEAR(": [3],
    "NEAR(灯": [3],
    "-": [3],
    "楼-道": [3],
    "*": [4],
    "* 星号^": [4],
    "'": [4],
    "a'b": [4],
    "summary:灯": [5],
    "{location}": [5],
    "AND NOT": [5],
    "灯": [123456, 5, 3],
    "天然气": [],
}


async def _awkward_database(db_url: str) -> Database:
    db = Database(db_url)
    db.upgrade()
    async with db.transaction() as session:
        for n, (summary, location, grid) in AWKWARD.items():
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
                    created_at=NOW - timedelta(hours=n % 100),
                )
            )
    return db


async def _found_all(db: Database, config: Config) -> dict[str, list[int]]:
    return {words: await _found(db, config, words) for words in AWKWARD_SEARCHES}


@pytest.mark.parametrize("window", [1, 5000])
async def test_search_reads_the_users_words_literally_on_both_databases(
    sample_config: Config, db_url: str, monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    """Words of one, two, three and more characters, Chinese, digits, LIKE wildcards and
    FTS5 syntax (quotes, OR, NEAR(, -, *, ^, column filters) find exactly the tickets whose
    summary or location holds them, and a ticket number finds that ticket: the same on SQLite
    (FTS5 from three characters on, LIKE below) as on PostgreSQL, whether found among the
    newest tickets (``window``) or through the index."""
    monkeypatch.setattr(listing, "SEARCH_WINDOW", window)
    db = await _awkward_database(db_url)
    try:
        assert await _found_all(db, sample_config) == AWKWARD_SEARCHES
        liu = sender_of(sample_config, "wx-liu")  # leads g1 only
        assert liu is not None
        leader = Viewer(2, "liu", liu, 0)
        assert await _found(db, sample_config, "灯", leader) == [123456, 5]
        assert await _found(db, sample_config, "#4", leader) == []  # not theirs
        async with db.transaction() as session:
            f = TicketFilter.from_query({"q": "123456"})
            limits = limits_from_config(sample_config)
            shown = await ticket_count(
                session, sample_config, _staff(sample_config), f, limits, NOW
            )
        assert (shown.number, shown.more) == (2, False)
    finally:
        await db.close()


async def test_search_follows_updates_deletes_and_the_privacy_purge(
    sample_config: Config, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index follows every write (SQLite's triggers): an edited summary or location is
    found by its new words only, a deleted ticket not at all, and a purged phone number is
    gone from search while the rest of the summary is still found."""
    from storage.retention import anonymise_closed

    monkeypatch.setattr(listing, "SEARCH_WINDOW", 1)  # through the index
    db = await _awkward_database(db_url)
    try:
        async with db.transaction() as session:
            one = await session.get(TicketRow, 1)
            assert one is not None
            one.summary, one.location = "黄蜂窝在窗外", "和平苑8号楼"
            await session.delete(await session.get(TicketRow, 4))
            session.add(
                TicketRow(
                    id=9,
                    status="closed",
                    category="municipal",
                    grid_id="g1",
                    reporter_id="res-9",
                    summary="马蜂窝，电话13812345678",
                    location="春晖园",
                    created_at=NOW - timedelta(days=400),
                    closed_at=NOW - timedelta(days=399),
                )
            )
        assert await _found(db, sample_config, "马蜂窝") == [9]
        assert await _found(db, sample_config, "黄蜂窝在") == [1]
        assert await _found(db, sample_config, "幸福里7") == []
        assert await _found(db, sample_config, "和平苑8号") == [1]
        assert await _found(db, sample_config, "星号^") == []
        assert await _found(db, sample_config, "13812345678") == [9]
        async with db.transaction() as session:
            purged = await anonymise_closed(
                session, lambda t: t.replace("13812345678", "138****5678"), NOW - timedelta(days=30)
            )
        assert purged.tickets == 1
        assert await _found(db, sample_config, "13812345678") == []
        assert await _found(db, sample_config, "38****56") == [9]
        assert await _found(db, sample_config, "马蜂窝") == [9]
    finally:
        await db.close()


async def _all_pages(
    db: Database, config: Config, words: str
) -> tuple[list[list[int]], list[str | None], Any]:
    pages: list[list[int]] = []
    problems: list[str | None] = []
    query: dict[str, str] = {"q": words}
    viewer, limits = _staff(config), limits_from_config(config)
    async with db.transaction() as session:
        first = None
        while True:
            f = TicketFilter.from_query(query)
            page = await ticket_page(session, config, viewer, f, limits, NOW, size=2)
            if first is None:
                first = page
                shown = await ticket_count(session, config, viewer, f, limits, NOW, page)
            pages.append([t.id for t in page.rows])
            assert page.problem is None  # a short word is no error, only a notice
            problems.append(page.notice)
            if page.older is None:
                return pages, problems, shown
            query = {"q": words, "before": str(page.older)}


async def test_a_search_without_an_index_reads_a_bounded_part_per_page(
    sample_config: Config, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One character cannot use trigrams (nor two on SQLite): a page reads at most
    SEARCH_SCAN tickets, says so when they did not fill it, and 较早 goes on from there, so
    all pages together show every match once; a ticket number shows on the first page."""
    monkeypatch.setattr(listing, "SEARCH_WINDOW", 1)
    monkeypatch.setattr(listing, "SEARCH_SCAN", 2)
    db = await _database(db_url)
    try:
        pages, problems, shown = await _all_pages(db, sample_config, "井")
        assert pages == [[], [3, 2], [1]]
        assert problems[0] is not None and "第 4 单" in problems[0]
        assert problems[-1] is None
        assert (shown.number, shown.more) == (0, True)  # "0 多张": not all read yet
        pages, _, _ = await _all_pages(db, sample_config, "#1")
        assert pages[0] == [1]  # at once, though the page read only tickets 5 and 4
        pages, _, _ = await _all_pages(db, sample_config, "楼")
        assert [t for page in pages for t in page] == [5, 3, 2, 1]
    finally:
        await db.close()


async def test_sqlite_searches_three_characters_through_the_fts5_table(
    sample_config: Config, sqlite_url: str
) -> None:
    db = await _database(sqlite_url)
    try:
        async with db.transaction() as session:
            queries = {}
            for words in ("幸福里", "井盖"):
                f = TicketFilter.from_query({"q": words})
                query = await page_query(
                    session,
                    sample_config,
                    _staff(sample_config),
                    f,
                    limits_from_config(sample_config),
                    NOW,
                )
                compiled = str(query.compile(session.bind, compile_kwargs={"literal_binds": True}))
                plan = await session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
                queries[words] = compiled + "\n".join(str(r[-1]) for r in plan)
        assert "tickets_search MATCH" in queries["幸福里"]
        assert "VIRTUAL TABLE" in queries["幸福里"], queries["幸福里"]
        assert "MATCH" not in queries["井盖"]  # two characters: no trigram
    finally:
        await db.close()
