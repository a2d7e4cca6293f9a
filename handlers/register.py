"""'登记': yes to the bot's question about a request it was unsure of (``handlers.doubt``).

The ticket opens from the original message, as if triage had been sure of it. Only the
person asked may answer, in the same chat, within ``CONFIRM_WITHIN``; "是", "要", "好的"
count too when they quote the question. A "登记" with no question waiting is not this
handler's, and goes on like any other message.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.messaging.messages import OutgoingMessage
from bot.messaging.phrases import bare
from bot.messaging.privacy import redact
from bot.messaging.textnorm import normalise
from bot.runtime.context import Context
from handlers import intake
from handlers.common.usage import without_mention

CONFIRM_WITHIN = timedelta(minutes=30)
ASKED_BY = "doubt"  # the handler whose question this answers (its module's name)

_REGISTER = re.compile(
    r"^(?:好的?[,，]?|是的?[,，]?|要[,，]?|对[,，]?)?(?:请|麻烦|帮我|给我|需要|要|请帮我|麻烦你)?"
    r"(?:帮我|给我)?登记(?:一下|下|上|吧|了吧)?(?:吧|啊|呀|哦|谢谢)?$"
)
_YES = re.compile(
    r"^(?:是|是的|要|要的|需要|好|好的|好啊|好吧|嗯|嗯嗯|对|对的|可以|行|麻烦了|麻烦你了"
    r"|好的谢谢|要谢谢|是的谢谢)$"
)
QUESTION_MARK = "需要登记为工单吗"  # what a quoted question holds (WeChat quotes by text)


def says_yes(text: str, quote_text: str | None, quoted: bool) -> bool:
    line = bare(without_mention(text))
    if _REGISTER.match(line):
        return True
    if not quoted or not _YES.match(line):
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
