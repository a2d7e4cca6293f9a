"""我的ID / 本群ID: the ids a volunteer needs to write [[people]] and [[groups]].

Platform ids (wxid, WeCom userid, room id, chatid) appear nowhere in the chat apps, so the
bot tells them on request. The answer always goes privately: an id is nobody else's
business, and a group the config does not list yet must not hear from the bot at all.
Both commands also work in such an unlisted group, which is exactly where they are needed.
"""

from __future__ import annotations

import re

from bot.config import Config
from bot.messaging import phrases
from bot.messaging.messages import IncomingMessage, OutgoingMessage, dm_chat
from bot.messaging.phrases import bare
from bot.messaging.textnorm import normalise
from bot.runtime.context import Context
from bot.vocabulary import STAFF_ROLES, Role
from bot.vocabulary.recognition import GROUP_ID, MY_ID

_LEADING_MENTION = re.compile(r"^(?:@\S+\s*)+")


def command_of(text: str) -> str | None:
    """'me', 'group' or None for a message's (normalised or raw) text."""
    if len(text or "") > 200:  # a request is a few words; never normalise a long text here
        return None
    words = bare(_LEADING_MENTION.sub("", normalise(text or "")).strip())
    if len(words) > 20:
        return None
    if MY_ID.match(words):
        return "me"
    if GROUP_ID.match(words):
        return "group"
    return None


def answer(config: Config, message: IncomingMessage, role: Role) -> list[OutgoingMessage] | None:
    """The private answer to an id request, or None when the message is no such request."""
    command = command_of(message.text)
    if command is None:
        return None
    to = dm_chat(message.sender_id)
    name = message.sender_name or config.name_of(message.sender_id, "")
    if command == "me":
        text = phrases.your_id(message.sender_id, name)
    elif message.chat_id is None:
        text = phrases.ASK_GROUP_ID_IN_THE_GROUP
    elif role not in STAFF_ROLES:
        text = phrases.GROUP_ID_STAFF_ONLY
    else:
        group = config.group(message.chat_id)
        group_name = group.name if group else message.chat_name
        text = phrases.group_id(message.chat_id, group_name, listed=group is not None)
    return [OutgoingMessage(chat=to, text=text, platform=message.platform)]


async def handle(ctx: Context) -> list[OutgoingMessage] | None:
    return answer(ctx.config, ctx.message, ctx.sender.role)
