"""The state machine refuses every transition DESIGN.md does not allow."""

from __future__ import annotations

import itertools
import re

import pytest

from bot.domain.lifecycle import (
    EVENT_LABELS,
    TRANSITIONS,
    Action,
    IllegalTransition,
    Status,
    allowed,
    next_status,
)
from bot.vocabulary import EventKind

LEGAL = {
    (Status.ASSIGNED, Action.CLAIM): Status.CLAIMED,
    (Status.ASSIGNED, Action.CANCEL): Status.CANCELLED,
    (Status.ASSIGNED, Action.TRANSFER): Status.ASSIGNED,
    (Status.CLAIMED, Action.RESOLVE): Status.RESOLVED,
    (Status.CLAIMED, Action.CANCEL): Status.CANCELLED,
    (Status.CLAIMED, Action.TRANSFER): Status.ASSIGNED,
    (Status.RESOLVED, Action.RATE): Status.CLOSED,
    (Status.RESOLVED, Action.REOPEN): Status.CLAIMED,
    (Status.RESOLVED, Action.EXPIRE): Status.CLOSED,
    (Status.ASSIGNED, Action.HAND_UP): Status.HANDED_UP,
    (Status.CLAIMED, Action.HAND_UP): Status.HANDED_UP,
    (Status.HANDED_UP, Action.HAND_BACK): Status.RESOLVED,
}


def test_table_is_exactly_the_design() -> None:
    assert TRANSITIONS == LEGAL


@pytest.mark.parametrize(("status", "action"), sorted(LEGAL))
def test_legal_transitions(status: Status, action: Action) -> None:
    assert next_status(status, action) is LEGAL[(status, action)]


ILLEGAL = [pair for pair in itertools.product(Status, Action) if pair not in LEGAL]


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_every_other_transition_is_refused(status: Status, action: Action) -> None:
    assert not allowed(status, action)
    with pytest.raises(IllegalTransition):
        next_status(status, action)


def test_closed_and_cancelled_are_final() -> None:
    for status in (Status.CLOSED, Status.CANCELLED):
        assert not any(allowed(status, action) for action in Action)


def test_every_event_kind_has_a_chinese_label() -> None:
    """查询 #N and the console show a ticket's history by these labels: a kind without one
    would reach staff as a raw name, a label without a kind is a name nothing writes."""
    assert set(EVENT_LABELS) == set(EventKind)
    for kind, label in EVENT_LABELS.items():
        assert re.search(r"[\u4e00-\u9fff]", label), kind
        assert not re.search(r"[A-Za-z_]", label), kind


def test_every_action_is_recorded_as_an_event_kind() -> None:
    for action in Action:
        assert action.event == action.value
        assert action.event in EVENT_LABELS
