"""What one message costs the database (issue 15, performance): the figures are in
bench/load.py; these tests keep the round trips from creeping back, and the write a
resident's first message makes from racing itself."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import event, select

from bot.config import Config
from bot.messaging.messages import Outcome
from storage.models import InboundMessageRow, PersonRow, SeenChatRow
from tests.support.app import resident_says, running_app

CHATTER = "今天天气真好啊"


async def test_chatter_costs_two_transactions_and_a_few_statements(
    sample_config: Config, db_url: str
) -> None:
    """Before: a transaction to check the directory, one to journal, one to handle, and a
    second write blanking the text: 3 transactions and 11 statements on PostgreSQL (the
    two the handlers ask included)."""
    async with running_app(sample_config, db_url) as app:
        await app.handle_event(resident_says(1, CHATTER))  # warm: the resident is known
        counts: Counter[str] = Counter()
        engine = app.db.engine.sync_engine

        def statement(conn, cursor, sql, params, context, many) -> None:  # type: ignore[no-untyped-def]
            counts[sql.split()[0].upper()] += 1

        def began(conn) -> None:  # type: ignore[no-untyped-def]
            counts["transactions"] += 1

        event.listen(engine, "before_cursor_execute", statement)
        event.listen(engine, "begin", began)
        try:
            outcome = await app.handle_event(resident_says(2, CHATTER))
        finally:
            event.remove(engine, "before_cursor_execute", statement)
            event.remove(engine, "begin", began)
        assert outcome is not None and outcome.status == "silent"
        statements = sum(n for kind, n in counts.items() if kind != "transactions")
        assert counts["UPDATE"] == 0  # nothing stored twice
        assert counts["transactions"] <= 2  # the journal row, then the handling
        # The journal row; the chat's lock with the directory's stamp; the journal row
        # gone, the duplicate check and the resident (name, `seen`); the inbound row; and
        # what the handlers ask (SQLite takes three more: no INSERT inside WITH).
        assert statements <= (9 if app.db.is_sqlite else 6), counts
        async with app.db.transaction() as session:
            texts = (await session.scalars(select(InboundMessageRow.text))).all()
        assert texts == ["", ""]  # said in passing: never stored


async def test_a_new_residents_messages_in_two_groups_at_once_both_go_through(
    sample_config: Config, db_url: str
) -> None:
    """Two groups are two chat locks, so one resident's first messages in both can be
    handled at the same instant. Before: both read "no such person" and inserted one, and
    the second broke the primary key and waited for a retry."""
    async with running_app(sample_config, db_url) as app:
        outcomes: list[Outcome | None] = []
        for n in range(8):
            sender = f"res-new-{n}"
            pair = [
                resident_says(f"{n}a", CHATTER, chat="room-xfl-1", sender=sender, name="新邻居"),
                resident_says(f"{n}b", CHATTER, chat="room-xfl-3", sender=sender, name="新邻居"),
            ]
            outcomes += await asyncio.gather(*(app.handle_event(m) for m in pair))
        assert all(o is not None and o.status == "silent" for o in outcomes)
        assert app.inbound.retried == 0 and app.inbound.waiting == 0
        async with app.db.transaction() as session:
            people = (await session.scalars(select(PersonRow.id))).all()
            seen = (await session.scalars(select(SeenChatRow.messages))).all()
        assert sum(1 for p in people if p.startswith("res-new-")) == 8
        assert sum(seen) == 16  # every message counted once
