"""The outbox: messages are written with the change they report, then sent with retries.

Writing first and sending later means a crash or a platform outage loses nothing: rows stay
pending until the platform accepts them. A row is marked sent only after the adapter says
so, so delivery is at-least-once; a crash in the instant between send and mark can repeat
one message, never drop one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from bot.adapters.base import Adapter, SendFailed
from bot.clock import Clock
from bot.config import Config
from bot.events import MessageKind, OutgoingMessage, dm_user
from bot.privacy import redact
from storage.db import Database
from storage.models import OutboxRow
from storage.repo import Store

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=10)


async def queue(store: Store, messages: Iterable[OutgoingMessage], now: datetime) -> int:
    """Add messages to the outbox inside the caller's transaction; returns how many."""
    count = 0
    for message in messages:
        text = message.text if dm_user(message.chat) else redact(message.text)
        await store.add_outbox(
            OutboxRow(
                platform=message.platform,
                chat=message.chat,
                text=text,
                mentions=list(message.mentions),
                kind=message.kind.value,
                attachment=message.attachment,
                urgent=message.urgent,
                ticket_id=message.ticket_id,
                created_at=now,
                next_attempt_at=now,
            )
        )
        count += 1
    return count


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


class OutboxSender:
    """Sends pending rows through whichever adapter serves their chat."""

    def __init__(
        self, db: Database, clock: Clock, config: Config, adapters: Mapping[str, Adapter]
    ) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self.adapters = adapters

    def adapter_for(self, row: OutboxRow) -> Adapter | None:
        group = self.config.group(row.chat)
        for name in (row.platform, group.platform if group else None):
            if name and name in self.adapters:
                return self.adapters[name]
        owners = [a for a in self.adapters.values() if a.owns(row.chat)]
        if owners:
            return owners[0]
        return next(iter(self.adapters.values()), None) if len(self.adapters) == 1 else None

    async def flush(self) -> list[tuple[OutboxRow, str | None]]:
        """Send everything due now; returns (row, platform id) for each message sent."""
        sent: list[tuple[OutboxRow, str | None]] = []
        while True:
            async with self.db.transaction() as session:
                rows = await Store(session).pending_outbox(self.clock.now())
            if not rows:
                return sent
            progressed = await self._send_batch(rows, sent)
            if not progressed:
                return sent

    async def _send_batch(
        self, rows: Sequence[OutboxRow], sent: list[tuple[OutboxRow, str | None]]
    ) -> bool:
        progressed = False
        for row in rows:
            adapter = self.adapter_for(row)
            if adapter is None:
                await self._record_failure(row, "no adapter serves this chat", permanent=True)
                continue
            message = OutgoingMessage(
                chat=row.chat,
                text=row.text,
                mentions=tuple(row.mentions or ()),
                urgent=row.urgent,
                ticket_id=row.ticket_id,
                kind=MessageKind(row.kind),
                attachment=row.attachment,
                platform=row.platform,
            )
            try:
                result = await adapter.send(message)
            except SendFailed as exc:
                await self._record_failure(row, str(exc), permanent=exc.permanent)
                continue
            async with self.db.transaction() as session:
                stored = await session.get(OutboxRow, row.id)
                if stored is not None:
                    stored.sent_at = self.clock.now()
                    stored.attempts += 1
                    stored.platform_msg_id = result.platform_message_id
                    stored.platform = stored.platform or adapter.platform
            row.platform_msg_id = result.platform_message_id
            sent.append((row, result.platform_message_id))
            progressed = True
        return progressed

    async def _record_failure(self, row: OutboxRow, reason: str, *, permanent: bool) -> None:
        now = self.clock.now()
        async with self.db.transaction() as session:
            stored = await session.get(OutboxRow, row.id)
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
