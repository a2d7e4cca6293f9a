"""`gridbot run`: the bot on real platforms, woken by APScheduler (``bot.runtime.waker``).

Timers live in the database; the scheduler only decides when to look at them. After every
piece of work the next wake-up is set to the earliest due timer, with a periodic sweep as a
safety net for outbox retries and clock jumps.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import signal

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.cli.web import console_port_problem
from bot.cli.wiring import build_app
from bot.config import Config, ConfigError
from bot.messaging.adapter import Adapter
from bot.runtime.app import App
from bot.runtime.clock import Clock, SystemClock
from bot.runtime.interpreter import tune_for_serving
from bot.runtime.waker import SWEEP_SECONDS, Waker
from storage.db import Database

log = logging.getLogger(__name__)


def build_adapters(config: Config, clock: Clock) -> list[Adapter]:
    """Every platform whose section is present and enabled in the config."""
    adapters: list[Adapter] = []
    if config.wechaty.enabled:
        from bot.adapters.wechat import build_wechat_adapter

        adapters.append(build_wechat_adapter(config, clock))
    if config.wecom.enabled:
        from bot.adapters.wecom import build_wecom_adapter

        adapters.append(build_wecom_adapter(config, clock))
    return adapters


async def run_forever(config: Config, db_url: str, *, clock: Clock | None = None) -> int:
    clock = clock or SystemClock()
    adapters = build_adapters(config, clock)
    if not adapters:
        raise ConfigError(
            f"{config.source}: no platform is enabled; add a [wechaty] or [wecom] section "
            "(see config.example.toml), or try `gridbot demo`"
        )
    app = build_app(config, Database(db_url), clock, adapters)
    scheduler = AsyncIOScheduler(timezone=config.timezone)
    waker = Waker(app, scheduler)
    app.after_message.append(waker.rearm)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await app.start(background_send=True)
    except OSError as exc:
        # Typically the callback port is taken (another gridbot?). Close what did start,
        # so the operator sees one line instead of a traceback and unclosed sessions.
        await app.stop()
        raise ConfigError(f"cannot start: {exc.strerror or exc}{_port_hint(exc)}") from None
    console = await _start_console(config, app) if config.web.enabled else None
    log.debug("interpreter: %d start-up objects frozen", tune_for_serving())
    scheduler.add_job(waker.tick, "interval", seconds=SWEEP_SECONDS, id="gridbot-sweep")
    scheduler.start()
    await waker.tick()
    log.info(
        "gridbot running for %s on %s; database %s",
        config.community_name,
        ", ".join(app.adapters),
        db_url,
    )
    await stop.wait()
    log.info("stopping")
    scheduler.shutdown(wait=False)
    if console is not None:
        await console.cleanup()
    await app.stop()
    return 0


async def _start_console(config: Config, app: App) -> web.AppRunner:
    """The office console next to the bot ([web] enabled): same database, and what is done
    on a page is sent at once by this process's outbox sender."""
    from bot.web import start_console

    host, port = config.web.host, config.web.port
    try:
        runner = await start_console(
            config, app.db, app.clock, host, port,
            secure_cookie=config.web.secure_cookie, on_change=app.flush,
        )
    except OSError as exc:
        await app.stop()
        raise ConfigError(console_port_problem(exc, host, port)) from None
    log.info("office console on http://%s:%s/", host, port)
    return runner


def _port_hint(exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (
            " — the [wecom] callback_port is in use; is another gridbot running, "
            "or pick another port"
        )
    return ""
