"""How long one huge message holds the bot's loop (issue 15, point 1).

    .venv/bin/python bench/long_message.py [--rounds 5] [--only sqlite|postgresql]

Through the real App on a fake clock: a resident posts a 100,000-character report in
traditional characters, and right after it another group reports a broken manhole. A
heartbeat task on the loop records every gap between its turns (the longest is how long
every other chat waited), and the other report's time to be handled is measured, as are
the collector's full collections (their count and the longest). Each database runs twice:
as the App is after start-up, and after ``tune_for_serving()`` (``bot.runtime.interpreter``,
what `gridbot run` does once started), in that order: it sets up the whole process.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import Databases  # noqa: E402

from bot.cli.wiring import build_app  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.messaging.messages import IncomingMessage  # noqa: E402
from bot.runtime.clock import FakeClock  # noqa: E402
from bot.runtime.interpreter import tune_for_serving  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.support.app import START, SimAdapter  # noqa: E402

LONG = ("3号楼電梯壞了，請儘快維修。" * 10_000)[:100_000]
WARM = ["大家早上好", "5号楼楼道灯坏了", "谢谢网格员", "今天降温了", "2号楼门口井盖松了"]


class FullCollections:
    """The collector's generation-2 runs while installed, and how long each took."""

    def __init__(self) -> None:
        self.took: list[float] = []
        self._began = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.took.append(time.perf_counter() - self._began)


async def heartbeat(gaps: list[float], stop: asyncio.Event) -> None:
    """Take a turn on the loop as often as it gives one; record the gaps between turns."""
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(0)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now


def message(n: int, text: str, chat: str, sender: str) -> IncomingMessage:
    return IncomingMessage(
        platform="sim", message_id=f"m{n}", chat_id=chat, sender_id=sender, text=text,
        at=START, sender_name="张阿姨",
    )


async def one_round(url: str, rounds: int) -> tuple[list[float], list[float]]:
    """The loop's longest hold and the other report's time to be handled, per round."""
    config = load_config(ROOT / "config.example.toml")
    clock = FakeClock(START)
    app = build_app(config, Database(url), clock, [SimAdapter(clock, lambda m, i: None)])
    await app.prepare()
    holds, others = [], []
    try:
        for i, text in enumerate(WARM):
            await app.handle_event(message(i, text, "room-xfl-1", "res-zhang"))
        for r in range(rounds):
            loop_gaps: list[float] = []
            stop = asyncio.Event()
            beat = asyncio.create_task(heartbeat(loop_gaps, stop))
            long_one = asyncio.create_task(
                app.handle_event(message(100 + 2 * r, LONG, "room-xfl-1", "res-zhang"))
            )
            await asyncio.sleep(0)
            began = time.perf_counter()
            await app.handle_event(
                message(101 + 2 * r, f"{r + 5}号楼门口井盖坏了", "room-xfl-3", "res-li")
            )
            others.append(time.perf_counter() - began)
            await long_one
            stop.set()
            await beat
            holds.append(max(loop_gaps))
    finally:
        await app.stop()
    return holds, others


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.0f} ms, worst {max(values) * 1000:.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", choices=["sqlite", "postgresql"], default=None)
    args = parser.parse_args()
    dbs = Databases(Path(tempfile.mkdtemp(prefix="gridbot-long-")))
    names = [n for n in ("sqlite", "postgresql") if args.only in (None, n)]
    collections = FullCollections()
    gc.callbacks.append(collections)
    try:
        for mode in ("as started", "tuned for serving"):
            if mode == "tuned for serving":
                print(f"(tuned: {tune_for_serving():,} start-up objects frozen)")
            for name in names:
                url = dbs.sqlite() if name == "sqlite" else dbs.postgresql()
                collections.took.clear()
                holds, others = asyncio.run(one_round(url, args.rounds))
                full = (f"{len(collections.took)} full collections, longest "
                        f"{max(collections.took, default=0) * 1000:.0f} ms")
                print(f"{name}, {mode}: loop held {ms(holds)}; the other group's report "
                      f"handled in {ms(others)}; {full}", flush=True)
    finally:
        gc.callbacks.remove(collections)
        dbs.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
