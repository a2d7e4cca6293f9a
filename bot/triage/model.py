"""The values triage hands to the rest of the bot.

They are frozen so a result can be cached, logged and stored on a ticket without anyone
changing it on the way; the field names are part of the contract with the intake handler.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

CATEGORIES = (
    "municipal",
    "building",
    "utility",
    "sanitation",
    "safety",
    "care",
    "dispute",
    "order",
    "consult",
    "wish",
    "other",
)


# The reason of a message that announces a request still to come (我想反映个情况).
PREAMBLE = "preamble"


class Verdict(StrEnum):
    """What the intake does with a message, in one word."""

    REQUEST = "request"  # open a ticket per finding
    FOLLOWUP = "followup"  # asks after an earlier report
    WAIT = "wait"  # a preamble: judge it with the same person's next message
    NONE = "none"  # nothing to do


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is, in one canonical spelling so duplicates can be matched."""

    text: str
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    place: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a message; the intake handler opens one ticket per finding."""

    category: str
    urgent: bool
    location: Location | None
    evidence: tuple[str, ...]
    rule: str
    text: str


@dataclass(frozen=True, slots=True)
class TriageResult:
    """What a message means for the ticket loop.

    `reason` says why no ticket was opened (or "request"), so that a wrong call can be
    explained to the community staff instead of guessed at.
    """

    findings: tuple[Finding, ...]
    reason: str
    followup: Finding | None = None

    @property
    def ticket(self) -> bool:
        return bool(self.findings)

    @property
    def verdict(self) -> Verdict:
        if self.findings:
            return Verdict.REQUEST
        if self.followup is not None:
            return Verdict.FOLLOWUP
        return Verdict.WAIT if self.reason == PREAMBLE else Verdict.NONE
