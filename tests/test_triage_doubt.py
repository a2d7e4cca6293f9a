"""What the engine offers the handlers beyond a verdict: its doubts (issue 14, point 6) and
its words (FAQ keywords matched as words)."""

from __future__ import annotations

import dataclasses

import pytest

from bot.triage import TriageEngine
from bot.triage.engine import (
    ALARM_RESCUE,
    CRY_FLOOR,
    LONG_MESSAGE,
    LONG_RESCUE,
    OUTWEIGH_LENGTH,
    OUTWEIGHED,
    cries_out,
    made_urgent,
    outweighs,
    overrules,
    persists,
    rescue_line,
    vetoed,
)
from bot.triage.model import Finding


@pytest.fixture(scope="module")
def engine() -> TriageEngine:
    return TriageEngine(buildings=["1号楼"])


# Messages the model believes in, but not surely (its probability lies well inside
# 0.5-1 whatever the training run): which side of the line they fall is the line's.
BELIEVED = ["小花园的灯晚上黑着", "绿化带里有只死猫", "花坛边的石板翘起来一块"]


@pytest.mark.parametrize("text", BELIEVED)
def test_a_likely_request_below_the_rescue_line_is_a_doubt(text: str) -> None:
    engine = TriageEngine(buildings=["1号楼"], rescue_line=1.0)  # the model never opens one
    assert not engine.triage(text).ticket
    doubt = engine.doubt(text)
    assert doubt is not None and not doubt.urgent and doubt.rule == "doubt"


@pytest.mark.parametrize("text", BELIEVED)
def test_a_likely_request_above_the_rescue_line_is_a_ticket(text: str) -> None:
    """The rules find no report in these (黑着 is no fault they list, 死猫 a thing with no
    fault, 翘起来 a fault of no thing they know): the model opens these
    itself when a community sets its line low ([triage] rescue_line)."""
    engine = TriageEngine(buildings=["1号楼"], rescue_line=0.55)
    result = engine.triage(text)
    assert result.ticket and result.findings[0].rule == "model"
    assert engine.doubt(text) is None


@pytest.mark.parametrize(
    "text",
    ["今天天气不错", "大家早上好", "周末去哪玩好", "今天菜价又涨了", "3号楼井盖坏了",
     "谢谢网格员", "3号楼井盖没坏", ""],
)
def test_chatter_tickets_and_refusals_are_no_doubt(engine: TriageEngine, text: str) -> None:
    assert engine.doubt(text) is None


def test_words_are_the_segmenters_words(engine: TriageEngine) -> None:
    assert "上班" in engine.words("请问社区几点上班")
    assert "上班" not in engine.words("我是上班族")


@pytest.mark.parametrize(
    "text",
    ["今天老板又坑我，加班到十点", "这个群太吵了，我先屏蔽了", "我妈说电梯里的广告太吵了，哈哈"],
)
def test_a_rules_finding_the_model_disbelieves_is_vetoed_and_only_asked_about(
    text: str,
) -> None:
    """The rules see 坑/吵 and a thing; nothing else in the message reads like a report.
    No ticket; with an @ the person is asked, with the rules' own finding."""
    assert TriageEngine(model=None).triage(text).ticket
    engine = TriageEngine()
    result = engine.triage(text)
    assert not result.ticket and result.reason == "unsure"
    doubt = engine.doubt(text)
    assert doubt is not None and doubt.rule == "doubt"


@pytest.mark.parametrize("text", ["救命！", "煤气味好大"])
def test_an_urgent_message_is_not_vetoed(engine: TriageEngine, text: str) -> None:
    """An emergency needs far less belief to stand, and one in a few characters none."""
    result = engine.triage(text)
    assert result.ticket and result.findings[0].urgent


@pytest.mark.parametrize("text", ["停电了", "楼道灯坏了", "井盖没了"])
def test_a_short_report_stands(engine: TriageEngine, text: str) -> None:
    assert engine.triage(text).ticket


@pytest.mark.parametrize("text", ["麻将三缺一", "防水补漏找老王"])
def test_a_few_characters_are_vetoed_only_when_the_model_is_all_but_sure(text: str) -> None:
    """The rules read 麻将 (a noise complaint's thing) and 缺 (a shortage): a few characters
    give the model little to judge by, but it has read enough card games to be sure."""
    assert TriageEngine(model=None).triage(text).ticket
    assert TriageEngine().triage(text).reason == "unsure"


def test_the_urgent_head_alone_opens_an_emergency_only_when_sure_and_about_something_here(
) -> None:
    """502俩天没动静: the rules see nothing, the urgent head is sure. Where the report head
    is unsure, the urgent head opens it alone, urgent; not below the picked line, nor when
    the report head all but rules out a report (a film, a saying), nor with no line picked
    (the shipped model's report head has learnt the message, so either way it opens)."""
    th = {"rescue_urgent": 0.95}
    assert cries_out(th, 0.5, 0.96)
    assert not cries_out(th, 0.5, 0.94)
    assert not cries_out(th, CRY_FLOOR - 0.01, 0.99)
    assert not cries_out({}, 0.99, 0.99)
    result = TriageEngine().triage("502俩天没动静")
    assert TriageEngine(model=None).triage("502俩天没动静").reason == "chatter"
    assert result.ticket and result.findings[0].urgent
    assert result.findings[0].evidence[0].startswith("model")


def test_the_short_line_holds_for_a_few_characters_only() -> None:
    finding = Finding(
        category="utility", urgent=False, location=None, evidence=("停电",), rule="problem",
        text="",
    )
    urgent = dataclasses.replace(finding, urgent=True)
    th = {"veto": 0.3, "veto_short": 0.05, "veto_urgent": 0.1}
    assert vetoed(th, 0.04, "停电", (finding,))
    assert not vetoed(th, 0.06, "停电", (finding,))  # short: 0.06 is belief enough
    assert vetoed(th, 0.06, "今天下午三点停电", (finding,))  # eight characters: the plain line
    assert not vetoed(th, 0.0, "停电", (urgent,))  # a short emergency: never
    assert not vetoed({"veto": 0.3}, 0.0, "停电", (finding,))  # no short line: never


def test_a_long_message_needs_a_surer_model_unless_it_reads_as_an_emergency() -> None:
    """A long message the rules call chatter is mostly a story or a forwarded joke, so the
    model must be surer to open it; not when a word of danger and the model's urgent head
    agree (a grandchild's long plea about a grandmother who cannot get up)."""
    short, long = "奶" * LONG_MESSAGE, "奶" * (LONG_MESSAGE + 1)
    assert rescue_line(0.9, short) == rescue_line(0.9, short, urgent=True) == 0.9
    assert rescue_line(0.9, long) == LONG_RESCUE > 0.9
    assert rescue_line(0.9, long, urgent=True) == 0.9
    # one that reads as an emergency opens from the alarm line, long or short
    assert rescue_line(0.97, long, urgent=True, alarming=True) == ALARM_RESCUE < 0.97
    assert rescue_line(ALARM_RESCUE - 0.1, short, urgent=True, alarming=True) == ALARM_RESCUE - 0.1


@pytest.mark.parametrize(
    "text",
    [
        "电梯上周刚修好，今天又坏了",
        "谢谢大家关心，我家还是没电，其他家都来了",
        "物业说修好了，结果暖气还是不热",
    ],
)
def test_a_problem_back_or_still_there_is_never_vetoed(engine: TriageEngine, text: str) -> None:
    """The model learns from many past stories (上周刚修好…) and may disbelieve these;
    a problem said to be back or still there is now, whatever surrounds it."""
    assert engine.triage(text).ticket


def test_again_counts_wherever_the_problem_is_said_the_first_time_too() -> None:
    """停电 opens the message and is said again after 又: the second mention counts (the
    search used to stop at a word found at the very start)."""
    outage = Finding(
        category="utility", urgent=False, location=None, evidence=("停电",), rule="problem",
        text="",
    )
    assert persists("停电停了一上午，下午又停电了", (outage,))
    assert not persists("停电停了一上午，下午来电了", (outage,))
    verb = dataclasses.replace(outage, evidence=("坑",), rule="pred")
    assert not persists("今天老板又坑我", (verb,))  # a lone fault word may be a verb


def test_a_complaint_lodged_in_so_many_words_is_never_vetoed() -> None:
    """我要投诉 is a request to the community by what it says; however little the rest
    reads like a report to the model, the veto does not apply."""
    finding = Finding(
        category="other", urgent=False, location=None, evidence=("态度太差",), rule="pred",
        text="",
    )
    thresholds = {"veto": 0.5}
    assert vetoed(thresholds, 0.1, "物业的保安态度太差了，天天这样", (finding,))
    assert not vetoed(thresholds, 0.1, "我要投诉，物业的保安态度太差了", (finding,))
    assert not vetoed(thresholds, 0.1, "保安态度太差了，我想举报他", (finding,))


def test_a_finding_in_a_long_message_may_need_more_belief() -> None:
    """Stories and forwarded pieces name fires and falls in passing: a finding in a message
    over LONG_MESSAGE characters stands only at the long veto line (picked on tune), an
    urgent one still at its own far lower line."""
    plain = Finding(
        category="building", urgent=False, location=None, evidence=("电梯", "坏了"),
        rule="object+fault", text="",
    )
    urgent = dataclasses.replace(plain, urgent=True)
    th = {"veto": 0.3, "veto_long": 0.6, "veto_urgent": 0.03}
    short, long = "电梯坏了" * 3, "电梯坏了" * (LONG_MESSAGE // 4 + 1)
    assert not vetoed(th, 0.5, short, (plain,))
    assert vetoed(th, 0.5, long, (plain,))
    assert not vetoed(th, 0.5, long, (urgent,))
    assert not vetoed({"veto": 0.3}, 0.5, long, (plain,))  # no long line: the plain one


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("咋个又停气了嘛，饭都煮不成，社区晓得好久恢复不", None),  # asked, south-western
        ("暖气不热，啥时候能修好啊", None),  # asked when
        ("暖气师傅来修过了，热了两天又凉了，麻烦再派人看看", None),  # back after the fix
        ("3号楼电梯坏了两天，今天修好了", "resolved"),
        ("暖气修好了，还是要谢谢社区", "resolved"),
    ],
)
def test_a_repair_word_asked_about_or_taken_back_reports_no_fix(
    text: str, reason: str | None
) -> None:
    """A word of repair reports a fix only when it is said as one: not asked about
    (恢复不, 啥时候修好) nor taken back in the same breath (修过了…又凉了)."""
    result = TriageEngine(model=None).triage(text)
    if reason is None:
        assert result.ticket, result
    else:
        assert not result.ticket and result.reason == reason


def test_an_emergency_told_by_its_signs_is_urgent_without_a_word_of_danger() -> None:
    """Milk left at the door for days and a phone switched off name no danger, yet the
    model's urgent head is all but certain; it makes a ticket urgent then, and only then
    without a word of danger."""
    thresholds = {"urgent_boost": 0.8}
    assert made_urgent(thresholds, 0.85, danger=True)
    assert not made_urgent(thresholds, 0.95, danger=False)
    assert made_urgent(thresholds, 0.99, danger=False)
    result = TriageEngine().triage("6号楼独居的刘爷爷门口的牛奶放了三天没拿，电话也关机了")
    assert result.ticket and result.findings[0].urgent


def test_small_talk_with_words_of_danger_stays_chatter() -> None:
    """The alarm line opens emergencies the model is less sure are reports; a figure of
    speech or a worry is still no report at all."""
    engine = TriageEngine()
    for text in (
        "热死了今天，空调都不管用",
        "吓死我了，刚才做梦着火了",
        "万一着火了怎么办，想想都怕",
    ):
        assert not engine.triage(text).ticket, text


def test_long_messages_have_their_own_line_and_a_communitys_line_holds_for_them() -> None:
    """The line for a message over LONG_MESSAGE characters is picked on tune like the
    plain one (the shipped model's may be lower: a long report the dictionary's pairs
    missed says more to the model than a short one); a community that sets its own
    stricter line gets it for long messages too."""
    long = "奶" * (LONG_MESSAGE + 1)
    assert rescue_line(0.97, long, long_line=0.85) == 0.85
    assert rescue_line(0.97, long, urgent=True, long_line=0.99) == 0.97
    shipped = TriageEngine().model
    assert shipped is not None and 0.8 <= shipped.thresholds["rescue_long"] <= 0.99
    text = (
        "五号楼西边那个晾衣服的铁架子，底下焊的地方锈开了，一碰就晃，好几家的被子都晾在上面，"
        "我怕哪天连被子带架子一起倒了，谁能给反映反映"
    )
    assert len(text) > LONG_MESSAGE and not TriageEngine(model=None).triage(text).ticket
    assert TriageEngine().triage(text).ticket  # the model's rescue
    assert not TriageEngine(rescue_line=1.0).triage(text).ticket


def test_an_emergency_in_plain_sight_outweighs_a_reason_the_rules_give() -> None:
    """A neighbour's worried 会不会煤气中毒了 over a door nobody opens is no hypothetical;
    the model, all but certain of an emergency, opens it urgent. A real hypothetical (万一
    着火) stays one, and so does anything the model is less sure of."""
    text = (
        "喂网格员我跟你说隔壁那个一个人住的老孙头烧煤炉子今天一上午都没开门"
        "窗户上全是水汽喊他也不答应会不会煤气中毒了"
    )
    assert TriageEngine(model=None).triage(text).reason == "negated"
    result = TriageEngine().triage(text)
    assert result.ticket and result.findings[0].urgent
    # all but certain of an emergency, or of a report with a word of danger in it
    assert result.findings[0].evidence[0] in ("model:emergency", "model:overruled")
    worry = TriageEngine().triage("万一楼上着火了我们家老人腿脚不好怎么跑啊，想想都害怕")
    assert not worry.ticket and worry.reason == "hypothetical"
    assert overrules("hypothetical", 0.95, 0.99)
    assert not overrules("hypothetical", 0.95, 0.9)  # not sure it is urgent
    assert not overrules("notice", 0.99, 0.99)  # a notice is never overruled


@pytest.mark.parametrize(
    "text",
    [
        # 能不能 read as a negation
        "单元门口的台阶结了厚厚一层冰，早上好几个老人差点摔了，物业能不能来铲一下",
        # 出租 read as an advert
        "楼上卫生间漏水漏到我家厨房顶上了，楼上是出租的，房东一直联系不上，社区能帮忙联系吗",
        # 归谁管 read as a hypothetical
        "2号楼门口的消防栓被车撞歪了，一直在滴水，这个归谁管啊",
    ],
)
def test_a_report_the_model_is_all_but_certain_of_outweighs_a_rules_reason(text: str) -> None:
    rules = TriageEngine(model=None).triage(text)
    assert not rules.ticket and rules.reason in OUTWEIGHED
    result = TriageEngine().triage(text)
    assert result.ticket and result.findings[0].evidence[0] == "model:overruled"


def test_a_short_message_keeps_the_rules_reason_however_sure_the_model_is() -> None:
    text = "我们这栋没有停电，灯都亮着"
    assert len(text) < OUTWEIGH_LENGTH
    result = TriageEngine().triage(text)
    assert not result.ticket and result.reason == "negated"
    th = {"overrule": 0.98}
    assert outweighs(th, "negated", 0.99, "x" * OUTWEIGH_LENGTH)
    assert not outweighs(th, "negated", 0.99, "x" * (OUTWEIGH_LENGTH - 1))
    assert not outweighs(th, "negated", 0.97, "x" * OUTWEIGH_LENGTH)  # not sure enough
    assert not outweighs(th, "staff", 0.999, "x" * 40)  # whose words they are stays the rules'
    assert not outweighs({}, "negated", 0.999, "x" * 40)  # a model without the line: never
