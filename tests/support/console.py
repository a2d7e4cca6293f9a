"""The office console on a simulated community: the real App on a fake clock (so what a
page changes is sent through the simulated platform), a few tickets, and logins.

Tickets made by ``COMMUNITY``: #1 in 第一网格 (room-xfl-1, a resident's phone number in
the words), #2 in 第二网格 (room-xfl-3), #3 in 第一网格 (room-xfl-2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.cli.simulate import Simulation, apply_step, open_simulation
from bot.config import Config
from bot.web import add_user, create_console

START = datetime.fromisoformat("2026-11-24T09:00:00+08:00")
PASSWORD = "correct horse 42"
PHONE = "13812345678"
LOGINS = {  # login: person
    "chen": "wx-chen",  # staff
    "liu": "wx-liu",  # leader of g1
    "sun": "wx-sun",  # leader of g2
    "wang": "wx-wang",  # worker of g1
}
COMMUNITY: list[dict[str, Any]] = [
    {"chat": "room-xfl-1", "from": "res-zhang", "name": "张阿姨",
     "text": f"3号楼门口井盖坏了，有事打我电话{PHONE}"},
    {"advance": "5m"},
    {"chat": "room-xfl-3", "from": "res-wu", "name": "吴先生",
     "text": "6号楼暖气不热，家里才十四度"},
    {"advance": "5m"},
    {"chat": "room-xfl-2", "from": "res-li", "name": "李大爷", "text": "4号楼楼道灯不亮了"},
    {"advance": "5m"},
]
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Console:
    sim: Simulation
    app: web.Application
    client: TestClient[Any, Any]

    @property
    def db(self):  # type: ignore[no-untyped-def]
        return self.sim.app.db

    async def csrf(self, path: str = "/login") -> str:
        response = await self.client.get(path)
        found = _CSRF.search(await response.text())
        assert found, f"no CSRF field on {path}"
        return found.group(1)

    async def login(self, login: str, password: str = PASSWORD) -> Any:
        token = await self.csrf("/login")
        return await self.client.post(
            "/login",
            data={"login": login, "password": password, "csrf": token, "next": "/tickets"},
            allow_redirects=False,
        )

    async def post(self, path: str, data: dict[str, str], *, page: str | None = None) -> Any:
        """A form post as the browser sends it: with the CSRF token of the page it is on."""
        token = await self.csrf(page or path.rsplit("/", 1)[0])
        return await self.client.post(path, data={**data, "csrf": token}, allow_redirects=False)

    def sent(self) -> list[dict[str, Any]]:
        return self.sim.lines_out

    async def close(self) -> None:
        await self.client.close()
        await self.sim.app.stop()


async def open_console(
    config: Config, db_url: str, *, secure_cookie: bool = False
) -> Console:
    sim = await open_simulation(config, db_url, start=START)
    for number, step in enumerate(COMMUNITY, start=1):
        await apply_step(sim, step, number)
    for login, person in LOGINS.items():
        await add_user(sim.app.db, config, sim.clock, login, person, PASSWORD)
    app = await create_console(
        config, sim.app.db, sim.clock, secure_cookie=secure_cookie, on_change=sim.app.flush
    )
    server = TestServer(app)
    client: TestClient[Any, Any] = TestClient(server)
    await client.start_server()
    return Console(sim, app, client)
