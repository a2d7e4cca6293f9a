"""Shared by the end-to-end tests: the sample community with a platform block added, and
read-only looks into the App's database.

The e2e tests build the App the way `gridbot run` does (``bot.cli.runner.build_adapters`` on
the config, ``App.start(background_send=True)``); only the platform on the far side of the
real adapter is a fake.
"""

from __future__ import annotations

import asyncio
import time
import tomllib
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select

from bot.config import Config, parse_config
from bot.runtime.app import App
from storage.models import InboundMessageRow, OutboxRow, TicketRow
from storage.repo import Store
from tests.conftest import ROOT

T = TypeVar("T")

# Mid-morning in the community's time zone: nothing is held back for quiet hours.
DAYTIME = datetime.fromisoformat("2026-11-23T10:00:00+08:00")


def sample_with(section: str, values: Mapping[str, Any]) -> Config:
    """config.example.toml as shipped, plus one platform section (as an operator adds it)."""
    raw = tomllib.loads((ROOT / "config.example.toml").read_text("utf-8"))
    assert section not in raw, "the sample config must not enable a platform"
    raw[section] = dict(values)
    return parse_config(raw, source=f"config.example.toml + [{section}]")


def first_worker(config: Config, group_id: str) -> tuple[str, str]:
    """(id, name) of the worker a new ticket in this group goes to with no duty roster."""
    group = config.group(group_id)
    assert group is not None and group.grid is not None
    grid = config.grid(group.grid)
    assert grid is not None
    worker = grid.workers[0]
    return worker, config.name_of(worker)


async def tickets(app: App) -> list[TicketRow]:
    async with app.db.transaction() as session:
        return list(await Store(session).all_tickets())


async def outbox(app: App) -> list[OutboxRow]:
    async with app.db.transaction() as session:
        return list((await session.scalars(select(OutboxRow).order_by(OutboxRow.id))).all())


async def inbound(app: App) -> list[InboundMessageRow]:
    async with app.db.transaction() as session:
        query = select(InboundMessageRow).order_by(InboundMessageRow.id)
        return list((await session.scalars(query)).all())


async def until(
    probe: Callable[[], Awaitable[T]], check: Callable[[T], bool], timeout: float = 5
) -> T:
    """Poll ``probe`` until ``check`` holds for its result; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if check(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not reached within {timeout}s; last value {value!r}")
        await asyncio.sleep(0.01)


async def all_sent(app: App, count: int | None = None, timeout: float = 5) -> list[OutboxRow]:
    """Until every outbox row (and at least ``count`` of them) is marked sent."""

    def done(rows: list[OutboxRow]) -> bool:
        enough = count is None or len(rows) >= count
        return enough and all(r.sent_at is not None for r in rows)

    return await until(lambda: outbox(app), done, timeout)
