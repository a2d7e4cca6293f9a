"""Console accounts: creating logins, checking passwords, throttling wrong ones.

A login belongs to a person of the directory (``[[people]]``); their role and grids are
read from the directory on every request, so moving someone to another grid or removing
them takes effect at once. Passwords are hashed with argon2id (argon2-cffi's defaults,
which follow RFC 9106); the hash is never shown or logged.

Changing a password (``gridbot user passwd``, or on the page with the current one) and
disabling a login (``gridbot user disable``, or by staff on the page) both grow the login's
``session_epoch``: every session signed in before ends at its next request. Each change
writes an audit row naming who made it, and from where.

Throttling: after ``LOGIN_FAILURES`` wrong passwords for one login within
``THROTTLE_WINDOW`` (counted since its last successful sign-in), or ``ADDRESS_FAILURES``
from one address, further attempts are refused without checking the password until the
window has passed since the latest failure. Times come from the injected clock.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from bot.config import Config
from bot.runtime.clock import Clock
from bot.runtime.context import Sender
from storage.db import Database
from storage.models import WebAuditRow, WebLoginAttemptRow, WebUserRow
from storage.web import WebStore

HASHER = PasswordHasher()
MIN_PASSWORD = 8
MAX_PASSWORD = 256
LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
THROTTLE_WINDOW = timedelta(minutes=15)
LOGIN_FAILURES = 5
ADDRESS_FAILURES = 20
# Checked when the login does not exist, so a wrong login costs as long as a wrong password
# and the timing does not tell which logins exist.
_DUMMY_HASH = HASHER.hash("gridbot-no-such-login")


class AccountError(Exception):
    """A login that cannot be created or changed; the message says why, in one line."""


class WrongPassword(AccountError):
    """The current password given to change it is not right."""


class Throttled(AccountError):
    """Too many wrong passwords for the login lately; ``until`` when it may try again."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"too many wrong passwords; try again after {until:%H:%M} UTC")
        self.until = until


def sender_of(config: Config, person_id: str) -> Sender | None:
    """The directory's view of a person, as the chat sees them; None if not listed."""
    person = config.person(person_id)
    if person is None or person.role == "resident":
        return None
    return Sender(person.id, person.name, person.role, config.grids_of(person.id))


async def add_user(
    db: Database, config: Config, clock: Clock, login: str, person_id: str, password: str
) -> WebUserRow:
    """Create a login for ``person_id``; an audit row records it (from the command line)."""
    login = login.strip()
    if not LOGIN_PATTERN.match(login):
        raise AccountError(
            f"login {login!r}: use 2-64 letters, digits, '.', '_', '-' or '@', "
            "starting with a letter or digit"
        )
    if sender_of(config, person_id) is None:
        raise AccountError(
            f"--person {person_id!r} is not in [[people]] of {config.source}; "
            "a login belongs to a worker, leader, staff member or admin listed there"
        )
    _check_new_password(password)
    hashed = await asyncio.to_thread(HASHER.hash, password)
    now = clock.now()
    async with db.transaction() as session:
        store = WebStore(session)
        if await store.user_by_login(login) is not None:
            raise AccountError(f"login {login!r} exists already")
        user = await store.add_user(
            WebUserRow(
                login=login,
                person_id=person_id,
                password_hash=hashed,
                created_at=now,
                password_changed_at=now,
                session_epoch=0,
            )
        )
        await store.audit(
            WebAuditRow(
                at=now,
                user_id=None,
                login=login,
                person_id=person_id,
                action="user_add",
                detail={"user_id": user.id, "role": config.role_of(person_id)},
                address="command line",
            )
        )
    return user


def _check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"the password must have at most {MAX_PASSWORD} characters")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a change to a login, for its audit row: a signed-in user of the console
    (``user_id``, ``login``, ``person_id``) or the command line (none of them)."""

    address: str
    user_id: int | None = None
    login: str | None = None
    person_id: str | None = None
    user_agent: str | None = None


COMMAND_LINE = Actor(address="command line")


async def _audit_change(
    store: WebStore, now: datetime, actor: Actor, action: str, user: WebUserRow
) -> None:
    await store.audit(
        WebAuditRow(
            at=now,
            user_id=actor.user_id,
            login=actor.login,
            person_id=actor.person_id,
            action=action,
            detail={"user_id": user.id, "login": user.login},
            address=actor.address,
            user_agent=(actor.user_agent or "")[:300] or None,
        )
    )


async def change_password(
    db: Database,
    clock: Clock,
    login: str,
    password: str,
    *,
    actor: Actor = COMMAND_LINE,
    current: str | None = None,
) -> WebUserRow:
    """A new password for ``login``. ``current`` (the page asks for it) must be the old
    password when given. Every session signed in before ends: the epoch grows, so whoever
    might have the old password is out at their next request."""
    _check_new_password(password)
    hashed = await asyncio.to_thread(HASHER.hash, password)
    now = clock.now()
    async with db.transaction() as session:
        store = WebStore(session)
        user = await store.user_by_login(login.strip(), lock=True)
        if user is None:
            raise AccountError(f"there is no login {login!r}")
        refusal = (
            None if current is None else await _check_current(store, now, user, current, actor)
        )
        if refusal is None:
            user.password_hash = hashed
            user.password_changed_at = now
            user.session_epoch += 1
            await _audit_change(store, now, actor, "password_change", user)
    if refusal is not None:  # raised once the wrong guess is stored
        raise refusal
    return user


async def _check_current(
    store: WebStore, now: datetime, user: WebUserRow, current: str, actor: Actor
) -> AccountError | None:
    """The current password, asked for on the page: guessing it counts as wrong passwords
    for the login, so a session left open is no way round the sign-in throttle."""
    failures, last = await store.failures_since(now - THROTTLE_WINDOW, login=user.login)
    if failures >= LOGIN_FAILURES and last is not None:
        return Throttled(last + THROTTLE_WINDOW)
    if await asyncio.to_thread(_verify, user.password_hash, current[:MAX_PASSWORD]):
        return None
    await store.add_attempt(
        WebLoginAttemptRow(at=now, login=user.login, address=actor.address, ok=False)
    )
    return WrongPassword("the current password is not right")


async def set_disabled(
    db: Database, clock: Clock, login: str, disabled: bool, *, actor: Actor = COMMAND_LINE
) -> tuple[WebUserRow, bool]:
    """Disable (or enable again) ``login``; (the login, whether anything changed). A
    disabled login cannot sign in, and its sessions end at their next request."""
    now = clock.now()
    async with db.transaction() as session:
        store = WebStore(session)
        user = await store.user_by_login(login.strip(), lock=True)
        if user is None:
            raise AccountError(f"there is no login {login!r}")
        if (user.disabled_at is not None) == disabled:
            return user, False
        user.disabled_at = now if disabled else None
        user.session_epoch += 1
        await _audit_change(store, now, actor, "user_disable" if disabled else "user_enable", user)
    return user, True


@dataclass(frozen=True, slots=True)
class Account:
    """A login as the office sees it in a list: never its hash."""

    id: int
    login: str
    person_id: str
    name: str
    role: str | None  # None when the person left the directory
    disabled_at: datetime | None
    last_login_at: datetime | None


async def accounts(db: Database, config: Config) -> list[Account]:
    async with db.transaction() as session:
        rows = await WebStore(session).users()
    out = []
    for user in rows:
        person = config.person(user.person_id)
        listed = sender_of(config, user.person_id) is not None
        out.append(
            Account(
                id=user.id,
                login=user.login,
                person_id=user.person_id,
                name=person.name if person else user.person_id,
                role=person.role if person and listed else None,
                disabled_at=user.disabled_at,
                last_login_at=user.last_login_at,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class SignIn:
    """The outcome of a password check: ``user`` when it may sign in; otherwise
    ``locked_until`` (throttled) or neither (wrong login or password, or disabled)."""

    user: WebUserRow | None = None
    locked_until: datetime | None = None
    disabled: bool = False


async def check_password(
    db: Database,
    config: Config,
    clock: Clock,
    login: str,
    password: str,
    *,
    address: str,
    user_agent: str | None,
) -> SignIn:
    now = clock.now()
    login = login.strip()[:64]
    since = now - THROTTLE_WINDOW
    async with db.transaction() as session:
        store = WebStore(session)
        by_login, last_login = await store.failures_since(since, login=login)
        by_address, last_address = await store.failures_since(since, address=address)
        user = await store.user_by_login(login)
    locks = [
        last + THROTTLE_WINDOW
        for count, limit, last in (
            (by_login, LOGIN_FAILURES, last_login),
            (by_address, ADDRESS_FAILURES, last_address),
        )
        if count >= limit and last is not None
    ]
    if locks:
        until = max(locks)
        await _audit_attempt(db, now, login, user, "login_throttled", address, user_agent)
        return SignIn(locked_until=until)
    ok = await asyncio.to_thread(
        _verify, user.password_hash if user else _DUMMY_HASH, password[:MAX_PASSWORD]
    )
    ok = ok and user is not None
    disabled = bool(
        ok and user is not None and (user.disabled_at or sender_of(config, user.person_id) is None)
    )
    async with db.transaction() as session:
        store = WebStore(session)
        await store.add_attempt(WebLoginAttemptRow(at=now, login=login, address=address, ok=ok))
        if ok and not disabled and user is not None:
            stored = await store.user(user.id)
            if stored is not None:
                stored.last_login_at = now
                if HASHER.check_needs_rehash(user.password_hash):
                    stored.password_hash = await asyncio.to_thread(HASHER.hash, password)
    action = "login" if ok and not disabled else "login_disabled" if ok else "login_failed"
    await _audit_attempt(db, now, login, user, action, address, user_agent)
    if not ok:
        return SignIn()
    if disabled:
        return SignIn(disabled=True)
    return SignIn(user=user)


def _verify(hashed: str, password: str) -> bool:
    try:
        return HASHER.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def _audit_attempt(
    db: Database,
    now: datetime,
    login: str,
    user: WebUserRow | None,
    action: str,
    address: str,
    user_agent: str | None,
) -> None:
    async with db.transaction() as session:
        await WebStore(session).audit(
            WebAuditRow(
                at=now,
                user_id=user.id if user else None,
                login=login,
                person_id=user.person_id if user else None,
                action=action,
                address=address,
                user_agent=(user_agent or "")[:300] or None,
            )
        )
