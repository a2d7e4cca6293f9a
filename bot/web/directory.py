"""The directory pages: grids, people (with their platform ids) and groups; add, edit,
retire. The directory lives in the database (``bot.domain.directory``); a change made here
bumps its version, and the bot (in this process or another) uses it from its next message.

Who may change what: staff and admins everything; a grid leader the workers of their own
grids (add one, correct a name or phone, move one between their grids, retire one), and
nothing else; everyone else reads. Phone numbers are shown to staff only, as elsewhere.

The pages get the console's plumbing (rendering, who is looking, the audit row) as a
``Kit`` from ``bot.web.server``, which registers them: this module does not import it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web

from bot.config import Config, Person
from bot.domain import directory
from bot.domain.directory import DirectoryError
from bot.runtime.clock import Clock
from bot.vocabulary import CONFIG_ROLES, Role
from bot.web.scope import ROLE_LABELS, Viewer
from storage.db import Database
from storage.directory import DirectoryStore
from storage.repo import Store
from storage.web import WebStore

ID_PATTERN = re.compile(r"^[^\s/]{1,128}$")
PHONE_PATTERN = re.compile(r"^[0-9+\- ]{3,32}$")
SPLIT = re.compile(r"[\s,，、;；]+")
NAME_LIMIT = 100
SEEN_SHOWN = 30  # of each kind, most recently active first
SINGULAR = {"people": "person", "grids": "grid", "groups": "group"}
PLATFORM_LABELS = {"": "两个平台都可", "wechaty": "微信（wechaty）", "wecom": "企业微信"}

AUDIT_LABELS = {
    "person_add": "名册：添加人员",
    "person_edit": "名册：修改人员",
    "person_retire": "名册：停用人员",
    "person_restore": "名册：恢复人员",
    "grid_add": "名册：添加网格",
    "grid_edit": "名册：修改网格",
    "grid_retire": "名册：停用网格",
    "group_add": "名册：添加群",
    "group_edit": "名册：修改群",
    "group_retire": "名册：停用群",
}


@dataclass(frozen=True)
class Kit:
    """What the pages need from the console (``bot.web.server`` builds it)."""

    config: Callable[[web.Request], Config]
    db: Callable[[web.Request], Database]
    clock: Callable[[web.Request], Clock]
    viewer: Callable[[web.Request], Viewer]
    render: Callable[..., web.Response]
    audit: Callable[..., Awaitable[None]]
    changed: Callable[[web.Request], Awaitable[None]]


def install(app: web.Application, kit: Kit) -> None:
    pages = _Pages(kit)
    app.router.add_get("/directory", pages.overview)
    for kind in ("people", "grids", "groups"):
        app.router.add_get(f"/directory/{kind}/new", pages.form(kind))
        app.router.add_post(f"/directory/{kind}/new", pages.save(kind))
        app.router.add_get(f"/directory/{kind}/{{id}}", pages.form(kind))
        app.router.add_post(f"/directory/{kind}/{{id}}", pages.save(kind))
        app.router.add_post(f"/directory/{kind}/{{id}}/retire", pages.retire(kind))
    app.router.add_post("/directory/people/{id}/restore", pages.restore)


def link(kind: str, item_id: str) -> str:
    return f"/directory/{kind}/{quote(item_id, safe='')}"


def _words(value: object, limit: int = NAME_LIMIT) -> str:
    return " ".join(str(value or "").split())[:limit]


class _Pages:
    def __init__(self, kit: Kit) -> None:
        self.kit = kit

    # --- who may change what ---------------------------------------------------------

    def may_edit_all(self, viewer: Viewer) -> bool:
        return viewer.is_staff

    def may_edit_person(self, config: Config, viewer: Viewer, person: Person | None) -> bool:
        """Staff: anyone. A leader: a worker of one of their grids (or a new one)."""
        if viewer.is_staff:
            return True
        if viewer.role != Role.LEADER:
            return False
        if person is None:
            return True
        grids = set(config.grids_of(person.id))
        return person.role == Role.WORKER and bool(grids) and grids <= set(viewer.sender.grids)

    def _refuse(self, text: str = "这项修改需要社区工作人员操作。") -> web.HTTPForbidden:
        return web.HTTPForbidden(text=text, content_type="text/plain")

    # --- the overview ----------------------------------------------------------------

    async def overview(self, request: web.Request) -> web.Response:
        kit = self.kit
        config, viewer = kit.config(request), kit.viewer(request)
        d = config.directory
        async with kit.db(request).transaction() as session:
            retired = [
                p for p in await DirectoryStore(session).people() if p.retired_at is not None
            ]
            seen = list(await Store(session).seen()) if viewer.is_staff else []
        tz = config.timezone
        strangers = {
            kind: [
                {
                    "id": r.id,
                    "name": r.name or "",
                    "last": r.last_seen.astimezone(tz).strftime("%m-%d %H:%M"),
                    "messages": r.messages,
                    "add": f"/directory/{'groups' if kind == 'group' else 'people'}/new?"
                    + urlencode({"id": r.id, "name": r.name or ""}),
                }
                for r in seen
                if r.kind == kind
            ][:SEEN_SHOWN]
            for kind in ("group", "person")
        }
        people = []
        for p in sorted(d.people, key=lambda p: (_role_order(p.role), p.name, p.id)):
            grids = config.grids_of(p.id)
            people.append(
                {
                    "id": p.id,
                    "name": p.name,
                    "role": ROLE_LABELS.get(p.role, p.role),
                    "grids": "、".join(config.grid_label(g) for g in grids) or "-",
                    "phone": (p.phone or "-") if viewer.sees_phones else None,
                    "edit": link("people", p.id)
                    if self.may_edit_person(config, viewer, p)
                    else None,
                }
            )
        grids = [
            {
                "id": g.id,
                "name": g.name,
                "leader": config.name_of(g.leader) if g.leader else "-",
                "workers": "、".join(config.name_of(w) for w in g.workers) or "-",
                "buildings": "、".join(g.buildings) or "-",
                "edit": link("grids", g.id) if viewer.is_staff else None,
            }
            for g in d.grids
        ]
        groups = [
            {
                "id": g.id,
                "name": g.name,
                "grid": config.grid_label(g.grid) if g.grid else "（不分网格）",
                "platform": PLATFORM_LABELS.get(g.platform or "", g.platform),
                "edit": link("groups", g.id) if viewer.is_staff else None,
            }
            for g in d.groups
        ]
        return kit.render(
            request,
            "directory.html",
            people=people,
            grids=grids,
            groups=groups,
            retired=[
                {"id": p.id, "name": p.name, "role": ROLE_LABELS.get(p.role, p.role)}
                for p in retired
            ]
            if viewer.is_staff
            else [],
            may_add_person=viewer.is_staff or viewer.role == Role.LEADER,
            may_edit_all=viewer.is_staff,
            strangers=strangers,
            message=request.query.get("done"),
        )

    # --- forms -----------------------------------------------------------------------

    def form(self, kind: str) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def show(request: web.Request) -> web.Response:
            return await self.show_form(request, kind)

        return show

    async def show_form(
        self,
        request: web.Request,
        kind: str,
        *,
        values: dict[str, Any] | None = None,
        error: str | None = None,
        status: int = 200,
    ) -> web.Response:
        kit = self.kit
        config, viewer = kit.config(request), kit.viewer(request)
        item_id = request.match_info.get("id")
        new = item_id is None
        if values is None:
            values = self._current(config, kind, item_id)
            if new:  # from the "seen" list: the id and name the platform gave
                values["id"] = _words(request.query.get("id"), 128)
                values["name"] = _words(request.query.get("name"))
        self._check(config, viewer, kind, item_id)
        my_grids = [
            g for g in config.directory.grids if viewer.is_staff or g.id in viewer.sender.grids
        ]
        roles = CONFIG_ROLES if viewer.is_staff else (Role.WORKER,)
        return kit.render(
            request,
            f"directory_{kind}.html",
            status=status,
            new=new,
            v=values,
            error=error,
            action=f"/directory/{kind}/new" if new else link(kind, item_id or ""),
            retire=None if new else link(kind, item_id or "") + "/retire",
            grids=my_grids,
            roles=[(r.value, ROLE_LABELS.get(r, r)) for r in roles],
            platforms=list(PLATFORM_LABELS.items()),
            people=[
                (p.id, p.name)
                for p in config.directory.people
                if p.role in (Role.LEADER, Role.STAFF, Role.ADMIN)
            ],
        )

    def _current(self, config: Config, kind: str, item_id: str | None) -> dict[str, Any]:
        if kind == "people":
            p = config.person(item_id) if item_id else None
            if item_id and p is None:
                raise web.HTTPNotFound(text="名册里没有这个人。", content_type="text/plain")
            grids = config.grids_of(p.id) if p else ()
            return {
                "id": item_id or "",
                "name": p.name if p else "",
                "role": p.role.value if p else Role.WORKER.value,
                "grid": grids[0] if grids else "",
                "phone": (p.phone or "") if p else "",
            }
        if kind == "grids":
            g = config.grid(item_id) if item_id else None
            if item_id and g is None:
                raise web.HTTPNotFound(text="没有这个网格。", content_type="text/plain")
            return {
                "id": item_id or "",
                "name": g.name if g else "",
                "leader": (g.leader or "") if g else "",
                "workers": " ".join(g.workers) if g else "",
                "buildings": " ".join(g.buildings) if g else "",
            }
        group = config.group(item_id) if item_id else None
        if item_id and group is None:
            raise web.HTTPNotFound(text="没有这个群。", content_type="text/plain")
        return {
            "id": item_id or "",
            "name": group.name if group else "",
            "grid": (group.grid or "") if group else "",
            "platform": (group.platform or "") if group else "",
        }

    def _check(self, config: Config, viewer: Viewer, kind: str, item_id: str | None) -> None:
        if kind == "people":
            person = config.person(item_id) if item_id else None
            if not self.may_edit_person(config, viewer, person):
                raise self._refuse("您只能修改自己网格的网格员。")
        elif not viewer.is_staff:
            raise self._refuse()

    # --- saving ----------------------------------------------------------------------

    def save(self, kind: str) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handle(request: web.Request) -> web.Response:
            return await self.save_form(request, kind)

        return handle

    async def save_form(self, request: web.Request, kind: str) -> web.Response:
        kit = self.kit
        config, viewer = kit.config(request), kit.viewer(request)
        item_id = request.match_info.get("id")
        new = item_id is None
        self._check(config, viewer, kind, item_id)
        form = await request.post()
        values = {
            **self._current(config, kind, item_id),
            **{k: str(v) for k, v in form.items() if k != "csrf"},
        }
        if not new:
            values["id"] = item_id or ""
        try:
            saved_id, detail = await self._write(request, kind, new, values)
        except DirectoryError as exc:
            return await self.show_form(request, kind, values=values, error=str(exc), status=400)
        await directory.refresh(kit.db(request), config)
        await kit.changed(request)
        what = {"people": "人员", "grids": "网格", "groups": "群"}[kind]
        done = f"已{'添加' if new else '保存'}{what}：{detail.get('name', saved_id)}"
        raise web.HTTPSeeOther(f"/directory?done={quote(done)}#{kind}")

    async def _write(
        self, request: web.Request, kind: str, new: bool, v: dict[str, str]
    ) -> tuple[str, dict[str, Any]]:
        kit = self.kit
        config, viewer = kit.config(request), kit.viewer(request)
        now = kit.clock(request).now()
        item_id = v.get("id", "").strip()
        name = _words(v.get("name"))
        if not ID_PATTERN.match(item_id):
            raise DirectoryError("请填写编号（不能有空格，最长 128 个字符）。")
        if not name:
            raise DirectoryError("请填写名称。")
        async with kit.db(request).transaction() as session:
            store = DirectoryStore(session)
            if kind == "people":
                detail = await self._write_person(config, viewer, store, now, new, item_id, v)
                if new:
                    await Store(session).forget_seen("person", [item_id])
            elif kind == "grids":
                detail = {
                    "name": name,
                    "leader": v.get("leader") or None,
                    "workers": [w for w in SPLIT.split(v.get("workers", "")) if w],
                    "buildings": [b for b in SPLIT.split(v.get("buildings", "")) if b][:200],
                }
                await directory.save_grid(
                    store,
                    now,
                    grid_id=item_id,
                    name=name,
                    leader=detail["leader"],
                    workers=detail["workers"],
                    buildings=detail["buildings"],
                    new=new,
                )
            else:
                platform = v.get("platform") or None
                if platform not in (None, "wechaty", "wecom"):
                    raise DirectoryError("请选择平台。")
                detail = {"name": name, "grid": v.get("grid") or None, "platform": platform}
                await directory.save_group(
                    store,
                    now,
                    group_id=item_id,
                    name=name,
                    grid_id=detail["grid"],
                    platform=platform,
                    new=new,
                )
                if new:
                    await Store(session).forget_seen("group", [item_id])
            action = f"{SINGULAR[kind]}_{'add' if new else 'edit'}"
            await kit.audit(
                WebStore(session), request, viewer, action, None, {"id": item_id, **detail}
            )
        return item_id, detail

    async def _write_person(
        self,
        config: Config,
        viewer: Viewer,
        store: DirectoryStore,
        now: Any,
        new: bool,
        person_id: str,
        v: dict[str, str],
    ) -> dict[str, Any]:
        name = _words(v.get("name"))
        try:
            role = Role(v.get("role") or "")
        except ValueError:
            raise DirectoryError("请选择角色。") from None
        if role not in CONFIG_ROLES:
            raise DirectoryError("请选择角色。")
        grid_id = v.get("grid") or None
        phone = _words(v.get("phone"), 32) or None
        if phone and not PHONE_PATTERN.match(phone):
            raise DirectoryError("电话只能填数字。")
        if not viewer.is_staff:  # a leader: workers of their own grids only
            if role != Role.WORKER or grid_id not in viewer.sender.grids:
                raise DirectoryError("您只能在自己的网格里添加或修改网格员。")
            existing = config.directory.person(person_id)
            if new and existing is not None:
                raise DirectoryError(f"名册里已经有 {person_id}（{existing.name}）。")
        previous = config.grids_of(person_id)
        await directory.save_person(
            store,
            now,
            person_id=person_id,
            name=name,
            role=role,
            grid_id=grid_id if role in (Role.WORKER, Role.LEADER) else None,
            phone=phone,
            new=new,
            previous_grid=previous[0] if previous else None,
        )
        return {"name": name, "role": role.value, "grid": grid_id}

    # --- retiring --------------------------------------------------------------------

    def retire(self, kind: str) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handle(request: web.Request) -> web.Response:
            return await self.retire_item(request, kind)

        return handle

    async def retire_item(self, request: web.Request, kind: str) -> web.Response:
        kit = self.kit
        config, viewer = kit.config(request), kit.viewer(request)
        item_id = request.match_info["id"]
        self._check(config, viewer, kind, item_id)
        now = kit.clock(request).now()
        try:
            async with kit.db(request).transaction() as session:
                store = DirectoryStore(session)
                if kind == "people":
                    row: Any = await directory.retire_person(store, now, item_id)
                elif kind == "grids":
                    row = await directory.retire_grid(store, now, item_id)
                else:
                    row = await directory.retire_group(store, now, item_id)
                action = f"{SINGULAR[kind]}_retire"
                await kit.audit(
                    WebStore(session), request, viewer, action, None,
                    {"id": item_id, "name": row.name},
                )
        except DirectoryError as exc:
            return await self.show_form(request, kind, error=str(exc), status=409)
        await directory.refresh(kit.db(request), config)
        done = f"已停用：{row.name}（工单里仍保留其名字）"
        raise web.HTTPSeeOther(f"/directory?done={quote(done)}#{kind}")

    async def restore(self, request: web.Request) -> web.Response:
        kit = self.kit
        config, viewer = kit.config(request), kit.viewer(request)
        if not viewer.is_staff:
            raise self._refuse()
        item_id = request.match_info["id"]
        now = kit.clock(request).now()
        try:
            async with kit.db(request).transaction() as session:
                row = await directory.restore_person(DirectoryStore(session), now, item_id)
                await kit.audit(
                    WebStore(session), request, viewer, "person_restore", None,
                    {"id": item_id, "name": row.name},
                )
        except DirectoryError as exc:
            raise web.HTTPConflict(text=str(exc), content_type="text/plain") from None
        await directory.refresh(kit.db(request), config)
        done = f"已恢复：{row.name}。请在“修改”里选定其网格。"
        raise web.HTTPSeeOther(f"/directory?done={quote(done)}#people")


def _role_order(role: Role) -> int:
    return {Role.ADMIN: 0, Role.STAFF: 1, Role.LEADER: 2, Role.WORKER: 3}.get(role, 4)
