"""Firing the wake-ups stored in the timers table, strictly in due order.

Timers are rows, so a restart loses none, and firing marks the row done in the same
transaction as the work it does, so none fires twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.config import Config
from bot.domain.tickets import Tickets
from bot.messaging.messages import OutgoingMessage
from bot.runtime.clock import Clock
from bot.runtime.outbox import queue
from storage.db import Database
from storage.models import TimerRow
from storage.repo import Store


@dataclass
class TimerContext:
    config: Config
    store: Store
    tickets: Tickets
    timer: TimerRow
    now: datetime


TimerHandler = Callable[[TimerContext], Awaitable[list[OutgoingMessage]]]


class TimerService:
    def __init__(
        self,
        db: Database,
        config: Config,
        clock: Clock,
        handlers: Mapping[str, TimerHandler],
    ) -> None:
        self.db = db
        self.config = config
        self.clock = clock
        self.handlers = handlers

    async def fire_due(self, until: datetime | None = None) -> int:
        """Fire every timer due by ``until`` (default now), oldest first; returns the count."""
        limit = until or self.clock.now()
        fired = 0
        while True:
            async with self.db.transaction() as session:
                store = Store(session)
                timer = await store.next_due_timer(limit, lock=not self.db.is_sqlite)
                if timer is None:
                    return fired
                now = self.clock.now()
                handler = self.handlers.get(timer.kind)
                if handler is None:
                    timer.done_at, timer.outcome = now, "unknown"
                    continue
                ctx = TimerContext(self.config, store, Tickets(store, now), timer, now)
                messages = await handler(ctx)
                await queue(store, messages, now)
                timer.done_at, timer.outcome = now, "fired"
                fired += 1

    async def next_due(self) -> datetime | None:
        async with self.db.transaction() as session:
            return await Store(session).earliest_timer()
