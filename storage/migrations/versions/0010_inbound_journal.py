"""Incoming messages are journalled before they are handled (issue 15, point 6).

- ``inbound_journal``: a message as it arrived, from receipt until the transaction that
  handles it (or sets it aside) deletes it; what a crash leaves here is replayed on the
  next start. Empty on upgrade: nothing was journalled before.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbound_journal",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("platform_msg_id", sa.String(255), nullable=False),
        sa.Column("chat", sa.String(160), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inbound_journal"),
        sa.UniqueConstraint("platform", "platform_msg_id", name="uq_inbound_journal_platform"),
    )


def downgrade() -> None:
    op.drop_table("inbound_journal")
