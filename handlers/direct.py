"""Private messages nobody else took: a short guide instead of silence.

In a group, unrecognised text is chatter and gets nothing; in a private chat the person is
talking to the bot, and silence would look broken.
"""

from __future__ import annotations

from bot.messaging.messages import OutgoingMessage
from bot.runtime.context import Context


async def handle(ctx: Context) -> list[OutgoingMessage] | None:
    if not ctx.message.is_direct:
        return None
    if ctx.sender.is_resident:
        text = (
            f"您好，我是{ctx.config.community_name}的网格助手。"
            "遇到问题直接说明位置和情况即可，例如“3号楼井盖坏了”，我会登记并通知网格员。"
        )
    else:
        text = (
            "您好！可用指令：接单 #编号、已处理 #编号；"
            "也可以在群里引用派单消息回复“收到”接单、回复“修好了”办结。"
        )
    return [ctx.reply(text)]
