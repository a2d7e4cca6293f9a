"""The contract every platform adapter keeps with the core: the core defines it here, next
to the message types that cross the boundary, and each adapter (``bot.adapters``) keeps it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, runtime_checkable

from bot.messaging.messages import InboundEvent, Outcome, OutgoingMessage, SentMessage

# The core's entry point; it says what it did with a message (None for other events, or
# when handling failed and the message waits for a retry).
Inbound = Callable[[InboundEvent], Awaitable[Outcome | None]]


class SendFailed(Exception):
    """The platform did not take the message; the outbox keeps it and tries again later.

    ``permanent`` marks failures that retrying cannot fix (unknown chat, rejected content),
    so the outbox gives up on that row instead of retrying forever.
    """

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


@runtime_checkable
class Adapter(Protocol):
    """A connection to one platform.

    ``start`` connects and then delivers every inbound event to ``inbound`` until ``stop``;
    it returns once the adapter is running (supervision and reconnects are the adapter's
    own business). ``send`` either returns a SentMessage or raises SendFailed; it never
    drops a message silently.
    """

    platform: str

    async def start(self, inbound: Inbound) -> None: ...

    async def send(self, message: OutgoingMessage) -> SentMessage: ...

    async def stop(self) -> None: ...

    def owns(self, chat: str) -> bool:
        """Whether this adapter can deliver to ``chat`` (a group id or ``dm:<user>``)."""
        ...
