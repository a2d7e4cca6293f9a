"""The words the bot's parts say to each other: roles, ticket event kinds, timer kinds,
stages, ratings and category codes.

Each is a ``StrEnum`` whose values are the strings stored in the database and printed in
JSON, so typing them changes no row and no output. This module sits at the bottom of
``bot`` (below ``config``) and imports nothing of the project: anything may use it.
Chinese labels for people live with the wording, not here; what people type that the bot
recognises (command verbs, yes, thanks, ticket numbers) is in ``bot.vocabulary.recognition``.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Who someone is to the bot. Anyone the config does not list is a resident."""

    RESIDENT = "resident"
    WORKER = "worker"
    LEADER = "leader"
    STAFF = "staff"
    ADMIN = "admin"


# The roles a ``[[people]]`` entry may have (config.example.toml); ``worker`` by default.
CONFIG_ROLES = (Role.WORKER, Role.LEADER, Role.STAFF, Role.ADMIN)
# Community staff: may see and act on every grid's tickets.
STAFF_ROLES = (Role.STAFF, Role.ADMIN)


class EventKind(StrEnum):
    """What a ticket event records (``ticket_events.kind``). The first eight are the
    lifecycle actions (``bot.domain.lifecycle.Action``) and carry the same values."""

    OPENED = "opened"
    CLAIM = "claim"
    RESOLVE = "resolve"
    RATE = "rate"
    REOPEN = "reopen"
    EXPIRE = "expire"
    CANCEL = "cancel"
    TRANSFER = "transfer"
    CANCEL_REQUEST = "cancel_request"  # a resident asked to withdraw; the ticket stays open
    FOLLOWUP = "followup"  # the reporter asked how it is going
    REPORT_ADDED = "report_added"  # another report of the same problem joined the ticket
    ESCALATE = "escalate"  # one step of the escalation ladder
    OVERDUE_WARNING = "overdue_warning"
    OVERDUE = "overdue"
    OVERDUE_REPORT = "overdue_report"
    NOTE = "note"  # a remark on the ticket: written on the console, or a worker's progress
    ATTACHMENT = "attachment"  # a photo sent about the ticket
    HAND_UP = "hand_up"  # 上报: handed up to the 街道 or the 12345 hotline
    HAND_BACK = "hand_back"  # 回流: came back from there with the outcome


class AttachmentKind(StrEnum):
    """What a photo on a ticket shows (``tickets.attachments[].kind``)."""

    REPORT = "report"  # the reporter's photo of the problem
    HANDLING = "handling"  # 处理照片: the worker's photo of the work


class TimerKind(StrEnum):
    """What a timer row wakes the bot for (``timers.kind``)."""

    RATING_TIMEOUT = "rating_timeout"
    ESCALATE = "escalate"
    OVERDUE = "overdue"
    DUTY_DAILY = "duty_daily"
    DAILY_REPORT = "daily_report"
    WEEKLY_REPORT = "weekly_report"
    PRIVACY_PURGE = "privacy_purge"


class OverdueStage(StrEnum):
    """The three overdue reminders of a ticket: before the limit, at it, and the report
    to the leader and staff some time after it."""

    WARN = "warn"
    DUE = "due"
    REPORT = "report"


class EscalationStep(StrEnum):
    """Who one step of the escalation ladder brings in (levels 1, 2, 3)."""

    WORKER = "worker"
    LEADER = "leader"
    STAFF = "staff"


class News(StrEnum):
    """What a message about a ticket tells, kept with it in the outbox so that a message
    held for quiet hours is sent in the morning only while it is still news (see
    ``bot.runtime.quiet_hours``). A message with none is always news."""

    DISPATCH = "dispatch"  # a new ticket, 请接单: news while nobody has claimed it
    REASSURANCE = "reassurance"  # 正在加紧安排: news while nobody has claimed it
    CLAIMED = "claimed"  # someone took it: news while it is being handled
    RATING = "rating"  # done, please rate: news while the rating is awaited
    CONFIRMATION = "confirmation"  # the answer to the worker who just spoke: never held


class HandUpLevel(StrEnum):
    """Where a ticket the community cannot solve is handed up to (上报)."""

    STREET = "street"  # 街道
    HOTLINE = "hotline"  # 12345 热线


class Rating(StrEnum):
    """A reporter's verdict on a resolved ticket."""

    SATISFIED = "satisfied"
    FAIR = "fair"
    DISSATISFIED = "dissatisfied"


class Category(StrEnum):
    """Request categories; the codes are part of the public contract (DESIGN.md)."""

    MUNICIPAL = "municipal"
    BUILDING = "building"
    UTILITY = "utility"
    SANITATION = "sanitation"
    SAFETY = "safety"
    CARE = "care"
    DISPUTE = "dispute"
    ORDER = "order"
    CONSULT = "consult"
    WISH = "wish"
    OTHER = "other"


# The codes as plain strings, in the order above (for messages naming the known ones).
CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)
