"""Messages said to the bot that nobody else took: a short answer instead of silence.

In a residents' group, unrecognised text is chatter and gets nothing; but a person who
@-mentions the bot, or writes to it privately, is talking to it, and silence would look
broken. They get one short line of what it can do (or a "不客气" for thanks).
"""

from __future__ import annotations

from bot.messaging import phrases
from bot.messaging.messages import OutgoingMessage
from bot.messaging.parts import Mention, Text
from bot.runtime.context import Context
from bot.vocabulary import News

NOW = News.CONFIRMATION  # the answer to whoever just spoke to the bot never waits


async def handle(ctx: Context) -> list[OutgoingMessage] | None:
    msg = ctx.message
    if not (msg.is_direct or msg.mentions_bot):
        return None
    thanks = ctx.triage.triage(ctx.text, role=ctx.sender.role).reason == "thanks"
    if msg.is_direct:
        if thanks:
            return [ctx.reply(phrases.YOU_ARE_WELCOME, news=NOW)]
        if ctx.sender.is_resident:
            return [ctx.reply(phrases.what_i_do(ctx.config.community_name), news=NOW)]
        return [ctx.reply(phrases.WORKER_GUIDE, news=NOW)]
    group = ctx.config.group(msg.chat_id)
    if group is not None and group.grid is None:
        return [ctx.reply(phrases.WORKER_GUIDE, news=NOW)]  # the staff group: no reports
    line = phrases.YOU_ARE_WELCOME if thanks else phrases.what_i_do(ctx.config.community_name)
    asker = Mention(ctx.sender.id, msg.sender_name or ctx.sender.name)
    return [ctx.reply(Text.of(asker, f" {line}"), mentions=(ctx.sender.id,), news=NOW)]
