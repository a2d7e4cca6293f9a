"""What people type that the bot recognises: command verbs, "不用了", "收到", "满意", ticket
numbers in someone's words. Patterns only, compiled once; what the bot answers lives in
``bot.messaging.phrases``. Grouped by the handler that reads them, each kept as it was
tuned against real messages (tests/test_*.py and tests/scenarios/ say what each must and
must not match).
"""

from __future__ import annotations

import re

from bot.vocabulary import HandUpLevel

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


# --- a ticket named in someone's words (handlers.common.quoting) -----------------------

# "#12", "12号" (not 12号楼 or 12月3号), "第12单", "工单12".
TICKET_REF = re.compile(
    r"#\s*(\d{1,9})"
    r"|第\s*(\d{1,9})\s*[单张号]"
    r"|(?:工单|单子)\s*(\d{1,9})"
    r"|(?<![\d月.-])(\d{1,9})\s*号(?!单元|[楼院门栋室房线路街巷口床层车位])(?:工?单)?"
)


# --- 评价: a reporter's verdict in their own words (handlers.feedback) ------------------

# Still broken: "还漏", "没修好", "还是不行", "又坏了", "差评".
STILL_BROKEN = re.compile(
    r"^(?:3|不满意|不太满意|很不满意|非常不满意|差评|不行)"
    r"|(?:还|又|仍|仍然|依然|依旧|照样|照旧).{0,4}?"
    r"(?:漏|坏|不行|不亮|不好|没好|堵|臭|滴|不通|不热|不冷|停|不转|不动|老样子|一样|有问题|响|吵|晃|松|不稳)"
    r"|没(?:有)?(?:能)?(?:修好|弄好|解决|处理好|处理|修|人来|来人|好|变)"
    r"|根本没|并没有|老样子|跟原来一样|和原来一样|不管用|白修"
)
FAIR_ENOUGH = re.compile(r"^(?:2|基本满意|还行|一般般?|还可以|凑合|马马虎虎|还好|过得去)")
# Thanks and praise: "谢谢网格员", "好评", "辛苦了", "🙏", "[强]".
PLEASED = re.compile(
    r"^(?:1|满意|很满意|非常满意|十分满意|挺满意|满意的)"
    r"|谢谢|感谢|多谢|谢了|谢啦|辛苦(?:了|啦|你|您)|好评|点赞|点个赞|给力|太好了|真快|真及时|"
    r"效率(?:真|很|挺)?高|费心了|麻烦(?:你|您)们?了|真棒|好样的|为(?:你|您)们?点赞|赞+$|棒+$"
)
PLEASED_SIGNS = re.compile(
    r"[\U0001F44D\U0001F64F\U0001F44F\U0001F4AF\u2764\U0001F339\U0001F60A\U0001F604"
    r"\U0001F970\u263A\U0001F44C\U0001F495\U0001F496]"
    r"|\[(?:强|抱拳|玫瑰|赞|鼓掌|握手|爱心|愉快|微笑|OK|胜利|拳头|心)\]"
)
NOT_A_VERDICT = re.compile(r"不用谢|不谢")


# --- 帮助 and its many wordings (handlers.guide) ----------------------------------------

ASKS_FOR_HELP = re.compile(
    r"^(?:请问|你好|您好|网格助手)?[,，\s]*"
    r"(?:帮助|help|菜单|功能|功能列表|使用说明|用法|指令|命令"
    r"|(?:这个)?(?:该|要)?(?:怎么|如何)(?:用|使用|用你)"
    r"|你?(?:都|还)?(?:能|会|可以)(?:做|干|帮我?(?:做|干)?)?(?:点)?(?:什么|啥|哪些事)"
    r"|你?(?:有|都有)(?:什么|哪些|啥)(?:功能|用处|用)"
    r"|(?:我)?(?:可以|能|该)(?:跟|和|对)你说(?:什么|啥))"
    r"[?？吗呀啊呢哦~～]*$",
    re.I,
)


# --- 上报 and 回流 (handlers.handup) ----------------------------------------------------

_HAND_NUMBER = r"(?:工单)?\s*(?:#\s*(\d{1,9})|(\d{1,9})\s*号)\s*(?:工单)?"
_HAND_SEP = r"[\s,，。.:：;；!！]*"
HAND_UP = re.compile(rf"^上报\s*{_HAND_NUMBER}(?:{_HAND_SEP}(.*))?$", re.S)
HAND_BACK = re.compile(rf"^回流\s*{_HAND_NUMBER}(?:{_HAND_SEP}(.*))?$", re.S)
HAND_UP_LEVEL = re.compile(r"^(?:到|给|至)?(街道办事处|街道办|街道|12345热线|12345|市民热线|热线)")
HAND_LEADING_SEP = re.compile(rf"^{_HAND_SEP}")
HAND_UP_LEVELS = {
    "街道办事处": HandUpLevel.STREET,
    "街道办": HandUpLevel.STREET,
    "街道": HandUpLevel.STREET,
    "12345热线": HandUpLevel.HOTLINE,
    "12345": HandUpLevel.HOTLINE,
    "市民热线": HandUpLevel.HOTLINE,
    "热线": HandUpLevel.HOTLINE,
}


# --- 接单 and 已处理: workers in commands and in their own words (handlers.worker) -------

RESOLVE_WORD = "已处理"  # the command as 帮助 names it (its usage key)
_WORKER_NUMBER = r"\s*(?:#|＃|号)?\s*(\d{1,9})?\s*(?:号)?"
CLAIM = re.compile(rf"^(?:我)?(?:接单|认领|我来接|我接了?){_WORKER_NUMBER}$")
RESOLVE = re.compile(rf"^(?:已处理|办结|已办结|已解决|处理完毕|已完成){_WORKER_NUMBER}$")
NUMBER_THEN_VERB = re.compile(r"^#(\d{1,9})\s*(接单|认领|已处理|办结|已办结|已解决)$")
CLAIM_VERBS = ("接单", "认领")  # in NUMBER_THEN_VERB; the others resolve

# Plain acknowledgements: a claim only when quoting the dispatch or naming the ticket.
ACKNOWLEDGED = re.compile(
    r"^(?:收到|好的?|马上去|马上到|这就去|在路上|我去|明白|ok)(?:[,，\s].*)?$", re.I
)
# On the way / taking it: a claim when it is clear which ticket.
GOING = re.compile(
    r"(?:马上|立刻|立即|这就|现在|赶紧|我这就|我马上)(?:就)?(?:去|到|过去|出发|过来|处理|来|安排|上门)"
    r"|在路上|已出发|出发了|(?:^|我)去(?:看看|处理|现场)|^我来(?:处理|弄|修|看看)?$|我来(?:处理|修)"
    r"|接单|认领|^我接了?|交给我|我负责"
)
NOT_GOING = re.compile(r"去不了|来不了|不去|没空|没时间|走不开|顾不上|去不成|不接")
# Done: "修好了", "灯换好了", "已经弄妥了", "处理完毕", "下水道通了".
DONE = re.compile(
    r"已(?:经)?(?:处理|解决|完成|办结|办好|修复|修好|维修好|更换|换好|清理|清运|疏通|弄好|搞定|落实|处置)"
    r"|(?:修|换|弄|搞|做|处理|清理|清运|清|疏通|通|装|补|接|收拾|整理|办|安装|更换|维修|打扫|扫|挪|搬|拆|运|处置|解决)"
    r"(?:好|完|妥|掉|走|干净|结束)了?"
    r"|(?:处理|办理|维修|施工|清理)完毕|完工|搞定|弄妥|办妥|解决了|恢复正常|(?:灯|电|水|路|管子|下水道)(?:已经)?(?:亮|通|来)了"
    r"|不(?:漏|堵|响|臭)了"
)
# Not done after all: negation ("修不好", "还没弄好"), the future ("明天再修"), trouble
# ("还差个零件", "得找物业"). Said about the work, such words become a note, not a resolve.
NOT_DONE = re.compile(
    r"(?:修|弄|搞|处理|换|解决|办|清|通)(?:不好|不了|不完|不定|不动|不掉)"
    r"|(?:没|未|尚未|还没)(?:有)?(?:能)?(?:修|弄|搞|处理|换|解决|办|完成|好|清|通)"
    r"|明天|后天|明早|明儿|下午|晚上|晚点|回头|改天|等会|待会|过两天|过几天|下周|下次"
    r"|再(?:修|去|来|弄|处理|换|看|跑)|还(?:要|得|需)|还差|还缺|缺(?:个|少|一)|差(?:个|一个)"
    r"|等(?:配件|零件|材料|师傅|物业|厂家)|需要|得找|要找|找物业|报修|联系(?:了)?(?:物业|厂家|师傅|供电|自来水)"
    r"|搞不定|不行|不能|无法|没法|还在|正在|准备|打算|有点难|麻烦"
)
ABOUT_THE_WORK = re.compile(
    r"修|换|弄|搞|处理|解决|维修|零件|配件|材料|物业|师傅|施工|疏通|清理|清运|安装|厂家|上门|现场"
)
# The command words a resolve may start with; what follows them is the resolution note.
RESOLVE_LEAD = re.compile(
    r"^(?:(?:已经?|都)?(?:处理|办结|解决|完成|修好|修复|搞定|弄好|弄妥|办妥|处理好|办好)(?:完毕|好|了)*"
    r"|处理完毕|办结|修好了|好了|ok|OK)[,，。.!！\s]*"
)
