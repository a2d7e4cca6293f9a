"""What a crash can lose (issue 15, point 6): nothing the bot was handed.

Every message is journalled as it arrives, before triage or any handler, and the journal
row is deleted by the transaction that handles it. A bot killed in between (here: its
handling cancelled half-way, or the message waiting in memory for a retry when the bot
goes) leaves the row; the next App on the same database handles it at start, into
exactly one ticket. A message that was handled is never handled twice. On SQLite and
PostgreSQL.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import select

from bot.config import Config
from bot.messaging.messages import Media, MessageKind
from bot.runtime.app import App
from bot.runtime.context import Context
from bot.runtime.inbound import RetryPolicy
from bot.runtime.journal import from_payload, to_payload
from handlers import ROUTES
from storage.models import InboundJournalRow, InboundMessageRow
from storage.repo import Store
from tests.support.app import resident_says, running_app
from tests.support.e2e import outbox, tickets

REPORT = "3号楼2单元楼道灯坏了，晚上黑漆漆的"
FAST = RetryPolicy(first_delay=0.01, max_delay=0.05, quick_delay=0.01, status_interval=60)


async def journal_rows(app: App) -> list[InboundJournalRow]:
    async with app.db.transaction() as session:
        return list((await session.scalars(select(InboundJournalRow))).all())


async def stored_texts(app: App) -> dict[str, str]:
    async with app.db.transaction() as session:
        rows = (await session.scalars(select(InboundMessageRow))).all()
    return {r.platform_msg_id: r.text for r in rows}


async def eventually(check, timeout: float = 5) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.005)


def test_a_journalled_message_comes_back_whole() -> None:
    message = resident_says(7, REPORT)
    assert from_payload(to_payload(message)) == message
    photo = replace(message, kind=MessageKind.IMAGE, text="", media=Media(url="https://x/1"))
    assert from_payload(to_payload(photo)) == photo  # a replayed photo keeps its link


async def test_a_message_whose_handling_was_cut_off_is_handled_at_the_next_start(
    sample_config: Config, db_url: str
) -> None:
    """The bot dies half-way through handling a report (the handler never returns; its
    transaction is rolled back, as a kill does). Before: the report was gone for good."""
    reached = asyncio.Event()

    async def hangs(ctx: Context) -> None:
        reached.set()
        await asyncio.Event().wait()  # the process dies here

    async with running_app(sample_config, db_url, routes=[hangs, *ROUTES]) as first:
        handling = asyncio.create_task(first.handle_event(resident_says(1, REPORT)))
        await asyncio.wait_for(reached.wait(), 10)
        handling.cancel()
        with pytest.raises(asyncio.CancelledError):
            await handling
        assert await tickets(first) == []

    async with running_app(sample_config, db_url) as second:
        await second.start()
        (ticket,) = await tickets(second)
        assert ticket.reporter_id == "res-zhang" and ticket.grid_id == "g1"
        dispatch = [m for m in await outbox(second) if m.ticket_id == ticket.id]
        assert dispatch and dispatch[0].chat == "room-xfl-1"
        assert await journal_rows(second) == []

    async with running_app(sample_config, db_url) as third:  # and never again
        await third.start()
        assert len(await tickets(third)) == 1
        assert len([m for m in await outbox(third) if m.ticket_id == ticket.id]) == len(dispatch)


async def test_messages_waiting_for_a_retry_survive_the_stop_in_chat_order(
    sample_config: Config, db_url: str
) -> None:
    """The database fails while a report and a follow-up wait for retry in memory, and the
    bot goes. Before: both were only logged. Now the next start handles both, in order."""

    async def locked(ctx: Context) -> None:
        orig = sqlite3.OperationalError("database is locked")
        raise sa_exc.OperationalError("INSERT ...", {}, orig)

    async with running_app(sample_config, db_url, routes=[locked], retry=FAST) as first:
        assert await first.handle_event(resident_says(1, REPORT)) is None
        assert await first.handle_event(resident_says(2, "在2单元门口，麻烦快点来看看")) is None
        assert first.inbound.waiting_in("room-xfl-1") == 2
        assert [r.platform_msg_id for r in await journal_rows(first)] == ["m1", "m2"]

    async with running_app(sample_config, db_url, retry=FAST) as second:
        await second.start()
        await eventually(lambda: second.inbound.waiting == 0)
        (ticket,) = await tickets(second)
        assert ticket.reporter_id == "res-zhang"
        assert await journal_rows(second) == []
        texts = await stored_texts(second)
        assert set(texts) == {"m1", "m2"} and texts["m1"] == REPORT


async def test_replaying_a_handled_message_does_nothing(
    sample_config: Config, db_url: str
) -> None:
    async with running_app(sample_config, db_url) as app:
        outcome = await app.handle_event(resident_says(1, REPORT))
        assert outcome is not None and outcome.status == "handled"
        assert await journal_rows(app) == []  # handled: the journal let it go
        queued = len(await outbox(app))
        # The platform delivered it again and the bot died before looking at it.
        async with app.db.transaction() as session:
            message = resident_says(1, REPORT)
            await Store(session).journal_inbound(
                "sim", "m1", message.reply_chat, app.clock.now(), to_payload(message)
            )
        assert await app.replay_journal() == 1
        assert len(await tickets(app)) == 1
        assert len(await outbox(app)) == queued
        assert await journal_rows(app) == []
        assert await app.replay_journal() == 0


async def test_chatter_leaves_no_text_behind_in_the_journal(
    sample_config: Config, db_url: str
) -> None:
    async with running_app(sample_config, db_url) as app:
        outcome = await app.handle_event(resident_says(1, "今天天气真好，大家吃了吗"))
        assert outcome is not None and outcome.status == "silent"
        assert await journal_rows(app) == []
        assert await stored_texts(app) == {"m1": ""}


async def test_a_message_the_journal_cannot_take_is_handled_all_the_same(
    sample_config: Config, db_url: str, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The database refuses the journal write (locked for a moment): the report is not
    dropped for it; it is handled from memory, as before the journal, and the log says so."""
    from bot.runtime import journal

    async def refused(*args: object) -> None:
        orig = sqlite3.OperationalError("database is locked")
        raise sa_exc.OperationalError("INSERT INTO inbound_journal ...", {}, orig)

    monkeypatch.setattr(journal, "record", refused)
    async with running_app(sample_config, db_url) as app:
        outcome = await app.handle_event(resident_says(1, REPORT))
        assert outcome is not None and outcome.status == "handled"
        assert len(await tickets(app)) == 1
        assert "cannot journal message m1" in caplog.text
