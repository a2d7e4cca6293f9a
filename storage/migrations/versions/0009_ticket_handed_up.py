"""Tickets remember where they were handed up to (上报 to the 街道 or the 12345 hotline).

- ``tickets.handed_up``: ``street`` or ``hotline`` once the ticket is handed up; it stays
  after the ticket comes back (回流), so the figures can count what was handed up. NULL for
  every existing ticket: nothing was handed up before this.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("handed_up", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("handed_up")
