"""The ticket state machine: which actions are allowed from which status.

Kept apart from storage so the rules can be read, and tested exhaustively, on their own.
"""

from __future__ import annotations

from enum import StrEnum

from bot.vocabulary import EventKind, HandUpLevel, Rating


class Status(StrEnum):
    ASSIGNED = "assigned"
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    HANDED_UP = "handed_up"  # 已上报: with the 街道 or 12345, out of the community's chase


class Action(StrEnum):
    """A change of status; each is recorded as the event kind of the same value."""

    CLAIM = EventKind.CLAIM.value
    RESOLVE = EventKind.RESOLVE.value
    RATE = EventKind.RATE.value  # satisfied or fairly satisfied: closes
    REOPEN = EventKind.REOPEN.value  # a dissatisfied rating
    EXPIRE = EventKind.EXPIRE.value  # no rating in time: closes without one
    CANCEL = EventKind.CANCEL.value
    TRANSFER = EventKind.TRANSFER.value  # a new assignee who must claim again
    HAND_UP = EventKind.HAND_UP.value  # 上报 to the 街道 or 12345
    HAND_BACK = EventKind.HAND_BACK.value  # 回流: back with the outcome, awaiting the rating

    @property
    def event(self) -> EventKind:
        return EventKind(self.value)


OPEN_STATUSES = (Status.ASSIGNED, Status.CLAIMED)
ACTIVE_STATUSES = (Status.ASSIGNED, Status.CLAIMED, Status.RESOLVED)

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.ASSIGNED, Action.CLAIM): Status.CLAIMED,
    (Status.ASSIGNED, Action.CANCEL): Status.CANCELLED,
    (Status.ASSIGNED, Action.TRANSFER): Status.ASSIGNED,
    (Status.CLAIMED, Action.RESOLVE): Status.RESOLVED,
    (Status.CLAIMED, Action.CANCEL): Status.CANCELLED,
    (Status.CLAIMED, Action.TRANSFER): Status.ASSIGNED,
    (Status.RESOLVED, Action.RATE): Status.CLOSED,
    (Status.RESOLVED, Action.REOPEN): Status.CLAIMED,
    (Status.RESOLVED, Action.EXPIRE): Status.CLOSED,
    (Status.ASSIGNED, Action.HAND_UP): Status.HANDED_UP,
    (Status.CLAIMED, Action.HAND_UP): Status.HANDED_UP,
    (Status.HANDED_UP, Action.HAND_BACK): Status.RESOLVED,
}

STATUS_LABELS = {
    Status.ASSIGNED: "待接单",
    Status.CLAIMED: "处理中",
    Status.RESOLVED: "已处理，待评价",
    Status.CLOSED: "已办结",
    Status.CANCELLED: "已撤销",
    Status.HANDED_UP: "已上报",
}

# Where a ticket was handed up to, as people say it ("已上报街道").
HAND_UP_LABELS = {
    HandUpLevel.STREET: "街道",
    HandUpLevel.HOTLINE: "12345热线",
}

# What each kind of ticket event is called in a timeline (查询 #N, the console): every
# kind has one (tests/test_lifecycle.py), so staff never see a raw kind.
EVENT_LABELS: dict[str, str] = {
    EventKind.OPENED: "登记",
    EventKind.CLAIM: "接单",
    EventKind.RESOLVE: "办结",
    EventKind.RATE: "评价",
    EventKind.REOPEN: "不满意，重新打开",
    EventKind.EXPIRE: "超时未评价，自动结案",
    EventKind.CANCEL: "撤销",
    EventKind.CANCEL_REQUEST: "居民要求撤销（未撤销）",
    EventKind.TRANSFER: "转派",
    EventKind.FOLLOWUP: "居民追问",
    EventKind.REPORT_ADDED: "合并重复反映",
    EventKind.ESCALATE: "升级",
    EventKind.OVERDUE_WARNING: "办理时限将到，已提醒",
    EventKind.OVERDUE: "已到办理时限",
    EventKind.OVERDUE_REPORT: "超过办理时限，已报督办",
    EventKind.NOTE: "备注",
    EventKind.ATTACHMENT: "照片",
    EventKind.HAND_UP: "上报",
    EventKind.HAND_BACK: "回流",
}
RATING_LABELS = {
    Rating.SATISFIED: "满意",
    Rating.FAIR: "基本满意",
    Rating.DISSATISFIED: "不满意",
}


class IllegalTransition(Exception):
    def __init__(self, status: Status, action: Action) -> None:
        super().__init__(f"cannot {action.value} a ticket that is {status.value}")
        self.status = status
        self.action = action


def next_status(status: Status | str, action: Action) -> Status:
    current = Status(status)
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise IllegalTransition(current, action) from None


def allowed(status: Status | str, action: Action) -> bool:
    return (Status(status), action) in TRANSITIONS
