"""Reporting periods as staff say them: 今天, 昨天, 本周, 上周, 本月, 上月, 2026-11-01~2026-11-30.

Days, weeks and months begin at local midnight in the community's time zone, not in UTC: a
ticket a resident sent at 07:00 Beijing time belongs to that day's figures even though it is
the previous day in UTC. A period is half-open, [start, end), so adjacent periods never
count a ticket twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.messaging.textnorm import clip

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
MAX_RANGE_DAYS = 3660  # ten years: anything longer is a typo, not a question
# Dates a community's figures can be about. Outside them a date is a typo, and near the
# ends of Python's calendar (0001, 9999) the day arithmetic below would overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2099

_DATE = r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
_RANGE = re.compile(rf"^{_DATE}\s*(?:~|～|至|到|—|--|-)\s*{_DATE}$")
_SINGLE = re.compile(rf"^{_DATE}$")


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open span of local days, with the words used to name it in replies."""

    label: str  # "本月", "昨天", "2026-11-01~2026-11-07"
    start: datetime  # aware, local midnight of the first day
    end: datetime  # aware, local midnight after the last day (exclusive)

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()

    @property
    def days(self) -> list[date]:
        first, last = self.first_day, self.last_day
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    def describe(self) -> str:
        """'本月（11月1日—11月30日）': the words staff used plus the dates they stand for."""
        first, last = self.first_day, self.last_day
        if first == last:
            span = f"{first.month}月{first.day}日{WEEKDAYS[first.weekday()]}"
        else:
            span = f"{first.month}月{first.day}日—{last.month}月{last.day}日"
            if first.year != last.year:
                span = f"{first:%Y-%m-%d}—{last:%Y-%m-%d}"
        if self.label and not self.label[0].isdigit():
            return f"{self.label}（{span}）"
        return span


class PeriodError(ValueError):
    """Words that look like a period but are not a valid one; the message says why, in Chinese."""


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def day_period(day: date, tz: ZoneInfo, label: str | None = None) -> Period:
    return Period(
        label or day.isoformat(),
        local_midnight(day, tz),
        local_midnight(day + timedelta(days=1), tz),
    )


def days_period(first: date, last: date, tz: ZoneInfo, label: str | None = None) -> Period:
    return Period(
        label or f"{first.isoformat()}~{last.isoformat()}",
        local_midnight(first, tz),
        local_midnight(last + timedelta(days=1), tz),
    )


def week_of(day: date, tz: ZoneInfo, label: str) -> Period:
    monday = day - timedelta(days=day.weekday())
    return days_period(monday, monday + timedelta(days=6), tz, label)


def month_of(day: date, tz: ZoneInfo, label: str) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return days_period(first, following - timedelta(days=1), tz, label)


def parse_period(text: str, now: datetime, tz: ZoneInfo) -> Period | None:
    """The period ``text`` names, None when it names none, PeriodError when it is malformed."""
    words = text.strip().replace(" ", "")
    today = now.astimezone(tz).date()
    named = {
        "今天": lambda: day_period(today, tz, "今天"),
        "今日": lambda: day_period(today, tz, "今天"),
        "昨天": lambda: day_period(today - timedelta(days=1), tz, "昨天"),
        "昨日": lambda: day_period(today - timedelta(days=1), tz, "昨天"),
        "本周": lambda: week_of(today, tz, "本周"),
        "这周": lambda: week_of(today, tz, "本周"),
        "上周": lambda: week_of(today - timedelta(days=7), tz, "上周"),
        "本月": lambda: month_of(today, tz, "本月"),
        "这个月": lambda: month_of(today, tz, "本月"),
        "上月": lambda: month_of(today.replace(day=1) - timedelta(days=1), tz, "上月"),
        "上个月": lambda: month_of(today.replace(day=1) - timedelta(days=1), tz, "上月"),
    }
    if words in named:
        return named[words]()
    if m := _RANGE.match(words):
        first, last = _date(m.group(1, 2, 3)), _date(m.group(4, 5, 6))
        if last < first:
            raise PeriodError(f"结束日期 {last} 早于开始日期 {first}")
        if (last - first).days > MAX_RANGE_DAYS:
            raise PeriodError("时间范围太长，请缩短到十年以内")
        return days_period(first, last, tz)
    if m := _SINGLE.match(words):
        return day_period(_date(m.group(1, 2, 3)), tz)
    if re.match(r"^\d{4}[-/.年]", words):
        raise PeriodError(f"“{clip(text.strip())}”不是有效的日期，格式如 2026-11-01~2026-11-30")
    return None


def _date(parts: tuple[str, ...]) -> date:
    try:
        day = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError as exc:
        raise PeriodError(f"{parts[0]}-{parts[1]}-{parts[2]} 不是有效的日期") from exc
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise PeriodError(f"{day} 超出了可查询的范围（{FIRST_YEAR}—{LAST_YEAR}年）")
    return day
