"""The real App on a fake clock with a silent simulated platform, for tests that drive it
message by message and look at what it stored or queued."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from bot.adapters.simulator import SimAdapter
from bot.cli.wiring import build_app
from bot.config import Config
from bot.messaging.messages import IncomingMessage
from bot.runtime.app import App
from bot.runtime.clock import FakeClock
from bot.runtime.dispatcher import Handler
from storage.db import Database

START = datetime.fromisoformat("2026-11-23T10:00:00+08:00")


def resident_says(
    n: int | str,
    text: str,
    chat: str | None = "room-xfl-1",
    sender: str = "res-zhang",
    name: str | None = "张阿姨",
) -> IncomingMessage:
    """Message ``m<n>`` at START, by default 张阿姨 in 幸福里1-2号楼居民群."""
    return IncomingMessage(
        platform="sim", message_id=f"m{n}", chat_id=chat, sender_id=sender, text=text,
        at=START, sender_name=name,
    )


@asynccontextmanager
async def running_app(
    config: Config, db_url: str, *, routes: Sequence[Handler] | None = None, **options: Any
) -> AsyncIterator[App]:
    clock = FakeClock(START)
    adapter = SimAdapter(clock, lambda m, i: None)
    app = build_app(config, Database(db_url), clock, [adapter], routes=routes, **options)
    await app.prepare()
    try:
        yield app
    finally:
        await app.stop()
