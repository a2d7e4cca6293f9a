"""Stopping background tasks without trusting them to stop.

A cancelled task normally ends at its next await. On Python 3.11, ``asyncio.wait_for``
can swallow the cancellation when the awaited call finishes at the same moment (fixed in
3.12), and a loop around it then runs on: a stop that awaits such a task never returns.
CI saw exactly that in the WeChat adapter's watchdog, a ping loop, under load.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

log = logging.getLogger(__name__)

# How long a cancelled task may take to end before it is left behind.
TASK_GRACE = 5.0


async def settle(tasks: Iterable[asyncio.Task[object]], grace: float, what: str) -> None:
    """Wait up to ``grace`` seconds for already-cancelled ``tasks`` to end, collect what
    they raised (so nothing is logged as never retrieved) and leave the stubborn ones
    behind with a warning rather than hang the caller."""
    tasks = list(tasks)  # read twice below
    pending = [task for task in tasks if not task.done()]
    if pending:
        _, stuck = await asyncio.wait(pending, timeout=grace)
        if stuck:
            log.warning("%s: %d task(s) did not stop within %.0f s; left behind",
                        what, len(stuck), grace)
            for task in stuck:
                task.cancel()  # once more: one that swallowed a cancellation may heed this
    for task in tasks:
        if task.done() and not task.cancelled():
            task.exception()
