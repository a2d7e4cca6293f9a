"""The status line counts outbox messages no running process holds (issue 15, point 5):
a message for a chat only another platform's account serves waits, and the operator sees
it waiting in the status line, not only in `gridbot failed`. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from bot.config import Config
from bot.messaging.messages import OutgoingMessage
from bot.runtime.clock import FakeClock
from bot.runtime.outbox import queue
from storage.repo import Store
from tests.support.app import running_app


async def test_the_status_line_counts_messages_no_process_holds(
    sample_config: Config, db_url: str
) -> None:
    async with running_app(sample_config, db_url) as app:  # it holds the "sim" platform only
        async with app.db.transaction() as session:
            await queue(Store(session), [
                OutgoingMessage(chat="wecom-room", text="企业微信群的", platform="wecom"),
                OutgoingMessage(chat="room-xfl-1", text="模拟群的", platform="sim"),
            ], app.clock.now())
        await app.flush()  # the sim row goes out; the WeCom one waits for its process
        assert isinstance(app.clock, FakeClock)
        app.clock.advance(timedelta(minutes=5))
        assert await app.refresh_status() == 0  # a few minutes: not worth a word yet
        app.clock.advance(timedelta(minutes=10))
        assert await app.refresh_status() == 1
        line = app.inbound_status()
        assert "inbound: 0 waiting for retry, 0 failed" in line
        assert "outbox: 1 waiting for a process that holds their chat" in line
