"""What people type that the bot recognises: command verbs, "不用了", "收到", "满意", ticket
numbers in someone's words. Patterns only, compiled once; what the bot answers lives in
``bot.messaging.phrases``. Grouped by the handler that reads them, each kept as it was
tuned against real messages (tests/test_*.py and tests/scenarios/ say what each must and
must not match).
"""

from __future__ import annotations

import re

# --- 撤销: withdrawing a report (handlers.cancel) ---------------------------------------

_CANCEL_VERB = r"(?:撤销|取消|撤回|作废)"
_CANCEL_TAIL = r"(?:[\s,，。.:：;；!！]+(.*))?"
_CANCEL_LEAD = rf"^(?:请|麻烦)?(?:帮我)?{_CANCEL_VERB}"
_NEVER_MIND = r"不用了|不需要了|不用修了|不用来了"
# "#3" (a reason may follow at once) or "3号" (a reason only after a space or comma, since
# "取消3号楼的活动" is not about ticket 3); a bare number is too often a quantity ("取消 3 份").
CANCEL_HASH = re.compile(
    rf"{_CANCEL_LEAD}(?:工单|报修|登记)?\s*#\s*(\d{{1,9}})\s*号?(?:工单)?[\s,，。.:：;；!！]*(.*)$",
    re.S,
)
CANCEL_HAO = re.compile(
    rf"{_CANCEL_LEAD}(?:工单|报修|登记)?\s*(\d{{1,9}})\s*号(?:工单)?{_CANCEL_TAIL}$", re.S
)
CANCEL_NOUN_NUMBER = re.compile(rf"{_CANCEL_LEAD}(?:工单|报修|登记)\s*(\d{{1,9}})$")  # 取消工单 12
CANCEL_NUMBER_FIRST = re.compile(
    rf"^#\s*(\d{{1,9}})\s*号?(?:工单)?\s*(?:{_CANCEL_VERB}|{_NEVER_MIND}){_CANCEL_TAIL}$",
    re.S,
)
# Without a number only with a noun: "取消" alone is everyday group chatter (接龙, 活动).
CANCEL_BARE = re.compile(rf"{_CANCEL_LEAD}(?:我的|刚才的|这个)?(?:工单|报修|登记|反映)$")
CANCEL_QUOTED = re.compile(
    rf"^(?:{_CANCEL_VERB}|{_NEVER_MIND}|不用麻烦了|不麻烦了)(?:吧|啊|哈)?{_CANCEL_TAIL}$",
    re.S,
)


# --- 查询, 工单, 统计, 排行, 导出: staff commands (handlers.staff) -------------------------

STAFF_COMMAND = re.compile(r"^(查询|工单|统计|排行|排名|导出)(?=$|[\s#])\s*(.*)$", re.S)
# What follows 查询: "#12", "12", "12号".
QUERY_TICKET_NUMBER = re.compile(r"^#?\s*(\d{1,9})\s*号?$")


# --- 值班, 换班, 请假, 转派 (handlers.duty) -----------------------------------------------

DUTY_WHO = re.compile(
    r"^(?:现在|今天|今晚|当前)?(?:谁值班|谁在值班|值班|值班表|值班人员|值班的是谁)[?？吗呢]*$"
)
DUTY_COMMAND = re.compile(r"^(换班|调班|请假|转派|改派)(?=$|[\s#@])\s*(.*)$", re.S)
SWAP_VERBS = ("换班", "调班")

# Dates as people write them: "2026-11-24", "2026年11月24日", "11月24日", "11-24", "26号".
DATE_ISO = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?")
DATE_MONTH_DAY = re.compile(r"(\d{1,2})[-/.月](\d{1,2})[日号]?")
DATE_DAY_ONLY = re.compile(r"(?<![\d-])(\d{1,2})[日号]")
RELATIVE_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2}


# --- 我的ID / 本群ID (handlers.ids) ------------------------------------------------------

_ASK_ID = r"^(?:查询?|查看|看看)?"
_WHAT_ID = r"(?:是多少|是什么|是啥)?$"
MY_ID = re.compile(_ASK_ID + r"(?:我的|我)\s*(?:账号)?\s*id" + _WHAT_ID, re.I)
GROUP_ID = re.compile(_ASK_ID + r"(?:本群|这个群|该群|群)的?\s*id" + _WHAT_ID, re.I)


# --- the same problem again (handlers.duplicates) --------------------------------------

# "我家也是" / "+1" / "同问" quoting a report: agreement, not chatter.
AGREEMENT = re.compile(
    r"^(?:\+1|\+\d|同|同上|一样|我家也是|我们家也是|我们楼也是|我这也是|我们这也是|我家也一样|也是|俺家也是)"
)


# --- 登记: yes to the bot's question about a request (handlers.register) --------------

REGISTER = re.compile(
    r"^(?:好的?[,，]?|是的?[,，]?|要[,，]?|对[,，]?)?(?:请|麻烦|帮我|给我|需要|要|请帮我|麻烦你)?"
    r"(?:帮我|给我)?登记(?:一下|下|上|吧|了吧)?(?:吧|啊|呀|哦|谢谢)?$"
)
# Counts only quoting the question.
YES = re.compile(
    r"^(?:是|是的|要|要的|需要|好|好的|好啊|好吧|嗯|嗯嗯|对|对的|可以|行|麻烦了|麻烦你了"
    r"|好的谢谢|要谢谢|是的谢谢)$"
)
