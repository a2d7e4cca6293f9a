"""The directory pages over HTTP (aiohttp's test client), on SQLite and PostgreSQL: staff
add, edit and retire people, grids and groups; a leader changes only the workers of their
own grid; every form needs its CSRF token; every change is audited; and the bot answers
with the changed directory at once (no restart)."""

from __future__ import annotations

from sqlalchemy import select

from bot.cli.simulate import apply_step
from bot.config import Config
from storage.models import GridRow, GroupRow, PersonRow, TicketRow, WebAuditRow
from tests.support.console import open_console


async def _post(console, path: str, data: dict[str, str], page: str = "/directory"):  # type: ignore[no-untyped-def]
    """A form post with the CSRF token of the page the form is on."""
    return await console.post(path, data, page=page)


async def _audited(console, action: str) -> list[WebAuditRow]:  # type: ignore[no-untyped-def]
    async with console.db.transaction() as session:
        rows = await session.scalars(select(WebAuditRow).where(WebAuditRow.action == action))
        return list(rows)


async def test_staff_change_people_grids_and_groups(sample_config: Config, db_url: str) -> None:
    console = await open_console(sample_config, db_url)
    try:
        await console.login("chen")
        page = await (await console.client.get("/directory")).text()
        assert "王芳" in page and "第一网格" in page and "幸福里1-2号楼居民群" in page
        assert "gridbot seen" in page  # how to find a platform id

        # A group the bot is in but does not serve yet shows up, with its id, to add.
        await apply_step(
            console.sim,
            {"chat": "room-new", "from": "res-he", "name": "何大姐", "text": "有人吗"},
            0,
        )
        page = await (await console.client.get("/directory")).text()
        assert "room-new" in page and "/directory/groups/new?id=room-new" in page
        form = await (await console.client.get("/directory/groups/new?id=room-new")).text()
        assert 'name="id" value="room-new"' in form

        # A new grid with a new worker, and a group for it: the bot serves it at once.
        response = await _post(
            console,
            "/directory/people/new",
            {"id": "wx-new", "name": "孙晓梅", "role": "staff", "grid": "", "phone": "13900001111"},
        )
        assert response.status == 303
        response = await _post(
            console,
            "/directory/grids/new",
            {
                "id": "g9",
                "name": "第九网格",
                "leader": "wx-liu",
                "workers": "wx-new",
                "buildings": "9号楼，10号楼",
            },
        )
        assert response.status == 303, await response.text()
        response = await _post(
            console,
            "/directory/people/wx-new",
            {"name": "孙晓梅", "role": "worker", "grid": "g9", "phone": ""},
        )
        assert response.status == 303, await response.text()
        response = await _post(
            console,
            "/directory/groups/new",
            {"id": "room-new", "name": "9号楼居民群", "grid": "g9", "platform": ""},
        )
        assert response.status == 303
        async with console.db.transaction() as session:
            grid = await session.get(GridRow, "g9")
            assert grid is not None and grid.workers == ["wx-new"]
            assert grid.buildings == ["9号楼", "10号楼"]
            person = await session.get(PersonRow, "wx-new")
            assert person is not None and (person.role, person.grid_id) == ("worker", "g9")
        await apply_step(
            console.sim,
            {"chat": "room-new", "from": "res-he", "name": "何大姐", "text": "9号楼电梯坏了"},
            1,
        )
        told = [m for m in console.sent() if m["chat"] == "room-new"]
        assert told and "孙晓梅" in told[-1]["text"], told
        async with console.db.transaction() as session:
            ticket = await session.scalar(select(TicketRow).where(TicketRow.grid_id == "g9"))
            assert ticket is not None and ticket.assignee_id == "wx-new"

        # A grid with a group still in it cannot be retired; the group first.
        response = await _post(
            console, "/directory/grids/g9/retire", {}, page="/directory/grids/g9"
        )
        assert response.status == 409
        assert "9号楼居民群" in await response.text()
        response = await _post(
            console, "/directory/groups/room-new/retire", {}, page="/directory/groups/room-new"
        )
        assert response.status == 303
        response = await _post(
            console, "/directory/grids/g9/retire", {}, page="/directory/grids/g9"
        )
        assert response.status == 303
        async with console.db.transaction() as session:
            group = await session.get(GroupRow, "room-new")
            assert group is not None and group.retired_at is not None  # kept, not deleted

        # Retiring a person keeps their name on their tickets, and on the figures.
        response = await _post(
            console, "/directory/people/wx-new/retire", {}, page="/directory/people/wx-new"
        )
        assert response.status == 303
        page = await (await console.client.get(f"/tickets/{ticket.id}")).text()
        assert "孙晓梅" in page
        page = await (await console.client.get("/directory")).text()
        assert "已停用的人员（1）" in page
        assert sample_config.person("wx-new") is None  # out of the live directory

        for action in (
            "person_add",
            "person_edit",
            "grid_add",
            "group_add",
            "group_retire",
            "grid_retire",
            "person_retire",
        ):
            assert await _audited(console, action), action
        audit = await (await console.client.get("/audit")).text()
        assert "名册：添加人员" in audit
    finally:
        await console.close()


async def test_a_leader_changes_only_workers_of_their_grid(
    sample_config: Config, db_url: str
) -> None:
    console = await open_console(sample_config, db_url)
    try:
        await console.login("liu")  # leader of 第一网格
        page = await (await console.client.get("/directory")).text()
        assert "添加人员" in page and "添加网格" not in page
        assert "<th>电话</th>" not in page  # phone numbers: staff only
        # Workers of another grid, staff, grids and groups: read only.
        for path in (
            "/directory/people/wx-li",
            "/directory/people/wx-chen",
            "/directory/grids/g1",
            "/directory/groups/room-xfl-1",
        ):
            response = await console.client.get(path)
            assert response.status == 403, path
        response = await _post(
            console,
            "/directory/people/wx-li",
            {"name": "改名", "role": "worker", "grid": "g2"},
            page="/directory",
        )
        assert response.status == 403
        # Only a worker, only into their own grid.
        response = await _post(
            console,
            "/directory/people/new",
            {"id": "wx-x", "name": "某人", "role": "staff", "grid": "g1"},
        )
        assert response.status == 400
        response = await _post(
            console,
            "/directory/people/new",
            {"id": "wx-x", "name": "某人", "role": "worker", "grid": "g2"},
        )
        assert response.status == 400
        response = await _post(
            console,
            "/directory/people/new",
            {"id": "wx-x", "name": "新网格员", "role": "worker", "grid": "g1"},
        )
        assert response.status == 303
        assert sample_config.grids_of("wx-x") == ("g1",)
        response = await _post(
            console,
            "/directory/people/wx-x",
            {"name": "新网格员", "role": "worker", "grid": "g1", "phone": "13912345678"},
        )
        assert response.status == 303
        response = await _post(
            console, "/directory/people/wx-x/retire", {}, page="/directory/people/wx-x"
        )
        assert response.status == 303
        async with console.db.transaction() as session:
            row = await session.get(PersonRow, "wx-x")
            assert row is not None and row.retired_at is not None and row.phone == "13912345678"
    finally:
        await console.close()


async def test_every_directory_form_needs_its_csrf_token(
    sample_config: Config, db_url: str
) -> None:
    console = await open_console(sample_config, db_url)
    try:
        await console.login("chen")
        for path, data in (
            ("/directory/people/new", {"id": "wx-y", "name": "甲", "role": "staff"}),
            ("/directory/grids/g1", {"name": "改名", "workers": ""}),
            ("/directory/groups/room-xfl-1/retire", {}),
            ("/directory/people/wx-wang/retire", {}),
        ):
            response = await console.client.post(path, data=data, allow_redirects=False)
            assert response.status == 403, path
        assert sample_config.person("wx-wang") is not None
        assert sample_config.grid("g1").name == "第一网格"  # type: ignore[union-attr]
        assert sample_config.group("room-xfl-1") is not None
        # Bad input: one line on the form, nothing stored.
        response = await _post(
            console, "/directory/grids/g1", {"name": "第一网格", "workers": "wx-nobody"}
        )
        assert response.status == 400 and "wx-nobody" in await response.text()
        response = await _post(
            console, "/directory/people/new", {"id": "has space", "name": "甲", "role": "staff"}
        )
        assert response.status == 400
        assert sample_config.grid("g1").workers == ("wx-wang", "wx-zhao")  # type: ignore[union-attr]
    finally:
        await console.close()
