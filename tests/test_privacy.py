"""Privacy (issue 15, point 3): phone and ID numbers masked however they are written, before
anything splits the text; message texts kept only when the bot acted on them; personal data
of long-closed tickets anonymised; ledgers written for the owner's eyes only."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.simulator import SimAdapter
from bot.cli.wiring import build_app
from bot.config import Config
from bot.domain.tickets import as_json
from bot.messaging.privacy import redact
from bot.runtime.app import App
from bot.runtime.clock import FakeClock
from bot.runtime.retention import cutoff
from storage.db import Database
from storage.models import InboundMessageRow, OutboxRow, PersonRow, TicketEventRow, TicketRow
from storage.repo import Store
from tests.conftest import ROOT
from tests.support.app import START, resident_says, running_app
from tests.support.cli import gridbot
from tests.support.e2e import inbound, outbox, sample_with, tickets

msg = resident_says


@pytest.fixture
async def app(db_url: str, sample_config: Config) -> AsyncIterator[App]:
    async with running_app(sample_config, db_url) as app:
        yield app


# -- masking ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("电话138.1234.5678", "电话[电话已隐藏]"),
        ("联系我一三八一二三四五六七八", "联系我[电话已隐藏]"),
        ("打010-1234-5678找我", "打[电话已隐藏]找我"),
        ("座机(010)12345678", "座机[电话已隐藏]"),
        ("座机（0755）8888 9999", "座机[电话已隐藏]"),
        ("身份证110101900307123", "身份证[证件号已隐藏]"),
        ("身份证11010119900307123X", "身份证[证件号已隐藏]"),
        ("+86 138 1234 5678家门口", "[电话已隐藏]家门口"),
        ("0086-13812345678", "[电话已隐藏]"),
        ("13812345678", "[电话已隐藏]"),
    ],
)
def test_numbers_are_masked_however_they_are_written(written: str, masked: str) -> None:
    assert redact(written) == masked


@pytest.mark.parametrize(
    "kept",
    [
        "统计 2026-11-01~2026-11-30",
        "统计 2026.11.01",
        "3号楼2单元601",
        "换班 @王芳 @赵强 11月25日",
        "工单 #12 9:30",
        "三号楼二单元六零一",
    ],
)
def test_dates_rooms_and_ticket_numbers_are_not_numbers_to_mask(kept: str) -> None:
    assert redact(kept) == kept


async def test_a_spaced_number_is_masked_before_the_report_is_cut_into_clauses(app: App) -> None:
    """The summary used to be "5678家门口井盖坏了": the clause split at the spaces came
    first and the building went with the number's first groups."""
    await app.handle(msg(1, "3号楼+86 138 1234 5678家门口井盖坏了"))
    [ticket] = await tickets(app)
    assert ticket.summary == "3号楼[电话已隐藏]家门口井盖坏了"
    [dispatch] = await outbox(app)
    assert "3号楼[电话已隐藏]家门口井盖坏了" in dispatch.text and "5678" not in dispatch.text


# -- what is kept of a message ----------------------------------------------------------


async def test_only_messages_the_bot_acted_on_keep_their_text(app: App) -> None:
    await app.handle(msg(1, "今天天气真好，大家吃了吗"))  # chatter: nothing done
    await app.handle(msg(2, "3号楼门口井盖坏了"))  # a ticket
    await app.handle(msg(3, "值班", sender="res-li", name="李大爷"))  # a command
    rows = await inbound(app)
    assert [(r.platform_msg_id, r.text) for r in rows] == [
        ("m1", ""), ("m2", "3号楼门口井盖坏了"), ("m3", "值班"),
    ]
    chatter = rows[0]
    assert chatter.sender_id == "res-zhang" and chatter.chat_id == "room-xfl-1"
    again = await app.handle(msg(1, "今天天气真好，大家吃了吗"))
    assert again.status == "duplicate"  # the id is all deduplication needs


# -- retention ---------------------------------------------------------------------------


def _keeping(days: int) -> Config:
    return sample_with("privacy", {"keep_days": days})


async def _closed_ticket_with_personal_data(app: App) -> None:
    """张阿姨 reports with her number, 王芳 fixes it (the bot @-mentions her by name to ask
    for a rating), she rates it: a closed ticket whose stored texts carry her name and
    number."""
    await app.handle(msg(1, "3号楼门口井盖坏了，电话13812345678"))
    await app.handle(msg(2, "接单", sender="wx-wang", name="王芳"))
    await app.handle(msg(3, "已处理 #1", sender="wx-wang"))
    await app.handle(msg(4, "满意"))
    [ticket] = await tickets(app)
    assert ticket.status == "closed", ticket.status


async def _stored_texts(app: App) -> str:
    async with app.db.transaction() as session:
        texts = [r.text for r in (await session.scalars(select(InboundMessageRow))).all()]
        texts += [r.text for r in (await session.scalars(select(OutboxRow))).all()]
        texts += [t.summary for t in (await session.scalars(select(TicketRow))).all()]
        texts += [
            json.dumps(e.detail, ensure_ascii=False)
            for e in (await session.scalars(select(TicketEventRow))).all()
        ]
        texts += [(await session.get(PersonRow, "res-zhang")).name]  # type: ignore[union-attr]
    return "\n".join(texts)


@pytest.fixture
async def keeping_app(db_url: str) -> AsyncIterator[App]:
    clock = FakeClock(START)
    app = build_app(_keeping(30), Database(db_url), clock, [SimAdapter(clock, lambda m, i: None)])
    await app.prepare()
    yield app
    await app.stop()


async def test_the_nightly_timer_anonymises_tickets_closed_longer_ago_than_keep_days(
    keeping_app: App,
) -> None:
    app = keeping_app
    await _closed_ticket_with_personal_data(app)
    figures = [as_json(t, app.config.timezone) for t in await tickets(app)]
    stored = await _stored_texts(app)
    assert "13812345678" in stored and "张阿姨" in stored  # kept while they are needed
    await app.advance(timedelta(days=29))
    assert "13812345678" in await _stored_texts(app)  # not yet keep_days
    await app.advance(timedelta(days=2))
    stored = await _stored_texts(app)
    assert "13812345678" not in stored and "张阿姨" not in stored, stored
    assert "3号楼门口井盖坏了" in stored  # the rest of what was said stays
    after = [as_json(t, app.config.timezone) for t in await tickets(app)]
    for before_t, after_t in zip(figures, after, strict=True):
        for key in ("id", "status", "category", "urgent", "grid", "reporter", "assignee",
                    "created_at", "claimed_at", "resolved_at", "closed_at", "rating",
                    "escalation_level", "reports"):
            assert before_t[key] == after_t[key], key
    async with app.db.transaction() as session:
        pending = await Store(session).pending_timers("privacy_purge")
    assert len(pending) == 1  # the next night's pass


def test_without_a_privacy_table_personal_data_is_kept_a_year(sample_config: Config) -> None:
    """The issue's default: a community that never heard of [privacy] still forgets."""
    assert cutoff(sample_config, START) == START - timedelta(days=365)


async def test_gridbot_purge_does_it_on_demand_and_empties_old_chatter(
    db_url: str, tmp_path: Path
) -> None:
    clock = FakeClock(START)
    app = build_app(_keeping(30), Database(db_url), clock, [SimAdapter(clock, lambda m, i: None)])
    await app.prepare()
    await _closed_ticket_with_personal_data(app)
    async with app.db.transaction() as session:  # chatter as older versions kept it
        session.add(InboundMessageRow(
            platform="sim", platform_msg_id="old-1", chat_id="room-xfl-1", sender_id="res-li",
            text="我家电话13912345678，明天一起买菜", kind="text", received_at=START,
        ))
    await app.stop()
    config = tmp_path / "config.toml"
    config.write_text(
        (ROOT / "config.example.toml").read_text("utf-8") + "\n[privacy]\nkeep_days = 30\n",
        "utf-8",
    )
    run = gridbot("purge", "--json", "--config", str(config), "--db", db_url,
                  now="2027-01-31T10:00:00+08:00")
    assert run.returncode == 0, run.stderr
    counts = json.loads(run.stdout)
    assert counts["chatter"] == 1 and counts["tickets"] == 1 and counts["names"] == 1
    app = build_app(_keeping(30), Database(db_url), clock, [SimAdapter(clock, lambda m, i: None)])
    try:
        stored = await _stored_texts(app)
        assert "13812345678" not in stored and "张阿姨" not in stored
        assert "13912345678" not in stored and "买菜" not in stored
    finally:
        await app.stop()
    again = gridbot("purge", "--json", "--config", str(config), "--db", db_url,
                    now="2027-01-31T10:00:00+08:00")
    assert json.loads(again.stdout)["texts"] == 0  # nothing more to do


# -- the ledger ------------------------------------------------------------------------


async def test_an_exported_ledger_is_for_the_owners_eyes_and_the_reply_names_no_path(
    db_url: str, tmp_path: Path
) -> None:
    exports = tmp_path / "ledgers"
    clock = FakeClock(START)
    config = sample_with("reports", {"export_dir": str(exports)})
    app = build_app(config, Database(db_url), clock, [SimAdapter(clock, lambda m, i: None)])
    await app.prepare()
    try:
        await app.handle(msg(1, "3号楼门口井盖坏了，电话13812345678"))
        await app.handle(msg(2, "导出 本月", chat="staff-room", sender="wx-chen", name="陈主任"))
        reply = (await outbox(app))[-1]
    finally:
        await app.stop()
    [ledger] = exports.glob("*.xlsx")
    assert ledger.stat().st_mode & 0o777 == 0o600
    assert exports.stat().st_mode & 0o077 == 0  # a directory it made: the owner's only
    assert reply.attachment and Path(reply.attachment) == ledger.resolve()
    assert str(tmp_path) not in reply.text and "/" not in reply.text.split("文件：")[-1]
    assert ledger.name in reply.text
