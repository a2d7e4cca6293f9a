"""WeChat end to end: the REAL App and the REAL python-wechaty client against a fake gateway.

The App is put together as `gridbot run` does it: the sample community with a [wechaty]
block, ``build_adapters`` picking the adapter from the config, an SQLite file, the
background outbox sender. The only stand-in is the puppet service on 127.0.0.1, and every
assertion is on what reached it over gRPC (or on the database behind the App).
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.wechat import ENDPOINT_ENV, TOKEN_ENV, WechatAdapter
from bot.cli.runner import build_adapters
from bot.cli.wiring import build_app
from bot.config import Config
from bot.domain.tickets import as_json
from bot.messaging.messages import IncomingMessage
from bot.runtime.app import App
from bot.runtime.clock import FakeClock
from bot.runtime.media import MEDIA_DIR_ENV
from storage.db import Database
from storage.models import SeenChatRow
from storage.repo import Store
from tests.support.e2e import (
    DAYTIME,
    all_sent,
    first_worker,
    inbound,
    outbox,
    tickets,
    until,
)
from tests.support.fake_puppet import WIRE_IMAGE, FakePuppetService
from tests.support.wechat import TOKEN, community, eventually

BOT = "wxid_gridbot"
ROOM = "room-xfl-1"  # 幸福里1-2号楼居民群, grid g1, in config.example.toml
RESIDENT = "wxid_res_zhang"
REPORT = "3号楼门口井盖坏了"
QUOTE_LINE = "- - - - - - - - - - - - - - -"
# The resolve news, addressed to the reporter, with the rating request (issue 13).
RESOLVED = (
    f"@张阿姨 您反映的“{REPORT}”（#1），网格员王芳已经处理好了。\n"
    "您看满意吗？回复“满意”“基本满意”或“不满意”就行，直接说说您的看法也可以。"
)


@dataclass
class Running:
    app: App
    fake: FakePuppetService
    adapter: WechatAdapter
    clock: FakeClock
    config: Config
    worker: str
    worker_name: str




@asynccontextmanager
async def bot_running(
    config: Config, db_url: str, monkeypatch: pytest.MonkeyPatch, start: datetime = DAYTIME
) -> AsyncIterator[Running]:
    fake = FakePuppetService(self_id=BOT, self_name="网格助手")
    for person in config.people:
        fake.add_contact(person.id, person.name)
    fake.add_contact(RESIDENT, "张阿姨")
    fake.add_room(ROOM, "幸福里1-2号楼居民群", [RESIDENT, "wx-wang", "wx-zhao", "wx-liu"])
    await fake.start()
    monkeypatch.setenv(ENDPOINT_ENV, fake.endpoint)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    clock = FakeClock(start)
    adapters = build_adapters(config, clock)  # type: ignore[arg-type]
    assert [type(a) for a in adapters] == [WechatAdapter]
    app = build_app(config, Database(db_url), clock, adapters)
    await app.start(background_send=True)
    adapter = adapters[0]
    assert isinstance(adapter, WechatAdapter)
    await adapter.wait_connected(5)
    worker, worker_name = first_worker(config, ROOM)
    try:
        yield Running(app, fake, adapter, clock, config, worker, worker_name)
    finally:
        await app.stop()
        await fake.stop()


@pytest.fixture
async def running(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Running]:
    async with bot_running(community(tmp_path), sqlite_url, monkeypatch) as r:
        yield r


async def report_and_dispatch(r: Running) -> str:
    """A resident reports in the room; returns the dispatch text as the group saw it."""
    r.fake.post(from_id=RESIDENT, room_id=ROOM, text=REPORT)
    (dispatch,) = await r.fake.wait_sent(1)
    return dispatch.text


async def test_report_gets_one_dispatch_with_one_real_mention(running: Running) -> None:
    r = running
    r.fake.post(from_id=RESIDENT, room_id=ROOM, text=REPORT)
    (record,) = await r.fake.wait_sent(1)
    await all_sent(r.app, 1)
    assert len(r.fake.sent) == 1  # the only outbox row, and it is sent: nothing else follows

    assert record.method == "MessageSendText"
    assert record.conversation_id == ROOM
    # One message to the reporter (recorded, who will come) and to the worker (take it).
    assert record.mention_ids == (RESIDENT, r.worker)
    # say() writes the real @-tags in front; the core's inline "@张阿姨", "@王芳" are gone.
    assert record.text == (
        f"@张阿姨\u2005@{r.worker_name} 您反映的“{REPORT}”已登记，编号 #1（市政设施）。"
        f"网格员会尽快来处理（{r.worker_name}请回复“接单”或“马上去”）。"
    )
    assert record.text.count("@") == 2

    (ticket,) = await tickets(r.app)
    assert (ticket.id, ticket.status, ticket.category) == (1, "assigned", "municipal")
    assert (ticket.group_id, ticket.grid_id, ticket.assignee_id) == (ROOM, "g1", r.worker)
    assert (ticket.reporter_id, ticket.platform) == (RESIDENT, "wechaty")
    (row,) = await outbox(r.app)
    assert row.platform_msg_id == record.message_id


async def test_worker_claims_by_quoting_the_dispatch(running: Running) -> None:
    r = running
    dispatch = await report_and_dispatch(r)
    # WeChat's own quote format: 「speaker：quoted text」, a dashed line, then the reply.
    r.fake.post(
        from_id=r.worker, room_id=ROOM, text=f"「网格助手：{dispatch}」\n{QUOTE_LINE}\n收到"
    )
    records = await r.fake.wait_sent(2)
    await all_sent(r.app, 2)
    assert len(r.fake.sent) == 2
    claimed = records[1]
    assert claimed.conversation_id == ROOM
    assert claimed.text == (
        f"@张阿姨 您反映的“{REPORT}”（#1），网格员{r.worker_name}已接单，正在处理。"
    )
    assert claimed.mention_ids == (RESIDENT,)

    (ticket,) = await tickets(r.app)
    assert (ticket.status, ticket.assignee_id) == ("claimed", r.worker)
    assert ticket.claimed_at is not None
    # The bot's own messages, echoed back by the gateway, were never taken as input.
    assert [m.sender_id for m in await inbound(r.app)] == [RESIDENT, r.worker]


async def test_image_is_recorded_without_reply_or_ticket(running: Running) -> None:
    r = running
    image_id = r.fake.post(
        from_id=RESIDENT, room_id=ROOM, type=WIRE_IMAGE, text="<msg><img/></msg>"
    )
    # The adapter hands messages over in order, so when the report's answer arrives the
    # image before it has been handled: had it opened a ticket, this one would not be #1.
    dispatch = await report_and_dispatch(r)
    assert "#1" in dispatch
    await all_sent(r.app, 1)
    assert len(r.fake.sent) == 1

    image, report = await inbound(r.app)
    assert (image.platform, image.platform_msg_id, image.kind) == ("wechaty", image_id, "image")
    assert (image.chat_id, image.sender_id) == (ROOM, RESIDENT)
    assert image.ticket_id is None
    assert report.kind == "text" and report.text == REPORT
    assert [t.id for t in await tickets(r.app)] == [1]


async def test_gateway_down_holds_the_reply_then_delivers_it_once(running: Running) -> None:
    r = running
    await report_and_dispatch(r)

    await r.fake.stop()
    await eventually(lambda: not r.adapter.health().connected)
    # The gateway is gone, so nothing can come in through it: hand the core the worker's
    # message directly, as the adapter would have. The rating request it produces must
    # wait in the outbox.
    outcome = await r.app.handle_event(
        IncomingMessage(
            platform="wechaty",
            message_id="in-while-down",
            chat_id=ROOM,
            sender_id=r.worker,
            sender_name=r.worker_name,
            text="已处理 #1",
            at=r.clock.now(),
        )
    )
    assert outcome.status == "handled"
    rows = await until(lambda: outbox(r.app), lambda rows: rows[-1].attempts >= 1)
    pending = rows[-1]
    assert pending.sent_at is None and "not connected" in (pending.last_error or "")
    assert pending.text == RESOLVED

    await r.fake.start()  # same port, as a restarted gateway
    await r.adapter.wait_connected(5)  # the adapter found it again by itself
    # and the held reply goes out at once, not when its retry backoff ends
    rows = await all_sent(r.app, 2)
    assert rows[-1].attempts == 2

    resolved = [s for s in r.fake.sent if s.text == RESOLVED]
    assert len(resolved) == 1
    (record,) = resolved
    assert record.method == "MessageSendText" and record.conversation_id == ROOM
    assert record.mention_ids == (RESIDENT,)
    assert record.text.startswith("@张阿姨") and record.text.count("@张阿姨") == 1
    assert rows[-1].platform_msg_id == record.message_id
    assert r.adapter.health().reconnects == 1

    # And inbound works again: the reporter's rating closes the ticket.
    r.fake.post(from_id=RESIDENT, room_id=ROOM, text="满意")
    await until(lambda: tickets(r.app), lambda ts: ts[0].status == "closed")
    await all_sent(r.app, 3)
    assert sum(s.text == RESOLVED for s in r.fake.sent) == 1
    assert "已办结" in r.fake.sent[-1].text


# --- photos -------------------------------------------------------------------------

# The first bytes of a JPEG as a phone sends it, then some picture data.
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 40 + b"\xff\xd9"


def post_photo(r: Running, data: bytes) -> str:
    """The reporter sends a photo; the gateway gives ``data`` for it on MessageImage."""
    image_id = r.fake.post(
        from_id=RESIDENT, room_id=ROOM, type=WIRE_IMAGE, text="<msg><img/></msg>"
    )
    # Set before the bot can ask: post() only queued the event, nothing ran yet.
    r.fake.images[image_id] = json.dumps(
        {"boxType": 1, "name": "IMG_0001.jpg", "base64": base64.b64encode(data).decode()}
    )
    return image_id


async def test_report_caught_mid_fetch_by_a_hanging_gateway_is_handled_after_it_recovers(
    running: Running,
) -> None:
    r = running
    r.fake.stall()  # the event still arrives; fetching the message then hangs
    r.fake.post(from_id=RESIDENT, room_id=ROOM, text=REPORT)
    # The ping notices the hang; the session does not sit out the fetch's timeout first.
    await eventually(lambda: not r.adapter.health().connected)
    assert await tickets(r.app) == []

    r.fake.unstall()
    await r.adapter.wait_connected(5)
    (dispatch,) = await r.fake.wait_sent(1)  # the next session fetched it: one ticket, once
    assert "#1" in dispatch.text
    await all_sent(r.app, 1)
    assert [t.id for t in await tickets(r.app)] == [1]
    assert len(r.fake.sent) == 1


async def test_photo_after_a_report_is_kept_as_a_file_under_media(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The photo the reporter sends right after the report is on the ticket, and its file
    (the bytes the gateway gave) in media/ next to the SQLite database, or in the folder
    GRIDBOT_MEDIA_DIR names (as for PostgreSQL); nothing is said in the group."""
    folder = tmp_path / "media"
    if not db_url.startswith("sqlite"):
        folder = tmp_path / "photos-pg"
        monkeypatch.setenv(MEDIA_DIR_ENV, str(folder))
    async with bot_running(community(tmp_path), db_url, monkeypatch) as r:
        await report_and_dispatch(r)
        image_id = post_photo(r, PHOTO)
        (ticket,) = await until(
            lambda: tickets(r.app),
            lambda ts: bool(ts[0].attachments) and "file" in ts[0].attachments[0],
        )
        (entry,) = ticket.attachments
        assert (entry["from"], entry["kind"], entry["media"]) == (RESIDENT, "report", image_id)
        assert entry["file"] == "1-1.jpg"
        assert (folder / "1-1.jpg").read_bytes() == PHOTO
        assert [p.name for p in folder.iterdir()] == ["1-1.jpg"]  # no partial file left
        (shown,) = as_json(ticket, r.config.timezone)["attachments"]
        assert (shown["from"], shown["kind"], shown["file"]) == (RESIDENT, "report", "1-1.jpg")
        await all_sent(r.app, 1)
        assert len(r.fake.sent) == 1  # the dispatch only: no thank-you for a photo


async def test_photo_that_is_not_an_image_stays_on_the_ticket_without_a_file(
    running: Running, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A download that fails (here: the gateway gives bytes that are no picture) leaves
    the attachment with the platform's id, one log line, and nothing said in the chat."""
    r = running
    caplog.set_level(logging.INFO, logger="bot.runtime.media")
    await report_and_dispatch(r)
    image_id = post_photo(r, b"<html>not a photo</html>")
    await until(lambda: tickets(r.app), lambda ts: bool(ts[0].attachments))
    await eventually(lambda: any("not downloaded" in m for m in caplog.messages))
    await r.adapter.downloads.idle()
    (ticket,) = await tickets(r.app)
    (entry,) = ticket.attachments
    assert entry["media"] == image_id and "file" not in entry
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").iterdir())
    (line,) = [m for m in caplog.messages if "photo" in m]
    assert "photo 1 of ticket #1 not downloaded (not an image" in line
    await all_sent(r.app, 1)
    assert len(r.fake.sent) == 1


# --- set-up aids and the welcome line ------------------------------------------------


async def seen_rows(app: App) -> list[SeenChatRow]:
    async with app.db.transaction() as session:
        return list(await Store(session).seen())


async def test_unlisted_group_is_noted_by_id_and_answers_my_id_privately(
    running: Running,
) -> None:
    """A volunteer finds ids without reading logs: the bot notes an unlisted group (name,
    id, counts, never the text) and answers 我的ID privately, silent in the group."""
    r = running
    r.fake.add_room("room-new", "新建7号楼群", [RESIDENT])
    r.fake.post(from_id=RESIDENT, room_id="room-new", text="明天团购大米，接龙")
    r.fake.post(from_id=RESIDENT, room_id="room-new", text="我的ID")
    (answer,) = await r.fake.wait_sent(1)
    await all_sent(r.app, 1)
    assert answer.conversation_id == RESIDENT  # privately, never into the group
    assert RESIDENT in answer.text and "张阿姨" in answer.text
    groups = [row for row in await seen_rows(r.app) if row.kind == "group"]
    assert [(g.id, g.name, g.messages) for g in groups] == [("room-new", "新建7号楼群", 2)]
    assert all(m.chat_id != "room-new" for m in await inbound(r.app))  # no text kept
    assert len(r.fake.sent) == 1


async def test_welcome_goes_through_the_outbox_once_per_newcomer(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = community(tmp_path, welcome="欢迎新邻居！有事直接在群里说。")
    async with bot_running(config, sqlite_url, monkeypatch) as r:
        r.fake.add_contact("wxid_new", "新邻居")
        r.fake.join(ROOM, ["wxid_new"], RESIDENT)
        (record,) = await r.fake.wait_sent(1)
        (row,) = await all_sent(r.app, 1)
        assert record.conversation_id == ROOM and record.mention_ids == ("wxid_new",)
        assert "欢迎新邻居" in record.text and row.platform_msg_id == record.message_id
        r.fake.join(ROOM, ["wxid_new"], RESIDENT)  # the gateway repeating itself
        r.fake.post(from_id=RESIDENT, room_id=ROOM, text="欢迎欢迎")
        await until(lambda: inbound(r.app), lambda rows: len(rows) == 1)
        assert len(r.fake.sent) == 1


async def test_welcome_at_night_waits_for_the_morning(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = community(tmp_path, welcome="欢迎新邻居！")
    night = datetime.fromisoformat("2026-11-23T23:30:00+08:00")
    async with bot_running(config, sqlite_url, monkeypatch, start=night) as r:
        r.fake.add_contact("wxid_new", "新邻居")
        r.fake.join(ROOM, ["wxid_new"], RESIDENT)
        # A sender leases the row for a few minutes before deciding to hold it: wait for
        # the hold itself, not the lease.
        (held,) = await until(
            lambda: outbox(r.app),
            lambda rows: len(rows) == 1 and rows[0].next_attempt_at > night + timedelta(hours=1),
        )
        assert held.sent_at is None and held.next_attempt_at.astimezone(
            config.timezone
        ).strftime("%H:%M") == "07:00"
        assert r.fake.sent == []
        r.clock.set(datetime.fromisoformat("2026-11-24T07:00:00+08:00"))
        await r.app.tick()
        (record,) = await r.fake.wait_sent(1)
        assert record.conversation_id == ROOM and "欢迎新邻居" in record.text
