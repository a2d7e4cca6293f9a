"""Stopping an adapter's background tasks never hangs on one that will not stop (15)."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from bot.adapters.tasks import settle


async def test_a_task_that_swallows_its_cancellation_is_left_behind_not_awaited_forever(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """What Python 3.11's wait_for can do to a ping loop under load (CI saw the WeChat
    adapter's stop hang on it): the stop returns after its grace, with one warning."""
    released = asyncio.Event()

    async def stubborn() -> None:
        while not released.is_set():
            try:
                await asyncio.sleep(0.02)
            except asyncio.CancelledError:
                continue

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    task.cancel()
    started = time.monotonic()
    await settle([task], 0.2, "test adapter")
    assert time.monotonic() - started < 2
    assert any("did not stop" in r.getMessage() for r in caplog.records
               if r.levelno == logging.WARNING)
    released.set()
    await task


async def test_tasks_that_stop_are_awaited_and_their_errors_collected(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def fails() -> None:
        raise RuntimeError("gateway gone")

    async def sleeps() -> None:
        await asyncio.sleep(10)

    failing, sleeping = asyncio.create_task(fails()), asyncio.create_task(sleeps())
    await asyncio.sleep(0)
    sleeping.cancel()
    await settle([failing, sleeping], 5, "test adapter")
    assert failing.done() and sleeping.cancelled()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    await settle([], 5, "test adapter")  # nothing to wait for
