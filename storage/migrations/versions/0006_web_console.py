"""The office console: logins, login attempts (throttling), an audit trail, a signing key.

- ``web_users``: a login for a person of the directory (role and grids come from there),
  with an argon2 hash of the password; ``session_epoch`` grows when the password changes
  or the login is disabled, which ends every session signed in before.
- ``web_login_attempts``: every password check, for throttling repeated wrong passwords
  per login and per address.
- ``web_audit``: one row for every change made through the console (who, what, when, from
  which address), append-only like ``ticket_events``.
- ``web_keys``: the secret that encrypts session cookies, made on first start and shared by
  every process serving the console on the same database.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(128), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True)),
        sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="pk_web_users"),
        sa.UniqueConstraint("login", name="uq_web_users_login"),
    )
    op.create_table(
        "web_login_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_web_login_attempts"),
    )
    op.create_index("ix_web_login_attempts_login_at", "web_login_attempts", ["login", "at"])
    op.create_index("ix_web_login_attempts_address_at", "web_login_attempts", ["address", "at"])
    op.create_table(
        "web_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer()),
        sa.Column("login", sa.String(64)),
        sa.Column("person_id", sa.String(128)),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("ticket_id", sa.Integer()),
        sa.Column("detail", sa.JSON()),
        sa.Column("address", sa.String(64)),
        sa.Column("user_agent", sa.String(300)),
        sa.PrimaryKeyConstraint("id", name="pk_web_audit"),
    )
    op.create_index("ix_web_audit_at", "web_audit", ["at"])
    op.create_index("ix_web_audit_ticket", "web_audit", ["ticket_id", "id"])
    op.create_table(
        "web_keys",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_web_keys"),
    )


def downgrade() -> None:
    op.drop_table("web_keys")
    op.drop_index("ix_web_audit_ticket", table_name="web_audit")
    op.drop_index("ix_web_audit_at", table_name="web_audit")
    op.drop_table("web_audit")
    op.drop_index("ix_web_login_attempts_address_at", table_name="web_login_attempts")
    op.drop_index("ix_web_login_attempts_login_at", table_name="web_login_attempts")
    op.drop_table("web_login_attempts")
    op.drop_table("web_users")
