"""WeCom photos end to end: the REAL App and WeCom adapter (long connection) against the
local fake gateway, and a local server standing in for WeCom's file links.

A resident reports, then @-mentions the bot with a photo (in a group, a photo comes as a
``mixed`` message). The ticket keeps the link WeCom gave; the file the link serves is
encrypted with the message's ``aeskey`` (AES-256-CBC, IV = key[:16], PKCS#7 to 32 bytes),
and the bot keeps the decrypted photo under media/.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.adapters.wecom import WeComAdapter
from bot.adapters.wecom.ws import WeComWsAdapter
from bot.cli.runner import build_adapters
from bot.cli.wiring import build_app
from bot.domain.tickets import as_json
from bot.runtime.app import App
from bot.runtime.clock import FakeClock
from bot.runtime.media import MEDIA_DIR_ENV
from storage.db import Database
from storage.models import TicketRow
from tests.support.e2e import DAYTIME, all_sent, sample_with, tickets, until
from tests.support.fake_wecom_gateway import FakeWeComGateway
from tests.support.wechat import eventually
from tests.support.wecom import REPLIES, said

RESIDENT = "res-zhang"
REPORT = "3号楼门口井盖坏了"
PHOTO = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 30  # a PNG's first bytes


def encrypt(data: bytes, aeskey: str) -> bytes:
    """What WeCom's link serves: the file under the message's aeskey, as the docs give it."""
    key = base64.b64decode(aeskey + "=" * (-len(aeskey) % 4))
    amount = 32 - len(data) % 32
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return encryptor.update(data + bytes([amount]) * amount) + encryptor.finalize()


class FileLinks:
    """WeCom's file server: GET /f/<name> answers what was put there, else 404."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.requests = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/f/{name}", self._get)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/f/{name}"

    async def _get(self, request: web.Request) -> web.Response:
        self.requests += 1
        data = self.files.get(request.match_info["name"])
        return web.Response(status=404) if data is None else web.Response(body=data)


@dataclass
class Running:
    app: App
    gateway: FakeWeComGateway
    bot: WeComWsAdapter
    clock: FakeClock
    links: FileLinks
    folder: Path

    def replies(self) -> list[dict[str, Any]]:
        return [f for f in self.gateway.frames if f.get("cmd") in REPLIES]

    async def push(self, body: dict[str, Any]) -> None:
        self.clock.advance(timedelta(minutes=1))
        await self.gateway.push_message(body)

    async def report(self) -> None:
        await self.push(said(f"@网格助手 {REPORT}", "m1", RESIDENT))
        await self.gateway.wait_until(lambda: len(self.replies()) >= 1)


def photo_message(msgid: str, url: str, aeskey: str | None) -> dict[str, Any]:
    """"@网格助手" and a photo in the group, as the AI bot receives it."""
    image: dict[str, Any] = {"url": url, **({"aeskey": aeskey} if aeskey else {})}
    body = said("@网格助手", msgid, RESIDENT)
    body["msgtype"] = "mixed"
    body["mixed"] = {
        "msg_item": [
            {"msgtype": "text", "text": {"content": "@网格助手"}},
            {"msgtype": "image", "image": image},
        ]
    }
    del body["text"]
    return body


@pytest.fixture
async def running(
    gateway: FakeWeComGateway, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Running]:
    monkeypatch.setenv("WECOM_BOT_ID", gateway.bot_id)
    monkeypatch.setenv("WECOM_BOT_SECRET", gateway.secret)
    folder = tmp_path / "media"  # next to the SQLite file (tests/conftest.py puts it here)
    if not db_url.startswith("sqlite"):
        folder = tmp_path / "photos-pg"
        monkeypatch.setenv(MEDIA_DIR_ENV, str(folder))
    config = sample_with(
        "wecom",
        {"mode": "ws", "ws_url": gateway.ws_url, "ack_timeout": "2s", "connect_timeout": "2s"},
    )
    clock = FakeClock(DAYTIME)
    (adapter,) = build_adapters(config, clock)  # type: ignore[arg-type]
    assert isinstance(adapter, WeComAdapter) and isinstance(adapter.bot, WeComWsAdapter)
    links = FileLinks()
    await links.start()
    app = build_app(config, Database(db_url), clock, [adapter])
    await app.start(background_send=True)
    assert await adapter.bot.wait_online(5)
    try:
        yield Running(app, gateway, adapter.bot, clock, links, folder)
    finally:
        await app.stop()
        await links.stop()


async def with_file(r: Running) -> TicketRow:
    (ticket,) = await until(
        lambda: tickets(r.app),
        lambda ts: bool(ts[0].attachments) and "file" in ts[0].attachments[0],
    )
    return ticket


async def test_photo_link_is_kept_and_the_decrypted_file_saved(running: Running) -> None:
    r = running
    await r.report()
    aeskey = base64.b64encode(os.urandom(32)).decode().rstrip("=")
    r.links.files["abc"] = encrypt(PHOTO, aeskey)
    await r.push(photo_message("p1", r.links.url("abc"), aeskey))

    ticket = await with_file(r)
    (entry,) = ticket.attachments
    assert (entry["from"], entry["kind"], entry["media"]) == (RESIDENT, "report", "p1")
    assert (entry["url"], entry["file"]) == (r.links.url("abc"), "1-1.png")
    assert (r.folder / "1-1.png").read_bytes() == PHOTO
    (shown,) = as_json(ticket, DAYTIME.tzinfo)["attachments"]
    assert (shown["url"], shown["file"], shown["kind"]) == (r.links.url("abc"), "1-1.png", "report")
    await r.bot.drained()
    await all_sent(r.app, 1)
    assert len(r.replies()) == 1  # the intake answer only: a photo gets no reply


async def test_photo_without_aeskey_is_saved_as_served(running: Running) -> None:
    r = running
    await r.report()
    r.links.files["plain"] = PHOTO
    await r.push(photo_message("p1", r.links.url("plain"), None))
    await with_file(r)
    assert (r.folder / "1-1.png").read_bytes() == PHOTO


async def test_failed_download_keeps_the_link_and_says_nothing(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    r = running
    caplog.set_level(logging.INFO, logger="bot.runtime.media")
    await r.report()
    # The link answers 404 for the first photo; the second is served, but is no picture.
    r.links.files["page"] = b"<html>login first</html>"
    await r.push(photo_message("p1", r.links.url("gone"), None))
    await r.push(photo_message("p2", r.links.url("page"), None))
    await until(lambda: tickets(r.app), lambda ts: len(ts[0].attachments or []) == 2)
    await eventually(lambda: sum("not downloaded" in m for m in caplog.messages) == 2)
    await r.bot.downloads.idle()

    (ticket,) = await tickets(r.app)
    assert [(a["media"], a["url"]) for a in ticket.attachments] == [
        ("p1", r.links.url("gone")),
        ("p2", r.links.url("page")),
    ]
    assert all("file" not in a for a in ticket.attachments)
    assert not r.folder.exists() or not any(r.folder.iterdir())
    lines = sorted(m for m in caplog.messages if "photo" in m)
    assert lines == [
        "photos: photo 1 of ticket #1 not downloaded (HTTP 404); the ticket keeps the "
        "platform's id and link",
        "photos: photo 2 of ticket #1 not downloaded (not an image (by its first bytes)); "
        "the ticket keeps the platform's id and link",
    ]
    await all_sent(r.app, 1)
    assert len(r.replies()) == 1
