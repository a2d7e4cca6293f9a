"""The database schema. Changes here need an Alembic migration in storage/migrations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Stores instants in UTC and always hands back aware datetimes.

    SQLite forgets time zones; without this, a ticket created at 09:00+08:00 would come back
    as a naive 01:00 after a restart and every timer would be off by eight hours.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class GridRow(Base):
    __tablename__ = "grids"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    leader_id: Mapped[str | None] = mapped_column(String(128))
    # The workers in duty order, and the buildings the grid covers (issue 16, point 3).
    workers: Mapped[list[Any] | None] = mapped_column(JSON)
    buildings: Mapped[list[Any] | None] = mapped_column(JSON)
    retired_at: Mapped[datetime | None]


class GroupRow(Base):
    __tablename__ = "groups"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    grid_id: Mapped[str | None] = mapped_column(String(64))
    platform: Mapped[str | None] = mapped_column(String(32))
    retired_at: Mapped[datetime | None]


class PersonRow(Base):
    """Everyone the bot has met: configured staff, and residents as they first write."""

    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default="resident")
    grid_id: Mapped[str | None] = mapped_column(String(64))
    duty_order: Mapped[int | None] = mapped_column(Integer)
    first_seen: Mapped[datetime | None]
    phone: Mapped[str | None] = mapped_column(String(32))
    # A retired member of staff keeps the row (tickets name them) but leaves the directory.
    retired_at: Mapped[datetime | None]


class DirectoryStateRow(Base):
    """One row once the directory has been seeded: ``version`` goes up with every change,
    so each process (the bot, the console) notices a change with one cheap read.
    ``stamp`` tells two databases apart for a process's cache."""

    __tablename__ = "directory_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stamp: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    changed_at: Mapped[datetime | None]
    # Whether the standing shifts live in ``duty_shifts`` yet (a database seeded before
    # they did has its directory but not its shifts: the next start stores the config's).
    shifts_seeded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class DutyShiftRow(Base):
    """A standing weekly shift of a grid (``[[duty.shifts]]`` once seeded; the console's
    值班 page edits them). ``workers`` None: the grid's workers as the directory lists them.
    Removed shifts are deleted: nothing else names a shift."""

    __tablename__ = "duty_shifts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    grid_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    days: Mapped[list[Any]] = mapped_column(JSON)
    starts: Mapped[str] = mapped_column(String(5))  # "08:30"
    ends: Mapped[str] = mapped_column(String(5))
    workers: Mapped[list[Any] | None] = mapped_column(JSON)
    rotation: Mapped[str] = mapped_column(String(16), default="none")
    label: Mapped[str] = mapped_column(String(64), default="")


class InboundMessageRow(Base):
    """Every message the bot accepted, keyed by the platform's id so redelivery is a no-op."""

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("platform", "platform_msg_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    platform_msg_id: Mapped[str] = mapped_column(String(255))
    chat_id: Mapped[str | None] = mapped_column(String(128))
    sender_id: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="text")
    received_at: Mapped[datetime]
    # No foreign key: tickets already point back here, and a cycle breaks table ordering.
    ticket_id: Mapped[int | None] = mapped_column(Integer, index=True)
    handled_by: Mapped[str | None] = mapped_column(String(64))


class InboundJournalRow(Base):
    """A message as it arrived, written before anything is done with it and deleted in the
    transaction that handles it (or sets it aside), so a crash mid-way loses nothing: the
    next start replays what is left, in the order it came. Text lives here only until the
    message is handled (issue 15, privacy)."""

    __tablename__ = "inbound_journal"
    __table_args__ = (UniqueConstraint("platform", "platform_msg_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    platform_msg_id: Mapped[str] = mapped_column(String(255))
    chat: Mapped[str] = mapped_column(String(160))
    received_at: Mapped[datetime]
    # The whole message as the adapter gave it (text, sender, quote, mentions...).
    payload: Mapped[dict[str, Any]]


class TicketRow(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status_grid", "status", "grid_id"),
        Index("ix_tickets_assignee_status", "assignee_id", "status"),
        Index("ix_tickets_reporter_status", "reporter_id", "status"),
        Index("ix_tickets_created_at", "created_at"),
        Index("ix_tickets_status_category_created", "status", "category", "created_at"),
        Index("ix_tickets_grid_created", "grid_id", "created_at"),
        # The console's list walks the ticket number under its filters (migration 0014;
        # on PostgreSQL also ix_tickets_search_trgm, a trigram index for its search).
        Index("ix_tickets_grid_status_id", "grid_id", "status", "id"),
        Index("ix_tickets_status_id", "status", "id"),
        Index("ix_tickets_category_id", "category", "id"),
        Index("ix_tickets_assignee_id", "assignee_id", "id"),
        Index(
            "ix_tickets_active_id",
            "id",
            postgresql_where=text("status IN ('assigned', 'claimed', 'resolved')"),
            sqlite_where=text("status IN ('assigned', 'claimed', 'resolved')"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32))
    urgent: Mapped[bool] = mapped_column(default=False)
    grid_id: Mapped[str | None] = mapped_column(String(64))
    group_id: Mapped[str | None] = mapped_column(String(128))
    platform: Mapped[str | None] = mapped_column(String(32))
    reporter_id: Mapped[str] = mapped_column(String(128))
    assignee_id: Mapped[str | None] = mapped_column(String(128))
    summary: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(200))
    evidence: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]  # the current claim (a transfer clears it)
    first_claimed_at: Mapped[datetime | None]  # the first claim ever: time to respond
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # 上报: where the ticket was handed up to (street / hotline); kept after it comes back.
    handed_up: Mapped[str | None] = mapped_column(String(16))
    rating: Mapped[str | None] = mapped_column(String(16))
    dissatisfied: Mapped[int] = mapped_column(default=0, server_default="0")  # 不满意 verdicts
    escalation_level: Mapped[int] = mapped_column(default=0)
    reports: Mapped[int] = mapped_column(default=1)
    source_message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    # 办理情况: the worker's own words about what was done, said with the resolve.
    note: Mapped[str | None] = mapped_column(Text)
    # Photos people sent about the ticket: [{"from", "at", "kind", "media"}], oldest first.
    attachments: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class TicketEventRow(Base):
    """Append-only history: nothing in the code updates or deletes these rows."""

    __tablename__ = "ticket_events"
    __table_args__ = (
        Index("ix_ticket_events_ticket", "ticket_id", "id"),
        Index("ix_ticket_events_ticket_kind_at", "ticket_id", "kind", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    at: Mapped[datetime]
    actor_id: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    detail: Mapped[dict[str, Any] | None]
    message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))


class OutboxRow(Base):
    """A message to send, written in the same transaction as the change it reports."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "failed_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str | None] = mapped_column(String(32))
    chat: Mapped[str] = mapped_column(String(160))
    text: Mapped[str] = mapped_column(Text)
    mentions: Mapped[list[Any]] = mapped_column(default=list)
    kind: Mapped[str] = mapped_column(String(16), default="text")
    attachment: Mapped[str | None] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(default=False)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    platform_msg_id: Mapped[str | None] = mapped_column(String(255))
    # The platform id of the inbound message this answers, so a platform that threads
    # replies (WeCom's AI bot) attaches it to that message and not to a neighbour's.
    reply_to: Mapped[str | None] = mapped_column(String(255))
    # The text as parts (strings and {"mention": id, "name": name}), so each adapter renders
    # mentions its own way; None on rows written before parts, whose text is all there is.
    parts: Mapped[list[Any] | None] = mapped_column(JSON)
    # Held for quiet hours, the people this row mentions hear it privately at once.
    copy_when_held: Mapped[bool] = mapped_column(default=False)
    # What the row tells about its ticket (bot.vocabulary.News), so a row held for quiet
    # hours is dropped in the morning once it is no longer news; None: always news.
    news: Mapped[str | None] = mapped_column(String(16))


class TimerRow(Base):
    """A wake-up the bot owes itself. APScheduler only wakes the process to look here."""

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_due", "done_at", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    due_at: Mapped[datetime]
    payload: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16))


class DutyOverrideRow(Base):
    """A roster change made in chat (换班): ``person`` is on duty on ``day`` instead of
    ``replaces``. Append-only: a swap is two rows, and a correction is a new row, so the
    roster's history can be audited like a ticket's."""

    __tablename__ = "duty_overrides"
    __table_args__ = (Index("ix_duty_overrides_day", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[date] = mapped_column(Date)
    person_id: Mapped[str] = mapped_column(String(128))
    replaces_id: Mapped[str | None] = mapped_column(String(128))
    grid_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="swap")
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
    message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))


class DutyLeaveRow(Base):
    """A worker away between two dates (请假), as entered in chat. Append-only."""

    __tablename__ = "duty_leave"
    __table_args__ = (Index("ix_duty_leave_person", "person_id", "first_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(128))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
    message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))


class SeenChatRow(Base):
    """A group or sender the config does not list, so a volunteer can find its id.

    Only metadata is kept (never the text): these are strangers' chats the bot does not
    serve, or residents who wrote in a served group.
    """

    __tablename__ = "seen_chats"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # group | person
    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    platform: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(200))
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    messages: Mapped[int] = mapped_column(default=0)


class FailedMessageRow(Base):
    """A message whose handling failed every time (a bug, not an outage): kept with its
    error so an admin can see it (``gridbot failed``) instead of it vanishing into a log."""

    __tablename__ = "failed_messages"
    __table_args__ = (UniqueConstraint("platform", "platform_msg_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    platform_msg_id: Mapped[str] = mapped_column(String(255))
    chat_id: Mapped[str | None] = mapped_column(String(160))
    sender_id: Mapped[str] = mapped_column(String(128))
    sender_name: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="text")
    received_at: Mapped[datetime]
    failed_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=1)
    error: Mapped[str] = mapped_column(Text)


class WebUserRow(Base):
    """A console login for a person of the directory; their role and grids come from there.

    ``session_epoch`` grows when the password changes or the login is disabled, which ends
    every session signed in before (sessions carry the epoch they began with)."""

    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    password_changed_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    last_login_at: Mapped[datetime | None]  # the latest successful sign-in


class WebLoginAttemptRow(Base):
    """Every password check on the console, for throttling repeated wrong passwords."""

    __tablename__ = "web_login_attempts"
    __table_args__ = (
        Index("ix_web_login_attempts_login_at", "login", "at"),
        Index("ix_web_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    login: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool]


class WebAuditRow(Base):
    """One change made through the console: who, what, when, from where. Append-only."""

    __tablename__ = "web_audit"
    __table_args__ = (
        Index("ix_web_audit_at", "at"),
        Index("ix_web_audit_ticket", "ticket_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(Integer)
    login: Mapped[str | None] = mapped_column(String(64))
    person_id: Mapped[str | None] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any] | None]
    address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class WebKeyRow(Base):
    """The secret that encrypts console session cookies, shared by every process."""

    __tablename__ = "web_keys"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
