"""Shared fixtures: each test gets an empty database, on SQLite and on PostgreSQL.

PostgreSQL tests use the server at GRIDBOT_TEST_PG_URL (default the local test server) in
a schema of their own. Without the server they are skipped, except under CI=true, where a
missing server is a failure: CI must never quietly drop half the storage tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from bot.config import Config, load_config
from tests.support.fake_wecom_gateway import FakeWeComGateway

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("GRIDBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_available() -> str | None:
    try:
        engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return str(exc).splitlines()[0]


def _shared_trigram_extension() -> None:
    """Migration 0014 installs pg_trgm where the search path points, which for a test is
    its own schema; dropping that schema at the test's end then cascades to the trigram
    indexes of every other test running at that moment (deadlocks, "operator class was
    concurrently dropped"). Installed once in public, it belongs to no test, and the
    migration finds it there as it would on a server where an administrator installed it."""
    engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        for _ in range(3):  # another xdist worker may be creating it at this instant
            try:
                with engine.begin() as conn:
                    conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
                return
            except DBAPIError:
                continue
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def pg_problem() -> str | None:
    problem = _pg_available()
    if problem is None:
        _shared_trigram_extension()
    return problem


@pytest.fixture
def sample_config() -> Config:
    return load_config(ROOT / "config.example.toml")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'gridbot.db'}"


@pytest.fixture
def pg_url(pg_problem: str | None) -> Iterator[str]:
    if pg_problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true but unreachable: {pg_problem}")
        pytest.skip(f"PostgreSQL not reachable: {pg_problem}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        # a lock some test left behind fails the teardown in a minute, not CI for ever
        conn.execute(text("SET LOCAL lock_timeout = '60s'"))
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Both databases: the same behaviour must hold on the embedded and production one."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return request.getfixturevalue(name)


@pytest.fixture
async def gateway() -> AsyncIterator[FakeWeComGateway]:
    """A fake WeCom gateway (long connection and webhooks) on 127.0.0.1, for the WeCom
    tests: the real aiohttp client talks to it."""
    gw = await FakeWeComGateway().start()
    yield gw
    await gw.stop()
