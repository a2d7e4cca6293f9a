"""Triage on wordings nobody listed (issue 14, points 3, 4 and 5, and the written
register of appeals of point 1).

Each case is written for this file, not taken from any split: words inside other words,
urgency in any phrasing, and side remarks that are not a second problem.
"""

from __future__ import annotations

import pytest

from bot.triage import TriageEngine, TriageResult, Verdict


@pytest.fixture(scope="module")
def engine() -> TriageEngine:
    return TriageEngine()


def urgent(result: TriageResult) -> bool:
    return any(f.urgent for f in result.findings)


# ---------------------------------------------------------------- point 3: words as words


@pytest.mark.parametrize(
    "text",
    [
        "我跟物业沟通了，他们说下周来",
        "门铃不响了，估计没电了，回头换个电池",
        "我家那口子有口臭，说他不听",
        "孩子在动物园看到臭鼬了，好玩",
        "楼下新开了家理发店，剪得还行",
        "把垃圾倒在楼下垃圾桶里就行，别扔楼道",
        "故事里那个小孩起火烤红薯，差点把房子点着",
        "孩子的数学作业太难了，救命啊",
        "这家店太坑了，一碗面三十块",
        "今天的火锅太好吃了，辣到冒烟",
        "这路灯亮得晃眼，挺好，晚上安全",
        "捡到一串钥匙，放门卫室了，谁丢的去拿",
    ],
)
def test_a_word_inside_another_word_reports_nothing(engine: TriageEngine, text: str) -> None:
    assert not engine.triage(text).ticket


@pytest.mark.parametrize(
    "text",
    ["跟楼上沟通了好几次，还是天天半夜砸东西", "邻居把鞋柜放我家门口，沟通了也没用"],
)
def test_talking_it_over_is_not_a_fix(engine: TriageEngine, text: str) -> None:
    """沟通了 holds 通了 ("working again"); it must not close the case as resolved."""
    assert engine.triage(text).reason != "resolved"


def test_rubbish_poured_is_not_a_fall(engine: TriageEngine) -> None:
    result = engine.triage("有人把垃圾倒在绿化带里，臭死了")
    assert result.ticket and result.findings[0].category == "sanitation"
    assert not urgent(result)


# ---------------------------------------------------------------- point 4: urgency


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("电梯里困了个送外卖的，喊了半天了", "building"),
        ("2号楼电梯关着俩孩子出不来", "building"),
        ("困了一个老人在电梯里", "building"),
        ("dianti guanzhe yige laoren chu bu lai", "building"),
        ("3号楼后面井盖没了，小孩子刚才差点掉进去", "municipal"),
        ("一根电线掉在地上还在打火花，孩子在旁边玩", "safety"),
        ("楼道里有一股煤汽味，好大", "safety"),
        ("闻到很重的燃起味，敲门没人", "safety"),
        ("7号楼整个楼道都是天然器的味道", "safety"),
        ("mei qi wei hen da, kuai lai ren", "safety"),
        ("有个老大爷在小区门口转悠半天了，问他住哪他说不清楚", "care"),
        ("我家老爷子出去买菜到现在还没回来，他有老年痴呆", "care"),
        ("俺娘在小区里走丢了，穿红棉袄", "care"),
        ("隔壁独居的刘奶奶三天没开门了，敲门也没人应", "care"),
        ("陈伯平时每天都出来晒太阳，这三天都没看见，家里灯也不亮", "care"),
        ("我家厨房水管子崩开了水一直滋滋往外冒关不住快来人啊", "utility"),
        # dialect and emoji: 咯 for 了, 🆘 for 救命, a room without 在, 应门 for 开门
        ("隔壁老汉儿在院坝里摔咯", "care"),
        ("6号楼电梯🆘里头有人", "building"),
        ("娃锁屋里出不来，大人在上班", "safety"),
        ("对门的周奶奶两天没应门了", "care"),
        # a gas leak said further on, smoke by its size, an old person gone or lying still
        ("燃气灶那个管子掉了 呲呲的在漏 我关不上阀门", "safety"),
        ("二号楼那边好大一股黑烟，从窗户往外冒", "safety"),
        ("我奶奶找不着了，一早出去的", "care"),
        ("我爸不见了", "care"),
        ("17号楼一个老人躺在楼梯拐角，身上冰凉，叫了没反应", "care"),
        ("对门老奶奶这几天一直没见着，晾的衣服也没收", "care"),
        ("一股味道 敲了半天没人开门", "care"),
        ("路边高压线断了耷拉着", "safety"),
        ("楼顶那块广告牌松动了，还在晃，随时会掉下来", "safety"),
        ("厨房燃气报警器一直在响，闻着没味", "safety"),
        ("我爸吃饭噎着了，喘不上气", "care"),
        ("池塘边有个老人一直在转，好像不太清醒", "care"),
        ("停电一个多小时了，我妈靠制氧机，电池快没电了", "utility"),
        ("整栋楼都黑了 我爸在家用制氧机 咋办", "utility"),
        ("车库有辆车自燃了", "safety"),
        ("隔壁老阿婆透勿过气", "care"),
        ("电梯停了里头有人", "building"),
        ("大风把树刮歪了要倒", "safety"),
    ],
)
def test_urgent_in_any_phrasing(engine: TriageEngine, text: str, category: str) -> None:
    result = engine.triage(text)
    assert result.ticket, result
    assert len(result.findings) == 1, result.findings
    assert result.findings[0].category == category
    assert urgent(result)


@pytest.mark.parametrize(
    "text",
    [
        "万一着火了，咱这楼道可咋跑",
        "去年电梯困过人，后来换了新的",
        "刚才那个着火的视频是哪里的，好吓人",
        "刚才那个走丢的老人家属已经接走了，大家放心",
        "我家狗走丢了，谁看见了说一声",
        "奶奶家的猫不见了",
        "我妈的手机找不到了",
        "我牙齿松了在晃",
        "冻得脸都青了",
        "这事把我气得喘不上气",
        "楼上那家老往下扔烟头，上周差点砸到人",
        "这话把我噎住了哈哈",
    ],
)
def test_not_urgent_when_nothing_is_happening(engine: TriageEngine, text: str) -> None:
    assert not urgent(engine.triage(text))


def test_a_chronic_condition_is_care_not_an_emergency(engine: TriageEngine) -> None:
    result = engine.triage("我爸中风后一直卧床，想问社区有没有上门护理")
    assert result.ticket and result.findings[0].category == "care"
    assert not urgent(result)


# ---------------------------------------------------------------- point 5: one ticket


@pytest.mark.parametrize(
    "text",
    [
        "楼道里堆满了杂物，有消防隐患",
        "电梯坏了三天了，家里有老人行动不便",
        "一辆车堵在消防通道上，车主也联系不上",
        "楼上水管漏了，都流到电梯井里了",
    ],
)
def test_a_side_remark_is_not_a_second_ticket(engine: TriageEngine, text: str) -> None:
    result = engine.triage(text)
    assert result.ticket
    assert len(result.findings) == 1, result.findings


@pytest.mark.parametrize(
    "text",
    [
        "上回井盖坏了修了三天，这次挺快",
        "谢谢社区，路灯修好了",
        "去年冬天暖气不热，后来换了管子就好了",
        "我以为停电了，原来是我家跳闸了，推上去就好了",
        "刚才闻到一股怪味，原来是邻居在煮中药",
        "昨晚停电一会儿就来了，没啥事",
        "必须表扬一下，18栋的消防栓不漏了",
        "老伴前年中风，现在能自己走路了，感谢社区这些年的帮助",
    ],
)
def test_past_events_and_thanks_are_not_reports(engine: TriageEngine, text: str) -> None:
    assert not engine.triage(text).ticket


@pytest.mark.parametrize(
    "text",
    [
        "师傅已经到5栋了，正在查漏水的原因",
        "收到，我们已安排工人明早去疏通下水道",
        "请大家不要在楼道给电动车充电，谢谢配合",
        "上周的停水通知大家看到了吗，已经结束了",
        "周末社区有免费理发，老人可以去",
        "社区的陪诊服务真不错，推荐给大家",
    ],
)
def test_replies_notices_and_praise_are_not_reports(engine: TriageEngine, text: str) -> None:
    assert not engine.triage(text).ticket


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("lu deng huai le hao ji tian le", "municipal"),
        ("lou shang zao yin tai da le, ban ye hai zai dong", "dispute"),
        ("ge bi de lao nai nai hao ji tian mei kai men le", "care"),
        ("qing wen lao nian zheng zai na li ban", "consult"),
    ],
)
def test_whole_messages_in_pinyin(engine: TriageEngine, text: str, category: str) -> None:
    result = engine.triage(text)
    assert result.ticket and result.findings[0].category == category


# ---------------------------------------------------------------- point 5: a preamble


@pytest.mark.parametrize(
    "text", ["我想反映个情况", "我想反映个情况，等下说", "有个事想反映一下", "网格员在吗"]
)
def test_a_preamble_waits_for_the_next_message(engine: TriageEngine, text: str) -> None:
    result = engine.triage(text)
    assert not result.ticket
    assert result.verdict is Verdict.WAIT


def test_a_preamble_with_its_problem_is_one_ticket_about_the_problem(
    engine: TriageEngine,
) -> None:
    result = engine.triage("我想反映个情况，3号楼楼道灯不亮")
    assert result.verdict is Verdict.REQUEST
    assert [f.category for f in result.findings] == ["building"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("请问谁家有打气筒，借用一下，电动车轮胎没气了", "neighbourly"),
        ("有没有人家里有多余的电动车充电器借我一下，我的坏了", "neighbourly"),
        ("我家猫跑丢了，橘色的，脖子上有铃铛，谁看见了告诉我一声", "neighbourly"),
        ("【转】燃气泄漏怎么办？第一不要开灯，第二开窗通风", "link"),
        ("转发一下，邻村有个老人走丢了，穿灰色棉袄，看见的打电话", "link"),
    ],
)
def test_neighbours_asks_and_forwards_are_not_reports(
    engine: TriageEngine, text: str, reason: str
) -> None:
    """Borrowing from neighbours, a lost pet, a forwarded warning: the group's business,
    not the community's, whatever problem words they carry."""
    result = engine.triage(text)
    assert not result.ticket and result.reason in (reason, "chatter"), result


@pytest.mark.parametrize(
    "text", ["社区还有流感疫苗吗 我妈想打", "残疾证年审要本人去吗", "医保咋报"]
)
def test_a_policy_question_in_unlisted_words_is_a_question_to_the_office(
    engine: TriageEngine, text: str
) -> None:
    result = engine.triage(text)
    assert result.ticket and result.findings[0].category == "consult", result


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("开无犯罪证明是不是要先开社区证明啊", "consult"),  # 无 of a certificate's name
        ("残疾证年审要不要本人去", "consult"),  # 要不要 asks, it does not negate
        ("我腿不好出不了门，谁能帮我取个药", "care"),  # 腿不好 is bad legs, no negation
        # the ramp is the building's, what stands on it is encroachment: either is right
        ("无障碍坡道被占了，轮椅上不去", "building|order"),
    ],
)
def test_a_not_a_questions_and_names_with_a_negator_in_them_negate_nothing(
    engine: TriageEngine, text: str, category: str
) -> None:
    result = engine.triage(text)
    assert result.ticket and result.findings[0].category in category.split("|"), result


def test_where_the_sender_works_is_not_where_the_problem_is() -> None:
    """我在上海上班 says where the sender is; the lamp is in our building (the rules alone
    read it, no model needed)."""
    rules = TriageEngine(model=None)
    result = rules.triage("我在上海上班，我妈住3号楼，楼道灯坏了好几天了")
    assert result.ticket and result.findings[0].category == "building", result
    assert rules.triage("我在北京看到新闻说电梯坏了").reason == "elsewhere"


@pytest.mark.parametrize(
    ("text", "category"), [("电梯又罢工了", "building"), ("水好小洗不了澡", "utility")]
)
def test_slang_for_broken_and_weak(engine: TriageEngine, text: str, category: str) -> None:
    result = engine.triage(text)
    assert result.ticket and result.findings[0].category == category, result


@pytest.mark.parametrize(
    "text", ["你们的老年卡都年审了吗", "老头子天天问我高龄补贴咋还没到😂", "今天去打疫苗了吗"]
)
def test_a_policy_question_among_neighbours_or_in_jest_is_talk(
    engine: TriageEngine, text: str
) -> None:
    assert not engine.triage(text).ticket


@pytest.mark.parametrize(
    "text", ["我家老人走丢了，穿蓝色衣服，谁看见了告诉我", "能不能借一下社区的轮椅，我妈腿摔了"]
)
def test_a_lost_person_or_a_loan_from_the_community_stays_a_report(
    engine: TriageEngine, text: str
) -> None:
    assert engine.triage(text).ticket


@pytest.mark.parametrize(
    "text", ["家里的鱼缸漏水了，地板全湿了😭", "自行车轮胎又没气了，气死", "冰箱底下漏水咋整啊"]
)
def test_ones_own_things_leaking_are_nobodys_ticket(engine: TriageEngine, text: str) -> None:
    """A fish tank, a fridge, a tyre: a leak or lost air of one's own things is not the
    community's to fix."""
    assert not engine.triage(text).ticket


@pytest.mark.parametrize("text", ["5号楼楼道的水管漏水了，地上都是水", "3单元的暖气片漏水了"])
def test_a_leak_in_the_building_stays_a_report(engine: TriageEngine, text: str) -> None:
    assert engine.triage(text).ticket


def test_the_other_side_making_it_good_settles_it(engine: TriageEngine) -> None:
    """噪音那家道歉了: the neighbour apologised or paid, the matter is closed; unless the
    trouble goes on all the same."""
    for text in ("漏水那家赔了", "淹了我家的楼上邻居赔了", "装修吵人的那家道歉了"):
        assert not engine.triage(text).ticket, text
    assert engine.triage("楼上那家道歉了，可是今晚还是在砸墙").ticket


@pytest.mark.parametrize("text", ["明早八点开始停水", "明晚停电，大家知道一下", "明儿个停气"])
def test_an_outage_announced_for_tomorrow_is_a_notice(engine: TriageEngine, text: str) -> None:
    result = engine.triage(text)
    assert not result.ticket and result.reason == "notice"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("5号楼门口的景盖松了，一踩就响", "municipal"),
        ("我们单元的点梯又坏了", "building"),
        ("家里暖器冰凉冰凉的", "utility"),
        ("楼到灯不亮好几天了", "building"),
    ],
)
def test_a_homophone_typo_of_a_thing_reads_as_the_thing(text: str, category: str) -> None:
    """Point 2: 景盖 is 井盖, 点梯 is 电梯, typed by sound with one character wrong. The
    rules read them, with no model to rescue them."""
    result = TriageEngine(model=None).triage(text)
    assert result.ticket and result.findings[0].category == category, result


@pytest.mark.parametrize("text", ["这篇作文点题了，老师表扬了", "今天的白菜挺水灵的"])
def test_words_that_merely_sound_alike_stay_words(engine: TriageEngine, text: str) -> None:
    """点题 has no character of 电梯; 挺水 is not read as 停水 (problems are never respelled)."""
    assert not engine.triage(text).ticket


@pytest.mark.parametrize(
    "text",
    [
        "说个好笑的，昨天我闻到楼道里一股煤气味，吓得赶紧打电话，结果是邻居在熬中药",
        "突然想起小时候住的筒子楼，冬天水管冻住了，大家拎着开水壶去浇，楼道里全是白气",
    ],
)
def test_a_tale_is_not_a_report(engine: TriageEngine, text: str) -> None:
    """A message that opens as a tale (说个笑话, 想起小时候) names fires and frozen pipes in
    passing; 说个事 opens a request as often as not, and stays one."""
    assert not engine.triage(text).ticket
    assert engine.triage("我跟大家说个事，3号楼电梯又坏了，有老人下不了楼").ticket


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # a negator in an earlier clause of an unpunctuated message, or inside a
        # description of the thing, does not cancel the danger
        ("头发花白 个子不高 我姥爷找不到了", "care"),
        ("没关的那个燃气灶 一股煤气味", "safety"),
        ("我家老汉儿买菜去了 到现在莫得回来 他有点糊涂", "care"),
        ("独居的老太太好久没看到了 门口一股怪味", "care"),
        # signs of a stroke
        ("外婆嘴巴歪了 左手也使不上劲", "care"),
        ("老爷子吃着饭突然话都说不清了", "care"),
        # a child shut in a car, people on breaking ice, ice about to fall on people
        ("娃锁车里了 钥匙也在车里 太阳正晒着", "safety"),
        ("几个小孩跑到湖面上去了 冰都裂了", "safety"),
        ("屋檐上的冰溜子快掉了 下面全是买菜的人", "safety"),
        ("后面那间棚子让雪压塌了 里头还住着个老头", "safety|building"),
        # wasps stinging now, carbon monoxide, a bare cry of fire, fire in pinyin
        ("一群马蜂在追人 两个孩子被蛰了", "safety"),
        ("屋里好像中煤气了 脑袋晕乎乎的", "safety"),
        ("炉子倒烟 老伴头晕还吐了", "safety"),
        ("火！5号楼！", "safety"),
        ("zhao huo le 8 hao lou", "safety"),
        # an appeal for a missing old person is the report, 求扩散 or not
        ("求扩散 我外公 走失 穿灰外套 拄拐", "care"),
        ("我爸有脑萎缩 出去遛弯两个钟头了", "care"),
        ("阿嬷一早去买菜 到现在还没转来", "care"),
        ("车站那有个老大爷一直问这是哪里", "care"),
        ("独居的李奶奶 这三天门口的牛奶都没拿", "care"),
        ("王爷爷家敲门半天都没反应", "care"),
        ("楼下大爷 从楼梯 摔下来了 不动了", "care"),
        ("我在电梯里 电梯突然停了 灯也黑了", "building"),
        ("仓库那扇铁门把人锁里面了", "safety"),
        ("走廊一股怪味 好像是煤气", "safety"),
        ("炉子一直不好烧 我妈说头疼恶心", "safety"),
        ("楼上爆水管了 水都流到客厅了", "utility"),
        # violence and dogs now, sudden illness, poison, smoke and gas, collapse, a lift
        ("楼下有人拎着菜刀追着人砍 快来人", "safety"),
        ("对门那男的喝多了 嚷嚷着要放火烧了这栋楼", "safety"),
        ("我爷爷胸口痛得直冒冷汗 嘴唇发紫", "care"),
        ("邻居大姐喝了农药 正往卫生院送", "care"),
        ("孩子把奶奶的降糖药当糖豆吃了", "care"),
        ("老人吃东西卡住了 咳不出来", "care"),
        ("我妈突然抽过去了 叫不答应", "care"),
        ("一家三口烤着炭火 都说头晕想吐", "safety"),
        ("灶台那管子松了 满屋都是气 我不敢开灯", "safety"),
        ("后山塌方了 埋了半间屋 听见里头有人在喊", "safety"),
        ("电梯卡在五楼 里面有个推婴儿车的妈妈", "building"),
        ("水表那根总管崩了 水已经流进好几户了", "utility"),
    ],
)
def test_emergencies_in_words_no_dictionary_lists(
    engine: TriageEngine, text: str, category: str
) -> None:
    result = engine.triage(text)
    assert result.ticket and urgent(result), (text, result)
    assert result.findings[0].category in category.split("|"), (text, result)


@pytest.mark.parametrize(
    "text",
    [
        "单元门口树上有个马蜂窝 怕孩子被蛰 能不能找人摘了",
        "楼后那窝马蜂去年蛰过人 今年又来了 麻烦处理下",
        "做饭 dabuzhao huo le, shi bu shi tingqi le",
        "小区后门那个下水井往外冒黑水 臭得很",
        # no water is not someone who cannot get out; sewage spreading is no emergency
        "三楼水压太小 洗澡都出不来水",
        "院里下水道堵了 污水漫出来一大片",
    ],
)
def test_a_danger_feared_or_past_is_a_request_not_an_emergency(
    engine: TriageEngine, text: str
) -> None:
    result = engine.triage(text)
    assert result.ticket and not urgent(result), (text, result)


@pytest.mark.parametrize("text", ["冬季防煤气中毒，请大家注意开窗通风", "转：防一氧化碳中毒小常识"])
def test_a_safety_notice_is_no_emergency(engine: TriageEngine, text: str) -> None:
    assert not urgent(engine.triage(text)), text


def test_a_danger_over_a_problem_already_read_is_one_urgent_ticket(engine: TriageEngine) -> None:
    """野狗 is a problem of its own (order); the dogs surrounding a child now are the same
    dogs, not a second ticket."""
    result = engine.triage("一群野狗围住了个放学的小孩")
    assert len(result.findings) == 1 and result.findings[0].urgent, result


@pytest.mark.parametrize(
    "text", ["刚才的煤气味原来是楼下在炖肉 虚惊一场", "今天热到冒烟 出门一趟人都化了"]
)
def test_a_scare_explained_or_a_figure_of_speech_is_no_ticket(
    engine: TriageEngine, text: str
) -> None:
    assert not engine.triage(text).ticket, text


@pytest.mark.parametrize(
    "text",
    ["张阿姨的电话昨天开始就打不通，她平时一个人住", "刘奶奶平时独居，这两天敲门都没人应"],
)
def test_living_alone_as_a_habit_is_no_general_question(engine: TriageEngine, text: str) -> None:
    """平时 marks a general question (井盖坏了平时找谁), not a way of living."""
    result = engine.triage(text)
    assert result.ticket and result.findings[0].category == "care"
    assert not engine.triage("井盖坏了平时找谁").ticket


@pytest.mark.parametrize(
    "text",
    [
        "二楼阳台有人要往下跳",
        "隔壁大姐说不想活了把自己锁在屋里",
        "有人割腕了",
        "五楼窗户外面挂着个小孩",
        "一个小孩卡在防盗窗外面了",
        "楼下有人被车撞了躺着不动",
        "孩子发高烧一直抽筋",
        "小孩吞了个硬币卡在喉咙里",
        "有人溺水了在小区人工湖",
        "孩子从二楼摔下去了",
        "家里进小偷了人还在屋里",
    ],
)
def test_a_life_at_stake_is_urgent_in_plain_words(engine: TriageEngine, text: str) -> None:
    """Someone about to jump or take their life, a child hanging outside a window, a
    person hit by a car or fallen from a height, a fit, a coin swallowed, someone
    drowning, a burglar still inside: no dictionary pair says these, and each is one
    urgent ticket."""
    result = engine.triage(text)
    assert result.ticket and urgent(result) and len(result.findings) == 1


@pytest.mark.parametrize(
    "text",
    [
        "热得不想活了",
        "他说累得不想活了哈哈",
        "考砸了我要跳楼",
        "股票跌成这样我想跳楼",
        "孩子想跳绳，哪里有卖的",
        "看新闻说有人跳楼了，唉",
        "我的车被电动车撞了，车主跑了",
        "暑假到了，大家注意防溺水",
        "孩子们在学校学了溺水自救，回来演给我看",
        "手机从阳台掉下去了",
        "腿抽筋了好难受",
        "工地上有人从架子上摔下来，已经送医院了",
    ],
)
def test_figures_of_speech_notices_and_small_mishaps_are_no_emergency(
    engine: TriageEngine, text: str
) -> None:
    assert not urgent(engine.triage(text))


@pytest.mark.parametrize(
    "text",
    [
        "我弟把洁厕灵当饮料喝了两口，现在一直吐",
        "她把一整瓶安眠药都吃了 叫不太醒",
        "孙子偷吃了爷爷的药 好几片 脸煞白",
        "邻居大姐羊水破了 家里就她一个",
        "小女儿突然翻白眼 手脚僵直",
        "我爸有癫痫 刚又发作了 咬着舌头",
        "厨房热油洒了 老婆胳膊烫了一大片起泡",
        "吃了虾以后嗓子肿了 喘不上来",
        "门口大爷中暑了 站不住 脸通红",
        "老伴捂着胸口蹲在地上 说疼",
        "有个男的追着一个女的打 在菜市场门口",
        "醉汉拿着酒瓶子在楼下追人",
        "有人一直在撬我家门锁 我一个人在家",
        "骗子在我妈家教她转账 我劝不住",
        "河里有人在扑腾 好像不会游泳",
        "我老婆生孩子大出血 医院说要血 谁是O型血",
        "有个醉汉躺在铁轨上",
        "邻居家的狗把一个小孩扑倒了正在咬",
        "小孩爬上了变电箱",
        "老伴突然右边手脚不听使唤了",
        "同事在朋友圈发了句下辈子见，电话关机了，他住8号楼",
        "楼下那个小伙子拿刀片在划自己手腕",
        "我妈说要跟着我爸一起走，药都准备好了",
        "隔壁保姆把老太太绑在床上出去了",
        "儿子把他妈撵到门外了，老太太在楼道里冻了一晚上",
        "孩子一个人在家三天了，一直在哭",
        "工厂食堂有人浑身抽，口吐白沫",
        "装修的师傅手粘在电线上下不来了",
        "和面机把老板的手卷进去了",
        "仓库里一股刺鼻的味道，好几个人咳嗽流泪",
        "污水井里下去一个工人，半天没上来",
        "3栋电梯门开着轿厢不在，里面黑洞洞的",
    ],
)
def test_emergencies_of_illness_violence_crisis_and_work_in_their_own_words(
    engine: TriageEngine, text: str
) -> None:
    """Poison or pills swallowed, labour and bleeding after it, a fit, a burn, a throat
    closing, heat stroke, a hand to the chest, someone struggling in water; a beating, a
    weapon, a door forced, a swindle going on; despair shown (a goodbye, a blade, pills
    ready), an old person tied up or shut out in the cold, a child left alone for days, a
    live wire, a machine, fumes, a pit, an open lift shaft."""
    result = engine.triage(text)
    assert result.ticket and urgent(result)


@pytest.mark.parametrize(
    "text",
    [
        "气得我吐血",
        "吐血价清仓大甩卖",
        "看到这题我突然想翻白眼",
        "宝宝还在踹我，估计是个踢球的",
        "我试了下门锁好像坏了",
        "把行李往车里塞好了，出发",
        "我转账了还在等到账",
        "西瓜开瓢了 真甜",
        "我要跟这道题同归于尽",
        "拿了桶汽油给割草机加",
        "他捂着胸口说扎心了",
        "我女儿下个月要生了",
        "中暑了 喝点藿香正气水就好",
        "前天半夜有人撬对门的锁，后来抓住了",
        "鱼在水里扑腾得可欢了",
        "这次旅游我大出血了",
        "商场周年庆大出血",
        "我家狗正在咬骨头",
        "猫躺在马路上晒太阳",
        "右边的腿最近没劲 是不是缺钙",
        "爬到电线杆上拍照的那个网红被抓了",
        "今天好冷，手都冻僵了",
        "把自己锁门外了，有没有靠谱的开锁师傅😂",
        "我媳妇说我再喝多就把我锁门外，哈哈",
        "上个月篮板被风吹掉半块，挂在架子上，早修好了",
        "这两晚总跳闸，一跳就冻一宿",
        "放假了，终于解脱了",
        "老板说今天是打折最后一天了",
        "孩子一个人在家写作业，挺乖的",
    ],
)
def test_their_words_in_jest_in_ads_or_in_the_past_are_no_emergency(
    engine: TriageEngine, text: str
) -> None:
    assert not urgent(engine.triage(text))


def test_an_all_clear_doubted_by_the_one_who_writes_is_no_fix(engine: TriageEngine) -> None:
    """店员说没事，可我看…: the writer takes the all-clear back; 修好了，可以坐了 does not."""
    doubted = engine.triage("冷柜那边有电线烧的味道，有点冒烟了，店员说没事，可我看火星子都出来了")
    assert doubted.ticket and urgent(doubted)
    assert engine.triage("电梯修好了，可以坐了").reason == "resolved"


@pytest.mark.parametrize(
    "text",
    [
        "ránqì xièlòu 7 dòng 2 dānyuán kuài lái",  # pinyin with its tone marks
        "shuāi dǎo le, lǎo rén zài 7 hào lóu 1 lóu, kuài lái rén",
        "独居老人失联4天了",
        "lao ren shi lian 4 tian le du ju 6hao lou 101",
        "我老汉又跑出去了 阿尔兹海默 手机没带",
        "我娃儿抽筋了 眼睛往上翻",
        "14号楼6楼谁家花盆摆在阳台外沿上 大风天 眼看要掉",
        "楼上晾衣杆掉了一半挂在外头 铁的 在晃",
        "楼道窗户那个 铝合金框整个松脱了 就一个角挂起的 下面天天有人走",
        "我被困在电梯里了 刚下班",  # work said beside a real trap
        "著火了！！！",  # 著 survives the traditional-to-simplified step
        "hello 我妈说10栋的lift停在半截 里面有人 按铃没人理",
        "听说有小孩在变压器那翻栅栏了！！",
        "花園水池邊有個娃娃一個人 水挺深的 家長呢？？",
        "單元門口的電纜被挖破了 露出銅線 下雨了 人來人往的",
        "我弟说我爸下午去菜场 说好三点回 现在都九点了 手机关机",
        "風太大 頂樓那家窗戶玻璃掉下來一塊 還有一塊掛在上面晃",
    ],
)
def test_emergencies_in_toned_pinyin_and_words_of_their_own(
    engine: TriageEngine, text: str
) -> None:
    result = engine.triage(text)
    assert result.ticket and urgent(result), result


@pytest.mark.parametrize(
    "text",
    [
        "花盆里的花快掉光了",
        "阳台的花盆要掉色了",
        "外墙瓷砖空鼓了 迟早要掉 请找人来看看",
        "和老同学失联多年",
        "腿抽筋了 疼得我眼睛往上翻哈哈",
        "听说社区可以领防走失手环 我给我老汉领了一个",
        "股票又跌了 俺气得头顶冒烟",
        "楼下大爷天天在小区里溜达 有人以为他走丢了 其实他认得家",
        # figures of speech: a simile, trapped by work, news or homework
        "这小子骑摩托跟屁股着了火一样，嗖一下就没影了",
        "俺被这群里的消息困住了 一天几百条 出不来了😂",
        "周末被娃儿作业困在屋头出不来 脑壳痛",
        "配电箱门坏了，里面电线都露着，小孩够得着",  # a request: nothing happening now
        "每次路过那个工地都觉得脚手架要塌，心里发怵",
        "著名的火锅店又开张了",
    ],
)
def test_their_look_alikes_are_no_emergency(engine: TriageEngine, text: str) -> None:
    assert not urgent(engine.triage(text))


@pytest.mark.parametrize(
    "text",
    [
        # what makes a message in pinyin a hypothetical, a notice or an all-clear
        "wanyi zhao huo le zenme pao a, wo jia zhu 18 lou, xiang xiang dou pa",
        "wanyi lao ren shuai dao le bie ji zhe fu, xian kan kan neng bu neng dong",
        "tong zhi: ming tian ting shui, zao 8 dian dao xia wu 5 dian",
        # a trouble that ended: tightened, pulled out, come round, gone to family
        "热水管子接头那儿滴水 拧紧了 不滴了",
        "俺家猫又卡在暖气后面了 拽出来了 一身灰 哈哈",
        "那个晕倒的小伙子是低血糖 吃了块糖缓过来了 自己走了",
        "陈婆婆好几天没看到 原来是去她女儿那里住了 刚给我打了电话 放心",
        # hearsay put right as it is told
        "据说广场积水带电 谣言 物业已经测过了 没电",
        "群里传3号楼电梯困人 我刚问了物业 是误报 警铃被小孩按的",
        "我在外地 我妈三天没接电话 刚刚回了 说手机静音了 吓死我了",
        "刚才那个说有天然气味的 是燃气公司在换表 放气 正常的",
        "邻居说昨天垃圾桶着了 保洁阿姨一桶水就浇灭了",
        "mei qi wei shi lou xia zuo fan de, bu shi lou qi, fang xin ba",
    ],
)
def test_hypotheticals_notices_and_troubles_ended_are_no_ticket(
    engine: TriageEngine, text: str
) -> None:
    assert not engine.triage(text).ticket


def test_a_time_in_pinyin_is_no_electric_shock(engine: TriageEngine) -> None:
    """8 dian dao 5 dian is 8点到5点; bei dian dao le is still 被电到了."""
    assert urgent(engine.triage("ta bei dian dao le kuai lai ren"))
    assert not urgent(engine.triage("ming tian ting dian, zao 8 dian dao xia wu 5 dian"))


def test_a_power_cut_until_now_is_no_shock(engine: TriageEngine) -> None:
    """停电到现在 is 停电|到, not 停|电到 (the two cuts weighed the same, and a word added
    anywhere in the dictionary tipped one way or the other)."""
    result = engine.triage("请问今天停电到几点，冰柜里都是冻货")
    assert result.ticket and not urgent(result)
    assert result.findings[0].category == "utility"


def test_the_model_does_not_make_urgent_a_danger_the_writer_only_fears(
    engine: TriageEngine,
) -> None:
    """怕哪天倒了, 万一砸着人: a request to look at it, not an emergency; the rules' own
    urgency stands (a gas smell is urgent, whatever the writer fears of it)."""
    worry = (
        "五号楼西边那个晾衣服的铁架子，底下焊的地方锈开了，一碰就晃，好几家的被子都晾在上面，"
        "我怕哪天连被子带架子一起倒了，谁能给反映反映"
    )
    result = engine.triage(worry)
    assert result.ticket and not urgent(result), result
    assert engine.feared("底下就是过道，万一砸着人咋整")
    assert not engine.feared("3号楼电梯困人了，快来")
    assert urgent(engine.triage("燃气味很大 万一炸了怎么办 3号楼"))


def test_a_question_whether_it_is_maintenance_is_still_a_report(engine: TriageEngine) -> None:
    """是燃气公司在换表 explains a smell; 是不是在维修 asks, and the outage stands."""
    result = engine.triage("燃气停了 是不是在维修 做不了饭")
    assert result.ticket and result.findings[0].category == "utility"
    hydrant = engine.triage("群里有人说 小区主路上消防栓被车撞了 水柱好几米高")
    assert urgent(hydrant) and hydrant.findings[0].category == "municipal"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("xi wang she qu neng ban ge lao nian shi tang", "wish"),
        ("wo xiang qing wangge yuan bang wo mai dian yao, yi ge ren zhu, tui bu hao", "care"),
        ("停水通知也没发 突然就没水了 啥时候来", "utility"),  # no notice: a report
    ],
)
def test_everyday_requests_in_pinyin_and_a_notice_missing(
    engine: TriageEngine, text: str, category: str
) -> None:
    result = engine.triage(text)
    assert result.ticket and result.findings[0].category == category, result


def test_a_problem_like_this_since_yesterday_is_no_past_story(engine: TriageEngine) -> None:
    """昨天就这样了 says it is still so: the model, which has read many past stories, may
    not veto it; 每年冬天都这样 正常的 is how things are, not a report."""
    result = engine.triage("3号楼井盖坏了，昨天就这样了")
    assert result.ticket and result.findings[0].category == "municipal"
    assert not engine.triage("锅炉房烟囱冒烟每年冬天都这样 正常的 不用报").ticket


@pytest.mark.parametrize(
    "text",
    [
        # a cold wet winter in Hunan or Jiangxi, often by voice and in its own words
        "河边那个塘结了薄冰 三个伢子在上面跑来跑去",
        "下水井盖子没盖 几个细伢子往里头丢炮仗",
        "水沟里积满了雨水 有个小孩滑下去了",
        "王爹爹昨天晚上出门到现在冇回来 外头下雪",
        "一个娭毑坐在单元门口讲不清自己住哪栋 冷得直抖",
        "我娘在菜场跌了一跤 额头在流血",
        "楼上的水渗到我家插座里了 还在滋滋响",
        "脚手架被风刮歪了 往马路上倒",
        "那棵树被雪压断了 树枝搭在电线上",
        "厨房天花板在往下掉水泥渣",
        "阳台墙上咯吱咯吱响 裂缝越来越宽",
        "隔壁又在打老婆 一直喊救命",
        "几个人正在地下车库砸车窗",
        "爷爷在卫生间洗澡 热水器没开排气 人晕在里面了",
        "我老倌讲活起冇意思 把半瓶安眠药全部恰了",
        # long, rambling or terse, with the danger in the middle
        "楼道顶上的水泥块松了 吊着 刚刚又掉了一块",
        "超市门口的玻璃碎了挂在门框上 人来人往的",
        "广场上两伙人打架 有人掏出刀了",
        "电梯突然往下坠了几层 里面有俩人",
        "早上好啊各位，今天太阳真不错，刚才在楼下看到一个老太太倒在地上口吐白沫，谁懂急救快来",
        # told by someone else, or typed with slips
        "我外婆被反锁在家里出不去了 钥匙在我这 我在上班",
        "我是送奶的 5栋那户三天都没人应门 奶都没拿 是个老人家",
        "有人抽风了 快来人",
        "那块玻璃碎了挂在窗上，风一吹晃来晃去，下面是小学门口",
        "墙上的裂缝在变宽 一直咯吱咯吱响",
        "细伢子掉水塘里了 快",
        "水管暴了 满屋都是水",
        "空调外机快落下来了 下面停着车",
        "电梯关到我爸了 在12楼",
        "楼上漏水 我家灯座都在滴 快来",
        # a township and its villages in the south-west
        "车站有个老人家坐了一下午 问她哪里的讲不清楚",
        "我孙女吃汤圆卡到了 出不得气",
        "隔壁妹崽在群里发说要喝农药 快去看看",
        "塘里掉了个娃！",
        "洪水冲进村了",
        "滑坡把路埋了 车被埋住 里面还有人",
        "有人掉进粪坑了",
        "河边有人电鱼 把人电倒了",
        "我媳妇怀孕七个月 突然见红了",
        "山上的石头还在往下滚",
        "桥那边有个人跳河了",
        # happening now, not earlier
        "小孩被卡电梯门了",
        "楼顶铁皮被风掀起来了 随时会刮下来",
        "有人往下扔石头！",
        "一条大狗追着小孩咬 刚咬伤一个",
        # shops and building sites next door; told by sound and sight, or chased up
        "楼顶上两个孩子坐在护栏上",
        "对面工地的脚手架往马路这边歪过来了",
        "吊车吊着的钢筋在晃",
        "楼下的彩钢板被风掀起来了 在甩",
        "地下车库顶板一直掉渣 还咔咔响",
        "一伙人围着打一个外卖小哥",
        "隔壁烧炭取暖 现在人喊不醒",
        "卷帘门压住人了",
        "井盖到现在还开着 刚才有个孩子差点踩进去",
        "那个老太太还躺着 没人来",
        "我爸哮喘发作了 药用完了",
        "电梯门开着 没轿厢",
        "火已经烧到三楼了",
        "燃气灶关不上了 怎么办",
        # care of the elderly, and weather at its worst
        "张奶奶自己走出去了 护工没看住 谁看到一个拄拐的老太太",
        "爷爷半夜出门了 到现在没找着",
        "敲门听见里头在哼哼 老人一个人住",
        "给他送的饭还挂在门把手上 敲门也不开",
        "有人犯心脏病了 快",
        "奶奶从梯子上栽下来了 不动了",
        "门口保安热晕了",
        "雷劈倒一个人 在操场",
        "楼顶有人被风刮得站不住",
        "车滑下坡撞了墙 司机还没出来",
        "雨水一直进屋 老人出不去",
        "空调架子断了一边 挂在那晃",
        "车棚被雪压弯了 里面还有人",
        "我在天台 不想活了",
        # festival weeks in the north
        "承重墙上的缝比昨天宽了 还往下掉渣",
        "炉子没封好 我爸晕了",
        "孩子发高烧抽起来了",
    ],
)
def test_emergencies_of_a_southern_winter_and_a_village(engine: TriageEngine, text: str) -> None:
    result = engine.triage(text)
    assert result.ticket and urgent(result), result


@pytest.mark.parametrize(
    "text",
    [
        "我要炸了 伢子写了一晚上作业才写两个字",
        "天天加班加得人都要晕倒了",
        "打王者又被对面困在塔下出不来 气死",
        "这天冷得只想困在被窝里不出来",
        "转：严禁电动车进楼道充电，一旦起火后果不堪设想！",
        "禁止在化粪池附近放鞭炮",
        "我手机要爆炸了 群消息太多",
        "笑死 要炸了哈哈",
        "打游戏又被困住了",
        "最近追一部剧 有一集是楼里着火 看得好紧张",
        "手机要炸了 一上午几百条消息",
        "斗地主又被炸了 气死",
        "忙得喘不过来 周末再说",
        "3号楼电梯又卡了 我妈拎着菜爬了十七楼",
        "电梯又停了 今天没人在里面 就是爬楼累",
        "我家的羊走丢了 谁看到说一声",
        "刚才说的着火是老王家在熏腊肉 没得事",
        "哪个讲漏气了 是酸菜的味道 莫乱传",
        "他被老板困在公司加班 回不来",
        "我妈说要喝药才能好",
        "电梯又停了，这回没关着人，就是用不了",
        "哈哈哈着火了",
        "工作群要炸了",
        "闷得喘不过气",
        "抢票抢到晕倒",
        "楼道堆满纸箱 怕着火 谁来管管",
        "孩子发烧烧到39度",
        "斗地主又被困住了",
        "我家猫又困在柜子里出不来 笑死",
        "救命 好好笑",
        "今天听了讲座 说老人摔倒了先别急着扶",
        "今天热炸了",
        "晒得要冒烟了",
        "孩子写作业把我气得心脏病都快犯了",
        "火锅太辣了 嘴都着火了",
    ],
)
def test_anger_games_warnings_and_village_look_alikes_are_no_emergency(
    engine: TriageEngine, text: str
) -> None:
    assert not urgent(engine.triage(text))


def test_a_figure_of_speech_leaves_the_real_complaint(engine: TriageEngine) -> None:
    """吵得头都要炸了 is a figure; the noise it is about is still a report."""
    result = engine.triage("楼下麻将馆天天打到半夜，洗牌声吵得头都要炸了")
    assert result.ticket and not urgent(result), result
    assert result.findings[0].category == "dispute"


def test_an_outage_heard_of_that_has_lasted_is_a_report(engine: TriageEngine) -> None:
    """据说 before an outage usually tells of a plan; 都一天了 says it is going on."""
    result = engine.triage("据说9栋又停水了 都一天了")
    assert result.ticket and result.findings[0].category == "utility", result
    assert not engine.triage("听说明天停水").ticket


def test_a_message_in_pinyin_is_read_by_the_model_as_characters_too(
    engine: TriageEngine,
) -> None:
    """The model knows 老鼠 far better than "laoshu"; a slip of the reading (wo dao le as
    我倒了) does not make an emergency."""
    result = engine.triage("xiaoqu limian you hen duo laoshu")
    assert result.ticket and result.findings[0].category == "sanitation", result
    assert not urgent(engine.triage("wo dao le, zai men kou deng ni"))
    assert not engine.triage("wo dao le, ni men zai na").ticket  # 我到了: I am here
    assert urgent(engine.triage("wo dao le, qi bu lai le, kuai lai ren"))  # a fall told
    assert engine.triage("老年证何式办").ticket  # Hunan's 何式 is 怎么


@pytest.mark.parametrize(
    "text",
    [
        "小科普：电梯困人时不要扒门，按警铃等救援",
        "有人说5栋着火了，是楼下在放烟花，没着火，别瞎传了",
        "那个冒烟的事是误会 是饭馆在炒辣椒",
        "那个燃气味是燃气公司在管道放散 正常作业",
        "谁说冒烟了？我就在楼下，啥事没有",
        "还以为井盖松了 看错了 是新换的",
    ],
)
def test_safety_tips_and_rumours_put_right_are_no_ticket(
    engine: TriageEngine, text: str
) -> None:
    assert not engine.triage(text).ticket


def test_the_model_opens_a_wish_only_where_someone_asks(engine: TriageEngine) -> None:
    """A wish is asked for, in some words or a final particle (能装个充电桩不, 放个长椅呗);
    a remark with none (它有许多不一致的地方) is no wish, whatever the model reads."""
    assert not engine.asks("它有许多不一致的地方")
    for text in ("能装个充电桩不", "楼下放个长椅呗", "希望小区多种点花", "孙子缺个书包"):
        assert engine.asks(text), text


@pytest.mark.parametrize(
    "text",
    [
        "有 人 掉井里了",
        "俺 姥姥 心藏病 犯了 药 找不着了",
    ],
)
def test_a_message_typed_word_by_word_reads_as_one_typed_whole(
    engine: TriageEngine, text: str
) -> None:
    """Some elderly residents put a space after every word; the words are still words."""
    assert urgent(engine.triage(text)), text


def test_spaces_between_clauses_stay_and_word_spacing_is_joined() -> None:
    from bot.triage.engine import closed_up

    assert closed_up("俺 家 马桶 堵了 物业 能 来人 不") == "俺家马桶堵了物业能来人不"
    assert closed_up("老头心口疼 脸煞白") == "老头心口疼 脸煞白"
    assert closed_up("3 号楼 电梯 坏了") == "3 号楼电梯坏了"  # a digit is no character
    assert closed_up("call 咗 管理处") == "call 咗 管理处"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("娃掉井里了", "safety"),
        ("娃爬窗台上了😨", "safety"),
        ("孩子挂阳台外面", "safety"),
        ("井盖开着娃在玩", "safety"),
        ("孩子爬变压器上了", "safety"),
        ("老伴胸口疼得厉害", "care"),
        ("老头心口疼 脸煞白", "care"),
        ("奶奶摔床下了", "care"),
        ("奶奶锁阳台上了", "care"),
        ("独居张姨联系不上", "care"),
        ("门口大爷说不清住哪", "care"),
        ("隔壁在打老婆", "safety"),
        ("炉子熏晕人了", "safety"),
        ("楼下有人放火", "safety"),
        ("有人从楼上扔砖头", "safety"),
        ("雨水倒灌进一楼了", "safety"),
        ("俺不想活了 没意思", "safety"),
        ("他要吞药自杀", "safety"),
        ("會所健身室有人暈咗 叫極都唔醒 有冇識急救嘅", "care"),
        ("隔籬阿伯平時日日叫我 今日冇聲 敲門冇反應 得個電視聲 好擔心", "care"),
    ],
)
def test_short_and_cantonese_emergencies(engine: TriageEngine, text: str, category: str) -> None:
    result = engine.triage(text)
    assert urgent(result) and result.findings[0].category == category, result


@pytest.mark.parametrize(
    "text",
    [
        "我要爆炸了💥",
        "这瓜太炸了",
        "救命这也太甜",
        "快乐到晕倒",
        "冒烟是蒸馒头",
        "上班真的不想活了 周一综合征又犯了",
        "热得不想活了 活着没意思哈哈",
        "孩子在阳台上玩呢",
        "娃坐在窗台上看书 可乖了",
        "上回 俺 困 电梯里 半个钟头 还是 小张 来 救 的 好人",
        "他睡得死 怎么叫都不醒 哈哈",
        "去年雨水倒灌进一楼了 后来修好了",
    ],
)
def test_short_figures_and_stories_are_no_emergency(engine: TriageEngine, text: str) -> None:
    assert not urgent(engine.triage(text)), text


def test_a_story_seen_elsewhere_but_said_to_be_here_is_a_report(engine: TriageEngine) -> None:
    """朋友圈 and 视频 tell of somewhere else, unless the writer says it is here."""
    seen_here = "刚看到朋友圈有人拍了个视频，就是咱们小区6号楼一个阳台在冒火！是不是真的"
    assert urgent(engine.triage(seen_here))
    assert urgent(engine.triage("朋友圈看到有人说我们小区10栋楼顶有个人坐在边上，快去看看吧"))
    assert not engine.triage("刚看到朋友圈别的小区着火了 吓人").ticket


@pytest.mark.parametrize(
    "text",
    [
        "邻居讲11栋那个独居的老伯上周搬到女儿家住去了，房子空着，难怪好几天没见他",
        "转发一个：独居老人防跌倒小贴士，卫生间加扶手、地上铺防滑垫、夜里开小夜灯",
    ],
)
def test_an_absence_explained_and_forwarded_tips_are_no_ticket(
    engine: TriageEngine, text: str
) -> None:
    assert not engine.triage(text).ticket


def test_what_asks_someone_to_act(engine: TriageEngine) -> None:
    """A plea to act lets the model open a request at its own line (picked on tune)."""
    for text in ("楼上天天装修 你们给说说", "盖子坏了 换个新的吧", "井盖翻过来了 哪个去弄一下",
                 "水越来越多，麻烦马上找人关"):
        assert engine.pleads(text), text
    for text in ("有没有人知道啥情况", "今天天气真好", "谢谢网格员"):
        assert not engine.pleads(text), text


def test_asking_the_office_how_a_thing_is_done_is_a_plea(engine: TriageEngine) -> None:
    """How, where and with what a thing is done, asked of the office (so in pinyin too),
    counts as a plea; a cry of worry and a neighbour's question do not."""
    for text in ("老年证丢了 上哪补办", "居住证明 开 要带啥", "秤被城管收了，想问怎么拿回来",
                 "伢想在附近上学，要办么子手续", "社保卡唔見咗點補", "停水几点到几点，能确认一下吗",
                 "shequ neng bu neng pai ren lai kan kan"):
        assert engine.pleads(engine.prepare(text)), text
    for text in ("出了事怎么办啊", "你带什么菜来", "这事怎么说呢", "wo men ming tian qu gong yuan"):
        assert not engine.pleads(engine.prepare(text)), text
    assert engine.asks("laoban xiang xue yong shouji, shequ neng bu neng kai ge ke")


@pytest.mark.parametrize(
    "text",
    [
        "我家孙子打那个游戏 那手指头快的 键盘都要冒烟了 喊他吃饭跟听不着似的",
        "吓死宝宝了，刚看恐怖片看到一半，楼上突然掉了个东西，原来是他家孩子的玩具",
        "邻居讲前天夜里那个报警声是8栋有家的烟感器没电了在叫，已经换电池了",
        "邻居说物业昨天把楼道里堆的杂物清掉了，现在走着宽敞多了，希望大家别再堆了",
    ],
)
def test_a_scare_explained_or_a_job_done_is_no_ticket(engine: TriageEngine, text: str) -> None:
    assert not engine.triage(text).ticket


def test_a_plea_has_its_own_line_and_a_communitys_line_still_holds() -> None:
    from bot.triage.engine import rescue_line

    assert rescue_line(0.95, "楼上装修 你们给说说", plea=0.86) == 0.86
    assert rescue_line(0.95, "楼上装修 你们给说说") == 0.95  # no plea: the plain line
    long_story = "楼上装修" * 40
    assert rescue_line(0.95, long_story, long_line=0.97, plea=0.86) == 0.86
    strict = TriageEngine(rescue_line=0.99)  # a community that wants the model sure
    text = "那个垃圾分类那个桶 厨余那个 盖子坏了 一开一股味 夏天都生蛆了 换个新的吧"
    assert strict.pleads(text) and not strict.triage(text).ticket


def test_pinyin_with_tone_numbers_reads_as_pinyin(engine: TriageEngine) -> None:
    """ran2qi4 is ranqi: the numbers went, codes and building numbers stay."""
    from bot.triage.engine import toneless

    assert toneless("ran2qi4 bao4jing3qi4 yi4zhi2 zai4 xiang3") == "ranqi baojingqi yizhi zai xiang"
    assert toneless("3号楼B5单元 A3栋 Win10 iphone15") == "3号楼B5单元 A3栋 Win10 iphone15"
    assert toneless("gen2 ok") == "gen2 ok"  # one number alone is more often a code
    alarm = "ran2qi4 bao4jing3qi4 yi4zhi2 zai4 xiang3, jia li mei2qi4 wei4 hen da, zenme ban"
    result = engine.triage(alarm)
    assert result.ticket and urgent(result), result


def test_latin_shorthand_for_the_lift_and_the_management(engine: TriageEngine) -> None:
    result = engine.triage("5栋的dt坏了")
    assert result.ticket and result.findings[0].category == "building", result


@pytest.mark.parametrize(
    "text",
    [
        "我外婆住17幢1单元 我从前天打她电话一直没人接 我人在外地 能不能麻烦网格员上门看看",
        # written as a request once (a day unanswered was "not yet an emergency"); the blind
        # training messages call it one 80 times to 11
        "我妈电话打不通两天了 麻烦网格员去敲个门看看",
        "求助 我奶奶住铁西老厂区 我们在上海 今天打了二十多个电话没人接 以前从没这样 谁能帮忙去一趟",
        "燃气！！18幢2单元 一进楼道就冲鼻子",
        "楼下烧烤店煤气瓶漏气了 味道飘到二楼 老板说没事 我觉得有事 快来看",
        "马蜂窝 好大一个 在幼儿园旁边那棵树上 已经有小朋友被蛰了",
        "我出门忘了关火了现在在医院回不去锅里炖的肉快烧干了家里就我家老汉在睡觉他耳朵背",
        "幼儿园门口那个井盖翻起来了 马上放学 家长都要经过 赶紧来处理",
        "孙奶奶的孙子说她不接电话 我敲了半天门里面电视开着就是没人应 你们能带人来开一下门吗",
        "刘婆婆昨天到今天没应门",
        "陈伯一日一夜冇人应",
        "隔壁张婆婆屋头从前天起就没得声音了 平时天天早上要放收音机的",
        "楼上独居阿姨门口报纸堆两天",
        "我是5栋罗嬢嬢的侄儿 她电话从前天晚上就打不通 麻烦社区去看一哈",
        "捡到个迷糊老太太 谁家的",
        "我在菜市场门口看到个婆婆 说不清楚自己住哪儿 只晓得是我们小区的",
        "下水道反水 满屋污水",
        "有人家暴 孩子在哭喊",
        "扶手断了 老人摔下去了",
        "小区有个井没盖 娃多",
        "楼道有烟 呛得很",
    ],
)
def test_emergencies_told_by_family_far_away_and_by_their_signs(
    engine: TriageEngine, text: str
) -> None:
    """Family who cannot reach an old parent for a day or as never before, a gas smell
    that stings the nose (鼻子 is no typo of 箅子), an all-clear the writer doubts, a
    stung child, a stove left on with nobody home, a cover flipped up by a school gate."""
    assert urgent(engine.triage(text)), text


@pytest.mark.parametrize(
    "text",
    [
        "我妈电话没人接 估计又去打麻将了",
        "我老汉儿一个人住 我一天到晚都在想 要是哪天他电话打不通我咋个办",
        "楼上独居的周大爷老是忘关煤气灶，锅都烧干过两次，社区能不能给装个报警器",
        "书翻起来挺快的",
        "店员说没事 我觉得挺好",
        "刘婆婆一天到晚不出门 就爱看电视",
        "看了个家暴的新闻 气得我直哭",
        "老人摔下去了怎么办 有没有防摔的小窍门",
    ],
)
def test_their_look_alikes_are_not_emergencies(engine: TriageEngine, text: str) -> None:
    assert not urgent(engine.triage(text)), text


@pytest.mark.parametrize(
    "text",
    [
        "5栋的雨搭子让雪压塌了一半 随时会掉 下面就是单元出口",
        "外墙那块广告布吊着 底下人来人往的",
        "围墙泡得往外倒 人行道上还有人在走",
        "楼道里的液化气罐在呲气 嗞嗞响",
        "燃气公司来看过说没事 现在味儿又来了 比刚才还大",
        "进楼就闻着跟臭鸡蛋似的 越往上越重",
        "有个小孩跟家长走散了 在超市门口哭",
        "一个老奶奶坐在路边 说找不到回家的路了",
        "后山的坡又在垮了 石头滚下来砸到院墙",
        "我老妈一个人住 没接电话已经一天多了 麻烦谁去看看",
        "我姨一个人住 今天一天都打不通",
        "王奶奶一直没回我微信 平时早上都会发语音的",
        "楼上独居的李奶奶今天一天都没下来",
        "送饭去赵大爷家 敲门没人开 电话也打不通",
        "蜈蚣咬了孩子 手肿起来了",
        "排水沟盖板没盖 沟很深 一群小孩在边上踩水",
        "对面楼有个老人站在窗台上 不知道要干嘛 快去看看",
        "自来水管爆了 水冲得跟河一样",
        "我老伴喘不上气 药吃完了 谁家有先借两片",
        "两家人打起来了 老人都被推倒了",
        "家里老人手术后一直发烧 今天开始说胡话了",
        "我是外地的 我爸住3栋 从昨天起电话就打不通",
        "配电箱门开着 线都露在外面 几个小孩正在旁边玩",
        "有个娃在电箱边上摸 箱门敞着",
        "冷氣機架生鏽 下面係入口 就嚟跌",
        "楼上的碎玻璃正往下掉 楼下别走人",
        "给我二舅打了十几个电话都没人接 他一个人住",
        "林婆婆已经一日一夜没出过声",
        "老爷子在楼下滑了一跤 躺那不动弹了",
        "外婆有点认不得人了 刚才自己出门了",
        "楼道里有点烟 还有股胶味",
        "灶台那一直嘶嘶响 关不住",
        "瓦斯外洩！",
        "下水井口敞着 娃娃多",
        "吊灯在滴水 还一闪一闪的",
        "楼上漏得跟下大雨一样",
        "爷爷吃药后一直抽搐",
        "高楼有人喺度掟花盆落街 而家仲喺度掟紧",
    ],
)
def test_emergencies_about_to_fall_or_told_in_other_words(
    engine: TriageEngine, text: str
) -> None:
    """Something about to come down where people pass, whatever the thing; a gas leak
    heard or smelt again; a child or an old person lost; a slope sliding now; family who
    cannot reach an old parent, in more words; a knock and a call both unanswered; an
    emergency in a neighbour's ask; a new sign of a long illness."""
    assert urgent(engine.triage(text)), text


@pytest.mark.parametrize(
    "text",
    [
        "楼下那户的花盆摇摇晃晃的 下面天天有老人晒太阳 怕掉下来砸到人",
        "我爸经常出门找不到回家的路 能不能办个防走失手环",
        "我妈打不通电话两天了 不过她以前也经常不接",
        "谁家有电钻借一下",
        "新闻说外地有个小区的广告牌吊着 下面人来人往",
        "车歪着停在人行道上 下面是盲道",
        "中风后一直卧床 想申请上门护理",
        "配电箱门一直开着 里面线乱七八糟 小孩经常在那玩 建议锁上",
        "我爸中风后一直说话不清楚 想申请上门康复",
        "我爸烟瘾好大 一天两包",
    ],
)
def test_their_fears_habits_and_stories_are_not_emergencies(
    engine: TriageEngine, text: str
) -> None:
    assert not urgent(engine.triage(text)), text


@pytest.mark.parametrize(
    "text",
    [
        "我婆婆有老年痴呆 早上出门一直没回 全家都在找",
        "我爸有阿茨海默 下午一个人出去散步到现在没回 手机也关机了 大家帮忙留意下",
        "我家宝宝刚才在滑梯那玩 一转眼就不见了 谁看到了告诉我",
        "我家崽刚才还在楼下玩 现在找不到了",
        "孤寡的刘奶奶门口的饭盒从昨天起就没动过",
        "独居的陈伯家窗帘两天没拉开了",
        "隔壁王家姆妈从昨天夜里到现在一点动静都没有",
        "楼下阿婆一点声音都没有 平时天天放收音机的",
        "独居的老李 敲门没人开 送的饭还挂在门口",
        "楼道里好像有液化气那股味",
        "这个味道有点酸 又有点像煤气",
        "燃气管被车撞了 嗤嗤往外冒气",
        "停气以后又来气了 我妈灶没关 屋里全是味",
        "我舅早上说胸口闷 现在电话一直没人接",
        "我奶奶说头晕站不住 现在敲门也没人应",
        "外公右边胳膊抬不起来了 说话也不太利索了",
        "老人说话都说不清楚了 家里就她一个",
        "楼下电表箱都泡在水里了",
        "我在外地 手环显示我妈心率很低 可能是误报 但她电话也不接 能不能去6号楼看看",
        "回复@小王：不是误会！楼道里就是煤气那个味 越来越重了",
        "回复张姐：老刘刚才在楼道里昏过去了 快来人",
        "李娭毑屋里两天冒开灯哒 平时天天看电视的",
        "对门独居的老周平时天天听戏 今天一点声音都没有",
    ],
)
def test_emergencies_by_their_signs_and_hedged(engine: TriageEngine, text: str) -> None:
    """An old person unseen by what lies at the door or behind the curtains; someone
    confused who has not come back; a child gone from sight; gas smelt in hedged words
    or after a cut with the stove left on; someone taken ill whom nobody can reach now;
    a hedged all-clear (可能是误报) is none."""
    assert urgent(engine.triage(text)), text


@pytest.mark.parametrize(
    "text",
    [
        "楼下在焊铁栏杆 火花是电焊的 别慌",
        "听说对面新小区有人困电梯里 还是咱这好",
        "要是老人胸口疼 电话又打不通 该找谁",
        "我家狗崽一转眼就不见了 谁看到了说一声",
        "燃气公司说明天停气 大家记得关好阀门",
        "我妈有点头晕 去医院看了说是颈椎 没事了",
        "楼上装修吵得我头晕 去敲门也没人应",
        "怪味我闻了一下不太像是煤气 应该是油漆",
        "我妈记性不好 我打她电话一直没回电话",
        "宝宝们 我家钥匙找不到了 谁捡到了",
        "我崽说他的书包找不到了",
        "楼上老太太平时天天早上五点剁肉 今天一点动静都没有 终于睡了个好觉",
        "回复@王姐：电表箱进水了先别碰，供电所的人在路上了",
        "电梯坏了 我爸膝盖不好 这两天都没下楼 啥时候修好",
    ],
)
def test_explained_elsewhere_or_feared_signs_are_not_emergencies(
    engine: TriageEngine, text: str
) -> None:
    assert not urgent(engine.triage(text)), text


def test_an_answer_in_the_group_is_no_report_unless_it_tells_of_an_emergency(
    engine: TriageEngine,
) -> None:
    """回复@王姐：… is how workers answer (every such message in the training data), but a
    resident answering that way may tell of an emergency, and that is one."""
    for answer in (
        "回复@王姐：老年证在社区二楼服务大厅办，带身份证就行",
        "回复@张姐：低保的事你去二楼找王主任就行 带上户口本",
        "回复@王姐：电梯已经修好了，您再试试",
    ):
        assert not engine.triage(answer).ticket, answer
    assert urgent(engine.triage("回复物业：不是小事！外墙那块水泥还剩一大半悬着 底下天天有人走"))


# ------------------------------------------- the written register of appeals (point 1)
# Appeals to the 12345 hotline and the mayor's mailbox, hotline transcripts and the office's
# own papers (issue 14: under 0.5 recall on the titles of real citizen appeals). The register
# was all but absent from the training messages: 来电人 read as 电人 (an electric shock) made
# every hotline transcript an emergency, and the model vetoed appeals it had never read.
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("来电人反映：其所住楼栋楼道灯不亮已一周，多次报修无果。诉求：尽快维修。", "building"),
        ("来电人称：其所在小区垃圾桶满溢三天无人清运，气味很大。诉求：督促清运。", "sanitation"),
        ("来电人咨询：其父亲八十五岁，想了解高龄津贴的申请条件。", "consult"),
    ],
)
def test_a_hotline_transcript_is_no_electric_shock(
    engine: TriageEngine, text: str, category: str
) -> None:
    """来电人 (the caller) holds 电人; it is a word of its own."""
    result = engine.triage(text)
    assert result.ticket and result.findings[0].category == category
    assert not urgent(result)


@pytest.mark.parametrize(
    "text",
    [
        "恳请在青松小区中心花园增设几把休闲座椅",
        "强烈要求拆除枫林苑7号楼顶违建阳光房",
        "请求社区协调清理翠竹园北门长期停放的僵尸车",
        "要求物业公开小区公共收益的使用情况",
        "关于和顺家园暖气不热的问题",
        "投诉：金桂苑一周停水三次，事先没有通知",
    ],
)
def test_an_appeal_in_the_written_register_is_a_request(engine: TriageEngine, text: str) -> None:
    assert engine.triage(text).ticket


@pytest.mark.parametrize(
    "text",
    [
        "关于开展燃气安全入户检查的通知",
        "关于市民反映“路灯不亮”问题的集中答复",
        "关于春晓小区停车难问题的情况说明：经协调，已新增车位四十个",
        "经核实，来电人反映的楼道堆物问题已由物业清理完毕",
        "我市老旧小区改造项目全面开工",
        "政策解读：低保申请条件有哪些新变化",
        "居住证明开具流程（办事指南）",
        "现将本周入户走访情况汇报如下：共走访独居老人十二户",
    ],
)
def test_the_offices_papers_and_the_citys_news_are_no_report(
    engine: TriageEngine, text: str
) -> None:
    assert not engine.triage(text).ticket


@pytest.mark.parametrize(
    "text",
    [
        "来电人称：小区昨晚起停暖，室外零下十度。诉求：尽快恢复供暖。",
        "希望尽快恢复和平里小区供水，已经停了一天了",
    ],
)
def test_a_repair_asked_for_is_no_repair_done(engine: TriageEngine, text: str) -> None:
    result = engine.triage(text)
    assert result.ticket and result.reason != "resolved"


def test_a_repair_said_done_still_is(engine: TriageEngine) -> None:
    assert engine.triage("昨天停水，物业立即修复了，现在恢复了").reason == "resolved"


def test_a_fire_risk_is_no_fire(engine: TriageEngine) -> None:
    result = engine.triage("反映：3号楼楼顶有人堆放大量木材，存在火灾隐患，望社区核实处理。")
    assert result.ticket and not urgent(result)
    feared = engine.triage("2号楼安全出口被杂物堵死了，一旦遇到火灾没法疏散")
    assert feared.ticket and not urgent(feared)


def test_a_few_owners_are_no_negation(engine: TriageEngine) -> None:
    """个别 holds 别 (don't)."""
    result = engine.triage("锦园小区公共车位被个别业主私装地锁")
    assert result.ticket and result.findings[0].category == "order"


def test_a_broken_system_is_no_paralysed_person(engine: TriageEngine) -> None:
    result = engine.triage("南湖小区门禁系统瘫痪两周，物业一直说等配件")
    assert result.ticket and result.findings[0].category == "building"


@pytest.mark.parametrize(
    "text",
    [
        "恳请各位邻居帮忙转发，寻找走失的小猫",
        "恳请大家帮忙解决一下孩子的数学题",
        "我发了入群请求，麻烦群主处理一下",
        "社区呼吁大家及时清理楼道杂物",
        "有人要求物业公开账目，我觉得没必要",
        "居民“强烈要求”加装电梯，他们是怎么做到的？",
        "紧急！寻找走失的小狗，白色泰迪",
    ],
)
def test_an_ask_to_the_neighbours_or_of_others_is_no_appeal(
    engine: TriageEngine, text: str
) -> None:
    assert not engine.triage(text).ticket


@pytest.mark.parametrize(
    "text",
    [
        "全区停电了，抢修还没完成，家里老人用着制氧机呢",
        "本市发布暴雨红色预警，我们小区地下车库已经进水了",
        "经排查，是楼道电线短路了，现在还在冒烟",
    ],
)
def test_a_report_that_opens_like_a_paper_of_the_office_stays_an_emergency(
    engine: TriageEngine, text: str
) -> None:
    result = engine.triage(text)
    assert result.ticket and urgent(result)


@pytest.mark.parametrize(
    "text",
    [
        "关于停水的通知也没发，今天突然就停水了",
        "看了政策解读还是不懂，我家老人的高龄津贴三个月没发了",
        "经了解，我家楼上一直在漏水，物业说不归他们管",
    ],
)
def test_a_report_that_names_a_paper_is_no_paper(engine: TriageEngine, text: str) -> None:
    assert engine.triage(text).reason != "notice"


@pytest.mark.parametrize(
    "text",
    ["我家屋顶一旦下雨就漏水，物业一直不管", "这个电梯一旦人多就卡住不动，已经好几次了"],
)
def test_whenever_it_rains_it_leaks_is_no_hypothetical(engine: TriageEngine, text: str) -> None:
    assert engine.triage(text).ticket


@pytest.mark.parametrize(
    "text",
    [
        "楼道电线老化好久了，以防万一去看了下竟然冒烟了",
        "楼道里的电线老化了，我要是没看错已经冒烟了",
    ],
)
def test_a_danger_that_came_after_all_is_urgent(engine: TriageEngine, text: str) -> None:
    assert urgent(engine.triage(text))


@pytest.mark.parametrize("text", ["停电了，供电局立刻恢复供电啦", "电梯坏了，物业立即修好啦"])
def test_a_repair_said_done_with_a_particle_is_done(engine: TriageEngine, text: str) -> None:
    assert engine.triage(text).reason == "resolved"


def test_a_lift_added_to_an_old_block_can_still_break(engine: TriageEngine) -> None:
    result = engine.triage("3号楼加装电梯又坏了")
    assert result.ticket and result.findings[0].category == "building"


# ----------------------------- emergencies in the office's register and in others' words (point 4)


@pytest.mark.parametrize(
    "text",
    [
        "来电人反映：其父亲独居，自昨日起电话无人接听，请社区上门查看。",
        "市民来电称其母亲独居在历城区某小区，从前天晚上开始电话就无人接听，家属一时赶不回来。",
        "网格员报：独居老人刘某已有两天未见其出门，屋内无动静。",
        "我是她在上海的外甥女，我姨妈一个人住，前天起微信不回电话不接，麻烦去看看",
        "我爸一个人住，平时每天晚上都会跟我视频，今天到现在视频不接电话也不接",
        "舅舅老伴去世后一直独自居住，平时每天都会打个电话，从前天开始电话一直无人接听",
        "独居老人王某昨天送餐时没人开门，今早再去还是敲门不应",
        "志愿者反映：小区门口有位老人说不出自己家的地址，问她住哪也答不上来",
        "楼道里有个老太太说找不着自己家了，一直在哭",
        "网格员报告：智力残疾人小王今天上午出门至今没回，家里人找了一圈",
        "电梯卡在五楼和六楼之间，内有一名老人",
        "电梯突然不动了，我们家孩子困里头了",
        "配电室门敞着，几个孩子钻进去玩了",
        "有个小孩正翻变压器的围栏去捡球",
        "风把线刮下来了，搭在铁栏杆上",
        "楼上漏水，水顺着灯线往下滴",
        "厨房进水管断了，总阀拧不动，水止不住",
        "地下室热力管道破裂，蒸汽弥漫",
        "楼道灯线头在打火，一闪一闪的",
        "楼下那家烧蜂窝煤，一家人都喊头痛，是不是煤气中毒",
    ],
)
def test_an_emergency_in_the_offices_or_a_relatives_words_is_urgent(
    engine: TriageEngine, text: str
) -> None:
    assert urgent(engine.triage(text))


@pytest.mark.parametrize(
    "text",
    [
        "电梯里的呼叫按钮不好使，万一有人困里头咋办",
        "电梯又坏了，还好没人困里面，麻烦报个修",
        "电梯一到晚上就停，楼里有个透析的老人，能不能晚上别停",
        "我母亲一个人住，这几天我联系不上社区的网格员，想请人上门看看她",
        "刘大爷腿摔了以后一直一个人，能不能有人定期去看看他",
    ],
)
def test_a_lift_or_an_old_person_without_danger_now_is_no_emergency(
    engine: TriageEngine, text: str
) -> None:
    assert not urgent(engine.triage(text))


@pytest.mark.parametrize(
    "text",
    [
        "会议纪要：1.通报上月两起电梯困人事件处置情况；2.安排独居老人走访。",
        "调查结果：3号楼楼道起火系烟头引燃，已及时扑灭，无人员伤亡。",
        "物业回复：您反映的燃气味问题已检测，无泄漏。",
        "【事件复盘】上周燃气泄漏：网格员到场组织撤离，燃气公司更换软管，无人受伤。",
        "社区安全培训：如遇有人触电，应先切断电源。",
        "刚去看了，是垃圾站那边的味，不是燃气，大家别慌。",
        "转发：某小区电梯困人两小时，物业迟迟不到场",
    ],
)
def test_papers_trainings_and_false_alarms_are_no_report(
    engine: TriageEngine, text: str
) -> None:
    assert not engine.triage(text).ticket


def test_an_address_left_unnamed_in_the_offices_record_is_here(engine: TriageEngine) -> None:
    result = engine.triage("来电人反映：历城区某小区3号楼电梯困人，里面有一名老人")
    assert urgent(result) and result.findings[0].category == "building"


def test_family_far_away_is_no_story_from_elsewhere(engine: TriageEngine) -> None:
    result = engine.triage(
        "我现在在深圳，我妈一个人住，家里其他亲戚也不在广州，从昨天开始电话一直没人接"
    )
    assert urgent(result)


@pytest.mark.parametrize(
    "text",
    [
        "我妈说不是煤气，可我闻着就是煤气味，头都晕了，已经打119了",
        "一看是楼下在烧东西，火苗都窜到二楼窗户了，快打119！",
        "物业回复：师傅在路上了。可是电梯里还困着一个老人，都半小时了！",
        "社区答复：会尽快处理。都一个月了，井盖还是没盖上，孩子天天在旁边玩",
        "物业说如遇紧急情况打值班电话，可现在打了没人接，楼道里全是烟！",
    ],
)
def test_a_denial_a_reply_or_an_instruction_quoted_before_an_emergency_keeps_it(
    engine: TriageEngine, text: str
) -> None:
    assert urgent(engine.triage(text))


@pytest.mark.parametrize(
    "text",
    [
        "我妈打电话说老家那边发大水了，村里好多房子都被淹了",
        "配电室的门一直开着，小孩经常钻进去玩，物业管管吧",
        "我这人记性不好，今天又把钥匙锁屋里了，只好一个人出去找开锁师傅",
        "我奶奶有认知障碍，现在我们都不敢让她自己出门",
        "外卖小哥打电话问她地址，她说不清楚，最后我下楼去拿的",
        "今晚窗户外面全是火光，哪家在放烟花啊",
        "浴室里蒸汽弥漫的，镜子都看不清",
        "楼顶边上有只猫来回走，好吓人",
        "孩子钻进被窝里就出不来了，冬天起床太难",
        "我家孩子一玩手机就陷进去了，拉不出来",
        "我儿子每天早上都叫不太醒，天天迟到",
    ],
)
def test_look_alikes_of_the_new_emergencies_are_not_urgent(
    engine: TriageEngine, text: str
) -> None:
    assert not urgent(engine.triage(text))


def test_an_old_person_who_keeps_asking_the_time_and_has_no_contact_is_urgent(
    engine: TriageEngine,
) -> None:
    """反复问 is a sign of danger the model may weigh (``danger``): alone it opens nothing."""
    result = engine.triage(
        "楼长反映：门口有位老太太反复问现在几点、她家在哪，身上什么联系方式都没有"
    )
    assert urgent(result)
    assert not engine.triage("我家孩子反复问我几点了，等着看动画片呢").ticket


# --- ninth session: Cantonese emergencies, and a condition of years beside today's loss


@pytest.mark.parametrize(
    "text",
    [
        # someone gone today: the years of confusion say why it is urgent
        "外婆不见了 她糊涂好几年了 平时不出门的 门开着 穿一双黑布鞋",
        "俺爹老年痴呆好几年了 今儿早上七点多自己开门出去了 到现在没回来 谁看见了赶紧说一声",
        # Cantonese kin, an old mind failing (脑退化, 唔记得嘢) and 未返 (not back)
        "各位街坊唔好意思打擾 我阿爺唔見咗 佢有腦退化 今朝八點出咗門 平時最多去樓下公園坐吓"
        " 但今次到而家都未返 大家如果見到請即刻聯絡我 萬分感謝🙏",
        "我爸最近老忘事，今天早上出去买菜到现在都没回来，电话也没人接",
        # family out of reach since the day before yesterday (打 inside 打不通)
        "我妈自己住 从前天晚上就打不通电话 邻居说没见她出来 求社区帮忙上门看看",
    ],
)
def test_someone_gone_today_is_urgent_whatever_their_condition(
    engine: TriageEngine, text: str
) -> None:
    assert urgent(engine.triage(text))


@pytest.mark.parametrize(
    "text",
    [
        "她中风好几年了一直卧床",
        "我记性不好 忘东忘西的 哈哈",
        "爷爷健忘好几年了 平时我们都陪着",
        "外婆糊涂好几年了，以前走丢过一次，后来我们就不让她一个人出门了",
    ],
)
def test_a_condition_of_years_with_nobody_gone_is_not_urgent(
    engine: TriageEngine, text: str
) -> None:
    assert not urgent(engine.triage(text))


def test_cantonese_shut_in_reads_as_shut_in() -> None:
    """锁咗喺 is 锁在 (锁咗喺房: locked in the room) and 出唔到嚟 is 出不来; a word of danger
    is looked for in the common form too (唔見咗 is 不见了)."""
    from bot.triage.dialect import common_form

    assert common_form("細路將自己鎖咗喺房") == "細路將自己鎖在房"
    assert common_form("困咗喺屋企") == "困了在家"  # boredom stays boredom
    assert common_form("我老豆喺厕所出唔到嚟") == "我老豆在厕所出不来"
    engine = TriageEngine()
    assert engine.danger(engine.prepare("轉個頭阿嫲就唔見咗"))
    assert not engine.danger(engine.prepare("阿嫲今日好開心"))


@pytest.mark.parametrize(
    "text",
    [
        "有人喺高层掟玻璃樽落嚟 头先差啲掟中个小朋友 而家仲掟紧",  # 落嚟: down
        "我阿妈一个人住喺7座 两日打电话都冇人听 我喺深圳返唔到嚟 有冇邻居帮我睇吓🙏",
        "13楼嗰位独居公公 姐姐放假两日返嚟按门钟冇人开 佢冇锁匙 打佢手提又冇人听",
        "後巷嗰罐石油氣嘶嘶聲 好大陣味 就喺餐廳後門",  # 石油气: bottled gas
        "公园有位伯伯好似荡失路 讲嘢唔清唔楚 身上冇电话 天都黑埋 有冇人识佢",
        "细路仔锁咗喺车入面 出唔嚟",
        "我老豆喺厕所出唔到嚟 叫佢冇反应",
    ],
)
def test_cantonese_emergencies_in_their_own_words(engine: TriageEngine, text: str) -> None:
    assert urgent(engine.triage(text))


@pytest.mark.parametrize(
    "text",
    [
        "五一两日游报名啦 名额有限", "我住高层 扔垃圾要下楼好麻烦", "阿妈今日煲咗靓汤 好正",
        # found by review: a phone switched off for the night, a birthday's date, stuck
        # indoors or in a mall out of boredom or rain, a past wandering, a lost hearing
        # aid, a busy person's memory, tofu
        "我妈这两天老关机，是不是手机坏了",
        "外婆这几天晚上九点就关机睡觉了",
        "我妈12月十五日生日 打电话给她没人接 估计在打麻将",
        "今日成日困咗喺屋企 好闷",
        "琴日困咗喺机场六个钟",
        "落大雨 我哋困咗喺商场 行唔到",
        "外婆痴呆好几年了 以前走丢了两次 现在我们都不敢让她出门",
        "奶奶老年痴呆好几年了 她的助听器找不到了 谁捡到了告诉我",
        "我这人忘东忘西的，手机关机了都不知道",
        "最近太忙了老忘事，快递单号不见了，谁能帮我查下",
        "买的老豆腐和青菜放冰箱两天没动 还能吃吗",
    ],
)
def test_their_look_alikes_are_not(engine: TriageEngine, text: str) -> None:
    assert not urgent(engine.triage(text))
