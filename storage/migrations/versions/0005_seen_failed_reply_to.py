"""Ids a volunteer can find, messages that could not be handled, and reply threading.

- ``seen_chats``: groups and senders the config does not list (metadata only).
- ``failed_messages``: the dead-letter table for messages whose handling fails every time.
- ``outbox.reply_to``: the platform id of the inbound message a reply answers.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("reply_to", sa.String(255)))
    op.create_table(
        "seen_chats",
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("id", sa.String(160), nullable=False),
        sa.Column("platform", sa.String(32)),
        sa.Column("name", sa.String(200)),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "id", name="pk_seen_chats"),
    )
    op.create_table(
        "failed_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("platform_msg_id", sa.String(255), nullable=False),
        sa.Column("chat_id", sa.String(160)),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("sender_name", sa.String(200)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_failed_messages"),
        sa.UniqueConstraint(
            "platform", "platform_msg_id", name="uq_failed_messages_platform"
        ),
    )


def downgrade() -> None:
    op.drop_table("failed_messages")
    op.drop_table("seen_chats")
    op.drop_column("outbox", "reply_to")
