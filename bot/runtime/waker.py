"""The scheduler's wake-up: one APScheduler job kept pointed at the next due timer.

Timers live in the database; the scheduler only decides when to look at them. After every
piece of work the next wake-up is set to the earliest due timer; a periodic sweep every
``SWEEP_SECONDS`` is the safety net for outbox retries and clock jumps.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.runtime.app import App

log = logging.getLogger(__name__)

SWEEP_SECONDS = 30


class Waker:
    """Keeps one APScheduler job pointed at the next due timer."""

    def __init__(self, app: App, scheduler: AsyncIOScheduler) -> None:
        self.app = app
        self.scheduler = scheduler

    async def tick(self) -> None:
        try:
            await self.app.tick()
        except Exception:  # one bad timer must not stop the bot; it is logged and retried
            log.exception("timer run failed; will retry at the next sweep")
        await self.rearm()

    async def rearm(self) -> None:
        due = await self.app.timers.next_due()
        if due is None:
            return
        when = max(due, self.app.clock.now() + timedelta(milliseconds=50))
        self.scheduler.add_job(
            self.tick, "date", run_date=when, id="gridbot-wake", replace_existing=True
        )
