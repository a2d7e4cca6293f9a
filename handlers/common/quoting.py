"""Which ticket a reply quoting an earlier message is about."""

from __future__ import annotations

import re

from bot.messaging.privacy import redact
from bot.messaging.textnorm import normalise
from bot.runtime.context import Context
from bot.vocabulary.recognition import TICKET_REF

_TICKET_REF = re.compile(r"#(\d{1,9})")

def ticket_number(line: str) -> int | None:
    """The ticket a message names ("#12", "12号", "第12单"), when it names exactly one."""
    found = {int(next(g for g in m.groups() if g)) for m in TICKET_REF.finditer(line)}
    return found.pop() if len(found) == 1 else None


async def quoted_ticket(ctx: Context) -> int | None:
    """The ticket a quoted message belongs to: by platform id, else by a #N in its text.

    WeChat gives only the quoted text, and anyone can type 「网格助手：#12」 by hand, so a
    #N there counts only when the text is what was really said about ticket N (the bot's
    message, or a report linked to it), whole or cut short as WeChat shows long ones."""
    msg = ctx.message
    if msg.quote_id:
        found = await ctx.store.ticket_of_message(msg.platform, msg.quote_id)
        if found is not None:
            return found
    if msg.quote_text and (m := _TICKET_REF.search(msg.quote_text)):
        number = int(m.group(1))
        said = await ctx.store.texts_of_ticket(number)
        if any(same_words(msg.quote_text, text) for text in said):
            return number
    return None


_LOOSE = re.compile(r"@[^\s@]+|\s+")  # @-mentions (each platform places them its own way)
_CUT = re.compile(r"(?:…|\.{3})$")
SHORTEST_CUT = 12  # a quote cut short must still hold this much of the message


def same_words(quoted: str, said: str) -> bool:
    """Whether a quoted text is ``said``: equal but for spacing and @-mentions (WeChat
    puts its @-tags in front, with its own spaces), or a long enough beginning of it
    ending in an ellipsis."""
    q = _LOOSE.sub("", redact(normalise(quoted)))
    s = _LOOSE.sub("", redact(normalise(said)))
    if q == s:
        return True
    cut = _CUT.sub("", q)
    return cut != q and len(cut) >= SHORTEST_CUT and s.startswith(cut)
