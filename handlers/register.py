"""'登记': yes to the bot's question about a request it was unsure of (``handlers.doubt``).

The ticket opens from the original message, as if triage had been sure of it. Only the
person asked may answer, in the same chat, within ``CONFIRM_WITHIN``; "是", "要", "好的"
count too when they quote the question. A "登记" with no question waiting is not this
handler's, and goes on like any other message.
"""

from __future__ import annotations

from datetime import timedelta

from bot.messaging import phrases
from bot.messaging.messages import OutgoingMessage
from bot.messaging.phrases import bare
from bot.messaging.privacy import redact
from bot.messaging.textnorm import normalise
from bot.runtime.context import Context
from bot.vocabulary.recognition import REGISTER, YES
from handlers import intake
from handlers.common.usage import without_mention

CONFIRM_WITHIN = timedelta(minutes=30)
ASKED_BY = "doubt"  # the handler whose question this answers (its module's name)

QUESTION_MARK = phrases.REGISTER_QUESTION  # what a quoted question holds


def says_yes(text: str, quote_text: str | None, quoted: bool) -> bool:
    line = bare(without_mention(text))
    if REGISTER.match(line):
        return True
    if not quoted or not YES.match(line):
        return False
    return quote_text is None or QUESTION_MARK in quote_text


async def handle(ctx: Context) -> list[OutgoingMessage] | None:
    msg = ctx.message
    if not says_yes(ctx.text, msg.quote_text, bool(msg.quote_id or msg.quote_text)):
        return None
    asked = await ctx.store.last_unlinked_inbound(
        msg.platform, msg.chat_id, ctx.sender.id, ASKED_BY, ctx.now - CONFIRM_WITHIN
    )
    if asked is None or not asked.text:
        return None
    text = without_mention(redact(normalise(asked.text)))
    finding = ctx.triage.doubt(text, ctx.sender.role)
    if finding is None:
        return None
    out = await intake.register(ctx, (finding,), text=text, source=asked.id)
    asked.ticket_id = ctx.inbound.ticket_id  # answered: a second "登记" opens nothing more
    return out
