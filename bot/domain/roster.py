"""Who is on duty at a given moment, and why.

The answer combines, in this order of precedence (strongest first):
  1. overrides (换班 / cover a day: "B instead of A on 11-25"), from config and from chat;
  2. leave (请假: A away between two dates) — a person on leave drops out of their shift,
     and a rotation hands that day to the next person in turn;
  3. the roster: per grid, shifts by day type and time window, each either "all listed
     workers together" or a daily/weekly rotation among them;
  4. outside every shift of a grid (nights, weekends, public holidays): the community's
     duty officer(s), themselves rotating daily or weekly;
  5. nobody at all: the grid leader, so a ticket never goes to no one.
A grid with no shifts configured keeps the contract's minimal behaviour: every listed
worker is on duty at all times.

Everything here is pure (config + rows in, answers out) so precedence can be tested
exhaustively; ``load_roster`` is the one place that reads the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.config import Config
from bot.config.duty import (
    WEEKDAYS,
    Calendar,
    DutyConfig,
    Leave,
    Override,
    Shift,
    Window,
)
from storage.repo import Store

DAY_SET_LABELS = {
    "all": "每天",
    "workdays": "工作日",
    "weekends": "周末",
    "holidays": "节假日",
    "offdays": "休息日",
}
WEEKDAY_LABELS = dict(zip(WEEKDAYS, "一二三四五六日", strict=True))
DAY_KIND_LABELS = {
    "holiday": "法定节假日",
    "makeup": "调休工作日",
    "workday": "工作日",
    "weekend": "周末",
}


def settings(config: Config) -> DutyConfig:
    """The duty settings of a config (always present once parsed)."""
    return config.duty or DutyConfig()


@dataclass(frozen=True, slots=True)
class OnDuty:
    """One person on duty, with the rule that put them there (shown by `gridbot duty`)."""

    person: str
    rule: str
    kind: str  # all | shift | rotation | override | officer | leader

    @property
    def shares_load(self) -> bool:
        """A grid worker on duty by the roster, or by having no roster (every listed worker
        on duty): new tickets are spread among these. Officers and the leader only stand
        in when nobody else is on duty."""
        return self.kind in ("all", "shift", "rotation", "override")


# --- calendar and working time ---------------------------------------------------------


def working_deadline(
    start: datetime, amount: timedelta, calendar: Calendar, hours: Window, tz: object
) -> datetime:
    """``start`` plus ``amount`` of working time (workdays, within office hours).

    Whole days in ``amount`` count as working days (one office day each), the rest as
    working hours: "1d" from Monday 10:00 is Tuesday 10:00; from Friday 16:00 it is the
    next workday at 16:00, skipping weekends and public holidays but not make-up workdays.
    """
    remaining = hours.length * amount.days + timedelta(seconds=amount.seconds)
    cursor = start.astimezone(tz)  # type: ignore[arg-type]
    day = cursor.date()
    for _ in range(3 * 366):
        if calendar.is_workday(day):
            opens = datetime.combine(day, hours.start, tzinfo=cursor.tzinfo)
            closes = datetime.combine(day, hours.end, tzinfo=cursor.tzinfo)
            begin = max(cursor, opens)
            if begin < closes:
                if remaining <= closes - begin:
                    return begin + remaining
                remaining -= closes - begin
        day += timedelta(days=1)
        cursor = datetime.combine(day, time(0), tzinfo=cursor.tzinfo)
    raise ValueError("no working time in the next three years: check [calendar]")


def in_window(window: Window, moment: datetime) -> date | None:
    """The day a window occurrence containing ``moment`` (local) started on, or None."""
    t = moment.time()
    if not window.crosses_midnight:
        return moment.date() if window.start <= t < window.end else None
    if t >= window.start:
        return moment.date()
    if t < window.end:
        return moment.date() - timedelta(days=1)
    return None


# --- the roster ------------------------------------------------------------------------


class Roster:
    """The roster of a community with a given set of overrides and leave."""

    def __init__(
        self, config: Config, overrides: Iterable[Override] = (), leave: Iterable[Leave] = ()
    ) -> None:
        self.config = config
        self.settings = settings(config)
        self.calendar = self.settings.calendar
        duty = self.settings.duty
        # The standing shifts: the database's once stored (the console edits them there),
        # the config's for a process that runs from a config alone.
        stored = config.directory.shifts
        self.shifts: tuple[Shift, ...] = duty.shifts if stored is None else stored
        self.overrides = (*duty.overrides, *overrides)
        self.leave = (*duty.leave, *leave)

    # --- questions -----------------------------------------------------------------

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.config.timezone)

    def on_leave(self, person: str, day: date) -> bool:
        return any(lv.person == person and lv.first <= day <= lv.last for lv in self.leave)

    def replacement(self, person: str, day: date) -> Override | None:
        """The latest override that puts someone in ``person``'s place on ``day``."""
        found = [o for o in self.overrides if o.replaces == person and o.day == day]
        return found[-1] if found else None

    def shift_matches(self, shift: Shift, day: date) -> bool:
        kind = self.calendar.kind(day)
        for d in shift.days:
            if d == "all":
                return True
            if d == "workdays" and self.calendar.is_workday(day):
                return True
            if d == "weekends" and kind == "weekend":
                return True
            if d == "holidays" and kind == "holiday":
                return True
            if d == "offdays" and not self.calendar.is_workday(day):
                return True
            if d in WEEKDAYS and WEEKDAYS[day.weekday()] == d and kind != "holiday":
                return True
        return False

    def has_roster(self, grid_id: str | None) -> bool:
        return any(s.grid == grid_id for s in self.shifts)

    def in_shift(self, grid_id: str | None, at: datetime) -> bool:
        """Whether some shift of the grid covers this moment (False: off-hours)."""
        local = self.local(at)
        return any(self._shift_day(s, local) is not None for s in self._shifts(grid_id))

    def on_duty(self, grid_id: str | None, at: datetime) -> list[OnDuty]:
        """Who is on duty for the grid at ``at``, in duty order, each with their rule."""
        grid = self.config.grid(grid_id)
        if grid is None:
            return []
        local = self.local(at)
        found: list[OnDuty] = []
        if not self.has_roster(grid.id):
            rule = f"{grid.name}未配置排班：网格员全天在岗"
            found = self._staff(list(grid.workers), local.date(), rule, "all", rotate=False)
        else:
            for shift in self._shifts(grid.id):
                day = self._shift_day(shift, local)
                if day is not None:
                    found += self._staff_shift(shift, day)
        found += self._added(grid.id, local.date())
        if not found:
            found = self.officers_on(at)
        if not found and grid.leader:
            found = [OnDuty(grid.leader, f"{grid.name}无人值班：由网格长兜底", "leader")]
        unique: dict[str, OnDuty] = {}
        for entry in found:
            unique.setdefault(entry.person, entry)
        return list(unique.values())

    def working_on(self, grid_id: str, day: date) -> list[str]:
        """The grid's workers on duty at some time of ``day`` (after overrides and leave):
        whose shift someone else may take that day on the console's 值班 page. Officers and
        the leader only stand in, so they are not counted."""
        tz = self.config.timezone
        moments = [
            datetime.combine(day, s.window.start, tzinfo=tz)
            for s in self._shifts(grid_id)
            if self.shift_matches(s, day)
        ]
        if not self.has_roster(grid_id):
            moments = [datetime.combine(day, time(12), tzinfo=tz)]
        found = (e for at in moments for e in self.on_duty(grid_id, at) if e.shares_load)
        return list(dict.fromkeys(e.person for e in found))

    def officers_on(self, at: datetime) -> list[OnDuty]:
        """The community duty officer for this moment (nights, weekends, holidays)."""
        officers = self._serving(self.settings.duty.officers)
        if not officers:
            return []
        day = self.duty_day(at)
        step = 7 if self.settings.duty.officer_rotation == "weekly" else 1
        index = ((day - self.settings.duty.rotation_start).days // step) % len(officers)
        order = officers[index:] + officers[:index]
        what = DAY_KIND_LABELS[self.calendar.kind(day)]
        rule = f"社区值班员（{day.month}月{day.day}日{what}，{'周' if step == 7 else '日'}轮换）"
        return self._staff(order, day, rule, "officer", rotate=True)

    def duty_day(self, at: datetime) -> date:
        """The duty officer's day: it hands over at the start of office hours, so 03:00 on
        Tuesday still belongs to Monday's night duty."""
        start = self.settings.duty.working_hours.start
        local = self.local(at)
        return (local - timedelta(hours=start.hour, minutes=start.minute)).date()

    def describe(self, at: datetime, grid_ids: Sequence[str] | None = None) -> str:
        """The text of `gridbot duty` and of the 值班 command: who, and which rule."""
        local = self.local(at)
        kind = DAY_KIND_LABELS[self.calendar.kind(local.date())]
        lines = [f"{local:%Y-%m-%d %H:%M}（{kind}）值班："]
        for grid in self.config.directory.grids:
            if grid_ids and grid.id not in grid_ids:
                continue
            for entry in self.on_duty(grid.id, at):
                name = self.config.name_of(entry.person)
                lines.append(f"{grid.name}：{name}（{entry.person}）— {entry.rule}")
        return "\n".join(lines)

    # --- internals -----------------------------------------------------------------

    def _serving(self, people: Iterable[str]) -> list[str]:
        """Those still in the directory: someone retired on the console drops out of the
        shifts and officer turns the config names them in."""
        return [p for p in people if self.config.person(p) is not None]

    def _shifts(self, grid_id: str | None) -> list[Shift]:
        return [s for s in self.shifts if s.grid == grid_id]

    def _shift_day(self, shift: Shift, local: datetime) -> date | None:
        day = in_window(shift.window, local)
        return day if day is not None and self.shift_matches(shift, day) else None

    def _staff_shift(self, shift: Shift, day: date) -> list[OnDuty]:
        grid = self.config.grid(shift.grid)
        days = "、".join(DAY_SET_LABELS.get(d) or f"周{WEEKDAY_LABELS[d]}" for d in shift.days)
        label = f"{grid.name if grid else shift.grid}{shift.label}排班：{days} {shift.window}"
        workers = self._serving(grid.workers if shift.grid_workers and grid else shift.workers)
        if not workers:
            return []
        if shift.rotation == "none":
            return self._staff(workers, day, label, "shift", rotate=False)
        step = 7 if shift.rotation == "weekly" else 1
        index = ((day - self.settings.duty.rotation_start).days // step) % len(workers)
        label += f"，{'周' if step == 7 else '日'}轮值"
        return self._staff(workers[index:] + workers[:index], day, label, "rotation", rotate=True)

    def _staff(
        self, order: list[str], day: date, rule: str, kind: str, *, rotate: bool
    ) -> list[OnDuty]:
        """Apply overrides, then leave, to the people a rule puts on duty.

        With ``rotate`` only one person is on duty: the first in turn who is not on leave
        (or whoever an override put in their place).
        """
        out: list[OnDuty] = []
        skipped: list[str] = []
        for person in order:
            swap = self.replacement(person, day)
            if swap is not None:
                why = "换班" if swap.source == "chat" else "调班"
                whom = self.config.name_of(person)
                text = f"{why}：{day.month}月{day.day}日顶替{whom}（原规则：{rule}）"
                out.append(OnDuty(swap.person, text, "override"))
            elif self.on_leave(person, day):
                skipped.append(self.config.name_of(person))
                continue
            else:
                note = f"（{'、'.join(skipped)}请假，顺延）" if skipped and rotate else ""
                out.append(OnDuty(person, rule + note, kind))
            if rotate:
                break
        return out

    def _added(self, grid_id: str, day: date) -> list[OnDuty]:
        grid = self.config.grid(grid_id)
        joined = f"调班：{day.month}月{day.day}日加入{grid.name if grid else grid_id}值班"
        return [
            OnDuty(o.person, joined, "override")
            for o in self.overrides
            if o.replaces is None and o.grid == grid_id and o.day == day
        ]


async def load_roster(store: Store, config: Config, at: datetime, days: int = 2) -> Roster:
    """The roster with the overrides and leave entered in chat around ``at``."""
    local = at.astimezone(config.timezone).date()
    first, last = local - timedelta(days=1), local + timedelta(days=days)
    overrides = [
        # A swap (换班, in chat or on the page) reads as 换班; a shift set on the page as 调班.
        Override(
            r.day,
            r.person_id,
            r.replaces_id,
            r.grid_id,
            source="chat" if r.kind == "swap" else "console",
        )
        for r in await store.duty_overrides(first, last)
    ]
    leave = [
        Leave(r.person_id, r.first_day, r.last_day, source="chat")
        for r in await store.duty_leave(first, last)
    ]
    return Roster(config, overrides, leave)
