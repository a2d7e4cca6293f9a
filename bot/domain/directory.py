"""The directory in the database: seeded from the config once, changed by the console and
``gridbot import``, read by every process.

Each process keeps the ``Directory`` it last loaded on its ``Config`` (``use_directory``)
with the stamp it was loaded at; ``refresh`` compares that with ``directory_state`` (one
small read, before every message and every page) and reloads only when another change
was made, by this process or any other on the same database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from bot.config import Config, Directory, Grid, Group, Person
from bot.config.duty import Shift
from bot.domain import shifts as stored_shifts
from bot.vocabulary import Role
from storage.db import Database
from storage.directory import DirectoryStore
from storage.models import GridRow, GroupRow, PersonRow
from storage.repo import Store

# --- reading ---------------------------------------------------------------------------


def _ids(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def directory_of(
    grids: Iterable[GridRow],
    groups: Iterable[GroupRow],
    people: Iterable[PersonRow],
    stamp: tuple[str, int] | None,
    shifts: tuple[Shift, ...] | None = None,
) -> Directory:
    """The directory the rows describe. A retired person drops out of every grid they were
    in (as worker or leader), so no ticket is routed to someone who has left."""
    people = list(people)
    active = {p.id: p for p in people if p.retired_at is None and p.role != Role.RESIDENT}
    live_grids = [g for g in grids if g.retired_at is None]
    return Directory(
        grids=tuple(
            Grid(
                id=g.id,
                name=g.name,
                leader=g.leader_id if g.leader_id in active else None,
                workers=tuple(w for w in _ids(g.workers) if w in active),
                buildings=_ids(g.buildings),
            )
            for g in live_grids
        ),
        groups=tuple(
            Group(id=g.id, name=g.name, grid=g.grid_id, platform=g.platform)
            for g in groups
            if g.retired_at is None
        ),
        people=tuple(
            Person(id=p.id, name=p.name, role=Role(p.role), phone=p.phone)
            for p in active.values()
        ),
        retired_people=MappingProxyType(
            {p.id: p.name for p in people if p.id not in active}
        ),
        retired_grids=MappingProxyType(
            {g.id: g.name for g in grids if g.retired_at is not None}  # type: ignore[misc]
        ),
        stamp=stamp,
        shifts=shifts,
    )


async def load(store: DirectoryStore) -> Directory | None:
    """The stored directory; None while the database has never been seeded."""
    stamp = await store.stamp()
    if stamp is None:
        return None
    grids = list(await store.grids())
    shifts = await stored_shifts.load(store)
    return directory_of(grids, await store.groups(), await store.people(), stamp, shifts)


async def refresh(db: Database, config: Config) -> bool:
    """Swap in the stored directory if it changed since this process last looked;
    whether it did. A database never seeded leaves the config's own."""
    async with db.transaction() as session:
        store = DirectoryStore(session)
        stamp = await store.stamp()
        if stamp is None or stamp == config.directory.stamp:
            return False
        loaded = await load(store)
    if loaded is not None:
        config.use_directory(loaded)
    return True


# --- applying a whole directory: first start and `gridbot import` ----------------------


@dataclass
class Changes:
    """What applying a directory changed, in lines an administrator reads."""

    lines: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.lines)

    def add(self, what: str, verb: str, label: str, fields: Sequence[str] = ()) -> None:
        more = f" ({', '.join(fields)})" if fields else ""
        self.lines.append(f"{what} {verb}: {label}{more}")


def _first_grid(directory: Directory, person_id: str) -> tuple[str | None, int | None]:
    """The grid and duty position kept on ``people`` (for reports that join on them)."""
    grids = directory.grids_of(person_id)
    if not grids:
        return None, None
    grid = directory.grid(grids[0])
    order = grid.workers.index(person_id) if grid and person_id in grid.workers else None
    return grids[0], order


async def apply(
    session_store: Store,
    wanted: Directory,
    now: datetime,
    *,
    dry_run: bool = False,
    shifts: Sequence[Shift] | None = None,
) -> Changes:
    """Make the stored directory ``wanted``: add and change what it lists, retire what it
    no longer lists (kept, since tickets name it), bring back what it lists again; and,
    given ``shifts``, make the stored standing shifts those. With ``dry_run`` only the
    changes are worked out."""
    store = DirectoryStore(session_store.session)
    if not dry_run:
        await store.bump(now)  # first: it orders concurrent changes (see storage.directory)
    changes = Changes()

    for grid in wanted.grids:
        row = await store.grid(grid.id)
        label = f"{grid.id} {grid.name}"
        values = {
            "name": grid.name,
            "leader_id": grid.leader,
            "workers": list(grid.workers),
            "buildings": list(grid.buildings),
        }
        if row is None:
            changes.add("grid", "added", label)
            if not dry_run:
                store.add(GridRow(id=grid.id, **values))
            continue
        _compare(changes, "grid", label, row, values, blank_is_none=True)
        if not dry_run:
            _set(row, values)
    _retire(changes, "grid", await store.grids(), wanted.grid, now, dry_run)

    for group in wanted.groups:
        grow = await store.group(group.id)
        label = f"{group.id} {group.name}"
        gvalues = {"name": group.name, "grid_id": group.grid, "platform": group.platform}
        if grow is None:
            changes.add("group", "added", label)
            if not dry_run:
                store.add(GroupRow(id=group.id, **gvalues))
            continue
        _compare(changes, "group", label, grow, gvalues)
        if not dry_run:
            _set(grow, gvalues)
    _retire(changes, "group", await store.groups(), wanted.group, now, dry_run)

    for person in wanted.people:
        prow = await store.person(person.id)
        label = f"{person.id} {person.name}"
        grid_id, order = _first_grid(wanted, person.id)
        pvalues = {"name": person.name, "role": str(person.role), "phone": person.phone}
        if prow is None or (prow.role == Role.RESIDENT and prow.retired_at is None):
            changes.add("person", "added", label)
            if not dry_run:
                if prow is None:
                    prow = PersonRow(id=person.id, first_seen=now)
                    store.add(prow)
                _set_person(prow, pvalues, grid_id, order)
            continue
        _compare(changes, "person", label, prow, pvalues)
        if not dry_run:
            _set_person(prow, pvalues, grid_id, order)
    _retire(changes, "person", await store.people(), wanted.person, now, dry_run)

    if shifts is not None:
        if not dry_run:
            await session_store.session.flush()
        for verb, label in await stored_shifts.apply(store, shifts, dry_run=dry_run):
            changes.add("shift", verb, label)

    if not dry_run:
        await session_store.session.flush()
        await session_store.forget_seen("group", (g.id for g in wanted.groups))
        await session_store.forget_seen("person", (p.id for p in wanted.people))
    return changes


def _compare(
    changes: Changes,
    kind: str,
    label: str,
    row: GridRow | GroupRow | PersonRow,
    values: dict[str, object],
    blank_is_none: bool = False,
) -> None:
    """Note how a stored row differs from the file: restored, changed, or nothing."""

    def same(a: object, b: object) -> bool:
        return (a or None) == (b or None) if blank_is_none else a == b

    differ = [k for k, v in values.items() if not same(getattr(row, k), v)]
    if row.retired_at is not None:
        changes.add(kind, "restored", label, differ)
    elif differ:
        changes.add(kind, "changed", label, differ)


def _set(row: GridRow | GroupRow | PersonRow, values: dict[str, object]) -> None:
    row.retired_at = None
    for k, v in values.items():
        setattr(row, k, v)


def _retire(
    changes: Changes,
    kind: str,
    rows: Iterable[GridRow | GroupRow | PersonRow],
    listed: Callable[[str], object | None],
    now: datetime,
    dry_run: bool,
) -> None:
    """Rows the file no longer lists are retired, never deleted: tickets refer to them."""
    for row in rows:
        if row.retired_at is None and listed(row.id) is None:
            changes.add(kind, "retired", f"{row.id} {row.name}")
            if not dry_run:
                row.retired_at = now


def _set_person(
    row: PersonRow, values: dict[str, object], grid_id: str | None, order: int | None
) -> None:
    _set(row, values)
    row.grid_id, row.duty_order = grid_id, order


async def seed(store: Store, config: Config, now: datetime) -> Changes | None:
    """On the first start with this database the config's directory and standing shifts
    become the stored ones (None when it is seeded already: the console's changes stand);
    then the stored one is what ``config`` answers with."""
    dstore = DirectoryStore(store.session)
    changes = None
    shifts = config.duty.duty.shifts if config.duty else ()
    if await dstore.stamp() is None:
        wanted = Directory.of(config.grids, config.groups, config.people)
        changes = await apply(store, wanted, now, shifts=shifts)
    elif not await dstore.shifts_seeded():  # seeded before the shifts were stored
        await dstore.bump(now)
        await stored_shifts.apply(dstore, shifts)
    loaded = await load(dstore)
    if loaded is not None:
        config.use_directory(loaded)
    return changes


# --- one change at a time: the console ---------------------------------------------------


class DirectoryError(ValueError):
    """A change the directory cannot take; the text is shown to whoever asked for it."""


def _without(ids: object, person_id: str) -> list[str]:
    return [i for i in _ids(ids) if i != person_id]


async def _live_grid(store: DirectoryStore, grid_id: str) -> GridRow:
    row = await store.grid(grid_id)
    if row is None or row.retired_at is not None:
        raise DirectoryError(f"没有网格“{grid_id}”。")
    return row


async def save_person(
    store: DirectoryStore,
    now: datetime,
    *,
    person_id: str,
    name: str,
    role: Role,
    grid_id: str | None,
    phone: str | None,
    new: bool,
    previous_grid: str | None = None,
) -> PersonRow:
    """Add someone to the directory (or bring back someone retired), or change them.

    A worker is put at the end of ``grid_id``'s duty order (and taken out of
    ``previous_grid`` when moved); a leader leads ``grid_id``; staff and admins belong to
    no grid. Their other grids, if the config gave them several, are kept.
    """
    await store.bump(now)
    row = await store.person(person_id)
    if new and row is not None and row.role != Role.RESIDENT and row.retired_at is None:
        raise DirectoryError(f"名册里已经有 {person_id}（{row.name}）。")
    if not new and (row is None or row.role == Role.RESIDENT or row.retired_at is not None):
        raise DirectoryError(f"名册里没有 {person_id}。")
    grid = await _live_grid(store, grid_id) if grid_id else None
    if role in (Role.WORKER, Role.LEADER) and grid is None:
        raise DirectoryError("网格员和网格长要选所在网格。")
    if row is None:
        row = PersonRow(id=person_id, first_seen=now)
        store.add(row)
    row.name, row.role, row.phone, row.retired_at = name, str(role), phone, None
    if role in (Role.STAFF, Role.ADMIN):
        await _leave_grids(store, person_id)
        row.grid_id, row.duty_order = None, None
        return row
    assert grid is not None
    if previous_grid and previous_grid != grid.id:
        old = await store.grid(previous_grid)
        if old is not None:
            old.workers = _without(old.workers, person_id)
            if old.leader_id == person_id:
                old.leader_id = None
    workers = list(_ids(grid.workers))
    if role == Role.WORKER and person_id not in workers:
        workers.append(person_id)
        grid.workers = workers
    if role == Role.LEADER:
        grid.leader_id = person_id
    row.grid_id = grid.id
    row.duty_order = workers.index(person_id) if person_id in workers else None
    return row


async def _leave_grids(store: DirectoryStore, person_id: str) -> None:
    for grid in await store.grids():
        if person_id in _ids(grid.workers):
            grid.workers = _without(grid.workers, person_id)
        if grid.leader_id == person_id:
            grid.leader_id = None


async def retire_person(store: DirectoryStore, now: datetime, person_id: str) -> PersonRow:
    """Out of the directory and every grid; the row stays, since tickets name them."""
    await store.bump(now)
    row = await store.person(person_id)
    if row is None or row.role == Role.RESIDENT or row.retired_at is not None:
        raise DirectoryError(f"名册里没有 {person_id}。")
    await _leave_grids(store, person_id)
    row.retired_at = now
    return row


async def restore_person(store: DirectoryStore, now: datetime, person_id: str) -> PersonRow:
    """Back in the directory with the role they had; their grid is chosen again on edit."""
    await store.bump(now)
    row = await store.person(person_id)
    if row is None or row.retired_at is None:
        raise DirectoryError(f"{person_id} 没有停用。")
    row.retired_at = None
    return row


async def save_grid(
    store: DirectoryStore,
    now: datetime,
    *,
    grid_id: str,
    name: str,
    leader: str | None,
    workers: Sequence[str],
    buildings: Sequence[str],
    new: bool,
) -> GridRow:
    await store.bump(now)
    row = await store.grid(grid_id)
    if new and row is not None and row.retired_at is None:
        raise DirectoryError(f"已经有网格 {grid_id}（{row.name}）。")
    if not new and (row is None or row.retired_at is not None):
        raise DirectoryError(f"没有网格“{grid_id}”。")
    for pid in (*workers, *((leader,) if leader else ())):
        person = await store.person(pid)
        if person is None or person.role == Role.RESIDENT or person.retired_at is not None:
            raise DirectoryError(f"名册里没有 {pid}：请先在“人员”里添加。")
    if len(set(workers)) != len(workers):
        raise DirectoryError("网格员名单里有重复的人。")
    if row is None:
        row = GridRow(id=grid_id)
        store.add(row)
    row.name, row.leader_id, row.retired_at = name, leader, None
    row.workers, row.buildings = list(workers), list(buildings)
    for position, pid in enumerate(workers):
        person = await store.person(pid)
        if person is not None and person.grid_id in (None, grid_id):
            person.grid_id, person.duty_order = grid_id, position
    return row


async def retire_grid(store: DirectoryStore, now: datetime, grid_id: str) -> GridRow:
    """Out of service; refused while a served group still reports to it."""
    await store.bump(now)
    row = await _live_grid(store, grid_id)
    groups = [g.name for g in await store.groups() if g.retired_at is None and g.grid_id == grid_id]
    if groups:
        raise DirectoryError(f"还有群属于这个网格（{'、'.join(groups)}），请先把群改到别的网格。")
    row.retired_at = now
    return row


async def save_group(
    store: DirectoryStore,
    now: datetime,
    *,
    group_id: str,
    name: str,
    grid_id: str | None,
    platform: str | None,
    new: bool,
) -> GroupRow:
    await store.bump(now)
    row = await store.group(group_id)
    if new and row is not None and row.retired_at is None:
        raise DirectoryError(f"已经有群 {group_id}（{row.name}）。")
    if not new and (row is None or row.retired_at is not None):
        raise DirectoryError(f"没有群“{group_id}”。")
    if grid_id:
        await _live_grid(store, grid_id)
    if row is None:
        row = GroupRow(id=group_id)
        store.add(row)
    row.name, row.grid_id, row.platform, row.retired_at = name, grid_id, platform, None
    return row


async def retire_group(store: DirectoryStore, now: datetime, group_id: str) -> GroupRow:
    """The bot stops serving the group (its messages are then only counted in `seen`)."""
    await store.bump(now)
    row = await store.group(group_id)
    if row is None or row.retired_at is not None:
        raise DirectoryError(f"没有群“{group_id}”。")
    row.retired_at = now
    return row
