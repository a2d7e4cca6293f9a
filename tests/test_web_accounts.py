"""Changing and disabling console logins, on SQLite and PostgreSQL: `gridbot user passwd |
disable | enable | list`, one's own password on the page, staff disabling a login on the
page; a disabled login cannot sign in and its open sessions end at their next request."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.cli.main import main
from bot.config import Config
from storage.db import Database
from storage.models import WebAuditRow, WebUserRow
from tests.support.console import PASSWORD, Console, open_console

NEW_PASSWORD = "a brand new secret"


async def _audit(console: Console, action: str) -> list[WebAuditRow]:
    async with console.db.transaction() as session:
        rows = await session.scalars(select(WebAuditRow).where(WebAuditRow.action == action))
        return list(rows)


async def _second_browser(console: Console, login: str, password: str = PASSWORD) -> Console:
    """Another browser signed in as ``login``: a client with its own cookie jar."""
    client: TestClient[Any, Any] = TestClient(TestServer(console.app))
    await client.start_server()
    other = Console(console.sim, console.app, client)
    assert (await other.login(login, password)).status == 303
    return other


async def _status(console: Console, path: str = "/tickets") -> int:
    return (await console.client.get(path, allow_redirects=False)).status


# --- the command line ----------------------------------------------------------------------


def _run(argv: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def _user(db_url: str, login: str) -> WebUserRow | None:
    async def read() -> WebUserRow | None:
        db = Database(db_url)
        try:
            async with db.transaction() as session:
                return await session.scalar(select(WebUserRow).where(WebUserRow.login == login))
        finally:
            await db.close()

    return asyncio.run(read())


def test_user_passwd_disable_enable_and_list(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", db_url]
    add = ["user", "add", "liu", "--person", "wx-liu", "--password-stdin", *db]
    assert _run(add, "first password\n", monkeypatch) == 0
    before = _user(db_url, "liu")
    assert before is not None
    capsys.readouterr()

    assert (
        _run(["user", "passwd", "liu", "--password-stdin", *db], "second password\n", monkeypatch)
        == 0
    )
    assert "new password set for login 'liu'" in capsys.readouterr().out
    after = _user(db_url, "liu")
    assert after is not None and after.password_hash != before.password_hash
    assert after.session_epoch == before.session_epoch + 1
    assert _run(["user", "passwd", "liu", "--password-stdin", *db], "short\n", monkeypatch) == 2
    assert "at least 8" in capsys.readouterr().err
    assert (
        _run(["user", "passwd", "nobody", "--password-stdin", *db], "long enough\n", monkeypatch)
        == 2
    )
    assert "there is no login 'nobody'" in capsys.readouterr().err

    assert _run(["user", "disable", "liu", *db], "", monkeypatch) == 0
    assert "login 'liu' disabled" in capsys.readouterr().out
    assert _run(["user", "disable", "liu", *db], "", monkeypatch) == 0
    assert "was disabled already" in capsys.readouterr().out
    disabled = _user(db_url, "liu")
    assert disabled is not None and disabled.disabled_at is not None

    assert _run(["user", "list", *db], "", monkeypatch) == 0
    listing = capsys.readouterr().out
    lines = listing.splitlines()
    assert lines[0].split() == ["LOGIN", "PERSON", "NAME", "ROLE", "DISABLED", "LAST", "SIGN-IN"]
    assert lines[1].split()[:4] == ["liu", "wx-liu", "刘建国", "leader"]
    assert lines[1].endswith("never")
    assert "$argon2" not in listing and "password" not in listing

    assert _run(["user", "enable", "liu", *db], "", monkeypatch) == 0
    assert "login 'liu' enabled again" in capsys.readouterr().out
    enabled = _user(db_url, "liu")
    assert enabled is not None and enabled.disabled_at is None

    async def audit() -> list[tuple[str, str | None]]:
        database = Database(db_url)
        try:
            async with database.transaction() as session:
                rows = await session.scalars(select(WebAuditRow).order_by(WebAuditRow.id))
                return [(r.action, r.address) for r in rows]
        finally:
            await database.close()

    assert asyncio.run(audit()) == [
        ("user_add", "command line"),
        ("password_change", "command line"),
        ("user_disable", "command line"),
        ("user_enable", "command line"),
    ]


# --- disabling ---------------------------------------------------------------------------


async def test_a_disabled_login_cannot_sign_in_and_its_sessions_end(
    sample_config: Config, db_url: str
) -> None:
    console = await open_console(sample_config, db_url)
    wang = await _second_browser(console, "wang")
    try:
        assert await _status(wang) == 200
        await console.login("chen")
        logins = await (await console.client.get("/logins")).text()
        assert "wang" in logins and "王芳" in logins and "$argon2" not in logins
        wang_id = (await _user_row(console, "wang")).id

        response = await console.post(f"/logins/{wang_id}/disable", {}, page="/logins")
        assert response.status == 303
        # wang's open page: the next request finds the session over.
        response = await wang.client.get("/tickets", allow_redirects=False)
        assert response.status == 303 and response.headers["Location"].startswith("/login")
        refused = await wang.login("wang")
        assert refused.status == 403 and "该账号已停用" in await refused.text()
        assert "已停用" in await (await console.client.get("/logins")).text()

        response = await console.post(f"/logins/{wang_id}/enable", {}, page="/logins")
        assert response.status == 303
        assert (await wang.login("wang")).status == 303
        assert await _status(wang) == 200

        disabled = await _audit(console, "user_disable")
        assert [(r.login, r.detail) for r in disabled] == [
            ("chen", {"user_id": wang_id, "login": "wang"})
        ]
        assert disabled[0].address and disabled[0].person_id == "wx-chen"
        assert [r.login for r in await _audit(console, "user_enable")] == ["chen"]
    finally:
        await wang.client.close()
        await console.close()


async def test_disabling_from_the_command_line_ends_an_open_session(
    sample_config: Config, db_url: str
) -> None:
    console = await open_console(sample_config, db_url)
    try:
        await console.login("liu")
        assert await _status(console) == 200
        from bot.web.auth import set_disabled

        await set_disabled(console.db, console.sim.clock, "liu", True)
        assert await _status(console) == 303
    finally:
        await console.close()


async def test_only_staff_disable_logins_and_not_their_own(
    sample_config: Config, db_url: str
) -> None:
    console = await open_console(sample_config, db_url)
    try:
        await console.login("liu")  # a leader: no 账号管理
        assert await _status(console, "/logins") == 403
        wang_id = (await _user_row(console, "wang")).id
        token = await console.csrf("/tickets")
        refused = await console.client.post(
            f"/logins/{wang_id}/disable", data={"csrf": token}, allow_redirects=False
        )
        assert refused.status == 403
        await console.post("/logout", {}, page="/tickets")

        await console.login("chen")
        chen_id = (await _user_row(console, "chen")).id
        own = await console.post(f"/logins/{chen_id}/disable", {}, page="/logins")
        assert own.status == 403 and "不能停用自己的账号" in await own.text()
        bare = await console.client.post(f"/logins/{wang_id}/disable", data={})
        assert bare.status == 403  # no CSRF token
        async with console.db.transaction() as session:
            rows = await session.scalars(
                select(WebUserRow).where(WebUserRow.disabled_at.is_not(None))
            )
            assert list(rows) == []
        assert await _audit(console, "user_disable") == []
    finally:
        await console.close()


async def _user_row(console: Console, login: str) -> WebUserRow:
    async with console.db.transaction() as session:
        row = await session.scalar(select(WebUserRow).where(WebUserRow.login == login))
    assert row is not None
    return row


# --- one's own password ------------------------------------------------------------------


async def test_changing_ones_own_password_on_the_page(sample_config: Config, db_url: str) -> None:
    console = await open_console(sample_config, db_url)
    phone = await _second_browser(console, "liu")  # the same person, on their phone
    try:
        await console.login("liu")
        page = await (await console.client.get("/account")).text()
        assert "修改密码" in page and 'name="current"' in page

        wrong = await console.post(
            "/account/password",
            {"current": "not my password", "new": NEW_PASSWORD, "again": NEW_PASSWORD},
            page="/account",
        )
        assert wrong.status == 400 and "当前密码不正确" in await wrong.text()
        differ = await console.post(
            "/account/password",
            {"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD + "x"},
            page="/account",
        )
        assert differ.status == 400 and "两次输入的新密码不一致" in await differ.text()
        short = await console.post(
            "/account/password",
            {"current": PASSWORD, "new": "short", "again": "short"},
            page="/account",
        )
        assert short.status == 400
        bare = await console.client.post(
            "/account/password",
            data={"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD},
        )
        assert bare.status == 403  # no CSRF token
        assert await _audit(console, "password_change") == []

        done = await console.post(
            "/account/password",
            {"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD},
            page="/account",
        )
        assert done.status == 303 and done.headers["Location"] == "/account?changed=1"
        page = await (await console.client.get("/account?changed=1")).text()
        assert "密码已修改" in page  # this browser stays signed in
        assert await _status(console) == 200
        assert await _status(phone) == 303  # the other one is out

        await console.post("/logout", {}, page="/tickets")
        assert (await console.login("liu")).status == 401  # the old password no longer works
        assert (await console.login("liu", NEW_PASSWORD)).status == 303
        changes = await _audit(console, "password_change")
        assert [(r.login, r.person_id) for r in changes] == [("liu", "wx-liu")]
        assert changes[0].address and "password" not in str(changes[0].detail)
    finally:
        await phone.client.close()
        await console.close()


async def test_guessing_the_current_password_is_throttled(
    sample_config: Config, db_url: str
) -> None:
    console = await open_console(sample_config, db_url)
    try:
        await console.login("wang")
        console.sim.clock.advance(timedelta(minutes=1))  # guesses come after the sign-in
        for _ in range(5):
            response = await console.post(
                "/account/password",
                {"current": "a wrong guess", "new": NEW_PASSWORD, "again": NEW_PASSWORD},
                page="/account",
            )
            assert response.status == 400
        response = await console.post(
            "/account/password",
            {"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD},
            page="/account",
        )
        assert response.status == 429 and "密码错误次数过多" in await response.text()
        console.sim.clock.advance(timedelta(minutes=16))
        response = await console.post(
            "/account/password",
            {"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD},
            page="/account",
        )
        assert response.status == 303
    finally:
        await console.close()


async def test_last_sign_in_is_kept_and_listed(sample_config: Config, db_url: str) -> None:
    console = await open_console(sample_config, db_url)
    try:
        assert (await _user_row(console, "sun")).last_login_at is None
        await console.login("sun")
        row = await _user_row(console, "sun")
        assert row.last_login_at == console.sim.clock.now()
        await console.post("/logout", {}, page="/tickets")
        await console.login("chen")
        logins = await (await console.client.get("/logins")).text()
        sun = logins.split("sun</td>", 1)[1].split("</tr>", 1)[0]
        local = console.sim.clock.now().astimezone(sample_config.timezone)
        assert f"{local:%Y-%m-%d %H:%M}" in sun
        wang = logins.split("wang</td>", 1)[1].split("</tr>", 1)[0]
        assert "从未登录" in wang
    finally:
        await console.close()
