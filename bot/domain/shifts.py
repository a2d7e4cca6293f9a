"""The standing weekly shifts in the database: seeded with the directory, changed on the
console's 值班 page and by ``gridbot import``, carried in the live ``Directory`` snapshot.

Every change bumps the directory's stamp first (as the directory's own changes do), so
each process swaps in the new shifts on its next message or page, with no restart.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, time

from bot.config.directory import Directory
from bot.config.duty import DAY_SETS, ROTATIONS, WEEKDAYS, Shift, Window
from bot.vocabulary import Role
from storage.directory import DirectoryStore
from storage.models import DutyShiftRow

MAX_LABEL = 20
MAX_PER_GRID = 20
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ShiftError(ValueError):
    """A shift the roster cannot take; the text is shown to whoever entered it."""


def shift_of(row: DutyShiftRow) -> Shift:
    return Shift(
        grid=row.grid_id,
        days=tuple(str(d) for d in row.days or ()),
        window=Window(time.fromisoformat(row.starts), time.fromisoformat(row.ends)),
        workers=tuple(str(w) for w in row.workers or ()),
        rotation=row.rotation,
        label=row.label or "",
        grid_workers=row.workers is None,
        id=row.id,
    )


async def load(store: DirectoryStore) -> tuple[Shift, ...] | None:
    """The stored shifts; None until they are seeded (the config's stand until then)."""
    if not await store.shifts_seeded():
        return None
    return tuple(shift_of(row) for row in await store.shifts())


def _key(shift: Shift) -> tuple[object, ...]:
    workers = None if shift.grid_workers else shift.workers
    return (shift.grid, shift.label, shift.days, str(shift.window), workers, shift.rotation)


def describe(shift: Shift) -> str:
    """A shift as ``gridbot import`` reports it: 'g1 workdays 08:30-17:30 wx-a,wx-b daily'."""
    workers = "(grid's workers)" if shift.grid_workers else ",".join(shift.workers)
    label = f" {shift.label}" if shift.label else ""
    return f"{shift.grid}{label} {','.join(shift.days)} {shift.window} {workers} {shift.rotation}"


def _values(shift: Shift) -> dict[str, object]:
    return {
        "grid_id": shift.grid,
        "days": list(shift.days),
        "starts": f"{shift.window.start:%H:%M}",
        "ends": f"{shift.window.end:%H:%M}",
        "workers": None if shift.grid_workers else list(shift.workers),
        "rotation": shift.rotation,
        "label": shift.label,
    }


async def apply(
    store: DirectoryStore, wanted: Sequence[Shift], *, dry_run: bool = False
) -> list[tuple[str, str]]:
    """Make the stored shifts ``wanted`` (a config's, on first start or ``gridbot import``);
    (verb, shift) for each one added or removed. Called after the stamp is bumped."""
    stored = [shift_of(row) for row in await store.shifts()]
    seeded = await store.shifts_seeded()
    have, want = Counter(map(_key, stored)), Counter(map(_key, wanted))
    lines = [("removed", describe(s)) for s in stored if _removed(have, want, _key(s))]
    lines += [("added", describe(s)) for s in wanted if _removed(want, have, _key(s))]
    if dry_run or (seeded and not lines):
        return lines
    for row in await store.shifts():
        await store.remove_shift(row.id)
    for position, shift in enumerate(wanted):
        store.add(DutyShiftRow(position=position, **_values(shift)))
    await store.mark_shifts_seeded()
    return lines


def _removed(
    have: Counter[tuple[object, ...]], want: Counter[tuple[object, ...]], key: object
) -> bool:
    """Whether one more of ``key`` in ``have`` is beyond what ``want`` holds (counted off)."""
    if want[key] > 0:
        want[key] -= 1
        return False
    return True


# --- one change at a time: the console ---------------------------------------------------


def _clock(value: str) -> time:
    found = _CLOCK.match(value.strip())
    if not found:
        raise ShiftError("时间请写成 08:30 这样的格式。")
    return time(int(found.group(1)), int(found.group(2)))


def check(
    directory: Directory,
    *,
    grid_id: str,
    days: Sequence[str],
    starts: str,
    ends: str,
    workers: Sequence[str],
    rotation: str,
    label: str,
) -> Shift:
    """The shift a form describes, or one polite line on what is wrong with it."""
    grid = directory.grid(grid_id)
    if grid is None:
        raise ShiftError(f"没有网格“{grid_id}”。")
    days = list(dict.fromkeys(d for d in days if d))
    if not days:
        raise ShiftError("请至少选一个值班的日子。")
    if any(d not in (*WEEKDAYS, *DAY_SETS) for d in days):
        raise ShiftError("值班的日子只能从列出的选项里选。")
    window = Window(_clock(starts), _clock(ends))
    if window.start == window.end:
        raise ShiftError("开始和结束时间不能相同。")
    if rotation not in ROTATIONS:
        raise ShiftError("轮值方式只能从列出的选项里选。")
    label = label.strip()
    if len(label) > MAX_LABEL:
        raise ShiftError(f"班次名称请不超过{MAX_LABEL}个字。")
    workers = list(dict.fromkeys(w for w in workers if w))
    for pid in workers:
        person = directory.person(pid)
        if person is None or person.role == Role.RESIDENT:
            raise ShiftError(f"名册里没有 {pid}。")
        if pid not in grid.workers:
            raise ShiftError(f"{person.name}不是{grid.name}的网格员。")
    return Shift(
        grid=grid.id,
        days=tuple(days),
        window=window,
        workers=tuple(workers),
        rotation=rotation,
        label=label,
        grid_workers=not workers,
    )


async def save(
    store: DirectoryStore, now: datetime, shift: Shift, shift_id: int | None
) -> DutyShiftRow:
    """Add ``shift`` (``shift_id`` None) or change the stored one; its grid stays."""
    await store.bump(now)
    if not await store.shifts_seeded():
        raise ShiftError("排班还没有存进数据库，请先重启一次机器人。")
    rows = await store.shifts()
    if shift_id is None:
        if sum(1 for r in rows if r.grid_id == shift.grid) >= MAX_PER_GRID:
            raise ShiftError(f"一个网格最多{MAX_PER_GRID}个班次。")
        row = DutyShiftRow(position=max((r.position for r in rows), default=-1) + 1)
        store.add(row)
    else:
        found = await store.shift(shift_id)
        if found is None or found.grid_id != shift.grid:
            raise ShiftError("这个班次已经不在了，请刷新页面。")
        row = found
    for key, value in _values(shift).items():
        setattr(row, key, value)
    return row


async def remove(store: DirectoryStore, now: datetime, shift_id: int) -> DutyShiftRow:
    await store.bump(now)
    row = await store.shift(shift_id)
    if row is None:
        raise ShiftError("这个班次已经不在了，请刷新页面。")
    await store.remove_shift(shift_id)
    return row
