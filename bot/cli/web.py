"""`gridbot web` (the office console alone) and `gridbot user add` (a console login)."""

from __future__ import annotations

import argparse
import asyncio
import errno
import getpass
import logging
import signal
import sys
from typing import Any

from bot.config import ConfigError

# The commands get bot.cli.main's Invocation (args, config, db_url, clock); it is not
# imported here, since main imports this module.
Invocation = Any

log = logging.getLogger(__name__)


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    web = sub.add_parser(
        "web", parents=[common], help="serve the office console (the web pages) on its own"
    )
    web.add_argument("--host", help="address to listen on (default [web] host, else 127.0.0.1)")
    web.add_argument("--port", help="port to listen on (default [web] port, else 8000)")
    user = sub.add_parser("user", help="console logins")
    actions = user.add_subparsers(dest="user_action", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add",
        parents=[common],
        help="create a login for a person of the directory ([[people]])",
    )
    add.add_argument("login", help="the name typed on the login page")
    add.add_argument("--person", required=True, metavar="ID", help="the person's id in [[people]]")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (else asked for)",
    )


def listen_address(inv: Invocation) -> tuple[str, int]:
    args, web = inv.args, inv.config.web
    host = args.host or web.host
    port_text = args.port if args.port is not None else str(web.port)
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise ConfigError(f"--port {port_text!r} is not a port number from 1 to 65535")
    return host, int(port_text)


def cmd_web(inv: Invocation) -> int:
    from bot.web import start_console
    from storage.db import Database

    host, port = listen_address(inv)
    config = inv.config

    async def serve() -> int:
        db = Database(inv.db_url)
        try:
            await asyncio.to_thread(db.upgrade)
            try:
                runner = await start_console(
                    config, db, inv.clock, host, port, secure_cookie=config.web.secure_cookie
                )
            except OSError as exc:
                raise ConfigError(console_port_problem(exc, host, port)) from None
            print(
                f"gridbot: office console on http://{host}:{port}/ for {config.community_name}"
                f" (database {inv.db_url}); Ctrl-C stops it",
                file=sys.stderr,
                flush=True,
            )
            if not config.web.secure_cookie:
                print(
                    "gridbot: [web] secure_cookie = false: sign-in cookies also travel over "
                    "plain HTTP; use it only on this machine or behind TLS",
                    file=sys.stderr,
                )
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            try:
                await stop.wait()
            finally:
                await runner.cleanup()
            return 0
        finally:
            await db.close()

    return asyncio.run(serve())


def console_port_problem(exc: OSError, host: str, port: int) -> str:
    why = exc.strerror or str(exc)
    hint = ""
    if exc.errno == errno.EADDRINUSE:
        hint = " — the port is in use; is another gridbot serving the console? Pick another port"
    return f"cannot serve the console on {host}:{port}: {why}{hint}"


def cmd_user(inv: Invocation) -> int:
    from bot.web import AccountError, add_user
    from storage.db import Database

    args = inv.args
    if args.password_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
    else:
        password = getpass.getpass(f"password for {args.login}: ")
        if getpass.getpass("again: ") != password:
            raise ConfigError("the two passwords differ; nothing was created")

    async def create() -> int:
        db = Database(inv.db_url)
        try:
            await asyncio.to_thread(db.upgrade)
            user = await add_user(db, inv.config, inv.clock, args.login, args.person, password)
            return user.id
        finally:
            await db.close()

    try:
        asyncio.run(create())
    except AccountError as exc:
        raise ConfigError(str(exc)) from None
    person = inv.config.person(args.person)
    name = person.name if person else args.person
    role = inv.config.role_of(args.person)
    print(f"created login {args.login!r} for {name} ({args.person}, {role})")
    return 0
