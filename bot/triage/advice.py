"""One line of safety advice to post with an urgent ticket.

The words that made a finding urgent decide the advice, and the advice has to fit: telling
someone who smells gas to call from inside the flat, or someone beside a sparking socket
not to take the lift, is worse than saying nothing. So each hazard gets its own line,
checked in an order where the more specific reading wins (a lift with someone inside
before any other "trapped", sparks before fire unless something is really burning), and
anything unrecognised gets none. Where the community configured a hotline for the hazard
(``[community] emergency``, e.g. "燃气抢修 96777"), the advice names it; those are public
service numbers, never a person's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.triage.model import Finding

_GAS = ("燃气", "煤气", "天然气", "漏气", "液化气", "瓦斯", "煤汽", "然气")
_TRAPPED = ("被困", "困住", "困在", "困了", "困着", "困人", "关在", "关着", "出不来", "卡住",
            "卡在", "锁在")
_BURNING = ("着火", "失火", "起火", "火灾", "火苗", "明火", "大火", "有火", "烧起来", "烧着",
            "爆炸", "炸了", "火势")
_SMOKE = ("冒烟", "浓烟", "烟雾", "黑烟", "糊味", "烧焦", "焦味", "冒火", "烟")
_ELECTRIC = ("漏电", "电线", "裸露", "带电", "触电", "电人", "电到", "火花", "短路", "露出来",
             "配电箱", "电箱", "电表", "插座", "电闸", "电缆", "变压器")
_FALLEN = ("摔倒", "跌倒", "摔了", "摔在地上", "倒在地上", "倒地", "起不来", "爬不起来",
           "站不起来", "动不了")
_UNCONSCIOUS = ("晕倒", "昏倒", "昏迷", "不省人事", "叫不醒", "没反应了", "喘不上气", "喘不过气",
                "心脏病", "犯病了", "发病", "不行了", "没气了", "抽搐")
_FLOOD = ("淹", "倒灌", "发大水", "水漫", "漫出来", "漫进", "涌出来", "进水", "没过膝盖", "齐腰",
          "爆了", "爆裂", "爆管", "水管爆")
_HOLE = ("井盖", "窨井", "下水井", "井口", "掉下去", "掉进", "坑")
_LOST = ("走丢", "走失", "迷路", "找不到家", "找不着家", "不见了", "糊涂")
_SILENT = ("没开门", "敲门没反应", "敲门不应", "联系不上", "不接电话", "没动静", "没见出门",
           "没出门")
_CRY = ("救命", "快来人", "来人啊", "救救")

# Words in a configured emergency line that say what it is for.
_GAS_LINE = ("燃气", "煤气", "天然气")
_LIFT_LINE = ("电梯",)
_POWER_LINE = ("供电", "电力", "电网")


@dataclass(frozen=True, slots=True)
class _Seen:
    """What the advice is chosen from: the urgent words, and the clause they came from
    (a lift named in the clause makes "trapped" a lift entrapment)."""

    evidence: str
    clause: str
    hotlines: Sequence[str]

    def has(self, words: Sequence[str]) -> bool:
        return any(word in self.evidence for word in words)

    def line(self, labels: Sequence[str]) -> str | None:
        """The configured emergency line for one service ("燃气抢修 96777"), if any."""
        return next((h for h in self.hotlines if any(w in h for w in labels)), None)


def _gas(seen: _Seen) -> str | None:
    if not seen.has(_GAS):
        return None
    line = seen.line(_GAS_LINE)
    call = f"拨打{line}" if line else "拨打燃气公司的抢修电话"
    return (
        "请立即开窗通风，不要开关电器、不要点火，也不要在屋里打电话；"
        f"人先撤到室外，再{call}。"
    )


def _lift(seen: _Seen) -> str | None:
    if not seen.has(_TRAPPED) or "电梯" not in seen.evidence + seen.clause:
        return None
    line = seen.line(_LIFT_LINE)
    call = f"拨打{line}或119" if line else "拨打119"
    return (
        "请被困的人保持冷静，按电梯里的警铃或拨打轿厢内的救援电话；"
        f"不要扒门，也不要自己往外爬，门外的人请{call}。"
    )


def _electric(seen: _Seen) -> str | None:
    if not seen.has(_ELECTRIC) or seen.has(_BURNING):
        return None
    line = seen.line(_POWER_LINE) or "供电抢修 95598"
    return (
        "请远离电线和附近的积水，不要用手或金属去碰，看好孩子；"
        f"能安全拉下电闸就先断电，再拨打{line}；冒烟起火时拨打119。"
    )


def _fire(seen: _Seen) -> str | None:
    if not seen.has(_BURNING) and not seen.has(_SMOKE):
        return None
    return "请立即撤离，捂住口鼻走楼梯，不要乘坐电梯，并拨打119。"


def _trapped(seen: _Seen) -> str | None:
    if not seen.has(_TRAPPED):
        return None
    return "请安慰被困的人不要慌，不要强行撬门；有人受伤或情况危急时拨打119。"


def _fallen(seen: _Seen) -> str | None:
    if not seen.has(_FALLEN):
        return None
    return "请不要随意搬动老人，先问问哪里疼、能不能说话，必要时拨打120。"


def _unconscious(seen: _Seen) -> str | None:
    if not seen.has(_UNCONSCIOUS):
        return None
    return "请立即拨打120，并让人在楼下接应救护车。"


def _flood(seen: _Seen) -> str | None:
    if not seen.has(_FLOOD):
        return None
    return "请先关闭总水阀，远离积水处的电器，必要时拉下电闸，把贵重物品移到高处。"


def _hole(seen: _Seen) -> str | None:
    if not seen.has(_HOLE):
        return None
    return "请在井口旁放上显眼的东西挡一下，看好孩子和老人，不要靠近。"


def _lost(seen: _Seen) -> str | None:
    if not seen.has(_LOST):
        return None
    return "请说清老人的样子、穿着和最后出现的地方；走失时间长了请直接拨打110。"


def _silent(seen: _Seen) -> str | None:
    if not seen.has(_SILENT):
        return None
    return "请先敲门、打电话确认；一直没有回应请拨打110或120，不要自行破门。"


def _cry(seen: _Seen) -> str | None:
    if not seen.has(_CRY):
        return None
    return "请说清具体楼号和情况，危急时直接拨打110或120。"


# The first that fits wins, so the more specific reading comes first.
_TIPS: tuple[Callable[[_Seen], str | None], ...] = (
    _gas,
    _lift,
    _electric,
    _fire,
    _trapped,
    _unconscious,
    _fallen,
    _flood,
    _hole,
    _lost,
    _silent,
    _cry,
)


def safety_advice(finding: Finding, hotlines: Sequence[str] = ()) -> str | None:
    """The advice line for an urgent finding, or None when there is none to give.

    ``hotlines`` are the community's ``[community] emergency`` lines ("燃气抢修 96777").
    """
    if not finding.urgent:
        return None
    seen = _Seen("".join(finding.evidence), finding.text, tuple(hotlines))
    for tip in _TIPS:
        if (advice := tip(seen)) is not None:
            return advice
    return None
