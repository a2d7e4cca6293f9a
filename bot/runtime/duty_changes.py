"""Changing the roster on someone's say-so, wherever they said it: in chat (换班 @A @B 日期,
请假 @A 起 止) or on the console's 值班 page. One code path, so both are refused for the
same reasons with the same sentence, and both store the same append-only rows (with who
asked, and the chat message it came from when there is one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from bot.config import Config
from bot.domain.lifecycle import Status
from bot.domain.roster import load_roster
from bot.messaging import phrases
from bot.reporting.periods import FIRST_YEAR, LAST_YEAR
from bot.runtime.actions import Refusal
from bot.runtime.context import STAFF_ROLES, Sender
from storage.models import DutyLeaveRow, DutyOverrideRow
from storage.repo import Store

LEAVE_LIMIT_DAYS = 366


@dataclass(frozen=True, slots=True)
class Recorded:
    """The change is stored; ``text`` confirms it to whoever asked, naming ``mentions``."""

    text: str
    mentions: tuple[str, ...] = ()


def _out_of_range(*days: date) -> Refusal | None:
    """A date nobody's duty can be about (a typo like 9999-12-31 or 0001-01-01)."""
    for day in days:
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            return Refusal(phrases.date_out_of_range(day, FIRST_YEAR, LAST_YEAR))
    return None


def _outside_grid(config: Config, sender: Sender, people: list[str]) -> Refusal | None:
    """A leader may change the roster of their own grid only."""
    if sender.role in STAFF_ROLES:
        return None
    for person in people:
        if not set(config.grids_of(person)) & set(sender.grids):
            return Refusal(phrases.person_outside_your_grid(config.name_of(person)))
    return None


async def swap(
    store: Store,
    config: Config,
    sender: Sender,
    a: str,
    b: str,
    day: date,
    now: datetime,
    *,
    message_id: int | None = None,
) -> Refusal | Recorded:
    """换班: on ``day`` A's duty is B's and B's is A's."""
    if refusal := _outside_grid(config, sender, [a, b]) or _out_of_range(day):
        return refusal
    if day < now.astimezone(config.timezone).date():
        return Refusal(phrases.swap_day_past(day))
    for person, replaces in ((b, a), (a, b)):
        await store.add_duty_override(
            DutyOverrideRow(
                day=day,
                person_id=person,
                replaces_id=replaces,
                kind="swap",
                created_by=sender.id,
                created_at=now,
                message_id=message_id,
            )
        )
    return Recorded(phrases.swap_recorded(day, config.name_of(a), config.name_of(b)), (a, b))


async def leave(
    store: Store,
    config: Config,
    sender: Sender,
    person: str,
    first: date,
    last: date,
    now: datetime,
    *,
    message_id: int | None = None,
) -> Refusal | Recorded:
    """请假: ``person`` is away from ``first`` to ``last``; their open tickets are listed,
    since leave does not move them."""
    if refusal := _outside_grid(config, sender, [person]) or _out_of_range(first, last):
        return refusal
    if last < first:
        return Refusal(phrases.leave_ends_before_it_starts(first, last))
    if (last - first).days > LEAVE_LIMIT_DAYS:
        return Refusal(phrases.LEAVE_TOO_LONG)
    await store.add_duty_leave(
        DutyLeaveRow(
            person_id=person,
            first_day=first,
            last_day=last,
            created_by=sender.id,
            created_at=now,
            message_id=message_id,
        )
    )
    name = config.name_of(person)
    text = phrases.leave_recorded(name, first, last)
    pending = await store.tickets_assigned_to(person, (Status.ASSIGNED, Status.CLAIMED))
    if pending:
        text += phrases.leave_leaves_open(name, pending)
    return Recorded(text)


async def set_shift(
    store: Store,
    config: Config,
    sender: Sender,
    grid_id: str,
    person: str,
    replaces: str | None,
    day: date,
    now: datetime,
) -> Refusal | Recorded:
    """A day's duty set on the console: ``person`` takes ``replaces``'s shifts in the grid
    on ``day`` (one way, unlike 换班), or with no ``replaces`` joins the grid's duty that
    day. Stored as the same append-only override rows the roster already reads (kind
    ``cover``), so routing follows it at once; chat has no command for it."""
    grid = config.grid(grid_id)
    if grid is None or not sender.covers(grid_id):
        return Refusal(phrases.grid_not_yours(grid.name if grid else grid_id))
    people = [person] + ([replaces] if replaces else [])
    if refusal := _outside_grid(config, sender, people) or _out_of_range(day):
        return refusal
    if person == replaces:
        return Refusal(phrases.SHIFT_SAME_PERSON)
    if day < now.astimezone(config.timezone).date():
        return Refusal(phrases.shift_day_past(day))
    at = datetime.combine(day, time(12), tzinfo=config.timezone)
    working = (await load_roster(store, config, at, days=1)).working_on(grid_id, day)
    if replaces and replaces not in working:
        return Refusal(phrases.shift_not_on_duty(config.name_of(replaces), day, grid.name))
    if not replaces and person in working:
        return Refusal(phrases.shift_already_on_duty(config.name_of(person), day, grid.name))
    await store.add_duty_override(
        DutyOverrideRow(
            day=day,
            person_id=person,
            replaces_id=replaces,
            grid_id=grid_id,
            kind="cover",
            created_by=sender.id,
            created_at=now,
        )
    )
    replaced = config.name_of(replaces) if replaces else None
    text = phrases.shift_recorded(grid.name, day, config.name_of(person), replaced)
    return Recorded(text, tuple(people))
