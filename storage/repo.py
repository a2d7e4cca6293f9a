"""Queries and writes the domain needs, each within the caller's transaction.

Nothing here commits: the dispatcher owns the transaction, so a ticket change, its event,
its timers and the messages that report it land together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from storage.directory import STATE_ID as DIRECTORY_STATE
from storage.models import (
    DirectoryStateRow,
    DutyLeaveRow,
    DutyOverrideRow,
    FailedMessageRow,
    InboundJournalRow,
    InboundMessageRow,
    OutboxRow,
    PersonRow,
    SeenChatRow,
    TicketEventRow,
    TicketRow,
    TimerRow,
)


def _after_in_outbox_order(urgent: bool, row_id: int) -> Any:
    """Rows that come after (``urgent``, ``row_id``) in the outbox's sending order:
    urgent first, then by id."""
    later = and_(OutboxRow.urgent.is_(urgent), OutboxRow.id > row_id)
    return or_(later, OutboxRow.urgent.is_(False)) if urgent else later


class Claimed(list[tuple[OutboxRow, datetime]]):
    """Outbox rows claimed, with when each was due; ``full``: more may be waiting."""

    full: bool = False


class Store:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- reference data -------------------------------------------------------------

    async def remember_resident(
        self, person_id: str, name: str | None, at: datetime, *, seen_on: str | None = None
    ) -> None:
        """Keep a resident's display name (a new one replaces the old), in one statement
        whether or not they wrote before. With ``seen_on`` (their platform) they are also
        counted as a sender the config does not list (``record_seen``): on PostgreSQL
        both go in that one statement, a message's bookkeeping costing one round trip."""
        values = {"pid": person_id, "pname": name or person_id, "at": at}
        dialect = self._dialect()
        if seen_on is None:
            await self.session.execute(_resident_upsert(dialect, bool(name)), values)
            return
        values |= {"kind": "person", "platform": seen_on, "name": name}
        if dialect == "postgresql":
            await self.session.execute(_resident_and_seen(bool(name)), values)
            return
        await self.session.execute(_resident_upsert(dialect, bool(name)), values)
        await self.session.execute(_seen_upsert(dialect, bool(name)), values)

    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    async def record_seen(
        self, kind: str, chat_or_person: str, platform: str, name: str | None, at: datetime
    ) -> None:
        """Count one message from a group or sender the config does not list (metadata
        only), in one statement so two processes never trip over each other's row."""
        await self.session.execute(
            _seen_upsert(self._dialect(), bool(name)),
            {"kind": kind, "pid": chat_or_person, "platform": platform, "name": name, "at": at},
        )

    async def seen(self) -> Sequence[SeenChatRow]:
        """Unlisted groups first, then senders; most recently active first within each."""
        rows = await self.session.scalars(
            select(SeenChatRow).order_by(SeenChatRow.kind, SeenChatRow.last_seen.desc())
        )
        return rows.all()

    async def forget_seen(self, kind: str, ids: Iterable[str]) -> None:
        """Drop entries the config now lists: they are no longer strangers."""
        ids = list(ids)
        if ids:
            await self.session.execute(
                delete(SeenChatRow).where(SeenChatRow.kind == kind, SeenChatRow.id.in_(ids))
            )

    async def person_name(self, person_id: str) -> str | None:
        row = await self.session.get(PersonRow, person_id)
        return row.name if row else None

    async def person_names(self, person_ids: Iterable[str]) -> dict[str, str]:
        """Display names of those of ``person_ids`` the database knows, in one query."""
        ids = list(dict.fromkeys(person_ids))
        if not ids:
            return {}
        rows = await self.session.execute(
            select(PersonRow.id, PersonRow.name).where(PersonRow.id.in_(ids))
        )
        return {pid: name for pid, name in rows if name}

    # --- inbound --------------------------------------------------------------------

    async def inbound_exists(self, platform: str, platform_msg_id: str) -> bool:
        found = await self.session.scalar(
            select(InboundMessageRow.id).where(
                InboundMessageRow.platform == platform,
                InboundMessageRow.platform_msg_id == platform_msg_id,
            )
        )
        return found is not None

    async def take_inbound(
        self,
        platform: str,
        platform_msg_id: str,
        *,
        resident: str | None = None,
        name: str | None = None,
        at: datetime | None = None,
    ) -> bool:
        """A message is being handled: its journal row goes (``unjournal_inbound``), and
        whether it was handled before (``inbound_exists``). With ``resident`` (the sender,
        a resident, writing as ``name`` at ``at``), unless it was, they are remembered and
        counted as a stranger seen on ``platform`` (``remember_resident``). All in one
        statement on PostgreSQL. Two processes handling one message at once are told
        apart by the inbound table's unique key (an IntegrityError, see
        ``Dispatcher.dispatch``)."""
        if self._dialect() != "postgresql":
            await self.unjournal_inbound(platform, platform_msg_id)
            if await self.inbound_exists(platform, platform_msg_id):
                return True
            if resident is not None:
                assert at is not None
                await self.remember_resident(resident, name, at, seen_on=platform)
            return False
        params: dict[str, Any] = {"platform": platform, "msg": platform_msg_id}
        if resident is None:
            return bool(await self.session.scalar(_take_inbound(), params))
        params |= {"pid": resident, "pname": name or resident, "name": name, "at": at}
        return bool(await self.session.scalar(_take_inbound_of_resident(bool(name)), params))

    async def add_inbound(self, row: InboundMessageRow) -> InboundMessageRow:
        self.session.add(row)
        await self.session.flush()
        return row

    async def last_unlinked_inbound(
        self, platform: str, chat_id: str | None, sender_id: str, handler: str, since: datetime
    ) -> InboundMessageRow | None:
        """The sender's newest message in this chat since ``since`` that ``handler`` took
        and no ticket holds yet (a request the bot asked about, awaiting a yes)."""
        chat = (
            InboundMessageRow.chat_id.is_(None)
            if chat_id is None
            else InboundMessageRow.chat_id == chat_id
        )
        return await self.session.scalar(
            select(InboundMessageRow)
            .where(
                InboundMessageRow.platform == platform,
                chat,
                InboundMessageRow.sender_id == sender_id,
                InboundMessageRow.handled_by == handler,
                InboundMessageRow.ticket_id.is_(None),
                InboundMessageRow.received_at >= since,
            )
            .order_by(InboundMessageRow.received_at.desc(), InboundMessageRow.id.desc())
            .limit(1)
        )

    async def journal_inbound(
        self, platform: str, platform_msg_id: str, chat: str, at: datetime, payload: dict[str, Any]
    ) -> None:
        """Keep a message as it arrived, until it is handled; a redelivery of one still
        there keeps its first row (and so its place in the order)."""
        await self.session.execute(
            _journal_insert(self._dialect()),
            {"platform": platform, "msg": platform_msg_id, "chat": chat, "at": at,
             "payload": payload},
        )

    async def unjournal_inbound(self, platform: str, platform_msg_id: str) -> None:
        """The message is handled (or set aside): its journal row, text and all, goes."""
        await self.session.execute(
            delete(InboundJournalRow).where(
                InboundJournalRow.platform == platform,
                InboundJournalRow.platform_msg_id == platform_msg_id,
            )
        )

    async def journalled_inbound(self) -> Sequence[InboundJournalRow]:
        """Messages received and not handled yet, in the order they came."""
        rows = await self.session.scalars(select(InboundJournalRow).order_by(InboundJournalRow.id))
        return rows.all()

    async def ticket_of_message(self, platform: str, platform_msg_id: str) -> int | None:
        """The ticket a message (ours or a resident's) belongs to, for quoted replies."""
        inbound = await self.session.scalar(
            select(InboundMessageRow.ticket_id).where(
                InboundMessageRow.platform == platform,
                InboundMessageRow.platform_msg_id == platform_msg_id,
            )
        )
        if inbound is not None:
            return inbound
        return await self.session.scalar(
            select(OutboxRow.ticket_id).where(OutboxRow.platform_msg_id == platform_msg_id)
        )

    async def texts_of_ticket(self, ticket_id: int) -> list[str]:
        """What was said about a ticket: the bot's messages and the messages linked to it
        (to check a quote typed by hand against what was really said)."""
        ours = await self.session.scalars(
            select(OutboxRow.text).where(OutboxRow.ticket_id == ticket_id)
        )
        theirs = await self.session.scalars(
            select(InboundMessageRow.text).where(InboundMessageRow.ticket_id == ticket_id)
        )
        return [t for t in [*ours, *theirs] if t]

    # --- tickets --------------------------------------------------------------------

    async def ticket(self, ticket_id: int, *, lock: bool = False) -> TicketRow | None:
        query = select(TicketRow).where(TicketRow.id == ticket_id)
        if lock:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def add_ticket(self, row: TicketRow) -> TicketRow:
        self.session.add(row)
        await self.session.flush()
        return row

    # Named queries: the callers pass the statuses they mean (the domain knows which are
    # open); nothing outside this module builds a query on tickets.

    async def tickets_assigned_to(
        self, assignee_id: str, statuses: Iterable[str]
    ) -> Sequence[TicketRow]:
        """The tickets ``assignee_id`` holds in ``statuses``, oldest first."""
        query = (
            select(TicketRow)
            .where(TicketRow.assignee_id == assignee_id, TicketRow.status.in_(list(statuses)))
            .order_by(TicketRow.id)
        )
        return (await self.session.scalars(query)).all()

    async def tickets_reported_by(
        self, reporter_id: str, statuses: Iterable[str], *, newest_first: bool = False
    ) -> Sequence[TicketRow]:
        """The tickets ``reporter_id`` reported in ``statuses``, oldest (or newest) first."""
        newest = (TicketRow.created_at.desc(), TicketRow.id.desc())
        order = newest if newest_first else (TicketRow.id,)
        query = (
            select(TicketRow)
            .where(TicketRow.reporter_id == reporter_id, TicketRow.status.in_(list(statuses)))
            .order_by(*order)
        )
        return (await self.session.scalars(query)).all()

    async def last_resolved_of(self, reporter_id: str, status: str) -> TicketRow | None:
        """The ticket of ``reporter_id`` in ``status`` (resolved, awaiting a rating) that
        was resolved last."""
        query = (
            select(TicketRow)
            .where(TicketRow.reporter_id == reporter_id, TicketRow.status == status)
            .order_by(TicketRow.resolved_at.desc(), TicketRow.id.desc())
            .limit(1)
        )
        return await self.session.scalar(query)

    async def recent_open_like(
        self,
        grid_id: str,
        category: str,
        location: str | None,
        since: datetime,
        statuses: Iterable[str],
        reporter_id: str,
    ) -> TicketRow | None:
        """The newest ticket in ``statuses`` since ``since`` about the same problem: same
        grid, category and place; without a place, only one the same reporter made
        without a place either (only then is it surely the same thing)."""
        found = await self.session.scalar(
            _recent_open_like(location is not None),
            {
                "grid": grid_id,
                "category": category,
                "statuses": list(statuses),
                "since": since,
                "location": location,
                "reporter": reporter_id,
            },
        )
        return found

    async def all_tickets(self) -> Sequence[TicketRow]:
        return (await self.session.scalars(select(TicketRow).order_by(TicketRow.id))).all()

    async def add_event(self, row: TicketEventRow) -> None:
        self.session.add(row)

    async def events(self, ticket_id: int) -> Sequence[TicketEventRow]:
        query = (
            select(TicketEventRow)
            .where(TicketEventRow.ticket_id == ticket_id)
            .order_by(TicketEventRow.id)
        )
        return (await self.session.scalars(query)).all()

    # --- timers ---------------------------------------------------------------------

    async def add_timer(self, row: TimerRow) -> None:
        self.session.add(row)

    async def cancel_timers(
        self,
        ticket_id: int,
        kinds: Iterable[str] | None,
        at: datetime,
        outcome: str = "cancelled",
    ) -> None:
        """Mark the ticket's pending timers of ``kinds`` (None: of every kind) as done."""
        which = [] if kinds is None else [TimerRow.kind.in_(list(kinds))]
        await self.session.execute(
            update(TimerRow)
            .where(TimerRow.ticket_id == ticket_id, TimerRow.done_at.is_(None), *which)
            .values(done_at=at, outcome=outcome)
        )

    async def next_due_timer(self, until: datetime, *, lock: bool = False) -> TimerRow | None:
        query = (
            select(TimerRow)
            .where(TimerRow.done_at.is_(None), TimerRow.due_at <= until)
            .order_by(TimerRow.due_at, TimerRow.id)
            .limit(1)
        )
        if lock:
            query = query.with_for_update(skip_locked=True)
        return await self.session.scalar(query)

    async def pending_timer(self, kind: str) -> TimerRow | None:
        """An unfired timer of ``kind`` (for self-renewing timers that must exist once)."""
        query = select(TimerRow).where(TimerRow.kind == kind, TimerRow.done_at.is_(None)).limit(1)
        return await self.session.scalar(query)

    async def pending_timers(self, kind: str) -> Sequence[TimerRow]:
        """Every unfired timer of ``kind``, soonest first."""
        query = (
            select(TimerRow)
            .where(TimerRow.kind == kind, TimerRow.done_at.is_(None))
            .order_by(TimerRow.due_at, TimerRow.id)
        )
        return (await self.session.scalars(query)).all()

    async def retire_timers(
        self, kind: str, at: datetime, outcome: str, *, keep: int | None = None
    ) -> None:
        """Mark every unfired timer of ``kind`` but ``keep`` (a row id) done with ``outcome``."""
        which = [] if keep is None else [TimerRow.id != keep]
        await self.session.execute(
            update(TimerRow)
            .where(TimerRow.kind == kind, TimerRow.done_at.is_(None), *which)
            .values(done_at=at, outcome=outcome)
        )

    async def earliest_timer(self) -> datetime | None:
        return await self.session.scalar(
            select(func.min(TimerRow.due_at)).where(TimerRow.done_at.is_(None))
        )

    # --- outbox ---------------------------------------------------------------------

    async def add_outbox(self, row: OutboxRow) -> None:
        self.session.add(row)

    async def add_outbox_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Queue rows given as column values (each with the same keys), in order, in one
        statement: no ORM objects to track for rows this transaction never reads."""
        if rows:
            await self.session.execute(insert(OutboxRow.__table__), list(rows))

    async def pending_outbox(self, now: datetime, limit: int = 100) -> Sequence[OutboxRow]:
        query = (
            select(OutboxRow)
            .where(
                OutboxRow.sent_at.is_(None),
                OutboxRow.failed_at.is_(None),
                OutboxRow.next_attempt_at <= now,
            )
            .order_by(OutboxRow.urgent.desc(), OutboxRow.id)
            .limit(limit)
        )
        return (await self.session.scalars(query)).all()

    async def claim_outbox(
        self,
        now: datetime,
        until: datetime,
        holds: Callable[[OutboxRow], bool],
        platforms: Sequence[str],
        limit: int = 100,
    ) -> Claimed:
        """Claim due rows this process can send (``holds``): each gets a lease (its
        ``next_attempt_at`` moves to ``until``), so no other process sends it meanwhile;
        a process that dies holding one lets it fall due again when the lease ends. On
        PostgreSQL rows another process is claiming are skipped (FOR UPDATE SKIP LOCKED).
        Returns (row, when it was due) for each row claimed, urgent first; ``full`` when
        ``limit`` rows were claimed (more may be due).

        Rows this process does not hold (a chat only another process's account serves)
        are passed over, never leased, and the search goes on past them, page by page:
        however many of them wait at the head of the queue, the rows behind still go."""
        due = _due_outbox(self._dialect())
        params = {"now": now, "platforms": list(platforms)}
        claimed = Claimed()
        page, after = limit, None
        while len(claimed) < limit:
            query = due if after is None else due.where(_after_in_outbox_order(*after))
            found = (await self.session.scalars(query.limit(page), params)).all()
            for row in found:
                if len(claimed) < limit and holds(row):
                    claimed.append((row, row.next_attempt_at))
            if len(found) < page:
                break  # nothing more is due
            after = (found[-1].urgent, found[-1].id)
            page = min(page * 4, 500)  # past rows held elsewhere: look further at a time
        claimed.full = len(claimed) >= limit
        if claimed:
            await self.session.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_([row.id for row, _ in claimed]))
                .values(next_attempt_at=until)
            )
            for row, _ in claimed:  # the row objects say what was stored
                set_committed_value(row, "next_attempt_at", until)
        return claimed

    async def waiting_outbox(self, since: datetime) -> Sequence[OutboxRow]:
        """Rows queued before ``since`` and not sent yet: their platform is down, or no
        running process holds their chat (given up ones included)."""
        query = (
            select(OutboxRow)
            .where(OutboxRow.sent_at.is_(None), OutboxRow.created_at < since)
            .order_by(OutboxRow.id)
        )
        return (await self.session.scalars(query)).all()

    async def count_unclaimed_outbox(self, due_before: datetime) -> int:
        """Rows due since before ``due_before`` that no process has claimed: a running
        process would have leased (or sent) them, so no running process holds their chat."""
        return int(
            await self.session.scalar(
                select(func.count(OutboxRow.id)).where(
                    OutboxRow.sent_at.is_(None),
                    OutboxRow.failed_at.is_(None),
                    OutboxRow.next_attempt_at < due_before,
                )
            )
            or 0
        )

    async def mark_outbox_sent(
        self, ids: Sequence[int], at: datetime, platform: str, platform_msg_id: str | None
    ) -> None:
        """The platform took these rows (one message): one statement, whatever their number."""
        await self.session.execute(
            _mark_sent(),
            {"ids": list(ids), "at": at, "platform": platform, "msg": platform_msg_id},
        )

    async def release_outbox(self, due: Mapping[int, datetime]) -> None:
        """Give claimed rows that were not sent or failed back their due time."""
        for row_id, when in due.items():
            row = await self.session.get(OutboxRow, row_id)
            if row is not None and row.sent_at is None and row.failed_at is None:
                row.next_attempt_at = when

    async def lock_chat(self, chat_id: str) -> tuple[str, int] | None:
        """Serialise the handling of one chat's messages across processes for the rest of
        the transaction (PostgreSQL advisory lock on the schema and chat; SQLite has one
        writer at a time anyway), so two neighbours reporting the same thing at the same
        instant through two processes make one ticket, not two.

        Returns the directory's stamp (``DirectoryStore.stamp``), read in the same
        statement: the handler checks the directory it answers from is current without a
        transaction of its own."""
        row = (
            await self.session.execute(_chat_lock(self._dialect()), {"chat": chat_id})
        ).first()
        return (row[0], row[1]) if row and row[0] is not None else None

    async def retry_failed_outbox(self, platform: str, now: datetime) -> int:
        """Make rows that failed to send (and may go through ``platform``) due now.

        Only rows with a failed attempt: rows held for quiet hours keep their morning time.
        """
        result = await self.session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.sent_at.is_(None),
                OutboxRow.failed_at.is_(None),
                OutboxRow.attempts > 0,
                OutboxRow.next_attempt_at > now,
                or_(OutboxRow.platform == platform, OutboxRow.platform.is_(None)),
            )
            .values(next_attempt_at=now)
        )
        return result.rowcount or 0

    async def held_outbox(self, now: datetime) -> Sequence[OutboxRow]:
        """Unsent, unfailed rows waiting past ``now`` (quiet hours or a retry backoff)."""
        rows = await self.session.scalars(
            select(OutboxRow)
            .where(
                OutboxRow.sent_at.is_(None),
                OutboxRow.failed_at.is_(None),
                OutboxRow.next_attempt_at > now,
            )
            .order_by(OutboxRow.id)
        )
        return rows.all()

    async def next_held_outbox(self, after: datetime) -> datetime | None:
        """When the earliest message held back (quiet hours, retries) becomes due."""
        return await self.session.scalar(
            select(func.min(OutboxRow.next_attempt_at)).where(
                OutboxRow.sent_at.is_(None),
                OutboxRow.failed_at.is_(None),
                OutboxRow.next_attempt_at > after,
            )
        )

    # --- duty roster ----------------------------------------------------------------

    async def add_duty_override(self, row: DutyOverrideRow) -> None:
        self.session.add(row)

    async def add_duty_leave(self, row: DutyLeaveRow) -> None:
        self.session.add(row)

    async def duty_overrides(self, first: date, last: date) -> Sequence[DutyOverrideRow]:
        found = await self.session.scalars(_duty_overrides(), {"first": first, "last": last})
        return found.all()

    async def duty_leave(self, first: date, last: date) -> Sequence[DutyLeaveRow]:
        found = await self.session.scalars(_duty_leave(), {"first": first, "last": last})
        return found.all()

    async def open_ticket_counts(self, person_ids: Iterable[str]) -> dict[str, int]:
        """Open (assigned or claimed) tickets per assignee, for spreading new ones."""
        ids = list(person_ids)
        counts = {pid: 0 for pid in ids}
        for assignee, count in (await self.session.execute(_open_counts(), {"ids": ids})).all():
            counts[assignee] = count
        return counts

    # dead letters ---------------------------------------------------------------------
    # Messages the core failed on every time (a bug, not an outage); `gridbot failed`.

    async def add_failed_message(self, row: FailedMessageRow) -> bool:
        """Keep a dead letter; True if it is new. A message set aside before (the platform
        delivered it again and it failed again) keeps its one row: its attempts add up and
        the newest failure's time and error replace the old ones."""
        existing = await self.session.scalar(
            select(FailedMessageRow).where(
                FailedMessageRow.platform == row.platform,
                FailedMessageRow.platform_msg_id == row.platform_msg_id,
            )
        )
        if existing is None:
            self.session.add(row)
            await self.session.flush()
            return True
        existing.attempts = (existing.attempts or 0) + row.attempts
        existing.failed_at, existing.error = row.failed_at, row.error
        await self.session.flush()
        return False

    async def failed_messages(self, limit: int = 50) -> Sequence[FailedMessageRow]:
        """The newest dead letters first."""
        query = (
            select(FailedMessageRow)
            .order_by(FailedMessageRow.failed_at.desc(), FailedMessageRow.id.desc())
            .limit(limit)
        )
        return (await self.session.scalars(query)).all()

    async def count_failed(self) -> int:
        return int(await self.session.scalar(select(func.count(FailedMessageRow.id))) or 0)


# --- the statements of every message, built once ---------------------------------------
# Building a statement costs about as much CPU as running it: those run for every message
# are built once per dialect, with bound parameters, and only run after that.


def _insert_for(dialect: str) -> Any:
    return pg_insert if dialect == "postgresql" else sqlite_insert


@cache
def _journal_insert(dialect: str) -> Any:
    journal = InboundJournalRow.__table__
    return (
        _insert_for(dialect)(journal)
        .values(
            platform=bindparam("platform"),
            platform_msg_id=bindparam("msg"),
            chat=bindparam("chat"),
            received_at=bindparam("at"),
            payload=bindparam("payload"),
        )
        .on_conflict_do_nothing(index_elements=["platform", "platform_msg_id"])
    )


@cache
def _take_inbound() -> Any:
    """PostgreSQL: delete the journal row and say whether the message is stored."""
    journal, inbound = InboundJournalRow.__table__, InboundMessageRow.__table__
    gone = delete(journal).where(
        journal.c.platform == bindparam("platform"), journal.c.platform_msg_id == bindparam("msg")
    )
    handled = exists().where(
        inbound.c.platform == bindparam("platform"), inbound.c.platform_msg_id == bindparam("msg")
    )
    return select(handled).add_cte(gone.cte("unjournalled"))


@cache
def _take_inbound_of_resident(named: bool) -> Any:
    """PostgreSQL: ``_take_inbound``, and unless the message was handled before, the
    resident's row (``_resident_upsert``) and their ``seen`` count (``_seen_upsert``);
    every part sees one snapshot, so a redelivery changes nothing but the journal."""
    inbound, people, seen = (
        InboundMessageRow.__table__,
        PersonRow.__table__,
        SeenChatRow.__table__,
    )
    new = ~exists().where(
        inbound.c.platform == bindparam("platform"), inbound.c.platform_msg_id == bindparam("msg")
    )
    pid = bindparam("pid", type_=people.c.id.type)
    at = bindparam("at", type_=people.c.first_seen.type)
    person = pg_insert(people).from_select(
        ["id", "name", "role", "first_seen"],
        select(
            pid, bindparam("pname", type_=people.c.name.type), literal("resident", String()), at
        ).where(new),
    )
    if named:
        person = person.on_conflict_do_update(
            index_elements=["id"],
            set_={"name": person.excluded.name},
            where=(people.c.role == "resident") & (people.c.name != person.excluded.name),
        )
    else:
        person = person.on_conflict_do_nothing(index_elements=["id"])
    counted = pg_insert(seen).from_select(
        ["kind", "id", "platform", "name", "first_seen", "last_seen", "messages"],
        select(
            literal("person", String()),
            pid,
            bindparam("platform", type_=seen.c.platform.type),
            bindparam("name", type_=seen.c.name.type),
            at,
            at,
            literal(1, Integer()),
        ).where(new),
    )
    updates: dict[str, Any] = {
        "last_seen": counted.excluded.last_seen,
        "messages": seen.c.messages + 1,
        "platform": counted.excluded.platform,
    }
    if named:
        updates["name"] = counted.excluded.name
    counted = counted.on_conflict_do_update(index_elements=["kind", "id"], set_=updates)
    return (
        _take_inbound()
        .add_cte(person.cte("resident"))
        .add_cte(counted.cte("seen"))
    )


@cache
def _chat_lock(dialect: str) -> Any:
    """The directory's stamp and version; on PostgreSQL with the chat's lock taken."""
    state = DirectoryStateRow.__table__
    where = state.c.id == DIRECTORY_STATE
    if dialect != "postgresql":
        return select(state.c.stamp, state.c.version).where(where)
    key = func.current_schema() + ":chat:" + bindparam("chat", type_=String())
    return select(
        select(state.c.stamp).where(where).scalar_subquery(),
        select(state.c.version).where(where).scalar_subquery(),
        func.pg_advisory_xact_lock(func.hashtext(key)),
    )


@cache
def _resident_upsert(dialect: str, named: bool) -> Any:
    """A resident's row, made or (``named``) given the name they now write under."""
    people = PersonRow.__table__
    statement = _insert_for(dialect)(people).values(
        id=bindparam("pid"), name=bindparam("pname"), role="resident", first_seen=bindparam("at")
    )
    if not named:
        return statement.on_conflict_do_nothing(index_elements=["id"])
    return statement.on_conflict_do_update(
        index_elements=["id"],
        set_={"name": statement.excluded.name},
        where=(people.c.role == "resident") & (people.c.name != statement.excluded.name),
    )


@cache
def _seen_upsert(dialect: str, named: bool) -> Any:
    seen = SeenChatRow.__table__
    statement = _insert_for(dialect)(seen).values(
        kind=bindparam("kind"),
        id=bindparam("pid"),
        platform=bindparam("platform"),
        name=bindparam("name"),
        first_seen=bindparam("at"),
        last_seen=bindparam("at"),
        messages=1,
    )
    updates: dict[str, Any] = {
        "last_seen": statement.excluded.last_seen,
        "messages": seen.c.messages + 1,
        "platform": statement.excluded.platform,
    }
    if named:
        updates["name"] = statement.excluded.name
    return statement.on_conflict_do_update(index_elements=["kind", "id"], set_=updates)


@cache
def _resident_and_seen(named: bool) -> Any:
    """PostgreSQL: both of the above in one statement."""
    people = _resident_upsert("postgresql", named)
    return _seen_upsert("postgresql", named).add_cte(people.cte("resident"))


@cache
def _mark_sent() -> Any:
    outbox = OutboxRow.__table__
    return (
        update(outbox)
        .where(outbox.c.id.in_(bindparam("ids", expanding=True)))
        .values(
            sent_at=bindparam("at"),
            attempts=outbox.c.attempts + 1,
            platform_msg_id=bindparam("msg"),
            platform=func.coalesce(outbox.c.platform, bindparam("platform", type_=String())),
        )
    )


@cache
def _recent_open_like(placed: bool) -> Any:
    where = [
        TicketRow.grid_id == bindparam("grid"),
        TicketRow.category == bindparam("category"),
        TicketRow.status.in_(bindparam("statuses", expanding=True)),
        TicketRow.created_at >= bindparam("since"),
    ]
    if placed:
        where.append(TicketRow.location == bindparam("location"))
    else:
        where += [TicketRow.reporter_id == bindparam("reporter"), TicketRow.location.is_(None)]
    return (
        select(TicketRow)
        .where(*where)
        .order_by(TicketRow.created_at.desc(), TicketRow.id.desc())
        .limit(1)
    )


@cache
def _duty_overrides() -> Any:
    return (
        select(DutyOverrideRow)
        .where(DutyOverrideRow.day >= bindparam("first"), DutyOverrideRow.day <= bindparam("last"))
        .order_by(DutyOverrideRow.id)
    )


@cache
def _duty_leave() -> Any:
    return (
        select(DutyLeaveRow)
        .where(
            DutyLeaveRow.first_day <= bindparam("last"),
            DutyLeaveRow.last_day >= bindparam("first"),
        )
        .order_by(DutyLeaveRow.id)
    )


@cache
def _open_counts() -> Any:
    return (
        select(TicketRow.assignee_id, func.count(TicketRow.id))
        .where(
            TicketRow.assignee_id.in_(bindparam("ids", expanding=True)),
            TicketRow.status.in_(["assigned", "claimed"]),
        )
        .group_by(TicketRow.assignee_id)
    )


@cache
def _due_outbox(dialect: str) -> Any:
    """Rows due at ``now`` through no platform in particular or one of ``platforms``, in
    sending order; on PostgreSQL locked, skipping rows another process is claiming."""
    query = (
        select(OutboxRow)
        .where(
            OutboxRow.sent_at.is_(None),
            OutboxRow.failed_at.is_(None),
            OutboxRow.next_attempt_at <= bindparam("now"),
            or_(
                OutboxRow.platform.is_(None),
                OutboxRow.platform.in_(bindparam("platforms", expanding=True)),
            ),
        )
        .order_by(OutboxRow.urgent.desc(), OutboxRow.id)
    )
    return query.with_for_update(skip_locked=True) if dialect == "postgresql" else query
