"""A message that looks like a request, but not surely enough for a ticket (issue 14,
point 6).

Below triage's confidence line the bot stays silent, as it always has: a wrong ticket
costs a worker a trip. When the person @-mentioned the bot (or wrote to it privately) it
is talking to the bot and expects an answer, so it gets one short question instead; a
"登记" from them opens the ticket (``handlers.register``).
"""

from __future__ import annotations

from bot.messaging import phrases
from bot.messaging.messages import OutgoingMessage
from bot.messaging.parts import Mention, Text
from bot.runtime.context import Context
from bot.vocabulary import News
from handlers.common.usage import spoken_to


async def handle(ctx: Context) -> list[OutgoingMessage] | None:
    if not spoken_to(ctx):
        return None
    group = ctx.config.group(ctx.message.chat_id)
    if group is not None and group.grid is None:
        return None  # the staff group opens no tickets
    if ctx.triage.doubt(ctx.text, ctx.sender.role, ctx.triaged()) is None:
        return None
    if ctx.message.is_direct:
        return [ctx.reply(phrases.ASK_TO_REGISTER, news=News.CONFIRMATION)]
    asker = Mention(ctx.sender.id, ctx.message.sender_name or ctx.sender.name)
    question = Text.of(asker, f" {phrases.ASK_TO_REGISTER}")
    return [ctx.reply(question, mentions=(ctx.sender.id,), news=News.CONFIRMATION)]
