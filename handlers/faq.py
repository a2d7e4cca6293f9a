"""Answers from the community's ``[[faq]]``: office hours, the office's phone, the address.

To a person talking to the bot (privately, or with an @ of it). Neighbours asking each
other "几点上班，有人知道吗" in the group are not asking the bot, unless triage reads the
question as one for the community (社区几点上班: a consult ticket otherwise, or one the
model believes in below the community's line): then the answer, at once, is better for
the asker and spares a worker a ticket. Keywords match as
words of the normalised text (上班 is no word of 上班族); the entry with most keywords
found answers. A question that is also a request (a fault, an urgent matter) is left to
intake: it needs a ticket, not a leaflet. In a group, an answer holding a phone number
goes privately, as the bot never posts a phone number in a group.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.config import Faq
from bot.messaging import phrases
from bot.messaging.messages import OutgoingMessage, dm_chat
from bot.messaging.parts import Mention, Text
from bot.messaging.privacy import redact
from bot.messaging.textnorm import normalise
from bot.runtime.context import Context
from bot.vocabulary import Category, News
from handlers.common.usage import without_mention

QUESTION_LIMIT = 200  # characters
NOW = News.CONFIRMATION  # an answer to the person who asked never waits for the morning


def matches(keyword: str, words: Sequence[str]) -> bool:
    """Whether ``keyword`` is one word of ``words`` or several in a row."""
    for start in range(len(words)):
        joined = ""
        for word in words[start:]:
            joined += word
            if joined == keyword:
                return True
            if len(joined) >= len(keyword) or not keyword.startswith(joined):
                break
    return False


def _believed_question(ctx: Context) -> bool:
    """A question for the community that the model believes in below the line where it
    would open a ticket (a community may set that line high): answering it costs nobody
    a ticket. Judged only when some keyword is in the text at all, since judging means
    reading the message again."""
    text = normalise(ctx.text).lower()
    if not any(normalise(k).lower() in text for entry in ctx.config.faq for k in entry.keywords):
        return False
    finding = ctx.triage.doubt(ctx.text, ctx.sender.role, ctx.triaged())
    return finding is not None and finding.category == Category.CONSULT and not finding.urgent


def best(entries: Sequence[Faq], words: Sequence[str]) -> Faq | None:
    """The entry with the most keywords among ``words`` (the first on a tie), or None."""
    scored = [
        (sum(matches(normalise(k).lower(), words) for k in entry.keywords), -i, entry)
        for i, entry in enumerate(entries)
    ]
    top = max(scored, default=None, key=lambda s: (s[0], s[1]))
    return top[2] if top and top[0] > 0 else None


async def handle(ctx: Context) -> list[OutgoingMessage] | None:
    msg = ctx.message
    if not ctx.config.faq:
        return None
    if not (msg.is_direct or msg.mentions_bot):
        group = ctx.config.group(msg.chat_id)
        if group is not None and group.grid is None:
            return None  # a staff group: colleagues talking, and no intake to spare
        if not (ctx.triaged().ticket or _believed_question(ctx)):
            return None  # neighbours talking among themselves
    result = ctx.triaged()
    if any(f.urgent or f.category != Category.CONSULT for f in result.findings):
        return None  # a request: intake's
    text = without_mention(ctx.text).lower()
    if len(text) > QUESTION_LIMIT:
        return None  # a question is a line; a pasted essay is not cut into words here
    entry = best(ctx.config.faq, ctx.triage.words(text))
    if entry is None:
        return None
    if msg.is_direct:
        return [ctx.reply(entry.answer, news=NOW)]
    asker = Mention(ctx.sender.id, msg.sender_name or ctx.sender.name)
    if redact(entry.answer) != entry.answer:
        return [
            OutgoingMessage.say(dm_chat(ctx.sender.id), entry.answer, platform=msg.platform),
            ctx.reply(
                Text.of(asker, f" {phrases.ANSWERED_PRIVATELY}"),
                mentions=(ctx.sender.id,),
                news=NOW,
            ),
        ]
    return [ctx.reply(Text.of(asker, f" {entry.answer}"), mentions=(ctx.sender.id,), news=NOW)]
