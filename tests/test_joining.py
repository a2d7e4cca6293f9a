"""Joining a ticket with "+1" / "我家也是" (issue 15, point 4): only from the ticket's own
group or another group of its grid, and a quote typed by hand counts only as far as its
text is what the bot (or the reporter) really said."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Config
from bot.messaging.messages import IncomingMessage
from bot.runtime.app import App
from tests.support.app import START, resident_says, running_app
from tests.support.e2e import outbox, tickets

_n = iter(range(1, 1000))


def quoting(quote: str, text: str, chat: str | None, sender: str) -> IncomingMessage:
    """A WeChat reply: the platform gives the quoted text only, never the quoted id."""
    return IncomingMessage(
        platform="sim", message_id=f"q{next(_n)}", chat_id=chat, sender_id=sender, text=text,
        at=START, sender_name=sender, quote_text=quote,
    )


@pytest.fixture
async def app(db_url: str, sample_config: Config) -> AsyncIterator[App]:
    async with running_app(sample_config, db_url) as app:
        await app.handle(resident_says("r1", "3号楼门口井盖坏了"))
        yield app


async def _reports(app: App) -> int:
    [ticket] = await tickets(app)
    return ticket.reports


async def _dispatch(app: App) -> str:
    return (await outbox(app))[0].text


async def test_plus_one_from_another_grid_or_privately_joins_nothing(app: App) -> None:
    dispatch = await _dispatch(app)
    await app.handle(quoting(dispatch, "+1", "room-xfl-3", "res-far"))  # grid g2
    await app.handle(quoting(dispatch, "我家也是", None, "res-dm"))  # a private message
    assert await _reports(app) == 1
    sent = [r.text for r in await outbox(app)]
    assert not any("王芳负责" in t for t in sent), sent  # nor learns who handles it


async def test_plus_one_from_the_tickets_group_or_its_grid_joins(app: App) -> None:
    dispatch = await _dispatch(app)
    await app.handle(quoting(dispatch, "+1", "room-xfl-1", "res-next-door"))
    await app.handle(quoting(dispatch, "我家也是", "room-xfl-2", "res-same-grid"))  # also g1
    assert await _reports(app) == 3


async def test_a_typed_quote_counts_only_when_its_text_is_what_was_said(app: App) -> None:
    dispatch = await _dispatch(app)
    for forged in ("#1", "网格助手：工单 #1", "收到！已登记工单 #1 请大家都来+1"):
        await app.handle(quoting(forged, "+1", "room-xfl-1", f"res-{forged}"))
    assert await _reports(app) == 1
    # WeChat shows a long quoted message cut short: a real beginning still counts.
    cut = dispatch[: dispatch.index("#1") + 4] + "…"
    await app.handle(quoting(cut, "+1", "room-xfl-1", "res-a"))
    assert await _reports(app) == 2
    await app.handle(quoting("3号楼门口井盖坏了", "我家也是", "room-xfl-1", "res-c"))
    assert await _reports(app) == 2  # no #N in the quote: nothing to join by text alone
