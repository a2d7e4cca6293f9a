"""Outbox rows keep their text as parts, and say whether a quiet-hours hold copies them.

- ``outbox.parts``: the text as strings and mentions (JSON); NULL on older rows, which the
  sender still reads from ``text`` and ``mentions`` as before.
- ``outbox.copy_when_held``: when quiet hours hold the row, the people it mentions are told
  privately at once (the decision is the outbox sender's, made once, at send time).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("parts", sa.JSON()))
        batch.add_column(
            sa.Column("copy_when_held", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("copy_when_held")
        batch.drop_column("parts")
