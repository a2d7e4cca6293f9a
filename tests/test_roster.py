"""The roster on its own: precedence, calendars, officers, working time, config errors."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.config import ConfigError
from bot.config.duty import DutyConfig, Leave, Override
from bot.domain.roster import Roster, working_deadline
from tests.support.duty import CHASING, config_with, roster_config

TZ_OFFSET = "+08:00"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text + TZ_OFFSET)


def people(roster: Roster, grid: str, when: str) -> list[str]:
    return [d.person for d in roster.on_duty(grid, at(when))]


def test_no_roster_means_every_worker_all_the_time(sample_config) -> None:
    roster = Roster(sample_config)
    for when in ("2026-11-23T03:00", "2026-11-28T23:00", "2026-10-01T12:00"):
        assert people(roster, "g1", when) == ["wx-wang", "wx-zhao"]
    assert "未配置排班" in roster.on_duty("g1", at("2026-11-23T03:00"))[0].rule


def test_shift_officer_and_calendar() -> None:
    roster = Roster(roster_config())
    assert people(roster, "g1", "2026-11-23T10:00") == ["wx-wang", "wx-zhao"]  # Monday
    # 23:00 on a workday: off-hours, the duty officer.
    night = roster.on_duty("g1", at("2026-11-23T23:00"))
    assert [d.person for d in night] == ["wx-chen"] and night[0].kind == "officer"
    # A public holiday (Thursday 10-01) and an ordinary Saturday: the officer.
    assert people(roster, "g1", "2026-10-01T10:00") == ["wx-chen"]
    assert "法定节假日" in roster.on_duty("g1", at("2026-10-01T10:00"))[0].rule
    assert people(roster, "g1", "2026-11-28T10:00") == ["wx-chen"]
    # A make-up workday (Saturday 10-10) is a workday.
    assert people(roster, "g1", "2026-10-10T10:00") == ["wx-wang", "wx-zhao"]
    # Shift boundaries: 08:30 in, 17:30 out.
    assert people(roster, "g1", "2026-11-23T08:29") == ["wx-chen"]
    assert people(roster, "g1", "2026-11-23T08:30") == ["wx-wang", "wx-zhao"]
    assert people(roster, "g1", "2026-11-23T17:30") == ["wx-chen"]


def test_daily_rotation_hands_off_each_day() -> None:
    roster = Roster(roster_config())
    days = [people(roster, "g2", f"2026-11-{d}T10:00") for d in (23, 24, 25)]
    # rotation_start 2026-01-05 is 322 days (even) before 11-23: the first listed.
    assert days == [["wx-li"], ["wx-zhou"], ["wx-li"]]
    assert "日轮值" in roster.on_duty("g2", at("2026-11-23T10:00"))[0].rule


def test_weekly_rotation_and_weekday_names() -> None:
    extra = """
[duty]
rotation_start = "2026-11-23"

[[duty.shifts]]
grid = "g1"
days = ["mon", "tue", "wed", "thu", "fri", "sat"]
time = "22:00-08:00"
workers = ["wx-wang", "wx-zhao"]
rotation = "weekly"
"""
    roster = Roster(config_with(extra))
    assert people(roster, "g1", "2026-11-23T23:00") == ["wx-wang"]
    assert people(roster, "g1", "2026-11-24T03:00") == ["wx-wang"]  # Monday night's shift
    assert people(roster, "g1", "2026-11-30T23:00") == ["wx-zhao"]  # next week
    # Sunday night is not in the shift; nobody else is configured: the leader.
    fallback = roster.on_duty("g1", at("2026-11-29T23:00"))
    assert [d.person for d in fallback] == ["wx-liu"] and fallback[0].kind == "leader"


def test_precedence_override_beats_leave_beats_rotation() -> None:
    config = roster_config()
    day = date(2026, 11, 23)
    base = Roster(config)
    on = people(base, "g2", "2026-11-23T10:00")[0]
    other = "wx-li" if on == "wx-zhou" else "wx-zhou"
    # Leave beats rotation: the rotation's person is away, the next in turn takes the day.
    away = Roster(config, leave=[Leave(on, day, day)])
    entry = away.on_duty("g2", at("2026-11-23T10:00"))
    assert [d.person for d in entry] == [other] and "请假，顺延" in entry[0].rule
    # Override beats leave: someone covering the day is on duty even if on leave.
    cover = Override(day, "wx-li" if on != "wx-li" else "wx-zhou", replaces=on)
    both = Roster(config, overrides=[cover], leave=[Leave(cover.person, day, day)])
    got = both.on_duty("g2", at("2026-11-23T10:00"))
    assert [d.person for d in got] == [cover.person] and got[0].kind == "override"
    # An override of the officer applies off-hours too.
    officer = Roster(config, overrides=[Override(day, "wx-sun", replaces="wx-chen")])
    assert people(officer, "g1", "2026-11-23T23:00") == ["wx-sun"]
    # Leave outside its dates changes nothing.
    later = Roster(config, leave=[Leave(on, day + timedelta(days=7), day + timedelta(days=8))])
    assert people(later, "g2", "2026-11-23T10:00") == [on]


def test_describe_names_the_rule() -> None:
    text = Roster(roster_config()).describe(at("2026-11-23T23:00"), ["g1"])
    assert "陈主任（wx-chen）" in text and "社区值班员" in text and "第二网格" not in text


def test_working_time_deadline() -> None:
    config = roster_config()
    cal, hours, tz = config.duty.calendar, config.duty.duty.working_hours, config.timezone
    one_day = timedelta(days=1)
    assert working_deadline(at("2026-11-23T10:00"), one_day, cal, hours, tz) == at(
        "2026-11-24T10:00"
    )
    # Friday afternoon → Monday afternoon; a report at night starts next morning.
    assert working_deadline(at("2026-11-27T16:00"), one_day, cal, hours, tz) == at(
        "2026-11-30T16:00"
    )
    assert working_deadline(at("2026-11-23T22:00"), timedelta(hours=2), cal, hours, tz) == at(
        "2026-11-24T10:30"
    )
    # The National Day holiday is skipped; the make-up Saturday 10-10 counts.
    assert working_deadline(at("2026-09-30T16:00"), one_day, cal, hours, tz) == at(
        "2026-10-08T16:00"
    )
    assert working_deadline(at("2026-10-09T16:00"), one_day, cal, hours, tz) == at(
        "2026-10-10T16:00"
    )


def test_defaults_and_switches(sample_config) -> None:
    duty = sample_config.duty
    # Chasing is on by default, with the intervals and limits.
    assert duty.escalation.enabled and duty.overdue.enabled
    assert duty.escalation.interval(False) == timedelta(minutes=15)
    assert duty.escalation.interval(True) == timedelta(minutes=3)
    assert duty.overdue.limit("municipal") == timedelta(hours=24)
    assert duty.overdue.limit("building") == timedelta(hours=48)
    assert duty.overdue.limit("safety") == timedelta(hours=4)
    assert duty.overdue.limit("care") == timedelta(hours=4)
    assert duty.overdue.limit("consult") == timedelta(days=1)
    assert "consult" in duty.overdue.working_time
    assert duty.quiet.enabled and str(duty.quiet.window) == "22:00-07:00"
    assert not duty.duty.daily_message
    # A config with no duty tables at all (the contract's minimal shape) gets the same.
    assert DutyConfig().escalation.enabled and DutyConfig().overdue.enabled
    chasing = config_with(CHASING).duty
    assert chasing.escalation.enabled and chasing.overdue.enabled
    assert chasing.overdue.report_after == timedelta(hours=1)
    off = config_with(
        "[escalation]\nenabled = false\n[overdue]\nenabled = false\n"
        "[quiet_hours]\nenabled = false\n"
    ).duty
    assert not off.escalation.enabled and not off.overdue.enabled and not off.quiet.enabled


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[[duty.shifts]]\ngrid = "g9"\n', "duty.shifts[0].grid"),
        ('[[duty.shifts]]\ngrid = "g1"\ntime = "8-17"\n', "duty.shifts[0].time"),
        ('[[duty.shifts]]\ngrid = "g1"\ndays = ["monday"]\n', "duty.shifts[0].days"),
        ('[[duty.shifts]]\ngrid = "g1"\nworkers = ["nobody"]\n', "who is not in [[people]]"),
        ('[[duty.shifts]]\ngrid = "g1"\nrotation = "monthly"\n', "duty.shifts[0].rotation"),
        ('[duty]\nofficers = ["ghost"]\n', "duty.officers[0]"),
        ('[calendar]\nholidays = ["2026-13-01"]\n', "calendar.holidays[0]"),
        ('[calendar]\nholidays = ["2026-10-01"]\nworkdays = ["2026-10-01"]\n', "both list"),
        ('[escalation]\nnormal = "soon"\n', "escalation.normal"),
        ('[overdue.limits]\nplumbing = "4h"\n', "overdue.limits.plumbing"),
        ("[overdue]\nwarn_at = 1.5\n", "overdue.warn_at"),
        ('[quiet_hours]\nwindow = "22:00"\n', "quiet_hours.window"),
        ('[[duty.leave]]\nperson = "wx-wang"\nfrom = "2026-11-25"\nto = "2026-11-24"\n', "to"),
    ],
)
def test_config_errors_name_the_key(extra: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        config_with(extra)
    assert message in str(err.value)
