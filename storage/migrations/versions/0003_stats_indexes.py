"""Indexes for statistics: first claim per ticket, and open tickets by category and age.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ticket_events_ticket_kind_at", "ticket_events", ["ticket_id", "kind", "at"])
    op.create_index("ix_tickets_status_category_created", "tickets", ["status", "category", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_tickets_status_category_created", table_name="tickets")
    op.drop_index("ix_ticket_events_ticket_kind_at", table_name="ticket_events")
