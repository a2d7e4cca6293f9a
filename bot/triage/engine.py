"""The triage engine: one message in, the problems it reports (if any) out.

Most group messages are chatter, so the engine first runs one compiled scan for any word
that could start a finding and answers "chatter" without segmenting when there is none.
Only candidate messages are segmented, by jieba's algorithm on the small domain
dictionary (bot/triage/segment.py): segmentation is what keeps 火锅 from being a fire and
药店 from being a medicine need, and 1 500 domain words instead of jieba's 350 000 keep
cold start far below a second.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import operator
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.messaging import diskcache
from bot.messaging.privacy import MASKS
from bot.messaging.quickimport import import_without_pkg_resources
from bot.messaging.textnorm import normalise
from bot.triage import regexes
from bot.triage.dialect import common_form, has_regional
from bot.triage.learned import (
    LinearModel,
    Reading,
    pinyin_table,
    shipped_model,
    syllables_of,
)
from bot.triage.lexicon import (
    DEFAULT_FREQ,
    Term,
    build_terms,
    domain_dict_path,
)
from bot.triage.locations import LocationFinder, Mention
from bot.triage.model import PREAMBLE, Finding, Location, TriageResult
from bot.triage.patterns import (
    APPEAL_OFFICE,
    NEIGHBOURS,
    NOT_SOMEONE_ELSES,
    REQUEST_CUES,
    WALKED_OFF,
    Patterns,
)
from bot.triage.pinyin import PinyinReader, has_pinyin
from bot.triage.segment import Segmenter
from bot.triage.wordset import WordSet, pairs_of

if TYPE_CHECKING:
    import jieba

    from bot.config import Config

# A message is judged on its first WINDOW characters, as a person reading it would; the
# rest cannot change what it reports, and a cap keeps one pasted novel from holding up
# every other chat. Everything after the cut is linear in the window's length anyway.
WINDOW = 3000
# How much of a long sentence before a problem word the hypothetical/plan checks read.
CONTEXT = 120
# Reasons the rules give for "no ticket" that the learned model may overrule: the rules
# found no request but did not find a reason against one (negation, a fix, a notice...).
# A preamble (我想反映个情况) is not among them: what it announces comes next.
RESCUABLE = frozenset({"chatter", "thanks", "elsewhere", "staff"})
# A message shorter than this (救命！, 停电了) gives the model little to judge by: it may
# veto a rules finding in one only when all but sure (``veto_short``).
VETO_LENGTH = 8
# A message longer than this has its own rescue line (``rescue_long``, picked on tune;
# this one for a model file that has none).
LONG_MESSAGE = 40
LONG_RESCUE = 0.98


# Said just before a finding's words, the problem is back or still there (今天又坏了,
# 暖气还是不热, 又停电了): whatever story surrounds it, it is now.
_AGAIN_WORDS = ("又", "还是", "仍然", "依然", "依旧")
# Findings that name a problem outright (停电, 电梯+坏了); a lone fault word may be a verb
# (老板又坑我) and gets no such protection.
_PERSISTING_RULES = frozenset({"problem", "object+fault"})
_AGAIN = regexes.compile(rf"(?:{'|'.join(_AGAIN_WORDS)}|还)[^，,。！？!?\s]{{0,2}}$")
# The thing itself back after it was named (马蜂去年蛰过人 今年又来了), or like this since
# (井盖坏了，昨天就这样了)
_BACK = regexes.compile(
    r"又(?:来了|回来了|出现了|冒出来了|飞回来了|长出来了)(?![吗吧呢?？])|"
    r"(?:昨天|前天|昨晚|早上|上午|中午|下午|晚上|上周|几天前|好几天|两天|三天)(?:就|都)?(?:是)?"
    r"这样了(?![吗吧呢?？])|还是这样(?![吗吧呢?？])"
)


def toneless(norm: str) -> str:
    """Pinyin typed with tone numbers (ran2qi4 bao4jing3qi4 yi4zhi2 zai4 xiang3) as plain
    pinyin, as ``normalise`` drops tone marks: the numbers split every syllable from the
    next, so nothing read it as pinyin (a gas alarm sounding was read as thanks). Only in
    a message with two such numbers or more; one is more often a code (gen2)."""
    plain, numbers = _TONE_DIGIT.subn("", norm)
    return plain if numbers >= 2 else norm


def closed_up(norm: str) -> str:
    """A message typed word by word (俺 家 马桶 堵了 物业 能 来人 不, 有 人 掉井里了), as
    some elderly residents type and some voice input writes, with its words joined up: a
    space after every word parts the dictionary's words and the model's character pairs
    (掉井, 马桶堵), and such messages were read as chatter. Only where the pieces between
    spaces are a word or two long; spaces between longer pieces part clauses and stay.
    On the labelled messages: 15 answered better, 2 worse (stories told as such anyway)."""
    if " " not in norm:
        return norm
    pieces = _WORD_GAP.split(norm)
    if len(pieces) < 3 or sum(map(len, pieces)) > _WORD_PIECE * len(pieces):
        return norm
    return "".join(pieces)


def persists(norm: str, findings: Iterable[Finding]) -> bool:
    """Whether a finding's problem is said to be back or still there (又坏了, 今年又来了),
    which the model (trained on many past stories: 上周刚修好…) may not veto as a thing
    of the past."""
    for finding in findings:
        at = norm.find(finding.evidence[0]) if finding.evidence else -1
        if at >= 0 and _BACK.search(norm, at):
            return True
        if finding.rule not in _PERSISTING_RULES:
            continue
        for word in finding.evidence:
            if word.startswith(_AGAIN_WORDS):  # the dictionary's own 又坏了
                return True
            at = norm.find(word)
            while at >= 0:  # every place the word is said, the first one too
                if at and _AGAIN.search(norm, max(0, at - 4), at):
                    return True
                at = norm.find(word, at + 1)
    return False


_CLAUSE_BREAK = regexes.compile(r"[，,。！？!?；;、：:…\s]")
# What opens a danger feared (万一着火, 一旦遇到火灾, 这要是着了), and what says it came
# after all (我要是没看错已经冒烟了) or only guards against it (以防万一去看了下).
_FEARED = regexes.compile(r"(?<!以防)(?:万一|一旦|要是|如果|假如|假使|哪天)")
_CAME = regexes.compile(r"已经|竟然|真的|没看错|了")
# What an appeal (patterns.appeal) asks for when it asks for something new: a wish.
_NEW_THINGS = frozenset(
    {"增设", "设置", "放置", "安装", "加装", "增加", "添置", "配备", "建设", "修建", "开设", "设立",
     "新建", "配置"}
)
# What the rules read of a thing that an appeal cannot make a request again.
_APPEAL_SETTLED = frozenset({"resolved", "past", "given", "notice", "figurative"})


# 我要投诉 / 我要举报: someone lodges a complaint with the community in so many words; the
# model, which has read many grumbles in passing, may not talk them out of it. So does an
# appeal in the written register of the hotline and the mayor's mailbox (投诉：…, 恳请…,
# 诉求：…, 请相关部门…, …亟待解决, …何时整改), which the model had all but never read
# (not one training message so worded) and vetoed: 投诉：东湖春天小区一周停电四次.
_COMPLAINS = regexes.compile(
    r"我(?:要|想|得)(?:投诉|举报)|^【?(?:投诉|举报)(?:】|[:：])?(?!有用|没用|有啥用)|诉求[:：]|"
    rf"^\W{{0,2}}(?:恳请|强烈要求|请求)(?!{NEIGHBOURS})|"
    rf"{NOT_SOMEONE_ELSES}(?:恳请|强烈要求|请求|要求){APPEAL_OFFICE}|"
    r"请(?:相关|有关)部门|予以(?:解决|处理|查处|整改|协调|核实|取缔|拆除|清理)|"
    r"亟(?:待|需)解决|何时(?:解决|整改|拆除|取缔|规范|修复|恢复|处理|清理|维修)|"
    # an appeal's title: 关于华润凯旋门小区暖气不热的问题
    r"^\W{0,2}关于[^。！？!?，,]{2,40}的问题\W{0,2}$"
)


# A life at stake in so many words: a blade to a wrist, poison or pills in hand, a knife
# raised, a hostage, no breath. The model has read few such messages, and its veto of an
# emergency the rules read in them silenced real ones (刀片在划自己手腕, 手里拿着一瓶农药,
# 打架 一个拿刀了); of 420 urgent findings it vetoed in the labelled non-tickets, one held
# any of these words (叫不醒 over a snoring drunk, which is not among them).
_GRAVE = regexes.compile(
    r"割腕|划(?:自己|手腕)|不想活|想死(?![你您他她我们了啦])|要自杀|寻死|轻生|上吊|安眠药|农药|敌敌畏|"
    r"百草枯|老鼠药|遗书|(?:拿|举|拎|提|抄)(?:着|起|了)?(?:把|根|个)?(?:刀|菜刀|砍刀|斧头|斧子)|"
    r"捅(?:了|伤|死)|挟持|劫持|不喘气|没了?呼吸|口吐白沫|抽搐|"
    # a head bleeding (娭毑跌了一跤脑壳出血了), blood everywhere
    r"(?:头|脑袋|脑壳|额头|后脑勺?)[^。！？!?，,]{0,4}(?:出血|流血|冒血|淌血)|血流不止|满(?:脸|头)(?:都)?是血|"
    # something stuck in the throat (吃汤圆卡到了 出不得气, 食饭哽亲)
    r"卡(?:到|住|着)了?[^。！？!?]{0,6}(?:咳不出|吐不出|喘不|出不(?:得|了|来)?气|说不出)|哽亲|"
    # a child shut in a car (娃锁车里了 钥匙也在车里 太阳正晒着)
    r"(?:娃|孩子|小孩|宝宝|婴儿)[^。！？!?，,]{0,3}(?:被)?(?:锁|关|反锁)(?:在)?车里|"
    # someone gone from sight a moment ago (刚才还在楼下玩 一转眼就不见了)
    r"一转眼(?:就|的功夫|功夫)?(?:不见了|没了|找不到了)|"
    # an emergency the writer heads as one (紧急！…, 紧急求助：…): 8 of the 8 training
    # messages so headed are emergencies
    r"^\W{0,2}(?:紧急求助|紧急情况|紧急[:：！!])(?![^。！？!?]{0,6}(?:寻|找|转发|扩散|通知|提醒))|"
    # a mind failing and its owner gone (阿爷唔见咗 佢有脑退化, 有认知障碍…不见了)
    rf"(?:(?<![以之]前)(?<!防)不见了|{WALKED_OFF})[^。！？!?]{{0,20}}(?:痴呆|认知障碍|脑退化|失智)|"
    r"(?:痴呆|认知障碍|脑退化|失智)[^。！？!?]{0,30}(?<![以之]前)(?<!防)"
    r"(?:不见了|走丢了(?![一两几]?[次回])|走失了(?![一两几]?[次回])|没回来|未返)"
)


def _found(pattern: re.Pattern[str] | regexes.Scan, text: str) -> bool:
    """Whether ``pattern`` is in ``text`` or in its regional words read as the common
    ones (唔見咗 is 不见了): the rules read them so, the model, which reads them as
    written, knows few of them."""
    return pattern.search(text) is not None or (
        has_regional(text) and pattern.search(common_form(text)) is not None
    )


def _grave(norm: str) -> bool:
    """A life at stake in so many words (``_GRAVE``), in any region's words."""
    return _found(_GRAVE, norm)


def vetoed(
    th: Mapping[str, float], ticket_p: float, norm: str, findings: tuple[Finding, ...]
) -> bool:
    """Whether the model disbelieves the rules' findings enough to withhold the ticket
    (救命 over a lipstick, a story about another town). An urgent finding needs far less
    belief to stand, one in a long message (``veto_long``) may need more, one in a few
    characters far less (``veto_short``: 麻将三缺一 is no shortage, but 停电了 gives the
    model little to judge by). An urgent finding in a few characters or with a life at
    stake in so many words (``_GRAVE``), a problem back or still there, or a complaint
    lodged in so many words (我要投诉) is never vetoed.
    The engine and the training replay (train.combine) both decide by this."""
    urgent = any(f.urgent for f in findings)
    short = len(norm) < VETO_LENGTH
    if urgent:
        if short or _grave(norm):
            return False
        line = th.get("veto_urgent", 0.0)
    elif short:
        line = th.get("veto_short", 0.0)
    elif len(norm) > LONG_MESSAGE:  # a story or a forwarded piece names problems in passing
        line = th.get("veto_long", th.get("veto", 0.0))
    else:
        line = th.get("veto", 0.0)
    return ticket_p < line and not persists(norm, findings) and not _COMPLAINS.search(norm)


# A message that reads as an emergency, a word of danger and the model's urgent head as
# sure as it must be to make a rules ticket urgent, is opened from this line even where
# the rescue line is higher: a missed emergency costs more than a false alarm. On the
# tune split (17,074 messages, 2026-12-01 night) lines from 0.85 down to 0.55 opened 5
# more emergencies (燃气表那里嘶嘶响 能闻到味, at 0.80) and not one false alarm.
ALARM_RESCUE = 0.6
# The urgent head this sure makes a ticket urgent with no word of danger in it: an
# emergency told by its signs (牛奶放了三天没拿, 躺着不动, 梅气味) rather than named. The
# training script picks the line (``urgent_sure``) on tune; this is the line where a model
# file has none, and the one at which the model opens an emergency against a rules reason.
URGENT_SURE = 0.98


def rescue_line(
    rescue: float,
    norm: str,
    urgent: bool = False,
    alarming: bool = False,
    long_line: float = LONG_RESCUE,
    plea: float = 1.01,
) -> float:
    """How sure the model must be to open a ticket the rules did not. A message over
    LONG_MESSAGE characters has its own line, picked on tune like the plain one (its
    words are spread over many things: a story, a forwarded joke, or a long report the
    dictionary's pairs missed), never above the plain line when it reads as urgent (a word
    of danger and the model's urgent head agree). One that reads as an emergency
    (``alarming``: the urgent head surer still) needs less, and so may one that asks
    someone to act (``plea``: that message's own line, picked on tune)."""
    if alarming:
        return min(rescue, ALARM_RESCUE, plea)
    if len(norm) <= LONG_MESSAGE:
        return min(rescue, plea)
    return min(rescue, long_line, plea) if urgent else min(long_line, plea)


# Reasons the rules give against a report that an emergency in plain sight outweighs: a
# worried 会不会煤气中毒了 over a neighbour who does not answer, 门也锁着 read as a negation, 我
# 已经关了总阀 read as a fix. Not a notice, a reply or a follow-up of a ticket.
OVERRULED_BY_EMERGENCY = frozenset({"hypothetical", "negated", "resolved", "past"})
# How sure the model must be that such a message is a report (and URGENT_SURE that it is
# urgent) to open it against the rules' reason.
EMERGENCY_TICKET = 0.9


def overrules(reason: str, ticket_p: float, urgent_p: float) -> bool:
    """Whether the model, all but certain of an emergency, opens a message the rules gave
    a reason against. On every labelled split no message this sure of was anything but
    an urgent report. The engine and the training replay (train.combine) both decide by
    this."""
    return (
        reason in OVERRULED_BY_EMERGENCY
        and urgent_p >= URGENT_SURE
        and ticket_p >= EMERGENCY_TICKET
    )


# Reasons the rules give against a report that the model may outweigh when it is all but
# certain (``outweighs``): 能不能铲一下 read as a negation, 万一 inside a plea to act now,
# 出租 in a complaint about a landlord read as an advert. Not a reply, a follow-up of a
# ticket, thanks or a story from elsewhere: those are about whose words they are.
OUTWEIGHED = frozenset({"hypothetical", "negated", "resolved", "past", "notice", "ad"})
OVERRULABLE = OVERRULED_BY_EMERGENCY | OUTWEIGHED
# The office's own papers and the city's news (会议纪要：…, 调查结果：…楼道起火，…已扑灭,
# 关于…的通知): their words are of dangers and repairs, told or done, and no model reading
# of them outweighs their heading, so this reason is final.
PAPER = "paper"
# Shorter than this, the rules' reason stands however sure the model is: in 我们单元没有停水
# the negation is the whole message, and a few characters give the model little to go on.
OUTWEIGH_LENGTH = 20


def outweighs(th: Mapping[str, float], reason: str, ticket_p: float, norm: str) -> bool:
    """Whether the model is sure enough of a report to open it against the rules' reason
    (the ``overrule`` line, picked on tune; absent, never). The engine and the training
    replay (train.combine) both decide by this."""
    return (
        reason in OUTWEIGHED
        and len(norm) >= OUTWEIGH_LENGTH
        and ticket_p >= th.get("overrule", 1.01)
    )


def rescue_urgency(
    th: Mapping[str, float], urgent_p: float, danger: bool, feared: bool = False
) -> tuple[bool, bool]:
    """Of a message the model would rescue: whether it is urgent (a word of danger and the
    urgent head agree, or the head is all but certain) and whether it reads as an
    emergency (``rescue_line``'s ``alarming``); never when the writer only fears the
    danger (``TriageEngine.feared``). The engine and the training replay (train.combine)
    both decide by this."""
    if feared:
        return False, False
    urgent = (danger and urgent_p >= th["urgent"]) or urgent_p >= sure_line(th)
    return urgent, danger and urgent_p >= th["urgent_boost"]


def made_urgent(
    th: Mapping[str, float], urgent_p: float, danger: bool, feared: bool = False
) -> bool:
    """Whether the model makes a rules ticket urgent: with a word of danger when it is
    fairly sure, without one only when it is surer still, and not when the writer only
    fears it. The engine and the training replay (train.combine) both decide by this."""
    if feared:
        return False
    return urgent_p >= sure_line(th) or (danger and urgent_p >= th["urgent_boost"])


# How much the report head must believe a message that the urgent head alone opens
# (``cries_out``): enough that it is about something here, not a film or a saying.
CRY_FLOOR = 0.2


def cries_out(th: Mapping[str, float], ticket_p: float, urgent_p: float) -> bool:
    """An emergency the urgent head is sure of though the report head doubts it (502俩天没
    动静: the urgent head learnt a silent neighbour from every emergency, the report head
    weighs the words against many stories and greetings). Opened whatever a
    community's rescue line, like the alarm path: an emergency is not held back for
    precision. ``rescue_urgent`` is picked on tune; the engine and the training replay
    (train.combine) both decide by this."""
    return urgent_p >= th.get("rescue_urgent", 1.01) and ticket_p >= CRY_FLOOR


def sure_line(th: Mapping[str, float]) -> float:
    """How sure the urgent head must be to make a ticket urgent without a word of danger."""
    return th.get("urgent_sure", URGENT_SURE)


# Below the rescue line but above this, a request addressed to the bot is asked about.
# On the tune split (2026-12-02, the model then trained, C=30), of the messages the model
# doubts, those it scores 0.5-0.6 were requests 31% of the time, 0.6-0.7 40%, 0.7-0.75
# 54%, 0.75-0.8 60%: below 0.7 the question is more often wrong than right, and the
# person still gets the line of what the bot can do. (0.6, then 0.65, for the models
# of C=10, whose scores are less sharp.)
ASK_LINE = 0.7
_SHIPPED = object()

_LATIN = regexes.compile(r"[A-Za-z]{2,}")
_ASCII_LETTER = regexes.compile(r"[A-Za-z]")
_add = operator.add
_CJK = regexes.compile(r"[\u4e00-\u9fff]")
# Someone arrived, in a reading of pinyin (wo dao le: 我到了, read as 我倒了), unless what
# follows tells a fall (wo dao le, qi bu lai).
_ARRIVED = regexes.compile(
    r"(?<=[我你俺咱])倒了(?![^。！？!?]{0,10}(?:起不来|爬不起|不动|地上|不说话|叫不|没反应|晕|疼|痛))"
)
# 咯, 喽, 啰 for 了 where a clause ends (摔咯, 停水喽), never inside a word (咯吱, 啰嗦).
_DIALECT_LE = regexes.compile(r"(?<=[\u4e00-\u9fff])[咯喽啰](?![\u4e00-\u9fff])")
# A tone number after a pinyin syllable (ran2qi4 xie4lou4): after two letters, the last a
# vowel or a final's n, g or r, and not before another digit, so B5, A3栋, Win10 and
# iphone15 keep theirs (see ``toneless``).
_TONE_DIGIT = regexes.compile(r"(?<=[a-z][aeiouvüngr])[1-5](?![0-9])")
# A space between two characters, where a message typed word by word has one after each
# word (see ``closed_up``).
_WORD_GAP = regexes.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")
# The longest that the pieces between such spaces are on average in a message typed word
# by word; longer pieces are clauses (老头心口疼 脸煞白), whose spaces stay.
_WORD_PIECE = 3
# What is left of a message once words are gone: punctuation, spaces, emoji.
_NOT_WORDS = regexes.compile(r"[^\w]|_")
# What the lean path answers; results are frozen, so one instance serves every call.
_CHATTER = TriageResult((), "chatter")
# A rules finding the model disbelieves: no ticket, but a question when asked directly.
UNSURE = "unsure"
_UNSURE = TriageResult((), UNSURE)

# A question asked in words the dictionary does not list (see ``_with_questions``).
_QUESTION = Term("？", "ask")

# People who answer residents: "收到", "马上去" from them is a reply, not a report.
TEAM_ROLES = frozenset({"worker", "leader", "staff", "admin"})
# How far (in characters) a fault may sit from the thing it describes.
PAIR_AFTER = 20
PAIR_BEFORE = 8
# How many characters a negator may stand before what it negates (没听到有什么噪音).
NEG_REACH = 5
# Faults that also describe a medicine running out (降压药没了).
MED_FAULTS = frozenset({"没了", "没有了", "不够", "缺", "断了", "断", "快没了", "用完了"})
# Things that are usually the effect of another fault named just before them.
CONSEQUENCES = frozenset({"污水", "臭水", "脏水", "粪水", "积水", "臭味", "异味"})
# Water spreading, said after the emergency that lets it out (水管爆了！水漫出来了).
OVERFLOWS = frozenset({"漫出来", "溢出来", "流出来", "冒出来", "满出来"})
# Requests for a service that a thank-you before them marks as already given.
SERVICES = frozenset({"care", "consult", "order", "wish"})
# Words by which a resident says "and another problem".
ADDITION = regexes.compile(r"也|还|另外|而且|并且|同时|又|再")
# Connectors that put several things under one fault (井盖和路灯都坏了).
LIST_JOINERS = frozenset({"和", "跟", "与", "、", "还有", "及", "以及", "也"})
# Problems that put children at risk when a child is near: an open hole, a live wire.
CHILD_RISK = regexes.compile(r"井|坑|洞|塌|陷|篦子|箅子|电线|电缆|高压线|电箱|配电|变压器|电杆")
# Words that stand for a power cut only when no device of one's own ran flat (门铃没电了).
POWER_WORDS = frozenset({"没电", "没电了"})
# Words that are nobody's problem when one's own thing leaks or goes flat (鱼缸漏水了).
LEAK_WORDS = frozenset({"漏水", "漏气", "没气", "没气了", "跑气", "漏了"})
# What neighbours notice of someone who has not been seen: signs, not faults.
SIGNS = frozenset({"灯", "门", "窗", "窗帘", "电话", "手机", "报纸", "牛奶", "信箱"})


@dataclass(slots=True)
class _Token:
    word: str
    start: int
    end: int
    term: Term | None
    sentence: int


@dataclass(slots=True)
class _Candidate:
    """A finding before its fate is known (it may yet be negated or already fixed)."""

    category: str
    urgent: bool
    anchor: _Token  # the object, or the standalone problem word
    preds: list[_Token]
    rule: str
    status: str = "request"
    extra_evidence: list[str] = field(default_factory=list)
    negated_preds: int = 0

    @property
    def start(self) -> int:
        return min(t.start for t in (self.anchor, *self.preds))

    @property
    def end(self) -> int:
        return max(t.end for t in (self.anchor, *self.preds))

    @property
    def first_pred_start(self) -> int:
        return min((t.start for t in self.preds), default=self.anchor.start)

    @property
    def last_pred_end(self) -> int:
        return max((t.end for t in self.preds), default=self.anchor.end)

    def evidence(self) -> tuple[str, ...]:
        words = [self.anchor.word, *(t.word for t in self.preds), *self.extra_evidence]
        return tuple(dict.fromkeys(words))


# The shape `_trie_pattern` writes, part of the cache key: change it with the shape.
_TRIE_FORMAT = 2


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex for many literal words, factored by prefix so `re` does not try each.
    At the top, one alternative per first character (no group around them), so a `Scan`
    tries only the words that begin with the character at hand."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            body = "(?:" + body + ")?"
        return body

    return "|".join(re.escape(ch) + emit(child) for ch, child in sorted(trie.items()) if ch)


def _words_pattern(words: frozenset[str]) -> str:
    """`_trie_pattern` of the dictionary and the buildings, kept in the user's cache: for
    three thousand words building the trie costs more than compiling its regex does."""
    key = (_TRIE_FORMAT, words)
    cached = diskcache.load("words.marshal", key)
    if isinstance(cached, str):
        return cached
    pattern = _trie_pattern(words)
    diskcache.store("words.marshal", key, pattern)
    return pattern


class TriageEngine:
    """Decides whether a group message is a request, what kind, how urgent, and where.

    Build one per process (the constructor loads the dictionary) and call `triage` for
    every message; the engine keeps no per-message state, so calls may interleave.
    """

    def __init__(
        self,
        extra_words: Iterable[str] = (),
        synonyms: Mapping[str, str] | None = None,
        buildings: Iterable[str] = (),
        model: LinearModel | object | None = _SHIPPED,
        window: int = WINDOW,
        rescue_line: float | None = None,
    ) -> None:
        buildings = tuple(b for b in buildings if b and b.strip())
        self.window = window
        # The learned second opinion (bot/triage/learned.py); None means rules only.
        self.model: LinearModel | None = (
            shipped_model() if model is _SHIPPED else model  # type: ignore[assignment]
        )
        # [triage] rescue_line: a community's own line instead of the one picked on tune.
        self._rescue_line = rescue_line
        dict_path = domain_dict_path()
        self._terms = build_terms(dict_path, extra_words, synonyms)
        self._dict_path = dict_path
        self._dict_words = (*self._terms, *buildings)
        # jieba's no-HMM cut, for the messages where dictionary words cross
        self._segmenter = Segmenter(dict_path, self._dict_words, DEFAULT_FREQ)
        # jieba itself, for `words` (its HMM too): built on the first call
        self._tokenizer: jieba.Tokenizer | None = None
        self._patterns = Patterns()
        self._locations = LocationFinder(buildings)
        # The prescreen: a finding needs a problem word that stands alone, or a thing and
        # a fault together; a message with neither is chatter without segmenting it.
        terms = self._terms.items()
        self._trigger = WordSet(w for w, t in terms if _is_trigger(t))
        self._things = WordSet(w for w, t in terms if t.kind in ("obj", "med"))
        self._faults = WordSet(w for w, t in terms if t.kind in ("pred", "need", "ask"))
        self._policy = WordSet(w for w, t in terms if _is_policy(t))
        self._hazard_scan = regexes.StartScan(
            "|".join(p.pattern for p, _ in self._patterns.hazards)
        )
        self._words = regexes.Scan(_words_pattern(frozenset((*self._terms, *buildings))))
        self._fixed = WordSet(w for w, t in self._terms.items() if t.kind == "fixed")
        # The model's prescreen (sounds_like_domain): things, places and problems that
        # stand alone, matched exactly or by their sound.
        gate_words = [w for w, t in self._terms.items() if _is_gate(t)]
        # and the pairs the model has learnt mean a report (LinearModel.gate_pairs)
        learned: frozenset[str] = getattr(self.model, "gate_pairs", frozenset())
        self._gate_exact = WordSet((*gate_words, *REQUEST_CUES, *learned))
        table = pinyin_table()
        # Built on the first message in pinyin: most runs never see one.
        self._pinyin_reader: PinyinReader | None = None
        syllables = sorted(set(table.fuzzy_of.values()))
        codes = {syl: chr(0xF0000 + i) for i, syl in enumerate(syllables)}
        self._sound_of_syllable = codes
        self._to_sound = str.maketrans({ch: codes[syl] for ch, syl in table.fuzzy_of.items()})
        self._sounds = _sound_keys((w for w in gate_words if len(w) >= 2), codes)
        self._gate_sound = WordSet(self._sounds)
        # Typos of the dictionary's things read as the things (点梯 is 电梯, 暖器 is 暖气):
        # their sounds, and the sound pairs that can begin one (see ``_respell``).
        self._thing_sounds = _sound_keys(
            (w for w, t in self._terms.items() if t.kind in ("obj", "med") and len(w) >= 2),
            codes,
        )
        self._thing_starts = frozenset(k[:2] for k in self._thing_sounds)
        self._longest_thing = max(map(len, self._thing_sounds), default=0)
        # Every sound key is at least two syllables long: a message none of whose
        # neighbouring sounds begins a key cannot sound like a gate word.
        self._sound_starts = self._gate_sound.pairs
        self._longest_sound = max(map(len, self._sounds), default=0)
        # The lean path's word test: every word whose presence could make a message
        # anything but plain chatter (a trigger, a thing, a fix, a gate word).
        self._lean_words = WordSet([
            *(w for w, t in terms
              if _is_trigger(t) or _is_gate(t) or t.kind in ("obj", "med", "fixed")),
            *REQUEST_CUES,
            *learned,
        ])
        regexes.save()  # what had to be compiled, for the next process

    @classmethod
    def from_config(cls, config: Config) -> TriageEngine:
        """Uses [triage] words and synonyms (checked at load) and the grids' buildings (as
        the directory lists them now)."""
        buildings = [b for grid in config.directory.grids for b in grid.buildings]
        return cls(
            extra_words=list(config.triage.words),
            synonyms=dict(config.triage.synonyms),
            buildings=buildings,
            rescue_line=config.triage.rescue_line,
        )

    @staticmethod
    def _make_tokenizer(dict_path: Path, words: Iterable[str]) -> jieba.Tokenizer:
        jieba = import_without_pkg_resources("jieba")
        # jieba logs every dictionary load at DEBUG to stderr, which would interleave with
        # `gridbot classify` output; its own records are all it stops.
        logging.getLogger("jieba").setLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer(str(dict_path))
        tokenizer.tmp_dir = diskcache.cache_dir("jieba")  # None: jieba uses the temp dir
        tokenizer.initialize()
        for word in words:
            if not tokenizer.FREQ.get(word):
                tokenizer.add_word(word, DEFAULT_FREQ)
        # jieba never cuts a single character that starts a dictionary word unless the
        # character is a word itself, so 也没水 could only read 也没|水. Giving such
        # characters the weight of an unknown character lets the best path win instead.
        for word, freq in list(tokenizer.FREQ.items()):
            if len(word) == 1 and not freq:
                tokenizer.FREQ[word] = 1
        return tokenizer

    # ------------------------------------------------------------------ entry point

    def triage(self, text: str, role: str = "resident") -> TriageResult:
        norm = self.prepare(text)
        if not norm:
            return TriageResult((), "empty")
        if self._plainly_chatter(norm):
            return _CHATTER
        return self._full_path(norm, role)

    def _full_path(self, norm: str, role: str) -> TriageResult:
        """Rules, then the model's second opinion, on a prepared non-empty message."""
        quote = self._patterns.quote.match(norm)
        if quote:
            return self._triage_quote(quote, role)
        return self._second_opinion(norm, self._triage_text(norm, role))

    def _plainly_chatter(self, norm: str) -> bool:
        """The lean path: most group messages are small talk, and this proves it for
        most of them with set lookups and three short regex scans, before any
        segmentation, model or pattern battery.

        True only when the full path would answer plain "chatter": no quote, no latin
        letters (pinyin) or regional words (the rules read those otherwise), no
        dictionary word that could start a finding, a fix or the model's prescreen
        (tested by its first character pair) or a word that turns to the community, no
        numbered building, no hazard phrase or word of danger (seen danger included),
        wish, appeal (恳请…), paper of the office or thanks, and no neighbouring sounds that
        begin a gate word's sound. Anything else takes the full path, so this changes no
        answer, only how fast it comes.
        """
        p = self._patterns
        if _ASCII_LETTER.search(norm) or p.quote.match(norm) or has_regional(norm):
            return False
        if self._lean_words.found_in(norm):
            return False
        if (
            self._hazard_scan.found_in(norm)
            or p.numbered_place.search(norm)
            or p.danger.search(norm)
            or p.wish.search(norm)
            or p.appeal.search(norm)
            or p.official.search(norm)
            or p.thanks.search(norm)
            or p.settled.search(norm)
        ):
            return False
        return not self._sounds_alike(norm)

    def sounds_like_domain(self, text: str) -> bool:
        """The prescreen of the model: does the message name a thing or a problem, or
        something that sounds like one, or turn to the community, name a building or
        say what danger looks like (没人应, 一动不动, 窗台)?

        Only such messages may be rescued, so most chatter never reaches the model. A
        thing (井盖, 老人, 药), a place or a problem that stands alone (停水, 漏水) counts;
        a bare fault or question word (不通, 是不是) does not, since small talk is full of
        them. Pinyin-aware: 煤汽 sounds like 煤气 (a typo keeps one character of the
        word), and a message with latin letters is checked syllable by syllable
        ("dian ti" is 电梯). Set lookups; a loop only over the few places where the
        sound of a gate word may begin.
        """
        p = self._patterns
        if self._gate_exact.found_in(text) or p.numbered_place.search(text):
            return True
        if p.seen_danger.search(text):
            return True
        if _LATIN.search(text):
            table = pinyin_table()
            sound = "".join(
                self._sound_of_syllable.get(s, " ") for s in syllables_of(text, table)
            )
            return self._gate_sound.found_in(sound)
        return self._sounds_alike(text)

    def _sounds_alike(self, text: str) -> bool:
        """Whether a message without latin letters sounds like a gate word (a typo keeps
        at least one of its characters). Most messages have no two neighbouring sounds
        that begin one, which one set test shows."""
        keys = self._sounds
        starts = self._sound_starts
        sound = text.translate(self._to_sound)
        if starts.isdisjoint(map(_add, sound, sound[1:])):
            return False
        longest = self._longest_sound
        for i, pair in enumerate(map(_add, sound, sound[1:])):
            if pair not in starts:
                continue
            # every key that begins here, longest first
            for n in range(min(longest, len(sound) - i), 1, -1):
                words = keys.get(sound[i : i + n])
                # a typo keeps at least one character of the word (煤汽 for 煤气)
                if words and any(
                    any(a == b for a, b in zip(word, text[i : i + n], strict=True))
                    for word in words
                ):
                    return True
        return False

    def _only_place_and_plea(self, norm: str, mentions: list[Mention]) -> bool:
        """在2单元门口，麻烦快点来看看: where and please-come, no thing and no problem. Such
        a message points at a report (usually the sender's own, just before); the model,
        which has seen many requests with 2单元门口 in them, must not make it one."""
        p = self._patterns
        rest = list(norm)
        for mention in mentions:
            rest[mention.start : mention.end] = [" "] * (mention.end - mention.start)
        rest_text = p.numbered_place.sub(" ", "".join(rest))
        rest_text = p.plea_words.sub(" ", rest_text)
        # a word typed in pinyin is a word too (qi wei hen da ... kuai lai ren)
        return len(_CJK.findall(rest_text)) + len(_LATIN.findall(rest_text)) <= 1

    def _overruled(self, norm: str, result: TriageResult) -> TriageResult:
        """A report against the rules' reason: an urgent one when the model is all but
        certain of an emergency (``overrules``), else one when it is all but certain of a
        report (``outweighs``); otherwise the rules' answer."""
        model = self.model
        assert model is not None
        reading = self._reading(norm)
        ticket_p, urgent_p = reading.ticket_p, reading.urgent_p
        if overrules(result.reason, ticket_p, urgent_p):
            return self._model_report(norm, reading, True, "model:emergency")
        th = model.thresholds
        if not outweighs(th, result.reason, ticket_p, norm):
            return result
        urgent, _ = self._rescue_urgency(norm, urgent_p)
        return self._model_report(norm, reading, urgent, "model:overruled")

    def _model_report(
        self,
        norm: str,
        reading: Reading,
        urgent: bool,
        tag: str,
        mentions: list[Mention] | None = None,
    ) -> TriageResult:
        """A report the model opens: its likeliest category, the first place named."""
        model = self.model
        assert model is not None
        if mentions is None:
            mentions = self._locations.find(norm)
        finding = Finding(
            category=reading.category,
            urgent=urgent,
            location=mentions[0].location if mentions else None,
            evidence=(tag, *model.explain(reading)),
            rule="model",
            text=norm[:200],
        )
        return TriageResult((finding,), "request")

    def _rescue_urgency(self, norm: str, urgent_p: float) -> tuple[bool, bool]:
        """``rescue_urgency`` of a message the model opens, looking for a word of danger
        only where it counts: above one of the urgent lines (most candidates are not)."""
        th = self.model.thresholds  # type: ignore[union-attr]
        if urgent_p < min(th["urgent"], th["urgent_boost"], sure_line(th)):
            return False, False
        return rescue_urgency(th, urgent_p, self.danger(norm), self.feared(norm))

    def _made_urgent(self, norm: str, urgent_p: float) -> bool:
        """``made_urgent``, looking for a word of danger only where it decides."""
        th = self.model.thresholds  # type: ignore[union-attr]
        sure = sure_line(th)
        if urgent_p < min(sure, th["urgent_boost"]):
            return False
        danger = urgent_p < sure and self.danger(norm)  # it decides only under the sure line
        return made_urgent(th, urgent_p, danger, self.feared(norm))

    def asks(self, text: str) -> bool:
        """Whether someone asks or wishes in some words (``asking``): the model opens a
        wish only then (the training replay decides the same)."""
        return self._says(self._patterns.asking, text)

    def pleads(self, text: str) -> bool:
        """Whether the message asks someone to act (``pleads``: 你们给说说, 哪个去弄一下) or
        asks the office how a thing is done (补办上哪, 要带啥): one the rules missed is
        opened at the model's plea line, under its plain one (the training replay decides
        the same)."""
        return self._says(self._patterns.pleads, text)

    def _says(self, pattern: re.Pattern[str], text: str) -> bool:
        """Whether ``pattern`` is in the message, or in the characters a message typed in
        pinyin reads as (shequ neng bu neng kai ge ke: 社区能不能…)."""
        if pattern.search(text):
            return True
        return has_pinyin(text) and bool(pattern.search(self._read_pinyin(text)))

    def feared(self, text: str) -> bool:
        """Whether the writer fears a danger to come (怕哪天倒了, 万一砸着人) rather than
        sees one, or uses a danger's words in a harmless sense (花盆要掉色了, 捂着胸口说扎心了,
        a figure of speech the rules know): the model, which learnt the danger's words,
        may not make such a message urgent (the rules still may: 燃气味很大，万一炸了 is a
        gas leak). On the labelled messages, of the model's urgent marks on a message
        fearing a danger, 10 of 11 were wrong."""
        p = self._patterns
        return bool(
            p.feared.search(text) or p.harmless.search(text) or p.figure.search(text)
        )

    def danger(self, text: str) -> bool:
        """A hazard signal (fire, gas, someone trapped, fallen, lost...), typos included:
        without one the model may not make a message urgent."""
        danger = self._patterns.danger
        if _found(danger, text):
            return True
        return has_pinyin(text) and bool(danger.search(self._read_pinyin(text)))

    def _reading(self, norm: str) -> Reading:
        """The model's reading of a message; one typed in pinyin is also read as the
        characters the rules read it as (see ``LinearModel.read_typed``). A number the
        bot masked is read as nothing: the model never saw the placeholder, and its 电话
        had made a broken manhole cover beside a masked phone number an emergency."""
        model = self.model
        assert model is not None
        return model.read_typed(unmasked(norm), self.read_as(norm))

    def read_as(self, norm: str) -> str:
        """The characters a message typed in pinyin reads as, "" for any other: what the
        model reads besides the letters (the engine and the training replay both)."""
        return self._read_pinyin(norm) if has_pinyin(norm) else ""

    def _read_pinyin(self, text: str) -> str:
        reader = self._pinyin_reader
        if reader is None:  # two threads may both build it: the same reader either way
            reader = self._pinyin_reader = PinyinReader(self._terms, pinyin_table())
        # "wo dao le" is 我到了 (I am here) far more often than 我倒了 (I fell)
        return _ARRIVED.sub("到了", reader.read(text))

    def prepare(self, text: str) -> str:
        """The window of the message that is judged, normalised (the model's input too):
        🆘 read as 救命, and a dialect's 咯/喽/啰 ending a clause as 了 (老汉儿摔咯)."""
        norm = closed_up(toneless(normalise((text or "")[: self.window])))
        if "🆘" in norm:
            norm = norm.replace("🆘", "救命")
        return _DIALECT_LE.sub("了", norm)

    def words(self, text: str) -> list[str]:
        """The text cut into words by the engine's segmenter (its dictionary included), so
        others can match words as words: 上班 is no word of 上班族."""
        tokenizer = self._tokenizer
        if tokenizer is None:  # two threads may both build it: the same tokenizer either way
            tokenizer = self._make_tokenizer(self._dict_path, self._dict_words)
            self._tokenizer = tokenizer
        return tokenizer.lcut(text)

    def doubt(
        self, text: str, role: str = "resident", triaged: TriageResult | None = None
    ) -> Finding | None:
        """A request the rules call chatter and the model believes in, but below its rescue
        line, or a rules finding the model vetoed: what to ask the person about ("需要登记为
        工单吗？"), never a ticket by itself. Only for a message that names a thing or a
        problem (the prescreen). ``triaged``: the message's triage, when the caller has
        it already."""
        model = self.model
        norm = self.prepare(text)
        if model is None or not norm:
            return None
        reason = (triaged or self.triage(norm, role)).reason
        if reason == UNSURE:
            rules = self._triage_text(norm, role)
            if rules.findings:
                return dataclasses.replace(rules.findings[0], rule="doubt")
            return None
        if reason != "chatter" or not self.sounds_like_domain(norm):
            return None
        reading = self._reading(norm)
        if reading.ticket_p < model.thresholds.get("ask", ASK_LINE):
            return None
        mentions = self._locations.find(norm)
        return Finding(
            category=reading.category,
            urgent=False,
            location=mentions[0].location if mentions else None,
            evidence=("model:doubt", *model.explain(reading)),
            rule="doubt",
            text=norm[:200],
        )

    def after_preamble(self, text: str, role: str = "resident") -> TriageResult:
        """The message that follows the same person's preamble (我想反映个情况).

        They said a report was coming, so a message the rules would call chatter is the
        report: its category is the model's best guess (``other`` without one). Reasons
        against a report still hold (negation, a fix, a hypothetical, a notice, a
        reply), and so does a second preamble.
        """
        result = self.triage(text, role)
        if result.ticket or result.reason not in RESCUABLE:
            return result
        norm = self.prepare(text)
        category, urgent = "other", False
        evidence: tuple[str, ...] = ("preamble",)
        model = self.model
        if model is not None:
            reading = self._reading(norm)
            if reading.category_p >= 0.5:
                category = reading.category
            urgent = (
                reading.urgent_p >= model.thresholds["urgent"]
                and self.danger(norm)
                and not self.feared(norm)
            )
            evidence = ("preamble", *model.explain(reading))
        mentions = self._locations.find(norm)
        finding = Finding(
            category=category,
            urgent=urgent,
            location=mentions[0].location if mentions else None,
            evidence=evidence,
            rule="preamble",
            text=norm[:200],
        )
        return TriageResult((finding,), "request")

    def _second_opinion(self, norm: str, result: TriageResult) -> TriageResult:
        """The rules decide what they recognise; the model rescues what they miss.

        Precision first. Rules are right about negation, hypotheticals, fixes, notices,
        past events and whose reply it is, so the model overrules such a reason only
        when it is all but certain, in a message long enough to judge (``outweighs``, or
        ``overrules`` for an emergency); else it speaks only where the rules found
        nothing (a word outside the dictionary, a typo, pinyin), only when the message
        names a thing or a problem or sounds like it (the prescreen), and only above a
        threshold picked for precision at the rate of chatter real groups have. It makes
        a message urgent only with a hazard signal in the words (fire, gas, trapped,
        fallen...), and may correct the category of a rules ticket when confident.
        """
        model = self.model
        if model is None:
            return result
        th = model.thresholds
        if result.ticket:
            first = result.findings[0]
            urgent = any(f.urgent for f in result.findings)
            reading = self._reading(norm)
            if vetoed(th, reading.ticket_p, norm, result.findings):
                return _UNSURE  # the rules' words, nothing else reads like a report: ask
            if not urgent and self._made_urgent(norm, reading.urgent_p):
                first = dataclasses.replace(
                    first, urgent=True, evidence=(*first.evidence, "model:urgent")
                )
            # a hazard names its own category (燃气泄漏 is safety, whatever else)
            if (
                th["recategorise"] <= 1
                and first.rule != "hazard"
                and reading.category != first.category
                and reading.category_p >= th["recategorise"]
            ):
                first = dataclasses.replace(first, category=reading.category)
            return dataclasses.replace(result, findings=(first, *result.findings[1:]))
        if result.reason in OVERRULABLE and self.sounds_like_domain(norm):
            return self._overruled(norm, result)
        if result.reason not in RESCUABLE:
            return result
        if not self.sounds_like_domain(norm):
            return self._alarm(norm, result)
        reading = self._reading(norm)
        if cries_out(th, reading.ticket_p, reading.urgent_p):
            return self._model_report(norm, reading, True, "model:urgent")
        line = th["rescue"] if self._rescue_line is None else self._rescue_line
        long_line = th.get("rescue_long", LONG_RESCUE)
        plea = th.get("rescue_plea", 1.01)
        if self._rescue_line is not None:  # a community's line holds for long ones and pleas too
            long_line = max(long_line, self._rescue_line)
            plea = max(plea, self._rescue_line)
        ticket_p = reading.ticket_p
        if ticket_p < min(line, long_line, ALARM_RESCUE, plea):  # below every line (most are)
            return result
        mentions = self._locations.find(norm)
        if self._only_place_and_plea(norm, mentions):
            return result
        urgent_p = reading.urgent_p
        urgent, alarming = self._rescue_urgency(norm, urgent_p)
        plea = plea if self.pleads(norm) else 1.01
        if ticket_p < rescue_line(line, norm, urgent, alarming, long_line, plea):
            return result
        if reading.category == "wish" and not self.asks(norm):
            return result
        return self._model_report(norm, reading, urgent, "model", mentions)

    def _alarm(self, norm: str, result: TriageResult) -> TriageResult:
        """An emergency in words the prescreen does not know: 火烧厝啊 (a house on fire, in
        Min), a fire running through the fields. A word of danger (fire, fell,
        trapped...) lets such a message reach the model, which opens it only as an
        emergency: the urgent head sure (``rescue_urgency``'s alarming) and the request
        head at ALARM_RESCUE. Words of danger are common in small talk (上火, 倒是), so
        nothing less opens it. On the blind tune half, 134 messages came this way; two
        models opened 2 and 3 emergencies of them, and no false alarm."""
        if not self.danger(norm):
            return result
        model = self.model
        assert model is not None
        reading = self._reading(norm)
        if reading.ticket_p < ALARM_RESCUE:
            return result
        # the word of danger is already found: no second search for it
        urgent, alarming = rescue_urgency(
            model.thresholds, reading.urgent_p, True, self.feared(norm)
        )
        if not (urgent and alarming):
            return result
        return self._model_report(norm, reading, True, "model:alarm")

    # ------------------------------------------------------------------ message level

    def _triage_quote(self, quote: re.Match[str], role: str) -> TriageResult:
        """A WeChat quoted reply: judge the reply, using the quote only as its subject."""
        quoted = quote.group("quoted").strip()
        reply = quote.group("reply").strip()
        p = self._patterns
        if not reply:
            return TriageResult((), "chatter")
        if p.me_too.match(reply):
            earlier = self._triage_text(quoted, role)
            if earlier.findings:
                return TriageResult(
                    tuple(dataclasses.replace(f, rule=f"{f.rule}+quote") for f in earlier.findings),
                    "request",
                )
        own = self._triage_text(reply, role)
        if own.findings or own.followup:
            return own
        if own.reason in ("chatter", "resolved") and self._has_fault(reply):
            # "坏了，差点踩进去" under a quote about the 井盖: the quote names the thing.
            subject = self._first_thing(quoted)
            if subject is not None:
                joined = self._triage_text(subject + reply, role)
                if joined.findings:
                    return joined
        if p.followup_ask.search(reply):
            earlier = self._triage_text(quoted, role)
            subject = earlier.findings[0] if earlier.findings else earlier.followup
            if subject is not None:
                return TriageResult(
                    (), "followup", dataclasses.replace(subject, rule="followup+quote")
                )
        return own

    def _respell(self, text: str) -> str:
        """Homophone typos of the dictionary's things written as the things: a run of two
        to four characters that sounds like one (fuzzy pinyin, so 景盖 is 井盖 and 楼到 is
        楼道) and differs from it in one character. The length never changes, so every
        position still points at what was typed.

        Only things are respelled, never a problem that stands alone (挺水灵 is no 停水),
        and a thing still needs a fault beside it to be a report. The wrong character is
        never a word the dictionary knows written right (屋顶漏雨 keeps its 漏雨, not 顶楼)
        nor a little word a typo does not make (归谁管 is no 水管)."""
        sound = text.translate(self._to_sound)
        starts = self._thing_starts
        hits = [i for i, pair in enumerate(map(_add, sound, sound[1:])) if pair in starts]
        if not hits:
            return text
        keys = self._thing_sounds
        known: bytearray | None = None  # where dictionary words stand, found when needed
        out: list[str] | None = None
        free = 0  # the first position not inside a word already read
        for i in hits:
            if i < free:
                continue
            for length in range(min(self._longest_thing, len(text) - i), 1, -1):
                words = keys.get(sound[i : i + length])
                if words is None:
                    continue
                typed = text[i : i + length]
                if typed in words or typed in _SOUND_ALIKE_WORDS:
                    free = i + length  # written right
                    break
                if known is None:
                    known = self._dictionary_words(text)
                word = next((w for w in words if _one_typo(typed, w, known, i)), None)
                if word is not None:
                    out = out or list(text)
                    out[i : i + length] = word
                    free = i + length
                    break
        return text if out is None else "".join(out)

    def _dictionary_words(self, text: str) -> bytearray:
        """1 at each position of ``text`` inside a dictionary word (written right)."""
        return _coverage(len(text), (m.span() for m in self._words.finditer(text)))

    def _triage_text(self, norm: str, role: str) -> TriageResult:
        """The rules' answer. They read regional words as the common ones (冇人应 as 没人
        应, see ``dialect``); the model does not, since it learnt from the messages as
        written: mapped, 俺家 and 侬 lost what it knew of them (on the blind halves, the
        mapping for both opened 18 more false alarms for 13 more requests)."""
        p = self._patterns
        norm = self._respell(common_form(norm))
        pinyin = has_pinyin(norm)
        if not pinyin and not self._may_report(norm):
            # Most chatter: no word that could start a finding, even with emoji in place
            # (taking them out only ever removes characters). A paper of the office or
            # the city's news is said so: the model reads no paper for a report.
            if self._says_fixed(norm):
                return TriageResult((), "resolved")
            if p.official.search(norm):
                return TriageResult((), PAPER)
            return TriageResult((), "thanks" if p.thanks.search(norm) else "chatter")
        thanks = bool(p.thanks.search(norm))
        laughing = bool(p.laughter.search(norm))
        # A masked phone or ID number stands where the number stood, not as a clause break.
        text = p.emoji_char.sub(" ", p.emoji_code.sub(_unless_masked, norm))
        if pinyin:
            text = self._read_pinyin(text)
        if (pinyin or text != norm) and not self._may_report(text):
            if self._says_fixed(text):
                return TriageResult((), "resolved")
            return TriageResult((), "thanks" if thanks else "chatter")

        shape = self._shape(norm)
        if shape:
            return TriageResult((), shape)
        if p.sarcasm.search(text) and (laughing or "呵呵" in text):
            return TriageResult((), "sarcasm")
        elsewhere = p.elsewhere.search(text)
        if elsewhere is None:  # an unnamed place is elsewhere, except in the office's records
            unnamed = p.unnamed_place.search(text)
            elsewhere = unnamed if unnamed and not p.office_record.search(text) else None
        if elsewhere:
            ours = p.ours.search(text)
            if (ours is None or ours.start() > elsewhere.start()) and not p.here.search(text):
                return TriageResult((), "elsewhere")
        if (
            (role in TEAM_ROLES and p.staff_reply.search(text))
            or p.worker_voice.search(text)
            or (
                p.reply_prefix.match(text)
                and (not self._hazard_scan.found_in(text) or p.answer_cue.search(text))
            )
        ):
            return TriageResult((), "staff")

        tokens = self._tokens(text, asking=not laughing)
        candidates = self._candidates(text, tokens, laughing)

        if p.followup_ref.search(text) and p.followup_ask.search(text):
            subject = self._subject(tokens, candidates)
            if subject is not None:
                return TriageResult(
                    (),
                    "followup",
                    self._finding(text, subject, self._locations.find(text), rule="followup"),
                )

        self._judge(text, tokens, candidates)
        live = self._merge(text, [c for c in candidates if c.status == "request"])
        if live and self._announces(text, live):
            return TriageResult((), PREAMBLE)
        if live:
            mentions = self._locations.find(text)
            spans = _sentence_spans(text, p.sentence_split)
            findings = tuple(self._finding(text, c, mentions, spans=spans) for c in live)
            return TriageResult(findings, "request")
        appeal = self._appeal(text, tokens, candidates)
        if appeal is not None:
            return TriageResult(
                (self._finding(text, appeal, self._locations.find(text)),), "request"
            )
        wish = p.wish.search(text)
        if wish and (
            p.wish_granted.search(text) or p.settled.search(text) or p.joking.search(text)
        ):
            wish = None
        if candidates and not wish:
            return TriageResult((), candidates[0].status)
        if (wish and not p.hypothetical.search(text[: wish.start()])) or (
            wish and p.wish_tail.search(text)
        ):
            anchor = _Token(wish.group(), wish.start(), wish.end(), None, 0)
            wish_c = _Candidate("wish", False, anchor, [], "wish")
            wish_f = self._finding(text, wish_c, self._locations.find(text))
            return TriageResult((wish_f,), "request")
        if candidates:
            return TriageResult((), candidates[0].status)
        if self._says_fixed(text):
            return TriageResult((), "resolved")  # 消防栓不漏了: the thing works again
        return TriageResult((), "thanks" if thanks else "chatter")

    # ------------------------------------------------------------------ token level

    def _tokens(self, text: str, asking: bool = True) -> list[_Token]:
        """The dictionary words of the text, in order, with their sentence numbers.

        A longest-match scan finds them; jieba segments the text only when two words
        cross (也没水: 也没 or 没水?), because that choice is what segmentation is for.
        Characters outside the dictionary carry no meaning here and get no token, except
        a question beside a policy word (``_with_questions``) when ``asking``.
        """
        matches = list(self._words.finditer(text))
        spans: Iterable[tuple[str, int, int]]
        if self._crossing(text, matches):
            spans = self._segmenter.tokenize(text)
        else:
            spans = ((m.group(), m.start(), m.end()) for m in matches)
        bounds = [m.end() for m in self._patterns.sentence_split.finditer(text)]
        tokens: list[_Token] = []
        sentence = 0
        for word, start, end in spans:
            term = self._terms.get(word)
            if term is None:
                continue
            while sentence < len(bounds) and start >= bounds[sentence]:
                sentence += 1
            tokens.append(_Token(word, start, end, term, sentence))
        if asking and any(t.term is not None and _is_policy(t.term) for t in tokens):
            tokens = self._with_questions(text, tokens, bounds)
        return tokens

    def _with_questions(
        self, text: str, tokens: list[_Token], bounds: list[int]
    ) -> list[_Token]:
        """The tokens plus the question marks and words the dictionary has no phrase for
        (还有吗, 去哪儿, 要…吗), as questions: only a policy word pairs with one, so a
        question about anything else stays what it was. Not a question put to the other
        residents (你们的都年审过没有): that is talk, and so is one asked laughing
        (``asking`` false)."""
        p = self._patterns
        if p.among_neighbours.search(text) and not p.office.search(text):
            return tokens
        taken = _coverage(
            len(text), ((t.start, t.end) for t in tokens if t.term and t.term.kind != "word")
        )
        asked = [
            _Token(m.group(), m.start(), m.end(), _QUESTION, bisect.bisect_right(bounds, m.start()))
            for m in p.question.finditer(text)
            if not any(taken[m.start() : m.end()])
        ]
        if not asked:
            return tokens
        # a plain word inside a question gives way to it (要不要 holds 不要), so tokens
        # still never overlap
        asked_at = _coverage(len(text), ((q.start, q.end) for q in asked))
        kept = [t for t in tokens if not any(asked_at[t.start : t.end])]
        return sorted([*kept, *asked], key=operator.attrgetter("start"))

    def _crossing(self, text: str, matches: list[re.Match[str]]) -> bool:
        for m in matches:
            for pos in range(m.start() + 1, m.end()):
                inner = self._words.match(text, pos)
                if inner is not None and inner.end() > m.end():
                    return True
        return False

    def _candidates(self, text: str, tokens: list[_Token], laughing: bool) -> list[_Candidate]:
        objects = [t for t in tokens if t.term and t.term.kind in ("obj", "med", "site")]
        index_of = {id(t): i for i, t in enumerate(tokens)}
        nearby = _Nearby(objects)
        paired: dict[int, _Candidate] = {}  # id(object token) → candidate
        standalone: list[_Candidate] = []
        cries: list[_Token] = []
        for index, tok in enumerate(tokens):
            term = tok.term
            if term is None:
                continue
            if term.kind == "cry":
                if not laughing:
                    cries.append(tok)
                continue
            if tok.word in LEAK_WORDS and self._patterns.belonging.search(text, 0, tok.start):
                continue  # 轮胎没气了, 鱼缸漏水了: one's own thing
            if term.kind == "prob":
                if tok.word in POWER_WORDS and self._patterns.device.search(text, 0, tok.start):
                    continue  # 门铃没电了: a battery, not a power cut
                standalone.append(_standalone(tok, "problem"))
                continue
            if term.kind not in ("pred", "need", "ask"):
                continue
            if tok.word.startswith("倒") and self._poured(text, tok.start):
                continue  # 把垃圾倒在门口: poured, nobody fell
            if term.urgent and _figurative(text, tok.start, tok.end):
                continue  # 辣到冒烟: a figure of speech
            negated = _negated(text, tokens, index)
            targets = _pair(text, tok, nearby)
            if targets and term.urgent and _feared(text, tok.start):
                # 消防通道堵死了，一旦着火…: the fire is what is feared of the blocked way,
                # which is the report; it makes it no emergency
                continue
            if targets:
                for obj in targets:
                    cand = paired.get(id(obj))
                    if cand is None:
                        cand = _Candidate(obj.term.category, False, obj, [], _rule(obj, tok))  # type: ignore[union-attr,arg-type]
                        paired[id(obj)] = cand
                    cand.preds.append(tok)
                    if negated:
                        cand.negated_preds += 1
            elif term.standalone:
                cand = _standalone(tok, "hazard" if term.forced else term.kind)
                if negated:
                    cand.status = "negated"
                standalone.append(cand)
        for cand in paired.values():
            if cand.preds and cand.negated_preds == len(cand.preds):
                cand.status = "negated"  # 井盖没坏; but 掉下来了，不知道带不带电 stands
            # A hazard (冒烟) always decides the category; a mere danger word (太危险)
            # only when nothing else says what is wrong (井盖坏了太危险 stays municipal).
            plain = any(t.term and not t.term.forced for t in cand.preds)
            forced = [
                t.term for t in cand.preds
                if t.term and t.term.forced and (t.term.urgent or not plain)
            ]
            own = [t.term for t in cand.preds if t.term and t.term.category]
            if forced:
                cand.category = forced[0].category  # type: ignore[assignment]
            elif cand.anchor.term and cand.anchor.term.kind == "site" and own:
                cand.category = own[0].category  # type: ignore[assignment]
            cand.urgent = any(t.term and t.term.urgent for t in cand.preds)
        for cand in standalone:
            if cand.status != "negated" and _negated(text, tokens, index_of[id(cand.anchor)]):
                cand.status = "negated"
        # Which paired finding covers each character (the first one, in pairing order).
        covering: dict[int, tuple[int, _Candidate]] = {}
        for order, c in enumerate(paired.values()):
            for t in (c.anchor, *c.preds):
                for pos in range(t.start, t.end):
                    if pos not in covering or covering[pos][0] > order:
                        covering[pos] = (order, c)
        for hazard in self._hazards(text, tokens):
            # 配电箱冒烟: the hazard words overlap a described fault — one finding, urgent.
            hosts = [covering[pos] for pos in range(hazard.start, hazard.end) if pos in covering]
            host = min(hosts, key=lambda h: h[0])[1] if hosts else None
            if host is None or hazard.status != "request":
                if host is None:
                    standalone.append(hazard)
                continue
            host.urgent = True
            if hazard.category in ("safety", "care"):
                # 对门没人应，有股臭味: a person in danger, whatever the door or the smell
                host.category = hazard.category
            host.extra_evidence.append(hazard.anchor.word)
        candidates = sorted([*paired.values(), *standalone], key=lambda c: c.start)
        if self._patterns.children.search(text):
            for cand in candidates:
                if cand.category in ("municipal", "safety", "utility") and any(
                    CHILD_RISK.search(w) for w in cand.evidence()
                ):
                    cand.urgent = True  # 井盖没了，孩子放学都从那走
        if cries:
            live = [c for c in candidates if c.status == "request"]
            if live:
                target = next((c for c in live if c.urgent), live[0])
                target.urgent = True
                target.extra_evidence.extend(t.word for t in cries)
            elif not self._patterns.trivial.search(text) and self._cry_for_help(text, cries):
                # 救命，这道物理题…: a figure of speech, not a cry for help
                candidates.append(_Candidate("safety", True, cries[0], [], "cry"))
        return candidates

    def _cry_for_help(self, text: str, cries: list[_Token]) -> bool:
        """A cry that is all the message says (救命！) is taken at its word; in a longer
        message it stands only beside a sign of danger (火, 困, 摔, 血…): 救命 over a
        lipstick drawn on a child or a cartoon habit is an exclamation."""
        rest = text
        for cry in cries:
            rest = rest.replace(cry.word, " ")
        if len(_NOT_WORDS.sub("", rest)) <= 4:
            return True
        return bool(self._patterns.danger.search(rest))

    def _hazards(self, text: str, tokens: list[_Token]) -> list[_Candidate]:
        found: list[_Candidate] = []
        first = self._hazard_scan.first(text)
        if first is None:  # most messages: no hazard begins anywhere
            return found
        starts = [t.start for t in tokens]
        ends = [t.end for t in tokens]  # tokens do not overlap, so both are sorted
        for pattern, category in self._patterns.hazards:
            for m in pattern.finditer(text, first):
                i = bisect.bisect_left(starts, m.start()) - 1  # the last token before
                if i >= 0 and m.end() <= tokens[i].end:
                    continue  # inside a longer word: 打不着火 is a stove, not a fire
                if m.group().startswith("倒") and self._poured(text, m.start()):
                    continue  # 垃圾倒在地上: poured, nobody fell
                if category == "safety" and _figurative(text, m.start()):
                    continue  # 热得要冒烟: a figure of speech
                if category == "care" and _PETS.search(text, max(0, m.start() - 8), m.start()):
                    continue  # 我家狗走丢了: a pet, not a lost person
                after = bisect.bisect_right(ends, m.start())
                sentence = tokens[after].sentence if after < len(tokens) else 0
                anchor = _Token(m.group(), m.start(), m.end(), None, sentence)
                cand = _Candidate(category, True, anchor, [], "hazard")
                last_before = bisect.bisect_right(ends, m.start()) - 1
                if _negated_before(text, tokens, anchor, last_before):
                    cand.status = "negated"
                elif self._patterns.worry.match(text, m.end()) or _feared(
                    text, m.start()
                ):
                    cand.status = "hypothetical"
                found.append(cand)
        return found

    def _judge(self, text: str, tokens: list[_Token], candidates: list[_Candidate]) -> None:
        """Marks candidates that are negated, already fixed, hypothetical or announced."""
        p = self._patterns
        fixes = [
            t for i, t in enumerate(tokens)
            if t.term and t.term.kind == "fixed" and not _negated(text, tokens, i)
            and _fix_stands(text, t)
        ]
        sentences = _sentence_spans(text, p.sentence_split)
        last_fix = max((f.start for f in fixes), default=-1)
        settled = p.settled.search(text)
        if settled:
            last_fix = max(last_fix, len(text))
        for cand in candidates:
            if cand.status != "request":
                continue
            s_start, s_end = sentences[cand.anchor.sentence]
            # A run-on sentence is read near the problem, not from its far beginning.
            s_start = max(s_start, cand.first_pred_start - CONTEXT)
            s_end = min(s_end, cand.last_pred_end + CONTEXT)
            sentence = text[s_start:s_end]
            before = text[s_start : cand.first_pred_start]
            if last_fix >= cand.last_pred_end:
                cand.status = "resolved"
            elif cand.urgent and self._figure_of_speech(text, cand):
                if any(t.term and not t.term.urgent for t in cand.preds):
                    cand.urgent = False  # 洗牌声吵得头都要炸了: the noise stands
                else:
                    cand.status = "figurative"
            elif p.hypothetical.search(p.polite_if.sub("", before)) or p.general.search(
                p.polite_if.sub("", sentence)
            ):
                cand.status = "hypothetical"
            elif (
                cand.category == "utility"
                and cand.rule == "problem"
                and p.planned.search(sentence)
                and not p.past.search(sentence)
                and not p.lasting.search(sentence)
            ):
                cand.status = "notice"
            elif self._retold(text, cand):
                cand.status = "past"
            elif cand.category in SERVICES and not cand.urgent and (
                p.praised.search(text, s_start, cand.start)
                or p.praised_after.search(text, cand.end, s_end)
            ):
                cand.status = "given"  # 谢谢小吴帮我妈买药, 陪诊服务真不错: given
            if cand.urgent and cand.category == "care" and p.past.search(before):
                cand.urgent = False
            if (
                cand.category == "care"
                and p.chronic.search(sentence)
                and not (cand.urgent and p.gone.search(sentence))
            ):
                # 中风后一直卧床: a long-standing condition; care if asked for, never urgent
                cand.urgent = False
                if not p.asks_for_help.search(text):
                    cand.status = "chronic"

    def _figure_of_speech(self, text: str, cand: _Candidate) -> bool:
        """A danger's words used as a figure: inside a simile (跟着了火似的), or someone
        trapped by work, news or homework (俺被这群里的消息困住了, 考研压力大 快被困死了)."""
        p = self._patterns
        start, end = cand.start, cand.end
        for frame in p.simile_frame.finditer(text, max(0, start - 10), end + 10):
            if frame.start() <= start and end <= frame.end():
                return True
        return any(
            m.start() <= start < m.end() or m.start() < end <= m.end()
            for m in p.figure.finditer(text, max(0, start - 24), end + 12)
        )

    def _retold(self, text: str, cand: _Candidate) -> bool:
        """上回5栋路灯不亮，后来社区出面解决的: a story about a problem long gone.

        A time long past stands before the problem, and the message either tells how it
        ended or says nothing of "still", "again" or "now".
        """
        p = self._patterns
        if not p.long_ago.search(text, 0, cand.first_pred_start):
            return False
        return bool(p.retold.search(text, cand.last_pred_end)) or not p.still.search(text)

    def _announces(self, text: str, live: list[_Candidate]) -> bool:
        """我想反映个情况 / 网格员在吗: a resident about to say what is wrong.

        Only words that announce a request (category other, standing alone), in a
        message that says nothing more or says the rest comes later: no ticket yet.
        """
        if not all(c.rule == "problem" and c.category == "other" for c in live):
            return False
        rest = text
        for c in live:
            rest = rest.replace(c.anchor.word, "")
        rest = re.sub(r"[\W_]|我|想|要|有|个|一|吗|呢|啊|了|事|件|下|说|讲|反映|反应", "", rest)
        return len(rest) <= 2 or bool(self._patterns.later.search(text))

    def _poured(self, text: str, start: int) -> bool:
        return bool(self._patterns.poured.search(text, max(0, start - 10), start))

    def _merge(self, text: str, live: list[_Candidate]) -> list[_Candidate]:
        """One problem reported in several words is one ticket (停水了，家里没水)."""
        merged: list[_Candidate] = []
        for cand in live:
            twin = next(
                (
                    m for m in merged
                    if m.category == cand.category
                    and (
                        m.anchor.word == cand.anchor.word
                        or (
                            # 楼上装修太吵: two words for one source, not 井盖和路灯
                            any(t in m.preds for t in cand.preds)
                            and cand.anchor.start == m.anchor.end
                        )
                        or (_alone(cand) and m.anchor.sentence == cand.anchor.sentence)
                        or (_alone(m) and m.anchor.sentence == cand.anchor.sentence)
                        # 着火了着火了！6号楼着火了: one fire, said twice
                        or (_alone(cand) and _alone(m))
                    )
                ),
                None,
            )
            if twin is None and cand.anchor.word in CONSEQUENCES:
                # 下水道堵了，污水冒出来了: the sewage is what the blocked drain does,
                # unless the resident marks it as another problem (…，还有污水…).
                twin = next(
                    (
                        m for m in reversed(merged)
                        if m.anchor.sentence == cand.anchor.sentence
                        and not ADDITION.search(text, m.end, cand.start)
                    ),
                    None,
                )
            if twin is None and _alone(cand) and cand.urgent:
                # 水管爆了！水漫出来了: the flood is what the burst pipe is doing
                twin = next((m for m in merged if m.urgent), None)
            if twin is None and cand.urgent and cand.rule == "hazard":
                # 一群野狗围住了个小孩, 隔壁独居的陈伯两天没出门了，按门铃也没反应: the
                # danger's words overlap a problem already read and still standing. Not
                # `covering` in `_candidates`, which is finer (a fault's own words, before
                # judging): this is the whole stretch from thing to fault, after it.
                twin = next((m for m in merged if m.start < cand.end and cand.start < m.end), None)
                if twin is not None and cand.category in ("safety", "care"):
                    twin.category = cand.category
            if (
                twin is None and merged and not cand.urgent and merged[-1].urgent
                and (merged[-1].rule == "hazard" or cand.anchor.word in OVERFLOWS)
                and cand.anchor.sentence - merged[-1].anchor.sentence <= 1
                and not ADDITION.search(text, merged[-1].end, cand.end)
            ):
                # 好大一股黑烟，从窗户往外冒: what the emergency looks like, said after
                # it, not a second problem (unless marked as one: …，电梯也坏了)
                twin = merged[-1]
            if twin is None and merged and not cand.urgent and self._side_remark(cand):
                # 堆满了杂物，有消防隐患 / 家里有老人行动不便 / 车主也联系不上: why the
                # problem matters, said after it; not a second problem
                twin = merged[-1]
            if (
                twin is None and merged and not cand.urgent and cand.anchor.word in SIGNS
                and merged[-1].urgent and merged[-1].category == "care"
            ):
                # 三天没见着陈伯，家里灯也不亮: a sign of the emergency, not a broken lamp
                twin = merged[-1]
            if twin is None:
                merged.append(cand)
                continue
            twin.urgent = twin.urgent or cand.urgent
            twin.extra_evidence.extend(cand.evidence())
        calls = [c for c in merged if c.rule == "problem" and c.category == "other"]
        if calls and len(calls) < len(merged):
            # 我想反映个情况，楼道灯不亮: the preamble introduces the problem, it is not one
            rest = [c for c in merged if c not in calls]
            rest[0].extra_evidence.extend(w for c in calls for w in c.evidence())
            return rest
        return merged

    def _side_remark(self, cand: _Candidate) -> bool:
        words = [t.word for t in cand.preds] or [cand.anchor.word]
        return all(self._patterns.side_remark.fullmatch(w) for w in words)

    def _says_fixed(self, text: str) -> bool:
        """A fix said in words of its own (修好了), not inside a longer word (沟通了) nor
        asked about (修好了吗); then the message reports nothing the model may rescue."""
        if not self._fixed.found_in(text):
            return bool(self._patterns.settled.search(text))
        tokens = self._tokens(text)
        return any(
            t.term is not None and t.term.kind == "fixed"
            and not _negated(text, tokens, i)
            and _fix_stands(text, t)
            for i, t in enumerate(tokens)
        ) or bool(self._patterns.settled.search(text))

    def _may_report(self, text: str) -> bool:
        pairs = pairs_of(text)
        return bool(
            self._trigger.found_in(text, pairs)
            or (
                self._things.found_in(text, pairs)
                and (
                    self._faults.found_in(text, pairs)
                    or self._patterns.followup_ref.search(text)
                )
            )
            # 流感疫苗还有吗: a policy word asked about in unlisted words (_with_questions)
            or (self._policy.found_in(text, pairs) and self._patterns.question.search(text))
            or self._hazard_scan.found_in(text)
            or self._patterns.wish.search(text)
            or self._patterns.appeal.search(text)
        )

    def _shape(self, norm: str) -> str | None:
        """Links, ads, group-buying lists, notices, neighbours' asks and tales are never a
        new request (a tale is a story from elsewhere: the model may still read it)."""
        p = self._patterns
        for reason, pattern in (
            ("link", p.link),
            ("ad", p.ad),
            ("jielong", p.jielong),
            ("notice", p.notice),
            (PAPER, p.official),
            ("neighbourly", p.neighbourly),
            ("elsewhere", p.story),
        ):
            found = pattern.search(norm)
            if found is None:
                continue
            passed_on = found.group() == "扩散" or reason == "neighbourly"
            if passed_on and self._hazard_scan.found_in(norm):
                # 求扩散 老人走失, 喘不上气…谁家有先借两粒: the emergency is the report
                continue
            return reason
        return None

    def _appeal(
        self, text: str, tokens: list[_Token], candidates: list[_Candidate]
    ) -> _Candidate | None:
        """An appeal to act in the written register (恳请在彩虹小区增设几个休闲座椅, 强烈要求拆除
        楼顶违建阳光房): a request, of the category of the first thing it names (a wish when
        it names none and asks for something new), unless said of what may happen, or
        what the rules read as fixed, past, given, a notice or a figure of speech."""
        p = self._patterns
        found = p.appeal.search(text)
        if found is None or p.hypothetical.search(text, 0, found.start()):
            return None
        if any(c.status in _APPEAL_SETTLED for c in candidates):
            return None
        category = next((c.category for c in candidates), None) or next(
            (
                t.term.category
                for t in tokens
                if t.term is not None and t.term.kind in ("obj", "med", "site") and t.term.category
            ),
            None,
        )
        if category is None:
            category = "wish" if found.group("verb") in _NEW_THINGS else "other"
        anchor = _Token(found.group(), found.start(), found.end(), None, 0)
        return _Candidate(category, False, anchor, [], "appeal")

    def _has_fault(self, text: str) -> bool:
        return any(
            t.term is not None and t.term.kind in ("pred", "need") for t in self._tokens(text)
        )

    def _first_thing(self, text: str) -> str | None:
        for tok in self._tokens(text):
            if tok.term is not None and tok.term.kind in ("obj", "med"):
                return tok.word
        return None

    def _subject(self, tokens: list[_Token], candidates: list[_Candidate]) -> _Candidate | None:
        """What an earlier-report follow-up is about: its first problem or thing."""
        if candidates:
            return candidates[0]
        for tok in tokens:
            if tok.term and tok.term.kind in ("obj", "med", "prob"):
                return _Candidate(tok.term.category or "other", False, tok, [], "followup")
        return None

    def _finding(
        self,
        text: str,
        cand: _Candidate,
        mentions: list[Mention],
        rule: str | None = None,
        spans: list[tuple[int, int]] | None = None,
    ) -> Finding:
        if spans is None:
            spans = _sentence_spans(text, self._patterns.sentence_split)
        return Finding(
            category=cand.category,
            urgent=cand.urgent,
            location=_nearest_location(cand, mentions, spans),
            evidence=cand.evidence(),
            rule=rule or cand.rule,
            text=_fragment(text, cand, self._patterns, spans),
        )


# ---------------------------------------------------------------------- helpers


def _sound_keys(words: Iterable[str], codes: Mapping[str, str]) -> dict[str, list[str]]:
    """Words by their sound, one code character per fuzzy syllable."""
    table = pinyin_table()
    of_char = table.fuzzy_of
    keys: dict[str, list[str]] = {}
    for word in sorted(words):
        if not 2 <= len(word) <= 4:
            continue
        if _ASCII_LETTER.search(word):  # latin letters may be pinyin: read them as such
            syls: list[str | None] = list(syllables_of(word, table))
        else:  # a sound per character (a character without one ends the word's chances)
            syls = list(map(of_char.get, word.lower()))
        if len(syls) == len(word) and all(syls):
            keys.setdefault("".join(codes[s] for s in syls), []).append(word)  # type: ignore[index]
    return keys


# Little words typed right even in a hurry: a homophone of a thing that needs one of these
# changed (谁管 for 水管, 的 for 地) is no typo of the thing.
_LITTLE_WORDS = frozenset(
    "谁的地得了是在我你他她它这那哪啥么吗呢吧啊呀哦嘛都也就还又不没有给把被让和跟与或但"
)
# Everyday words that sound like a thing of the dictionary: written right, not its typo
# (冲鼻子 is a smell, not 箅子).
_SOUND_ALIKE_WORDS = frozenset({"鼻子"})


def _one_typo(typed: str, word: str, known: bytearray, at: int) -> bool:
    """Whether ``typed`` (at ``at`` in the text) is ``word`` with one character wrong, that
    character neither inside a dictionary word written right nor a little word."""
    wrong = [k for k, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
    if len(wrong) != 1:
        return False
    k = wrong[0]
    return not known[at + k] and typed[k] not in _LITTLE_WORDS


def _is_gate(term: Term) -> bool:
    """Words that may let the model rescue a message: things, places, problems."""
    return term.kind in ("obj", "med", "site", "prob", "cry") or (
        term.kind in ("pred", "need") and term.category is not None
    )


def _alone(cand: _Candidate) -> bool:
    """A problem word standing on its own rather than a fault paired with a thing."""
    return cand.rule in ("problem", "hazard", "need", "pred", "cry")


def _is_policy(term: Term) -> bool:
    """A word of policy or service asked about (低保, 疫苗, 证明): what a question pairs with."""
    return term.kind == "obj" and term.category == "consult"


def _coverage(length: int, spans: Iterable[tuple[int, int]]) -> bytearray:
    """1 at each position of a text of ``length`` inside one of ``spans``."""
    covered = bytearray(length)
    for start, end in spans:
        covered[start:end] = b"\x01" * (end - start)
    return covered


def _is_trigger(term: Term) -> bool:
    return term.kind in ("prob", "cry") or (
        term.kind in ("pred", "need") and term.category is not None
    )


def _standalone(tok: _Token, rule: str) -> _Candidate:
    term = tok.term
    assert term is not None and term.category is not None
    return _Candidate(term.category, term.urgent, tok, [], rule)


def _rule(obj: _Token, pred: _Token) -> str:
    """Rule names say which pairing fired, so a wrong call can be traced to its words."""
    kind = pred.term.kind if pred.term else "pred"
    if obj.term and obj.term.kind == "med":
        return "medicine+need" if kind == "need" else "medicine+fault"
    return {"need": "person+need", "ask": "policy+question"}.get(kind, "object+fault")


def _accepts(obj: Term, pred: Term) -> bool:
    if obj.kind == "site":
        return pred.kind == "pred" and pred.category is not None
    if obj.kind == "med":
        return pred.kind == "need" or (pred.kind == "pred" and pred.word in MED_FAULTS)
    if obj.category == "care":
        return pred.kind == "need"
    if obj.category == "consult":
        return pred.kind == "ask"
    if obj.category in ("order", "dispute") and pred.urgent and not pred.forced:
        return False  # 车都泡在水里 is a flood, not a parking problem
    return pred.kind == "pred"


class _Nearby:
    """The object tokens of a message, searchable by position and by sentence.

    Pairing looks only a few characters either side of a fault, so it asks for the objects
    in that span (two bisections) instead of scanning all of them: a long message with
    many faults stays linear.
    """

    def __init__(self, objects: list[_Token]) -> None:
        self.objects = objects
        self._starts = [o.start for o in objects]
        self.sentences = {o.sentence for o in objects}
        self._longest = max((o.end - o.start for o in objects), default=0)

    def around(self, start: int, end: int) -> list[_Token]:
        lo = bisect.bisect_left(self._starts, start - self._longest)
        hi = bisect.bisect_right(self._starts, end)
        return [o for o in self.objects[lo:hi] if o.end >= start and o.start <= end]


def _pair(text: str, pred: _Token, nearby: _Nearby) -> list[_Token]:
    """The object(s) a fault describes.

    Preference: a thing before the fault (井盖坏了), a thing just after it (帮我买点药),
    and only then a place (楼道里臭死了) — places are where things go wrong, so a thing
    named near the fault is the better subject (楼道里乱扔垃圾 is about 垃圾).
    """
    assert pred.term is not None
    objects = nearby.around(pred.start - PAIR_AFTER * 2, pred.end + PAIR_BEFORE)
    usable = [
        o for o in objects
        if o.sentence == pred.sentence and _accepts(o.term, pred.term)  # type: ignore[arg-type]
    ]
    reach = PAIR_AFTER
    if pred.sentence not in nearby.sentences:
        reach = PAIR_AFTER * 2
        # 井盖不是好好的吗？我刚看了，已经裂开了: the thing was named a sentence earlier.
        usable = [
            o for o in objects
            if o.sentence == pred.sentence - 1
            and pred.start - o.end <= PAIR_AFTER * 2
            and _accepts(o.term, pred.term)  # type: ignore[arg-type]
        ]
    before = [o for o in usable if o.end <= pred.start and pred.start - o.end <= reach]
    after = [o for o in usable if o.start >= pred.end and o.start - pred.end <= PAIR_BEFORE]
    for real in (True, False):
        near_before = [o for o in before if _is_thing(o) == real]
        if len(near_before) >= 2 and "被" in text[near_before[-2].end : near_before[-1].start]:
            near_before = near_before[:-1]  # 井盖被车压翻了: the thing, not what did it
        if near_before:
            return _with_list(text, near_before)
        near_after = [o for o in after if _is_thing(o) == real]
        if near_after:
            return near_after[:1]
    return []


def _is_thing(tok: _Token) -> bool:
    return tok.term is not None and tok.term.kind != "site"


def _with_list(text: str, before: list[_Token]) -> list[_Token]:
    """井盖和路灯都坏了: the nearest thing plus the things listed with it by 和/、."""
    group = [before[-1]]
    for earlier in reversed(before[:-1]):
        between = text[earlier.end : group[0].start].strip()
        joined = between in LIST_JOINERS
        same = not between and earlier.term and group[0].term and (
            earlier.term.category == group[0].term.category
        )
        if not (joined or same):
            break
        group.insert(0, earlier)
    return group


# What a negator does not reach across: a comma; a space between words, which ends the
# clause where a message has no punctuation (voice input, 个子不高 我爷爷找不到了); a 的,
# after which the negator describes the thing, not the danger (没拴绳的大狗追着人咬).
_NEGATION_BREAK = regexes.compile(r"[,，的]|[^\W\d_]\s+[^\W\d_]")


def _negated(text: str, tokens: list[_Token], index: int) -> bool:
    """A negator shortly before a fault in the same clause (井盖没坏, 没听到有什么噪音)."""
    return _negated_before(text, tokens, tokens[index], index - 1)


def _negated_before(
    text: str, tokens: list[_Token], target: _Token, i: int | None = None
) -> bool:
    if i is None:
        i = max((n for n, t in enumerate(tokens) if t.end <= target.start), default=-1)
    while i >= 0:
        tok = tokens[i]
        if (
            tok.sentence != target.sentence
            or target.start - tok.end > NEG_REACH
            or _NEGATION_BREAK.search(text, tok.end, target.start)
        ):
            return False
        if tok.term and tok.term.kind == "neg":
            # 带不带电, 漏不漏气, 是不是, 要不要, 有没有 ask a question (A-not-A); they
            # negate nothing.
            before = text[tok.start - 1 : tok.start]
            return not (
                before
                and (
                    (tok.word == "不" and target.word.startswith(before))
                    or (len(tok.word) == 2 and tok.word[1] == before)
                    or (tok.word in ("不", "没") and text[tok.end : tok.end + 1] == before)
                )
            )
        if tok.term and tok.term.kind in ("pred", "need", "prob", "fixed"):
            return False
        i -= 1
    return False


_PETS = regexes.compile(r"狗|猫|宠物|鹦鹉|鸟|兔")
_SIMILE = regexes.compile(r"了?(?:一样|一般|似的)")
_FIGURES = regexes.compile(
    r"(?:辣|热|晒|渴|气|急|累|忙|饿|闷|笑)(?:得|到)|嗓子|喉咙|(?<![不别恐])怕(?:会|要)?$"
)


def _figurative(text: str, start: int, end: int | None = None) -> bool:
    """辣到冒烟, 热得要冒烟, 嗓子都冒烟了, 闷得喘不过气: heat, thirst, anger or a stuffy
    room, not smoke or choking; 着火了一样的火爆: a simile; 堆满了泡沫箱，怕着火: a danger
    only feared."""
    if end is not None and _SIMILE.match(text, end):
        return True
    return bool(_FIGURES.search(text, max(0, start - 5), start))


def _feared(text: str, start: int) -> bool:
    """Whether the danger at ``start`` is what may happen (消防通道堵死了，万一着火…, 楼上
    住户一旦遇到火灾…): said after 万一, 一旦 or 要是 in its own clause, and not said to
    have come after all (我要是没看错已经冒烟了). ``_figurative`` drops a danger feared with
    怕 right before it; this one, a clause away, leaves the danger to be read as a
    hypothetical where it stands alone."""
    clause = _CLAUSE_BREAK.split(text[max(0, start - 12) : start])[-1]
    openers = list(_FEARED.finditer(clause))
    return bool(openers) and not _CAME.search(clause, openers[-1].end())


def _fix_stands(text: str, fix: _Token) -> bool:
    """Whether a word of repair (修好了, 恢复) reports a fix: not asked about, before or
    after, and not taken back."""
    return not (
        _is_question_after(text, fix.end)
        or _is_asked_before(text, fix.start, fix.end)
        or _is_contradicted_after(text, fix.end)
    )


def _is_question_after(text: str, end: int) -> bool:
    """修好了吗 asks; it does not report the fix, and neither does 恢复不 (asked the
    south-western way), 恢复不了 or 修好不到两天."""
    tail = text[end : end + 3]
    return tail[:1] in ("吗", "没", "吧", "不", "?", "？") or tail.startswith(("了吗", "没有"))


# 啥时候修好 / 能不能恢复 / 不知道有事没事: asks when or whether, does not report a fix.
_ASKED_BEFORE = regexes.compile(
    r"(?:什么时候|啥时候|什么时间|啥时间|几时|何时|多久|多长时间|哪天|几点|能不能|能否|"
    r"可不可以|是否|会不会|不知道|不晓得|有事)[^，,。！？!?\s]{0,4}$"
)
# 修好没两天又坏了 / 来看过还是不行: the problem is back after the fix, in the same breath.
_BACK_AFTER = regexes.compile(
    r"^[^。！？!?]{0,10}?(?:又|还是|仍然|依然|照样|照旧)(?:开始|有点|有些)?"
    r"[不没坏漏堵停凉冷响臭黑断滴冒渗]"
)


# 诉求：尽快恢复供水 / 希望尽快恢复 / 要求立即修复: asked for, not reported, unless it
# is said done (物业立即修复了).
_DONE = ("了", "啦", "咯", "喽", "啰", "哒")
_DONE_AFTER = regexes.compile(rf"[^，,。！？!?\s]{{0,3}}?[{''.join(_DONE)}]")
_PLEADED_BEFORE = regexes.compile(
    r"(?:尽快|尽早|立即|立刻|早日|要求|恳请|请求|希望|诉求[:：]?)(?:予以)?$"
)


def _is_asked_before(text: str, start: int, end: int) -> bool:
    if _ASKED_BEFORE.search(text, max(0, start - 10), start):
        return True
    done = text[start:end].endswith(_DONE) or bool(_DONE_AFTER.match(text, end))
    return not done and bool(_PLEADED_BEFORE.search(text, max(0, start - 6), start))


# 可 as "but" at the head of a clause, before who doubts it or what is still wrong.
_BUT_THEN = (
    "可我", "可他", "可她", "可俺", "可咱", "可人家", "可还", "可又", "可总", "可就是", "可看",
)


# 老板说没事 我觉得有事: the writer doubts the all-clear right after it.
_DOUBTED_AFTER = regexes.compile(
    r"[\s,，]*(?:我|俺|咱)(?:还是|倒是)?(?:觉得|感觉|看|寻思|估计)(?:还是|肯定|就是)?"
    r"(?:有事|不对|不行|不像|危险|悬|不放心|不太?安全|要出事)"
)


def _is_contradicted_after(text: str, end: int) -> bool:
    """现在没事但是那里有电, 店员说没事，可我看火星子都出来了: a "but" right after the
    all-clear takes it back (可 only where a clause begins with it as "but": not 没事可做
    nor 修好了，可以用了), and so does the problem back in the same sentence
    (修完热了两天又凉了) or the writer's doubt (老板说没事 我觉得有事)."""
    raw = text[end : end + 4]
    tail = raw.lstrip(" ,，")
    return (
        tail.startswith(("但", "可是", "不过"))
        or (tail.startswith(_BUT_THEN) and len(tail) < len(raw))
        or bool(_BACK_AFTER.match(text[end : end + 16]))
        or bool(_DOUBTED_AFTER.match(text, end, end + 16))
    )


def unmasked(norm: str) -> str:
    """``norm`` with each number the bot masked read as nothing, as the model reads it
    (the engine and the training replay both)."""
    if "[" in norm:
        for mask in MASKS:
            norm = norm.replace(mask, " ")
    return norm


def _unless_masked(code: re.Match[str]) -> str:
    """An emoji code ("[微笑]") becomes a space; a masked number keeps its placeholder."""
    return code.group() if code.group() in MASKS else " "


def _sentence_spans(text: str, splitter: re.Pattern[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in splitter.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _fragment(
    text: str, cand: _Candidate, patterns: Patterns, spans: list[tuple[int, int]]
) -> str:
    """The clause(s) of the message this problem came from."""
    s_start, s_end = spans[min(cand.anchor.sentence, len(spans) - 1)]
    start, end = cand.start, cand.end
    s_start, s_end = max(s_start, start - CONTEXT), min(s_end, end + CONTEXT)
    cuts = patterns.clause_split.finditer(text, s_start, start)
    left = max((m.end() for m in cuts), default=s_start)
    right_m = patterns.clause_split.search(text, end, s_end)
    right = right_m.start() if right_m else s_end
    fragment = text[left:right].strip(" ，,。！？!?；;\n")
    return fragment or text[s_start:s_end].strip()


def _nearest_location(
    cand: _Candidate, mentions: list[Mention], spans: list[tuple[int, int]]
) -> Location | None:
    if not mentions:
        return None
    s_start, s_end = spans[min(cand.anchor.sentence, len(spans) - 1)]
    same = [m for m in mentions if m.start >= s_start and m.end <= s_end]
    before = [m for m in same if m.end <= cand.anchor.end]
    if before:
        return before[-1].location
    if same:
        return same[0].location
    earlier = [m for m in mentions if m.end <= s_start]
    if earlier:
        return earlier[-1].location
    return mentions[0].location
