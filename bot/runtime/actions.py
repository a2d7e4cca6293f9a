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
from bot.domain.chasing import restart_ladder
from bot.domain.lifecycle import OPEN_STATUSES, STATUS_LABELS, Action, Status
from bot.domain.tickets import Tickets
from bot.messaging.messages import OutgoingMessage, dm_chat
from bot.messaging.phrases import headline, mention, ref
from bot.messaging.textnorm import clip
from bot.runtime.context import STAFF_ROLES, Sender
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
    told: str
    mentions: tuple[str, ...]
    answer: str | None = None
    group: bool = True
    notify: str | None = None  # told privately when the ticket has no group (e.g. reported by DM)

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
                OutgoingMessage(
                    chat=asked_in,
                    text=self.answer or self.told,
                    mentions=self.mentions,
                    ticket_id=t.id,
                    platform=platform,
                )
            )
        if not self.group:
            return out
        home = t.group_id
        if home and home != asked_in:
            out.append(
                OutgoingMessage(
                    chat=home,
                    text=self.told,
                    mentions=self.mentions,
                    ticket_id=t.id,
                    platform=t.platform,
                )
            )
        elif not home and asked_in is None and self.notify:
            out.append(
                OutgoingMessage(
                    chat=dm_chat(self.notify), text=self.told, ticket_id=t.id, platform=t.platform
                )
            )
        return out


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
        return Refusal(
            f"工单 {ref(ticket)} 属于{grid.name if grid else '其他网格'}，"
            "请由该网格的网格长或社区工作人员转派。"
        )
    if config.role_of(target) not in STAFF_ROLES and ticket.grid_id not in config.grids_of(target):
        return Refusal(
            f"{config.name_of(target)}不是工单 {ref(ticket)} 所在网格的人员，接手后无法办理。"
            "请转派给本网格人员或社区工作人员。"
        )
    if ticket.status not in (Status.ASSIGNED, Status.CLAIMED):
        return Refusal(f"工单 {ref(ticket)} {STATUS_LABELS[Status(ticket.status)]}，无需转派。")
    if ticket.assignee_id == target and ticket.status == Status.ASSIGNED:
        return Refusal(f"工单 {ref(ticket)} 已经派给{config.name_of(target)}了。")
    before = ticket.assignee_id
    await tickets.apply(
        ticket,
        Action.TRANSFER,
        actor=actor.id,
        message_id=message_id,
        detail={"from": before, "to": target},
    )
    await restart_ladder(tickets, config, ticket)
    was = f"（原负责人{config.name_of(before)}）" if before else ""
    text = (
        f"工单 {headline(ticket)} 已由{actor.name}转派{was}。"
        f"{mention(config.name_of(target))} 请接单（回复“接单 {ref(ticket)}”）。"
    )
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
        if actor.is_resident:
            return Refusal(
                f"工单 {ref(ticket)} 已经处理好了，正在等您评价："
                "回复“满意”“基本满意”或“不满意”即可。"
            )
        return Refusal(f"工单 {ref(ticket)} 已处理，正在等待居民评价，不能再撤销。")
    if status == Status.CANCELLED:
        return Refusal(f"工单 {ref(ticket)} 已经撤销了。")
    if status not in OPEN_STATUSES:
        return Refusal(f"工单 {ref(ticket)} {STATUS_LABELS[status]}，无需撤销。")
    worker = ticket.assignee_id
    worker_name = await display_name(config, tickets, worker) if worker else None
    if actor.is_resident and (ticket.urgent or ticket.reports > 1):
        await tickets.note(
            ticket,
            CANCEL_REQUEST,
            actor=actor.id,
            message_id=message_id,
            detail={"reason": reason} if reason else None,
        )
        why = "紧急情况需要网格员到场确认" if ticket.urgent else (
            f"还有其他 {ticket.reports - 1} 位居民反映了同样的问题"
        )
        check = f"{mention(worker_name)} 请核实一下，" if worker_name else "网格员会核实，"
        text = f"收到。工单 {ref(ticket)} {why}，暂不撤销。{check}确认没问题后再办结。"
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
    tell = f"{mention(worker_name)} 这张不用再处理了。" if worker_name else ""
    mentions = (worker,) if worker else ()
    told = f"工单 {headline(ticket)} 已由{actor.name}撤销{because}。{tell}"
    if actor.id != ticket.reporter_id:
        return Announcement(ticket, told, mentions, notify=worker)
    answer = f"好的，您反映的工单 {headline(ticket)} 已撤销{because}。{tell}以后有问题随时说。"
    return Announcement(ticket, told, mentions, answer=answer, notify=worker)


async def display_name(config: Config, tickets: Tickets, person_id: str) -> str:
    """A person's name: the directory's, else the name a resident wrote under, else the id."""
    person = config.person(person_id)
    if person:
        return person.name
    return await tickets.store.person_name(person_id) or person_id
