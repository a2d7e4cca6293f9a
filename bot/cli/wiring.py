"""Builds the App with the routes and timer kinds ``handlers`` declares.

The only place outside ``bot.cli`` commands that names ``handlers``: the runtime runs what
it is given, so tests, the simulator, the demo and ``gridbot run`` all build the bot here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import handlers
from bot.config import Config
from bot.messaging.adapter import Adapter
from bot.runtime.app import App
from bot.runtime.clock import Clock
from bot.runtime.dispatcher import Handler
from storage.db import Database


def build_app(
    config: Config,
    db: Database,
    clock: Clock,
    adapters: Sequence[Adapter] = (),
    *,
    routes: Sequence[Handler] | None = None,
    **options: Any,
) -> App:
    """The real App: ``handlers.ROUTES`` (or ``routes``, e.g. a test's extra handler in
    front of them), its timer kinds and start-up hooks. ``options`` go to ``App``
    (``triage``, ``retry``)."""
    return App(
        config,
        db,
        clock,
        adapters,
        handlers=handlers.ROUTES if routes is None else routes,
        unlisted=handlers.UNLISTED,
        timer_handlers=handlers.TIMERS,
        on_start=handlers.ON_START,
        **options,
    )
