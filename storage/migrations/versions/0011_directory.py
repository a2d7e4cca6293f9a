"""The directory lives in the database (issue 16, point 3).

The config's grids, groups and people seed these tables on first start; afterwards the
console and ``gridbot import`` change them, and each process notices through
``directory_state.version``.

- ``grids.workers`` (duty order) and ``grids.buildings``: what only the config held before.
- ``people.phone``; ``people.retired_at``, ``grids.retired_at``, ``groups.retired_at``: a
  retired entry leaves the directory but keeps its row, since tickets and figures name it.
- ``directory_state``: one row once seeded. No row (every database from before this) means
  "not seeded yet": the next start fills the new columns from its config, as every start
  did until now.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("grids") as batch:
        batch.add_column(sa.Column("workers", sa.JSON()))
        batch.add_column(sa.Column("buildings", sa.JSON()))
        batch.add_column(sa.Column("retired_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("groups") as batch:
        batch.add_column(sa.Column("retired_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("phone", sa.String(32)))
        batch.add_column(sa.Column("retired_at", sa.DateTime(timezone=True)))
    op.create_table(
        "directory_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_directory_state"),
    )


def downgrade() -> None:
    op.drop_table("directory_state")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("retired_at")
        batch.drop_column("phone")
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("retired_at")
    with op.batch_alter_table("grids") as batch:
        batch.drop_column("retired_at")
        batch.drop_column("buildings")
        batch.drop_column("workers")
