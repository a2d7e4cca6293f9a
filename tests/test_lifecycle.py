"""The state machine refuses every transition DESIGN.md does not allow."""

from __future__ import annotations

import itertools

import pytest

from bot.domain.lifecycle import (
    TRANSITIONS,
    Action,
    IllegalTransition,
    Status,
    allowed,
    next_status,
)

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
