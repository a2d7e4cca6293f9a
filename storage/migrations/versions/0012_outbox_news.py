"""Outbox rows say what news they carry about their ticket.

- ``outbox.news``: ``dispatch``, ``reassurance``, ``claimed``, ``rating`` or
  ``confirmation`` (bot.vocabulary.News). A row held for quiet hours is sent in the
  morning only while its ticket is still in the state that makes it news (a 请接单 for a
  ticket claimed overnight is dropped); a confirmation to the worker who just spoke is
  never held. NULL on every existing row: those are always news, as before.

Revision ID: 0012
Revises: 0011 (0010 until 0011 is here)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("news", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("news")
