"""Changing the roster on someone's say-so, wherever they said it: in chat (换班 @A @B 日期,
请假 @A 起 止) or on the console's 值班 page. One code path, so both are refused for the
same reasons with the same sentence, and both store the same append-only rows (with who
asked, and the chat message it came from when there is one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.config import Config
from bot.domain.lifecycle import Status
from bot.messaging.phrases import person_outside_your_grid, ref
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
            span = f"{FIRST_YEAR}—{LAST_YEAR}年"
            return Refusal(f"{day} 超出了可登记的范围（{span}），请核对日期。")
    return None


def _outside_grid(config: Config, sender: Sender, people: list[str]) -> Refusal | None:
    """A leader may change the roster of their own grid only."""
    if sender.role in STAFF_ROLES:
        return None
    for person in people:
        if not set(config.grids_of(person)) & set(sender.grids):
            return Refusal(person_outside_your_grid(config.name_of(person)))
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
        return Refusal(f"{day:%m月%d日}已经过去了，换班请填今天或以后的日期。")
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
    na, nb = config.name_of(a), config.name_of(b)
    return Recorded(
        f"已登记换班：{day:%m月%d日}{na}的班由{nb}值，{nb}的班由{na}值。"
        "发“值班”可查看当天值班安排。",
        (a, b),
    )


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
        return Refusal(f"结束日期{last:%m月%d日}早于开始日期{first:%m月%d日}，请核对一下。")
    if (last - first).days > LEAVE_LIMIT_DAYS:
        return Refusal("请假不能超过一年，请核对日期。")
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
    span = f"{first:%m月%d日}" if first == last else f"{first:%m月%d日}至{last:%m月%d日}"
    text = f"已登记：{name}{span}请假，期间新工单不再派给{name}。"
    pending = await store.tickets_assigned_to(person, (Status.ASSIGNED, Status.CLAIMED))
    if pending:
        listing = "、".join(ref(t) for t in pending[:10])
        text += (
            f"{name}手上还有 {len(pending)} 张未办结工单（{listing}），"
            "如需转派请发“转派 #编号 @同事”。"
        )
    return Recorded(text)
