"""Tickets keep the worker's resolution words and the photos sent about them.

- ``tickets.note``: 办理情况, the worker's words beyond the resolve phrase ("井盖已经换了新的").
- ``tickets.attachments``: photos residents and workers sent about the ticket, as a JSON
  list of ``{"from", "at", "kind", "media"}``.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("note", sa.Text()))
        batch.add_column(sa.Column("attachments", sa.JSON()))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("attachments")
        batch.drop_column("note")
