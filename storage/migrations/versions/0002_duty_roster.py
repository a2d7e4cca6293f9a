"""duty roster changes made in chat: overrides (换班) and leave (请假)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duty_overrides",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("person_id", sa.String(length=128), nullable=False),
        sa.Column("replaces_id", sa.String(length=128), nullable=True),
        sa.Column("grid_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_duty_overrides_message_id_inbound_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_overrides")),
    )
    with op.batch_alter_table("duty_overrides", schema=None) as batch_op:
        batch_op.create_index("ix_duty_overrides_day", ["day"], unique=False)

    op.create_table(
        "duty_leave",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=128), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_duty_leave_message_id_inbound_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_leave")),
    )
    with op.batch_alter_table("duty_leave", schema=None) as batch_op:
        batch_op.create_index("ix_duty_leave_person", ["person_id", "first_day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("duty_leave", schema=None) as batch_op:
        batch_op.drop_index("ix_duty_leave_person")
    op.drop_table("duty_leave")
    with op.batch_alter_table("duty_overrides", schema=None) as batch_op:
        batch_op.drop_index("ix_duty_overrides_day")
    op.drop_table("duty_overrides")
