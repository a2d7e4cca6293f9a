"""`gridbot simulate`: replay a scenario (JSON lines) against the real core on a fake clock.

The scenario format is part of the public contract (DESIGN.md): it is how behaviour is
specified, tested and reproduced from a bug report.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.adapters.simulator import SimAdapter
from bot.cli.wiring import build_app
from bot.config import Config, ConfigError, parse_duration
from bot.messaging.messages import IncomingMessage, MessageKind, OutgoingMessage
from bot.reporting.periods import FIRST_YEAR, LAST_YEAR
from bot.runtime.app import App
from bot.runtime.clock import FakeClock
from bot.triage import TriageEngine
from storage.db import Database
from storage.models import OutboxRow

DEFAULT_START = "2026-11-23T09:00:00+08:00"
MAX_ADVANCE = timedelta(days=3660)  # ten years of timers is already a very long scenario


class ScenarioError(Exception):
    """A scenario line the simulator cannot follow; the message names the line."""


@dataclass
class Simulation:
    """An App on a fake clock with a simulated platform, ready to replay scenario lines."""

    app: App
    clock: FakeClock
    adapter: SimAdapter
    lines_out: list[dict[str, Any]]

    def record(self, message: OutgoingMessage, message_id: str) -> None:
        tz = self.app.config.timezone
        self.lines_out.append(
            {
                "at": self.clock.now().astimezone(tz).isoformat(),
                "chat": message.chat,
                "text": message.text,
                "mentions": list(message.mentions),
                "id": message_id,
            }
        )


async def open_simulation(
    config: Config,
    db_url: str,
    *,
    start: datetime | None = None,
    triage: TriageEngine | None = None,
) -> Simulation:
    clock = FakeClock(start or datetime.fromisoformat(DEFAULT_START))
    lines_out: list[dict[str, Any]] = []
    db = Database(db_url)
    holder: list[Simulation] = []
    adapter = SimAdapter(clock, lambda m, i: holder[0].record(m, i))
    app = build_app(config, db, clock, [adapter], triage=triage)
    sim = Simulation(app, clock, adapter, lines_out)
    holder.append(sim)
    await app.start()
    async with db.transaction() as session:
        already = await session.scalar(select(func.count(OutboxRow.id)))
    adapter.continue_after(already or 0)
    return sim


async def run_scenario(
    sim: Simulation, lines: Iterable[str], emit: Callable[[dict[str, Any]], None]
) -> None:
    for number, raw in enumerate(lines, start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            step = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ScenarioError(f"line {number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(step, dict):
            raise ScenarioError(f"line {number}: expected a JSON object")
        if is_annotation(step):
            continue
        await apply_step(sim, step, number)
        for out in sim.lines_out:
            emit(out)
        sim.lines_out.clear()


def is_annotation(step: dict[str, Any]) -> bool:
    """Test expectations and comments that may sit in a scenario; the simulator skips them."""
    return bool(step) and all(k.startswith("expect") or k == "comment" for k in step)


async def apply_step(sim: Simulation, step: dict[str, Any], number: int) -> None:
    app, clock = sim.app, sim.clock
    if "at" in step and not ({"chat", "dm"} & step.keys()):
        try:
            when = datetime.fromisoformat(str(step["at"]))
        except ValueError as exc:
            raise ScenarioError(f"line {number}: 'at' is not an ISO time: {step['at']!r}") from exc
        if when.tzinfo is None:
            when = when.replace(tzinfo=app.config.timezone)
        if not FIRST_YEAR <= when.year <= LAST_YEAR:
            raise ScenarioError(f"line {number}: 'at' must be within {FIRST_YEAR}-{LAST_YEAR}")
        if when >= clock.now():
            await app.advance_to(when)
        else:
            clock.set(when)
        return
    if "advance" in step:
        try:
            delta = parse_duration(step["advance"], f"line {number}: advance")
        except (ConfigError, OverflowError, ValueError):
            raise ScenarioError(
                f"line {number}: advance {step['advance']!r} is not a duration like '90m'"
            ) from None
        if delta > MAX_ADVANCE:
            raise ScenarioError(f"line {number}: advance by at most {MAX_ADVANCE.days} days")
        await app.advance(delta)
        return
    if "chat" in step or "dm" in step:
        await app.handle(message_from_step(step, number, app.config.timezone, clock.now()))
        return
    raise ScenarioError(f"line {number}: expected 'at', 'advance', 'chat' or 'dm'")


def message_from_step(step: dict[str, Any], number: int, tz: Any, now: datetime) -> IncomingMessage:
    is_dm = "dm" in step
    sender = step.get("dm") if is_dm else step.get("from")
    text = step.get("text", "")
    if not isinstance(sender, str) or not sender:
        raise ScenarioError(f"line {number}: a message needs a sender ('from', or 'dm')")
    if not isinstance(text, str):
        raise ScenarioError(f"line {number}: 'text' must be a string")
    mentions = step.get("mentions", [])
    if not isinstance(mentions, list) or not all(isinstance(m, str) for m in mentions):
        raise ScenarioError(f"line {number}: 'mentions' must be a list of user ids")
    kind = step.get("type", "text")
    try:
        message_kind = MessageKind(kind)
    except ValueError as exc:
        raise ScenarioError(f"line {number}: unknown message type {kind!r}") from exc
    quote = step.get("quote")
    return IncomingMessage(
        platform="sim",
        message_id=str(step.get("id") or f"auto-{uuid.uuid4().hex}"),
        chat_id=None if is_dm else str(step["chat"]),
        sender_id=sender,
        text=text,
        at=now,
        sender_name=step.get("name"),
        mentions=tuple(m for m in mentions if m != "bot"),
        mentions_bot="bot" in mentions,
        quote_id=str(quote) if quote is not None else None,
        kind=message_kind,
    )
