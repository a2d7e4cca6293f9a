"""Shared by the WeChat (wechaty) tests: the puppet token, waiting for a condition, the
community config pointed at a fake puppet."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from bot.config import Config
from tests.support.e2e import sample_with

TOKEN = "puppet_token_for_tests_1234"


async def eventually(predicate: Callable[[], bool], timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)


def community(tmp_path: Path, **extra: str) -> Config:
    return sample_with(
        "wechaty",
        {
            "reconnect_min": "0.05s",
            "reconnect_max": "0.2s",
            "connect_timeout": "1s",
            # a send is a few gRPC round trips to the fake, milliseconds when the machine
            # is idle; CI's four workers on two cores once kept one past 2 s, and the
            # outbox's retry waits on the test's frozen clock. No test waits for a send
            # to time out here (a gateway that is down fails a send at once).
            "send_timeout": "5s",
            "ping_interval": "0.2s",
            # long enough that a busy CI machine does not miss a ping and reconnect in
            # the middle of a test (which lost a photo sent just then: the gateway does
            # not redeliver), short enough that a hung gateway is noticed within the
            # tests' five-second waits
            "ping_timeout": "1s",
            "status_interval": "0s",
            "cache_dir": str(tmp_path / "wechaty"),
            **extra,
        },
    )
