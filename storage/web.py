"""Queries and writes of the office console: logins, login attempts, audit, the cookie key.

Like ``storage.repo``, nothing here commits: the caller's transaction does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import WebAuditRow, WebKeyRow, WebLoginAttemptRow, WebUserRow


class WebStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- logins -------------------------------------------------------------------------

    async def user(self, user_id: int) -> WebUserRow | None:
        return await self.session.get(WebUserRow, user_id)

    async def user_by_login(self, login: str, *, lock: bool = False) -> WebUserRow | None:
        """``lock``: held until the transaction ends, so two changes to one login (a
        password and a disable at once) do not overwrite each other's epoch."""
        query = select(WebUserRow).where(WebUserRow.login == login)
        if lock:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def add_user(self, row: WebUserRow) -> WebUserRow:
        self.session.add(row)
        await self.session.flush()
        return row

    async def users(self) -> Sequence[WebUserRow]:
        return (await self.session.scalars(select(WebUserRow).order_by(WebUserRow.login))).all()

    # --- throttling ---------------------------------------------------------------------

    async def add_attempt(self, row: WebLoginAttemptRow) -> None:
        self.session.add(row)
        await self.session.flush()

    async def failures_since(
        self, since: datetime, *, login: str | None = None, address: str | None = None
    ) -> tuple[int, datetime | None]:
        """Wrong passwords after ``since`` (and after the last success, for a login): how
        many, and when the latest was. One indexed range query each."""
        where: list[Any] = [WebLoginAttemptRow.at > since]
        if login is not None:
            where.append(WebLoginAttemptRow.login == login)
            last_ok = await self.session.scalar(
                select(func.max(WebLoginAttemptRow.at)).where(*where, WebLoginAttemptRow.ok)
            )
            if last_ok is not None:
                where.append(WebLoginAttemptRow.at > last_ok)
        if address is not None:
            where.append(WebLoginAttemptRow.address == address)
        count, latest = (
            await self.session.execute(
                select(func.count(WebLoginAttemptRow.id), func.max(WebLoginAttemptRow.at)).where(
                    *where, WebLoginAttemptRow.ok.is_(False)
                )
            )
        ).one()
        if latest is not None and latest.tzinfo is None:  # an aggregate skips the column type
            latest = latest.replace(tzinfo=UTC)
        return int(count or 0), latest

    # --- audit --------------------------------------------------------------------------

    async def audit(self, row: WebAuditRow) -> None:
        self.session.add(row)
        await self.session.flush()

    async def audit_rows(
        self, *, ticket_id: int | None = None, limit: int = 100
    ) -> Sequence[WebAuditRow]:
        query = select(WebAuditRow)
        if ticket_id is not None:
            query = query.where(WebAuditRow.ticket_id == ticket_id)
        query = query.order_by(WebAuditRow.id.desc()).limit(limit)
        return (await self.session.scalars(query)).all()

    # --- the cookie key -----------------------------------------------------------------

    async def key(self, name: str, make: str, now: datetime) -> str:
        """The stored key ``name``; ``make`` is stored first if there is none. Two processes
        starting together agree: the second insert fails and the first one's key is read."""
        found = await self.session.get(WebKeyRow, name)
        if found is not None:
            return found.value
        try:
            async with self.session.begin_nested():
                self.session.add(WebKeyRow(name=name, value=make, created_at=now))
        except IntegrityError:
            found = await self.session.get(WebKeyRow, name, populate_existing=True)
            if found is None:
                raise
            return found.value
        return make
