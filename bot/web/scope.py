"""Who is looking, and what they may see and change: the same lines as in chat.

Staff and admins see and change every grid; a grid leader sees and changes only the
tickets of their grids; a grid worker sees the tickets assigned to them and may add notes
to those. Residents' phone numbers (in the words residents wrote) are shown to staff and
admins only; everyone else sees them masked, as in a group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import false

from bot.runtime.context import STAFF_ROLES, Sender
from storage.models import TicketRow

ROLE_LABELS = {
    "admin": "管理员",
    "staff": "社区工作人员",
    "leader": "网格长",
    "worker": "网格员",
}


@dataclass(frozen=True, slots=True)
class Viewer:
    user_id: int
    login: str
    sender: Sender
    epoch: int

    @property
    def person_id(self) -> str:
        return self.sender.id

    @property
    def role(self) -> str:
        return self.sender.role

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def grids(self) -> tuple[str, ...] | None:
        """The grids this person may see; None for all."""
        return None if self.is_staff else self.sender.grids

    @property
    def own(self) -> str | None:
        """A worker sees only their own tickets."""
        return self.sender.id if self.role == "worker" else None

    @property
    def sees_phones(self) -> bool:
        return self.is_staff

    @property
    def may_manage(self) -> bool:
        """Transfer and cancel: leaders (their grids) and staff, as in chat."""
        return self.is_staff or self.role == "leader"

    @property
    def sees_figures(self) -> bool:
        return self.may_manage

    def may_see(self, ticket: TicketRow) -> bool:
        if self.is_staff:
            return True
        if self.own is not None:
            return ticket.assignee_id == self.own
        return ticket.grid_id in self.sender.grids

    def may_change(self, ticket: TicketRow) -> bool:
        return self.may_manage and self.may_see(ticket)

    def conditions(self) -> list[Any]:
        """SQL conditions limiting a ticket query to what this viewer may see."""
        if self.is_staff:
            return []
        if self.own is not None:
            return [TicketRow.assignee_id == self.own]
        if not self.sender.grids:
            return [false()]
        return [TicketRow.grid_id.in_(self.sender.grids)]
