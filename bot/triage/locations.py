"""Finding and normalising where a problem is.

Residents name the same building five ways (3号楼, 三号楼, 3栋, 3#楼, 3幢); duplicate
detection and routing only work if all of them come out as one spelling, "3号楼".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.triage import regexes
from bot.triage.model import Location

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100}
_NUM = r"(?:\d{1,4}|[零〇一二两三四五六七八九十百]{1,5})"

_ROOM_TRIPLE = regexes.compile(r"(?<!\d)(\d{1,3})-(\d{1,2})-(\d{3,4})(?!\d)")
_BUILDING = regexes.compile(
    rf"(?P<n>{_NUM}|[A-Za-z])\s*(?:号楼|号院|栋楼|栋|幢|座|#楼|#|号(?=\s*{_NUM}\s*单元))"
)
_UNIT = regexes.compile(rf"(?P<n>{_NUM})\s*单元")
_ROOM = regexes.compile(
    r"(?P<n>\d{3,4}|[一二三四五六七八九][零〇一二三四五六七八九]{2,3})\s*(?:室|房间|号房|户)?"
)
_GATE = regexes.compile(r"(?:小区)?(?P<g>[东南西北]{1,2}门|正门|后门|侧门|大门|北大门|南大门)")
_ROAD = regexes.compile(r"(?P<r>路|街|大道|大街|胡同|巷)")
_COMPOUND = regexes.compile(r"(?P<c>小区|花园|家园|新村|公寓|苑)(?![面边头])")
_NAMED_PLACES = (
    "地下车库", "地下室", "停车场", "健身广场", "中心广场", "中心花园", "小花园", "健身区",
    "垃圾站", "自行车棚", "车棚", "篮球场", "活动室", "幼儿园", "菜市场", "广场",
)
# Characters that never sit inside a road or estate name; they end the name on the left.
_NAME_STOPS = set(
    "的在了上下个马小大过走有是这那条边门口楼灯道水电我你他她它们们家里去到从往于和与跟"
    "也都又还就很太好一不没啥咋怎么呢吧吗啊呀哦嘞俺咱说看找修坏堵亮前后左右旁对面号栋单元室"
    "望议想要请问让给被把装建希"
    "0123456789#,，。!！?？:：;；、 \n"
)
_ROAD_FOLLOW_STOPS = set("灯面牙由线况费")
_GENERIC_ROADS = {"马路", "公路", "道路", "小路", "大路", "街道", "大街"}


def cn_to_int(text: str) -> int | None:
    """'12' → 12, '十二' → 12, '二十三' → 23, '三百零一' → 301, '三零一' → 301."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    if not any(ch in _CN_UNITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        else:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
    return total + current


def normalise_building(raw: str) -> str | None:
    """Any spelling of a building number → "N号楼"; letters → "A座"."""
    match = _BUILDING.fullmatch(raw.strip())
    if not match:
        return None
    return _building_name(match.group("n"))


def _building_name(number: str) -> str:
    if number.isascii() and number.isalpha():
        return f"{number.upper()}座"
    value = cn_to_int(number)
    return f"{value}号楼" if value is not None else f"{number}号楼"


@dataclass(frozen=True, slots=True)
class Mention:
    """One location named in a message, with where it sits (to pick the nearest)."""

    start: int
    end: int
    location: Location


class LocationFinder:
    """Finds location mentions; knows the community's own building names from config."""

    def __init__(self, buildings: Iterable[str] = ()) -> None:
        named: dict[str, str] = {}
        for raw in buildings:
            raw = raw.strip()
            if not raw:
                continue
            named[raw] = normalise_building(raw) or raw
        self._named = named
        self._named_re = (
            regexes.compile("|".join(re.escape(n) for n in sorted(named, key=len, reverse=True)))
            if named
            else None
        )

    def find(self, text: str) -> list[Mention]:
        parts: list[tuple[int, int, str, str]] = []  # start, end, field, value
        # One flag per character: checking a span costs its length, not the number of
        # mentions found so far, so a long message stays linear.
        taken = bytearray(len(text) + 1)

        def free(start: int, end: int) -> bool:
            return not any(taken[max(start, 0) : end])

        def add(start: int, end: int, field: str, value: str) -> None:
            parts.append((start, end, field, value))
            taken[max(start, 0) : end] = b"\x01" * (end - max(start, 0))

        for m in _ROOM_TRIPLE.finditer(text):
            add(m.start(1), m.end(1), "building", f"{int(m.group(1))}号楼")
            add(m.start(2), m.end(2), "unit", f"{int(m.group(2))}单元")
            add(m.start(3), m.end(3), "room", f"{m.group(3)}室")
        if self._named_re is not None:
            for m in self._named_re.finditer(text):
                if free(m.start(), m.end()):
                    add(m.start(), m.end(), "building", self._named[m.group()])
        for m in _BUILDING.finditer(text):
            if free(m.start(), m.end()) and not _is_date_or_floor(text, m):
                add(m.start(), m.end(), "building", _building_name(m.group("n")))
        for m in _UNIT.finditer(text):
            if free(m.start(), m.end()):
                value = cn_to_int(m.group("n"))
                if value is not None:
                    add(m.start(), m.end(), "unit", f"{value}单元")
        for _start, end, field, _ in list(parts):
            if field not in ("unit", "building"):
                continue
            m = _ROOM.match(text, end)
            if m and m.end() > m.start() and free(m.start(), m.end()):
                value = cn_to_int(m.group("n"))
                if value is not None and value >= 100:
                    add(m.start(), m.end(), "room", f"{value}室")
        for m in re.finditer(r"(?P<n>\d{3,4})\s*(?:室|房间)", text):
            if free(m.start(), m.end()):
                add(m.start(), m.end(), "room", f"{m.group('n')}室")
        for m in _GATE.finditer(text):
            if free(m.start("g"), m.end("g")):
                add(m.start("g"), m.end("g"), "place", m.group("g"))
        for name in _NAMED_PLACES:
            start = text.find(name)
            while start >= 0:
                if free(start, start + len(name)):
                    add(start, start + len(name), "place", name)
                start = text.find(name, start + len(name))
        for pattern, follow_stops in ((_ROAD, _ROAD_FOLLOW_STOPS), (_COMPOUND, set())):
            for m in pattern.finditer(text):
                # 路灯, 路面 ... are things, not a road's name.
                if m.end() < len(text) and text[m.end()] in follow_stops:
                    continue
                name = _name_before(text, m.start())
                if name and free(m.start() - len(name), m.end()):
                    full = name + m.group()
                    if full not in _GENERIC_ROADS:
                        add(m.start() - len(name), m.end(), "place", full)
        return _group(sorted(parts))


def _is_date_or_floor(text: str, m: re.Match[str]) -> bool:
    # "3号" before 单元 is a building, but "5月3号" is a date; "#" after a number is only a
    # building when nothing like a price or hashtag is going on.
    before = text[max(0, m.start() - 1) : m.start()]
    return before in ("月", "/", ".")


def _name_before(text: str, end: int) -> str | None:
    for length in (3, 2):
        start = end - length
        if start < 0:
            continue
        name = text[start:end]
        is_han = all("\u4e00" <= ch <= "\u9fff" for ch in name)
        if is_han and not any(ch in _NAME_STOPS for ch in name):
            return name
    return None


def _group(parts: list[tuple[int, int, str, str]]) -> list[Mention]:
    """Adjacent parts (3号楼 2单元 301室) make one location; a gap of a few chars splits."""
    mentions: list[Mention] = []
    current: list[tuple[int, int, str, str]] = []

    def flush() -> None:
        if current:
            mentions.append(_mention(current))
            current.clear()

    for part in parts:
        if current and (
            part[0] - current[-1][1] > 3 or any(p[2] == part[2] for p in current)
        ):
            flush()
        current.append(part)
    flush()
    return mentions


def _mention(parts: list[tuple[int, int, str, str]]) -> Mention:
    fields: dict[str, str] = {}
    for _, _, field, value in parts:
        fields.setdefault(field, value)
    order = [value for _, _, field, value in parts]
    return Mention(
        start=parts[0][0],
        end=parts[-1][1],
        location=Location(
            text="".join(order),
            building=fields.get("building"),
            unit=fields.get("unit"),
            room=fields.get("room"),
            place=fields.get("place"),
        ),
    )
