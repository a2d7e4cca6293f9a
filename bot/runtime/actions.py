"""Changing a ticket on someone's say-so, wherever they said it: in chat (转派 #N @B,
撤销 #N) or on the office console. One code path, so a transfer made on the page posts
the same group message as one typed in chat, and both are refused for the same reasons
with the same sentence.

Each action checks, applies the change through ``Tickets`` (one event on the ticket) and
returns what to say: a ``Refusal`` (nothing changed) or an ``Announcement``. The caller
decides where the words go (``Announcement.messages``): the chat the request came from,
and the ticket's own group when that is elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Config
from bot.domain.chasing import CHASE_KINDS, restart_ladder
from bot.domain.lifecycle import OPEN_STATUSES, Action, Status
from bot.domain.tickets import RATING_TIMEOUT, Tickets
from bot.messaging.messages import OutgoingMessage, dm_chat
from bot.messaging.parts import Mention, Text
from bot.messaging.phrases import (
    already_assigned_to,
    already_cancelled,
    already_handed_up,
    cancel_after_resolved,
    cancel_request_kept,
    cancelled_for_reporter,
    cancelled_news,
    hand_back_needs_outcome,
    hand_needs_leader,
    hand_up_label,
    handed_back_done,
    handed_back_news,
    handed_up_news,
    not_handed_up,
    not_in_tickets_grid,
    nothing_to_do,
    other_grids_ticket,
    transferred,
)
from bot.messaging.textnorm import clip
from bot.runtime.context import STAFF_ROLES, Sender
from bot.vocabulary import HandUpLevel, News, Role
from storage.models import TicketRow

CANCEL_REQUEST = "cancel_request"  # a resident asked, but the ticket stays open


@dataclass(frozen=True, slots=True)
class Refusal:
    """Nothing changed; ``text`` says why, politely, naming who can."""

    text: str


@dataclass(frozen=True, slots=True)
class Announcement:
    """A change was made (or, for a resident's request, recorded).

    ``told`` is what the ticket's group hears; ``answer`` is what the asker hears where
    they asked (the same words unless said otherwise); ``group`` is False when only the
    asker is answered (a resident's request that was not granted)."""

    ticket: TicketRow
    told: str | Text  # parts (with ``Mention``s) or, for older wording, plain text
    mentions: tuple[str, ...]
    answer: str | None = None
    group: bool = True
    notify: str | None = None  # told privately when the ticket has no group (e.g. reported by DM)
    # ``notify`` is told privately even when the request came from a chat (the reporter
    # of a ticket reported privately must hear its outcome wherever staff typed it).
    notify_always: bool = False
    # What ``told`` is news of (a rating request may wait for the morning only while the
    # rating is awaited); the answer to the asker is their confirmation, never held.
    news: News | None = None

    def messages(
        self, asked_in: str | None = None, platform: str | None = None
    ) -> list[OutgoingMessage]:
        """The answer in ``asked_in`` on ``platform`` (None: asked on the console, where no
        chat awaits an answer), and ``told`` in the ticket's group when that is another
        chat. On the console, a ticket without a group is told privately to ``notify``."""
        t = self.ticket
        out: list[OutgoingMessage] = []
        if asked_in is not None:
            out.append(
                self._say(asked_in, self.answer or self.told, platform, news=News.CONFIRMATION)
            )
        if not self.group:
            return out
        home = t.group_id
        if home and home != asked_in:
            out.append(self._say(home, self.told, t.platform, news=self.news))
        elif (
            not home
            and self.notify
            and (asked_in is None or self.notify_always)
            and dm_chat(self.notify) != asked_in
        ):
            out.append(
                self._say(
                    dm_chat(self.notify), self.told, t.platform, private=True, news=self.news
                )
            )
        return out

    def _say(
        self,
        chat: str,
        text: str | Text,
        platform: str | None,
        *,
        private: bool = False,
        news: News | None = None,
    ) -> OutgoingMessage:
        if isinstance(text, Text):
            mentions = (self.notify,) if private and self.notify else self.mentions
            return OutgoingMessage.say(
                chat,
                text,
                mentions=mentions,
                ticket_id=self.ticket.id,
                platform=platform,
                news=news,
            )
        return OutgoingMessage(
            chat=chat,
            text=text,
            mentions=() if private else self.mentions,
            ticket_id=self.ticket.id,
            platform=platform,
            news=news,
        )


async def transfer(
    config: Config,
    tickets: Tickets,
    ticket: TicketRow,
    actor: Sender,
    target: str,
    *,
    message_id: int | None = None,
) -> Refusal | Announcement:
    """``target`` becomes the assignee (a ``transfer`` event) and the ladder restarts."""
    if not actor.covers(ticket.grid_id):
        grid = config.grid(ticket.grid_id)
        return Refusal(other_grids_ticket(ticket, grid.name if grid else None, "转派"))
    if config.role_of(target) not in STAFF_ROLES and ticket.grid_id not in config.grids_of(target):
        return Refusal(not_in_tickets_grid(config.name_of(target), ticket))
    if ticket.status not in (Status.ASSIGNED, Status.CLAIMED):
        return Refusal(nothing_to_do(ticket, "转派"))
    if ticket.assignee_id == target and ticket.status == Status.ASSIGNED:
        return Refusal(already_assigned_to(ticket, config.name_of(target)))
    before = ticket.assignee_id
    await tickets.apply(
        ticket,
        Action.TRANSFER,
        actor=actor.id,
        message_id=message_id,
        detail={"from": before, "to": target},
    )
    await restart_ladder(tickets, config, ticket)
    was = await display_name(config, tickets, before) if before else None
    target_is = Mention(target, await display_name(config, tickets, target))
    text = transferred(ticket, actor.name, was, target_is)
    return Announcement(ticket, text, (target,), notify=target)


REASON_LIMIT = 200


async def cancel(
    config: Config,
    tickets: Tickets,
    ticket: TicketRow,
    actor: Sender,
    reason: str,
    *,
    message_id: int | None = None,
) -> Refusal | Announcement:
    """Cancel a ticket (a ``cancel`` event; every timer stops), or, when a resident asks
    to withdraw an urgent ticket or one others reported too, record the request
    (``cancel_request``) and ask the assignee to check. Whether ``actor`` may cancel this
    ticket at all (their own report, their grid) is the caller's question."""
    reason = clip(reason, REASON_LIMIT)  # kept in the event and shown in 查询 and the console
    status = Status(ticket.status)
    if status == Status.RESOLVED:
        return Refusal(cancel_after_resolved(ticket, actor.is_resident))
    if status == Status.CANCELLED:
        return Refusal(already_cancelled(ticket))
    if status not in OPEN_STATUSES:
        return Refusal(nothing_to_do(ticket, "撤销"))
    worker = ticket.assignee_id
    named = Mention(worker, await display_name(config, tickets, worker)) if worker else None
    if actor.is_resident and (ticket.urgent or ticket.reports > 1):
        await tickets.note(
            ticket,
            CANCEL_REQUEST,
            actor=actor.id,
            message_id=message_id,
            detail={"reason": reason} if reason else None,
        )
        text = cancel_request_kept(ticket, named)
        return Announcement(ticket, text, (worker,) if worker else (), group=False)
    await tickets.apply(
        ticket,
        Action.CANCEL,
        actor=actor.id,
        message_id=message_id,
        detail={"by": actor.role, **({"reason": reason} if reason else {})},
    )
    await tickets.unschedule(ticket)  # escalation and overdue chasing stop here
    because = f"（{clip(reason, 50)}）" if reason else ""
    mentions = (worker,) if worker else ()
    told = cancelled_news(ticket, actor.name, because, named)
    if actor.id != ticket.reporter_id:
        return Announcement(ticket, told, mentions, notify=worker)
    answer = cancelled_for_reporter(ticket, because, named)
    return Announcement(ticket, told, mentions, answer=answer, notify=worker)


# --- 上报 and 回流 -----------------------------------------------------------------------

OUTCOME_LIMIT = 200
HAND_UP_ROLES = (Role.LEADER, *STAFF_ROLES)


async def hand_up(
    config: Config,
    tickets: Tickets,
    ticket: TicketRow,
    actor: Sender,
    level: HandUpLevel,
    reason: str,
    *,
    message_id: int | None = None,
) -> Refusal | Announcement:
    """上报: what the community cannot solve goes to the 街道 or the 12345 hotline. The
    ticket becomes 已上报 with the level (a ``hand_up`` event), leaves the community's
    chase (ladder and overdue reminders stop) and its group is told in plain words."""
    if refusal := _may_hand(config, ticket, actor, "上报"):
        return refusal
    reason = clip(reason, REASON_LIMIT)
    status = Status(ticket.status)
    if status == Status.HANDED_UP:
        return Refusal(already_handed_up(ticket))
    if status not in OPEN_STATUSES:
        return Refusal(nothing_to_do(ticket, "上报"))
    where = hand_up_label(level)
    await tickets.apply(
        ticket,
        Action.HAND_UP,
        actor=actor.id,
        message_id=message_id,
        detail={"level": level.value, **({"reason": reason} if reason else {})},
    )
    await tickets.unschedule(ticket, *CHASE_KINDS)  # out of the community's overdue chase
    because = f"（{clip(reason, 50)}）" if reason else ""
    worker = ticket.assignee_id
    named = Mention(worker, await display_name(config, tickets, worker)) if worker else None
    told = handed_up_news(ticket, actor.name, where, because, named)
    return Announcement(ticket, told, (worker,) if worker else (), notify=worker)


async def hand_back(
    config: Config,
    tickets: Tickets,
    ticket: TicketRow,
    actor: Sender,
    outcome: str,
    *,
    message_id: int | None = None,
) -> Refusal | Announcement:
    """回流: a handed-up ticket comes back with the outcome (a ``hand_back`` event). It is
    then 已处理 as if the community had resolved it: the reporter is told the outcome and
    asked to rate it, in the ticket's group or privately if they reported privately."""
    if refusal := _may_hand(config, ticket, actor, "回流"):
        return refusal
    if ticket.status != Status.HANDED_UP:
        return Refusal(not_handed_up(ticket))
    outcome = clip(outcome, OUTCOME_LIMIT)
    if not outcome:
        return Refusal(hand_back_needs_outcome(ticket, hand_up_label(ticket.handed_up)))
    where = hand_up_label(ticket.handed_up)
    await tickets.apply(
        ticket,
        Action.HAND_BACK,
        actor=actor.id,
        message_id=message_id,
        detail={"level": ticket.handed_up, "outcome": outcome},
    )
    await tickets.schedule(ticket, RATING_TIMEOUT, tickets.now + config.timing.rating_timeout)
    reporter = Mention(ticket.reporter_id, await display_name(config, tickets, ticket.reporter_id))
    told = handed_back_news(ticket, reporter, where, outcome)
    return Announcement(
        ticket,
        told,
        (ticket.reporter_id,),
        answer=handed_back_done(ticket, where, outcome),
        notify=ticket.reporter_id,
        notify_always=True,
        news=News.RATING,
    )


def _may_hand(config: Config, ticket: TicketRow, actor: Sender, verb: str) -> Refusal | None:
    """Only the grid's leader and community staff hand a ticket up or back."""
    if actor.role not in HAND_UP_ROLES:
        return Refusal(hand_needs_leader(verb))
    if not actor.covers(ticket.grid_id):
        grid = config.grid(ticket.grid_id)
        return Refusal(other_grids_ticket(ticket, grid.name if grid else None, verb))
    return None


async def display_name(config: Config, tickets: Tickets, person_id: str) -> str:
    """A person's name: the directory's, else the name a resident wrote under, else the id."""
    person = config.person(person_id)
    if person:
        return person.name
    return await tickets.store.person_name(person_id) or person_id
