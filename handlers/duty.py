"""Duty commands in chat: 值班, 换班 @A @B 日期, 请假 @A 起 止, 转派 #N @B.

值班 is for anyone (a resident may want to know who to call). The other three change who
does the work, so only the grid leader (for people of their own grid) and community staff
may use them; everyone else gets one polite sentence naming who can. Every change is
recorded: roster changes as append-only rows with the author and the message they came
from, a transfer as a ``transfer`` event on the ticket.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.domain.roster import DAY_KIND_LABELS, load_roster
from bot.messaging import phrases
from bot.messaging.messages import OutgoingMessage
from bot.messaging.phrases import mention
from bot.runtime import actions, duty_changes
from bot.runtime.context import Context
from bot.vocabulary import STAFF_ROLES, Role
from bot.vocabulary.recognition import (
    DATE_DAY_ONLY,
    DATE_ISO,
    DATE_MONTH_DAY,
    DUTY_COMMAND,
    DUTY_WHO,
    RELATIVE_DAYS,
    SWAP_VERBS,
)
from handlers.common.usage import EVERYONE, MANAGERS, Usage

USAGE = (
    Usage("值班", EVERYONE),
    Usage("换班", MANAGERS),
    Usage("请假", MANAGERS),
    Usage("转派", MANAGERS),
)

_MENTION = re.compile(r"@([^\s@#]+)")
_TICKET = re.compile(r"#\s*(\d{1,9})")


async def handle(ctx: Context) -> list[OutgoingMessage] | None:
    text = ctx.text.strip()
    if DUTY_WHO.match(text):
        return await who_is_on_duty(ctx)
    m = DUTY_COMMAND.match(text)
    if m is None:
        return None
    verb, rest = m.group(1), m.group(2)
    if ctx.sender.is_resident:
        return None  # a resident saying "请假" is chatter, not a command
    if ctx.sender.role not in (Role.LEADER, *STAFF_ROLES):
        return [ctx.reply(phrases.duty_needs_manager(verb, _leader_names(ctx)))]
    if verb in SWAP_VERBS:
        return await swap(ctx, rest)
    if verb == "请假":
        return await leave(ctx, rest)
    return await transfer(ctx, rest)


# --- 值班 --------------------------------------------------------------------------------


async def who_is_on_duty(ctx: Context) -> list[OutgoingMessage]:
    config = ctx.config
    roster = await load_roster(ctx.store, config, ctx.now)
    group = config.group(ctx.message.chat_id)
    if group is not None and group.grid is not None:
        grid_ids = [group.grid]
    elif ctx.sender.grids and ctx.sender.role not in STAFF_ROLES:
        grid_ids = list(ctx.sender.grids)
    else:
        grid_ids = [g.id for g in config.directory.grids]
    local = ctx.now.astimezone(config.timezone)
    kind = DAY_KIND_LABELS[roster.calendar.kind(local.date())]
    lines = [phrases.on_duty_heading(local, kind)]
    show_rules = not ctx.sender.is_resident
    for grid_id in grid_ids:
        grid = config.grid(grid_id)
        entries = roster.on_duty(grid_id, ctx.now)
        if show_rules:
            for e in entries:
                lines.append(
                    phrases.on_duty_rule(
                        grid.name if grid else grid_id, config.name_of(e.person), e.rule
                    )
                )
        else:
            names = [config.name_of(e.person) for e in entries]
            lines.append(phrases.on_duty(grid.name if grid else grid_id, names))
    if ctx.sender.is_resident:
        lines.append(phrases.ON_DUTY_TIP)
    return [ctx.reply("\n".join(lines))]


# --- 换班 --------------------------------------------------------------------------------


async def swap(ctx: Context, rest: str) -> list[OutgoingMessage]:
    people = _mentioned(ctx, rest)
    day = parse_day(_strip_mentions(rest), ctx)
    if len(people) != 2 or people[0] == people[1] or day is None:
        return [ctx.reply(phrases.SWAP_USAGE)]
    # The same checks and rows as a swap made on the console's 值班 page.
    result = await duty_changes.swap(
        ctx.store, ctx.config, ctx.sender, people[0], people[1], day, ctx.now,
        message_id=ctx.inbound.id,
    )
    if isinstance(result, actions.Refusal):
        return [ctx.reply(result.text)]
    return [ctx.reply(result.text, mentions=result.mentions)]


# --- 请假 --------------------------------------------------------------------------------


async def leave(ctx: Context, rest: str) -> list[OutgoingMessage]:
    people = _mentioned(ctx, rest)
    days = parse_days(_strip_mentions(rest), ctx)
    if len(people) != 1 or days is None:
        return [ctx.reply(phrases.LEAVE_USAGE)]
    # The same checks and rows as leave entered on the console's 值班 page.
    result = await duty_changes.leave(
        ctx.store, ctx.config, ctx.sender, people[0], *days, ctx.now, message_id=ctx.inbound.id
    )
    if isinstance(result, actions.Refusal):
        return [ctx.reply(result.text)]
    return [ctx.reply(result.text)]


# --- 转派 --------------------------------------------------------------------------------


async def transfer(ctx: Context, rest: str) -> list[OutgoingMessage]:
    number = _TICKET.search(rest)
    people = _mentioned(ctx, rest)
    if number is None or len(people) != 1:
        return [ctx.reply(phrases.TRANSFER_USAGE)]
    ticket = await ctx.store.ticket(int(number.group(1)), lock=True)
    if ticket is None:
        return [ctx.reply(phrases.no_such_ticket(int(number.group(1))))]
    # The same check, change and group message as a transfer on the office console.
    result = await actions.transfer(
        ctx.config, ctx.tickets, ticket, ctx.sender, people[0], message_id=ctx.inbound.id
    )
    if isinstance(result, actions.Refusal):
        return [ctx.reply(result.text)]
    ctx.link(ticket.id)
    return result.messages(ctx.message.reply_chat, ctx.message.platform)


# --- parsing helpers --------------------------------------------------------------------


def _mentioned(ctx: Context, rest: str) -> list[str]:
    """The people a command names: the platform's mention ids, else "@name" matched to config."""
    known = [m for m in ctx.message.mentions if ctx.config.person(m)]
    if known:
        return list(dict.fromkeys(known))
    by_name = {p.name: p.id for p in ctx.config.directory.people}
    found = [
        by_name.get(n) or (n if ctx.config.person(n) else None) for n in _MENTION.findall(rest)
    ]
    return list(dict.fromkeys(p for p in found if p))


def _strip_mentions(text: str) -> str:
    return _MENTION.sub(" ", text)


def _today(ctx: Context) -> date:
    return ctx.now.astimezone(ctx.config.timezone).date()


def parse_day(text: str, ctx: Context) -> date | None:
    days = _all_days(text, _today(ctx))
    return days[0] if len(days) == 1 else None


def parse_days(text: str, ctx: Context) -> tuple[date, date] | None:
    """'11月24日 11月26日', '11-24至11-26', '明天', '2026-11-24 到 2026-11-26'."""
    days = _all_days(text, _today(ctx))
    if len(days) == 1:
        return days[0], days[0]
    if len(days) == 2:
        return days[0], days[1]
    return None


def _all_days(text: str, today: date) -> list[date]:
    found: list[tuple[int, date]] = []
    rest = text
    for m in DATE_ISO.finditer(rest):
        d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            found.append((m.start(), d))
    rest = DATE_ISO.sub(lambda m: " " * len(m.group(0)), rest)
    for m in DATE_MONTH_DAY.finditer(rest):
        d = _nearest(today, int(m.group(1)), int(m.group(2)))
        if d:
            found.append((m.start(), d))
    rest = DATE_MONTH_DAY.sub(lambda m: " " * len(m.group(0)), rest)
    for m in DATE_DAY_ONLY.finditer(rest):
        # "11月24日至26日": a bare day follows the month of the date before it.
        prior = [d for pos, d in found if pos < m.start()]
        month = prior[-1].month if prior else today.month
        d = _nearest(today, month, int(m.group(1)))
        if d:
            found.append((m.start(), d))
    for word, offset in RELATIVE_DAYS.items():
        for m in re.finditer(word, text):
            found.append((m.start(), today + timedelta(days=offset)))
    return [d for _, d in sorted(found, key=lambda x: x[0])]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _nearest(today: date, month: int, day: int) -> date | None:
    """A month and day without a year: this year, unless that was months ago (then next)."""
    this = _safe_date(today.year, month, day)
    if this is None:
        return None
    if (today - this).days > 180:
        return _safe_date(today.year + 1, month, day)
    return this


def _leader_names(ctx: Context) -> str:
    names = [
        ctx.config.name_of(g.leader)
        for g in ctx.config.directory.grids
        if g.leader and g.id in ctx.sender.grids
    ]
    return "、".join(mention(n) for n in names) or phrases.COMMUNITY_STAFF
