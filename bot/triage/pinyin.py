"""Pinyin typed by residents who cannot (or will not) switch input method.

Only the handful of syllable runs that name a problem are mapped back to characters; the
rest of the message is left alone, so English words and names survive untouched.
"""

from __future__ import annotations

import re

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
        }.items(),
        key=lambda kv: len(kv[0]),
        reverse=True,
    )
)
_LATIN_RUN = re.compile(r"[A-Za-z](?:[A-Za-z ]*[A-Za-z])?")
_MAPPING = dict(PINYIN_WORDS)
_SYLLABLES = re.compile("|".join(re.escape(p) for p, _ in PINYIN_WORDS))


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
