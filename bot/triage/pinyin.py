"""Pinyin typed by residents who cannot (or will not) switch input method.

Only the handful of syllable runs that name a problem are mapped back to characters; the
rest of the message is left alone, so English words and names survive untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.triage import regexes
from bot.triage.learned import PinyinTable, fuzzy

# Longest first matters: "tingdian" must win over "ting".
PINYIN_WORDS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            "jinggai": "井盖", "ludeng": "路灯", "dianti": "电梯", "loudaodeng": "楼道灯",
            "loudao": "楼道", "tingshui": "停水", "tingdian": "停电", "meishui": "没水",
            "meidian": "没电", "huaile": "坏了", "huai": "坏", "buliang": "不亮",
            "haolou": "号楼", "danyuan": "单元", "nuanqi": "暖气", "bure": "不热",
            "loushui": "漏水", "meiqi": "煤气", "ranqi": "燃气", "xielou": "泄漏",
            "meiqiwei": "煤气味", "zhaohuo": "着火", "zháohuǒ": "着火", "maoyan": "冒烟",
            "dabuzhaohuo": "打不着火",
            "jiuming": "救命", "laji": "垃圾", "zaoyin": "噪音", "taichao": "太吵",
            "bangwomai": "帮我买", "jiangyayao": "降压药", "xiashuidao": "下水道",
            "dule": "堵了", "dusai": "堵塞", "shuiguan": "水管", "kunzhu": "困住",
            "beikun": "被困", "shuaidao": "摔倒", "qibulai": "起不来", "tingche": "停车",
            "luanting": "乱停", "diandongche": "电动车", "chongdian": "充电",
            "menjin": "门禁", "xiaofangtongdao": "消防通道", "kale": "卡了",
            "diantihuaile": "电梯坏了", "louding": "楼顶", "loushang": "楼上",
            "zhuangxiu": "装修", "chou": "臭", "laoshu": "老鼠", "dibao": "低保",
            "yibao": "医保", "zenmeban": "怎么办", "zenmeshenqing": "怎么申请",
            "mei": "没", "le": "了", "de": "的", "wojia": "我家", "yao": "药",
            "mai": "买", "bang": "帮", "wo": "我", "hao": "号", "lou": "楼",
            "laoren": "老人", "zoushi": "走失", "zoudiu": "走丢", "bujianle": "不见了",
        }.items(),
        key=lambda kv: len(kv[0]),
        reverse=True,
    )
)
_LATIN_RUN = regexes.compile(r"[A-Za-z](?:[A-Za-z ]*[A-Za-z])?")
_MAPPING = dict(PINYIN_WORDS)
_SYLLABLES = regexes.compile("|".join(re.escape(p) for p, _ in PINYIN_WORDS))


def has_pinyin(text: str) -> bool:
    return any(len(m.group()) >= 6 for m in _LATIN_RUN.finditer(text))


def replace_pinyin(text: str) -> str:
    """Rewrite latin runs made only of known syllables ("dian ti huai le") as characters.

    A run with anything left over is not pinyin we understand and stays as typed, so
    "ok", "WiFi" or a name are never mangled.
    """

    def convert(match: re.Match[str]) -> str:
        run = match.group()
        squeezed = run.replace(" ", "").lower()
        if len(squeezed) < 4:
            return run
        pieces: list[str] = []
        pos = 0
        while pos < len(squeezed):
            m = _SYLLABLES.match(squeezed, pos)
            if not m:
                return run
            pieces.append(_MAPPING[m.group()])
            pos = m.end()
        return "".join(pieces)

    return _LATIN_RUN.sub(convert, text)


# Everyday words a message typed in pinyin is made of besides the dictionary's: they let
# a whole message come back as characters the rules can read ("mei ren guan" 没人管).
COMMON_WORDS = (
    "关着", "锁着", "困着", "一个", "两个", "厨房", "卫生间", "里面", "里", "堆着", "堆",
    "没人管", "好几天", "几天", "一直", "怎么办", "咋办", "快来人", "快来", "谁家", "我家",
    "他家", "楼上", "楼下", "隔壁", "对门", "邻居", "老人", "孩子", "出不来", "味道", "很大",
    "太大", "太响", "半夜", "晚上", "早上", "今天", "昨天", "现在", "还在", "还是", "已经",
    "麻烦", "帮忙", "看看", "一下", "社区", "物业", "小区", "门口", "哪里", "在哪", "怎么",
    "什么", "时候", "请问", "申请", "办理", "又", "有", "没", "不", "了", "的", "吗", "呢",
    "啊", "吧", "人", "家", "天", "大", "很", "太", "都", "也", "在", "我", "你", "他", "她",
    "是", "要", "想", "能", "会",
    # what makes a message in pinyin a hypothetical, a notice, an all-clear or hearsay,
    # which the rules must see as such (wanyi zhao huo le 万一着火了, bu shi lou qi 不是漏气)
    "万一", "如果", "要是", "假如", "通知", "演练", "演习", "放心", "没事", "不是", "弄错",
    "搞错", "修好", "检修", "维修", "听说", "视频", "书上", "刚才", "那个", "这个", "上午",
    "下午", "明天", "后天", "失联", "独居", "别急", "不能动", "动不了",
    # and words of everyday requests (xi wang she qu... 希望社区, bang wo mai dian yao 帮我买点药)
    "希望", "食堂", "很多", "有很多", "买点", "帮我买点", "帮我买点药", "买点药", "腿不好",
    "六点", "七点", "八点", "开钻", "电钻",
)


class PinyinReader:
    """Whole messages typed in pinyin, read back as characters.

    Each space-separated chunk must split completely into syllables (else the run is not
    pinyin and stays as typed). The syllables are then matched, longest first, against
    the sounds of the dictionary's words and a few everyday words (fuzzy: zh/z, n/l,
    -ng/-n), and a syllable no word covers becomes its commonest character, so
    "mei qi wei hen da" reads 煤气味很大 and "dianti guanzhe yige laoren" 电梯关着一个老人.
    """

    def __init__(self, words: Iterable[str], table: PinyinTable) -> None:
        self._table = table
        index: dict[tuple[str, ...], str] = {}
        for word in (*COMMON_WORDS, *(w for _, w in PINYIN_WORDS), *words):
            key = tuple(map(table.fuzzy_of.get, word))  # the fuzzy key of each sound
            if not key or None in key or len(key) > 6:
                continue
            index.setdefault(key, word)  # type: ignore[arg-type]
        # and the listed spellings, which know a word's reading where its characters'
        # commonest ones differ (zhaohuo is 着火, though 着 is most often zhe)
        for spelling, word in PINYIN_WORDS:
            split = table.split(spelling)
            if split:
                index.setdefault(tuple(map(fuzzy, split)), word)
        self._index = index
        self._longest = max((len(k) for k in index), default=1)

    def read(self, text: str) -> str:
        return _LATIN_RUN.sub(self._convert, text)

    def _convert(self, match: re.Match[str]) -> str:
        run = match.group()
        syllables: list[str] = []
        for chunk in run.lower().split():
            split = self._table.split(chunk)
            if not split:
                return replace_pinyin(run)
            syllables.extend(split)
        if len(syllables) < 2:
            return run
        keys = [fuzzy(s) for s in syllables]
        out: list[str] = []
        i = 0
        if syllables[0] == "dian" and match.string[: match.start()].rstrip()[-1:].isdigit():
            out.append("点")  # a time (zao 8 dian dao xia wu 5 dian), not 电到 (a shock)
            i = 1
        while i < len(keys):
            for n in range(min(self._longest, len(keys) - i), 0, -1):
                word = self._index.get(tuple(keys[i : i + n]))
                if word is not None:
                    out.append(word)
                    i += n
                    break
            else:
                out.append(self._table.first_char.get(syllables[i], syllables[i]))
                i += 1
        return "".join(out)
