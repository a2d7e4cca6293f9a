"""Which ticket a reply quoting an earlier message is about."""

from __future__ import annotations

import re

from bot.runtime.context import Context

_TICKET_REF = re.compile(r"#(\d{1,9})")


async def quoted_ticket(ctx: Context) -> int | None:
    """The ticket a quoted message belongs to: by platform id, else by a #N in its text."""
    msg = ctx.message
    if msg.quote_id:
        found = await ctx.store.ticket_of_message(msg.platform, msg.quote_id)
        if found is not None:
            return found
    if msg.quote_text and (m := _TICKET_REF.search(msg.quote_text)):
        return int(m.group(1))
    return None
