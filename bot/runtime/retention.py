"""The privacy purge: ``gridbot purge`` and the daily ``privacy_purge`` timer.

Texts of messages the bot did nothing with are emptied (older versions kept them); with
``[privacy] keep_days`` set, the personal data of tickets closed longer ago than that is
anonymised (``storage.retention``): phone and ID numbers masked and the reporter's name
replaced in every stored text, the reporter's display name dropped. Figures stay exact.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.config import Config
from bot.messaging.privacy import redact
from storage.repo import Store
from storage.retention import Purged, anonymise_closed, forget_chatter


def cutoff(config: Config, now: datetime) -> datetime | None:
    """Tickets closed before this are anonymised; None while texts are kept forever."""
    days = config.privacy.keep_days
    return None if days is None else now - timedelta(days=days)


async def purge(
    store: Store, config: Config, now: datetime, since: datetime | None = None
) -> Purged:
    """One pass; ``since`` limits it to tickets closed after an earlier pass's cutoff."""
    purged = Purged(chatter=await forget_chatter(store.session))
    until = cutoff(config, now)
    if until is None:
        return purged
    return await anonymise_closed(store.session, redact, until, since, purged)
