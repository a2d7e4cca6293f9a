"""Quiet hours: the bot does not wake up a residents' group at night.

Non-urgent messages to a residents' group (a group with a grid) written during quiet hours
(default 22:00-07:00) are held in the outbox until the window ends, then the ones held for
the same group go out as ONE message: a group that wakes to five bot messages mutes the
bot. Urgent messages never wait, and neither do private messages or the staff group, so
the person who must act on a night report is still told at once (a row queued with
``copy_when_held`` is copied privately to the people it mentions when it is held).

The hold is decided once, by the outbox sender when it sends, not by handlers, so every
message path (chat replies, timers, reports, the console) obeys it without knowing about it.
Two things only the handler knows travel with the row (``News``): a confirmation to the
worker who just wrote in the group is never held (they are awake, and wait for it), and
what a row tells about its ticket. In the morning each held row is checked against its
ticket as it is then: a 请接单 for a ticket claimed overnight, a rating request already
answered, a reassurance for a ticket someone took, is no longer news and is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.config import Config
from bot.domain.lifecycle import Status
from bot.domain.roster import in_window, settings
from bot.messaging.messages import dm_chat
from bot.messaging.parts import Mention, Text
from bot.messaging.phrases import MORNING_HEADER, held_for_morning
from bot.vocabulary import News
from storage.db import Database
from storage.models import OutboxRow, TicketRow

# While its ticket is in one of these states a held row is still news; a row with no
# ``news`` (or a kind not listed) always is.
NEWS_WHILE: dict[News, frozenset[Status]] = {
    News.DISPATCH: frozenset({Status.ASSIGNED}),
    News.REASSURANCE: frozenset({Status.ASSIGNED}),
    News.CLAIMED: frozenset({Status.CLAIMED}),
    News.RATING: frozenset({Status.RESOLVED}),
}
NO_LONGER_NEWS = "dropped at release: no longer news (quiet hours)"


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


def holdable(config: Config, chat: str, urgent: bool, news: str | None = None) -> bool:
    """Only non-urgent messages to residents' groups ever wait, and never the answer to
    the worker who has just written there."""
    if urgent or news == News.CONFIRMATION:
        return False
    group = config.group(chat)
    return group is not None and group.grid is not None


def held_until(
    config: Config, chat: str, urgent: bool, at: datetime, news: str | None = None
) -> datetime | None:
    return release_time(config, at) if holdable(config, chat, urgent, news) else None


def _held(config: Config, row: OutboxRow, at: datetime) -> datetime | None:
    return held_until(config, row.chat, row.urgent, at, row.news)


def _direct_copies(
    config: Config, row: OutboxRow, until: datetime, now: datetime
) -> list[OutboxRow]:
    """Private copies, for the people a held group message mentions, so a night report
    still reaches whoever is on duty now while the group hears about it in the morning."""
    group = config.group(row.chat)
    where = group.name if group else row.chat
    body = Text.of(held_for_morning(where, until.astimezone(config.timezone)), body_of(row))
    return [
        OutboxRow(
            platform=row.platform,
            chat=dm_chat(person),
            text=body.plain,
            parts=body.to_json(),
            mentions=[person],
            kind=row.kind,
            ticket_id=row.ticket_id,
            created_at=now,
            next_attempt_at=now,
        )
        for person in row.mentions or ()
        if config.person(person) is not None  # the reporter is answered in the group instead
    ]


def body_of(row: OutboxRow) -> Text:
    """A row's text as parts (a row from before parts, not yet read by the sender, is
    plain text)."""
    return Text.from_json(row.parts) if row.parts is not None else Text.of(row.text)


def mention_once(bodies: Sequence[Text]) -> list[Text]:
    """Texts sent together as one message, each person @-mentioned once: the first time.

    A catch-up after an outage (the claim and the resolve of one ticket released together)
    or the morning summary would otherwise greet the reporter once per line. A repeated
    mention that opens a line ("@张阿姨 您反映的…") is left out; one inside a sentence
    keeps the person's name, without the @ (and without the space an @-tag needs).
    """
    seen: set[str] = set()
    out: list[Text] = []
    for body in bodies:
        pieces: list[str | Mention] = []
        drop_space = False
        for part in body.parts:
            if isinstance(part, Mention):
                if part.person_id not in seen:
                    seen.add(part.person_id)
                    pieces.append(part)
                    continue
                if pieces and not (isinstance(pieces[-1], str) and pieces[-1].endswith("\n")):
                    pieces.append(part.name)
                drop_space = True
                continue
            if drop_space:
                part = part.removeprefix(" ")
                drop_space = False
            pieces.append(part)
        out.append(Text.of(*pieces))
    return out


async def _drop_stale(db: Database, now: datetime, rows: Sequence[OutboxRow]) -> set[int]:
    """Of held rows released now, drop (mark sent, with a note) those whose ticket has
    moved on since they were written; returns their ids."""
    about = [r for r in rows if r.ticket_id is not None and r.news in NEWS_WHILE]
    if not about:
        return set()
    stale: set[int] = set()
    async with db.transaction() as session:
        for row in about:
            ticket = await session.get(TicketRow, row.ticket_id)
            if ticket is None or ticket.status in NEWS_WHILE[News(row.news)]:
                continue
            stored = await session.get(OutboxRow, row.id)
            if stored is not None and stored.sent_at is None:
                stored.sent_at = now
                stored.last_error = NO_LONGER_NEWS
                stale.add(row.id)
    return stale


async def hold_and_merge(
    db: Database, config: Config, now: datetime, rows: Sequence[OutboxRow]
) -> tuple[list[OutboxRow], int]:
    """Of the pending ``rows``, the ones to send now, and how many private copies of held
    rows were queued (they are pending now).

    Rows that must wait are given ``next_attempt_at`` = the end of quiet hours. After the
    window, rows held for the same group are merged into the first one (its text becomes
    the morning summary; the others are marked sent with a note), so the group gets one
    message. Merging happens in one transaction: a crash leaves either all rows or the
    merged one pending, never a lost message.
    """
    hold = [r for r in rows if _held(config, r, now) is not None]
    copied = 0
    if hold:
        async with db.transaction() as session:
            for row in hold:
                stored = await session.get(OutboxRow, row.id)
                until = _held(config, row, now)
                if stored is not None and until is not None:
                    stored.next_attempt_at = until
                    if stored.copy_when_held:
                        # Told once: the row waits till morning, then goes out as it is.
                        stored.copy_when_held = False
                        copies = _direct_copies(config, row, until, now)
                        session.add_all(copies)
                        copied += len(copies)
    ready = [r for r in rows if r not in hold]
    released = [
        row
        for row in ready
        if holdable(config, row.chat, row.urgent, row.news)
        and row.attempts == 0
        and release_time(config, row.created_at) is not None
    ]
    stale = await _drop_stale(db, now, released)
    by_chat: dict[str, list[OutboxRow]] = {}
    for row in released:
        if row.id not in stale:
            by_chat.setdefault(row.chat, []).append(row)
    merged: set[int] = set(stale)
    for chat_rows in by_chat.values():
        if len(chat_rows) < 2:
            continue
        first, rest = chat_rows[0], chat_rows[1:]
        bodies = mention_once([body_of(r) for r in chat_rows])
        lines = [Text.of(f"{n}. ", body) for n, body in enumerate(bodies, 1)]
        merged_body = Text.join("\n", [MORNING_HEADER, *lines])
        mentions = list(dict.fromkeys(m for r in chat_rows for m in (r.mentions or [])))
        async with db.transaction() as session:
            head = await session.get(OutboxRow, first.id)
            if head is None:
                continue
            head.text = merged_body.plain
            head.parts = merged_body.to_json()
            head.mentions = mentions
            head.news = None  # the summary as a whole: checked once, now
            for row in rest:
                other = await session.get(OutboxRow, row.id)
                if other is not None:
                    other.sent_at = now
                    other.last_error = f"merged into outbox #{first.id} (quiet hours)"
        first.text, first.parts, first.mentions = head.text, head.parts, mentions
        first.news = None
        merged.update(r.id for r in rest)
    return [r for r in ready if r.id not in merged], copied
