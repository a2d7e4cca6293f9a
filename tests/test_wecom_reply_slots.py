"""ReplySlots: the ways to answer inbound messages, keyed by the message answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.adapters.wecom.messages import ReplySlots, expects_answer
from bot.runtime.dispatcher import Outcome

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def test_a_slot_is_taken_only_by_its_own_message_in_its_own_chat() -> None:
    slots: ReplySlots[str] = ReplySlots(10)
    slots.open("a1", "room", "req-a1", expires=T0 + 5 * MIN, now=T0)
    slots.open("b1", "room", "req-b1", expires=T0 + 5 * MIN, now=T0)
    assert slots.take(None, "room", T0) is None
    assert slots.take("b1", "other-room", T0) is None and "b1" in slots
    taken = slots.take("b1", "room", T0)
    assert taken is not None and taken.value == "req-b1"
    assert slots.take("b1", "room", T0) is None  # used once
    assert len(slots) == 1


def test_expired_slots_are_never_used_and_go_when_the_next_comes() -> None:
    slots: ReplySlots[str] = ReplySlots(10)
    slots.open("m1", "room", "r1", expires=T0 + 5 * MIN, now=T0)
    slots.open("m2", "room", "r2", expires=T0 + 6 * MIN, now=T0 + MIN)
    assert slots.take("m1", "room", T0 + 5 * MIN) is None
    slots.open("m3", "room", "r3", expires=T0 + 12 * MIN, now=T0 + 7 * MIN)
    assert len(slots) == 1 and "m3" in slots


def test_bounded_oldest_first() -> None:
    slots: ReplySlots[int] = ReplySlots(3)
    for i in range(5):
        slots.open(f"m{i}", "room", i, expires=T0 + 5 * MIN, now=T0)
    assert len(slots) == 3 and "m0" not in slots and "m1" not in slots


def test_a_redelivery_keeps_the_first_slot_unless_told_to_replace() -> None:
    slots: ReplySlots[str] = ReplySlots(10)
    first = slots.open("m1", "room", "first", expires=T0 + MIN, now=T0)
    assert slots.open("m1", "room", "second", expires=T0 + MIN, now=T0) is None
    second = slots.open("m1", "room", "fresh", expires=T0 + 2 * MIN, now=T0, replace=True)
    assert first is not None and second is not None
    slots.release(first)  # no longer the one kept: nothing happens
    taken = slots.take("m1", "room", T0)
    assert taken is not None and taken.value == "fresh"


def test_newest_of_a_chat_skips_other_chats_and_drops_expired_ones() -> None:
    slots: ReplySlots[str] = ReplySlots(10)
    slots.open("m1", "room", "u1", expires=T0 + 60 * MIN, now=T0)
    slots.open("m2", "room", "u2", expires=T0 + 2 * MIN, now=T0 + MIN)
    slots.open("m3", "other", "u3", expires=T0 + 60 * MIN, now=T0 + MIN)
    newest = slots.take_newest("room", T0 + 10 * MIN)
    assert newest is not None and newest.value == "u1"  # m2 had expired and is gone
    assert len(slots) == 1 and slots.take_newest("room", T0) is None


def test_only_a_handled_message_with_answers_keeps_its_slot() -> None:
    assert expects_answer(Outcome("handled", "intake", queued=2, answers=1))
    for outcome in (
        None,
        Outcome("handled", "staff", queued=1, answers=0),
        Outcome("silent"),
        Outcome("ignored"),
        Outcome("duplicate"),
        Outcome("silent", answers=1),
    ):
        assert not expects_answer(outcome), outcome
