"""Message shapes that are never a new request, whatever words they contain.

Groups are full of text that mentions 停水 or 电动车 without anyone asking for help:
notices, group-buying lists, ads, forwarded news. These patterns recognise the shape of
such messages; they are compiled once per engine (not at import) and are immutable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.triage import regexes
from bot.triage.regexes import Scan

_CITIES = (
    "北京|上海|广州|深圳|天津|重庆|杭州|南京|武汉|成都|西安|郑州|长沙|济南|青岛|沈阳|哈尔滨|"
    "石家庄|合肥|福州|厦门|昆明|南宁|贵阳|南昌|太原|兰州|大连|苏州|无锡|宁波|东莞|佛山|"
    "温州|长春|乌鲁木齐|呼和浩特|海口|三亚|徐州|洛阳|唐山|保定|邯郸|香港|台湾|日本|美国|韩国"
)


# People who can be trapped or fall (the subject of 困了一个老人, 孩子被锁在…).
_PERSON = (
    r"(?:人|老人|老太太?|老头|老爷子|大爷|大妈|奶奶|爷爷|外婆|外公|姥姥|姥爷|阿姨|叔叔|孩子|小孩|"
    r"娃|伢|伢子|细路|细佬|囡囡|宝宝|学生|儿童|外卖员|快递员|病人)"
)


# Family who may be inside (我老婆孩子在里面).
_KIN = r"(?:老婆|老公|媳妇|爱人|儿子|女儿|闺女|孙子|孙女|外孙|家人|邻居|我爸|我妈|俺爹|俺娘)"


# Family who live in another city (她在北京的侄女): where the sender is, not where the story is.
_KIN_THERE = r"(?:女儿|儿子|闺女|侄女|侄子|外甥女?|孙子|孙女|外孙女?|亲戚|家人)"


# Old people whose absence is an emergency (走丢了, 三天没开门).
_ELDER = (
    r"(?:老人|老人家|老大爷|大爷|大妈|老太太?|老头|老爷子|老爷爷|老奶奶|奶奶|爷爷|外婆|外公|姥姥|姥爷|"
    r"阿婆|阿公|婆婆|公公|老伯|伯伯|[张王李刘陈杨赵黄周吴徐孙马朱胡郭何林罗高郑梁谢宋唐]伯|"
    r"老伴|我爸|我妈|我娘|父亲|母亲|其父|其母|老妈|老爸|阿拉娘|俺爹|俺娘|俺妈|俺爸|老父亲|老母亲|老汉儿|阿嬷|依公|依嬷|依伯|阿伯|"
    r"爹爹|娭毑|嗲嗲|老倌|伯爷|老光棍|五保户|嬢嬢|孃孃|孤老|家姆妈|阿爷|阿爸|阿妈|老豆(?![腐浆角芽皮])|老窦|"
    r"独居|孤寡|空巢)"
)
# Signs that an old person cannot find their way, and that they have gone.
_CONFUSED = (
    r"(?:老年痴呆|痴呆|失智|脑退化|智力残疾|智力障碍|智障|精神残疾|认知症|阿尔?[茨兹]海默|认知障碍|脑萎缩|认不得路|认不到路|认唔到路|不认路|记性不好|糊涂|"
    r"脑子不(?:太)?清楚|光着脚|鞋(?:子)?都没穿|没穿鞋|看着不太?明白|认不得人|不认得人)"
)
_FORGETFUL = r"(?:健忘|老忘事|忘东忘西|不记得东西)"
# Walked off, not long ago and not once in the past (走丢过, 走丢了两次), nor guarded
# against (防走失): Patterns.gone and the engine's grave words.
WALKED_OFF = r"(?<![以之]前)(?<!防)(?:走丢|走失)(?!过|了?[一两几]?[次回])"
_WANDERED = (
    r"(?:没回来|没回家|一直没回(?=[，,。！？!?\s]|$)|关机|未返|未翻|跑出[去克]|走出[去克]|出[去克]了|出门了|走丢|不见了|找不到了|找不着了|"
    r"出去(?:遛弯|溜达|买菜|转)|联系不上|至今(?:都|还)?(?:未|没)(?:有)?(?:归|回)|"
    r"往[^，,。！？!?]{0,8}(?:走|跑)|叫(?:他|她)也不应)"
)
# Nobody can reach them: 失联 (a phone that does not answer, 电话打不通, 联系不上, is a
# request to knock on the door; for a day or more, or as never before, it is an
# emergency: see _FAMILY).
_OUT_OF_TOUCH = r"(?:失联|失去联系)"
# Knocked off and gushing (a hydrant: 被车撞了 水柱好几米高).
_KNOCKED_GUSHING = r"[^。！？!?]{0,10}(?:撞|断|爆|坏)[^。！？!?]{0,10}(?:水柱|喷|冒水|哗哗)"
# Numbers of days in words or digits (三天, 好几天, 3天).
# An appeal in the written register (Patterns.appeal, and the engine's veto shield): to
# whom it is addressed, and who it is not: someone else's demand (有人要求物业…) or an ask of
# the neighbours (恳请各位邻居帮忙转发…).
APPEAL_OFFICE = r"(?:社区|街道|物业|相关部门|有关部门|城管|开发商|政府|领导)"
NOT_SOMEONE_ELSES = r"(?<!有人)(?<!别人)(?<!他们)(?<!人家)"
NEIGHBOURS = r"大家|各位|邻居|群主|朋友"
_DAYS = r"(?:好几|几|两|三|四|五|六|七|八|九|十|\d+ ?)[天日]"  # 两日 in the south
# Family calling an old parent or relative whose phone has gone unanswered for a day or
# more, or against all habit (我在外地 今天打了二十多个电话没人接 以前从没这样): in the
# training messages such a message is an emergency 80 times to 11.
_FAMILY = (
    rf"(?:{_ELDER}|{_KIN}|我姐|我哥|我妹|我弟|我姨|我姑|我舅|舅父|舅舅|"
    r"[我俺][大二三四小老](?:舅|姨|姑|叔|伯)|她姐姐|他哥哥|岳母|岳父|丈母娘|老丈人|"
    r"小姑|小姨|姑姑|姑妈|姨妈|舅妈|婶婶|伯母|伯父)"
)
_UNANSWERED = (
    r"(?:没人接|不接|没接|打不通|关机|无人接听|无人应答|没人听|没回(?:我)?的?(?:微信|消息|信息)|"
    r"不回(?:微信|消息)|(?:微信|消息|信息)(?:也|都)?(?:不回|没回)|视频(?:也|都)?(?:不接|没人接))"
)
_LONG_SILENCE = (
    r"(?:两天|一天(?!到晚|天)|一整天|一上午|一下午|一晚上|一夜|好几天|几天|从前天|从昨天|从早上|[从由]?前日开始|"
    r"(?<![十0-9月])[两三四五几]日(?![游票])|"
    r"二十多个|十几个|好多个|好几个|几十个|一天一夜|一日一夜|"
    r"[从自]?(?:昨天|昨日|前天|前日|昨晚)(?:晚上|早上|上午|下午|中午)?(?:开始|起)|"
    r"(?:[1-9][0-9]|[一二三四五六七八九]?十[一二三四五六七八九]?)多?个?小时)"
)
# How long an old person has not been seen or heard (昨天到今天, 一日一夜, 今日成日).
_AWHILE = (
    rf"(?:{_DAYS}|好久|好些天|好长时间|一天一夜|一日一夜|昨天到今天|从前天起?|从昨天起?|"
    r"今日成日|成日|一整天|今天一天|一天多了?|"
    r"(?:从)?(?:昨天|前天|昨晚|昨夜|昨日|前日)(?:夜里|晚上|早上|下午)?(?:到|至)(?:现在|今天|今早|今朝|今日))"
)
# Signs of an illness taking hold (胸口闷, 天旋地转, 脸色煞白, 心率很低).
_TAKEN_ILL = (
    r"(?:(?:心口|胸口)(?:疼|痛|闷)|胸闷|心慌|头晕|天旋地转|抽抽|抽搐|脸色(?:煞白|发白|发青|发紫)|站不住|"
    r"说话(?:也|都)?(?:不太?利索|含糊)|抬不起来?|心率(?:很|特别|好)?(?:低|高)|喘不上气|出不上气)"
)
# Not a sound from them (一点声音都没有, 一点动静没得).
_SILENT = r"(?:(?:一点)?(?:声音|动静|响动)(?:都|也)?没(?:有|得)?|无(?:任何)?(?:动静|声响|声音))"
_HABIT = r"(?:平时|平常|往常|以前|一向|每天|天天)[^。！？!?]{0,14}(?:都会|都要|总会)"
_UNLIKE_THEM = (
    r"(?:以前从没|以前从来不|从来不这样|从没这样|平时都接|平时从不|平常都接|平时电话都接|"
    r"往天(?:再忙)?都会|平时(?:早上|每天|天天)?都会|平常(?:早上|每天|天天)?都会|以前(?:每天|天天)都会)"
)


# Pills that harm in number, and numbers that make an overdose of them (吃了半瓶安眠药).
_PILLS = r"(?:安眠药|抗抑郁药|降压药|止疼片|止痛片)"
_DOSE = r"(?:一整?瓶|半瓶|大半瓶|一把|好几片|七八片|十几片|几十片|一板)"

# Something about to come down (随时会掉, 吊着, 摇摇晃晃, 就嚟跌) over where people pass or
# stay (下面就是人行道, 人来人往, 好多人在取件): in the training messages a report with
# both is an emergency 145 times to 11; the thing itself may be anything.
_PRECARIOUS = (
    r"(?:(?:随时|眼看着?|马上|就快|快要|就要|分分钟)(?:会|要|都会|可能|都要)?"
    r"(?:掉|塌|倒|垮|砸|落|冧|跌)(?![色漆毛头秤链线队价闭霉车班雨地实户座停])|"
    r"悬(?:着|在半空)|吊着|吊起|耷拉着|摇摇晃晃|晃晃悠悠|(?<![刀棍枪])晃来晃去|一荡一荡|就嚟(?:跌|冧)|要冧|"
    r"(?:要|快)(?:掉|塌|倒|垮)(?:下来|下去)|往外(?:倒|歪|倾)|一半(?:还)?歪着|歪着要倒|又宽了|越来越宽|越裂越大|"
    r"斜挂|歪挂|往(?:外|下|檐口|楼下)[^。！？!?，,]{0,3}(?:滑|溜)了)"
)
_EXPOSED = (
    r"(?:正?(?:底下|下面|下边|下头)(?:就|正好|天天|刚好|全|都)?(?:是|有|系)|正对着|人来人往|进进出出|"
    r"来来往往|(?:有|好多|很多|好几个|一群|几个)(?:人|小孩|孩子|老人|小朋友|学生)(?:在|从)?"
    r"(?:下面|底下|经过|走|过|取|玩|坐)|从(?:下面|底下)(?:过|走)|行人|上学|放学|人行道|过道|"
    r"通道|唯一出口|贴着墙走)"
)
# A hole left open (井盖敞着, 盖子没了).
_UNCOVERED = r"(?:敞着|开着|没盖|没了)"
# Where someone can be stuck (化粪池检修口, 下水道篦子, 施工沟).
_HOLE = r"(?:井|坑|洞|口|沟|池|缝|篦子|栏杆|管道)"
_NOT_FEARED = r"(?![^。！？!?]{0,12}(?:怕|担心|万一))"

# Children by an open electric box or a bare wire, there now (小孩在旁边玩), not as a habit
# (小孩经常在那玩, 老在那玩).
# Where the power comes in, which water must not reach (漏到电闸, 电表箱都淋湿了).
_POWER_BOX = r"(?:电闸|电箱|配电箱|电表箱)"
_ELECTRIC = (
    r"(?:电线|电箱|配电箱|变电箱|电表箱|电缆|电闸|高压线|变压器|配电室|配电房|高压设备|高压柜)"
)
_BARED = r"(?:开着|敞着|露在外|露着|露出|裸露|掉在地上|耷拉|垂|撬开)"
_CHILD = r"(?:小孩|孩子|娃娃?|小朋友|学生|儿童|幼童)(?:们)?"
_NOT_HABIT = r"(?<!经常)(?<!老)(?<!天天)(?<!总)"
_NOW_THERE = rf"{_NOT_HABIT}(?:正在|在|正)"
_CHILD_THERE = (
    rf"{_CHILD}[^。！？!?，,]{{0,4}}(?:{_NOW_THERE}(?:旁边|边上|那|那儿|那里|跟前|里面)?"
    r"[^。！？!?，,]{0,4}(?:玩|摸|戳|扒|拽|拉|捡|爬|躲)|"
    rf"{_NOT_HABIT}(?<!常)(?<!老是)(?:钻|翻|爬)(?:了)?进(?:去|来))"
)
_CHILD_AT_ELECTRIC = (
    rf"{_CHILD}[^。！？!?，,]{{0,3}}{_NOW_THERE}[^。！？!?，,]{{0,2}}{_ELECTRIC}[^。！？!?，,]{{0,4}}"
    r"(?:玩|摸|戳|扒|爬)"
)



# Nobody answering, a body that does not move, a chest that hurts, a child outside a
# window, things thrown or about to fall, bare wires and sparks, smoke that chokes.
SEEN_DANGER = (
    r"没人[接应理开]|没应|没反应|一动不动|叫不醒|喊不醒|胸口|胸闷|喘不上|中毒|窗外|窗台|"
    r"防盗窗|楼顶|天台|没大人|迷路|往下扔|吊在|要掉(?![色漆毛头秤链])|随时掉|飞下来|露在外|裸露|火花|噼里啪啦|呛"
)

# Words by which a message turns to the community or asks for help. They report nothing
# themselves, but a message with one may be a request in words the dictionary lacks
# (我哋呢栋楼又冇水啦，唔该社区问下), so it may go to the learned model, which decides.
REQUEST_CUES = (
    "社区", "网格", "物业", "居委", "街道", "志愿者", "能不能", "可不可以", "能否", "可否",
    "麻烦", "帮忙", "帮帮", "帮我", "请问", "想问", "问下", "问一下", "唔该", "怎么办", "咋办",
    "咋整", "有没有人", "谁家的", "谁管", "没人管", "登记", "申请", "办理", "补贴", "证明",
    "希望", "建议", "想请", "求助", "报修", "反映", "投诉", "托管", "独居", "一个人住", "冇",
    "莫得", "没得", "唔", "睇下", "落雨", "好耐", "有人管", "来人", "快来", "help",
)


def _c(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return regexes.compile(pattern, flags)  # the same as re.compile, cached across runs


def _s(pattern: str, flags: int = 0) -> Scan:
    """A pattern of many alternatives, most of them beginning with a class or a
    lookbehind, that is searched far more often than it matches (see `Scan`)."""
    return Scan(pattern, flags)


@dataclass(frozen=True, slots=True)
class Patterns:
    """All message-level regexes of one engine."""

    quote: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"^\s*[“\"「『](?P<name>[^:：\n]{1,20})[:：](?P<quoted>.*?)[”\"」』]?\s*\n"
            r"\s*(?:-\s*){4,}\n(?P<reply>.*)$",
            re.S,
        )
    )
    me_too: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"^\s*(?:\+\s*1|\+\+|加一|同上|同问|同样|一样|我家也|我们家也|我们(?:楼|这|这边|单元)?也|"
            r"俺家也|俺们也|咱家也|这边也|也是|我也|也一样|也这样|我家同样)"
        )
    )
    link: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"https?://|www\.|\w\.(?:com|cn|net)\b|\[链接\]|【链接】|\[文章\]|\[小程序\]|\[视频号\]|"
            r"阅读原文|点击(?:链接|查看|下方)|转发给|^\s*[【\[](?:转发?|转载|分享)[】\]]|^\s*(?:转发|转载|分享)(?:一下|一个|一条|一篇|个)?[:：，,]|速看|快转|扩散|长按识别|分享自|来自.{0,6}(?:公众号|头条|抖音)"
        )
    )
    ad: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"出售|转让|出租(?![车屋])|求租|求购|急售|低价|特价|(?<!有没有)(?<!有啥)(?<!有什么)优惠(?![吗么？?])|包邮|促销|秒杀|有意者?私聊|有意者|"
            r"招聘|兼职|专业(?:疏通|开锁|维修|保洁|搬家|清洗|回收|除甲醛)|上门回收|回收旧|"
            r"(?:\d+|几)(?:块|元)(?:钱)?(?:一|每)(?:斤|个|箱|盒|次|月)|\d+元/|全新|九成新|\d成新|"
            r"价格(?:美丽|实惠|可议|面议)|欢迎(?:咨询|选购|订购)|微信同号|加我微信|vx|V信|代理"
        )
    )
    # Neighbours asking one another (谁家有打气筒借用一下) or looking for a lost pet (我家狗走丢
    #了…见到的联系我): the group helps, the community has nothing to do.
    neighbourly: Scan = field(
        default_factory=lambda: _s(
            r"(?:谁家|哪家|有没有人|哪位(?:邻居)?|谁)(?:家里|家)?有[^。！？!?\n]{0,14}?借|"
            r"(?:狗|猫|狗狗|猫咪|鹦鹉|宠物|比熊|泰迪|柯基|金毛|橘猫)[^，,。！？!?\n]{0,4}"
            r"(?:走丢|丢了|跑丢|跑了|不见了)[^\n]{0,60}?(?:联系我|重谢|说一声|告诉我|跟我说|私聊我|"
            r"见到的|看到的|谁见了|谁看见)"
        )
    )
    # A message that opens as a tale (讲个笑话, 说个真事, 想起小时候): whatever it names in
    # passing is a story's; 说个事 opens a request as often as not, so it is no tale.
    story: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"^[^，。！？!?,]{0,8}?(?:给大家|跟大家|和大家|跟你们|给你们|我)?(?:讲|说)"
            r"(?:一?个|一?件|一段|段)[^，。！？!?,]{0,6}?(?:故事|笑话|真事|趣事|奇事|好笑的)|"
            r"^[^，。！？!?,]{0,4}?(?:突然)?想起(?:我们|咱们|俺们)?(?:小时候|以前|那时候|当年|年轻)"
        )
    )
    jielong: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"#?接龙|团购|拼团|开团|跟团|(?:^|\n)\s*\d{1,3}[.、．]\s*\S+.*\n\s*\d{1,3}[.、．]"
        )
    )
    notice: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"^\s*[【\[](?:[^】\]]{0,8})(?:通知|公告|提示|提醒|告知|须知|通告|预警|倡议)[^】\]]{0,4}[】\]]|"
            r"^\s*[^，,。！？!?:：]{0,8}(?:通知|公告|通告|提醒|情况|通报|汇报)[:：]|"
            r"^\s*(?:紧急|重要|停水|停电|停气|停暖)?(?:通知|公告|温馨提示|友情提示|重要提醒|特别提醒)"
            r"(?!也没|都没|没发|没有)"
            r"|^\s*各位(?:业主|居民|住户)[:：]|暂停使用|维保期间"
            r"|社区(?:有|提供|组织)(?:免费|义务|公益)|停(?:水|电|气|暖)(?:检修|维修|施工)|提前通知|严禁|后果不堪设想|小科普|小贴士|科普[:：]|小知识[:：]|安全知识|谢谢配合|感谢(?:您的|大家的)?配合|请勿|请大家(?:不要|别|勿)|(?<!未发布)(?<!没发布)(?<!未发)(?<!没发)(?<!任何)(?:停水|停电|停气|停暖)的?通知(?![上里]?说|也没|都没|没发|没有|呢)"
            r"|温馨提示|友情提示|接.{0,6}通知|特此通知|敬请谅解|请.{0,8}(?:提前|做好).{0,6}(?:储水|准备|安排)|"
            r"给您带来的不便|由此带来的不便|(?:大家|相互|互相)转告|望周知|请知悉|"
            r"欢迎.{0,8}(?:参加|体验|报名|前来|来玩)|演练|演习|"
            r"(?:因|由于).{0,20}(?:维修|检修|施工|改造|抢修).{0,20}(?:将|定于|于|预计).{0,20}停(?:水|电|气|暖)"
        )
    )
    # The office's own papers by their titles (关于…的通知, …的集中答复, 政策解读, 办事指南),
    # its findings (经核实，…已整改) and reports (汇报如下), and the city's news (我市…全面开工):
    # the register of a citizen-appeal channel, where a resident's appeal reads 关于…的问题
    # instead. A notice (``notice``) whatever words it holds.
    official: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"^\s*关于[^。！？!?，,]{0,40}的(?:集中|统一|书面|正式)?(?:通知|公告|公示|通告|回复|答复|复函|"
            r"情况说明|说明|通报|解读|办法|规定|倡议)(?!也没|都没|没发|没有|还没|呢|吗|[?？])|"
            # a guide's or a briefing's name heads or closes it, or stands in brackets
            r"^\W{0,2}(?:政策解读|办事指南|权威解答|一图读懂)|[（(【](?:政策解读|办事指南|权威解答)[）)】]|"
            r"(?:政策解读|办事指南|权威解答)\W{0,2}$|(?:汇报|报告|通报)如下|"
            # minutes, reports, reviews and replies by their heads (会议纪要：…, 【事件复盘】…,
            # 12345工单回访：…已修复, 物业回复：您反映的…)
            r"^\W{0,2}(?:【[^】]{0,10}】)?[^，,。！？!?:：【]{0,10}(?:纪要|周报|月报|简报|工作总结|"
            r"复盘|调查结果|处理结果|办理结果|培训材料|安全培训)[:：]|"
            # (情况说明：我家… is a resident's own account; the office's is about a report)
            r"^\W{0,2}情况说明[:：]\s*关于|"
            # (a reply quoted and answered back is a report: 物业回复：已安排维修。结果三天了
            # 还没人来)
            r"^\W{0,2}(?:物业|社区|网格员|街道|工单|12345)[^，,。！？!?:：]{0,4}(?:回复|答复|回访)[:：]"
            r"(?![^\n]*(?:可是?|但是?|结果|不满意|还是|还在|还没|还困|都[^。！？!?，,]{0,8}了|[！!]))|"
            r"^\s*【[^】]{0,8}(?:复盘|纪要|简报|周报|总结|回访)[^】]{0,4}】|"
            # the office's finding: 经核实，…已整改 (a resident's 经排查，还在冒烟 is no finding)
            r"^\s*经(?:查|核查|核实|调查)[，,:：][^。！？!?]{0,40}(?:已|系|属实|不属实|并非)|"
            # a headline of one clause, nothing reported after it
            r"^\s*(?:我市|全市|本市|我区|全区|我省|全省|我县|全县)[^。！？!?，,；;]{0,30}"
            r"(?<![没未])(?:出台|启动|推出|开展|完成|开工|实施|发布|印发|部署|召开|表彰|上线|开通|落地|惠及)"
            r"[^。！？!?，,；;]*[。！!]?\s*$"
        )
    )
    planned: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"(?:明天|明日|明早|明晚|明儿|后天|下周|下个月|周[一二三四五六日末]|将于|将|计划|预计|定于|听说|据说|"
            r"\d{1,2}[月日]|\d{1,2}号(?![楼院])|几点开始|什么时候开始|哪天停|几号停|\d{1,2}[:点]\d{0,2}\s*[至到-]\s*\d)"
        )
    )
    # An outage that has lasted (都一天了, 到现在还没来) is no plan, even when heard of
    # (据说9栋又停水了 都一天了).
    lasting: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"都(?:[一两三四五六七八九十半几好\d]+)?个?多?(?:天|小时|钟头|晚上|上午|下午|礼拜|星期)了|"
            r"到现在|一直没来|还没来"
        )
    )
    elsewhere: Scan = field(
        default_factory=lambda: _s(
            r"新闻|报道|据悉|记者|网传|热搜|央视|视频里|抖音上|快手上|微博上|头条上|朋友圈看到|"
            r"网上看到|看到网上|电影|电视剧|情节|小说里|不关(?:咱们?|我们|俺们)?的?事|(?:的|个|段)(?:短)?视频|视频(?:是|在)|刷到|"
            r"梦见|梦到|做梦|梦里|(?:剧|戏|片子|动画|节目|故事|游戏|视频|小说)(?:里|中)|游戏里(?:面|头)|"
            r"(?:那|这)(?:一?集|一幕)|有一集|(?:听|开)了?(?:个|场)?讲座|讲座(?:上|里)|追(?:一部|个|部)?剧|镜头|拍得|演的|剧情|"
            r"(?<!我是)(?<!俺是)外地(?:的|有|一(?!时))|(?<!说是在)(?<!说在)(?<!说是)老家(?!的?地址)|国外|别的小区|人家小区|"
            r"其他小区|别人家小区|(?:我们|俺们|我|他们|她们|孩子|儿子|女儿)(?:的)?(?:公司|单位|学校|办公室)|(?:隔壁|旁边|对面|附近)(?:的)?(?:新|老)?小区|(?:他|她)们(?:小区|那|那边|楼)|不是(?:咱|我|俺)们?(?:小区|这|楼)|"
            # 我在广州, 我们在上海 is where the sender is, not where the story is (我妈住咱们
            # 小区…我在广州)
            rf"(?:{_CITIES})(?:一|某|的(?!{_KIN_THERE})|市|有个|那边|那)|"
            rf"(?<![我俺不])(?<!我们)(?<!俺们)(?<!咱们)(?<!我人)(?<!现在)在(?:{_CITIES})"
            # (not the family living there: 我是她在北京的侄女)
            rf"(?!的{_KIN_THERE})"
        )
    )
    # A place left unnamed (某小区, 某地) is a story from elsewhere, except in the office's
    # own records, which leave every address so (来电人反映：其母亲独居在天桥区某小区…,
    # 网格员报：迎泽区某小区独居老人…): see ``office_record``.
    unnamed_place: re.Pattern[str] = field(default_factory=lambda: _c(r"某小区|某地|某市"))
    # A record kept by the office or written to it: a hotline call, a worker's or a
    # volunteer's report, a work order (来电人称…, 网格员巡查发现…, 物业工单：…).
    office_record: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"^\W{0,2}(?:【[^】]{0,12}】\s*)?(?:(?:12345|工单号?|值班(?:记录|日志)?|来电记录|巡查记录|事件记录)"
            r"[^，,。！？!?]{0,4}[:：\s]|(?:(?:市民|居民)?来电(?:人)?|市民|网格员|志愿者|楼长|值班员|"
            r"保安|物业|工单)[^，,。：:！？!?]{0,6}(?:反映|来电|称|报告?|巡查发现|发现|工单))"
        )
    )
    ours: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"(?<!不是)(?:咱们?小区|我们小区|俺们小区|本小区|我们这|咱们这|咱这|俺这|我们楼|我家)"
        )
    )
    thanks: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"谢谢|感谢|多谢|辛苦了|辛苦啦|点赞|表扬|给力|太好了|感恩|谢了|3q|thank|👍|🙏|💐|🌹|❤|"
            r"\[(?:强|抱拳|玫瑰|爱心|鼓掌|赞|握手|合十|OK|好的)\]|为.{1,8}点赞|真负责|好样的|效率真高|效率高"
        )
    )
    # A condition before the problem makes it hypothetical (要是井盖坏了…); these mark a
    # general question wherever they stand (井盖坏了一般找谁).
    hypothetical: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"要是|如果|万一|假如|假设|假使|以后要是|就怕|生怕|最怕|哪天真|哪天要是|杞人忧天|随便说说|"
            r"担心|怕以后|害怕(?:以后|将来|哪天)|开玩笑|随口一说|不然|要不然|否则|要不是"
        )
    )
    # A danger feared, not seen (怕哪天倒了, 万一砸着人): see TriageEngine.feared.
    feared: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"万一|要是|如果|假如|就怕|生怕|怕哪天|哪天(?:真|要是|会|就)|迟早|早晚会|以后会|"
            r"怕[^。！？!?，,]{0,6}(?:倒|塌|掉|砸)"
        )
    )
    # A danger's characters in a harmless sense (掉色, 扎心): nothing the model may call an
    # emergency by itself.
    harmless: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"掉(?:色|漆|毛|头发|秤|链子)|扎心|心(?:都)?碎了|破防|得(?:喘不过气|透不过气|喘不上气)|"
            # a child who will not get up in the morning
            r"(?:早上|早晨|每天|天天|起床)[^。！？!?]{0,6}(?:叫|喊)(?:都叫|都喊)?不醒"
        )
    )
    general: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"的话|有规定吗|有没有规定|能不能(?:进|上|放|停|充)|可不可以(?:进|上|放|停|充)|"
            r"(?:一般|平时|通常)(?![^。！？!?]{0,24}(?:这|最近|今天|今日|今朝|今早|今晚|今次|昨天|好几天|几天))"
            # 平时她天天坐门口, 她平时一个人住: a habit or a way of living that sets off
            # today's absence, not a general question
            r"(?![^，,。！？!?]{0,6}(?:天天|每天|一定|都会|总是|经常|一个人|独居|独自|自己住|一人住))|怎么预防|如何预防|注意事项|小知识|会不会(?!是?出[了]?(?:什么)?事|有事)|是否会|归谁管|哪个部门管|"
            r"一招|妙招|小窍门|小技巧|小常识|家长要|要看好"
        )
    )
    # Someone asked to act (你们给说说, 哪个去弄一下, 麻烦马上找人关, 换个新的吧): a message that
    # turns to others to do something about what it tells. The model opens such a message
    # at its own line (TriageEngine.pleads), picked on tune like the others.
    pleads: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"(?:你们|物业|社区|网格员?|居委会?|街道|师傅)[^。！？!?，,]{0,4}"
            r"(?:给|帮|来|去|派|管|处理|看|说说|问问|修|弄|清|换)|"
            r"帮(?:忙|着|我|俺|我们|俺们)?[^。！？!?，,]{0,4}"
            r"(?:看看|瞧瞧|说说|管管|问问|处理|弄|修|换|清|查|联系|敲门|叫)|"
            r"(?:哪个|谁|哪位|有没有人)(?:能|可以)?(?:去|来)?(?:管|看|弄|修|处理|帮|劝|拦|叫|联系|敲)|"
            r"麻烦[^。！？!?，,]{0,6}(?:找人|派人|来人|处理|看看|管管|修|弄|清|换|联系|说)|"
            r"(?:换|修|清|弄|装|补)(?:个|一下|一个)(?:新的)?吧|(?:给|帮)(?:换|修|弄|清|处理)一下|"
            r"(?:赶紧|赶快|尽快|马上|快)(?:来|派|找|过来|处理|去)|"
            r"(?:能不能|能否|可不可以|可否)[^。！？!?，,]{0,6}(?:派|找|来|管|修|换|清|处理|帮|上门|安排)|"
            r"请(?:物业|社区|网格员?|居委会?|师傅|你们)|"
            # or asks the office how, where or with what a thing is done (补办上哪, 要带
            #啥, 要办么子手续, 想问怎么拿回来, 点补); never 怎么办, a cry of worry
            r"(?:上|去|到)哪(?:儿|里)?(?:办|补|交|领|开|激活|申请|报名|登记|盖章)|"
            r"(?:要|需要|得)(?:带|准备|交|提供)(?:什么|啥|哪些|么子|些啥|些什么)|"
            r"办(?:什么|啥|哪些|么子)手续|"
            r"(?:怎么|咋|怎样|如何|点样?)(?:补办|补|办理|申请|激活|拿回|领取|领|报名|登记|开证明)|"
            r"想问(?:一下|下)?(?:社区|网格|物业|怎么|咋|去哪|上哪|哪里|能不能|可不可以)|"
            r"(?:确认|核实|核对)一下|"
            # or in the written register of an appeal (恳请…, 请相关部门…, 诉求：…, 望予以解决)
            r"恳请|强烈要求|请求(?:社区|街道|物业|相关|有关|领导|政府|尽快|协调|解决|帮助|帮忙|在|为|给)|"
            r"诉求[:：]|请(?:相关|有关)部门|予以(?:解决|处理|查处|整改|协调|核实|取缔|拆除|清理)|"
            r"望(?:社区|街道|物业|相关部门|有关部门|领导)?(?:予以|尽快|早日)"
        )
    )
    # Where a story seen elsewhere is said to be here (朋友圈的视频，就是咱们小区6号楼…).
    here: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"(?:就是|就在|是|在)(?:咱们?|我们|俺们|本)小区|"
            r"(?:咱们?|我们|俺们|本)小区(?:的)?[0-9一二三四五六七八九十]+(?:号楼|栋|幢|号|单元)"
        )
    )
    polite_if: re.Pattern[str] = field(
        default_factory=lambda: _c(r"(?:如果|要是)?(?:可以|方便|有空|有时间|不麻烦)的话")
    )
    # Some asking or wishing in any words (能装个充电桩不, 楼下放个长椅呗, 希望…): a wish is
    # asked for, so the model may not open one without it (它有许多不一致的地方 is none).
    # All but 1 of the 1,227 labelled wishes have one.
    asking: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"希望|想|盼|愿|能|可以|可不可以|有没有|有木有|吗|么|呢|社区|物业|居委|网格|建议|募集|捐|"
            r"求|请|帮|麻烦|要是有|多好|就好|缺|该|啥时候|什么时候|谁家|谁有|有冇|欲|[?？]|"
            r"(?:吧|嘛|呗|伐|得唔得)(?=\W|$)|(?:不|中不|要得不)\W*$|xi ?wang"
        )
    )
    wish: Scan = field(
        default_factory=lambda: _s(
            r"微心愿|小心愿|心愿是|我的心愿|许个愿|希望(?:社区|小区|物业|居委会|街道|咱们?|我们|能|可以|有)|"
            r"建议(?:社区|小区|物业|在|把|多|给|增加|加装|安装)|盼着|盼望|"
            r"(?:能不能|能否|可不可以|可否|是否可以|有没有可能)(?:在|给|帮)?(?:咱们?|我们|俺们)?(?:小区|社区|楼下|院里|院子|楼道|门口|广场|这)"
            r".{0,10}(?:装|建|设|加|多|搞|弄|安|种|放|开|办|修)|(?<!一下)(?<!上去)就好(?:了|啦)|太需要|想要一|想请社区"
        )
    )
    # An appeal in the written register of the hotline and the mayor's mailbox: 恳请在…增设
    # 座椅, 强烈要求拆除…违建, 请求清理…, 要求物业公开…. It asks the office to act on what it
    # names, in words no resident in the groups writes (not one training message).
    appeal: re.Pattern[str] = field(
        default_factory=lambda: _c(
            # at the head of a title or a letter, or addressed to the office; never to the
            # neighbours (恳请各位邻居帮忙转发…) nor within another clause (入群请求，麻烦群主处理)
            rf"(?:^\W{{0,2}}(?:恳请|请求|强烈要求)|{NOT_SOMEONE_ELSES}(?:恳请|请求|强烈要求|呼吁|要求)"
            rf"(?={APPEAL_OFFICE}))(?!{NEIGHBOURS}|亲们|家人们)"
            rf"{APPEAL_OFFICE}?(?:尽快|早日|依法|及时)?(?:予以)?"
            r"(?:在|为|给|帮助?|对)?[^。！？!?，,；;]{0,14}?"
            r"(?P<verb>增设|设置|放置|安装|加装|增加|添置|配备|建设|修建|开设|设立|新建|配置|"
            r"清理|清运|拆除|取缔|查处|整治|治理|规范|解决|协调|处理|整改|修复|维修|疏通|更换|关注|"
            r"介入|督促|落实|恢复|公开|核查|制止|调解)"
        )
    )
    # 我也认领了一个微心愿: the resident grants a wish, nobody asks for one.
    wish_granted: re.Pattern[str] = field(default_factory=lambda: _c(r"认领|帮.{0,6}实现"))
    # 我想反映个情况，等下说: an announcement; the request itself comes next.
    later: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"等(?:一)?下(?:再)?说|等会儿?(?:再)?说|一会儿?(?:再)?说|稍后(?:再)?说"
        )
    )
    # 这电梯可真"靠谱"，哈哈 / 效率真高啊，呵呵: irony, a grumble to the group, not a report.
    sarcasm: re.Pattern[str] = field(
        default_factory=lambda: _c(r"真(?:是)?(?:太)?[“\"「'‘][^”\"」'’]{1,6}[”\"」'’]|呵呵")
    )
    # 要是电梯再快点就好了，开玩笑的: said in jest, nothing asked.
    joking: re.Pattern[str] = field(
        default_factory=lambda: _c(r"开玩笑|随口一说|随便说说|说着玩|说说而已|也就说说")
    )
    wish_tail: re.Pattern[str] = field(default_factory=lambda: _c(r"就好了|就好啦|就更好了"))
    followup_ref: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"(?:我|俺|咱|我们|上次|上回|之前|昨天|前天|前几天|上周|上个星期|上礼拜|早上|上午|刚才|那天|"
            r"几天前|一周前|半个月前|一个月前|\d+天前)[^，。!?！？\n]{0,10}?"
            r"(?:报|报修|说|反映|反应|提|登记|发|问)(?:过|了)?的|#\d+|工单|单号"
        )
    )
    followup_ask: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"啥时候|什么时候|几时|多久|咋还|怎么还|还没|还是没|还不|有进展|进展|进度|结果|处理了吗|处理了没|"
            r"修了吗|修了没|修好了吗|修好没|好了没|有人管|没人管|没人理|没动静|没回复|没消息|怎么样了|"
            r"咋样了|怎样了|到底|管不管|有人来吗|来了吗|能修吗"
        )
    )
    past: re.Pattern[str] = field(
        default_factory=lambda: _c(r"前几天|上周|上个月|之前|以前|去年|前年|小时候|那年|上次|年前")
    )
    # A story about the past (上回…后来社区出面解决的) reports nothing today: a time long
    # gone before the problem, then either how it ended or nothing that says "still/again".
    long_ago: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"上回|上次|那次|那回|那场|想起|我记得|那会儿?|那阵子?|那时候?|那年|当年|当时|以前|从前(?!天)|之前|早些年|前些年|"
            r"前几年|好久以前|很久以前|去年|前年|小时候|上个月|刚搬来|年前|年轻(?:的)?时候?"
        )
    )
    retold: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"后来|幸亏|多亏|好在|才解决|解决的|解决了|修好了|整治了|处理了|现在想想|想想还|"
            r"急死了|再也没|没再|现在好了|现在换了|挺好用|记忆犹新|现在能|好多了|康复|恢复得|"
            r"修得|现在.{0,3}(?:平整|干净|亮堂|整齐)|后怕|"
            r"(?:来|给)?救(?:出来|下来|上来)?的(?![人命])"
        )
    )
    still: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"现在|至今|到现在|如今|还没|还是|还在|又|再次|这次|这回|今天|今早|今晚|今儿|刚才|"
            r"刚刚|一直|依然|仍然|老是|总是|快来|麻烦|请|帮忙|能不能|赶紧|急|没人管|怎么办"
        )
    )
    # Someone gone now (外婆不见了 她糊涂好几年了): a long-standing condition beside it is
    # why they are in danger, not what is reported.
    gone: re.Pattern[str] = field(
        default_factory=lambda: _c(
            rf"(?<!去年)(?<!上个月){WALKED_OFF}|"
            r"(?<![以之]前)(?<!去年)(?<!上个月)(?<!防)"
            r"(?:不见了|没回来|没回家|未返|未归|"
            r"(?<![器镜卡包机])找不到了|找不着了|荡失路|至今(?:都|还)?(?:未|没)(?:有)?(?:归|回))"
        )
    )
    # 中风后一直卧床: a long-standing condition is care, not an emergency.
    chronic: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"长期|常年|多年|好几年|好多年|这些年|这几年|几十年|都习惯了|老毛病|后遗症|"
            r"后(?:就)?一直(?!抽|吐|发烧|烧|喘|流血|出血|昏|叫不醒|说胡话|独自|独居)(?![^。！？!?]{0,8}(?:今天|今早|刚才|刚刚|现在|突然))|一直(?:卧床|瘫|坐轮椅|躺在床)"
        )
    )
    # A danger's words inside a simile (这个群吵得跟着了火似的), or used as a figure of speech:
    # trapped by work, news, homework or a game (被娃儿作业困在屋头出不来), anger or heat (我要炸了,
    # 热炸了), a phone or chat group "exploding"; see TriageEngine._judge and .feared.
    simile_frame: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"(?:跟|像|好像|就像|如同)[^，,。！？!?\s]{0,8}?(?:似的|一样|一般)"
        )
    )
    figure: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"被[^，,。！？!?]{0,10}(?:消息|作业|考研|考试|复习|琐事|家务|会议|报表|论文|文件|工作|"
            r"带孙子|带娃|带孩子|呼噜)"
            r"[^，,。！？!?]{0,3}困|被困在(?:家|家里|屋里|屋头)[^，,。！？!?]{0,4}"
            r"(?:带孙子|带娃|带孩子|写作业|加班|上网课)|(?:压力|考研|作业|加班)[^。！？!?]{0,12}被?困死了|"
            # 我要炸了 (angry), 加班加得人都要晕倒了, a game's 困在塔下, 只想困在被子里
            r"(?<![家屋楼罐瓶箱])(?:我|俺|人|脑袋|脑子|头|肺)(?:都|也)?(?:快|真的?)?要?(?:气)?(?:爆)?炸了|"
            # 这瓜太炸了 (gossip), 快乐到晕倒, 救命这也太甜
            r"瓜[^，,。！？!?]{0,3}炸|(?:快乐|开心|高兴|幸福|美|甜|香|好吃|帅|好看|感动|激动)(?:到|得)(?:要|快)?(?:晕倒|晕过去|晕了)|"
            r"救命[^。！？!?]{0,4}(?:太|好|真)(?:甜|好吃|可爱|好看|帅|美|香|上头)|"
            r"(?:得|(?:抢|忙|累|看|笑|熬|加班)到)(?:人|我|俺)?(?:都|也)?(?:快)?要?(?:晕倒|晕过去|昏过去|晕死)|"
            r"被(?:老板|领导|公司|单位|客户)[^，,。！？!?]{0,3}困|困在[^，,。！？!?]{0,6}加班|"
            r"(?:王者|吃鸡|游戏|打野|副本|对面)[^，,。！？!?]{0,8}困(?:在|住)[^，,。！？!?]{0,4}(?:出不来气?)?|困在塔下|"
            r"(?<!电池)(?:我的?)?手机(?:都|也)?(?:快)?要?(?:爆)?炸了|"
            r"(?:斗地主|打牌|掼蛋|麻将)[^，,。！？!?]{0,6}(?:炸|困)|"
            r"(?:猫|狗|猫咪|狗狗|仓鼠)(?:又|被)?(?:困|卡|关)在|救命[^。！？!?]{0,4}(?:好好笑|笑死|哈哈|太好笑)|"
            r"(?:笑死|哈哈+|hhh+)[^。！？!?]{0,4}(?:要|快)?(?:炸|着火)了|群(?:都|也)?(?:快)?要?(?:爆|炸)了|"
            r"(?:热|晒|闷)得?(?:要|快)?炸了|(?:气|急)得[^，,。！？!?]{0,4}心脏病|"
            r"(?:热|晒|辣|渴|急)(?:得|到)(?:要|快)?冒烟|(?:键盘|手指头?|手机|电脑|脑子|脑袋)(?:都)?(?:快)?要?冒烟|(?:嘴|嗓子|喉咙|胃)(?:都|也|巴)?(?:快)?(?:要)?着火了|"
            r"(?:困|窝|缩|躺)在(?:被子|被窝|床上)里?"
        )
    )
    asks_for_help: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"帮|麻烦|请|能不能|能否|可不可以|需要|求助|谁能|有没有|申请|怎么办|咋办|想问|护理|上门"
        )
    )
    # 救命 about homework or work is a figure of speech.
    trivial: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"作业|(?<![问难])题|考试|考卷|手抄报|论文|功课|(?i:ppt)|加班|减肥|追剧|数学|物理|化学|"
            r"英语|语文|背单词|老板|甲方|方案|deadline|打游戏|饿死|困死|热死|冷死|无聊"
        )
    )
    # Words of danger, broader than the hazards and not urgent on their own: the model
    # may flag urgency only in a message that has one (homophones of gas included).
    danger: Scan = field(
        default_factory=lambda: _s(
            r"火|(?<![抽吸香戒])烟(?![头酒草盒])|燃|煤[气汽器]|天然|液化|瓦斯|焦|困|关着|卡住|卡在|出不来|锁在|摔|倒|晕|昏|"
            r"血|抽搐|没动静|没气|电线|高压线|漏电|触电|电到|爆|塌|掉下|掉进|"
            r"坑|洞|井|走丢|走失|失联|联系不上|没回来|找不到|不见了|没下楼|没开门|没见|喷|淹|"
            r"灌|危险|救命|快来|想吐|糊涂|砸|栽|窟窿|关人|关了人|在里头|在里面|嘶嘶|呲呲|滋滋|"
            r"不开门|不应门|没应门|不对劲|往下(?:掉|扔|砸|落)|掉了?[一二两三几\d]*[块个片根]?下来|"
            r"无人接听|无人应答|无动静|未见|未归|答不上|说不清|反复问|轿厢|止不住|蒸汽|瀑布|斜挂|"
            # the door knocked on in vain, someone not back, hiding from harm, a fight, and
            # 煤起 typed for 煤气 (a phone that does not answer is no sign: 厂家电话打不通)
            r"未返|荡失路|不敢出来|打人(?![工家])|砍人|持刀|拿刀|报警|煤起|"
            + SEEN_DANGER
        )
    )
    # What a bystander sees of danger rather than names it; rare in small talk, so these
    # alone also let a message the rules call chatter reach the model.
    seen_danger: re.Pattern[str] = field(default_factory=lambda: _c(SEEN_DANGER))
    # 倒 that pours (把垃圾倒在…): what lies there is a thing, not a fallen person.
    poured: Scan = field(
        default_factory=lambda: _s(
            r"(?:把|将)[^，,。！？!?\s]{0,8}$|"
            r"(?:垃圾|废物|剩饭|剩菜|饭菜|脏水|污水|废水|东西|杂物|油|汤|水|土|渣|皮|袋子)$"
        )
    )
    # A thank-you or praise before a service (谢谢小吴帮我妈买药, 陪诊服务真好): done.
    praised: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"谢谢|感谢|多谢|服务真好|服务很好|服务挺好|真好|很高兴|大快人心|点赞|好人一生平安|"
            r"真不错|挺不错|很不错|推荐给|值得推荐"
        )
    )
    # Praise after a service (陪诊服务真不错) says it was given; a bare 谢谢 after a
    # request is thanks in advance, so it is not here.
    praised_after: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"服务(?:真|很|挺)好|真不错|挺不错|很不错|推荐给|值得推荐|很满意"
        )
    )
    laughter: re.Pattern[str] = field(
        default_factory=lambda: _c(r"哈哈|笑死|笑哭|😂|🤣|\[(?:捂脸|破涕为笑|偷笑|笑哭)\]")
    )
    staff_reply: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"^\s*(?:收到|好的|已|马上|正在|稍等|我去|已派|已联系|已上报|已通知|处理中|已经安排|这就)"
        )
    )
    # 师傅已经到5栋了，正在查漏水的原因: a worker's progress report, whoever sends it.
    # 回复@王姐：… is how an answer in the group begins, most often a worker's (all five
    # in the training messages), but a resident answers that way too, and an emergency
    # told in the answer (回复物业：不是小事！…还剩一大半悬着 底下有人走) is one: see
    # TriageEngine._triage_text.
    reply_prefix: re.Pattern[str] = field(
        default_factory=lambda: _c(r"^\s*(?:回复|答复)(?:一下)?[^，。！？!?]{0,12}[:：]")
    )
    # ... and a worker's words in such an answer (电表箱进水了先别碰，供电所的人在路上了)
    answer_cue: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"在路上|已(?:经)?(?:通知|安排|联系|上报|处理|派)|马上(?:到|过去|派)|先别|正在(?:处理|抢修|排查)"
        )
    )
    worker_voice: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"^\s*(?:收到|好的|您好|你好)?[，,！!。 ~]*(?:我们)?"
            r"(?:已(?:经)?(?:安排|派|联系|上报|通知|登记|转交|记录|转|受理|劝导|劝离|清理|处理)|"
            r"马上(?:安排|派)|这就(?:去|安排|派)|正在(?:查|排查|检修|抢修|处理|协调))|"
            r"^\s*师傅(?:已经)?(?:到了|到[^，。！？!?]{1,6}了|在路上|马上到)|"
            r"^\s*(?:大家好[，,]?)?我是[^，。！？!?]{0,10}(?:网格员|物业|社区|居委会)(?!.{0,20}(?:吗|？|\?))|"
            r"私信(?:发|给)(?:您|你)了?|你私信我|"
            # an answer to a resident: 有的，我们有…; 可以的，社区…; 您把总闸拉一下试试
            r"^\s*(?:有的|可以的|可以哦|有哦)[，,！!]|(?:您|你)(?:先|可以)?把[^。！？!?]{0,24}试试|"
            r"^\s*\S{1,4}(?:您好|你好)[，,]\s*(?:您|你)(?:的|家|父亲|母亲|这个|这种)|"
            r"(?:会|将)有人(?:来|过来)(?:修|换|处理|疏通)|"
            r"^\s*(?:@\S+\s*)?我们[^，。！？!?]{0,6}(?:过去|过来|去|来)(?:看看|看一下|处理|修)|"
            r"物业(?:说|讲|回复)[^，。！？!?]{0,6}(?:明天|明早|今天|下午|晚上|马上|一会)[^，。！？!?]{0,4}(?:来|去)"
            r"(?![^。！？!?]{0,20}(?:没来|还没|到现在|结果|咋还|怎么还))"
        )
    )
    # 后来换了一个就好了, 原来是邻居在煮中药: the trouble ended or was never one.
    settled: Scan = field(
        default_factory=lambda: _s(
            r"(?:后来|然后|结果|换了|推上去|合上|重启|弄了一下|插上)[^。！？!?]{0,12}就好(?:了|啦)|"
            r"原来是[^。！？!?]{0,12}(?:在(?:煮|炖|熏|烧|烤|做|炒)|跳闸|自己|没事|烧烤|烤肉|烤串|烤红薯|"
            r"放鞭炮|放炮|放烟花|烧纸|睡着|晒太阳|擦窗|换表|检修|施工|演练|演习)|虚惊一场|"
            # gone to stay with family (原来是去她女儿那里住了); tightened, pulled out, come round
            r"原来是?(?:去|到|回)[^。！？!?]{0,12}(?:住|玩|串门|旅游|过年)|"
            # a gas smell that was none (是垃圾站那边的味，不是燃气; 其实都是下水道味)
            r"(?<![是还说])不是(?:燃气|煤气|天然气)(?:味|泄漏|漏了)?(?![^。！？!?]{0,10}(?:吧|吗|啊|？|\?))"
            r"(?![^。！？!?]*(?:可是?|但是?|还是|明明|就是煤|就是燃|晕|119))|"
            r"其实(?:都|就)?是[^。！？!?，,]{0,6}(?:的)?味|"
            r"(?:查了|查明|一看|确认)(?:为|是|系)[^。！？!?，,]{0,8}(?:在)?(?:熬|煲|煮|炖|烤|烘焙)|"
            r"(?:确认|核实|查明)(?:为|系)[^。！？!?]{0,16}(?:无|并无|没有)(?:安全)?(?:隐患|泄漏|异常)|"
            r"以为[^。！？!?]{0,16}(?:其实|结果是|原来是?)(?![^。！？!?]{0,16}(?:还|又|但|可|真的))|"
            # the smell or smoke explained (煤气味是楼下做饭的)
            r"(?:味|味道|烟|着火|冒烟|起火|火花|火星子?)(?:的事)?(?:是|就是)[^。！？!?，,]{0,8}"
            r"(?:做饭|炒菜|烧烤|烤肉|熏|煮|炖|蒸|熬|煲|烧水|烧纸|放鞭炮|烤火|烧秸秆|烧草|电焊)的?"
            r"(?![^。！？!?]{0,10}(?:还|又|但|可|好像不))|"
            r"(?:拧紧|拧好|关紧|紧了一下)了?[^。！？!?]{0,4}(?:就)?不(?:滴|漏)了|"
            r"(?:拽|拉|抱|救|掏|拖|拿)出来了(?![^。！？!?]{0,8}(?:还|又|但|可|就是|流血|不动|没反应))|"
            # a scare explained or put right by others, as the hearsay ends (谣言 物业已经测过了,
            # 后来他自己出来了, 是燃气公司在换表, 保洁阿姨一桶水就浇灭了, 刚刚回了 说手机静音了)
            r"其实是[^。！？!?]{0,12}(?:味|在|误会|误报)|其实(?:没事|没漏|没有事)|(?<!可能是)(?<!可能)(?<!也许是)(?<!也许)误报|谣言|辟谣|假消息|(?<!不)是(?:个|一场)?误会|(?:别|不要|莫)(?:瞎|乱)传|没得事(?![做干])|不用回(?:了|复)|看错了|看走眼了|"
            r"(?:已经|已)(?:加固|浇灭|扑灭|包扎|处理好)了|(?:浇|扑|踩|拍)灭了|"
            r"后来(?:他|她)?自己(?:出来|回来|下楼|开门)了|后来发现(?:是|没)|"
            # a scare explained (原来是他家孩子的玩具), a battery changed, clutter cleared
            r"原来是[^。！？!?，,]{0,10}(?:玩具|猫|狗|风|演习|演练|鞭炮|烟花|拍戏|在拍|装修|电视|电焊)|"
            r"已经?换(?:好|了)?电池|(?:清掉|清走|清理|搬走|拉走)了[^。！？!?]{0,8}(?:现在|宽敞|干净|清爽)|"
            # an absence explained (搬到女儿家住去了…难怪好几天没见他)
            r"难怪[^。！？!?]{0,10}(?:没见|不在|没人|没动静|没开灯|没下来|没出门)|"
            r"(?<!不)是(?!不是)[^。！？!?，,]{0,8}在(?:换表|检修|施工|维修|演练|演习|擦窗|管道放散|放散|电焊|焊)"
            r"(?![^。！？!?]{0,4}[吗吧啊呢?？])|"
            r"一会儿?就好(?!了?[吗吧])|(?:就是|只是)擦破(?:了)?(?:点|一点)?皮|"
            r"(?:刚刚|刚才|后来)(?:回(?:电话)?|接(?:电话)?|联系上)了"
            r"(?![^。！？!?]{0,8}(?:还|又|但|可|就是|说(?:她|他)?(?:摔|晕|病|不舒服|起不来)))|"
            r"(?:去|到|回)(?:她|他)?(?:女儿|儿子|闺女|亲戚|老家)[^。！？!?，,]{0,4}住了|"
            r"缓过(?:来|劲)了(?![^。！？!?]{0,8}(?:还|又|但|可|就是))|"
            r"(?:这次|这回)(?:挺|很|真|蛮|特别)?(?:快|及时)|满意|"
            r"(?:已经|已)(?:被)?(?:接走|接回|找到|找着|回来|回家|送回|灭|送医|送医院|送到医院)了?|"
            r"(?:啥|什么)事(?:都|也)?没有|"
            r"(?:已经|已)(?:被)?(?:拆|清理|清走|清出来|修好|补好|换好)(?:掉)?了|找到了|找着了|找回来了|"
            r"(?:火(?:已经)?|已经|早就?)(?:被)?(?:扑)?灭了|"
            r"终于(?:有人)?(?:修|补|换|弄|通|亮|来|装)(?:好|上|了)|"
            r"一会儿?就(?:来|好|恢复)了|没啥事|(?:我|俺)?自己(?:买了个|换了|换上|修好|弄好|修了|搞定)|"
            r"(?:亮堂|干净|安静|清静|暖和|好)多了(?![\u4e00-\u9fff])|"
            # the other side made it good: 噪音那家道歉了, 漏水那家赔了 (unless it goes on)
            r"(?:那家|他家|她家|对方|人家|楼上|楼下|邻居)[^。！？!?，,]{0,4}(?:道歉|赔钱|赔偿|赔|认错)了"
            r"(?![^。！？!?]{0,10}(?:还|又|但|可是|就是|照样|依旧))"
        )
    )
    # Side remarks that say why a problem matters, not a second problem.
    side_remark: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"隐患|危险|不安全|行动不便|腿脚不便|腿脚不好|腿脚不方便|联系不上|联系不到|打不通|找不到人|"
            r"坐轮椅|不能自理|敲门没人应?|没人应|没人开门"
        )
    )
    # A person's own device whose battery ran out (门铃没电了) is nobody's power cut.
    device: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"(?:门铃|手机|电池|遥控器|充电宝|手表|耳机|电脑|平板|电瓶|电动车|车|玩具|相机|鼠标|键盘|"
            r"血压计|血糖仪|助听器|收音机|手电筒?|台灯|体温计|电子秤)"
            r"[^。！？!?]{0,12}$"
        )
    )
    # One's own things whose leak or lost air is nobody's to fix (鱼缸漏水了, 轮胎没气了): the
    # thing stands just before the word, in the same clause.
    belonging: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"(?:鱼缸|冰箱|洗衣机|轮胎|车胎|气球|水杯|杯子|保温杯|热水袋|暖水袋|水壶|游泳圈|皮球|"
            r"篮球|足球|饮水机|加湿器|充气床|气垫|水枪)[^。！？!?，,\s]{0,3}$"
        )
    )
    # How a question is asked when no listed phrase says it (流感疫苗还有吗, 老年证办好了去
    # 哪儿领, 出租房要登记吗): beside a policy word it reads as 怎么申请 does.
    question: Scan = field(
        default_factory=lambda: _s(
            r"(?:吗|么|嘛)(?=[\s？?。!！，,~]|$)|[？?]+|哪儿|哪里|去哪|在哪|咋|怎么|怎样|如何|"
            r"几号|多少|什么时候|啥时候|要不要|用不用|需不需要|是不是|能不能|可不可以|有没有"
        )
    )
    # A question put to the other residents (你们的都年审过没有, 有人知道…吗) rather than to
    # the office, unless the office is named too.
    among_neighbours: re.Pattern[str] = field(
        default_factory=lambda: _c(r"你们的|你们家|大家|各位|有人|有谁|谁知道|群里")
    )
    office: re.Pattern[str] = field(
        default_factory=lambda: _c(r"社区|网格|居委|街道|工作人员|办事处")
    )
    # Children near an open hole or a fallen wire make it urgent, and so does the dark, in
    # which nobody sees the hole (黑洞洞的，天暗了根本看不见).
    children: Scan = field(
        default_factory=lambda: _s(
            r"孩子|小孩|娃|学生|儿童|放学|小朋友|宝宝|差点掉|差点摔|险些|黑洞洞|看不见|黑灯瞎火|"
            r"(?:旁边|边上|附近|对面)(?:就是|是)?(?:幼儿园|托儿所|小学|学校)"
        )
    )
    # A building, unit or room by its number (20号楼, 18栋, 3单元): a message that names
    # one is about something there, so the model may read it.
    numbered_place: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"\d+\s*(?:号楼|号院|栋|幢|单元|座|室)|[一二三四五六七八九十两]+(?:号楼|栋|幢|单元)"
        )
    )
    # What is left of a pointer (在2单元门口，麻烦快点来看看) once its place is gone: where,
    # a plea to come, and particles. A message of only these points at a report; it is
    # not one.
    plea_words: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"麻烦|请|帮忙|帮帮忙|快点?|赶紧|尽快|马上|过来|来|去|看看|看一下|瞧瞧|处理一下|处理|"
            r"一下|就|在|的|吧|啊|呀|了|哈|门口|后面|后边|旁边|前面|边上|楼下|楼上|这边|那边|附近|"
            r"这里|那里|这儿|那儿|里|外|网格员|物业|社区|师傅|你们|大家|谁|有人|能不能|可以"
        )
    )
    emoji_code: re.Pattern[str] = field(default_factory=lambda: _c(r"\[[^\[\]\n]{1,6}\]"))
    emoji_char: re.Pattern[str] = field(
        default_factory=lambda: _c("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u200d]")
    )
    # Dangers described in more words than a dictionary can list; each is (pattern,
    # category). They are urgent by definition.
    hazards: tuple[tuple[Scan, str], ...] = field(
        default_factory=lambda: (
            (
                _s(
                    r"(?:[煤媒][气汽器起弃]|燃[气汽器起弃]|天然[气汽器起弃]|液化[气汽器]|瓦斯)的?(?:那|这)?(?:股|种|个)?(?:味|气味|臭味)|"
                    r"闻到.{0,6}(?:[煤媒][气汽器起]|燃[气汽器起]|天然[气汽器起]|液化[气汽器])|臭鸡蛋味|"
                    r"(?:怪味|味道?|臭味)[^。！？!?]{0,6}(?<!不)(?<!不太)(?<!不大)(?:像|好像)(?:是)?(?:煤气|燃气|天然气|液化气)|"
                    r"(?:怪味|味道?|臭味)[^。！？!?]{7,16}(?<![不好])(?<!不太)(?<!不大)(?<!不怎么)像(?:是)?"
                    r"(?:煤气|燃气|天然气|液化气)(?!没|用完|停)|"
                    r"(?:煤气|燃气|天然气|液化气|瓦斯)(?:管|罐|表|阀)?.{0,2}(?:漏|泄)|"
                    # 燃气灶那个管子掉了 呲呲的在漏: the leak said further on in the sentence
                    r"(?:煤气|燃气|天然气|液化气)[^。！？!?]{0,14}?(?:漏气|泄漏|泄露|在漏|呲呲|嘶嘶|呲气|嗞嗞|滋滋|哧哧|嗤嗤|往外冒气)|"
                    # a stove left open through a gas cut, the smell now (停气以后又来气了，灶没关)
                    r"停气[^。！？!?]{0,40}(?:没关|忘关)[^。！？!?]{0,20}味|停气[^。！？!?]{0,40}味[^。！？!?]{0,30}(?:没关|忘关)|"
                    # the smell back after an all-clear, or growing (说没事 可现在味儿又来了)
                    r"(?:煤气|燃气|天然气|液化气)[^。！？!?]{0,30}味(?:儿|道)?(?:又来了|又有了|"
                    r"(?:比刚才|比之前)?(?:还|更)(?:大|重|浓)|越来越(?:大|重|浓))|"
                    r"闻着?[^。！？!?，,]{0,4}(?:跟|像)臭鸡蛋|"
                    r"(?:一屋|满屋)(?:子)?(?:都是)?(?:煤)?气[^。！？!?]{0,8}不敢(?:开灯|开电|点火)|"
                    # 燃气！！一进楼道就冲鼻子
                    r"(?:煤气|燃气|天然气|液化气)[!\s]*[^。？?!]{0,16}(?:冲鼻|呛鼻|刺鼻|熏人|呛人)"
                ),
                "safety",
            ),
            (
                _s(
                    r"焦糊味|烧焦|糊味|㶶味|燶味|自燃|好大(?:的)?烟(?![头酒草盒味瘾])|着起来|(?:着|起|失)火(?!了?(?:一样|似的|一般|咁))|(?<!辣到)(?<!辣得)(?<!热得)(?<!热到)(?<!气得)(?<!渴得)(?<!急得)(?<!嗓子)(?<!头顶)(?<!头上)(?<!脑门)(?<!脑袋)冒(?:黑|白|浓)?烟|烧(?:起来|着)|"
                    r"烧(?:塑料|橡胶|胶|电线|东西)的?味|烟[^。！？!?]{0,8}(?:胶味|塑料味)|(?<!油)烟(?:挺|很|好|太|特别)大|"
                    # fire from a window, a gas alarm sounding
                    r"窗(?:口|户)?[^。！？!?，,]{0,4}(?:喷|冒|窜)(?:出)?火|往外(?:喷|冒|窜)火|"
                    r"(?:燃气|煤气|天然气|一氧化碳)报警器[^。！？!?]{0,8}(?:响|叫|嘀)|(?<!\S)火[!！]|"
                    r"救火(?:啊|呀|哦|喔|啦)*[!！]|(?:还在|正在)烧(?:着)?(?=[\s。！？!?，,]|$)|"
                    # a hillside sliding now (not 成绩在滑坡)
                    r"(?:山|坡|土)[^。！？!?，,]{0,4}(?:在|还在|正在)(?:滑坡|塌方)|泥石流|"
                    r"(?:坡|山|坎子?|堡坎|挡墙|护坡|崖)[^。！？!?，,]{0,6}(?:又|还|正|一直)?在(?:垮|塌|往下(?:溜|滑|掉|滚|垮))|"
                    r"(?:土|泥|石头)[^。！？!?，,]{0,4}(?:又|还|正|一直)?在往下(?:溜|滑|滚|垮)|"
                    r"石头[^。！？!?，,]{0,4}滚下来[^。！？!?]{0,6}(?:砸|压)|"
                    # 好大一股烟 (一股烟味 is someone smoking)
                    r"大一?股子?(?:黑|白|浓)?烟(?![头酒草盒味])|"
                    r"(?:楼道|走廊|楼梯间?|屋里|家里)(?:里)?(?:有|冒|全是|都是)(?:黑|浓)?烟[^。！？!?]{0,6}呛|"
                    # a stove left on now with nobody to turn it off (not one who often
                    # forgets: 老忘关火，锅烧干过两次)
                    r"(?<![老总常是])忘(?:了|记)?关(?:火|煤气|燃气|灶)[^。！？!?]{0,30}"
                    r"(?:回不去|不在家|赶不回|人在外|在外面|在医院|在单位|烧干(?!过)|干烧|冒烟|听不见)"
                ),
                "safety",
            ),
            (
                _s(
                    r"(?:电线|高压线|电缆).{0,4}(?:断|掉|垂|耷拉|裸露|露出|冒火|打火|短路)|被电(?:了|到)|"
                    r"(?:灯线|线头)[^。！？!?，,]{0,2}(?:冒火|打火|冒火花)|"
                    r"(?:门缝|屋里|房里|里面|配电)[^。！？!?，,]{0,8}(?:看到|看见|有|冒)?火光|"
                    r"(?:电线|线路|电箱|配电箱|电表)(?:都|也)?(?:被水)?泡(?:了|着|在水里)|把[^。！？!?，,]{0,6}(?:电线|线路)(?:都|给)?泡了|"
                    r"从[^。！？!?，,]{0,4}(?:灯座|灯头|灯线|插座|电表|开关)(?:里)?(?:往下|往外)?(?:滴|流|淌|漏|渗)|"
                    r"(?:配电房|配电室|配电间|电房)[^。！？!?]{0,8}水[^。！？!?，,]{0,4}(?:往里|漫进|灌进|流进)|"
                    # wires bared in the rain now (children by a bare wire alone is a request)
                    r"(?:电线|电缆|铜线)[^。！？!?]{0,8}(?:露着|露出|露在外|挖破|挖断)[^。！？!?]{0,16}"
                    r"(?:下雨了|下着雨|在下雨|正下雨|雨下得)|"
                    r"电(?:了|到)(?:一下|人)|漏电|"
                    # children at an open electric box or a bare wire now (not 小孩经常在那玩:
                    # in the training messages a habit is a request, a child there now an
                    # emergency, 28 times to 3)
                    rf"{_ELECTRIC}[^。！？!?]{{0,24}}{_BARED}[^。！？!?]{{0,30}}{_CHILD_THERE}|"
                    rf"{_CHILD_AT_ELECTRIC}[^。！？!?]{{0,30}}{_BARED}|"
                    # climbing into it now (几个小孩正翻变压器的围栏), or school about to let
                    # out by it
                    rf"{_CHILD}[^。！？!?，,]{{0,4}}(?:正在|正)?(?:翻|钻|爬)(?:进|过|上|入)?了?"
                    rf"[^。！？!?，,]{{0,2}}{_ELECTRIC}|"
                    rf"{_ELECTRIC}[^。！？!?]{{0,24}}{_BARED}[^。！？!?]{{0,30}}"
                    r"(?:马上|快|就要|一会儿?|眼看)(?:要|就)?放学|"
                    # a wire blown down onto metal or water (线刮下来了 搭铁栅栏上了)
                    r"线[^。！？!?，,]{0,6}(?:刮|吹|掉|断|砸)(?:下来|断|掉)了?[^。！？!?]{0,8}(?:搭|挂|落|耷拉)(?:在|到)?"
                    r"[^。！？!?，,]{0,4}(?:铁|栅栏|栏杆|护栏|围栏|水里|水上)|"
                    r"(?:电表箱子?|电箱|配电箱|电闸|电表)[^。！？!?，,]{0,4}(?:打火|冒火|冒火花)"
                ),
                "safety",
            ),
            (
                _s(
                    r"(?:左边|右边|一边|半边)(?:的)?(?:手脚|身子)[^。！？!?，,]{0,3}(?:没劲|没力|不听使唤|动不了)|"
                    r"(?:左边|右边|一边|半边|一只)(?:的)?(?:胳膊|胳臂|手)(?:(?!最近|一直|老是|经常)[^。！？!?，,]){0,3}"
                    r"(?:抬不起来?|动不了)|"
                    r"(?:躺|倒|摔|趴)(?:在)?地上|晕(?:过去|倒)|昏(?:过去|迷|倒)|说不出话|半边身子|中风|"
                    r"口吐白沫|抽搐|没(?:了)?呼吸|没意识|叫不醒|喊不醒|还(?:是)?(?:叫|喊)不太醒|(?:突然)?说话(?:都|也)?(?:有点|有些)?不(?:太|大)?利索了|"
                    r"突然说话不利索|口齿不清了|话(?:也|都)?(?:说|讲)不清(?:楚|爽)?了|嘴(?:巴)?(?:也|有点|有些)?歪(?:了|掉了)?(?![嘴理门风])|舌头(?:有点|也|都)?(?:不利索|发硬|僵了)|噎(?:住|到|着)了?|哽(?:住|亲|到)|"
                    r"(?:突然|一下子)[^。！？!?，,]{0,8}(?:说|讲)(?:话)?(?:都)?(?:说|讲)?不(?:清|出)|"
                    # no breath (not 气得喘不上气, 闷得人出不赢气), a seizure, choking
                    r"(?<![得到])(?<!得人)(?<!的人)(?:(?:透|喘)不过气|喘不过来|(?:出|喘)不(?:得|了)气|上不来气|喘不上气|(?:出|喘)不赢气|出不来气)|"
                    r"脸(?:都|也)?(?:紫了|发紫)|突然抽(?:筋|过去|风)|"
                    r"(?:有人|老人|孩子|小孩|娃)[^，。！？!?]{0,4}抽风了?[^。！？!?]{0,3}快|抽过去了|(?:叫|喊)不答应|"
                    r"(?:晕|倒|躺|摔|昏)[^。！？!?]{0,12}(?:叫|喊|拍)(?:了半天|了好久)?(?:都|也)(?:叫|喊|拍)?"
                    r"(?:不醒|没反应|不答应)|"
                    r"卡(?:到|住|着)了?[^。！？!?]{0,6}(?:咳不出|吐不出|喘不上|说不出|(?:出|喘)不(?:得|了)气)|"
                    # something swallowed that is no food, a blood pressure of 200
                    rf"{_PERSON}[^。！？!?]{{0,10}}(?:药|药片|洗衣液|消毒液|洁厕灵|老鼠药|干燥剂)当[^。！？!?]{{0,4}}(?:吃|喝)了|"
                    r"误(?:食|服|喝)了|血压[^。！？!?]{0,6}(?:两百|二百|2\d\d)|"
                    r"哮喘[^。！？!?，,]{0,4}(?:犯了|发作)|(?:高烧|发烧|烧)[^。！？!?，,]{0,4}抽(?:起来|风|搐)了?|"
                    rf"(?:{_PERSON}|保安|师傅|工人|有人)[^，。！？!?]{{0,3}}(?:热|晒)晕(?:了|倒|过去)|"
                    r"雷[^。！？!?，,]{0,2}(?:劈|击)(?:倒|中|到)了?(?:一个|个)?人|(?<!得)(?:犯|发)了?心[脏藏]病|心[脏藏]病(?:犯了|发作)|"
                    rf"{_ELDER}[^。！？!?，,]{{0,4}}(?:还|一直)(?:躺|倒|趴)(?:着|在地上)|"
                    rf"(?:{_PERSON}|{_KIN}|{_ELDER})[^。！？!?，,]{{0,4}}(?<!头)晕在(?:了)?[^。！？!?，,]{{0,6}}(?:里|地上|门口|床边|路边|楼道)|"
                    rf"{_ELDER}[^。！？!?，,]{{0,6}}(?:跌跤|摔跤|跌了一跤|摔了一跤|滑了一跤)|(?:摔|跌|滑)了?一?跤[^。！？!?]{{0,8}}(?:躺|趴|倒)[^。！？!?，,]{{0,4}}(?:不动|起不来|动不了)|(?:叫|喊)(?:他|她)(?:也|都)?(?:没|不)(?:有)?(?:反应|答应)|"
                    # someone lying somewhere who does not answer (老人躺在楼梯拐角…叫了没反应)
                    rf"{_PERSON}[^。！？!?]{{0,4}}(?:躺|倒|趴)在[^。！？!?]{{0,24}}"
                    r"(?:没(?:有)?反应|叫不醒|喊不醒|一动不动|冰凉)|"
                    rf"{_PERSON}儿?(?:不小心)?(?:掉|落|摔)(?:进)?了?(?:水|河|湖|池塘|水塘|塘)(?:里|头|中)|落水|"
                    rf"(?:{_PERSON}|一个|有人)[^。！？!?]{{0,10}}(?:滚|摔|跌|栽)\s?(?:下来|下去)\s?了?\s?[^。！？!?]{{0,4}}"
                    r"(?:不动|没反应|起不来|动不了)|透不到气|"
                    r"(?<!怕)(?:摔倒|跌倒|滑倒)(?:在)?[^。！？!?]{0,12}(?:起不来|爬不起来|站不起来|动不了)"
                    r"(?![^。！？!?]{0,6}(?:怎么办|咋办|怎么扶))|"
                    # out of bed and on the floor; alone and out of reach; unable to say
                    # where home is
                    rf"(?:{_ELDER}|{_PERSON})[^。！？!?，,]{{0,4}}(?:摔|跌|滚|掉)(?:到|在)?(?:床下|床底下|地上|地下)了|"
                    r"独居[^。！？!?，,]{0,6}(?:联系不上|失联|找不到人)|"
                    r"(?:说不清楚?|说不出|记不得|记不起|想不起)(?:自己)?(?:住哪|家在哪|住在哪|是哪栋|哪栋楼|哪个楼)|"
                    r"(?:说|讲|答)不(?:清楚?|出|上来)(?:自己)?(?:的|家的?)?(?:地址|住址)|"
                    rf"(?:{_ELDER}|老年)(?:(?!每天|天天|经常|老是|总是)[^。！？!?]){{0,30}}"
                    r"问(?:他|她)[^。！？!?，,]{0,8}(?:住址|地址|住哪|家在哪|姓名|名字|叫(?:啥|什么|么子)(?:子)?)[^。！？!?]{0,6}"
                    r"(?:说不清|讲不清|说不上|答不上|说不出|答不出)|"
                    r"(?<!还)(?<!经常)(?<!老是)(?<!总是)找不(?:着|到)自己(?:的)?(?:家|屋)(?!门)|"
                    r"(?<!常出门)(?<!常)(?<!老是)(?<!总是)(?<!容易)(?:找不到|找不着|不认得|不记得|认不得)回家的路|(?:搞|弄)不清楚?(?:自己)?的?(?:屋|家)在哪|"
                    r"(?:小孩|孩子|小女孩|小男孩|小朋友|娃娃?|小娃)[^。！？!?]{0,10}(?:跟|和)(?:家长|大人|妈妈|爸爸|爷爷|奶奶)走散|"
                    r"(?:小孩|孩子|小女孩|小男孩|小朋友|娃娃?)[^。！？!?]{0,16}(?:说)?(?:找不到|找不着)(?:妈妈|爸爸|家长|大人)|"
                    r"(?:不记得|唔记得|记唔得|不晓得)(?:自己)?(?:屋企|屋头|家)(?:喺|在)(?:边|哪)|"
                    rf"(?:捡到|看到|遇到|碰到|来了)(?:一)?(?:个|位)(?:迷糊|糊涂|痴呆|迷路)的?{_ELDER}|"
                    # a heart attack's signs, not a chest that has ached for years
                    rf"{_PERSON}[^。！？!?，,]{{0,2}}(?:被)?(?:锁|关)(?:在)?(?:阳台|门外|天台)(?:上|外)?了|"
                    r"(?:心口|胸口)[^。！？!?]{0,4}(?:闷|痛|疼)得(?:厉害|受不了|不行|直冒汗)|"
                    r"(?:心口|胸口)[^。！？!?]{0,4}(?:闷|痛|疼)得?(?:站不住|蹲|倒)|"
                    r"(?:心口|胸口)[^。！？!?]{0,4}(?:闷|痛|疼)[^。！？!?]{0,12}"
                    r"(?:冷汗|脸色|脸[煞刷惨发]白|脸都白|嘴唇|嘴巴|喘不|透不|上不来气)|(?:嘴唇|嘴巴)(?:都|也)?(?:发紫|发乌|乌了|紫了)|"
                    # despair shown, not only said: a last goodbye, a suicide note, poison or a
                    # rope in hand, cutting oneself, a mania on a balcony
                    r"手腕(?:割|划)(?:了|破|开)|(?:刀片|刀)[^。！？!?]{0,4}划(?:自己|手腕|胳膊)|划自己|"
                    r"下辈子见|遗书|药都准备好了|说(?:今天)?就是最后一天|"
                    r"(?:跟|和|向)我(?:告别|道别)|(?:跟着|随)(?:她|他)?(?:老伴|老头子?|老太婆?)(?:一起)?走|"
                    r"解脱[^。！？!?]{0,16}药|药[^。！？!?]{0,16}解脱|吞了一(?:把|瓶)|"
                    r"(?:拿着|抱着|手里)[^。！？!?，,]{0,4}(?:农药|敌敌畏|百草枯|老鼠药)|"
                    r"说(?:他|她|自己)?会飞|绳子[^。！？!?]{0,10}(?:绑|系|挂)[^。！？!?，,]{0,4}(?:栏杆|房梁|吊扇|窗)|"
                    r"(?:抑郁|想不开|不想活)[^。！？!?]{0,30}(?:桥上|楼顶|天台|阳台上|河边)|"
                    # an old person or a child tied up, shut out in the cold, kept without
                    # food or water, left alone
                    r"(?:绑|捆)在(?:椅子|床|凳子)上|(?:不给|不让)(?:她|他|孩子|娃|老人)?(?:饭吃|吃饭|喝水|水喝)|"
                    r"把(?!自己|我)[^。！？!?，,]{1,6}(?:锁|关|撵|推|赶)(?:出来)?(?:锁)?(?:到|在)?门外|"
                    r"冻了一(?:晚上|夜|宿)|(?:一晚上|一夜|外面|门外|雪地)[^。！？!?]{0,10}手(?:都)?冻(?:硬|僵|青|紫)了|"
                    r"冻僵了?[^。！？!?]{0,8}(?:叫|哼|不动|没反应)|(?:躺|坐)[^。！？!?]{0,12}一(?:晚上|夜)(?:都)?没动|"
                    r"(?:没人|无人)(?:喂饭|喂水)|"
                    r"(?:孩子|小孩|娃|女娃|男娃|宝宝)[^。！？!?]{0,6}一个人在家[^。！？!?]{0,20}"
                    r"(?:[两三四五几]天|冷|哭|没声|饿|才[一二三四五六]岁)|"
                    # a fit, a hand stuck to a live wire, caught in a machine, fumes, someone
                    # gone down a pit who has not come up
                    r"(?:全身|浑身)(?:都)?(?:在)?抽(?!烟|奖|签|空|水|查|屉)|"
                    r"手(?:还)?(?:粘|吸|贴)在[^。！？!?，,]{0,4}(?:电线|电门|插座)|"
                    r"(?:手|胳膊|头发|衣服)[^。！？!?，,]{0,4}(?:卷|绞|夹)进去|"
                    r"刺鼻[^。！？!?]{0,16}(?:咳|流泪|头晕|睁不开|喘)|"
                    r"(?:化粪池|污水井|窨井|下水井|井里|地窖|沼气池)[^。！？!?]{0,16}(?:没上来|没声|晕|倒|不动)|"
                    # hit by a car, bleeding that does not stop (流了好多血 is left to the
                    # fall it follows: read alone, it made a second ticket of the fall)
                    rf"(?:有人|个人|{_PERSON}|{_KIN})[^。！？!?，,]{{0,8}}被[^。！？!?，,]{{0,6}}车[^。！？!?，,]{{0,2}}"
                    r"(?:撞|碾|轧)(?:了|倒|伤|飞|到)|"
                    r"血流不止|止不住血|血(?:止不住|止不了)|"
                    # a fall from a height (not one already taken to hospital), a fit with
                    # a high fever, a thing swallowed, someone drowning, a bad burn
                    rf"{_PERSON}[^。！？!?，,]{{0,4}}从[^。！？!?，,]{{0,6}}(?:楼|阳台|窗|楼顶|天台|架子|梯子|脚手架|房顶|屋顶)"
                    r"[^。！？!?，,]{0,2}(?:摔|掉|跌|坠)了?下(?:来|去)(?![^。！？!?]{0,12}(?:送(?:去|到)?医院|送医|拉走))|"
                    r"(?:高烧|发烧|烧到)[^。！？!?]{0,8}(?:抽筋|抽搐|抽风|翻白眼|说胡话|认不得人|叫不醒)|"
                    r"(?:吞|咽)(?:了|下|下去)?[^。！？!?，,]{0,4}(?:硬币|纽扣|电池|磁铁|磁珠|钉子|别针|图钉)|"
                    r"(?<!防)(?<!预防)溺水(?!安全|教育|知识|宣传|事故|预防|[自质]救|高发|的?危险)|"
                    # bleeding after a birth or an operation (not a sale's 大出血)
                    r"(?:生孩子|产后|手术|生产|分娩|流产)[^。！？!?]{0,6}大出血|"
                    r"(?:烫|烧)(?:伤|了|得)?[^。！？!?，,]{0,4}(?:一大片|大面积|好大一片|全是泡|起了?(?:好多|大)?泡|"
                    r"一脸|满脸|一身|全身|挺严重|很严重|好严重)|全烫(?:了|伤)|烫[^。！？!?]{0,6}皮都掉了|皮都烫掉了|"
                    # pills or a household poison swallowed: by anyone as something else, too
                    # many of them, by a child
                    r"(?:药|药片|洗衣液|消毒液|洁厕灵|老鼠药|干燥剂|84)当[^。！？!?]{0,4}(?:吃|喝)了|"
                    rf"(?:吃|喝|吞)了?{_DOSE}[^。！？!?，,]{{0,4}}(?:{_PILLS}|药)|"
                    rf"{_PILLS}[^。！？!?]{{0,12}}(?:吃|喝|吞)了?{_DOSE}|"
                    rf"{_DOSE}[^。！？!?，,]{{0,3}}{_PILLS}[^。！？!?，,]{{0,3}}(?:都|全)?(?:吃|喝|吞)(?:了|下去)|"
                    r"(?:吃|服)(?:超量|过量)|(?:超量|过量)(?:服用|吃)|吃超量|"
                    r"(?:孩子|小孩|宝宝|娃|儿子|女儿|孙子|孙女)[^。！？!?]{0,8}(?:吃|喝|吞)了[^。！？!?，,]{0,8}"
                    r"(?:降压药|安眠药|抗抑郁药|大人的药|消毒液|洗衣液|洗衣凝珠|农药|干燥剂|洗洁精|老鼠药|"
                    r"(?:爷爷|奶奶|外公|外婆|姥姥|姥爷)的药)|"
                    # no answer but a groan, a fit, no breath, a throat closing, heat stroke,
                    # blood brought up, a hand to the chest
                    r"(?:喊|叫)(?:她|他)?(?:就|也|都)?(?:只|光)?(?:哼哼|不睁眼)|"
                    r"(?:突然|一下子)[^。！？!?，,想要]{0,6}翻白眼|翻白眼[^。！？!?]{0,10}(?:不动|倒|抽|口吐|没反应|叫不)|"
                    r"抽(?:筋|搐|风)了?[^。！？!?]{0,8}(?:眼睛|眼珠)(?:子)?(?:往上|向上)翻|"
                    r"(?:羊角风|癫痫|抽风)[^。！？!?]{0,12}(?:抽|发作|犯了|不醒)|"
                    r"不喘气|(?<![得到])(?:脸色?|嘴唇)(?:都|也)?(?:发青|青了)|"
                    r"(?:捞|救|拉)上来[^。！？!?]{0,8}(?:不吭气|没气|没呼吸|不动|不醒|没反应)|"
                    r"喘气带(?:哨|响)|(?:嘴唇|嗓子|喉咙|脖子|舌头)(?:也|都)?肿了?[^。！？!?]{0,12}"
                    r"(?:喘|憋|气短|呼吸|说不出)|过敏[^。！？!?]{0,12}(?:喘不|憋|休克|晕)|"
                    r"中暑[^。！？!?]{0,12}(?:晕|站不住|发黑|倒|不省|抽|说胡话|没汗|不说话)|眼前发黑[^。！？!?]{0,6}站不住|"
                    r"(?<!气得我)(?<!气得他)(?<!气得她)(?<![得到气])(?:吐|咳|呕)血(?!价|甩|推荐|清仓|促销|特价)|捂着(?:心口|胸口)[^。！？!?]{0,8}(?:倒|蹲|不动|说不出|喘|疼)|"
                    # poison swallowed, poisonous mushrooms eaten
                    r"喝了?[^。！？!?，,]{0,3}(?:农药|敌敌畏|百草枯|老鼠药|耗子药)|"
                    r"吃了?[^。！？!?，,]{0,3}(?:老鼠药|耗子药|农药|毒蘑菇)|"
                    r"吃了?[^。！？!?，,]{0,4}(?:菌子|野蘑菇|蘑菇)[^。！？!?]{0,12}(?:吐|中毒|小人|晕|抽)|"
                    # the wrong pills taken, with their signs (not 你吃错药了吧)
                    r"吃错(?:了)?药[^。！？!?]{0,30}(?:哆嗦|冷汗|抽|吐|晕|昏|叫不醒)|"
                    # a pregnancy in trouble
                    r"(?:怀孕|孕妇|怀着)[^。！？!?]{0,16}(?:见红|破水|羊水破|要生了|出血|一阵一阵|阵痛|疼得受不了)|"
                    # labour come early or at home (羊水破了, 才8个月…一阵一阵疼, 脐带还连着)
                    r"羊水(?:破|流)|破水了|脐带(?:还)?(?:连着|没剪|绕颈)|"
                    r"一阵一阵(?:地)?(?:疼|痛)[^。！？!?]{0,8}(?:才|刚)?[七八九0-9]个月|"
                    r"[七八九0-9]个月[^。！？!?]{0,10}一阵一阵"
                ),
                "care",
            ),
            (
                _s(
                    # a lost or confused old person, one who has not come home, one
                    # nobody has seen or heard for days
                    r"(?<!防)(?<![牛羊猪狗猫鸡鸭鹅马驴])(?:走丢|走失|迷路)了?|找不到家|找不着家|不认得(?:回家的)?路|"
                    # a child gone from sight (一转眼就不见了)
                    r"(?:小孩|孩子|小男孩|小女孩|男孩|女孩|儿子|女儿|孙子|孙女|娃)(?!的)[^。！？!?]{0,30}"
                    r"(?:一转眼就?不见了|不见了|找不到了|找不着了|走丢)|"
                    # 宝宝 and 崽 (not 宝宝们, the group addressed, nor 狗崽), gone a moment ago or
                    # close by, not their things (我崽说他的书包找不到了)
                    r"(?:宝宝(?!们)|(?<![狗猫猪兔鸡鸭])崽)(?!的)(?:[^。！？!?]{0,30}一转眼(?:就|的功夫)?(?:不见了|没了)|"
                    r"(?:(?!的)[^。！？!?，,]){0,12}(?:不见了|找不到了|找不着了|走丢))|"
                    # an old person gone (我妈找不着了, 阿拉娘寻勿着了), not their keys
                    rf"(?:找不到|找不着|寻不着)(?:我|俺|我们)?(?:家)?{_ELDER}|"
                    rf"{_ELDER}[^。！？!?]{{0,10}}(?:一直|老是|反复)问[^。！？!?]{{0,6}}(?:这是哪|这里是哪|怎么回家)|"
                    rf"{_ELDER}[^。！？!?，,]{{0,4}}不认路了|"
                    rf"{_ELDER}[今昨早上下午晚刚才突然又就都一转眼出门去后了]{{0,6}}"
                    r"(?:不见了|找不到了|找不着了|寻不着了?|寻不到了?)|"
                    r"问(?:他|她)(?:家)?(?:住|在)?(?:在)?哪[^。！？!?]{0,8}(?:说不清|讲不清|不知道|说不上|答不上|说是|说要去)|"
                    rf"{_ELDER}[^。！？!?]{{0,24}}(?:到现在|至今|一直|还|都|也|就)[^，,。！？!?]{{0,6}}"
                    r"(?:没(?:有)?(?:回来|回家|到家|转来|返来|找着|找到|回(?=[，,。！？!?\s]|$))|未(?:归|回))|"
                    # walked off from a day centre or a carer (李爷爷自己走出去了 护工没看住)
                    rf"{_ELDER}[^。！？!?]{{0,10}}(?:自己)?(?:走|跑)出(?:去|门)了?[^。！？!?]{{0,20}}"
                    r"(?:没看住|谁看到|谁见到|没找着|找不到)|"
                    # groaning behind a door, a meal still hanging on it
                    r"(?:敲门|隔着门)[^。！？!?]{0,8}(?:听见|听到)[^。！？!?]{0,6}(?:哼哼|呻吟|哼唧|喊救命|喊痛)|"
                    r"(?:饭|饭盒|送餐|外卖|牛奶)[^。！？!?]{0,12}(?:还挂在|还放在|还在)[^。！？!?]{0,8}(?:门把手|门口|门上)"
                    r"[^。！？!?]{0,16}(?:没拿|敲门(?:也|都)?不开|没人应)|"
                    r"敲门[^。！？!?]{0,4}没(?:人)?(?:开|应)[^。！？!?]{0,30}(?:饭|饭盒|送餐|外卖|牛奶)[^。！？!?]{0,6}"
                    r"(?:还挂在|还放在|还在)|"
                    # someone with dementia who has walked off (老年痴呆…往大马路上走)
                    rf"{_CONFUSED}[^。！？!?]{{0,60}}{_WANDERED}|{_WANDERED}[^。！？!?]{{0,30}}{_CONFUSED}|"
                    # an old person's failing memory, said of them (我爸最近老忘事…没回来; a busy
                    # writer's own 老忘事 is no sign)
                    rf"{_ELDER}[^。！？!?，,]{{0,6}}{_FORGETFUL}[^。！？!?]{{0,60}}{_WANDERED}|"
                    rf"{_ELDER}[^。！？!?]{{0,40}}{_WANDERED}[^。！？!?]{{0,30}}{_FORGETFUL}|"
                    rf"{_ELDER}[^。！？!?]{{0,16}}(?:糊涂|迷糊|神志不清|不太?清醒|转悠半天|转了一下午|转了半天|光着脚|"
                    r"(?:不晓得|不知道|说不出|说不清)(?:他|她)?的?(?:屋|家)(?:住)?在哪|"
                    r"一直在转|转来转去)|"
                    # nobody answers and there is a smell (老李家没人应有股味)
                    r"没人(?:应|开门|接)[^。！？!?]{0,8}(?:有股|一股|传出|飘出)[^。！？!?]{0,4}[味臭]|"
                    r"(?:有股|一股)[^。！？!?]{0,4}[味臭][^。！？!?]{0,8}没人(?:应|开门|接)|"
                    # (not one who cannot get down: 膝盖不好 这两天都没下楼, 电梯坏了 in none of the
                    # training messages so told is it an emergency)
                    rf"{_ELDER}(?![^。！？!?]{{0,30}}(?:腿|膝盖|行动不便|走不动|爬不动|轮椅|电梯坏|电梯停))"
                    rf"[^。！？!?]{{0,30}}{_AWHILE}(?:都|了|也|就|人|\s)*(?:一直)?"
                    r"(?:没|冇|无|没得|未)(?:有)?(?:见|看见|看到|出门|出过门|下楼|开门|开过门|开灯|开电视|亮灯|应门|露面|动静|人应|人接|接电话|出来|"
                    r"声音|人开|见佢|见人|下来|出过声|出声)|"
                    r"(?:好几|几|两|三|四|五|六|七|八|九|十|[0-9]+ ?)[天日][^。！？!?，,]{0,2}"
                    rf"(?:都)?没(?:有)?(?:见过|见到|看到|看见)[^。！？!?]{{0,16}}{_ELDER}|"
                    # the paper or the meals piling at their door (门口报纸堆两天)
                    rf"{_ELDER}[^。！？!?]{{0,30}}(?:饭|饭盒|牛奶|报纸|外卖|快递)[^。！？!?]{{0,4}}"
                    rf"(?:堆|放|摆|挂)(?:了|着)?{_AWHILE}|"
                    rf"{_ELDER}[^。！？!?]{{0,30}}(?:饭|饭盒|菜|牛奶|报纸|外卖)[^。！？!?]{{0,10}}"
                    rf"(?:(?:还在|还)[^。！？!?]{{0,8}}|{_AWHILE}[^。！？!?，,]{{0,4}})没(?:动|拿|取)|"
                    # curtains drawn for days (窗帘三天没拉开), silent as never (平常天天听收音机)
                    rf"{_ELDER}[^。！？!?]{{0,30}}窗帘[^。！？!?，,]{{0,4}}{_AWHILE}[^。！？!?，,]{{0,4}}没(?:拉开|拉|开)|"
                    rf"{_ELDER}[^。！？!?，,]{{0,6}}{_SILENT}[^。！？!?]{{0,20}}"
                    r"(?:平常|平时|往常|往天)|"
                    rf"{_ELDER}[^。！？!?]{{0,12}}(?:平常|平时|往常|往天)[^。！？!?]{{0,20}}(?:今天|今早|今儿|这两天)"
                    rf"[^。！？!?，,]{{0,6}}{_SILENT}"
                    r"(?![^。！？!?]{0,12}(?:终于|总算|清净|清静|安静|好觉))|"
                    rf"{_ELDER}[^。！？!?]{{0,20}}(?:一直|好久|好几天|几天)没(?:出来|出门|出屋|露面)[^。！？!?]{{0,20}}"
                    r"(?:电话|灯|动静|敲门)|"
                    rf"{_ELDER}[^。！？!?]{{0,30}}{_AWHILE}[^。！？!?]{{0,12}}"
                    r"(?:(?:一点)?(?:声|声音|动静)(?:都|也)?没(?:有)?|(?:牛奶|奶|饭|饭盒|菜|报纸|外卖)[^。！？!?]{0,6}(?:都|也|还)?没(?:拿|取|动))|"
                    # out of touch for days (独居老人失联4天了, 王奶奶失联三天了)
                    rf"{_ELDER}[^。！？!?]{{0,30}}(?:{_OUT_OF_TOUCH}[^。！？!?]{{0,4}}(?:{_DAYS}|好久|好些天)|"
                    rf"(?:{_DAYS}|好久|好些天)[^。！？!?]{{0,6}}{_OUT_OF_TOUCH})|"
                    rf"(?:独居|孤寡|空巢)[^。！？!?]{{0,10}}{_OUT_OF_TOUCH}|"
                    rf"{_ELDER}[^。！？!?]{{0,30}}(?:敲|拍)(?:门|窗户?)[^。！？!?]{{0,4}}(?:都|也)?(?:没|不)(?:有)?(?:人)?"
                    r"(?:反应|应|动静)|"
                    # out all night and not back (李爹爹昨晚出去冇回来), or unable to say
                    # which building is theirs (婆婆坐在楼道里…讲不清自己是哪栋的)
                    rf"{_ELDER}[^。！？!?]{{0,10}}(?:昨晚|昨天晚上|昨夜|一夜|一晚上?|一整夜|半夜|夜里)"
                    r"[^。！？!?，,]{0,8}没(?:有)?(?:回来|回家|到家)|"
                    rf"{_ELDER}[^。！？!?]{{0,24}}(?:说|讲)不(?:清|出|上来)(?:自己(?:是|住)?|住|家住?)(?:在)?"
                    r"哪(?:栋|幢|个楼|号楼|个小区|家|里|儿)|"
                    # (days in ASCII digits: a Unicode \d first keeps the scan from dispatching)
                    r"(?:好几|几|两|三|四|五|六|七|八|九|十|[0-9]+ ?)[天日][^。！？!?]{0,10}"
                    rf"没(?:有)?人?(?:开门|应门|应)[^。！？!?]{{0,30}}{_ELDER}|"
                    # hours past the time they said they would be back, the phone off
                    rf"{_ELDER}[^。！？!?]{{0,40}}(?:现在|到现在|这会儿)(?:都|已经)[^。！？!?]{{0,6}}(?:点|钟)了?"
                    r"[^。！？!?]{0,12}(?:关机|没回|联系不上|打不通|找不到)|"
                    # the door unanswered and the phone too (敲门没人开…电话也打不通)
                    rf"{_ELDER}[^。！？!?]{{0,40}}敲门[^。！？!?，,]{{0,4}}(?:没人开|没人应|没反应|不开|不应)"
                    r"[^。！？!?]{0,30}电话(?:也|都)?(?:打不通|没人接|关机)|"
                    # knocked long and nobody answers; a television or a light on for days
                    rf"{_ELDER}[^。！？!?]{{0,60}}(?:敲|拍)了?(?:半天|好久|很久|好一会儿?|半个钟头?|好几次|好几回)"
                    r"(?:的)?门[^。！？!?]{0,20}(?:没人应|没人开|没反应|没动静|没应|不开|不应|没人理|没开)|"
                    rf"{_ELDER}[^。！？!?]{{0,40}}(?:电视|灯|收音机)[^。！？!?]{{0,4}}(?:开|亮|响)(?:了|着)?"
                    rf"(?:{_DAYS}|一整天|一天一夜)|"
                    # the door unanswered yesterday and still today (昨天送餐时就没人开门，
                    # 今早护工上门还是敲门不应)
                    rf"{_ELDER}[^。！？!?]{{0,40}}(?:昨天|昨日|昨晚|前天|前日)[^。！？!?]{{0,20}}"
                    r"(?:没人开门|没人应|无人应答|无人开门|敲门不应|没反应)[^。！？!?]{0,30}"
                    r"(?:今天|今早|今晨|早上|上午)[^。！？!?]{0,16}(?:还是|仍然|仍|依然|也)[^。！？!?，,]{0,6}"
                    r"(?:没人开门|没人应|不应|无人应答|没反应|不开)|"
                    rf"{_ELDER}[^。！？!?]{{0,40}}(?:敲门|叫门)[^。！？!?，,]{{0,4}}(?:不开|没人开|没人应|不应|没反应)"
                    r"[^。！？!?]{0,30}(?:平时|平常|往常|以前)[^。！？!?，,]{0,6}(?:都|总|一直)|"
                    # what they do every day not done today, and the phone unanswered
                    # (平时每天晚上八点都会跟我视频 今天到现在…视频不接)
                    rf"{_FAMILY}[^。！？!?]{{0,40}}{_HABIT}[^。！？!?]{{0,30}}(?:今天|今早|今晚|从|到现在|这两天)"
                    rf"[^。！？!?]{{0,24}}{_UNANSWERED}|"
                    # family who cannot reach them for a day, or as never before
                    # (要是哪天他电话打不通 fears it)
                    rf"{_FAMILY}[^。！？!?]{{0,40}}{_LONG_SILENCE}(?:(?!要是|万一|如果|哪天)[^。！？!?]){{0,16}}"
                    rf"(?:(?:电话|打)[^。！？!?]{{0,8}}|(?=打不通)){_UNANSWERED}|"
                    rf"{_FAMILY}[^。！？!?]{{0,40}}(?:电话|打)[^。！？!?]{{0,8}}{_UNANSWERED}了?"
                    rf"(?:{_LONG_SILENCE}|[^。！？!?]{{0,8}}{_UNLIKE_THEM})|"
                    rf"{_FAMILY}[^。！？!?]{{0,40}}(?:电话|打)[^。！？!?]{{0,2}}{_LONG_SILENCE}[^。！？!?]{{0,6}}"
                    rf"{_UNANSWERED}|"
                    rf"{_FAMILY}[^。！？!?]{{0,40}}{_LONG_SILENCE}[^。！？!?]{{0,4}}(?:联系不上|联系不到|找不到(?:人|他|她))"
                    r"(?![^。！？!?，,]{0,3}(?:社区|网格|物业|居委|工作人员))|"
                    # 没接电话已经一天多了, 一直没回我微信，平时早上都会发语音的
                    rf"{_FAMILY}[^。！？!?]{{0,40}}{_UNANSWERED}(?:电话)?[^。！？!?]{{0,4}}(?:已经|都)?{_LONG_SILENCE}"
                    r"(?![^。！？!?]{0,16}(?:经常不接|也经常|老是不接))|"
                    rf"{_FAMILY}[^。！？!?]{{0,40}}{_UNANSWERED}[^。！？!?]{{0,12}}{_UNLIKE_THEM}|"
                    rf"{_FAMILY}[^。！？!?]{{0,40}}{_LONG_SILENCE}(?:都|也|了)*{_UNANSWERED}|"
                    # taken ill, and now nobody answers (说心口疼 今天一天电话不接 门敲不开):
                    # an emergency 8 times of 8 in the training messages
                    rf"{_FAMILY}[^。！？!?]{{0,20}}{_TAKEN_ILL}[^。！？!?]{{0,40}}(?:{_UNANSWERED}|敲不开|没人应|没人开门)"
                ),
                "care",
            ),
            (
                _s(
                    # a snake bite; wasps stinging or chasing people now (a nest people fear,
                    # a dog that bit someone yesterday: a request, not an emergency)
                    r"被蛇咬|蛇咬(?:到|了|伤)|(?:蜈蚣|蝎子|毒蛇|毒蜘蛛)[^。！？!?，,]{0,2}(?:咬|蛰|蜇)(?:了|伤|到)|被(?:蜈蚣|蝎子|毒蜘蛛)(?:咬|蛰|蜇)|"
                    r"(?:马蜂|黄蜂|胡蜂|野蜂|蜂群|蜂子)[^。！？!?]{0,16}"
                    r"(?:在(?:蛰|蜇|叮|追)|追(?:着)?人|(?<!怕被)(?:蛰|蜇|叮)了|飞进(?:屋|家|房))|"
                    r"(?<!怕)被(?:马蜂|黄蜂|胡蜂|蜜蜂|蜂子?)(?:蛰|蜇|叮)了|"
                    # the nest told first, the stung child after (…已经有小朋友被蛰了)
                    r"(?:有|把)(?:人|小朋友|孩子|小孩|老人|娃|学生)(?:被|给)?(?:蛰|蜇)(?:了|伤|到)|"
                    # carbon monoxide, now (防煤气中毒 is a notice)
                    r"(?<![防怕会])(?:煤气|一氧化碳)中毒了|中(?:了)?煤气|"
                    r"(?:炉子|煤炉|炭火|炭盆|火盆|火炉|烤火|烧炭|蜂窝煤|煤球|倒烟|返烟|倒灌|热水器|排气扇|排气管)[^。！？!?]{0,16}"
                    r"(?:晕在|晕了|头晕|头(?:好|很|有点)?[晕昏]|头疼|头痛|想吐|吐了|恶心|站不稳|晕倒|咳得厉害|睁不开)"
                ),
                "safety",
            ),
            (
                _s(
                    # someone trapped in a lift, in any word order: 困/关/卡/锁 with a
                    # person, or 出不来, near the lift
                    r"电梯困人|困(?:在)?电梯|"
                    # a lift door open onto an empty shaft
                    r"轿厢不在|电梯门开着[^。！？!?]{0,10}(?:没有|没|不在|空的)|电梯井[^。！？!?，,]{0,6}(?:敞着|开着|掉下去)|"
                    rf"(?:我|俺|我们|{_PERSON}|{_KIN})[^，。！？!?]{{0,6}}在电梯里(?:面|头)?[^。！？!?]{{0,10}}"
                    r"(?:不动|停|卡|坏|灭|黑)|(?:电梯|轿厢)[^，。！？!?]{0,8}(?<!没)(?<!没有)(?:困|关|卡|锁)(?:了|着|住)?"
                    rf"[^，。！？!?]{{0,4}}{_PERSON}|"
                    rf"(?:电梯|轿厢)[^，。！？!?]{{0,8}}(?:困|关|锁)(?:了|着|住|到)[^，。！？!?]{{0,2}}{_KIN}|"
                    r"(?:电梯|轿厢)[^，。！？!?]{0,10}(?:坏|停|卡|故障|不动|掉|溜|坠)[^。！？!?]{0,12}"
                    rf"(?:里(?:面|头)?有人|有人在里(?:面|头)|(?<![没无])(?:{_PERSON}|{_KIN}|我们|我|俺)[^，。！？!?]{{0,4}}在里(?:面|头)|"
                    rf"里(?:面|头|边)有(?:个|一个|位|[两三四五六七八九几]个|俩|仨)[^。！？!?，,\s]{{0,6}}"
                    rf"(?:{_PERSON}|妈妈|爸爸|女的|男的|大姐|大哥|姑娘|小伙子?|孕妇))|"
                    r"(?:电梯|轿厢)[^。！？!?]{0,20}(?:停|卡|坏|故障|不动|掉|溜|坠|一沉|下沉)[^。！？!?]{0,16}"
                    r"(?:(?:轿厢|电梯)(?:内|里)|(?<=[，,\s])(?:内|里面|里头|里边))(?:还)?(?:有)?(?:一|两|三|几)?(?:名|位|个)"
                    rf"[^。！？!?，,]{{0,4}}(?:{_PERSON}|孕妇|乘客|居民|住户)(?![^。！？!?，,]{{0,3}}(?:都|也)?没)|"
                    rf"(?:电梯|轿厢)(?:(?!万一|要是|如果|假如|怕)[^。！？!?]){{0,24}}(?<![没无])(?<!没有)"
                    rf"(?:{_PERSON}|{_KIN})[^，。！？!?]{{0,3}}(?:被)?(?:困|关|锁)(?:在)?(?:里头|里面|里边)|"
                    # a lift door that has caught someone (夹住一个孩子的书包带)
                    r"(?:电梯|轿厢)门?[^，。！？!?]{0,4}(?:夹|卡)(?:住|到|了(?!一下)|着)[^，。！？!?]{0,3}"
                    rf"(?:一个|个)?{_PERSON}|"
                    r"(?:电梯|轿厢)[^。！？!?]{0,10}(?<!没)(?<!没有)(?:困着|关着|出不来)|"
                    rf"{_PERSON}[^，。！？!?]{{0,3}}(?:被)?(?:卡|夹)(?:在|住|到)?电梯门|"
                    r"(?:关|困|卡)(?:了|住)?在[^，。！？!?]{0,8}(?:电梯|轿厢)|"
                    r"(?:电梯|轿厢)[^，。！？!?]{0,8}(?:困|关|卡|锁)(?:了|着|住)(?:一|俩|两|三|几)?(?:个|位)|"
                    r"(?:困|关|卡)(?:了|着|住)(?:一|俩|两|三|几)?(?:个|位)[^，。！？!?]{0,6}在[^，。！？!?]{0,3}(?:电梯|轿厢)|"
                    # a door or shutter on someone (卷帘门压住人了)
                    r"(?<!差点)(?:压住|压着|夹住)了?(?:一个|个)?(?:人|孩子|小孩|老人)|"
                    # water into the electric box, or running down the wiring (水顺着灯线往下滴);
                    # a lamp dripping and flickering
                    r"(?:顺着|沿着)(?:灯线|电线|灯头|灯座|插座|电表|开关)[^。！？!?，,]{0,4}(?:往下|往外)?(?:滴|流|淌|漏|渗)|"
                    rf"(?:漏|渗|滴)(?:水|雨)?(?:漏|渗|滴)?(?:到|进)了?{_POWER_BOX}|"
                    rf"{_POWER_BOX}[^。！？!?，,]{{0,4}}(?:淋湿|打湿|湿了|进水|泡在水里|泡着)|"
                    r"(?:电灯|灯|吸顶灯|吊灯|灯座)[^。！？!?，,]{0,4}(?:在)?(?:滴水|渗水|漏水|进水)[^。！？!?]{0,8}"
                    r"(?:一闪一闪|闪|还亮|亮着|滋滋|打火|冒火|冒烟)|"
                    # water in a light or a socket that is still on
                    r"(?:漏|渗|滴)水?[^。！？!?]{0,10}(?:电灯|灯|吸顶灯|灯座|插座|电线|电表|开关)(?:里面?|上)?"
                    r"[^。！？!?]{0,8}(?:还亮|亮着|滋滋|冒火|打火|冒烟|在滴)"
                ),
                "building",
            ),
            (
                _s(
                    # a weapon raised or a threat to kill or burn, now (拿刀追他媳妇, 说要放火烧屋)
                    r"(?:拿|拎|提|举|抄)(?:着|起|了)?(?:把|根|个)?(?:刀|菜刀|砍刀|斧头|斧子|铁棍|棍子|棒子|铁锹|钢管|"
                    r"酒瓶子?|砖头?|石头|凳子)"
                    r"[^。！？!?]{0,12}(?:追|砍|打|砸|威胁|堵|闹|说要|喊着要|找|比划|划|抡|冲|在[^。！？!?]{0,6}[晃转])|"
                    r"挟持|劫持|(?:泼|浇)了?[^。！？!?，,]{0,4}汽油|汽油[^。！？!?]{0,12}(?:点了|点火|烧)|"
                    r"(?:拎|提|拿)着[^。！？!?，,]{0,4}汽油[^。！？!?]{0,12}(?:说|喊|闹|门口|上楼|追)|"
                    r"(?:说|喊|扬言|汽油)[^。！？!?]{0,12}同归于尽|"
                    # a beating going on (追着他媳妇打, 从早上打到现在), a head split open
                    r"(?:追着|按着|摁着|揪着|拽着)[^。！？!?，,]{0,6}(?:打|揍|踹|砍|捅)|(?:围着|围到|围住)[^。！？!?，,]{0,2}打(?:一个|个|人)|往死里(?:打|揍|踹)|"
                    r"(?:打|揍)(?:孩子|人|老婆|媳妇|她|他)[^。！？!?]{0,10}(?:打|揍)到现在|现在还在(?:打|揍)(?!麻将|牌|游戏|电话|球|针|扫)|"
                    r"(?:拽|拖|揪)出[^。！？!?，,]{0,6}(?:踹|打|揍)|"
                    r"(?:在|正在|又在|还在)(?:打|揍)(?!麻将|牌|游戏|电话|球|针|扫|工|卡|字)[^。！？!?]{0,10}"
                    r"(?:喊|叫|哭喊|呼)(?:着)?救命|"
                    r"(?:有人|几个人|一伙人|小偷|有个人)(?:在|正在)[^。！？!?，,]{0,8}(?:砸车|砸玻璃|撬车|砸车窗)|(?:脑袋|头|脑壳)[^。！？!?，,]{0,2}开瓢|(?:头|脑袋|脑壳)都破了|"
                    # someone dragged into a car, cornered for money, a door forced now
                    r"(?:女的|男的|孩子|小孩|女孩|姑娘|老人|人)[^。！？!?，,]{0,4}(?:往车里|(?:拽|拖|塞|拉)(?:上|进)了?车)"
                    r"(?:拽|拉|拖|塞)?|"
                    r"(?:拦住|堵在|堵住)[^。！？!?]{0,14}(?:不让走|要钱|抢|拉扯)|"
                    r"(?:在|正在|一直在|还在)(?:撬|踹|砸)(?:我家|我们家|俺家)?(?:门|锁|窗)|(?:撬|踹)(?:门|锁)[^。！？!?]{0,8}(?:还在|一直)(?:撬|踹)|"
                    r"(?:在|还在|一直)试[^。！？!?，,]{0,6}门锁|"
                    rf"(?:有人|个人|男的|小偷|贼|{_PERSON})[^。！？!?，,]{{0,12}}(?:翻|爬)(?:到|进|上)[^。！？!?，,]{{0,8}}(?:阳台|窗户)|"
                    # a swindle going on (转账…劝不住, 不交钱就不走), someone followed home
                    r"(?:转账|转钱|汇款|转过去)[^。！？!?]{0,20}(?:劝不住|拦不住|人还没走)|"
                    r"(?:劝不住|拦不住)[^。！？!?]{0,10}(?:转账|转钱|汇款)|不交(?:钱)?就不走|"
                    r"(?:一直|天天|老)跟着[^。！？!?]{0,16}(?:跟进|跟上|跟过来|害怕|不敢)|"
                    r"(?:打起来了|打架|打群架|干起来了)[^。！？!?]{0,16}(?:拿(?:了|着|起)?(?:把|根)?铁?(?:刀|棍|镐|斧|铁锹|钢管)|动了?刀|亮刀|掏(?:出)?刀|见血|出血|流血|头破|打破|推倒|打倒|倒在地上|受伤了)|"
                    r"(?:围着|围到|围住)[^。！？!?，,]{0,8}(?:推推搡搡|推推攘攘|推搡|抢)|"
                    r"(?:头|脑袋|脑壳)(?:都|也)?(?:被)?(?:打破|打出血|砍破)了|"
                    r"(?:回|去)[^。！？!?，,]{0,4}拿(?:刀|菜刀|棍子|斧头|铁锹)(?:去了|了|来)|"
                    r"(?:说|喊|叫|嚷嚷|扬言)(?:着)?[^。！？!?，,]{0,10}(?:要|就)(?:杀(?:人|了|死)|砍(?:人|死|了)|"
                    r"弄死|捅(?:死|人|了)|放火|烧(?:死|掉|屋|房))|"
                    # dogs on someone now (一群野狗围着个老奶奶, 刚扑倒一个送快递的)
                    r"狗[^。！？!?]{0,16}(?:正在|在|正)[^。！？!?，,]{0,4}追着[^。！？!?，,]{0,4}咬|"
                    r"狗[^。！？!?，,]{0,4}(?:又|突然)?疯了|"
                    r"狗[^。！？!?]{0,16}(?:正在|还在)咬(?!骨头|东西|玩具|鞋|袜|线|沙发)|"
                    r"狗[^。！？!?]{0,16}(?:围着|围住|围攻|在围|扑倒|扑向|在咬|追着咬|咬住)[^。！？!?，,]{0,4}"
                    rf"(?:{_ELDER}|个|一个|我|孩子|小孩|小朋友|娃)"
                ),
                "safety",
            ),
            (
                _s(
                    # someone shut inside something (车里面关着个娃)
                    rf"里(?:面|头|边)?(?:关|锁|困)(?:着|了)[^，。！？!?]{{0,10}}{_PERSON}|"
                    rf"{_PERSON}[^，。！？!?]{{0,3}}(?:被)?(?:关|锁|反锁)(?:在)?车里|"
                    r"把人(?:关|锁|困)(?:在)?里(?:头|面)|"
                    # someone shut in a room, a toilet, a balcony and unable to get out
                    rf"{_PERSON}[^，。！？!?]{{0,3}}(?:被)?(?:困|关|锁|反锁)在[^，。！？!?]{{0,8}}"
                    r"(?:屋|房|厕所|卫生间|阳台|车里|车库|地下室|楼顶|天台|门里)|"
                    r"(?:困|关|锁)在?[^，。！？!?]{0,8}(?:屋|房|厕所|卫生间|阳台|车里|地下室|天台)"
                    r"[^，。！？!?]{0,4}出不(?:来|去)|"
                    rf"{_ELDER}[^，。！？!?]{{0,3}}(?:被)?(?:困|关|锁|反锁)(?:在)?(?:屋|房|家|厕所|卫生间|阳台)里?"
                    r"[^，。！？!?]{0,4}出不(?:来|去)"
                ),
                "safety",
            ),
            (
                _s(
                    # a body caught in railings, a door, a gap: 头卡在栏杆里, 手被夹住了
                    rf"(?:{_PERSON}|{_KIN})的?(?:头|手|脚|腿|胳膊|手指|脑袋|身子)(?:被)?[^，。！？!?]{{0,5}}"
                    r"(?:卡|夹)(?:住|在|着)|"
                    rf"{_PERSON}[^，。！？!?]{{0,6}}(?:被)?(?:卡|夹)(?:住|在)[^，。！？!?]{{0,10}}"
                    r"(?:出不来|拔不出|拽不出|动不了|下不来)"
                ),
                "safety",
            ),
            (
                _s(
                    # things still falling or thrown where people are (还在扔, 现在就有人在下边走);
                    # a near miss that is over (差点砸到人) is not urgent by itself
                    r"(?:还在|一直在|又在|正在|正|在)往下(?:扔|掉|砸)|"
                    r"有人(?:在)?往下(?:扔|砸)(?:砖头?|石头|瓶子|酒瓶|玻璃|花盆)|"
                    r"狗[^。！？!?]{0,12}追着[^。！？!?，,]{0,4}咬[^。！？!?]{0,10}(?:已经|刚)咬(?:伤|到)了?|(?:还在|一直在|又在)(?:扔|掉|砸)|摇摇欲坠|"
                    # more of it falling just now (又砸下来个瓶子); someone who throws things
                    # down as a habit is a complaint, not an emergency
                    r"又(?:砸|掉)下来|"
                    # a wall, tree or fitting about to come down (not only felt to: 觉得脚手架要塌)
                    r"(?<!觉得)(?<!感觉)(?:树|墙|围墙|窗户?|玻璃|招牌|广告牌|架子|外机|砖|瓦|阳台|雨棚|棚子?|电线杆|杆子|"
                    r"冰溜子|冰锥|冰柱|冰凌|冰挂|冰雪|积雪|雪块|冰块|花盆|晾衣杆|晾衣竿|晾衣架|框子|窗框|窗扇|"
                    r"铝合金框|脚手架)"
                    r"[^。！？!?，,]{0,14}(?:要倒|要塌|(?<!迟早)(?<!早晚)(?<!哪天)(?<!看着)(?:要|快)掉(?![色光漆毛皮渣])|(?:要|快)落(?:了|下来)|快倒|快塌|歪得厉害|晃得厉害|往外歪|往外倾|"
                    r"就要下来|一个角挂|挂在外(?:头|面|边)[^。！？!?，,]{0,6}晃|随时(?:会|要|都会)?掉|"
                    r"松(?:了|动了?)[^。！？!?，,]{0,4}(?:在|直|一直)晃)|"
                    # a piece still hanging and swinging after another came down
                    r"(?:还有|剩)(?:一|半)?(?:块|片|个|根)?[^。！？!?，,]{0,4}(?:挂在|挂着|悬在)[^。！？!?，,]{0,6}晃|"
                    r"(?:玻璃|碴子|碎片)[^。！？!?，,]{0,6}挂(?:着|在)[^。！？!?，,]{0,4}晃|"
                    r"(?:松了|松动了?|悬着|吊着)[^。！？!?]{0,10}(?:刚|刚刚|刚才|又)(?:掉|落|砸)|"
                    r"(?:玻璃|碴子|碎片)[^。！？!?，,]{0,8}挂(?:在|着)[^。！？!?]{0,10}晃(?:得厉害|来晃去|荡)|"
                    r"(?:玻璃|碴子|碎片)[^。！？!?，,]{0,8}挂在[^。！？!?]{0,12}(?:(?:小孩|孩子|人)[^。！？!?，,]{0,6})?"
                    r"(?:进进出出|来来往往|人来人往|经过|走来走去)|"
                    # someone heard under what fell; a bridge or bank washed away by people
                    r"(?:听到|听见)[^。！？!?]{0,4}(?:里边|里面|里头|底下|下面)(?:还)?有人(?:在)?(?:喊|叫|哭|呼救|敲)|"
                    r"(?:桥|河堤|堤坝|大坝|堤)[^。！？!?，,]{0,6}(?:冲垮|冲断|冲毁|冲塌|决口)[^。！？!?]{0,16}"
                    rf"(?:有人|{_PERSON}|车)|"
                    rf"(?:塌|倒|垮)了[^。！？!?]{{0,10}}(?:里边|里面|里头|底下|下面)(?:还)?(?:住着|有|压着|埋着)"
                    rf"(?:个|一个)?(?:人|{_PERSON})|"
                    # people on ice that is breaking
                    rf"(?:{_PERSON}|有人)[^。！？!?]{{0,10}}(?:冰面|冰上|冰河|河面|湖面)[^。！？!?]{{0,12}}"
                    r"(?:冰(?:好|很|太)?薄|裂|塌|掉下去|开口|窟窿)|冰\s?(?:面)?\s?(?:在|已经)\s?裂|"
                    # more of it loose up there (上面还有几块松的在晃)
                    r"(?:上面|上头|楼上|高处|还有)[^。！？!?，,]{0,6}(?:松|松动|活动)了?的?[^。！？!?，,]{0,3}"
                    r"(?:在|还在|一直)晃|随时(?:会|要|可能)?(?:掉|塌|砸|飞|刮)下来|"
                    # a child on a window ledge, someone on a roof edge
                    r"(?:爬|站|坐|趴|蹲)(?:到|在)了?(?:窗台|窗户|阳台|楼顶|天台)(?:外面?|外边儿?|外头|边上?|沿)|"
                    rf"(?:天台|楼顶|屋顶)上?[^。！？!?，,]{{0,6}}{_PERSON}[^。！？!?，,]{{0,3}}(?:坐|站|趴|蹲|爬)(?:在|到)?"
                    r"(?:墙边|墙上|边上|边沿|护栏上|栏杆上|女儿墙)|"
                    rf"{_PERSON}[^。！？!?]{{0,10}}(?:空调外机|空调架子?|外机架子?)上|"
                    r"爬出了?(?:窗台|窗户|窗外|阳台|楼顶|天台)|"
                    # someone lying on the rails or in the road, a child climbing onto a
                    # transformer
                    rf"(?:有人|醉汉|男的|女的|{_PERSON})[^。！？!?，,]{{0,4}}躺在了?(?:铁轨|铁路|马路中间|路中间|马路上)|"
                    rf"(?:小朋友|{_PERSON})[^。！？!?，,]{{0,4}}(?:爬上|爬到|爬进)了?[^。！？!?，,]{{0,4}}"
                    r"(?:变电箱|变压器|配电箱|电线杆|电塔|高压线)|"
                    rf"(?:小朋友|{_PERSON})[^。！？!?]{{0,6}}(?:变电箱|变压器|配电箱)[^。！？!?，,]{{0,6}}"
                    r"(?:翻|爬)(?:栅栏|围栏|护栏|铁丝网|进去|上去|过去)|"
                    # a child alone by deep water
                    r"(?:水池|池塘|河|湖|水塘|鱼塘|水库)(?:边|旁边|那)[^。！？!?]{0,10}(?:小孩|孩子|娃娃?|小朋友)"
                    r"[^。！？!?]{0,8}(?:一个人|没大人|没人看|没人管)|"
                    r"(?:小孩|孩子|娃娃?|小朋友)[^。！？!?]{0,6}(?:一个人|没大人)[^。！？!?]{0,10}"
                    r"(?:水池|池塘|河|湖|水塘|鱼塘|水库)(?:边|旁边)|"
                    # someone struggling in the water
                    r"(?:水里|河里|湖里|塘里|池子里|海里|江里)[^。！？!?，,]{0,6}(?:扑腾|挣扎|呼救|喊救命)|"
                    r"(?:扑腾|挣扎)[^。！？!?]{0,10}不会游泳|"
                    # a burglar still inside
                    r"(?:进|来)了?(?:小偷|贼)[^。！？!?]{0,8}(?:还在|没走|没出来|在屋里|在里面)|(?:小偷|贼)(?:还在|正在)|"
                    # a child hanging or stuck outside a window or balcony, a worker hanging
                    r"半个身子[^。！？!?，,]{0,4}(?:悬|探|挂)|"
                    r"(?:人|工人|师傅|孩子|小孩)[^。！？!?，,]{0,6}挂在[^。！？!?，,]{0,6}(?:安全网|网子|架子)上|"
                    rf"(?:窗户?|窗台|阳台|防盗窗|栏杆)(?:外面?|外边|外头)[^。！？!?，,]{{0,2}}(?:挂|吊|卡)着"
                    rf"(?:个|一个)?{_PERSON}|"
                    rf"{_PERSON}[^。！？!?，,]{{0,4}}(?:挂|吊)(?:在)?(?:外面|外边|外头)|"
                    rf"{_PERSON}[^。！？!?，,]{{0,4}}(?:挂|吊|卡)(?:在|到)了?[^。！？!?，,]{{0,4}}"
                    r"(?:窗户?|窗台|阳台|防盗窗|栏杆)(?:外面?|外边|外头)|"
                    # someone about to jump or take their life, as others see or hear it
                    # (not 热得不想活了, nor 我要跳楼了 said of one's exams)
                    rf"(?:有人|个人|{_PERSON}|{_KIN})[^。！？!?]{{0,16}}(?:要|想|准备|打算|闹着|吵着|喊着)(?:要)?"
                    r"(?:(?:往下|往楼下|往河里|往江里|往湖里)跳|跳(?:楼|河|江|湖|桥|下去))|"
                    r"(?:说|喊|嚷|哭着|闹着|吵着|嚷着|喊着)[^。！？!?，,得]{0,4}"
                    r"(?:不想活|活不下去|要寻死|要去死|要自杀|想死(?![你您他她我们了啦]))|"
                    r"(?:阳台|楼顶|天台|窗台|窗户|桥上|河边)[^。！？!?]{0,20}要跳(?![绳舞远高操皮级槽水])|"
                    r"(?:要|想|闹着?|喊着?)(?:要)?(?:自杀|轻生|寻短见|寻死|上吊|割腕)|割腕|"
                    r"(?:闹着|吵着|喊着|嚷着)要喝(?:农)?药|(?:要|想)喝农药|"
                    r"(?:发|留言|打电话)[^。！？!?，,]{0,2}说(?:她|他)?要喝(?:农)?药|"
                    r"(?:现在|这会儿?)(?:就|还)?有人在(?:下边|下面|底下)|"
                    # stones or ice coming down now; people still inside or under what is giving way
                    r"(?:在|还在|一直在|一直)掉(?:石头|砖头?|瓦片?|玻璃|冰块?|冰溜子)|"
                    r"(?:塌|倒|裂|歪|弯|滚|滑坡|嘎吱|嘎巴|晃)[^。！？!?]{0,30}"
                    r"(?:里边|里面|里头|屋里|屋头|下面|底下|下边)(?:还)?(?:有人|住着人|在开会|"
                    r"[^。！？!?，,\s]{0,4}的人还没走)|"
                    # (where people pass every day, it is a request: 下面天天有老人晒太阳)
                    r"(?:松了|松动|吊着|吊到起|晃来晃去|摇摇晃晃|出来一半)[^。！？!?]{0,16}"
                    r"(?:下面|底下|下边|下头)(?![^。！？!?]{0,10}(?:天天|每天|经常|平时|地方))[^。！？!?]{0,10}"
                    r"(?:好多|很多|都是|全是)[^。！？!?]{0,2}(?:人|娃|孩子|小孩|学生|老人)|"
                    r"(?:坑|洞|井)[^。！？!?]{0,20}(?:摔|掉|跌)进去|"
                    r"(?:刮|吹)得站不住|"
                    r"(?:撞|翻|滑下去)[^。！？!?]{0,12}(?:司机|人)(?:还)?(?:没出来|出不来|卡在里)|"
                    r"水[^。！？!?，,]{0,6}(?:一直|不停|还在)(?:往)?(?:进屋|入屋|进家)|"
                    r"断了?一边[^。！？!?]{0,6}(?:挂|吊)(?:在|着)[^。！？!?，,]{0,4}晃|"
                    r"(?:楼顶|天台|阳台|桥上|河边)[^。！？!?]{0,6}(?:不想活|活不下去|想死)|"
                    r"不想活了[^。！？!?]{0,12}(?:对不起|再见|永别|说声)|"
                    # despair said with its reason, not a joke (上班不想活了, 热得不想活了)
                    r"(?<![得班])不想活[了咧啦][^。！？!?哈😂]{0,8}(?:活着|活起|活到)?(?:没意思|没啥意思|没盼头|撑不下去|太累了)|"
                    r"(?:活着|活起)没(?:啥|什么)?意思[^。！？!?哈😂]{0,8}不想活|"
                    # a child up a transformer or a pole (爬电线杆 was already one)
                    r"(?:孩子|小孩|娃|学生)[^。！？!?，,]{0,6}爬(?:到|上)?(?:了)?(?:变压器|配电箱|电箱|电塔|高压)|"
                    # short reports of the gravest kinds (娃掉井里了, 娃爬窗台上了, 井盖开着娃在玩)
                    r"有人(?:在)?(?:放火|纵火)|(?:从|在)(?:楼上|高层|高楼|楼顶)[^。！？!?，,]{0,2}(?:往下)?扔(?:砖|石头|玻璃|花盆|酒瓶|瓶子|刀)|"
                    r"(?:反水|漫|灌)(?:进|到)了?(?:屋|家|一楼|室内|房间|屋里|家里)|"
                    r"水浸(?:屋|入屋|到屋)|(?:满|成)屋(?:都系|都是|全是)?(?:污水|脏水|粪水)|"
                    r"家暴[^。！？!?]{0,10}(?:哭|喊|叫|救命)|"
                    rf"{_ELDER}[^。！？!?，,]{{0,2}}(?:摔|跌|滚|栽)(?:下去|下楼梯?|下来)了|"
                    r"井[^。！？!?，,]{0,2}没(?:有)?盖(?:子)?[^。！？!?]{0,8}(?:娃|孩子|小孩|小朋友)(?:多|很多|好多|在)|"
                    rf"{_PERSON}[^。！？!?，,]{{0,4}}(?:掉|落|摔|跌|栽)(?:进|到|下)?了?(?:井|窨井|下水井|水井|枯井|深坑|化粪池|粪坑|粪池)(?:里|中|下|底)|"
                    r"(?:孩子|小孩|娃|宝宝|细路|伢)[^。！？!?，,]{0,3}(?:爬|站|坐)(?:到|上|在)?了?"
                    r"(?:窗台|窗户|窗外|阳台外|阳台栏杆|护栏|栏杆|楼顶|天台|房顶|屋顶)(?:上|外|边)?(?:了|去了|😨|!|！|$)|"
                    rf"{_PERSON}[^。！？!?，,]{{0,4}}(?:挂|吊)(?:在)?(?:窗户?|窗台|阳台|防盗窗|栏杆)(?:外面?|外边|外头)|"
                    rf"(?:{_ELDER}|{_PERSON})[^。！？!?]{{0,8}}(?:站|爬|蹲)(?:在|到|上)了?窗台上?[^。！？!?]{{0,16}}"
                    r"(?:不晓得|不知道|快去|快来|喊不|叫不|要跳)|"
                    rf"(?:井盖|井口|盖板)[^。！？!?]{{0,6}}(?:{_UNCOVERED}|丢了)[^。！？!?]{{0,24}}"
                    rf"{_CHILD}[^。！？!?，,]{{0,4}}(?:在玩|玩|跑|围着|蹲|踩|在旁边|在边上|多|很多|好多)|"
                    r"(?:在|正在|又在)(?:打|揍)(?:老婆|媳妇|老公|孩子|小孩|娃|老人|他妈|他爸|她妈)(?![^，,。！？!?]{0,2}(?:针|疫苗|电话|游戏|球))|"
                    rf"(?:熏|呛)(?:晕|倒)(?:了)?(?:人|一个|个|过去)|{_PERSON}(?:被|给)?(?:熏|呛)(?:晕|倒)|"
                    r"(?:要|想)[^。！？!?，,]{0,3}(?:吞药|跳楼|上吊|喝药|割腕)自杀|"
                    r"(?:孩子|小孩|娃|宝宝)[^。！？!?，,]{0,3}(?:被)?(?:反锁|锁|关)(?:在)?(?:家里|屋里|房间|厕所|卫生间)"
                    r"[^。！？!?，,]{0,2}(?:哭|出不来|一个人)|"
                    rf"(?:井盖|井口|坑|洞)[^。！？!?]{{0,12}}{_UNCOVERED}[^。！？!?]{{0,20}}"
                    r"(?:小孩|孩子|娃|人)[^。！？!?，,]{0,6}(?:差点|险些)(?:踩|掉|摔)|"
                    r"(?:楼顶|天台|屋顶)(?:的)?边(?:缘|上)?[^。！？!?]{0,12}(?:情绪激动|情绪不稳|哭喊|要跳)|"
                    r"烧到(?:了)?(?:[一二三四五六七八九十0-9]+楼|楼上|隔壁|屋里|窗户)|"
                    r"(?:灶火|燃气灶|煤气灶|燃气|煤气)[^。！？!?，,]{0,4}(?:关不上|关不掉|关不了)|"
                    r"灶台?[^。！？!?]{0,8}(?:嘶嘶|呲呲|滋滋)[^。！？!?]{0,4}关不(?:住|上|掉)|着伙了|"
                    rf"(?:塘|河|湖|池塘|水塘|鱼塘|井|水)里(?:面|头)?掉(?:了|进|下去)(?:个|一个)?[^。！？!?，,]{{0,3}}{_PERSON}|"
                    r"洪水[^。！？!?，,]{0,4}(?:进|冲进|漫进|灌进)了?(?:寨子|村|屋|家|院子|小区|街)|"
                    r"(?:被埋|埋了|埋住|压住)[^。！？!?]{0,10}(?:里面|里头|下面|底下)?(?:还)?有人|"
                    rf"(?:有人|{_PERSON})[^，。！？!?]{{0,4}}(?:掉|摔|跌|落)(?:进|到|下)了?"
                    r"(?:化粪池|污水井|窨井|下水井|粪坑|沼气池|地窖)|"
                    r"(?:电打鱼|电鱼)[^。！？!?]{0,10}(?:(?:打到|电到|电倒)了?人|把人(?:打到|电到|电倒|电晕))|"
                    r"(?:怀孕|怀起|孕妇|怀着)[^。！？!?]{0,12}(?:出血|流血|见红)|"
                    r"(?:石头|石块|落石)[^。！？!?]{0,12}(?:还在(?:滚|掉|落)|还有在滚)|"
                    r"(?:有人|有个人)[^，。！？!?]{0,4}跳(?:河|江|湖|楼|桥)了|"
                    r"(?:坑|池塘|水塘|河|湖|沟|井)[^。！？!?]{0,12}(?:伢子?|小孩|孩子|娃|小朋友|人)"
                    r"[^。！？!?，,]{0,4}(?:滑|掉|摔|跌)(?:下去|进去)了|"
                    r"(?:薄冰|冰面|冰上|结(?:了)?冰的?(?:池塘|河|湖))[^。！？!?]{0,10}"
                    r"(?:伢子?|小孩|孩子|娃|小朋友|学生)[^。！？!?，,]{0,6}在(?:上面|上头|上边)(?:踩|走|跑|玩|滑|跳)|"
                    r"(?<![止禁要别勿]在)(?<![止禁要别勿])(?:化粪池|沼气池|下水井|窨井|污水井)[^。！？!?]{0,16}"
                    r"(?<!禁止)(?<!不要)(?<!别)(?:丢|扔|放|点)"
                    r"[^。！？!?，,]{0,2}(?:鞭炮|炮仗|摔炮|烟花|炮)|"
                    r"(?<!禁止)(?<!不要)(?<!别)(?:丢|扔|放|点)[^。！？!?，,]{0,2}(?:鞭炮|炮仗|摔炮|烟花|炮)"
                    r"[^。！？!?]{0,10}(?:化粪池|沼气池|下水井|窨井|污水井)|"
                    # ceilings and walls coming down now, a crack that creaks as it widens,
                    # a scaffold blown over towards the street, a branch on the wires
                    r"(?:天花板|顶棚|吊顶|屋顶|墙皮|墙体|外墙|楼板)[^。！？!?，,]{0,6}(?:在|一直|不停地?|还在|正在)"
                    r"(?:往下)?掉(?:水泥|砖|块|渣|石|土)|"
                    r"(?:咔咔|嘎嘎|咯吱|吱嘎|嘎吱|噼啪)[^。！？!?]{0,8}裂(?:缝|开|口)[^。！？!?，,]{0,6}越来越|"
                    r"承重墙[^。！？!?]{0,10}(?:裂|缝)[^。！？!?]{0,16}(?:宽了|大了|变宽|掉渣|掉块)|"
                    r"裂(?:缝|口)[^。！？!?，,]{0,8}(?:越来越(?:大|宽|长)|在变(?:宽|大|长)|一直在(?:变|裂))"
                    r"[^。！？!?]{0,12}(?:咔咔|嘎嘎|咯吱|吱嘎|嘎吱|响|晃|掉渣|掉灰|掉土)|"
                    r"(?:脚手架|塔吊|围挡|广告牌|招牌)[^。！？!?，,]{0,8}往[^。！？!?，,]{0,8}(?:歪|倒|倾)(?:了|过来)|"
                    r"(?:塔吊|吊车|吊臂)[^。！？!?，,]{0,8}(?:在晃|晃得|在甩|甩来甩去|往下掉)|"
                    r"(?:铁皮|彩钢板|顶棚|雨棚|棚|保温层|外墙皮)[^。！？!?，,]{0,10}(?:掀起来|掀开|刮起来)[^。！？!?]{0,8}"
                    r"(?:在甩|甩来甩去|在晃|晃荡|乱飞|呼啦呼啦|哗啦哗啦)|"
                    r"(?:顶板|天花板|楼板|横梁|柱子)[^。！？!?，,]{0,6}(?:掉渣|掉块|掉灰)[^。！？!?]{0,6}(?:咔咔|嘎嘎|咯吱|响)|"
                    r"(?:脚手架|广告牌|招牌|围挡|树|电线杆|塔吊|棚子)[^。！？!?，,]{0,10}(?:歪|斜)[^。！？!?]{0,8}"
                    r"往[^。！？!?，,]{0,8}(?:倒|倾)|"
                    r"(?:树枝|树杈|大枝|枝子|树)[^。！？!?]{0,10}(?:断|折)[^。！？!?]{0,12}(?:吊|挂|搭|压)在"
                    r"[^。！？!?，,]{0,4}(?:电线|高压线|电缆)上"
                ),
                "safety",
            ),
            (
                # the street's, whatever else is said: a hydrant knocked off and gushing (two
                # alternatives, one per name, so that the scan dispatches); an open hole
                # someone nearly fell into; someone stuck in a hole
                _s(
                    rf"消防栓{_KNOCKED_GUSHING}|消火栓{_KNOCKED_GUSHING}|"
                    # an open hole someone nearly fell into just now (井口朝天敞着，刚才一个
                    # 骑电瓶车的差点栽进去), or someone stuck in one (钻进了化粪池检修口…拉不出来)
                    rf"(?:井盖|井口|坑|洞)[^。！？!?]{{0,12}}(?:{_UNCOVERED}|翻了)[^。！？!?]{{0,30}}"
                    r"(?:刚才|刚刚)[^。！？!?]{0,12}(?:差点|险些)(?:踩|掉|摔|栽|跌)|"
                    rf"{_PERSON}[^。！？!?]{{0,12}}(?:钻|掉|卡|陷)(?:进|在)了?[^。！？!?，,]{{0,10}}{_HOLE}"
                    r"[^。！？!?]{0,16}(?:拉不出来|拔不出来|出不来|上不来)|"
                    rf"{_HOLE}[^。！？!?]{{0,16}}(?:腿|脚|手|头|{_PERSON})[^。！？!?，,]{{0,4}}(?:卡|陷)(?:进|在|住)"
                    r"[^。！？!?]{0,12}(?:拉不出来|拔不出来|出不来|上不来)"
                ),
                "municipal",
            ),
            (
                _s(
                    # water that is rising or bursting out now, not a slow drip
                    r"(?<![污臭脏积雨粪])水[^，。！？!?]{0,4}(?:没过|淹到|淹过|漫到|漫过|漫进|灌进)|"
                    r"(?<![污臭脏积雨粪])水[^，。！？!?]{0,8}还在(?:涨|往上涨|往外冒|往外喷|往外涌|往下流|流)|"
                    r"(?<![污臭脏粪])水[^，。！？!?]{0,6}(?:越来越深|越涨越高|越来越大)|"
                    r"(?:水管|管子|管道|水龙头|暖气管|暖气片|总管|主管)[^，。！？!?]{0,4}(?:爆|暴|崩|炸)(?:了|开)|"
                    r"流进(?:了)?(?:好几|几|两|三)户|"
                    r"爆(?:了)?(?:水管|管子|暖气管)|"
                    # burst and not to be stopped (进水管断了总阀拧不动水止不住); a heating
                    # main split open, steam and scalding water out (热力管道破裂，蒸汽弥漫)
                    r"(?:水管|管子|管道)[^。！？!?]{0,4}(?:断了|裂了|爆裂|破裂)[^。！？!?]{0,20}"
                    r"(?:止不住|关不上|关不住|拧不动|关不掉|停不下来)|"
                    r"(?:热力|暖气|供热|蒸汽|热水)(?:管道?|管线|管子)[^。！？!?，,]{0,4}(?:爆裂|破裂|爆了|爆管|裂了)"
                    r"[^。！？!?]{0,30}(?:蒸汽|热水|开水|烫)|"
                    r"(?:水|污水|脏水|黑水)[^。！？!?]{0,8}(?:流到|流进|漫到|灌进)了?(?:客厅|卧室|屋里|家里|房间|(?:我家|家)门?里)|"
                    r"(?:制氧机|呼吸机)[^。！？!?]{0,20}(?:没电了|电池快)|"
                    r"(?:停电|没电|断电|挺电|停了电|断了电|(?:都|全)黑了)了?[^。！？!?]{0,30}(?:制氧机|呼吸机)|"
                    r"(?:往外|哗哗|呼呼)(?:地)?(?:喷|冒|涌)水|(?<![污臭脏积雨粪])水(?:哗哗|呼呼)?(?:地)?往外(?:喷|冒|涌)|"
                    r"喷得?(?:跟|像)喷泉|漏(?:水)?得(?:跟|像)(?:下大雨|下雨|瀑布|水帘洞)|"
                    r"(?:天花板?|吊顶|水管|管子)[^。！？!?，,]{0,3}(?:在)?喷水|(?:水|自来水)[^。！？!?，,]{0,4}(?:冲得|流得)(?:跟|像)(?:河|小河)一样|"
                    r"路基(?:都|也)?(?:被)?冲空"
                ),
                "utility",
            ),
            (
                # anything about to come down where people pass: the thing's own
                # category stands (a canopy is the building's, a tree the street's)
                _s(
                    # (…下面天天有老人晒太阳 怕砸着人: a fear, in the training messages a request)
                    rf"{_PRECARIOUS}[^。！？!?]{{0,30}}{_EXPOSED}{_NOT_FEARED}|"
                    rf"{_EXPOSED}[^。！？!?]{{0,30}}{_PRECARIOUS}{_NOT_FEARED}"
                ),
                "building",
            ),
        )
    )
    # 着火了咋跑: a feared consequence, not something happening.
    worry: re.Pattern[str] = field(
        default_factory=lambda: _c(
            r"^.{0,3}(?:咋跑|怎么跑|往哪跑|跑不出|都跑不|怎么办|咋办|可?咋整)"
        )
    )
    sentence_split: Scan = field(
        default_factory=lambda: _s(r"[。！？!?；;\n]+|\.{2,}|…+")
    )
    clause_split: re.Pattern[str] = field(default_factory=lambda: _c(r"[，,、\s]+"))
