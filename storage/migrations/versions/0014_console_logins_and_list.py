"""Console logins remember their last sign-in; the ticket list stays fast on a million tickets.

- ``web_users.last_login_at``: the latest successful sign-in, for ``gridbot user list``;
  filled from the audit trail for logins that signed in before.
- Indexes for ``/tickets``, which walks the ticket number downwards under its filters
  (keyset paging): ``(grid_id, status, id)``, ``(status, id)``, ``(category, id)`` and
  ``(assignee_id, id)`` let a filtered page read only the rows it shows; a partial index of
  the tickets still in the works (``assigned``, ``claimed``, ``resolved``) serves 未办结 and
  超时, which are few among the many closed ones.
- Search on PostgreSQL: a trigram index (``pg_trgm``, GIN) of the summary and location with
  every character written twice. Chinese words are mostly two characters and a trigram
  index cannot look up two; doubled, "井盖" is "井井盖盖", whose trigrams it can, and the
  doubled text contains it exactly where the text contains "井盖". Where the extension
  cannot be created (no permission) the index is left out and search reads the table.
  SQLite searches with LIKE on the table as before.

Revision ID: 0014
Revises: the newest of 0010-0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None

# The doubled text; bot/web/listing.py writes the very same expression, which is what lets
# PostgreSQL use the index.
SEARCH_TEXT = (
    "regexp_replace(coalesce(summary, '') || chr(10) || coalesce(location, ''), "
    "'(.)', '\\1\\1', 'g')"
)
SEARCH_INDEX = "ix_tickets_search_trgm"
ACTIVE = "status IN ('assigned', 'claimed', 'resolved')"


def upgrade() -> None:
    with op.batch_alter_table("web_users") as batch:
        batch.add_column(sa.Column("last_login_at", sa.DateTime(timezone=True)))
    op.execute(
        "UPDATE web_users SET last_login_at = (SELECT max(a.at) FROM web_audit a "
        "WHERE a.action = 'login' AND a.user_id = web_users.id)"
    )
    op.create_index("ix_tickets_grid_status_id", "tickets", ["grid_id", "status", "id"])
    op.create_index("ix_tickets_status_id", "tickets", ["status", "id"])
    op.create_index("ix_tickets_category_id", "tickets", ["category", "id"])
    op.create_index("ix_tickets_assignee_id", "tickets", ["assignee_id", "id"])
    op.create_index(
        "ix_tickets_active_id",
        "tickets",
        ["id"],
        postgresql_where=sa.text(ACTIVE),
        sqlite_where=sa.text(ACTIVE),
    )
    if op.get_bind().dialect.name == "postgresql":
        _trigram_index()


def _trigram_index() -> None:
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError:
        return  # not permitted here: search reads the table instead
    # The extension may live in another schema (public) than the bot's tables.
    where = bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    ).scalar_one()
    bind.exec_driver_sql(
        f'CREATE INDEX {SEARCH_INDEX} ON tickets USING gin (({SEARCH_TEXT}) "{where}".gin_trgm_ops)'
    )


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")
    op.drop_index("ix_tickets_active_id", table_name="tickets")
    op.drop_index("ix_tickets_assignee_id", table_name="tickets")
    op.drop_index("ix_tickets_category_id", table_name="tickets")
    op.drop_index("ix_tickets_status_id", table_name="tickets")
    op.drop_index("ix_tickets_grid_status_id", table_name="tickets")
    with op.batch_alter_table("web_users") as batch:
        batch.drop_column("last_login_at")
