"""The dispatcher takes a broken inbound unique constraint for a redelivery, and nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from bot.config import Config
from bot.messaging.messages import IncomingMessage, OutgoingMessage
from bot.runtime.app import App
from bot.runtime.context import Context
from handlers import ROUTES
from storage.models import PersonRow
from storage.repo import Store
from tests.support.app import resident_says, running_app


def msg(n: int, text: str) -> IncomingMessage:
    return resident_says(n, text)


async def broken(ctx: Context) -> list[OutgoingMessage] | None:
    """A handler with a bug that breaks another constraint (the people's primary key)."""
    if "坏约束" in ctx.message.text:
        for _ in range(2):
            await ctx.store.session.execute(
                insert(PersonRow).values(id="twice", name="twice", role="resident")
            )
    return None


@pytest.fixture
async def app(db_url: str, sample_config: Config) -> AsyncIterator[App]:
    async with running_app(sample_config, db_url, routes=[broken, *ROUTES]) as app:
        yield app


async def test_another_constraint_is_not_taken_for_a_redelivery(app: App) -> None:
    with pytest.raises(IntegrityError):
        await app.dispatcher.dispatch(msg(1, "坏约束"))


async def test_a_message_stored_meanwhile_by_another_process_is_a_redelivery(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await app.dispatcher.dispatch(msg(1, "3号楼门口井盖坏了"))
    assert first.status == "handled"
    # The race: the check before the insert does not see the row another process is
    # committing, so the insert breaks the inbound unique constraint.
    real_take, real_exists = Store.take_inbound, Store.inbound_exists
    calls: list[Any] = []

    async def missed(self: Store, platform: str, platform_msg_id: str, **kw: Any) -> bool:
        calls.append(("take", platform_msg_id))
        await real_take(self, platform, platform_msg_id, **kw)
        return False

    async def exists(self: Store, platform: str, platform_msg_id: str) -> bool:
        calls.append(("exists", platform_msg_id))
        return await real_exists(self, platform, platform_msg_id)

    monkeypatch.setattr(Store, "take_inbound", missed)
    monkeypatch.setattr(Store, "inbound_exists", exists)
    again = await app.dispatcher.dispatch(msg(1, "3号楼门口井盖坏了"))
    assert again.status == "duplicate"
    # Taken once (missed), then checked afresh after the rollback.
    assert [c[0] for c in calls].count("take") == 1 and calls[-1][0] == "exists"
    async with app.db.transaction() as session:
        assert len(await Store(session).all_tickets()) == 1
