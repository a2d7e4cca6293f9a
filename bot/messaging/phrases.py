"""The bot's chat wording that handlers share: ticket references, summaries, durations,
labels and refusals, each written once here so the bot speaks consistently."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo

from bot.domain.lifecycle import HAND_UP_LABELS, STATUS_LABELS, Status
from bot.domain.lifecycle import RATING_LABELS as LIFECYCLE_RATING_LABELS
from bot.domain.taxonomy import category_label
from bot.messaging.parts import Mention, Text
from bot.messaging.privacy import redact
from storage.models import TicketRow

_PUNCT_TAIL = re.compile(r"[\s。.!！~～,，、;；?？]+$")
# WeChat's emoji codes ("[微笑]"), but not a masked number ("[电话已隐藏]"), which stands
# for what the person wrote.
_EMOJI_CODE = re.compile(r"\[(?!电话已隐藏\]|证件号已隐藏\])[^\[\]]{1,6}\]")
SUMMARY_LIMIT = 40
# "…井盖坏了，另外4号楼楼道灯也不亮了" opens two tickets; the second's summary starts at the
# word that joined it to the first, which means nothing once it stands alone.
_LINK_HEAD = re.compile(
    r"^(?:另外|还有就是|还有(?=[，,、:：\s])|而且|并且|同时|此外|再就是|然后|以及)[，,、:：\s]*"
)


def ref(ticket: TicketRow | int) -> str:
    return f"#{ticket if isinstance(ticket, int) else ticket.id}"


_CJK_PUNCT = re.compile(r"(?<=[\u4e00-\u9fff])([,:;!?])")
_FULL_WIDTH = str.maketrans({",": "，", ":": "：", ";": "；", "!": "！", "?": "？"})


def summary_of(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """A short, safe rendering of what the resident said, for repeating in a group.

    Matching folded the text to half-width; Chinese punctuation is restored for display.
    """
    one_line = " ".join(redact(text).split())
    one_line = _LINK_HEAD.sub("", one_line) or one_line
    one_line = _CJK_PUNCT.sub(lambda m: m.group(1).translate(_FULL_WIDTH), one_line)
    one_line = _PUNCT_TAIL.sub("", one_line)
    if len(one_line) > limit:
        return one_line[: limit - 1] + "…"
    return one_line


def as_said(text: str, limit: int) -> str:
    """Someone's words for repeating: Chinese punctuation restored, at most ``limit``."""
    words = _CJK_PUNCT.sub(lambda m: m.group(1).translate(_FULL_WIDTH), " ".join(text.split()))
    return words if len(words) <= limit else words[: limit - 1] + "…"


def headline(ticket: TicketRow) -> str:
    """'#12（市政设施）3号楼井盖坏了' — how a ticket is named in lists."""
    return f"{ref(ticket)}（{category_label(ticket.category)}）{ticket.summary}"


def mention(name: str) -> str:
    return f"@{name}"


def bare(text: str) -> str:
    """Text without emoji codes, trailing punctuation or spaces, for matching short replies."""
    text = _EMOJI_CODE.sub("", text)
    text = re.sub(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]", "", text)
    return _PUNCT_TAIL.sub("", text.strip())


def span(delta: timedelta) -> str:
    """'15分钟', '2小时', '1天4小时' — how long, the way people say it."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days}天")
    if hours:
        parts.append(f"{hours}小时")
    if mins or not parts:
        parts.append(f"{mins}分钟")
    return "".join(parts)


# --- labels and refusals said in more than one place ---------------------------------------

RATING_LABELS = LIFECYCLE_RATING_LABELS  # 满意 / 基本满意 / 不满意


def rating_label(rating: str) -> str:
    return RATING_LABELS.get(rating, rating)  # type: ignore[call-overload, no-any-return]


def rough_duration(value: timedelta | None) -> str:
    """'45分钟', '3.5小时', '2.5天' — a duration in figures and lists ('-' for none)."""
    if value is None:
        return "-"
    minutes = value.total_seconds() / 60
    if minutes < 60:
        return f"{round(minutes)}分钟"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f}".rstrip("0").rstrip(".") + "小时"
    return f"{minutes / 1440:.1f}".rstrip("0").rstrip(".") + "天"


NOT_YOUR_GRID = "不在您负责的网格"
OTHER_GRID = "其他网格"  # a ticket whose grid the config no longer lists


def ticket_outside_your_grid(ticket: TicketRow, where: str) -> str:
    """A worker acting on another grid's ticket."""
    return f"工单 {ref(ticket)} 属于{where}，{NOT_YOUR_GRID}，暂不能操作。如需协助请联系网格长。"


def ticket_not_yours_to_see(ticket: TicketRow) -> str:
    return f"工单 {ref(ticket)} {NOT_YOUR_GRID}，无法查看。"


def person_outside_your_grid(name: str) -> str:
    return f"{name}{NOT_YOUR_GRID}，跨网格的调整请联系社区工作人员。"


def grid_not_yours(grid_name: str, yours: str | None = None) -> str:
    """A grid asked for that is not the asker's; ``yours`` says what they may see instead."""
    return f"{grid_name}不在您负责的范围" + (f"，只能查看{yours}。" if yours else "。")


def recorded(text: object) -> str:
    """The confirmation to a worker who wrote from elsewhere than the ticket's group."""
    return f"好的，已记录：{text}"


# --- handing a ticket up (上报) and back (回流) --------------------------------------------

def hand_up_label(level: str | None) -> str:
    """'街道' / '12345热线': where a ticket went, as people say it."""
    return HAND_UP_LABELS.get(level, level or "上级")  # type: ignore[call-overload, no-any-return]


def handed_up_status(ticket: TicketRow) -> str:
    """'已上报街道' for a ticket with the 街道 now; other statuses say nothing here."""
    return f"已上报{hand_up_label(ticket.handed_up)}"


def hand_event_label(kind: str, detail: dict[str, object] | None) -> str | None:
    """A 上报 / 回流 event in a timeline ('上报街道：涉及产权单位', '回流：已修复'), else None."""
    detail = detail or {}
    if kind == "hand_up":
        reason = detail.get("reason")
        where = hand_up_label(str(detail.get("level") or "")) if detail.get("level") else "上级"
        return f"上报{where}" + (f"：{reason}" if reason else "")
    if kind == "hand_back":
        outcome = detail.get("outcome")
        return "回流" + (f"：{outcome}" if outcome else "")
    return None


# --- dates, and a ticket as its reporter knows it ---------------------------------------


def when(moment: datetime, tz: tzinfo) -> str:
    """'12月3日 22:06': the one way the bot writes a date and time."""
    local = moment.astimezone(tz)
    return f"{month_day(local)} {local:%H:%M}"


def month_day(day: date | datetime) -> str:
    """'12月3日': the one way a day is written (no leading zeros), dates and times alike."""
    return f"{day.month}月{day.day}日"


def day_of(moment: datetime, tz: tzinfo) -> str:
    """'12月3日': a date without the time, written the same way."""
    local = moment.astimezone(tz)
    return month_day(local)


def _about(ticket: TicketRow) -> str:
    """'您反映的“3号楼井盖坏了”（#1）' — a ticket as its reporter knows it."""
    return f"您反映的“{ticket.summary}”（{ref(ticket)}）"


# --- workers claiming, resolving, noting progress ----------------------------------------

WORKERS_ONLY = "接单和办结需要网格员来操作哦。您反映的问题我们会安排网格员跟进。"


def no_such_ticket(number: int) -> str:
    return f"没有找到工单 {ref(number)}，请核对一下编号。"


def nothing_to(verb_label: str) -> str:
    return f"您目前没有需要{verb_label}的工单。"


def which_ticket(tickets: Sequence[TicketRow], verb_label: str) -> str:
    """Several tickets could be meant: one short question listing them."""
    lines = "\n".join(headline(t) for t in tickets[:10])
    more = f"\n……共 {len(tickets)} 张" if len(tickets) > 10 else ""
    ask = f"您有 {len(tickets)} 张工单待{verb_label}，是哪一张？请回复“{verb_label} #编号”："
    return f"{ask}\n{lines}{more}"


def already_yours(ticket: TicketRow) -> str:
    return f"工单 {ref(ticket)} 您已经接过了，处理好后回复“已处理 {ref(ticket)}”即可。"


def claimed_by_other(ticket: TicketRow, holder: str) -> str:
    return f"工单 {ref(ticket)} 已由{holder}接单，无需重复认领。"


def no_claim_needed(ticket: TicketRow) -> str:
    return f"工单 {ref(ticket)} {STATUS_LABELS[Status(ticket.status)]}，无需接单。"


def already_resolved(ticket: TicketRow) -> str:
    return f"工单 {ref(ticket)} 已经处理过了，正在等待居民评价。"


def no_resolve_needed(ticket: TicketRow) -> str:
    return f"工单 {ref(ticket)} {STATUS_LABELS[Status(ticket.status)]}，无需再办结。"


def progress_noted(ticket: TicketRow, note: str) -> str:
    """A worker's "还差个零件，明天再修": kept on the ticket, which stays open."""
    return f"好的，工单 {ref(ticket)} 的情况已记下：“{note}”。处理好后说一声“修好了”就行。"


def claimed_news(ticket: TicketRow, reporter: Mention, worker: str) -> Text:
    """The reporter hears that someone took their problem."""
    return Text.of(reporter, f" {_about(ticket)}，网格员{worker}已接单，正在处理。")


RATING_ASK = "您看满意吗？回复“满意”“基本满意”或“不满意”就行，直接说说您的看法也可以。"


def rating_request(ticket: TicketRow, reporter: Mention, done: str, note: str | None) -> Text:
    """The reporter hears it is done, what was done, and is asked how it went: the one
    rating request, after a worker's resolve and after a 回流 alike."""
    what = f"办理情况：{note}。\n" if note else ""
    return Text.of(reporter, f" {_about(ticket)}，{done}。\n", what, RATING_ASK)


def resolved_news(ticket: TicketRow, reporter: Mention, worker: str) -> Text:
    return rating_request(ticket, reporter, f"网格员{worker}已经处理好了", ticket.note)


def handed_back_news(ticket: TicketRow, reporter: Mention, where: str, outcome: str) -> Text:
    """回流: the outcome from the 街道 or the hotline, and the same rating request."""
    return rating_request(ticket, reporter, f"经{where}协调，已经有结果了", outcome)


def handed_back_done(ticket: TicketRow, where: str, outcome: str) -> str:
    """To whoever typed 回流: done, and the reporter has been asked."""
    return f"好的，工单 {headline(ticket)} 已回流（{where}：{outcome}），已请居民评价。"


def awaiting_rating(ticket: TicketRow) -> str:
    """The reporter asks after a ticket that is done and waits for their word."""
    return f"{_about(ticket)}已经处理好了。{RATING_ASK}"


# --- residents rating --------------------------------------------------------------------


def rating_thanks(ticket: TicketRow, rating: str) -> str:
    return f"谢谢您的评价（{rating_label(rating)}），工单 {ref(ticket)} 已办结。"


def reopened(ticket: TicketRow, worker: Mention | None) -> Text:
    """Still broken: the ticket is open again and its worker is told, in one line."""
    if worker is None:
        return Text.of(f"抱歉还没处理好，工单 {ref(ticket)} 已重新打开，马上安排网格员再来。")
    return Text.of(f"抱歉还没处理好，工单 {ref(ticket)} 已重新打开。", worker, " 请再去看一下。")


def which_to_rate(tickets: Sequence[TicketRow]) -> str:
    lines = "\n".join(headline(t) for t in tickets[:10])
    ask = (
        f"您有 {len(tickets)} 张工单在等您评价，说的是哪一张？请回复“满意 #编号”或“不满意 #编号”："
    )
    return f"{ask}\n{lines}"


# --- what was done, as 查询 #N shows it ---------------------------------------------------

ATTACHMENT_LABELS = {"report": "问题照片", "handling": "处理照片"}


def handling_line(note: str) -> str:
    return f"办理情况：{note}"


def photos_line(photos: Sequence[tuple[str, str, str]]) -> str:
    """'照片：张阿姨 12月3日 09:02（问题照片）' for (who, when, kind) triples."""
    shown = "；".join(
        f"{who} {at}（{ATTACHMENT_LABELS.get(kind, '照片')}）" for who, at, kind in photos
    )
    return f"照片 {len(photos)} 张：{shown}"


def event_with_detail(label: str, kind: str, detail: dict[str, object]) -> str:
    """A note's words or a photo's kind after the event's label."""
    if kind == "attachment":
        return ATTACHMENT_LABELS.get(str(detail.get("kind")), label)
    text = detail.get("text")
    return f"{label}：{text}" if text else label


# --- help, FAQ and the short answer to anyone who @-mentions the bot ----------------------

# What each command is for, by its usage key (handlers/common/usage.py): how to say it, and
# what it does. Every key a handler declares must be here (tests/test_help.py checks).
HELP_LINES: dict[str, tuple[str, str]] = {
    "报修": ("直接说位置和问题，例如“3号楼井盖坏了”", "登记下来并通知网格员"),
    "满意": ("满意 / 基本满意 / 不满意", "问题处理好后给个评价，说声“谢谢”也算满意"),
    "撤销:own": ("撤销 #编号", "问题不用处理了，撤回您的反映"),
    "撤销": ("撤销 #编号 [原因]", "撤销重复或无效的工单"),
    "查询:own": ("查询 #编号", "看看您反映的问题办到哪一步了"),
    "查询": ("查询 #编号", "工单全程记录"),
    "值班": ("值班", "看看现在谁值班"),
    "接单": ("接单 #编号", "接下工单（也可以回复派单消息“收到”“马上去”）"),
    "已处理": ("已处理 #编号", "办结工单（也可以说“修好了”，再说说怎么处理的）"),
    "工单:own": ("工单 [未结|超时|今日]", "我负责的工单"),
    "工单": ("工单 [未结|超时|今日|网格|@网格员]", "工单列表"),
    "统计": ("统计 [今天|本周|本月|日期~日期] [网格]", "三率等数据"),
    "排行": ("排行 [时间]", "网格员办结数与满意率"),
    "导出": ("导出 [时间]", "工单台账（Excel）"),
    "换班": ("换班 @甲 @乙 [日期]", "两人对调某天的值班"),
    "请假": ("请假 @网格员 起 止", "登记请假，期间不派新工单"),
    "转派": ("转派 #编号 @网格员", "把工单改派给别人"),
    "上报": ("上报 #编号 街道|12345 [原因]", "社区解决不了的，交给街道或12345热线"),
    "回流": ("回流 #编号 [结果]", "上级办好后带回结果，请居民评价"),
}


def help_line(key: str, *, office: bool, resident: bool) -> str:
    """'· 值班：看看现在谁值班', with where an office-only command works."""
    say, does = HELP_LINES[key]
    where = ("（私聊我）" if resident else "（工作群或私聊）") if office else ""
    return f"· {say}：{does}{where}"


def help_text(
    community: str, lines: Sequence[str], *, resident: bool, topics: Sequence[str]
) -> str:
    """帮助: exactly what the asker may use, one line each, and what else they may ask."""
    head = (
        f"您好，我是{community}的网格助手，您可以这样跟我说："
        if resident
        else "您可以使用："
    )
    asks = [f"· 也可以直接问我：{'、'.join(topics)}"] if topics else []
    return "\n".join([head, *lines, *asks])


def what_i_do(community: str) -> str:
    """The one line for anyone who @-mentions the bot with nothing it can act on."""
    return (
        f"您好，我是{community}的网格助手。有问题直接说位置和情况，"
        "比如“3号楼井盖坏了”，我来登记并通知网格员；发“帮助”看看还能做什么。"
    )


YOU_ARE_WELCOME = "不客气！有问题随时说，说清位置和情况就行。"
WORKER_GUIDE = (
    "您好！可用指令：接单 #编号、已处理 #编号；也可以在群里引用派单消息回复“收到”接单、"
    "回复“修好了”办结。发“帮助”查看全部。"
)
ANSWERED_PRIVATELY = "这条答复里有电话号码，不便在群里发，已私信告诉您。"
# What a quoted question holds (WeChat quotes by text), so a "好的" quoting it is a yes.
REGISTER_QUESTION = "需要登记为工单吗"
ASK_TO_REGISTER = f"{REGISTER_QUESTION}？回复“登记”我就为您登记，通知网格员来处理。"


# --- a report registered (intake) -------------------------------------------------------

DEFAULT_EMERGENCY = ("火警 119", "急救 120", "报警 110")


ASK_WHERE = (
    "收到您反映的问题。请问是几号楼或哪个位置？"
    "补充楼号后我马上为您登记，例如“3号楼井盖坏了”。"
)


def besides(note: str) -> str:
    """A second paragraph riding along a dispatch: '另外，这个问题已登记为工单 …'."""
    return f"\n另外，{note}"


def registered(tickets: Sequence[TicketRow], listing: str) -> str:
    if len(tickets) == 1:
        return f"已登记工单 {listing}。"
    return f"已登记 {len(tickets)} 张工单：{listing}。"


def placed(ticket: TicketRow) -> str:
    """'1号楼402，家里漏水了': the summary, led by the place when the words lack it (the
    worker must know which door to knock on, not only the ledger)."""
    where = (ticket.location or "").removesuffix("室")
    numbers = _NUMBER.findall(where)  # 3号楼 is named in "3栋…" too
    if not where or where in ticket.summary:
        return ticket.summary
    if numbers and all(n in ticket.summary for n in numbers):
        return ticket.summary
    return f"{where}，{ticket.summary}"


_NUMBER = re.compile(r"\d+")


def _recorded_for(tickets: Sequence[TicketRow]) -> str:
    if len(tickets) == 1:
        t = tickets[0]
        return f"您反映的“{placed(t)}”已登记，编号 {ref(t)}（{category_label(t.category)}）。"
    listing = "；".join(f"{ref(t)} {placed(t)}" for t in tickets)
    return f"您反映的 {len(tickets)} 件事都已登记：{listing}。"


def dispatch(
    tickets: Sequence[TicketRow],
    reporter: Mention,
    workers: Sequence[Mention],
    urgent: bool,
    advice: str,
) -> Text:
    """The one group message for a report: to the reporter (recorded, who will come) and
    to the worker (please take it), each @-mentioned once."""
    names = Text.join(" ", workers)
    if urgent:
        return Text.of(
            "【紧急】",
            reporter,
            f" {_recorded_for(tickets)}已通知 ",
            names,
            " 立即处置！",
            f"\n安全提示：{advice}" if advice else "",
        )
    if not workers:
        return Text.of(reporter, f" {_recorded_for(tickets)}正在安排网格员，会尽快来处理。")
    return Text.of(
        reporter,
        f" {_recorded_for(tickets)}网格员",
        names,
        f" 会尽快来处理（{'、'.join(w.name for w in workers)}请回复“接单”或“马上去”）。",
    )


def registered_privately(tickets: Sequence[TicketRow], workers: Sequence[Mention]) -> str:
    who = f"网格员{'、'.join(w.name for w in workers)}" if workers else "网格员"
    return f"收到！{_recorded_for(tickets)}{who}会尽快处理，有进展会再告诉您。"


def new_ticket_for_worker(
    tickets: Sequence[TicketRow], head: str, urgent: bool, advice: str
) -> str:
    if urgent:
        tip = f"\n安全提示：{advice}" if advice else ""
        return f"【紧急】{head}请立即处置！{tip}"
    return f"新工单：{head}请接单（回复“接单 {ref(tickets[0])}”）。"


def urgent_for_staff(where: str, head: str, names: Text | None) -> Text:
    return Text.of(f"【紧急】{where}：{head}已通知", names if names else "网格员", "。")


def night_acknowledgement(
    tickets: Sequence[TicketRow], reporter: Mention, morning: datetime, emergency: Sequence[str]
) -> Text:
    """At night the group hears the dispatch only in the morning; the reporter hears now."""
    local = morning.astimezone(morning.tzinfo)
    calls = "，".join(emergency)
    return Text.of(
        reporter,
        f" {_recorded_for(tickets)}现在是夜间，网格员明早{local:%H:%M}后处理。"
        f"如遇紧急情况请直接拨打：{calls}。",
    )


# --- chasing: a ticket nobody claimed, a ticket past its time limit ---------------------
# Reminders go to the people who must act, privately or in the staff group; the residents'
# group never reads that a named worker let a ticket wait, only one reassurance.


def time_limit(limit: timedelta, working_time: bool = False) -> str:
    """'4小时', '2天（按工作时间计）': a ticket's time limit (办理时限)."""
    return span(limit) + ("（按工作时间计）" if working_time else "")


def past_limit(limit: str, over: str | None = None) -> str:
    """'已超过2天的办理时限（超出3小时）': overdue, said so that it means something."""
    return f"已超过{limit}的办理时限" + (f"（超出{over}）" if over else "")


def overdue_heading(total: int) -> str:
    return f"—— 超过办理时限仍未办结的工单 {total} 张 ——"


NO_OVERDUE = "目前没有超过办理时限仍未办结的工单。"


def unclaimed_reminder(ticket: TicketRow, waited: timedelta) -> str:
    """To the assignee, privately: their ticket waits."""
    return (
        f"⏰ 工单 {headline(ticket)} 已{span(waited)}无人接单，请尽快接单"
        f"（回复“接单 {ref(ticket)}”）。"
    )


def unclaimed_help(ticket: TicketRow, waited: timedelta, assignee: str | None) -> str:
    """To the next worker on duty, privately: please help out."""
    whose = f"（原派给{assignee}）" if assignee else ""
    return (
        f"⏰ 工单 {headline(ticket)} 已{span(waited)}无人接单{whose}，请您协助跟进；"
        f"能去的话回复“接单 {ref(ticket)}”。"
    )


def reassurance(ticket: TicketRow, reporter: Mention | None) -> Text:
    """Once per ticket, in the reporter's group: we have not forgotten you."""
    about = f"{_about(ticket)}，我们正在加紧安排，请您放心。"
    return Text.of(reporter, f" {about}") if reporter else Text.of(about)


def unclaimed_for_leader(ticket: TicketRow, waited: timedelta, reminded: Sequence[str]) -> str:
    """To the grid leader, privately (or to the staff group when the grid has none)."""
    who = "、".join(reminded) or "网格员"
    return (
        f"⏰ 工单 {headline(ticket)} 已{span(waited)}无人接单，已私信提醒{who}。"
        f"请协调安排（可回复“转派 {ref(ticket)} @网格员”）。"
    )


def unclaimed_for_staff(
    ticket: TicketRow, where: str, waited: timedelta, reminded: Sequence[str],
    leader: str | None, staff: Sequence[Mention],
) -> Text:
    """The top of the ladder, in the staff group."""
    who = "、".join([*reminded, *([f"网格长{leader}"] if leader else [])]) or "网格员"
    return Text.of(
        f"⚠️ {where}工单 {headline(ticket)} 已{span(waited)}无人接单，已提醒{who}。",
        Text.join(" ", staff),
        " 请社区协调处置。",
    )


def overdue_warning(ticket: TicketRow, limit: str, due: str) -> str:
    """To the assignee, privately, at 80% of the time limit."""
    return (
        f"⏳ 工单 {headline(ticket)} 的办理时限是{limit}，将于{due}到期，请抓紧处理；"
        f"处理好后回复“已处理 {ref(ticket)}”。"
    )


def overdue_due(ticket: TicketRow, limit: str) -> str:
    """To the assignee (or the leader), privately, at the limit."""
    return (
        f"⌛ 工单 {headline(ticket)} 已到{limit}的办理时限，还没有办结，请尽快处理；"
        "有困难请联系网格长。"
    )


def overdue_report(
    ticket: TicketRow, where: str, holder: str | None, limit: str, over: timedelta,
    people: Sequence[Mention],
) -> Text:
    """To the leader and staff, in the staff group, once the limit is well past."""
    who = f"负责人{holder}" if holder else "还没有人接单"
    by = span(over) if over >= timedelta(minutes=1) else None
    return Text.of(
        f"🔴 {where}工单 {headline(ticket)} {past_limit(limit, by)}，仍未办结（{who}）。",
        Text.join(" ", people),
        " 请督办。",
    )


def duty_today(month_day: str, grid: str, names: Sequence[str]) -> str:
    """The morning duty post in a residents' group (off by default)."""
    who = "、".join(names) or "社区值班员"
    return (
        f"【今日值班】{month_day} {grid}：{who}。"
        "有问题请直接在群里说明位置和情况，我会登记并通知值班网格员。"
    )


# --- quiet hours ---------------------------------------------------------------------

MORNING_HEADER = "早上好！夜间的消息汇总如下："


def held_for_morning(where: str, until: datetime) -> str:
    """Before the private copy of a group message held for the morning."""
    return f"【夜间，{where}将于{until:%H:%M}统一通知】"


# --- changing a ticket on someone's say-so: 转派, 撤销, 上报, 回流 --------------------------


def nothing_to_do(ticket: TicketRow, verb: str) -> str:
    """'工单 #3 已办结，无需撤销。': the ticket is past what was asked."""
    return f"工单 {ref(ticket)} {STATUS_LABELS[Status(ticket.status)]}，无需{verb}。"


def other_grids_ticket(ticket: TicketRow, grid_name: str | None, verb: str) -> str:
    return (
        f"工单 {ref(ticket)} 属于{grid_name or OTHER_GRID}，"
        f"请由该网格的网格长或社区工作人员{verb}。"
    )


def not_in_tickets_grid(name: str, ticket: TicketRow) -> str:
    return (
        f"{name}不是工单 {ref(ticket)} 所在网格的人员，接手后无法办理。"
        "请转派给本网格人员或社区工作人员。"
    )


def already_assigned_to(ticket: TicketRow, name: str) -> str:
    return f"工单 {ref(ticket)} 已经派给{name}了。"


def transferred(ticket: TicketRow, by: str, before: str | None, target: Mention) -> Text:
    was = f"（原负责人{before}）" if before else ""
    return Text.of(
        f"工单 {headline(ticket)} 已由{by}转派{was}。",
        target,
        f" 请接单（回复“接单 {ref(ticket)}”）。",
    )


def cancel_after_resolved(ticket: TicketRow, resident: bool) -> str:
    if resident:
        return f"工单 {ref(ticket)} 已经处理好了，正在等您评价。{RATING_ASK}"
    return f"工单 {ref(ticket)} 已处理，正在等待居民评价，不能再撤销。"


def already_cancelled(ticket: TicketRow) -> str:
    return f"工单 {ref(ticket)} 已经撤销了。"


def cancel_request_kept(ticket: TicketRow, worker: Mention | None) -> Text:
    """A resident asked to withdraw an urgent ticket, or one others reported too."""
    why = (
        "紧急情况需要网格员到场确认"
        if ticket.urgent
        else f"还有其他 {ticket.reports - 1} 位居民反映了同样的问题"
    )
    check = Text.of(worker, " 请核实一下，") if worker else Text.of("网格员会核实，")
    return Text.of(f"收到。工单 {ref(ticket)} {why}，暂不撤销。", check, "确认没问题后再办结。")


def cancelled_news(ticket: TicketRow, by: str, because: str, worker: Mention | None) -> Text:
    """'工单 #3 已由陈主任撤销（重复登记）。@王芳 这张不用再处理了。'"""
    tell = Text.of(worker, " 这张不用再处理了。") if worker else Text.of()
    return Text.of(f"工单 {headline(ticket)} 已由{by}撤销{because}。", tell)


def cancelled_for_reporter(ticket: TicketRow, because: str, worker: Mention | None) -> Text:
    tell = Text.of(worker, " 这张不用再处理了。") if worker else Text.of()
    return Text.of(
        f"好的，您反映的工单 {headline(ticket)} 已撤销{because}。", tell, "以后有问题随时说。"
    )


CANCEL_NOT_FOR_WORKERS = (
    "撤销工单需要反映问题的居民本人、网格长或社区工作人员操作。"
    "如果问题已经解决，请回复“已处理 #编号”。"
)
CANCEL_WHICH_NUMBER = "请写明要撤销的工单编号，例如：撤销 #12"
NOTHING_TO_CANCEL = "您目前没有可以撤销的工单。"


def no_such_report_of_yours(number: int) -> str:
    return f"没有找到您反映的工单 {ref(number)}，请核对一下编号。"


def which_to_cancel(tickets: Sequence[TicketRow]) -> str:
    """A resident's '撤销工单' with several open: which one?"""
    lines = "\n".join(headline(t) for t in tickets[:10])
    return f"您有 {len(tickets)} 张工单正在处理，请回复“撤销 #编号”：\n{lines}"


HAND_UP_FORMAT = "上报的格式：上报 #编号 街道|12345 原因，例如“上报 #12 街道 涉及产权单位”。"


def already_handed_up(ticket: TicketRow) -> str:
    return f"工单 {ref(ticket)} {handed_up_status(ticket)}，等待回流即可。"


def handed_up_news(
    ticket: TicketRow, by: str, where: str, because: str, worker: Mention | None
) -> Text:
    told = Text.of(
        f"工单 {headline(ticket)} 已由{by}上报{where}{because}，"
        f"由{where}协调解决，有结果会在这里告诉大家。"
    )
    if worker is None:
        return told
    return told + Text.of(" ", worker, " 这张已交上级办理，请配合对接，不再按办理时限催办。")


def not_handed_up(ticket: TicketRow) -> str:
    return f"工单 {ref(ticket)} {STATUS_LABELS[Status(ticket.status)]}，没有上报，无需回流。"


def hand_back_needs_outcome(ticket: TicketRow, where: str) -> str:
    return f"请写上{where}的办理结果，例如：回流 {ref(ticket)} 街道已协调物业修好"


def hand_needs_leader(verb: str) -> str:
    return f"{verb}工单需要网格长或社区工作人员操作。"


# --- a reporter asking after their ticket (催办) ----------------------------------------

NOTHING_TO_FOLLOW = (
    "没有查到您还未办结的相关工单。如果问题还在，请说明位置和情况，我马上为您登记。"
)


def being_arranged(ticket: TicketRow) -> str:
    status = STATUS_LABELS[Status(ticket.status)]
    return f"{_about(ticket)}目前{status}，正在安排网格员，请您放心。"


def progress_asked(ticket: TicketRow, worker: Mention) -> Text:
    """The answer to the reporter, and a nudge to the worker, in one message."""
    return Text.of(
        f"{_about(ticket)}目前{STATUS_LABELS[Status(ticket.status)]}，负责人{worker.name}。",
        worker,
        " 居民在询问进度，请及时反馈。",
    )


# --- the duty roster: 换班 and 请假, in chat or on the console ---------------------------


def date_out_of_range(day: date, first_year: int, last_year: int) -> str:
    """A date nobody's duty can be about (a typo like 9999-12-31)."""
    return f"{day} 超出了可登记的范围（{first_year}—{last_year}年），请核对日期。"


def swap_day_past(day: date) -> str:
    return f"{month_day(day)}已经过去了，换班请填今天或以后的日期。"


def swap_recorded(day: date, a: str, b: str) -> str:
    return (
        f"已登记换班：{month_day(day)}{a}的班由{b}值，{b}的班由{a}值。"
        "发“值班”可查看当天值班安排。"
    )


def leave_ends_before_it_starts(first: date, last: date) -> str:
    return f"结束日期{month_day(last)}早于开始日期{month_day(first)}，请核对一下。"


LEAVE_TOO_LONG = "请假不能超过一年，请核对日期。"


def leave_recorded(name: str, first: date, last: date) -> str:
    days = month_day(first) if first == last else f"{month_day(first)}至{month_day(last)}"
    return f"已登记：{name}{days}请假，期间新工单不再派给{name}。"


def leave_leaves_open(name: str, tickets: Sequence[TicketRow]) -> str:
    """After 请假: the tickets the person still holds (leave does not move them)."""
    listing = "、".join(ref(t) for t in tickets[:10])
    return (
        f"{name}手上还有 {len(tickets)} 张未办结工单（{listing}），"
        "如需转派请发“转派 #编号 @同事”。"
    )


# --- figures: 统计, 排行 and the scheduled reports to the staff group -------------------


def percent(rate: float | None) -> str:
    """'87%' ('-' when there was nothing to count)."""
    return "-" if rate is None else f"{rate * 100:.0f}%"


def counts_line(received: int, claimed: int, resolved: int, closed: int) -> str:
    return f"受理 {received}｜接单 {claimed}｜办结 {resolved}｜结案 {closed}"


def overdue_line(overdue: int, cancelled: int, handed_up: int) -> str:
    """'超时 2｜撤销 1｜上报 1': the last two only when there are any."""
    return (
        f"超时 {overdue}"
        + (f"｜撤销 {cancelled}" if cancelled else "")
        + (f"｜上报 {handed_up}" if handed_up else "")
    )


def response_rate_line(rate: float | None, responded: int, due: int) -> str:
    return f"响应率 {percent(rate)}（{responded}/{due}）"


def resolution_rate_line(rate: float | None, resolved: int, valid: int) -> str:
    return f"解决率 {percent(rate)}（{resolved}/{valid}）"


def satisfaction_rate_line(rate: float | None, good: int, rated: int) -> str:
    return f"满意率 {percent(rate)}（{good}/{rated}）"


def median_claim_line(value: timedelta | None) -> str:
    return f"接单用时中位 {rough_duration(value)}"


def median_resolve_line(value: timedelta | None) -> str:
    return f"办结用时中位 {rough_duration(value)}"


NOTHING_RECEIVED = "这段时间没有受理工单。"
BY_CATEGORY = "—— 按类别 ——"
BY_GRID = "—— 按网格 ——"


def category_figures(label: str, received: int, resolved: int, overdue: int) -> str:
    return f"{label} {received}｜办结 {resolved}｜超时 {overdue}"


def grid_figures(
    label: str,
    received: int,
    response: float | None,
    resolution: float | None,
    satisfaction: float | None,
) -> str:
    return (
        f"{label} {received}｜响应 {percent(response)}"
        f"｜解决 {percent(resolution)}｜满意 {percent(satisfaction)}"
    )


def figures_title(where: str, title: str) -> str:
    return f"📊 {where} {title}"


def daily_report_title(community: str) -> str:
    return f"📋 {community} 日报"


def report_day(day: date, weekday: str) -> str:
    """'12月3日周三': the day a daily report covers."""
    return f"{month_day(day)}{weekday}"


NOTHING_RECEIVED_YESTERDAY = "昨日没有受理工单。"
UNASSIGNED = "未分配"


def overdue_entry(ticket: TicketRow, worker: str, late: str) -> str:
    """'#12 市政设施 王芳 已超过2天的办理时限（超出3小时）｜3号楼井盖坏了'."""
    return f"{ref(ticket)} {category_label(ticket.category)} {worker} {late}｜{ticket.summary}"


def more_overdue(count: int) -> str:
    return f"……另有 {count} 张，回复“工单 超时”查看"


def weekly_chart_title(community: str, period: str) -> str:
    return f"{community} 周报 {period}"


def ranking_title(where: str) -> str:
    return f"🏆 {where} 网格员排行"


NOTHING_RESOLVED = "这段时间还没有办结的工单。"


def ranking_line(place: int, name: str, resolved: int, rate: float | None, good: int,
                 rated: int) -> str:
    """'1. 王芳 办结 12｜满意率 92%（11/12）'."""
    return f"{place}. {name} 办结 {resolved}｜满意率 {percent(rate)}（{good}/{rated}）"


# --- staff commands: 查询 #N, 工单, 统计, 排行, 导出 ----------------------------------------

PERIOD_HINT = "时间可以写：今天、昨天、本周、本月，或 2026-11-01~2026-11-30。"


def bad_period(problem: str) -> str:
    """A period that cannot be read: what is wrong with it, and how to write one."""
    return f"{problem}。{PERIOD_HINT}"


def office_only(word: str) -> str:
    """A resident asking for a staff command."""
    return (
        f"抱歉，“{word}”是社区工作人员使用的功能。"
        "您遇到问题直接说明位置和情况即可，我会登记并通知网格员；回复“帮助”查看可用功能。"
    )


def needs_manager(word: str, allowed: Sequence[str]) -> str:
    """A worker asking for a command of leaders and staff: what they may use instead."""
    return (
        f"抱歉，“{word}”需要社区工作人员或网格长权限。"
        f"您可以使用：{'、'.join(allowed)}（回复“帮助”查看说明）。"
    )


QUERY_WHICH_NUMBER = "请写明工单编号，例如：查询 #12"


def no_ticket_you_may_see(number: str) -> str:
    """``number`` as it was typed."""
    return f"没有找到您可以查看的工单 #{number}，请核对编号。"


def timeline_head(ticket: TicketRow, status: str) -> str:
    """'工单 #12 【紧急】市政设施｜处理中': the first line of 查询 #N."""
    urgent = "【紧急】" if ticket.urgent else ""
    return f"工单 {ref(ticket)} {urgent}{category_label(ticket.category)}｜{status}"


def timeline_people(grid: str, assignee: str) -> str:
    return f"网格：{grid}  负责：{assignee}"


def timeline_reporter(reporter: str, group: str | None) -> str:
    """Who reported it, and where ('（私信）' when privately)."""
    return f"反映：{reporter}" + (f"（{group}）" if group else "（私信）")


def times_reported(count: int) -> str:
    return f"共 {count} 人次反映"


def escalated_to(level: int) -> str:
    return f"升级：{level} 级"


def rated_event(rating: str) -> str:
    return f"评价：{rating_label(rating)}"


TIMELINE_RECORD = "—— 记录 ——"

MINE = "我负责的"
OWN_LIST_USAGE = "您可以查看自己负责的工单：工单 [未结|超时|今日]"


def handled_by(name: str) -> str:
    """'王芳负责的', before the kind of list ('王芳负责的未结工单')."""
    return f"{name}负责的"


def unknown_list_word(word: str) -> str:
    return f"不认识“{word}”。可以写：工单 未结 / 超时 / 今日 / 网格名 / @网格员"


def list_title(whose: str, kind: str) -> str:
    """'我负责的超时工单', '东区未结工单'."""
    return f"{whose}{kind}工单"


def list_empty(title: str) -> str:
    return f"{title}：没有。"


def list_heading(title: str, total: int) -> str:
    return f"{title} {total} 张："


def more_in_list(count: int) -> str:
    return f"……另有 {count} 张，可加网格或 @网格员 缩小范围"


def ticket_line(ticket: TicketRow, status: str, who: str, late: str) -> str:
    """'#12 【急】处理中 市政设施 王芳 已超过2天的办理时限（超出3小时）｜3号楼井盖坏了';
    ``late`` is empty or starts with a space."""
    urgent = "【急】" if ticket.urgent else ""
    label = category_label(ticket.category)
    return f"{ref(ticket)} {urgent}{status} {label} {who}{late}｜{ticket.summary}"


def unknown_period_word(word: str) -> str:
    return (
        f"不认识“{word}”。时间写：今天、昨天、本周、本月或 2026-11-01~2026-11-30；"
        "网格写网格名。"
    )


THIS_GRID = "本网格"


def exported(where: str, period: str, rows: int, filename: str) -> str:
    """导出: the ledger is attached; the chat names the file, never where it lies."""
    return f"已导出{where}工单台账：{period}，共 {rows} 张工单。\n文件：{filename}"


# --- duty in chat: 值班, and who may change it ------------------------------------------

COMMUNITY_STAFF = "社区工作人员"


def duty_needs_manager(verb: str, ask: str) -> str:
    """换班, 请假, 转派 from someone who may not: ``ask`` names who can."""
    return f"{verb}需要网格长或社区工作人员操作。请联系{ask}帮您安排。"


def on_duty_heading(local: datetime, day_kind: str) -> str:
    """'现在（11月24日 09:30，工作日）值班：'."""
    return f"现在（{month_day(local)} {local:%H:%M}，{day_kind}）值班："


def on_duty_rule(grid: str, name: str, rule: str) -> str:
    return f"{grid}：{name}（{rule}）"


def on_duty(grid: str, names: Sequence[str]) -> str:
    return f"{grid}：{'、'.join(names) or '社区值班员'}"


ON_DUTY_TIP = "有问题直接在群里说明位置和情况，我会通知值班人员。"
SWAP_USAGE = "换班的格式：换班 @甲 @乙 日期，例如“换班 @王芳 @赵强 11月25日”。"
LEAVE_USAGE = "请假的格式：请假 @某人 开始日期 结束日期，例如“请假 @王芳 11月24日 11月26日”。"
TRANSFER_USAGE = "转派的格式：转派 #工单号 @接手的人，例如“转派 #12 @赵强”。"


# --- 我的ID / 本群ID, always answered privately -----------------------------------------


def your_id(person_id: str, name: str | None) -> str:
    return f"您的ID：{person_id}" + (f"\n显示名：{name}" if name else "")


ASK_GROUP_ID_IN_THE_GROUP = "请在要查询的群里发“本群ID”，我会私信告诉您。"
GROUP_ID_STAFF_ONLY = "“本群ID”只有社区工作人员和管理员可以查询。您可以发“我的ID”查自己的ID。"


def group_id(chat_id: str, name: str | None, listed: bool) -> str:
    """本群ID, and what to do with it when the config does not list the group yet."""
    text = f"本群ID：{chat_id}" + (f"\n群名：{name}" if name else "")
    if not listed:
        text += "\n这个群还没有写进配置，把它加到 [[groups]] 后我才会在群里服务。"
    return text


# --- the same problem reported again ------------------------------------------------------


def already_reported(tickets: Sequence[tuple[TicketRow, str | None]]) -> str:
    """'这个问题已登记为工单 #12（王芳负责，处理中）…' for (ticket, assignee's name) pairs."""
    parts = [
        f"{ref(t)}（{who or '网格员'}负责，{STATUS_LABELS[Status(t.status)]}）"
        for t, who in tickets
    ]
    return f"这个问题已登记为工单 {'、'.join(parts)}，已记下您的反映，会一并跟进。"


# --- a day's duty set on the console's 值班 page (bot.runtime.duty_changes.set_shift) -------

SHIFT_SAME_PERSON = "值班的人和被顶替的人不能是同一位，请重新选择。"


def shift_day_past(day: date) -> str:
    return f"{month_day(day)}已经过去了，排班请填今天或以后的日期。"


def shift_not_on_duty(name: str, day: date, grid_name: str) -> str:
    return f"{name}{month_day(day)}不在{grid_name}值班，请核对要顶替的人和日期。"


def shift_already_on_duty(name: str, day: date, grid_name: str) -> str:
    return f"{name}{month_day(day)}已经在{grid_name}值班了，不用再登记。"


def shift_recorded(grid_name: str, day: date, name: str, replaced: str | None) -> str:
    """'已登记：11月26日第一网格由李明顶替王芳值班。' or '…李明加入第一网格值班。'"""
    who = f"{grid_name}由{name}顶替{replaced}值班" if replaced else f"{name}加入{grid_name}值班"
    return f"已登记：{month_day(day)}{who}。发“值班”可查看当天值班安排。"
