"""The standing weekly shifts live in the database, like the directory (issue 16, points 2-3).

- ``duty_shifts``: one row per shift (grid, days, window, workers, rotation, label), seeded
  from the config's ``[[duty.shifts]]`` on the next start and edited on the console's 值班
  page afterwards; ``gridbot import`` re-applies a config's.
- ``directory_state.shifts_seeded``: false on every database from before this, so the next
  start stores its config's shifts once (the directory itself is seeded already there).

Revision ID: 0016
Revises: the newest before it
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duty_shifts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("grid_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("starts", sa.String(5), nullable=False),
        sa.Column("ends", sa.String(5), nullable=False),
        sa.Column("workers", sa.JSON()),
        sa.Column("rotation", sa.String(16), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_duty_shifts"),
    )
    with op.batch_alter_table("directory_state") as batch:
        batch.add_column(
            sa.Column("shifts_seeded", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("directory_state") as batch:
        batch.drop_column("shifts_seeded")
    op.drop_table("duty_shifts")
