"""The ticket state machine: which actions are allowed from which status.

Kept apart from storage so the rules can be read, and tested exhaustively, on their own.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    ASSIGNED = "assigned"
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Action(StrEnum):
    CLAIM = "claim"
    RESOLVE = "resolve"
    RATE = "rate"  # satisfied or fairly satisfied: closes
    REOPEN = "reopen"  # a dissatisfied rating
    EXPIRE = "expire"  # no rating in time: closes without one
    CANCEL = "cancel"
    TRANSFER = "transfer"  # a new assignee who must claim again


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
}

STATUS_LABELS = {
    Status.ASSIGNED: "待接单",
    Status.CLAIMED: "处理中",
    Status.RESOLVED: "已处理，待评价",
    Status.CLOSED: "已办结",
    Status.CANCELLED: "已撤销",
}

# What each kind of ticket event is called in a timeline (查询 #N, the console).
EVENT_LABELS = {
    "opened": "登记",
    "claim": "接单",
    "resolve": "办结",
    "rate": "评价",
    "reopen": "不满意，重新打开",
    "expire": "超时未评价，自动结案",
    "cancel": "撤销",
    "cancel_request": "居民要求撤销（未撤销）",
    "transfer": "转派",
    "followup": "居民追问",
    "merged": "合并重复反映",
    "escalate": "升级",
    "escalated": "升级",
    "overdue_warning": "超时预警",
    "overdue": "超时",
    "overdue_report": "超时上报",
    "note": "备注",
}
RATING_LABELS = {"satisfied": "满意", "fair": "基本满意", "dissatisfied": "不满意"}


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
