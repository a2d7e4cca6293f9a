"""The office console over HTTP (aiohttp's test client), on SQLite and PostgreSQL: sign-in,
throttling, sessions on the injected clock, CSRF, scope as in chat, and changes that go
through the chat's own code paths (a transfer posts the same group message as 转派)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.cli.main import main
from bot.cli.simulate import apply_step
from bot.config import Config
from storage.models import OutboxRow, TicketEventRow, TicketRow, WebAuditRow, WebUserRow
from tests.support.console import PASSWORD, PHONE, open_console


async def _audit(console, action: str) -> list[WebAuditRow]:  # type: ignore[no-untyped-def]
    async with console.db.transaction() as session:
        rows = await session.scalars(select(WebAuditRow).where(WebAuditRow.action == action))
        return list(rows)


async def test_sign_in_cookie_and_sign_out(sample_config: Config, db_url: str) -> None:
    console = await open_console(sample_config, db_url, secure_cookie=True)
    try:
        response = await console.client.get("/tickets", allow_redirects=False)
        assert response.status == 303 and response.headers["Location"].startswith("/login")
        response = await console.client.get("/login")
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
        assert "Max-Age" not in cookie  # a browser-session cookie; the server ends it
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "script-src 'none'" in response.headers["Content-Security-Policy"]
    finally:
        await console.close()


async def test_sign_in_and_out(sample_config: Config, db_url: str) -> None:
    console = await open_console(sample_config, db_url)  # plain HTTP: [web] secure_cookie off
    try:
        response = await console.login("chen")
        assert response.status == 303 and response.headers["Location"] == "/tickets"
        assert "Secure" not in response.headers["Set-Cookie"]
        assert (await console.client.get("/tickets", allow_redirects=False)).status == 200
        logins = await _audit(console, "login")
        assert [(r.login, r.person_id) for r in logins] == [("chen", "wx-chen")]
        assert logins[0].address
        assert (await console.post("/logout", {}, page="/tickets")).status == 303
        response = await console.client.get("/tickets", allow_redirects=False)
        assert response.status == 303
        assert len(await _audit(console, "logout")) == 1
        evil = await console.login("chen")  # a next= elsewhere is never followed
        assert evil.headers["Location"] == "/tickets"
    finally:
        await console.close()


async def test_wrong_passwords_are_throttled_on_the_clock(
    sample_config: Config, db_url: str
) -> None:
    console = await open_console(sample_config, db_url)
    try:
        for _ in range(5):
            response = await console.login("liu", "wrong password")
            assert response.status == 401
            assert "账号或密码不正确" in await response.text()
        response = await console.login("liu")  # the right one, but too late
        assert response.status == 429
        assert "密码错误次数过多" in await response.text()
        unknown = await console.login("nobody", "whatever1")
        assert unknown.status == 401  # other logins are not locked by liu's failures
        console.sim.clock.advance(timedelta(minutes=16))
        response = await console.login("liu")
        assert response.status == 303
        assert len(await _audit(console, "login_failed")) == 6
        assert len(await _audit(console, "login_throttled")) == 1
    finally:
        await console.close()


async def test_session_ends_after_twelve_hours_of_the_injected_clock(
    sample_config: Config, db_url: str
) -> None:
    console = await open_console(sample_config, db_url)
    try:
        await console.login("chen")
        assert (await console.client.get("/tickets", allow_redirects=False)).status == 200
        console.sim.clock.advance(timedelta(hours=11, minutes=59))
        assert (await console.client.get("/tickets", allow_redirects=False)).status == 200
        console.sim.clock.advance(timedelta(minutes=2))
        response = await console.client.get("/tickets", allow_redirects=False)
        assert response.status == 303 and response.headers["Location"].startswith("/login")
    finally:
        await console.close()


async def test_post_without_or_with_a_wrong_csrf_token_is_refused(
    sample_config: Config, db_url: str
) -> None:
    console = await open_console(sample_config, db_url)
    try:
        await console.login("chen")
        bare = await console.client.post("/tickets/1/note", data={"text": "无令牌"})
        assert bare.status == 403
        wrong = await console.client.post(
            "/tickets/1/note", data={"text": "错令牌", "csrf": "x" * 43}
        )
        assert wrong.status == 403
        transfer = await console.client.post("/tickets/1/transfer", data={"to": "wx-zhao"})
        assert transfer.status == 403
        login = await console.client.post("/login", data={"login": "chen", "password": PASSWORD})
        assert login.status == 403
        async with console.db.transaction() as session:
            kinds = list(
                await session.scalars(
                    select(TicketEventRow.kind).where(TicketEventRow.ticket_id == 1)
                )
            )
        assert "note" not in kinds and "transfer" not in kinds
    finally:
        await console.close()


async def test_scope_as_in_chat(sample_config: Config, db_url: str) -> None:
    console = await open_console(sample_config, db_url)
    try:
        await console.login("chen")  # staff: every grid, and residents' phone numbers
        listing = await (await console.client.get("/tickets")).text()
        assert all(f'href="/tickets/{n}"' in listing for n in (1, 2, 3))
        page = await (await console.client.get("/tickets/1")).text()
        assert PHONE in page
        await console.post("/logout", {}, page="/tickets")

        await console.login("liu")  # leader of g1: tickets 1 and 3, masked numbers
        listing = await (await console.client.get("/tickets")).text()
        assert 'href="/tickets/1"' in listing and 'href="/tickets/3"' in listing
        assert 'href="/tickets/2"' not in listing
        assert (await console.client.get("/tickets/2")).status == 404
        other = await console.post("/tickets/2/transfer", {"to": "wx-li"}, page="/tickets")
        assert other.status == 404
        page = await (await console.client.get("/tickets/1")).text()
        assert PHONE not in page and "电话已隐藏" in page
        figures = await (await console.client.get("/figures?grid=g2")).text()
        assert "第一网格" in figures and "第二网格" not in figures.split("<main>")[1]
        await console.post("/logout", {}, page="/tickets")

        await console.login("wang")  # a worker: own tickets, notes only
        async with console.db.transaction() as session:
            query = select(TicketRow.id).where(TicketRow.assignee_id == "wx-wang")
            mine = set(await session.scalars(query))
        listing = await (await console.client.get("/tickets")).text()
        for number in (1, 2, 3):
            assert (f'href="/tickets/{number}"' in listing) == (number in mine)
        assert (await console.client.get("/figures")).status == 403
        if mine:
            ticket = min(mine)
            refused = await console.post(
                f"/tickets/{ticket}/transfer", {"to": "wx-zhao"}, page=f"/tickets/{ticket}"
            )
            assert refused.status == 403
    finally:
        await console.close()


async def test_note_transfer_and_cancel_take_the_chat_paths(
    sample_config: Config, db_url: str
) -> None:
    console = await open_console(sample_config, db_url)
    try:
        await console.login("liu")
        response = await console.post("/tickets/1/note", {"text": "已联系物业，明早到场"})
        assert response.status == 303
        page = await (await console.client.get("/tickets/1")).text()
        assert "备注：已联系物业，明早到场" in page

        async with console.db.transaction() as session:
            before = (await session.get(TicketRow, 1)).assignee_id  # type: ignore[union-attr]
        target = "wx-zhao" if before != "wx-zhao" else "wx-wang"
        sent_before = len(console.sent())
        response = await console.post("/tickets/1/transfer", {"to": target})
        assert response.status == 303
        told = console.sent()[sent_before:]
        assert [m["chat"] for m in told] == ["room-xfl-1"]
        name = sample_config.name_of(target)
        assert told[0]["text"] == (
            "工单 #1（市政设施）3号楼门口井盖坏了 已由刘建国转派"
            f"（原负责人{sample_config.name_of(before)}）。@{name} 请接单（回复“接单 #1”）。"
        )
        assert told[0]["mentions"] == [target]

        # A transfer typed in chat posts the very same words (ticket 3, same grid).
        async with console.db.transaction() as session:
            holder = (await session.get(TicketRow, 3)).assignee_id  # type: ignore[union-attr]
        other = "wx-zhao" if holder != "wx-zhao" else "wx-wang"
        other_name = sample_config.name_of(other)
        sent_before = len(console.sent())
        step = {"chat": "room-xfl-2", "from": "wx-liu", "text": f"转派 #3 @{other_name}"}
        await apply_step(console.sim, step, 1)
        assert [m["text"] for m in console.sent()[sent_before:]] == [
            "工单 #3（楼院设施）4号楼楼道灯不亮了 已由刘建国转派"
            f"（原负责人{sample_config.name_of(holder)}）。@{other_name} 请接单（回复“接单 #3”）。"
        ]

        # Another grid's worker is refused with the chat's sentence.
        response = await console.post("/tickets/1/transfer", {"to": "wx-li"}, page="/tickets/1")
        assert response.status == 409
        assert "不是工单 #1 所在网格的人员" in await response.text()

        response = await console.post("/tickets/1/cancel", {"reason": "重复反映"})
        assert response.status == 303
        async with console.db.transaction() as session:
            ticket = await session.get(TicketRow, 1)
            assert ticket is not None and ticket.status == "cancelled"
            queued = list(await session.scalars(select(OutboxRow).where(OutboxRow.ticket_id == 1)))
        assert any("已由刘建国撤销（重复反映）" in row.text for row in queued)
        actions = [r.action for r in await _audit(console, "note")]
        actions += [r.action for r in await _audit(console, "transfer")]
        actions += [r.action for r in await _audit(console, "cancel")]
        assert actions == ["note", "transfer", "cancel"]
    finally:
        await console.close()


@pytest.mark.parametrize("page", ["/tickets", "/figures", "/duty", "/audit"])
async def test_pages_render_for_staff(sample_config: Config, sqlite_url: str, page: str) -> None:
    console = await open_console(sample_config, sqlite_url)
    try:
        await console.login("chen")
        response = await console.client.get(page)
        assert response.status == 200
        assert "网格助手" in await response.text()
        chart = await console.client.get("/figures/chart.png?period=本周")
        assert chart.status == 200 and chart.content_type == "image/png"
    finally:
        await console.close()


def test_user_add_from_the_command_line(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    code = main(
        ["user", "add", "chen", "--person", "wx-chen", "--password-stdin", "--db", sqlite_url]
    )
    assert code == 0 and "created login 'chen'" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert main(["user", "add", "chen", "--person", "wx-chen", "--password-stdin",
                 "--db", sqlite_url]) == 2
    assert "exists already" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert main(["user", "add", "x1", "--person", "res-nobody", "--password-stdin",
                 "--db", sqlite_url]) == 2
    assert "not in [[people]]" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "add", "x2", "--person", "wx-wang", "--password-stdin",
                 "--db", sqlite_url]) == 2
    assert "at least 8" in capsys.readouterr().err

    import asyncio

    from storage.db import Database

    async def stored() -> WebUserRow | None:
        db = Database(sqlite_url)
        try:
            async with db.transaction() as session:
                return await session.scalar(select(WebUserRow))
        finally:
            await db.close()

    row = asyncio.run(stored())
    assert row is not None and row.password_hash.startswith("$argon2id$")
    assert "a long password" not in row.password_hash


async def test_photos_kept_on_a_ticket_are_shown_to_whoever_may_see_it(
    sample_config: Config, db_url: str, tmp_path, monkeypatch  # type: ignore[no-untyped-def]
) -> None:
    media = tmp_path / "media"
    media.mkdir()
    monkeypatch.setenv("GRIDBOT_MEDIA_DIR", str(media))
    jpeg = b"\xff\xd8\xff\xe0" + b"photo" * 10
    (media / "1-1.jpg").write_bytes(jpeg)
    (tmp_path / "secret.jpg").write_bytes(jpeg)
    at = "2026-11-23T09:02:00+08:00"
    console = await open_console(sample_config, db_url)
    try:
        async with console.db.transaction() as session:
            ticket = await session.get(TicketRow, 1)
            ticket.attachments = [
                {"from": ticket.reporter_id, "at": at, "kind": "report", "file": "1-1.jpg"},
                {"from": ticket.reporter_id, "at": at, "kind": "report", "media": "m2"},
                {"from": "wx-wang", "at": at, "kind": "handling", "file": "../secret.jpg"},
            ]
            other = await session.get(TicketRow, 2)
            other.attachments = [{"from": "x", "at": at, "kind": "report", "file": "1-1.jpg"}]
        assert (await console.client.get("/tickets/1/photos/1", allow_redirects=False)).status in (
            302, 303, 401, 403
        )  # signed out: nothing
        await console.login("liu")  # leader of g1: ticket 1, not ticket 2
        page = await (await console.client.get("/tickets/1")).text()
        assert '<img src="/tickets/1/photos/1"' in page and "问题照片" in page
        assert "没有下载到服务器" in page and "处理照片" in page
        photo = await console.client.get("/tickets/1/photos/1")
        assert photo.status == 200 and photo.headers["Content-Type"] == "image/jpeg"
        assert await photo.read() == jpeg
        assert (await console.client.get("/tickets/1/photos/2")).status == 404  # not downloaded
        assert (await console.client.get("/tickets/1/photos/3")).status == 404  # not a bot name
        assert (await console.client.get("/tickets/1/photos/9")).status == 404
        assert (await console.client.get("/tickets/2/photos/1")).status == 404  # another grid
    finally:
        await console.close()
