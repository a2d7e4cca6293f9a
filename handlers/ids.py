"""我的ID / 本群ID: the ids a volunteer needs to write [[people]] and [[groups]].

Platform ids (wxid, WeCom userid, room id, chatid) appear nowhere in the chat apps, so the
bot tells them on request. The answer always goes privately: an id is nobody else's
business, and a group the config does not list yet must not hear from the bot at all.
Both commands also work in such an unlisted group, which is exactly where they are needed.
"""

from __future__ import annotations

import re

from bot.config import Config
from bot.messaging.messages import IncomingMessage, OutgoingMessage, dm_chat
from bot.messaging.phrases import bare
from bot.messaging.textnorm import normalise
from bot.runtime.context import Context
from bot.vocabulary import STAFF_ROLES, Role

_LEADING_MENTION = re.compile(r"^(?:@\S+\s*)+")
_ASK = r"^(?:查询?|查看|看看)?"
_WHAT = r"(?:是多少|是什么|是啥)?$"
_MY_ID = re.compile(_ASK + r"(?:我的|我)\s*(?:账号)?\s*id" + _WHAT, re.I)
_GROUP_ID = re.compile(_ASK + r"(?:本群|这个群|该群|群)的?\s*id" + _WHAT, re.I)


def command_of(text: str) -> str | None:
    """'me', 'group' or None for a message's (normalised or raw) text."""
    if len(text or "") > 200:  # a request is a few words; never normalise a long text here
        return None
    words = bare(_LEADING_MENTION.sub("", normalise(text or "")).strip())
    if len(words) > 20:
        return None
    if _MY_ID.match(words):
        return "me"
    if _GROUP_ID.match(words):
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
        text = f"您的ID：{message.sender_id}" + (f"\n显示名：{name}" if name else "")
    elif message.chat_id is None:
        text = "请在要查询的群里发“本群ID”，我会私信告诉您。"
    elif role not in STAFF_ROLES:
        text = "“本群ID”只有社区工作人员和管理员可以查询。您可以发“我的ID”查自己的ID。"
    else:
        group = config.group(message.chat_id)
        group_name = group.name if group else message.chat_name
        text = f"本群ID：{message.chat_id}" + (f"\n群名：{group_name}" if group_name else "")
        if group is None:
            text += "\n这个群还没有写进配置，把它加到 [[groups]] 后我才会在群里服务。"
    return [OutgoingMessage(chat=to, text=text, platform=message.platform)]


async def handle(ctx: Context) -> list[OutgoingMessage] | None:
    return answer(ctx.config, ctx.message, ctx.sender.role)
