"""One line of safety advice to post with an urgent ticket.

The words that made a finding urgent decide the advice: telling someone who smells gas to
call 119 from inside the flat is worse than saying nothing, so each hazard gets its own
line and anything unrecognised gets none.
"""

from __future__ import annotations

from bot.triage.model import Finding

# (hazard words, advice); the first whose words appear in the evidence wins.
_ADVICE: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("燃气", "煤气", "天然气", "漏气", "液化气", "泄漏"),
        "请立即开窗通风，不要开关电器、不要动明火，撤离后拨打燃气抢修电话",
    ),
    (
        ("着火", "失火", "起火", "火灾", "冒烟", "浓烟", "烟雾", "烧", "火苗", "冒火", "明火",
         "大火", "有火", "爆炸", "炸", "糊味", "烟"),
        "请立即撤离并拨打119，不要乘坐电梯",
    ),
    (
        ("漏电", "电线", "裸露", "带电", "触电", "电人", "电到", "火花", "短路", "露出来"),
        "请远离电线和积水，不要用手触碰，必要时拨打供电抢修电话95598",
    ),
    (
        ("被困", "困住", "困在", "关在", "出不来", "关在电梯"),
        "被困人员请保持冷静，按电梯内警铃或拨打电梯内救援电话，不要扒门",
    ),
    (
        ("摔倒", "跌倒", "摔了", "摔在地上", "倒在地上", "倒地", "起不来", "爬不起来",
         "站不起来", "动不了"),
        "请不要随意搬动老人，必要时拨打120",
    ),
    (
        ("晕倒", "昏倒", "昏迷", "不省人事", "叫不醒", "没反应了", "喘不上气", "喘不过气",
         "心脏病犯了", "犯病了", "发病", "不行了", "没气了"),
        "请立即拨打120，并让人在楼下接应救护车",
    ),
    (
        ("淹", "倒灌", "发大水", "水漫", "漫出来", "漫进", "涌出来", "进水", "没过膝盖", "齐腰",
         "爆了", "爆裂", "爆管"),
        "请先关闭总水阀和电闸，远离积水处的电器，把贵重物品移到高处",
    ),
    (
        ("救命", "快来人", "来人啊", "救救"),
        "请说清具体楼号和情况，危急时直接拨打110或120",
    ),
)


def safety_advice(finding: Finding) -> str | None:
    """The advice line for an urgent finding, or None when there is none to give."""
    if not finding.urgent:
        return None
    evidence = "".join(finding.evidence)
    for words, advice in _ADVICE:
        if any(word in evidence for word in words):
            return advice
    return None
