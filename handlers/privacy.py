"""The daily privacy purge (``[privacy] keep_days``), a timer like the reports.

``ensure_purge_timer`` runs on every start: with ``keep_days`` set exactly one pending
``privacy_purge`` timer exists (at 04:00, when groups are quiet), none without it. When it
fires it purges (``bot.runtime.retention``) and, in the same transaction, schedules the
next night's pass, which looks only at tickets closed since this pass's cutoff. The first
pass after a start looks at everything, so a longer outage or a shorter ``keep_days``
misses nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from bot.config import Config
from bot.messaging.messages import OutgoingMessage
from bot.runtime.retention import cutoff, purge
from bot.runtime.timers import TimerContext
from bot.vocabulary import TimerKind
from storage.models import TimerRow
from storage.repo import Store

log = logging.getLogger(__name__)

PURGE = TimerKind.PRIVACY_PURGE
PURGE_AT = time(4, 0)


def next_purge(config: Config, now: datetime) -> datetime:
    local = now.astimezone(config.timezone)
    due = datetime.combine(local.date(), PURGE_AT, tzinfo=config.timezone)
    return due if due > local else due + timedelta(days=1)


async def ensure_purge_timer(store: Store, config: Config, now: datetime) -> None:
    """Exactly one pending purge timer while ``keep_days`` is set, none otherwise."""
    wanted = config.privacy.keep_days is not None
    pending = list(await store.pending_timers(PURGE))
    for timer in pending[1:] if wanted else pending:
        timer.done_at, timer.outcome = now, "replaced" if wanted else "disabled"
    if wanted and pending:
        pending[0].payload = {}  # after a start, one full pass (keep_days may have changed)
    if wanted and not pending:
        await store.add_timer(
            TimerRow(kind=PURGE, due_at=next_purge(config, now), payload={}, created_at=now)
        )


async def purge_due(ctx: TimerContext) -> list[OutgoingMessage]:
    since_text = (ctx.timer.payload or {}).get("since")
    since = datetime.fromisoformat(since_text) if since_text else None
    purged = await purge(ctx.store, ctx.config, ctx.now, since)
    log.info("privacy purge: %s", purged)
    await ctx.store.retire_timers(PURGE, ctx.now, "replaced", keep=ctx.timer.id)
    until = cutoff(ctx.config, ctx.now)
    if until is not None:
        payload = {"since": until.isoformat()}
        due = next_purge(ctx.config, ctx.now)
        await ctx.store.add_timer(
            TimerRow(kind=PURGE, due_at=due, payload=payload, created_at=ctx.now)
        )
    return []
