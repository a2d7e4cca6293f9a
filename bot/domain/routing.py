"""Who gets a new ticket."""

from __future__ import annotations

from datetime import datetime

from bot.config import Config
from bot.domain.roster import load_roster
from storage.repo import Store


def assignee_for(config: Config, grid_id: str | None, at: datetime) -> str | None:
    """The grid's first listed worker; the grid leader when it lists none."""
    grid = config.grid(grid_id)
    if grid is None:
        return None
    if grid.workers:
        return grid.workers[0]
    return grid.leader


async def choose_assignee(
    store: Store, config: Config, grid_id: str | None, at: datetime
) -> str | None:
    """Who gets a new ticket: whoever the roster has on duty at ``at``.

    When several workers are on duty together (a shift with no rotation, or a grid with no
    roster, where every listed worker is on duty at all times) the one with the fewest open
    (assigned or claimed) tickets gets it, ties going to duty order, so one worker is not
    buried while another waits. Off-hours that is the duty officer; if nobody is on duty
    at all, the grid leader.
    """
    roster = await load_roster(store, config, at)
    on_duty = roster.on_duty(grid_id, at)
    if not on_duty:
        return assignee_for(config, grid_id, at)
    spread = [d.person for d in on_duty if d.shares_load]
    if len(spread) > 1:
        counts = await store.open_ticket_counts(spread)
        return min(spread, key=lambda p: (counts[p], spread.index(p)))
    return on_duty[0].person


def grid_for_location(config: Config, building: str | None) -> str | None:
    """The grid whose buildings include ``building`` (for reports that name no group)."""
    if not building:
        return None
    for grid in config.directory.grids:
        if building in grid.buildings:
            return grid.id
    return None
