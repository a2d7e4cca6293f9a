"""Logins on the console: one's own password (``/account``), and staff disabling a login
(``/logins``). Both go through ``bot.web.auth``, as ``gridbot user`` does, and both are
audited with who did it and from where.

Changing one's password ends every other session of the login (its epoch grows) and begins
a new one in this browser, so whoever might know the old password is out and the person
changing it is not. Disabling ends the login's sessions at their next request. Staff and
admins may disable logins, not their own (nobody locks the office out by a slip), and only
an admin may disable an admin's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.config import Config
from bot.runtime.clock import Clock
from bot.web import auth, security
from bot.web.scope import ROLE_LABELS, Viewer
from storage.db import Database
from storage.web import WebStore


@dataclass(frozen=True)
class Kit:
    """What these pages need from the console; ``bot.web.server`` builds it and registers
    the pages, so this module does not import it."""

    config: Callable[[web.Request], Config]
    db: Callable[[web.Request], Database]
    clock: Callable[[web.Request], Clock]
    viewer: Callable[[web.Request], Viewer]
    render: Callable[..., web.Response]


def install(app: web.Application, kit: Kit) -> None:
    pages = _Pages(kit)
    app.router.add_get("/account", pages.account)
    app.router.add_post("/account/password", pages.change_password)
    app.router.add_get("/logins", pages.logins)
    app.router.add_post(r"/logins/{id:\d{1,9}}/disable", pages.disable)
    app.router.add_post(r"/logins/{id:\d{1,9}}/enable", pages.enable)


def _fmt(when: datetime | None, config: Config) -> str:
    return when.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M") if when else "-"


def _may_disable(role: str, own_id: int, user_id: int, their_role: str | None) -> bool:
    return user_id != own_id and (their_role != "admin" or role == "admin")


class _Pages:
    def __init__(self, kit: Kit) -> None:
        self.kit = kit

    def actor(self, request: web.Request) -> auth.Actor:
        viewer = self.kit.viewer(request)
        return auth.Actor(
            address=(request.remote or "unknown")[:64],
            user_id=viewer.user_id,
            login=viewer.login,
            person_id=viewer.person_id,
            user_agent=request.headers.get("User-Agent"),
        )

    # --- one's own password --------------------------------------------------------

    async def account(
        self,
        request: web.Request,
        message: str | None = None,
        error: str | None = None,
        status: int = 200,
    ) -> web.Response:
        kit = self.kit
        config, viewer = kit.config(request), kit.viewer(request)
        async with kit.db(request).transaction() as session:
            user = await WebStore(session).user(viewer.user_id)
        if message is None and error is None and request.query.get("changed"):
            message = "密码已修改。其他设备上的登录已退出，需用新密码重新登录。"
        return kit.render(
            request,
            "account.html",
            status=status,
            changed=_fmt(user.password_changed_at if user else None, config),
            last_login=_fmt(user.last_login_at if user else None, config),
            minimum=auth.MIN_PASSWORD,
            message=message,
            error=error,
        )

    async def change_password(self, request: web.Request) -> web.Response:
        kit = self.kit
        form = await request.post()
        current = str(form.get("current") or "")
        new = str(form.get("new") or "")
        problem = None
        if not current or not new:
            problem = "请填写当前密码和新密码。"
        elif new != str(form.get("again") or ""):
            problem = "两次输入的新密码不一致。"
        elif not auth.MIN_PASSWORD <= len(new) <= auth.MAX_PASSWORD:
            problem = f"新密码需要 {auth.MIN_PASSWORD} 到 {auth.MAX_PASSWORD} 个字符。"
        elif new == current:
            problem = "新密码不能与当前密码相同。"
        if problem is not None:
            return await self.account(request, error=problem, status=400)
        clock = kit.clock(request)
        try:
            user = await auth.change_password(
                kit.db(request),
                clock,
                kit.viewer(request).login,
                new,
                actor=self.actor(request),
                current=current,
            )
        except auth.Throttled as exc:
            until = exc.until.astimezone(kit.config(request).timezone)
            problem = f"密码错误次数过多，请于 {until:%H:%M} 以后再试。"
            return await self.account(request, error=problem, status=429)
        except auth.WrongPassword:
            return await self.account(request, error="当前密码不正确。", status=400)
        # The login's other sessions end (its epoch grew); this browser goes on in a new one.
        await security.begin(request, user.id, user.session_epoch, clock.now())
        raise web.HTTPSeeOther("/account?changed=1")

    # --- staff: disabling logins ------------------------------------------------------

    def staff_only(self, request: web.Request) -> Viewer:
        viewer = self.kit.viewer(request)
        if not viewer.is_staff:
            raise web.HTTPForbidden(
                text="账号管理仅社区工作人员可以使用。", content_type="text/plain"
            )
        return viewer

    async def logins(
        self, request: web.Request, error: str | None = None, status: int = 200
    ) -> web.Response:
        viewer = self.staff_only(request)
        kit = self.kit
        config = kit.config(request)
        rows: list[dict[str, Any]] = []
        for a in await auth.accounts(kit.db(request), config):
            rows.append(
                {
                    "id": a.id,
                    "login": a.login,
                    "name": a.name,
                    "role": ROLE_LABELS.get(a.role, a.role) if a.role else "已不在名册",
                    "disabled": _fmt(a.disabled_at, config) if a.disabled_at else None,
                    "last_login": _fmt(a.last_login_at, config) if a.last_login_at else "从未登录",
                    "may_change": _may_disable(viewer.role, viewer.user_id, a.id, a.role),
                }
            )
        return kit.render(request, "logins.html", status=status, rows=rows, error=error)

    async def disable(self, request: web.Request) -> web.Response:
        return await self._set_disabled(request, True)

    async def enable(self, request: web.Request) -> web.Response:
        return await self._set_disabled(request, False)

    async def _set_disabled(self, request: web.Request, disabled: bool) -> web.Response:
        viewer = self.staff_only(request)
        kit = self.kit
        db = kit.db(request)
        async with db.transaction() as session:
            user = await WebStore(session).user(int(request.match_info["id"]))
        if user is None:
            raise web.HTTPNotFound(text="没有这个账号。", content_type="text/plain")
        their_role = kit.config(request).role_of(user.person_id)
        if not _may_disable(viewer.role, viewer.user_id, user.id, their_role):
            error = (
                "不能停用自己的账号。"
                if user.id == viewer.user_id
                else "管理员的账号只有管理员可以停用或启用。"
            )
            return await self.logins(request, error=error, status=403)
        await auth.set_disabled(
            db, kit.clock(request), user.login, disabled, actor=self.actor(request)
        )
        raise web.HTTPSeeOther("/logins")
