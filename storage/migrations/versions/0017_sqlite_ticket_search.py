"""Search of the ticket list on SQLite through a full-text index (issue 16).

- ``tickets_search``: an FTS5 table with the trigram tokenizer over the tickets' summary and
  location, external content (it keeps only the index; the text stays in ``tickets``, rowid =
  ticket number). A phrase of three or more characters is looked up there instead of reading
  every ticket with LIKE, which took over a second on a million tickets for a rare word.
- Triggers keep it in step on every insert, delete and update of the summary or location,
  whoever writes (the bot, the console, the privacy purge that rewrites old summaries), so no
  code has to remember it. A later migration that rebuilds ``tickets`` (a batch ALTER on
  SQLite copies the table and drops the old one) drops these triggers with it and must make
  them again (``create_triggers``) and rebuild the index.
- Filled once from the tickets already there (``rebuild``): about a minute per million.

PostgreSQL already searches through its trigram index (0014): nothing happens there.

Revision ID: 0017
Revises: the newest before it
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TABLE = "tickets_search"
TRIGGERS = {
    "tickets_search_insert": (
        "AFTER INSERT ON tickets BEGIN "
        f"INSERT INTO {TABLE} (rowid, summary, location) "
        "VALUES (new.id, new.summary, new.location); END"
    ),
    "tickets_search_delete": (
        "AFTER DELETE ON tickets BEGIN "
        f"INSERT INTO {TABLE} ({TABLE}, rowid, summary, location) "
        "VALUES ('delete', old.id, old.summary, old.location); END"
    ),
    "tickets_search_update": (
        "AFTER UPDATE OF id, summary, location ON tickets BEGIN "
        f"INSERT INTO {TABLE} ({TABLE}, rowid, summary, location) "
        "VALUES ('delete', old.id, old.summary, old.location); "
        f"INSERT INTO {TABLE} (rowid, summary, location) "
        "VALUES (new.id, new.summary, new.location); END"
    ),
}


def create_triggers() -> None:
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    try:
        with bind.begin_nested():
            bind.exec_driver_sql(
                f"CREATE VIRTUAL TABLE {TABLE} USING fts5(summary, location, "
                "content='tickets', content_rowid='id', tokenize='trigram')"
            )
    except sa.exc.OperationalError:
        return  # an SQLite without FTS5's trigrams (before 3.34): search reads the table
    create_triggers()
    op.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DROP TABLE IF EXISTS {TABLE}")
