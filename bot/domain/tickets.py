"""Changing tickets: every change goes through here so it is checked and recorded.

Each method applies one lifecycle action, stamps the matching timestamp and appends one
event. Callers decide what to say about it; this module never produces chat text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.lifecycle import Action, Status, next_status
from bot.vocabulary import AttachmentKind, EventKind, Rating, TimerKind
from storage.models import TicketEventRow, TicketRow, TimerRow
from storage.repo import Store

RATING_TIMEOUT = TimerKind.RATING_TIMEOUT


@dataclass(frozen=True, slots=True)
class NewTicket:
    category: str
    urgent: bool
    grid_id: str | None
    group_id: str | None
    platform: str | None
    reporter_id: str
    assignee_id: str | None
    summary: str
    location: str | None
    evidence: dict[str, Any] | None
    source_message_id: int | None


class Tickets:
    def __init__(self, store: Store, now: datetime) -> None:
        self.store = store
        self.now = now

    async def open(self, new: NewTicket) -> TicketRow:
        ticket = await self.store.add_ticket(
            TicketRow(
                status=Status.ASSIGNED,
                category=new.category,
                urgent=new.urgent,
                grid_id=new.grid_id,
                group_id=new.group_id,
                platform=new.platform,
                reporter_id=new.reporter_id,
                assignee_id=new.assignee_id,
                summary=new.summary,
                location=new.location,
                evidence=new.evidence,
                created_at=self.now,
                escalation_level=0,
                dissatisfied=0,
                reports=1,
                source_message_id=new.source_message_id,
            )
        )
        await self._event(
            ticket,
            EventKind.OPENED,
            actor=new.reporter_id,
            to_status=Status.ASSIGNED,
            message_id=new.source_message_id,
            detail={"category": new.category, "urgent": new.urgent, "assignee": new.assignee_id},
        )
        return ticket

    async def apply(
        self,
        ticket: TicketRow,
        action: Action,
        *,
        actor: str | None,
        message_id: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> Status:
        """Move the ticket along; raises IllegalTransition and changes nothing if not allowed."""
        before = Status(ticket.status)
        after = next_status(before, action)
        ticket.status = after
        if action is Action.CLAIM:
            ticket.claimed_at = self.now
            if ticket.first_claimed_at is None:
                ticket.first_claimed_at = self.now
            ticket.assignee_id = actor
        elif action is Action.RESOLVE:
            ticket.resolved_at = self.now
            ticket.note = (detail or {}).get("note")  # 办理情况; a new resolve replaces it
        elif action in (Action.RATE, Action.EXPIRE):
            ticket.closed_at = self.now
        elif action is Action.REOPEN:
            ticket.resolved_at = None
            if (detail or {}).get("rating") == "dissatisfied":
                ticket.dissatisfied += 1
        elif action is Action.CANCEL:
            ticket.closed_at = self.now
        elif action is Action.TRANSFER:
            ticket.claimed_at = None
            ticket.assignee_id = (detail or {}).get("to")
        elif action is Action.HAND_UP:
            ticket.handed_up = (detail or {}).get("level")
        elif action is Action.HAND_BACK:
            ticket.resolved_at = self.now  # the outcome is in; the reporter rates it
        await self._event(
            ticket,
            action.event,
            actor=actor,
            from_status=before,
            to_status=after,
            message_id=message_id,
            detail=detail,
        )
        return after

    async def rate(
        self,
        ticket: TicketRow,
        rating: Rating,
        *,
        actor: str | None,
        message_id: int | None = None,
    ) -> Status:
        """The reporter's verdict. Satisfied or fair closes the ticket and is kept on it;
        dissatisfied reopens it (only its event keeps that verdict)."""
        if rating == Rating.DISSATISFIED:
            action = Action.REOPEN
        else:
            action = Action.RATE
            next_status(ticket.status, action)  # refuse before anything changes
            ticket.rating = rating
        return await self.apply(
            ticket, action, actor=actor, message_id=message_id, detail={"rating": rating}
        )

    async def add_report(
        self, ticket: TicketRow, *, reporter: str, message_id: int | None = None
    ) -> None:
        """Another resident (or the same one again) reported the problem of this ticket."""
        ticket.reports += 1
        await self._event(
            ticket,
            EventKind.REPORT_ADDED,
            actor=reporter,
            message_id=message_id,
            detail={"reporter": reporter},
        )

    async def escalate(self, ticket: TicketRow, level: int, detail: dict[str, Any]) -> None:
        """One step up the escalation ladder (a level on the ticket, not a status)."""
        ticket.escalation_level = level
        await self._event(ticket, EventKind.ESCALATE, actor=None, detail=detail)

    async def note(
        self,
        ticket: TicketRow,
        kind: EventKind,
        *,
        actor: str | None,
        message_id: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Record something that happened to the ticket without changing its status."""
        await self._event(ticket, kind, actor=actor, message_id=message_id, detail=detail)

    async def attach(
        self,
        ticket: TicketRow,
        *,
        actor: str,
        kind: AttachmentKind,
        media: str | None,
        url: str | None = None,
        message_id: int | None = None,
    ) -> int:
        """A photo someone sent about the ticket: kept on it (what the platform gave: its
        message id, a link where there is one) and recorded as an event. Returns its number
        on the ticket (1 for the first), which names its file once downloaded."""
        entry = {"from": actor, "at": self.now.isoformat(), "kind": str(kind), "media": media}
        if url:
            entry["url"] = url
        ticket.attachments = [*(ticket.attachments or []), entry]  # a new list: JSON is saved
        await self._event(
            ticket,
            EventKind.ATTACHMENT,
            actor=actor,
            message_id=message_id,
            detail={"kind": str(kind), **({"media": media} if media else {})},
        )
        return len(ticket.attachments)

    async def schedule(
        self,
        ticket: TicketRow,
        kind: TimerKind,
        due: datetime,
        payload: dict[str, Any] | None = None,
    ) -> None:
        await self.store.add_timer(
            TimerRow(
                kind=kind, ticket_id=ticket.id, due_at=due, payload=payload, created_at=self.now
            )
        )

    async def unschedule(self, ticket: TicketRow, *kinds: TimerKind) -> None:
        """Cancel the ticket's pending timers of ``kinds``; with none named, all of them."""
        await self.store.cancel_timers(ticket.id, kinds or None, self.now)

    async def _event(
        self,
        ticket: TicketRow,
        kind: EventKind,
        *,
        actor: str | None,
        from_status: str | None = None,
        to_status: str | None = None,
        message_id: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        await self.store.add_event(
            TicketEventRow(
                ticket_id=ticket.id,
                at=self.now,
                actor_id=actor,
                kind=kind,
                from_status=str(from_status) if from_status else None,
                to_status=str(to_status) if to_status else None,
                detail=detail,
                message_id=message_id,
            )
        )


def as_json(ticket: TicketRow, tz: Any) -> dict[str, Any]:
    """The public shape of a ticket (`gridbot tickets --json`, DESIGN.md)."""

    def when(value: datetime | None) -> str | None:
        return value.astimezone(tz).isoformat() if value else None

    return {
        "id": ticket.id,
        "status": ticket.status,
        "category": ticket.category,
        "urgent": ticket.urgent,
        "grid": ticket.grid_id,
        "group": ticket.group_id,
        "reporter": ticket.reporter_id,
        "assignee": ticket.assignee_id,
        "summary": ticket.summary,
        "location": ticket.location,
        "created_at": when(ticket.created_at),
        "claimed_at": when(ticket.claimed_at),
        "resolved_at": when(ticket.resolved_at),
        "closed_at": when(ticket.closed_at),
        "rating": ticket.rating,
        "escalation_level": ticket.escalation_level,
        "reports": ticket.reports,
        "handed_up": ticket.handed_up,
        "note": ticket.note,
        "attachments": [
            {
                "from": a.get("from"),
                "at": _local(a.get("at"), tz),
                "kind": a.get("kind"),
                # Where there is one: the platform's link, the downloaded file (its name in
                # the media folder, bot.runtime.media).
                **{key: a[key] for key in ("url", "file") if a.get(key)},
            }
            for a in ticket.attachments or []
        ],
    }


def _local(stamp: str | None, tz: Any) -> str | None:
    return datetime.fromisoformat(stamp).astimezone(tz).isoformat() if stamp else None
