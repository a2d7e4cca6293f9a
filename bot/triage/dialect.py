"""Regional words read as the common ones before the rules match anything.

Residents of the south write as they speak: 冇水 (没水), 阿婆两日冇人应 (没人应), 阿爷晕低咗
(晕倒了), 有人困𨋢 (困电梯), 3栋火烛 (着火). The dictionary, the rules and most of the
model's training messages say these things in the common words, so a message in
Cantonese, Wu or a northern dialect read as written is judged on a handful of examples,
and its emergencies were the ones missed. Only words that mean one thing wherever they
appear are listed (冇, 咗, 𨋢, 俺 are never anything else in a group chat); a character
with a common meaning of its own (係, 咁, 栽, 伐 inside 伐木) is left as it is, and so is
唔该, which is "please" and "thank you" and nothing else here.
"""

from __future__ import annotations

import re

from bot.triage import regexes

COMMON_FORM = {
    # Cantonese
    "冇": "没",
    "咗": "了",
    "睇": "看",
    "嘅": "的",
    "喺度": "在",  # 仲喺度掟紧: still at it
    "锁咗喺": "锁在",  # 锁咗喺房: locked in (困咗喺 stays 困了在: 困咗喺屋企 is boredom)
    "鎖咗喺": "鎖在",
    "出唔到嚟": "出不来",
    "出唔嚟": "出不来",
    "喺": "在",
    "掟": "扔",
    "佢哋": "他们",
    "佢": "他",
    "哋": "们",
    "嘢": "东西",
    "嚟": "来",
    "啲": "些",
    "揾": "找",
    "攞": "拿",
    "𨋢": "电梯",
    "䢂": "电梯",  # 𨋢 as the traditional-to-simplified step leaves it
    "火烛": "着火",
    "跌低": "摔倒",
    "晕低": "晕倒",
    "嘈": "吵",  # 好嘈, 嘈死人 (嘈杂 stays noise)
    "边个": "谁",
    "点算": "怎么办",
    "系咪": "是不是",
    "唔识": "不会",
    "咩事": "什么事",
    "食烟": "抽烟",
    "返工": "上班",
    "得闲": "有空",
    "嗰": "那",
    "曱甴": "蟑螂",
    "边度": "哪里",
    "锁匙": "钥匙",
    "水喉": "水管",
    "屋企": "家",
    "细路仔": "小孩",
    "细路": "小孩",
    "喘唔到气": "喘不上气",  # before 唔 (not): 喘不到气 read as a negation
    "唞唔到气": "喘不上气",
    "透唔到气": "透不过气",
    "日日": "天天",
    "今日": "今天",
    "冧": "塌",  # 就嚟冧 (about to come down)
    "就嚟": "快要",  # before 嚟 (come)
    "起唔返身": "起不来",
    "起唔到身": "起不来",
    "叫极都": "怎么叫都",  # 叫极都唔醒
    "行唔到": "走不了",
    "行唔郁": "走不动",
    "甩咗": "掉了",  # before 咗
    "㓥房": "隔断房",  # 劏房, a flat cut into rooms to let
    "俾人": "被人",
    "俾": "给",
    "执到": "捡到",
    "冷气机": "空调",
    "窿": "洞",
    "蜂窦": "蜂窝",
    "覆诊": "复诊",
    "倾偈": "聊天",
    "入面": "里面",
    "呢个": "这个",
    "呢度": "这里",
    "呢排": "最近",
    "啱啱": "刚刚",
    "而家": "现在",
    "落嚟": "下来",  # 掟玻璃樽落嚟: thrown down
    "石油气": "液化气",
    "荡失路": "迷路",
    "拍门": "敲门",
    "按门钟": "敲门",
    "乜嘢": "什么东西",
    "乜": "什么",
    "点解": "为什么",
    "点样": "怎么",
    "隔篱": "隔壁",
    "阿嫲": "奶奶",
    # Wu (阿拉 for "we" is left: 阿拉伯; 伊 and 勒 are names and words too)
    "侬": "你",
    "呒没": "没有",
    "呒": "没",
    "勿曾": "没",  # before 勿 (not)
    "倷": "你",
    "俚搭": "这里",
    # northern and south-western
    "俺": "我",
    "啥子": "什么",
    "莫得": "没有",  # south-western 没有 (莫 alone is 不要: 莫急)
    "埋汰": "脏",
    "耗子": "老鼠",
    # Hunan and Jiangxi
    "何式": "怎么",  # 老年证何式办
    "何解": "为什么",  # 停电一个多小时了何解
}
# Words regional only where they stand, each with where: 唔 is "not" except in 唔该
# (please, thanks), which stays; so is Wu's 勿 (电梯勿灵), except in a notice's 请勿 and 切勿,
# which the rules read as a notice; the north-east's 贼 is "very" before a word of degree
# (水贼小), else a thief.
IN_CONTEXT = {
    "唔": ("唔(?!该)", "不"),
    "勿": ("(?<![请切])勿", "不"),
    "贼": ("贼(?=[多大小冷热臭吵脏响慢快差亮黑滑难烦贵远高低凉闷破旧乱])", "很"),
    # Wuhan, Hunan and Jiangxi: 么子 is "what" and 么样 "how" (医保卡丢了么样补办), except
    # inside 什么样, 这么样 and the like
    "么子": ("(?<![什怎这那多要])么子", "什么"),
    "么样": ("(?<![什怎这那多要])么样", "怎么"),
    # 著 is a character of its own in simplified writing (著名, 显著), so the traditional
    # 著火 and 燒著 survive the conversion; before 火 or 了火 it is 着
    "著": ("著(?=了?火)", "着"),
    # Hunan's 冒 is "not have" before what one has or sees (冒得人接, 冒见过她, 冒开灯), not
    # 冒烟, 冒水, 感冒 or smoke that 冒得老高; its 哒 ends a clause as 了 (哭起来哒), not 么么哒
    "冒": (
        "(?<!感)冒(?=得(?![老好很到满高厉凶])|见|看到|看见|开灯|开门|开电视|接|回|应|动静|声音)",
        "没",
    ),
    # (not 好哒, 萌萌哒 or 棒棒哒: "OK", "cute")
    "哒": ("(?<=[\u4e00-\u9fff])(?<![么哒好萌棒美是对])哒(?![\u4e00-\u9fff哒])", "了"),
    # Hunan's 恰 is "eat" (恰饭, 安眠药全部恰了), not 恰好, 恰当 or 恰巧
    "恰": ("(?<!恰)恰(?=饭|了|完|掉|药|下去)", "吃"),
    # Cantonese 紧 after a verb is "-ing" (烧紧, 滴紧水), not 紧张, 赶紧 or 要紧
    "紧": ("(?<=[烧滴漏冒喷流响落跌冲晃])紧(?![张急要])", "着"),
    # Cantonese 食 is 吃 (食完药, 食咗饭), not 食堂, 零食 or 食品
    "食": ("(?<![零粮饮美主甜面熟素小副伙])食(?=完|咗|了|药|饭|错|下去|唔)", "吃"),
    # 仲 is "still" (仲有, 仲未), not 仲裁 or a name
    "仲": ("仲(?=有|系|喺|在|未|要|冇|会|係)", "还"),
    # residents' latin shorthand for the lift, the management and e-bikes (dt坏了, 找wy)
    "dt": ("(?<![A-Za-z])dt(?![A-Za-z])", "电梯"),
    "wy": ("(?<![A-Za-z])wy(?![A-Za-z])", "物业"),
    "ddc": ("(?<![A-Za-z])ddc(?![A-Za-z])", "电动车"),
    # the Hong Kong word for the lift, typed in latin letters (10栋部lift坏咗)
    "lift": ("(?<![A-Za-z])lift(?![A-Za-z])", "电梯"),
}
_PATTERN = regexes.compile(  # the longer of two forms that start alike wins (佢哋, not 佢)
    "|".join(
        [
            *sorted(map(re.escape, COMMON_FORM), key=len, reverse=True),
            *(where for where, _ in IN_CONTEXT.values()),
        ]
    )
)
_FIRST_CHARS = frozenset(word[0] for word in [*COMMON_FORM, *IN_CONTEXT])


def common_form(text: str) -> str:
    """``text`` with its regional words as the common ones (most messages have none,
    which one set test shows)."""
    if _FIRST_CHARS.isdisjoint(text):
        return text
    return _PATTERN.sub(_replacement, text)


def _replacement(match: re.Match[str]) -> str:
    word = match.group()
    return COMMON_FORM.get(word) or IN_CONTEXT[word][1]


def has_regional(text: str) -> bool:
    """Whether ``common_form`` would change ``text``."""
    return not _FIRST_CHARS.isdisjoint(text) and _PATTERN.search(text) is not None
