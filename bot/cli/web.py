"""`gridbot web` (the office console alone) and `gridbot user add|passwd|disable|enable|list`
(console logins)."""

from __future__ import annotations

import argparse
import errno
import logging
import signal
import sys
import unicodedata
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
    passwd = actions.add_parser(
        "passwd", parents=[common], help="set a new password (signs the login out everywhere)"
    )
    passwd.add_argument("login")
    passwd.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (else asked for)",
    )
    for name, what in (
        ("disable", "stop a login from signing in; its open sessions end at once"),
        ("enable", "let a disabled login sign in again"),
    ):
        actions.add_parser(name, parents=[common], help=what).add_argument("login")
    actions.add_parser(
        "list", parents=[common], help="logins: person, role, disabled, last sign-in"
    )


def listen_address(inv: Invocation) -> tuple[str, int]:
    args, web = inv.args, inv.config.web
    host = args.host or web.host
    port_text = args.port if args.port is not None else str(web.port)
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise ConfigError(f"--port {port_text!r} is not a port number from 1 to 65535")
    return host, int(port_text)


def cmd_web(inv: Invocation) -> int:
    import asyncio

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


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass  # only here: it loads termios, which no other command needs

    password = getpass.getpass(f"password for {args.login}: ")
    if getpass.getpass("again: ") != password:
        raise ConfigError("the two passwords differ; nothing was changed")
    return password


def _on_database(inv: Invocation, work: Any) -> Any:
    """Run ``work(db)`` on the upgraded database; an account problem is one error line.
    Who is who comes from the stored directory once the bot or the console has seeded it."""
    import asyncio

    from bot.domain import directory
    from bot.web import AccountError
    from storage.db import Database

    async def run() -> Any:
        db = Database(inv.db_url)
        try:
            await asyncio.to_thread(db.upgrade)
            await directory.refresh(db, inv.config)
            return await work(db)
        finally:
            await db.close()

    try:
        return asyncio.run(run())
    except AccountError as exc:
        raise ConfigError(str(exc)) from None


def cmd_user(inv: Invocation) -> int:
    action = inv.args.user_action
    if action == "add":
        return _user_add(inv)
    if action == "passwd":
        return _user_passwd(inv)
    if action in ("disable", "enable"):
        return _user_disable(inv, action == "disable")
    return _user_list(inv)


def _user_add(inv: Invocation) -> int:
    from bot.web import add_user

    args = inv.args
    password = _password(args)
    _on_database(
        inv, lambda db: add_user(db, inv.config, inv.clock, args.login, args.person, password)
    )
    person = inv.config.person(args.person)
    name = person.name if person else args.person
    role = inv.config.role_of(args.person)
    print(f"created login {args.login!r} for {name} ({args.person}, {role})")
    return 0


def _user_passwd(inv: Invocation) -> int:
    from bot.web.auth import change_password

    args = inv.args
    password = _password(args)
    _on_database(inv, lambda db: change_password(db, inv.clock, args.login, password))
    print(f"new password set for login {args.login!r}; its open sessions have ended")
    return 0


def _user_disable(inv: Invocation, disabled: bool) -> int:
    from bot.web.auth import set_disabled

    login = inv.args.login
    _, changed = _on_database(inv, lambda db: set_disabled(db, inv.clock, login, disabled))
    if disabled:
        said = "disabled; its open sessions have ended" if changed else "was disabled already"
    else:
        said = "enabled again" if changed else "was not disabled"
    print(f"login {login!r} {said}")
    return 0


def _user_list(inv: Invocation) -> int:
    from bot.web.auth import accounts

    rows = _on_database(inv, lambda db: accounts(db, inv.config))
    if not rows:
        print("no logins yet; create one with: gridbot user add LOGIN --person ID")
        return 0
    tz = inv.config.timezone

    def when(at: Any) -> str:
        return at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if at else "never"

    table = [("LOGIN", "PERSON", "NAME", "ROLE", "DISABLED", "LAST SIGN-IN")]
    for a in rows:
        disabled = when(a.disabled_at) if a.disabled_at else "no"
        role = a.role or "(not in directory)"
        table.append((a.login, a.person_id, a.name, role, disabled, when(a.last_login_at)))
    widths = [max(_width(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        cells = [
            cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)
        ]
        print("  ".join(cells).rstrip())
    return 0


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
