"""Who gets a new ticket."""

from __future__ import annotations

from datetime import datetime

from bot.config import Config


def assignee_for(config: Config, grid_id: str | None, at: datetime) -> str | None:
    """The grid's first listed worker; the grid leader when it lists none."""
    grid = config.grid(grid_id)
    if grid is None:
        return None
    if grid.workers:
        return grid.workers[0]
    return grid.leader


def grid_for_location(config: Config, building: str | None) -> str | None:
    """The grid whose buildings include ``building`` (for reports that name no group)."""
    if not building:
        return None
    for grid in config.grids:
        if building in grid.buildings:
            return grid.id
    return None
