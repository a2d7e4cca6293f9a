"""Runs a scenario file with inline expectations through the real simulator.

Besides the contract's lines, a test scenario may hold:
  {"expect": "silence"}                      the steps since the last expectation said nothing
  {"expect": [{"chat": ..., "contains": [...], "mentions": [...], "not_contains": [...]}]}
                                             exactly these messages, in order, were sent
  {"expect_ticket": {"id": 1, "status": "claimed", ...}}   fields of `gridbot tickets --json`
  {"expect_events": {"id": 1, "kinds": ["opened", "claim"]}}  the ticket's history, in order
The simulator itself skips these lines, so the same file runs under `gridbot simulate`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.cli.simulate import Simulation, apply_step, open_simulation
from bot.config import Config
from bot.domain.tickets import as_json
from storage.repo import Store


class ScenarioFailure(AssertionError):
    pass


def _check_message(spec: dict[str, Any], got: dict[str, Any], where: str) -> None:
    if "chat" in spec and got["chat"] != spec["chat"]:
        raise ScenarioFailure(f"{where}: sent to {got['chat']}, expected {spec['chat']}: {got}")
    for part in spec.get("contains", []):
        if part not in got["text"]:
            raise ScenarioFailure(f"{where}: {got['text']!r} lacks {part!r}")
    for part in spec.get("not_contains", []):
        if part in got["text"]:
            raise ScenarioFailure(f"{where}: {got['text']!r} must not contain {part!r}")
    if "mentions" in spec and sorted(got["mentions"]) != sorted(spec["mentions"]):
        raise ScenarioFailure(f"{where}: mentions {got['mentions']}, expected {spec['mentions']}")
    if "at" in spec and not got["at"].startswith(spec["at"]):
        raise ScenarioFailure(f"{where}: sent at {got['at']}, expected {spec['at']}")


async def ticket_json(sim: Simulation) -> dict[int, dict[str, Any]]:
    async with sim.app.db.transaction() as session:
        rows = await Store(session).all_tickets()
        return {t.id: as_json(t, sim.app.config.timezone) for t in rows}


async def run_file(
    path: Path, config: Config, db_url: str, sim: Simulation | None = None
) -> tuple[Simulation, list[dict[str, Any]]]:
    """Play ``path``; returns the simulation (still open) and every message sent."""
    sim = sim or await open_simulation(config, db_url)
    sent: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        step = json.loads(raw)
        where = f"{path.name}:{number}"
        if "expect" in step:
            expected = step["expect"]
            if expected == "silence":
                if pending:
                    raise ScenarioFailure(f"{where}: expected silence, bot sent {pending}")
            else:
                if len(expected) != len(pending):
                    raise ScenarioFailure(
                        f"{where}: expected {len(expected)} message(s), got {len(pending)}: "
                        + json.dumps(pending, ensure_ascii=False)
                    )
                for spec, got in zip(expected, pending, strict=True):
                    _check_message(spec, got, where)
            pending.clear()
        elif "expect_ticket" in step:
            spec = step["expect_ticket"]
            tickets = await ticket_json(sim)
            ticket = tickets.get(spec["id"])
            if ticket is None:
                raise ScenarioFailure(f"{where}: no ticket #{spec['id']}")
            for key, value in spec.items():
                if ticket.get(key) != value:
                    got = ticket.get(key)
                    raise ScenarioFailure(f"{where}: #{spec['id']} {key}={got!r}, not {value!r}")
        elif "expect_events" in step:
            spec = step["expect_events"]
            async with sim.app.db.transaction() as session:
                kinds = [e.kind for e in await Store(session).events(spec["id"])]
            if kinds != spec["kinds"]:
                raise ScenarioFailure(f"{where}: events {kinds}, expected {spec['kinds']}")
        elif "comment" in step:
            continue
        else:
            await apply_step(sim, step, number)
            sent.extend(sim.lines_out)
            pending.extend(sim.lines_out)
            sim.lines_out.clear()
    return sim, sent


async def play(sim: Simulation, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Apply contract steps (no expectations) and return what the bot sent meanwhile."""
    out: list[dict[str, Any]] = []
    for n, step in enumerate(steps, 1):
        await apply_step(sim, step, n)
        out.extend(sim.lines_out)
        sim.lines_out.clear()
    return out
