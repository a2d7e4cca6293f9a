"""帮助 (and 怎么用, 你能做什么 …): exactly what the asker may use, by role.

The list is built from the ``USAGE`` the routed handlers declare (``handlers.ROUTES``), so
it says what the handlers really take from this person: a resident reads how to report,
rate, withdraw and look up; a leader also reads 换班, 请假, 转派, 上报. Answered where people
talk to the bot: privately, in the staff group, or with an @ of the bot in a residents'
group (anywhere else a lone "帮助" may be meant for the neighbours).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.config import Config
from bot.messaging import phrases
from bot.messaging.messages import OutgoingMessage
from bot.messaging.phrases import bare
from bot.runtime.context import Context
from bot.runtime.dispatcher import Handler
from bot.vocabulary import News, Role
from bot.vocabulary.recognition import ASKS_FOR_HELP
from handlers.common.usage import Usage, spoken_to, usable_by, usages_of, without_mention


def asks_for_help(text: str) -> bool:
    return bool(ASKS_FOR_HELP.match(bare(without_mention(text))))


def help_text(config: Config, role: Role, usages: Sequence[Usage]) -> str:
    resident = role == Role.RESIDENT
    order = list(phrases.HELP_LINES)  # the order the wording is written in
    mine = sorted(usable_by(usages, role), key=lambda u: order.index(u.key))
    lines = [phrases.help_line(u.key, office=u.office, resident=resident) for u in mine]
    topics = [entry.keywords[0] for entry in config.faq]
    return phrases.help_text(config.community_name, lines, resident=resident, topics=topics)


def handler(routes: Sequence[Handler]) -> Handler:
    """The 帮助 handler for these routes: it lists what their modules declare."""
    usages = usages_of(routes)

    async def handle(ctx: Context) -> list[OutgoingMessage] | None:
        if not asks_for_help(ctx.text) or not spoken_to(ctx):
            return None
        answer = help_text(ctx.config, ctx.sender.role, usages)
        return [ctx.reply(answer, news=News.CONFIRMATION)]  # never held for the morning

    return handle
