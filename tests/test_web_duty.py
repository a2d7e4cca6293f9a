"""Roster changes on the console's 值班 page, over HTTP on SQLite and PostgreSQL: the
same checks, rows and confirmation as 换班 / 请假 in chat (bot/runtime/duty_changes.py),
audited, for leaders (their own grid) and staff only, and the bot routes by them at once."""

from __future__ import annotations

from urllib.parse import unquote

from sqlalchemy import select

from bot.cli.simulate import apply_step
from bot.config import Config
from storage.models import DutyLeaveRow, DutyOverrideRow, TicketRow, WebAuditRow
from tests.support.console import open_console


async def test_leave_entered_on_the_page_routes_the_next_report_elsewhere(
    sample_config: Config, db_url: str
) -> None:
    console = await open_console(sample_config, db_url)  # 2026-11-24, a Tuesday
    try:
        await console.login("chen")
        page = await (await console.client.get("/duty")).text()
        assert 'action="/duty/leave"' in page and 'action="/duty/swap"' in page
        response = await console.post(
            "/duty/leave",
            {"person": "wx-wang", "first": "2026-11-24", "last": "2026-11-25"},
            page="/duty",
        )
        assert response.status == 303
        done = unquote(response.headers["Location"].split("done=", 1)[1])
        assert done.startswith("已登记：王芳11月24日至11月25日请假，期间新工单不再派给王芳。")
        page = await (await console.client.get(response.headers["Location"])).text()
        assert "已登记：王芳" in page
        async with console.db.transaction() as session:
            row = await session.scalar(select(DutyLeaveRow))
            assert row is not None and (row.person_id, row.created_by) == ("wx-wang", "wx-chen")
            audit = await session.scalar(
                select(WebAuditRow).where(WebAuditRow.action == "duty_leave")
            )
            assert audit is not None and audit.detail["person"] == "wx-wang"

        await apply_step(
            console.sim,
            {"chat": "room-xfl-1", "from": "res-gao", "name": "高先生", "text": "2号楼楼道灯坏了"},
            50,
        )
        async with console.db.transaction() as session:
            newest = await session.scalar(select(TicketRow).order_by(TicketRow.id.desc()))
            assert newest is not None and newest.assignee_id == "wx-zhao"

        # Bad input: one line on the page, nothing stored.
        response = await console.post(
            "/duty/leave",
            {"person": "wx-zhao", "first": "2026-11-26", "last": "2026-11-20"},
            page="/duty",
        )
        assert response.status == 409 and "早于开始日期" in await response.text()
        response = await console.post(
            "/duty/swap", {"a": "wx-wang", "b": "wx-wang", "day": "2026-11-26"}, page="/duty"
        )
        assert response.status == 400
        async with console.db.transaction() as session:
            assert len(list(await session.scalars(select(DutyLeaveRow)))) == 1
            assert not list(await session.scalars(select(DutyOverrideRow)))
    finally:
        await console.close()


async def test_a_leader_swaps_within_their_grid_and_a_worker_cannot(
    sample_config: Config, db_url: str
) -> None:
    console = await open_console(sample_config, db_url)
    try:
        await console.login("liu")  # leader of 第一网格
        response = await console.post(
            "/duty/swap", {"a": "wx-wang", "b": "wx-zhao", "day": "2026-11-26"}, page="/duty"
        )
        assert response.status == 303
        assert "已登记换班：11月26日王芳的班由赵强值" in unquote(response.headers["Location"])
        response = await console.post(
            "/duty/swap", {"a": "wx-wang", "b": "wx-zhao", "day": "2026-11-20"}, page="/duty"
        )
        assert response.status == 409 and "已经过去了" in await response.text()
        response = await console.post(
            "/duty/swap", {"a": "wx-wang", "b": "wx-li", "day": "2026-11-26"}, page="/duty"
        )
        assert response.status == 400  # wx-li works in 第二网格
        async with console.db.transaction() as session:
            rows = list(await session.scalars(select(DutyOverrideRow)))
            assert {(r.person_id, r.replaces_id, r.created_by) for r in rows} == {
                ("wx-zhao", "wx-wang", "wx-liu"),
                ("wx-wang", "wx-zhao", "wx-liu"),
            }
        # Without the form's CSRF token: refused.
        response = await console.client.post(
            "/duty/swap", data={"a": "wx-wang", "b": "wx-zhao", "day": "2026-11-27"},
            allow_redirects=False,
        )
        assert response.status == 403

        await console.client.post("/logout", data={"csrf": await console.csrf("/duty")})
        await console.login("wang")  # a worker reads the roster only
        page = await (await console.client.get("/duty")).text()
        assert 'action="/duty/swap"' not in page
        response = await console.post(
            "/duty/leave", {"person": "wx-wang", "first": "2026-11-26"}, page="/duty"
        )
        assert response.status == 403
    finally:
        await console.close()


async def test_staff_set_a_days_duty_and_the_next_report_follows_it(
    sample_config: Config, db_url: str
) -> None:
    console = await open_console(sample_config, db_url)  # 2026-11-24, a Tuesday
    try:
        await console.login("chen")
        page = await (await console.client.get("/duty")).text()
        assert 'action="/duty/shift"' in page and "未配置排班：网格员全天在岗" in page
        # Today in 第一网格: 李娜 takes 王芳's duty, 周磊 takes 赵强's.
        for person, replaces in (("wx-li", "wx-wang"), ("wx-zhou", "wx-zhao")):
            response = await console.post(
                "/duty/shift",
                {"grid": "g1", "day": "2026-11-24", "person": person, "replaces": replaces},
                page="/duty",
            )
            assert response.status == 303, await response.text()
        done = unquote(response.headers["Location"].split("done=", 1)[1])
        assert done.startswith("已登记：11月24日第一网格由周磊顶替赵强值班。")
        page = await (await console.client.get(response.headers["Location"])).text()
        assert "已登记：11月24日第一网格由周磊顶替赵强值班" in page
        assert "李娜、周磊" in page  # the week table shows today's new duty
        async with console.db.transaction() as session:
            rows = list(await session.scalars(select(DutyOverrideRow)))
            assert {
                (r.person_id, r.replaces_id, r.grid_id, r.kind, r.created_by) for r in rows
            } == {
                ("wx-li", "wx-wang", "g1", "cover", "wx-chen"),
                ("wx-zhou", "wx-zhao", "g1", "cover", "wx-chen"),
            }
            audits = list(
                await session.scalars(select(WebAuditRow).where(WebAuditRow.action == "duty_shift"))
            )
            assert [a.detail["person"] for a in audits] == ["wx-li", "wx-zhou"]
        audit = await (await console.client.get("/audit")).text()
        assert "排班调整" in audit

        # The bot routes by it at once: 周磊 has no open ticket, 李娜 has 吴先生's.
        await apply_step(
            console.sim,
            {"chat": "room-xfl-1", "from": "res-gao", "name": "高先生", "text": "2号楼楼道灯坏了"},
            50,
        )
        async with console.db.transaction() as session:
            newest = await session.scalar(select(TicketRow).order_by(TicketRow.id.desc()))
            assert newest is not None and newest.assignee_id == "wx-zhou"

        # Someone joining a day's duty, without replacing anyone.
        response = await console.post(
            "/duty/shift", {"grid": "g2", "day": "2026-11-27", "person": "wx-wang"}, page="/duty"
        )
        assert response.status == 303
        assert "11月27日王芳加入第二网格值班" in unquote(response.headers["Location"])
    finally:
        await console.close()


async def test_a_days_duty_refuses_bad_input_in_one_line_and_respects_scope(
    sample_config: Config, db_url: str
) -> None:
    console = await open_console(sample_config, db_url)
    try:
        await console.login("liu")  # leader of 第一网格
        response = await console.post(
            "/duty/shift",
            {"grid": "g1", "day": "2026-11-26", "person": "wx-zhao", "replaces": "wx-wang"},
            page="/duty",
        )
        assert response.status == 303
        refused = {
            # (form, status, the one line the page shows)
            ("g1", "2026-11-26", "wx-liu", "wx-wang"): (409, "王芳11月26日不在第一网格值班"),
            ("g1", "2026-11-27", "wx-zhao", ""): (409, "赵强11月27日已经在第一网格值班了"),
            ("g1", "2026-11-27", "wx-zhao", "wx-zhao"): (409, "不能是同一位"),
            ("g1", "2026-11-20", "wx-zhao", "wx-wang"): (409, "11月20日已经过去了"),
            ("g1", "9999-12-31", "wx-zhao", "wx-wang"): (409, "超出了可登记的范围"),
            ("g1", "2026-13-45", "wx-zhao", "wx-wang"): (400, "排班请选网格、值班的人和日期"),
            ("g1", "2026-11-27", "", "wx-wang"): (400, "排班请选网格、值班的人和日期"),
            ("g1", "2026-11-27", "wx-nobody", "wx-wang"): (400, "请从名单里选择人员"),
            ("g1", "2026-11-27", "wx-li", "wx-wang"): (400, "请从名单里选择人员"),  # 第二网格
            ("g2", "2026-11-27", "wx-zhao", ""): (409, "第二网格不在您负责的范围"),
        }
        for (grid, day, person, replaces), (status, line) in refused.items():
            form = {"grid": grid, "day": day, "person": person, "replaces": replaces}
            response = await console.post("/duty/shift", form, page="/duty")
            page = await response.text()
            assert response.status == status, (form, page)
            assert page.count('class="error"') == 1 and line in page, form
        async with console.db.transaction() as session:
            rows = list(await session.scalars(select(DutyOverrideRow)))
            assert [(r.person_id, r.replaces_id, r.day.isoformat()) for r in rows] == [
                ("wx-zhao", "wx-wang", "2026-11-26")
            ]
        response = await console.client.post(
            "/duty/shift",
            data={"grid": "g1", "day": "2026-11-27", "person": "wx-zhao"},
            allow_redirects=False,
        )
        assert response.status == 403  # no CSRF token

        await console.client.post("/logout", data={"csrf": await console.csrf("/duty")})
        await console.login("wang")  # a worker reads the roster only
        page = await (await console.client.get("/duty")).text()
        assert 'action="/duty/shift"' not in page
        response = await console.post(
            "/duty/shift", {"grid": "g1", "day": "2026-11-27", "person": "wx-wang"}, page="/duty"
        )
        assert response.status == 403
    finally:
        await console.close()
