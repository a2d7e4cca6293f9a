"""Hostile or careless input (issue 15, points 1 and 2): a huge message holds up no other
chat, control characters never reach the database, every typed date gets an answer, and
what a reply echoes back is capped."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from bot.config import Config
from bot.messaging.privacy import redact
from bot.messaging.textnorm import READ_LIMIT, head, normalise
from bot.runtime.app import App
from bot.runtime.interpreter import SWITCH_INTERVAL
from bot.triage import TriageEngine
from storage.repo import Store
from tests.support.app import resident_says, running_app
from tests.support.e2e import inbound, outbox, tickets

ROOT = Path(__file__).resolve().parent.parent
LONG = ("3号楼電梯壞了，請儘快維修。" * 10_000)[:100_000]


msg = resident_says

# A resident's long report, as real ones run on: numbers written every way, runs of
# spaces, line breaks, full-width digits.
SENTENCES = [
    "3号楼  电梯坏了，电话 138 1234 5678！",
    "家里老人腿脚不好，联系（010）1234-5678。",
    "身份证 110101199003071234 在物业登记过？",
    "ＡＢＣ１２３ 楼道灯不亮了；",
    "第二行\n  一三八一二三四五六七八 请回电。",
]


def _long_report(length: int) -> str:
    text, i = "", 0
    while len(text) < length:
        text += SENTENCES[i % len(SENTENCES)]
        i += 1
    return text


@pytest.mark.parametrize("length", [READ_LIMIT, READ_LIMIT + 1, 100_000])
def test_the_bot_reads_a_long_messages_head_and_masks_it_as_in_the_whole(length: int) -> None:
    """What the handlers read of a long message is its start, cut after a sentence: the
    same text, numbers masked the same, as the start of the whole message cleaned."""
    text = _long_report(length)
    start = head(text)
    assert text.startswith(start) and READ_LIMIT // 2 <= len(start) <= READ_LIMIT
    assert redact(normalise(text)).startswith(redact(normalise(start)))


def test_a_long_message_without_sentences_is_never_cut_beside_a_number() -> None:
    text = ("请回电13812345678谢谢" * 8_000)[:100_000]
    start = head(text)
    assert text.startswith(start) and not start[-1].isdigit()
    assert redact(text).startswith(redact(start))


@pytest.fixture
async def app(db_url: str, sample_config: Config) -> AsyncIterator[App]:
    async with running_app(sample_config, db_url) as app:
        yield app


# -- 1. a long message holds up no other chat ---------------------------------------------


async def test_triage_runs_off_the_loop_so_other_chats_go_on(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Triage of one message stands still (as a huge one would take long); meanwhile a
    report in another group is handled to the end. Today's code triages on the event
    loop under the App's lock, so nothing else moves until it is done."""
    release = threading.Event()
    real = TriageEngine.triage

    def slow(self: TriageEngine, text: str, role: str = "resident") -> object:
        if len(text) >= READ_LIMIT // 2:  # the long message's head (the short one: 9)
            release.wait(timeout=5)  # a safety net only: the test releases it
        return real(self, text, role)

    monkeypatch.setattr(TriageEngine, "triage", slow)
    long_task = asyncio.create_task(app.handle_event(msg(1, LONG)))
    await asyncio.sleep(0)  # the long message is under way first
    other = await asyncio.wait_for(
        app.handle_event(msg(2, "5号楼门口井盖坏了", chat="room-xfl-3", sender="res-li")),
        timeout=10,
    )
    still_running = not long_task.done()
    release.set()
    first = await long_task
    assert still_running, "the other group's report waited for the long message"
    assert other is not None and other.status == "handled" and other.handler == "intake"
    assert first is not None and first.status == "handled"
    rows = await tickets(app)
    assert [t.group_id for t in rows] == ["room-xfl-3", "room-xfl-1"]


async def test_a_100000_character_message_does_not_delay_the_next_report(app: App) -> None:
    """The real thing, no stand-in: a 100,000-character report in traditional characters,
    and right after it a short report in another group. The short one is dispatched
    first (it needs a few ms of work, the long one about a hundred); the loop is never
    held for long (figures: bench/load.py; asserted loosely here)."""
    stalls: list[float] = []
    loop = asyncio.get_running_loop()
    done = False

    async def heartbeat() -> None:
        last = loop.time()
        while not done:
            await asyncio.sleep(0)
            now = loop.time()
            stalls.append(now - last)
            last = now

    # The collector stays out of the window: a full collection walks the whole heap of a
    # test worker that has run hundreds of tests (nearly a second seen in CI), which is no
    # part of handling a message; `gridbot run` freezes its start-up heap instead.
    gc.collect()
    gc.disable()
    try:
        beat = asyncio.create_task(heartbeat())
        long_task = asyncio.create_task(app.handle_event(msg(1, LONG)))
        await asyncio.sleep(0)
        other = await app.handle_event(
            msg(2, "5号楼门口井盖坏了", chat="room-xfl-3", sender="res-li")
        )
        first = await long_task
        done = True
        await beat
    finally:
        gc.enable()
    assert other is not None and other.status == "handled"
    assert first is not None and first.status == "handled"
    rows = await tickets(app)
    # Both are tickets. Which is stored first is a race now that the long one is judged
    # in about a hundred ms on a bounded window (and on SQLite one writer at a time);
    # what matters is that the loop was never held, so the other group's report went on.
    assert sorted(t.group_id for t in rows) == ["room-xfl-1", "room-xfl-3"]
    assert max(stalls) < 0.5  # loosely: today's code holds the loop for the whole message


def test_a_serving_process_hides_its_start_up_heap_from_the_collector() -> None:
    """`gridbot run` freezes what start-up built (a full collection walked it all and held
    every chat for about 100 ms) and has a busy worker thread hand the GIL back to the
    loop every millisecond (bench/long_message.py shows both). In a process of its own:
    these settings are the whole process's, and the test workers' collector must stay
    as it is."""
    probe = (
        "import sys; from bot.triage import TriageEngine; TriageEngine().triage('电梯坏了'); "
        "from bot.runtime.interpreter import tune_for_serving; "
        "print(tune_for_serving(), sys.getswitchinterval())"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    assert int(out[0]) > 10_000  # jieba's dictionary and the model, at least
    assert float(out[1]) == SWITCH_INTERVAL < sys.getswitchinterval()


# -- 2. control characters --------------------------------------------------------------


async def test_nul_and_control_characters_are_stripped_at_the_edge(app: App) -> None:
    """A NUL in a report crashed handling on PostgreSQL (DataError) and the message was
    lost; now the text is stored and handled the same on both databases."""
    raw = "3号楼\x00门口井盖\x1b坏了\x7f\ud800\r\n电话\x0013812345678"
    outcome = await app.handle_event(msg(1, raw, name="张\x00阿姨"))
    assert outcome is not None and outcome.status == "handled", outcome
    assert app.inbound.failed == 0 and app.inbound.waiting == 0
    [row] = await inbound(app)
    assert row.text == "3号楼门口井盖坏了\n电话13812345678"
    [ticket] = await tickets(app)
    assert "\x00" not in ticket.summary and ticket.summary.startswith("3号楼门口井盖坏了")
    sent = await outbox(app)
    assert sent and all("\x00" not in r.text and "13812345678" not in r.text for r in sent)


async def test_a_nul_in_a_staff_command_and_a_private_message(app: App) -> None:
    for n, (chat, sender, text) in enumerate(
        [("staff-room", "wx-chen", "统计\x00 本月"), (None, "res-wu", "你好\x00")], start=1
    ):
        outcome = await app.handle_event(msg(n, text, chat=chat, sender=sender))
        assert outcome is not None, text
    assert app.inbound.failed == 0 and app.inbound.waiting == 0


# -- 2. dates a person can type, and what a reply echoes ----------------------------------

ESSAY = "长" * 6000
TYPED_DATES = [
    "统计 9999-12-31",
    "统计 0001-01-01~0001-01-03",
    "统计 2026-11-01~9999-12-31",
    "排行 9999-12-31",
    "排行 0001-01-01~0001-01-03",
    "导出 9999-12-31",
    "导出 0001-01-01~0001-01-03",
    "统计 2026-02-30",
    "换班 @王芳 @赵强 9999-12-31",
    "请假 @王芳 9999-12-30 9999-12-31",
    "请假 @王芳 0001-01-01",
]


async def test_every_typed_date_gets_a_polite_answer(app: App) -> None:
    """Each command with an impossible date gets one short answer that names the date and
    changes nothing (no OverflowError; 换班/请假 used to record duty in the year 9999)."""
    for n, text in enumerate(TYPED_DATES, start=1):
        before = len(await outbox(app))
        outcome = await app.handle(msg(n, text, chat="staff-room", sender="wx-chen"))
        replies = (await outbox(app))[before:]
        assert outcome.status == "handled", text
        assert len(replies) == 1, text
        reply = replies[0].text
        polite = "超出了可" in reply or "不是有效的日期" in reply
        assert polite and len(reply) < 120, (text, reply)
    async with app.db.transaction() as session:
        store = Store(session)
        assert not await store.duty_overrides(date.min, date.max)
        assert not await store.duty_leave(date.min, date.max)


@pytest.mark.parametrize(
    "text",
    [
        f"统计 {ESSAY}", f"排行 {ESSAY}", f"工单 {ESSAY}", f"工单 @{ESSAY}",
        f"导出 2026-11-01~{ESSAY}",
    ],
)
async def test_a_reply_echoes_at_most_a_few_words(app: App, text: str) -> None:
    outcome = await app.handle(msg(1, text, chat="staff-room", sender="wx-chen"))
    assert outcome.status == "handled"
    [reply] = await outbox(app)
    assert "…" in reply.text and len(reply.text) < 150, reply.text

