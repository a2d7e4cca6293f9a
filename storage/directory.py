"""The directory's rows: grids, groups, listed people, and the version every change bumps.

Nothing here commits: the caller's transaction does. ``bump`` comes first in every change,
so on PostgreSQL the one ``directory_state`` row's lock puts two changes one after the
other (each reads what the other wrote), and the version a process sees never goes back.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DirectoryStateRow, DutyShiftRow, GridRow, GroupRow, PersonRow

STATE_ID = 1


class DirectoryStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def stamp(self) -> tuple[str, int] | None:
        """Which state the stored directory is in (None: never seeded). One small read,
        made before every message."""
        row = (
            await self.session.execute(
                select(DirectoryStateRow.stamp, DirectoryStateRow.version).where(
                    DirectoryStateRow.id == STATE_ID
                )
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def bump(self, now: datetime) -> tuple[str, int]:
        """Count one change (the first makes the row: the directory is seeded)."""
        result = await self.session.execute(
            update(DirectoryStateRow)
            .where(DirectoryStateRow.id == STATE_ID)
            .values(version=DirectoryStateRow.version + 1, changed_at=now)
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            self.session.add(
                DirectoryStateRow(
                    id=STATE_ID, stamp=secrets.token_hex(8), version=1, changed_at=now
                )
            )
            await self.session.flush()
        stamp = await self.stamp()
        assert stamp is not None
        return stamp

    async def grids(self) -> Sequence[GridRow]:
        return (await self.session.scalars(select(GridRow).order_by(GridRow.id))).all()

    async def groups(self) -> Sequence[GroupRow]:
        return (await self.session.scalars(select(GroupRow).order_by(GroupRow.id))).all()

    async def people(self) -> Sequence[PersonRow]:
        """Everyone the directory lists or once listed: residents are not in it."""
        query = select(PersonRow).where(
            or_(PersonRow.role != "resident", PersonRow.retired_at.is_not(None))
        )
        return (await self.session.scalars(query.order_by(PersonRow.id))).all()

    async def grid(self, grid_id: str) -> GridRow | None:
        return await self.session.get(GridRow, grid_id)

    async def group(self, group_id: str) -> GroupRow | None:
        return await self.session.get(GroupRow, group_id)

    async def person(self, person_id: str) -> PersonRow | None:
        return await self.session.get(PersonRow, person_id)

    def add(self, row: GridRow | GroupRow | PersonRow | DutyShiftRow) -> None:
        self.session.add(row)

    # --- the standing shifts (duty_shifts) ---------------------------------------------

    async def shifts_seeded(self) -> bool:
        seeded = await self.session.scalar(
            select(DirectoryStateRow.shifts_seeded).where(DirectoryStateRow.id == STATE_ID)
        )
        return bool(seeded)

    async def mark_shifts_seeded(self) -> None:
        """After ``bump``: from now on the stored shifts are the roster's."""
        await self.session.execute(
            update(DirectoryStateRow)
            .where(DirectoryStateRow.id == STATE_ID)
            .values(shifts_seeded=True)
        )

    async def shifts(self) -> Sequence[DutyShiftRow]:
        query = select(DutyShiftRow).order_by(DutyShiftRow.position, DutyShiftRow.id)
        return (await self.session.scalars(query)).all()

    async def shift(self, shift_id: int) -> DutyShiftRow | None:
        return await self.session.get(DutyShiftRow, shift_id)

    async def remove_shift(self, shift_id: int) -> None:
        await self.session.execute(delete(DutyShiftRow).where(DutyShiftRow.id == shift_id))
