"""The outbox: messages are written with the change they report, then sent with retries.

Writing first and sending later means a crash or a platform outage loses nothing: rows stay
pending until the platform accepts them. A row is marked sent only after the adapter says
so, so delivery is at-least-once; a crash in the instant between send and mark can repeat
one message, never drop one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import Config
from bot.messaging.adapter import Adapter, SendFailed
from bot.messaging.messages import MessageKind, OutgoingMessage, dm_user
from bot.messaging.parts import Text
from bot.messaging.privacy import redact
from bot.runtime.clock import Clock
from bot.runtime.quiet_hours import body_of, hold_and_merge, mention_once
from bot.runtime.ratelimit import RateLimiter
from storage.db import Database
from storage.models import OutboxRow
from storage.repo import Store

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=10)
# How long a claimed row is this process's to send: another process (or this one after a
# crash) sends it only once the lease has run out. Longer than any one send takes.
LEASE = timedelta(minutes=5)
CLAIM_BATCH = 20  # rows claimed at a time: few enough to send well within the lease


async def queue(store: Store, messages: Iterable[OutgoingMessage], now: datetime) -> int:
    """Add messages to the outbox inside the caller's transaction; returns how many. One
    statement for them all (a report with an urgent finding queues two or three)."""
    rows = []
    for message in messages:
        body = message.body
        if dm_user(message.chat):
            text = message.text
        elif body is not None:
            body = body.map_strings(redact)
            text = body.plain
        else:
            text = redact(message.text)
        rows.append(
            {
                "platform": message.platform,
                "chat": message.chat,
                "text": text,
                "parts": body.to_json() if body is not None else None,
                "copy_when_held": message.copy_when_held,
                "news": message.news.value if message.news else None,
                "mentions": list(message.mentions),
                "kind": message.kind.value,
                "attachment": message.attachment,
                "urgent": message.urgent,
                "ticket_id": message.ticket_id,
                "reply_to": message.reply_to,
                "created_at": now,
                "next_attempt_at": now,
            }
        )
    await store.add_outbox_rows(rows)
    return len(rows)


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass
class _Batch:
    """Pending rows that go out as one message: same chat, same ticket, queued together."""

    rows: list[OutboxRow]

    @property
    def head(self) -> OutboxRow:
        return self.rows[0]

    def message(self) -> OutgoingMessage:
        head = self.head
        mentions = list(dict.fromkeys(m for row in self.rows for m in (row.mentions or ())))
        body = Text.join("\n", mention_once([body_of(row) for row in self.rows]))
        return OutgoingMessage(
            chat=head.chat,
            text=body.plain,
            body=body,
            mentions=tuple(mentions),
            urgent=any(row.urgent for row in self.rows),
            ticket_id=head.ticket_id,
            kind=MessageKind(head.kind),
            attachment=head.attachment,
            platform=head.platform,
            reply_to=head.reply_to,
        )


def coalesce(rows: Sequence[OutboxRow]) -> list[_Batch]:
    """Fold text updates about the same ticket to the same chat into one message.

    Rows pile up only while a platform is down or rate-limited; then a worker's claim and
    resolve of one ticket should reach the group as one message, not a burst.
    """
    batches: list[_Batch] = []
    open_batches: dict[tuple[str, int], _Batch] = {}
    for row in rows:
        key = (row.chat, row.ticket_id) if row.ticket_id is not None else None
        if key and row.kind == MessageKind.TEXT and key in open_batches:
            open_batches[key].rows.append(row)
            continue
        batch = _Batch([row])
        batches.append(batch)
        if key and row.kind == MessageKind.TEXT:
            open_batches[key] = batch
    return batches


class OutboxSender:
    """Sends pending rows through whichever adapter serves their chat, within its limits."""

    def __init__(
        self, db: Database, clock: Clock, config: Config, adapters: Mapping[str, Adapter]
    ) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self.adapters = adapters
        # Adapters that publish flood limits get a token bucket per destination.
        self.limiters: dict[str, RateLimiter] = {
            name: adapter.make_rate_limiter(clock=clock)  # type: ignore[attr-defined]
            for name, adapter in adapters.items()
            if hasattr(adapter, "make_rate_limiter")
        }
        self.next_wake: float | None = None  # seconds until a rate-limited chat frees up
        self._claimed: dict[int, datetime] = {}  # rows leased by this flush: when they were due
        self._copied = False  # the last round queued private copies of held rows

    def holds(self, row: OutboxRow) -> bool:
        """Whether this process can send ``row``: one of its adapters serves the chat. A
        row for a chat none of them serves waits for the process that does (or, with
        none running, stays pending and is counted in the status and `gridbot failed`)."""
        return self.adapter_for(row) is not None

    def adapter_for(self, row: OutboxRow) -> Adapter | None:
        group = self.config.group(row.chat)
        named = [n for n in (row.platform, group.platform if group else None) if n]
        for name in named:
            if name in self.adapters:
                return self.adapters[name]
        owners = [a for a in self.adapters.values() if a.owns(row.chat)]
        if owners:
            return owners[0]
        if named or len(self.adapters) != 1 or dm_user(row.chat) is None:
            return None  # another platform's, or another process's account: never ours
        return next(iter(self.adapters.values()))  # a private chat, and one platform here

    async def flush(self) -> list[tuple[OutboxRow, str | None]]:
        """Send everything due now that the rate limits allow.

        Returns (row, platform id) for each row sent. Rows held back by a rate limit stay
        pending; ``next_wake`` then says how soon to flush again.
        """
        sent: list[tuple[OutboxRow, str | None]] = []
        self.next_wake = None
        held: set[int] = set()
        self._claimed = {}
        self._limited: set[str] = set()  # chats a rate limit holds for the rest of this flush
        try:
            while True:
                async with self.db.transaction() as session:
                    now = self.clock.now()
                    claimed = await Store(session).claim_outbox(
                        now, now + LEASE, self.holds, list(self.adapters), limit=CLAIM_BATCH
                    )
                self._claimed.update((row.id, due) for row, due in claimed)
                rows = [row for row, _ in claimed if row.id not in held]
                if not await self._flush_rows(rows, sent, held):
                    return sent
                if not claimed.full and not self._copied:
                    return sent  # nothing more was due; a row queued since wakes a new flush
        finally:
            if self._claimed:  # rate-limited, held for quiet hours, or an error: let go
                async with self.db.transaction() as session:
                    await Store(session).release_outbox(self._claimed)
                self._claimed = {}

    async def _flush_rows(
        self, rows: list[OutboxRow], sent: list[tuple[OutboxRow, str | None]], held: set[int]
    ) -> bool:
        """One round; False when there is nothing more to do now."""
        await self._read_plain_rows(rows)
        # Quiet hours: hold night messages to residents' groups, merge them in the morning.
        before = {row.id for row in rows}
        rows, copied = await hold_and_merge(self.db, self.config, self.clock.now(), rows)
        self._copied = bool(copied)
        for row_id in before - {row.id for row in rows}:
            self._claimed.pop(row_id, None)  # held till morning: that is its time now
        if not rows:
            return bool(copied)  # the private copies of what was just held go out now
        return await self._send_batches(coalesce(rows), sent, held)

    async def _send_batches(
        self, batches: list[_Batch], sent: list[tuple[OutboxRow, str | None]], held: set[int]
    ) -> bool:
        progressed = False
        for batch in batches:
            head = batch.head
            adapter = self.adapter_for(head)
            if adapter is None:  # claimed only when held: another process's to send
                continue
            limiter = self.limiters.get(adapter.platform)
            if head.chat in self._limited:  # an earlier row of the chat waits: keep order
                held.update(row.id for row in batch.rows)
                continue
            if limiter is not None and not limiter.try_acquire(head.chat):
                wait = limiter.delay(head.chat)
                self.next_wake = wait if self.next_wake is None else min(self.next_wake, wait)
                held.update(row.id for row in batch.rows)
                self._limited.add(head.chat)
                continue
            message = batch.message()
            try:
                result = await adapter.send(message)
            except SendFailed as exc:
                for row in batch.rows:
                    await self._record_failure(row, str(exc), permanent=exc.permanent)
                progressed = True
                continue
            await self._record_sent(batch, adapter.platform, result.platform_message_id)
            sent.extend((row, result.platform_message_id) for row in batch.rows)
            progressed = True
        return progressed

    async def _read_plain_rows(self, rows: Sequence[OutboxRow]) -> None:
        """Rows queued before message parts hold plain text with "@name" for each mention:
        find those names as they are now (config first, then residents' display names, in
        one query, else the id) and read the text into parts, as the sender always did."""
        plain = [r for r in rows if r.parts is None]
        if not plain:
            return
        person_ids = list(dict.fromkeys(m for r in plain for m in (r.mentions or ())))
        known = {p: person.name for p in person_ids if (person := self.config.person(p))}
        unknown = [p for p in person_ids if p not in known]
        if unknown:
            async with self.db.transaction() as session:
                known.update(await Store(session).person_names(unknown))
        for row in plain:
            names = {m: known.get(m, m) for m in (row.mentions or ())}
            row.parts = Text.from_plain(row.text, names).to_json()

    async def _record_sent(self, batch: _Batch, platform: str, platform_id: str | None) -> None:
        now = self.clock.now()
        ids = [row.id for row in batch.rows]
        async with self.db.autocommit() as session:  # one statement
            await Store(session).mark_outbox_sent(ids, now, platform, platform_id)
        for row in batch.rows:
            row.platform_msg_id = platform_id
            self._claimed.pop(row.id, None)

    async def _record_failure(self, row: OutboxRow, reason: str, *, permanent: bool) -> None:
        now = self.clock.now()
        async with self.db.transaction() as session:
            stored = await session.get(OutboxRow, row.id)
            self._claimed.pop(row.id, None)
            if stored is None:
                return
            stored.attempts += 1
            stored.last_error = reason[:500]
            if permanent:
                stored.failed_at = now
                log.error("outbox #%s to %s given up: %s", row.id, row.chat, reason)
            else:
                stored.next_attempt_at = now + backoff(stored.attempts)
                log.warning(
                    "outbox #%s to %s not sent (attempt %s), retry at %s: %s",
                    row.id,
                    row.chat,
                    stored.attempts,
                    stored.next_attempt_at,
                    reason,
                )
