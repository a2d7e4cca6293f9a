"""Regional speech and emergencies in words nobody listed (issue 14, points 2 and 4)."""

from __future__ import annotations

import pytest

from bot.triage import TriageEngine
from bot.triage.dialect import common_form, has_regional


@pytest.fixture(scope="module")
def engine() -> TriageEngine:
    return TriageEngine()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我哋呢栋楼又冇水啦", "我们呢栋楼又没水啦"),
        ("阿爷晕低咗", "阿爷晕倒了"),
        ("佢哋讲3栋火烛", "他们讲3栋着火"),
        ("有人困𨋢", "有人困电梯"),
        ("俺娘摔了", "我娘摔了"),
        ("唔好意思，唔该社区睇下", "不好意思，唔该社区看下"),  # 唔该 (please) stays
        ("阿拉伯语好难学", "阿拉伯语好难学"),
        ("楼上日日跳舞好嘈", "楼上天天跳舞好吵"),
        ("曱甴多到爆", "蟑螂多到爆"),
        ("锁匙锁咗喺屋企", "钥匙锁在家"),
        ("垃圾呒人收，门禁卡刷勿灵", "垃圾没人收，门禁卡刷不灵"),
        ("请勿在楼道堆放杂物", "请勿在楼道堆放杂物"),  # a notice's 请勿 stays
        ("细路仔爬出天台边", "小孩爬出天台边"),
        ("水龙头出水贼小，耗子贼多", "水龙头出水很小，老鼠很多"),
        ("昨晚来贼了", "昨晚来贼了"),  # a thief is a thief
        ("倷好，俚搭楼道灯勿曾亮过", "你好，这里楼道灯没亮过"),
        ("边个得闲？系咪嗰度返工", "谁有空？是不是那度上班"),
        ("李娭毑冒得人接电话，一个礼拜冒见过她", "李娭毑没得人接电话，一个礼拜没见过她"),
        ("老倌子摔倒哒", "老倌子摔倒了"),
        ("锅炉房烟冒得老高，我感冒了，么么哒", "锅炉房烟冒得老高，我感冒了，么么哒"),
        ("我感冒有点严重，下水道往上冒有臭味，好哒", "我感冒有点严重，下水道往上冒有臭味，好哒"),
    ],
)
def test_regional_words_read_as_the_common_ones(text: str, expected: str) -> None:
    assert common_form(text) == expected


def test_a_message_without_regional_words_is_left_as_it_is() -> None:
    text = "3号楼井盖坏了，火挺大，啥时候修" * 1000
    assert common_form(text) is text
    assert not has_regional(text)
    assert has_regional(text + "冇")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("我哋呢栋楼又冇水啦，唔该社区问下", "utility"),
        ("部𨋢坏咗成日", "building"),
        ("门禁卡刷勿灵", "building"),
        ("垃圾呒人收", "sanitation"),
        ("水龙头出水贼小", "utility"),
    ],
)
def test_a_southern_report_opens_a_ticket(engine: TriageEngine, text: str, category: str) -> None:
    result = engine.triage(text)
    assert result.ticket and result.findings[0].category == category


@pytest.mark.parametrize(
    "text",
    [
        "3栋火烛啊！！",
        "阿爷晕低咗！",
        "细路仔爬出天台边",
        "阿拉娘寻勿着了",
        "阿公食饭哽亲，点算！！",
        "六楼窗口喷火出嚟",
        "16栋陈婆婆两日冇见人，好担心",
    ],
)
def test_a_southern_emergency_is_urgent(engine: TriageEngine, text: str) -> None:
    result = engine.triage(text)
    assert result.ticket and result.findings[0].urgent


@pytest.mark.parametrize(
    "text",
    ["这几天天天吃火锅 上火了", "刚才做梦梦见楼塌了，吓一身汗", "这个新闻太火了", "倒是挺便宜的"],
)
def test_words_of_danger_in_small_talk_open_nothing(engine: TriageEngine, text: str) -> None:
    assert not engine.triage(text).ticket


def test_an_emergency_typed_in_pinyin_with_a_plea_is_not_taken_for_a_bare_plea(
    engine: TriageEngine,
) -> None:
    """快来人 beside an address is a plea with nothing in it, unless the rest of the
    message, typed in pinyin, says what is wrong."""
    result = engine.triage("qi wei hen da, xin hua lu 5 hao yi lou can guan, kuai lai ren")
    assert result.ticket and result.findings[0].urgent
    assert not engine.triage("在2单元门口，麻烦快点来看看").ticket


@pytest.mark.parametrize(
    "text", ["火烧厝啊！", "南地有人烧麦秸，火顺着风往林子那边跑了，快打电话"]
)
def test_an_emergency_in_words_the_prescreen_lacks_opens_urgent(
    engine: TriageEngine, text: str
) -> None:
    """No dictionary word, no learned pair: the word of danger (火) lets the model judge
    it, and it opens only as an emergency."""
    result = engine.triage(text)
    assert result.ticket and result.findings[0].urgent
    assert result.findings[0].evidence[0] == "model:alarm"
