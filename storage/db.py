"""Database engines and schema upgrades.

Users write plain URLs (``sqlite:///gridbot.db``, ``postgresql://user@host/db``); the bot
picks the async driver for its own work and the sync driver for Alembic, so one URL in the
config serves both.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class DatabaseError(Exception):
    """A database URL or server the bot cannot use; the message says which and why."""


def resolve_url(url: str) -> str:
    """``env:NAME`` reads the URL from an environment variable, keeping passwords out of files."""
    if url.startswith("env:"):
        name = url[4:]
        value = os.environ.get(name)
        if not value:
            raise DatabaseError(f"database URL comes from ${name}, which is not set")
        return value
    return url


def driver_urls(url: str) -> tuple[URL, URL]:
    """(async URL, sync URL) for a user-facing database URL."""
    try:
        parsed = make_url(resolve_url(url))
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite"), parsed.set(drivername="sqlite")
    if backend == "postgresql":
        pg = parsed.set(drivername="postgresql+psycopg")
        return pg, pg
    raise DatabaseError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class Database:
    """One database: the async engine the bot works with, and schema upgrades."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.async_url, self.sync_url = driver_urls(url)
        self.engine: AsyncEngine = create_async_engine(self.async_url)
        if self.async_url.get_backend_name() == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # The same pool, each statement committing by itself: no BEGIN and COMMIT round
        # trips around a write that is one statement anyway (``autocommit``).
        self._autocommit = async_sessionmaker(
            self.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.async_url.get_backend_name() == "sqlite"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work commits together or not at all."""
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[AsyncSession]:
        """A session whose every statement commits as it runs, for a write that is one
        statement: it is as durable as in ``transaction`` and costs one round trip to the
        server instead of three. Never for two statements that must land together."""
        async with self._autocommit() as session:
            yield session

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to the newest migration (safe to run on every start); tests and
        the benchmark may stop at an earlier ``revision``."""
        engine = create_engine(self.sync_url)
        if self.is_sqlite:
            event.listen(engine, "connect", _sqlite_pragmas)
        try:
            with engine.begin() as connection:
                # Two processes starting at once on a fresh database: the second waits
                # here, then finds the schema current (the lock ends with the transaction).
                lock_schema(connection)
                cfg = alembic_config()
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, revision)
        except Exception as exc:  # the server or file is unusable: say so in one line
            if isinstance(exc, DatabaseError):
                raise
            raise DatabaseError(f"cannot open or upgrade {self.sync_url!r}: {exc}") from exc
        finally:
            engine.dispose()

    async def close(self) -> None:
        await self.engine.dispose()


SCHEMA_LOCK = "gridbot:schema"


def lock_schema(connection: Any) -> None:
    """On PostgreSQL, hold the schema's advisory lock until the transaction ends:
    migrations and the mirroring of the config into the directory tables run one process
    at a time. SQLite has one writer at a time anyway."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(current_schema() || :what))"),
            {"what": SCHEMA_LOCK},
        )


def alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg
