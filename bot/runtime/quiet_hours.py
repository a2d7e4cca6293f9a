"""Quiet hours: the bot does not wake up a residents' group at night.

Non-urgent messages to a residents' group (a group with a grid) written during quiet hours
(default 22:00-07:00) are held in the outbox until the window ends, then the ones held for
the same group go out as ONE message: a group that wakes to five bot messages mutes the
bot. Urgent messages never wait, and neither do private messages or the staff group, so
the person who must act on a night report is still told at once (see ``direct_copies``).

The hold is applied by the outbox sender, not by handlers, so every message path (chat
replies, timers, reports) obeys it without knowing about it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from bot.config import Config
from bot.domain.roster import in_window, settings
from bot.messaging.messages import OutgoingMessage, dm_chat
from storage.db import Database
from storage.models import OutboxRow

MORNING_HEADER = "早上好！夜间的消息汇总如下："


def release_time(config: Config, at: datetime) -> datetime | None:
    """When the quiet window containing ``at`` ends, or None if ``at`` is not quiet."""
    quiet = settings(config).quiet
    if not quiet.enabled:
        return None
    local = at.astimezone(config.timezone)
    started = in_window(quiet.window, local)
    if started is None:
        return None
    end_day = started + timedelta(days=1) if quiet.window.crosses_midnight else started
    return datetime.combine(end_day, quiet.window.end, tzinfo=config.timezone)


def holdable(config: Config, chat: str, urgent: bool) -> bool:
    """Only non-urgent messages to residents' groups ever wait."""
    group = config.group(chat)
    return not urgent and group is not None and group.grid is not None


def held_until(config: Config, chat: str, urgent: bool, at: datetime) -> datetime | None:
    return release_time(config, at) if holdable(config, chat, urgent) else None


def direct_copies(
    config: Config, at: datetime, messages: Iterable[OutgoingMessage]
) -> list[OutgoingMessage]:
    """Private copies, for the people a held group message mentions, so a night report
    still reaches whoever is on duty now while the group hears about it in the morning."""
    out: list[OutgoingMessage] = []
    for message in messages:
        until = held_until(config, message.chat, message.urgent, at)
        if until is None:
            continue
        group = config.group(message.chat)
        where = group.name if group else message.chat
        for person in message.mentions:
            out.append(
                OutgoingMessage(
                    chat=dm_chat(person),
                    text=f"【夜间，{where}将于{until:%H:%M}统一通知】{message.text}",
                    mentions=(person,),
                    ticket_id=message.ticket_id,
                    platform=message.platform,
                )
            )
    return out


async def hold_and_merge(
    db: Database, config: Config, now: datetime, rows: Sequence[OutboxRow]
) -> list[OutboxRow]:
    """Of the pending ``rows``, the ones to send now.

    Rows that must wait are given ``next_attempt_at`` = the end of quiet hours. After the
    window, rows held for the same group are merged into the first one (its text becomes
    the morning summary; the others are marked sent with a note), so the group gets one
    message. Merging happens in one transaction: a crash leaves either all rows or the
    merged one pending, never a lost message.
    """
    hold = [r for r in rows if held_until(config, r.chat, r.urgent, now) is not None]
    if hold:
        async with db.transaction() as session:
            for row in hold:
                stored = await session.get(OutboxRow, row.id)
                if stored is not None:
                    stored.next_attempt_at = held_until(config, row.chat, row.urgent, now)  # type: ignore[assignment]
    ready = [r for r in rows if r not in hold]
    by_chat: dict[str, list[OutboxRow]] = {}
    for row in ready:
        if (
            holdable(config, row.chat, row.urgent)
            and row.attempts == 0
            and release_time(config, row.created_at) is not None
        ):
            by_chat.setdefault(row.chat, []).append(row)
    merged: set[int] = set()
    for chat_rows in by_chat.values():
        if len(chat_rows) < 2:
            continue
        first, rest = chat_rows[0], chat_rows[1:]
        lines = [f"{n}. {r.text}" for n, r in enumerate(chat_rows, 1)]
        mentions = list(dict.fromkeys(m for r in chat_rows for m in (r.mentions or [])))
        async with db.transaction() as session:
            head = await session.get(OutboxRow, first.id)
            if head is None:
                continue
            head.text = "\n".join([MORNING_HEADER, *lines])
            head.mentions = mentions
            for row in rest:
                other = await session.get(OutboxRow, row.id)
                if other is not None:
                    other.sent_at = now
                    other.last_error = f"merged into outbox #{first.id} (quiet hours)"
        first.text, first.mentions = head.text, mentions
        merged.update(r.id for r in rest)
    return [r for r in ready if r.id not in merged]
