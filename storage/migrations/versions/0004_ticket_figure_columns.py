"""Figures read from the ticket row: first claim time and number of 不满意 verdicts.

Both were only in ticket_events, so every 统计 looked them up per ticket. They are now kept
on the ticket by the lifecycle (bot/domain/tickets.py) and backfilled here from the events, with
the same rules the figures used before: the earliest ``claim`` event, and the ``reopen``
events whose detail says ``{"rating": "dissatisfied"}``. Tickets without such events keep
NULL and 0. One UPDATE pass, two index lookups per ticket (ix_ticket_events_ticket_kind_at).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): SQLite adds a column with a constant default
    # without rewriting the table.
    op.add_column("tickets", sa.Column("first_claimed_at", sa.DateTime(timezone=True)))
    op.add_column(
        "tickets",
        sa.Column("dissatisfied", sa.Integer(), nullable=False, server_default="0"),
    )
    tickets = sa.table(
        "tickets",
        sa.column("id", sa.Integer),
        sa.column("first_claimed_at", sa.DateTime(timezone=True)),
        sa.column("dissatisfied", sa.Integer),
    )
    events = sa.table(
        "ticket_events",
        sa.column("ticket_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("detail", sa.JSON),
    )
    first_claim = (
        sa.select(sa.func.min(events.c.at))
        .where(events.c.ticket_id == tickets.c.id, events.c.kind == "claim")
        .scalar_subquery()
    )
    unhappy = (
        sa.select(sa.func.count())
        .select_from(events)
        .where(
            events.c.ticket_id == tickets.c.id,
            events.c.kind == "reopen",
            events.c.detail["rating"].as_string() == "dissatisfied",
        )
        .scalar_subquery()
    )
    op.execute(sa.update(tickets).values(first_claimed_at=first_claim, dissatisfied=unhappy))
    op.create_index("ix_tickets_grid_created", "tickets", ["grid_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_tickets_grid_created", table_name="tickets")
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.drop_column("dissatisfied")
        batch_op.drop_column("first_claimed_at")
