"""A real database outage for tests, produced from outside the bot.

Nothing in the bot is replaced: its engine, driver and connections are the production
ones. Another connection takes the database away from it:

- SQLite: a second connection holds ``BEGIN EXCLUSIVE``, so every write of the bot waits
  out SQLite's busy timeout and fails with "database is locked". While the outage lasts,
  the bot's connections get a short busy timeout (BUSY_MS) as they are taken from the
  pool, so a test waits milliseconds instead of the 5 s default; before and after, the
  bot runs with its own 5 s.
- PostgreSQL: the bot connects with a ``lock_timeout`` and an ``application_name`` of its
  own (``outage_url``); the outage kills the bot's server processes
  (``pg_terminate_backend``: every pooled connection is dead) and holds
  ``LOCK TABLE ... IN ACCESS EXCLUSIVE MODE`` on the tables it names, so each new attempt
  of the bot fails after ``lock_timeout`` until the lock goes.
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from sqlalchemy import event
from sqlalchemy.engine import make_url

from storage.db import Database

BUSY_MS = 150
NORMAL_BUSY_MS = 5000  # storage.db sets this on every SQLite connection
LOCK_TIMEOUT_MS = 100


def outage_url(db_url: str) -> str:
    """The URL the bot uses: on PostgreSQL with a lock_timeout and a name to find it by."""
    if db_url.startswith("sqlite"):
        return db_url
    base, _, query = db_url.partition("?")
    params = dict(parse_qsl(query))
    options = params.get("options", "") + f" -clock_timeout={LOCK_TIMEOUT_MS}"
    params["options"] = options.strip()
    params["application_name"] = f"gridbot_outage_{uuid.uuid4().hex[:10]}"
    return f"{base}?{urlencode(params, quote_via=quote)}"


class Outage:
    """``await begin()`` takes the database away from the bot, ``await end()`` gives it back."""

    def __init__(self, db: Database, tables: tuple[str, ...] = ("inbound_messages",)) -> None:
        self.bot_url = db.url
        self.tables = tables
        self._sqlite: sqlite3.Connection | None = None
        self._pg: Any = None
        self._short = False
        self.terminated = 0
        if db.is_sqlite:
            event.listen(db.engine.sync_engine, "checkout", self._busy_timeout)

    def _busy_timeout(self, dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_MS if self._short else NORMAL_BUSY_MS}")
        cursor.close()

    @property
    def active(self) -> bool:
        return self._sqlite is not None or self._pg is not None

    async def begin(self) -> None:
        if self.bot_url.startswith("sqlite"):
            conn = sqlite3.connect(
                make_url(self.bot_url).database or "", isolation_level=None, timeout=10,
                check_same_thread=False,
            )
            self._short = True
            # In a thread: it may wait for a write of the bot's that is under way.
            await asyncio.to_thread(conn.execute, "BEGIN EXCLUSIVE")
            self._sqlite = conn
            return
        import psycopg

        base, _, query = self.bot_url.partition("?")
        params = dict(parse_qsl(query))
        bot_name = params.pop("application_name")
        conninfo = f"{base}?{urlencode(params, quote_via=quote)}"
        conn = await psycopg.AsyncConnection.connect(conninfo)
        self._pg = conn
        await conn.execute("BEGIN")
        for table in self.tables:
            await conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        cur = await conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = %s",
            (bot_name,),
        )
        row = await cur.fetchone()
        self.terminated = int(row[0]) if row else 0

    async def end(self) -> None:
        if self._sqlite is not None:
            conn, self._sqlite = self._sqlite, None
            self._short = False
            await asyncio.to_thread(conn.execute, "ROLLBACK")
            conn.close()
        if self._pg is not None:
            conn, self._pg = self._pg, None
            await conn.execute("ROLLBACK")
            await conn.close()

