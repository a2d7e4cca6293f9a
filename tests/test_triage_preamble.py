"""我想反映个情况: a preamble waits for the same person's next message (issue 14, point 5).

The preamble opens nothing; the next message from the same person in the same chat, within
a few minutes, is read as the report it announced, even when on its own it would pass for
chatter.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.config import Config
from bot.runtime.app import App
from storage.repo import Store
from tests.support.app import resident_says, running_app

# On its own this passes for chatter (no dictionary pair, below the model's line).
REPORT = "东门外那个石墩子裂开了"


@pytest.fixture
async def app(db_url: str, sample_config: Config) -> AsyncIterator[App]:
    async with running_app(sample_config, db_url) as app:
        yield app


async def tickets(app: App) -> list:  # type: ignore[type-arg]
    async with app.db.transaction() as session:
        return list(await Store(session).all_tickets())


async def test_the_message_after_a_preamble_is_the_report(app: App) -> None:
    first = await app.dispatcher.dispatch(resident_says(1, "我想反映个情况"))
    assert first.answers == 0
    assert await tickets(app) == []
    await app.dispatcher.dispatch(resident_says(2, REPORT))
    opened = await tickets(app)
    assert len(opened) == 1
    assert opened[0].category == "municipal"


async def test_without_a_preamble_the_same_words_open_nothing(app: App) -> None:
    await app.dispatcher.dispatch(resident_says(1, REPORT))
    assert await tickets(app) == []


async def test_a_preamble_waits_only_a_few_minutes(app: App) -> None:
    await app.dispatcher.dispatch(resident_says(1, "我想反映个情况"))
    app.clock.advance(timedelta(minutes=30))  # type: ignore[attr-defined]
    await app.dispatcher.dispatch(resident_says(2, REPORT))
    assert await tickets(app) == []


async def test_a_preamble_waits_for_the_same_person(app: App) -> None:
    await app.dispatcher.dispatch(resident_says(1, "我想反映个情况"))
    await app.dispatcher.dispatch(resident_says(2, REPORT, sender="res-li", name="李叔"))
    assert await tickets(app) == []
