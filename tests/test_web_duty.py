"""Roster changes on the console's 值班 page, over HTTP on SQLite and PostgreSQL: the
same checks, rows and confirmation as 换班 / 请假 in chat (bot/runtime/duty_changes.py),
audited, for leaders (their own grid) and staff only, and the bot routes by them at once."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from sqlalchemy import delete, select, update

from bot.cli.main import main
from bot.cli.simulate import apply_step
from bot.config import Config, load_config
from storage.models import (
    DirectoryStateRow,
    DutyLeaveRow,
    DutyOverrideRow,
    DutyShiftRow,
    TicketRow,
    WebAuditRow,
)
from tests.support.app import running_app
from tests.support.console import open_console


async def gridbot(argv: list[str]) -> int:
    """The command line, off the test's event loop (it runs its own)."""
    return await asyncio.to_thread(main, argv)


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
            "/duty/swap",
            data={"a": "wx-wang", "b": "wx-zhao", "day": "2026-11-27"},
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


# --- the standing weekly shifts (stored with the directory, edited on the page) ----------

SHIFTED = """
[[duty.shifts]]
grid = "g1"
days = "all"
time = "08:00-20:00"
workers = ["wx-zhao"]
"""


async def _shift_form(
    console,
    path: str,
    fields: list[tuple[str, str]],  # type: ignore[no-untyped-def]
) -> Any:
    """A shift form as the browser sends it: repeated 'days' and 'workers', with CSRF."""
    token = await console.csrf("/duty")
    return await console.client.post(path, data=[*fields, ("csrf", token)], allow_redirects=False)


def _shift_fields(
    grid: str, days: list[str], start: str, end: str, workers: list[str], **more: str
) -> list[tuple[str, str]]:
    return [
        ("grid", grid),
        *(("days", d) for d in days),
        ("start", start),
        ("end", end),
        *(("workers", w) for w in workers),
        *more.items(),
    ]


async def _newest_assignee(console, text: str, number: int) -> str | None:  # type: ignore[no-untyped-def]
    await apply_step(
        console.sim,
        {"chat": "room-xfl-1", "from": "res-gao", "name": "高先生", "text": text},
        number,
    )
    async with console.db.transaction() as session:
        newest = await session.scalar(select(TicketRow).order_by(TicketRow.id.desc()))
        assert newest is not None
        return newest.assignee_id


async def test_a_standing_shift_edited_on_the_page_routes_the_next_report(
    sample_config: Config, db_url: str
) -> None:
    console = await open_console(sample_config, db_url)  # 2026-11-24 09:15, a Tuesday
    try:
        await console.login("chen")
        page = await (await console.client.get("/duty")).text()
        assert 'action="/duty/shifts"' in page and "新增班次" in page
        response = await _shift_form(
            console,
            "/duty/shifts",
            _shift_fields("g1", ["all"], "08:00", "20:00", ["wx-zhao"], rotation="none"),
        )
        assert response.status == 303, await response.text()
        page = await (await console.client.get(response.headers["Location"])).text()
        assert "已新增班次" in page and "每天 08:00-20:00：赵强（同时在岗）" in page
        assert await _newest_assignee(console, "2号楼楼道灯坏了", 50) == "wx-zhao"

        async with console.db.transaction() as session:
            shift = await session.scalar(select(DutyShiftRow))
            assert shift is not None and shift.grid_id == "g1"
        response = await _shift_form(
            console,
            "/duty/shifts",
            _shift_fields(
                "g1", ["all"], "08:00", "20:00", ["wx-wang"], id=str(shift.id), label="白班"
            ),
        )
        assert response.status == 303, await response.text()
        page = await (await console.client.get(response.headers["Location"])).text()
        assert "已修改班次" in page and "白班 每天 08:00-20:00：王芳（同时在岗）" in page
        # No restart: the very next report in 第一网格 goes to the new shift's worker.
        assert await _newest_assignee(console, "5号楼电梯又停了", 51) == "wx-wang"
        async with console.db.transaction() as session:
            audits = list(
                await session.scalars(
                    select(WebAuditRow).where(WebAuditRow.action.like("duty_shift_%"))
                )
            )
            assert [a.action for a in audits] == ["duty_shift_add", "duty_shift_edit"]
            assert audits[1].detail["grid"] == "g1" and "wx-wang" in audits[1].detail["shift"]
        assert "修改班次" in await (await console.client.get("/audit")).text()

        # Bad input: one polite line, nothing changed.
        refused = [
            (_shift_fields("g1", [], "08:00", "20:00", []), "请至少选一个值班的日子"),
            (_shift_fields("g1", ["mon"], "08:00", "08:00", []), "开始和结束时间不能相同"),
            (_shift_fields("g1", ["mon"], "25:00", "08:00", []), "08:30 这样的格式"),
            (_shift_fields("g1", ["mon"], "08:00", "12:00", ["wx-li"]), "李娜不是第一网格的网格员"),
            (_shift_fields("g1", ["mon"], "08:00", "12:00", ["wx-nobody"]), "名册里没有 wx-nobody"),
            (_shift_fields("g1", ["someday"], "08:00", "12:00", []), "只能从列出的选项里选"),
            (_shift_fields("g1", ["mon"], "08:00", "12:00", [], label="长" * 40), "不超过20个字"),
            (_shift_fields("g1", ["mon"], "08:00", "12:00", [], rotation="hourly"), "轮值方式"),
        ]
        for fields, line in refused:
            response = await _shift_form(console, "/duty/shifts", fields)
            page = await response.text()
            assert response.status == 400, (fields, page)
            assert page.count('class="error"') == 1 and line in page, fields

        response = await _shift_form(console, "/duty/shifts/remove", [("id", str(shift.id))])
        assert response.status == 303
        page = await (await console.client.get(response.headers["Location"])).text()
        assert "已删除班次" in page and "未配置排班：网格员全天在岗" in page
        async with console.db.transaction() as session:
            assert not list(await session.scalars(select(DutyShiftRow)))
    finally:
        await console.close()


async def test_a_leader_edits_only_their_own_grids_shifts(
    sample_config: Config, db_url: str
) -> None:
    console = await open_console(sample_config, db_url)
    try:
        await console.login("chen")
        for grid, worker in (("g1", "wx-zhao"), ("g2", "wx-li")):
            fields = _shift_fields(grid, ["workdays"], "08:30", "17:30", [worker])
            assert (await _shift_form(console, "/duty/shifts", fields)).status == 303
        async with console.db.transaction() as session:
            ids = {r.grid_id: r.id for r in await session.scalars(select(DutyShiftRow))}
        await console.client.post("/logout", data={"csrf": await console.csrf("/duty")})

        await console.login("liu")  # leader of 第一网格
        edit_g2 = _shift_fields("g2", ["mon"], "08:30", "17:30", [], id=str(ids["g2"]))
        assert (await _shift_form(console, "/duty/shifts", edit_g2)).status == 403
        add_g2 = _shift_fields("g2", ["mon"], "08:30", "17:30", [])
        assert (await _shift_form(console, "/duty/shifts", add_g2)).status == 403
        remove_g2 = [("id", str(ids["g2"]))]
        assert (await _shift_form(console, "/duty/shifts/remove", remove_g2)).status == 403
        # Moving their own shift into another grid: refused too.
        move = _shift_fields("g2", ["mon"], "08:30", "17:30", [], id=str(ids["g1"]))
        assert (await _shift_form(console, "/duty/shifts", move)).status == 400
        edit_g1 = _shift_fields("g1", ["mon", "tue"], "08:30", "17:30", [], id=str(ids["g1"]))
        assert (await _shift_form(console, "/duty/shifts", edit_g1)).status == 303
        # Without the form's CSRF token: refused.
        response = await console.client.post(
            "/duty/shifts/remove", data={"id": str(ids["g1"])}, allow_redirects=False
        )
        assert response.status == 403
        async with console.db.transaction() as session:
            rows = {r.grid_id: r for r in await session.scalars(select(DutyShiftRow))}
            assert rows["g2"].days == ["workdays"] and rows["g2"].workers == ["wx-li"]
            assert rows["g1"].days == ["mon", "tue"] and rows["g1"].workers is None
        await console.client.post("/logout", data={"csrf": await console.csrf("/duty")})

        await console.login("wang")  # a worker reads the roster only
        page = await (await console.client.get("/duty")).text()
        assert 'action="/duty/shifts"' not in page and "周一、周二 08:30-17:30" in page
        response = await _shift_form(console, "/duty/shifts/remove", [("id", str(ids["g1"]))])
        assert response.status == 403
    finally:
        await console.close()


async def test_import_reapplies_the_configs_shifts_and_a_restart_keeps_an_edited_one(
    sample_config: Config, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "config.toml"
    source.write_text(
        Path(sample_config.source).read_text(encoding="utf-8") + SHIFTED, encoding="utf-8"
    )
    console = await open_console(load_config(source), db_url)
    try:
        await console.login("chen")
        page = await (await console.client.get("/duty")).text()
        assert "每天 08:00-20:00：赵强（同时在岗）" in page  # seeded from the config
        async with console.db.transaction() as session:
            shift = await session.scalar(select(DutyShiftRow))
            assert shift is not None
        fields = _shift_fields("g1", ["workdays"], "09:00", "18:00", ["wx-wang"], id=str(shift.id))
        assert (await _shift_form(console, "/duty/shifts", fields)).status == 303
    finally:
        await console.close()

    # A restart with the same config: the edited shift stands.
    restarted = load_config(source)
    async with running_app(restarted, db_url):
        stored = restarted.directory.shifts
        assert stored is not None and [(s.days, str(s.window), s.workers) for s in stored] == [
            (("workdays",), "09:00-18:00", ("wx-wang",))
        ]

    # `gridbot import` brings the config's shifts back, and says so.
    assert await gridbot(["import", str(source), "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "shift removed: g1 workdays 09:00-18:00 wx-wang none" in out
    assert "shift added: g1 all 08:00-20:00 wx-zhao none" in out
    assert "2 change(s) made" in out
    assert await gridbot(["import", str(source), "--db", db_url]) == 0
    assert "nothing to change" in capsys.readouterr().out
    again = load_config(source)
    async with running_app(again, db_url):
        stored = again.directory.shifts
        assert stored is not None and [(str(s.window), s.workers) for s in stored] == [
            ("08:00-20:00", ("wx-zhao",))
        ]


async def test_a_database_seeded_before_shifts_were_stored_takes_the_configs_once(
    sample_config: Config, db_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "config.toml"
    source.write_text(
        Path(sample_config.source).read_text(encoding="utf-8") + SHIFTED, encoding="utf-8"
    )
    first = load_config(source)
    async with running_app(first, db_url) as app, app.db.transaction() as session:
        # As a database seeded by a bot from before migration 0016 is: no stored shifts.
        await session.execute(delete(DutyShiftRow))
        await session.execute(update(DirectoryStateRow).values(shifts_seeded=False))
    later = load_config(source)
    async with running_app(later, db_url) as app:
        stored = later.directory.shifts
        assert stored is not None and [s.workers for s in stored] == [("wx-zhao",)]
        async with app.db.transaction() as session:
            state = await session.get(DirectoryStateRow, 1)
            assert state is not None and state.shifts_seeded and state.version == 2
