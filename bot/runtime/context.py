"""What a handler gets to work with for one inbound message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.config import Config
from bot.domain.tickets import Tickets
from bot.messaging.messages import IncomingMessage, OutgoingMessage
from bot.messaging.parts import Text
from bot.vocabulary import STAFF_ROLES, Role
from storage.models import InboundMessageRow
from storage.repo import Store

if TYPE_CHECKING:
    from bot.triage import TriageEngine
    from bot.triage.model import TriageResult

__all__ = ["STAFF_ROLES", "Context", "Role", "Sender"]


@dataclass(frozen=True, slots=True)
class Sender:
    id: str
    name: str
    role: Role
    grids: tuple[str, ...] = ()

    @property
    def is_resident(self) -> bool:
        return self.role == Role.RESIDENT

    def covers(self, grid_id: str | None) -> bool:
        """Whether this person may act on a ticket of ``grid_id``: community staff on any,
        everyone else only on those of their own grids."""
        return self.role in STAFF_ROLES or grid_id in self.grids


@dataclass
class Context:
    config: Config
    store: Store
    tickets: Tickets
    triage: TriageEngine
    message: IncomingMessage
    inbound: InboundMessageRow
    sender: Sender
    text: str  # normalised text (full-width folded, simplified, spaces collapsed)
    now: datetime
    log: list[str] = field(default_factory=list)
    _triaged: TriageResult | None = field(default=None, init=False, repr=False)

    def triaged(self) -> TriageResult:
        """Triage of this message by its sender's role, judged once: the FAQ and intake
        both need it, and it is the costliest step of most messages."""
        if self._triaged is None:
            self._triaged = self.triage.triage(self.text, role=self.sender.role)
        return self._triaged

    def reply(
        self, text: str | Text, *, mentions: tuple[str, ...] | None = None, **kw: object
    ) -> OutgoingMessage:
        """An answer in the chat the message came from; ``mentions`` (who is notified)
        defaults to the people the text names."""
        return OutgoingMessage.say(
            self.message.reply_chat,
            text,
            mentions=mentions,
            platform=self.message.platform,
            **kw,
        )

    def link(self, ticket_id: int) -> None:
        """Tie the inbound message to a ticket, so a later quote of it finds the ticket."""
        self.inbound.ticket_id = ticket_id

    async def display_name(self, person_id: str) -> str:
        person = self.config.person(person_id)
        if person:
            return person.name
        return await self.store.person_name(person_id) or person_id
