"""An in-process platform for the simulator, the terminal demo and tests.

It delivers nothing by itself (the caller feeds messages to the App) and hands every sent
message to a callback, numbering them ``bot-N`` so a scenario can quote the bot's messages.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.messaging.adapter import Inbound
from bot.messaging.messages import OutgoingMessage, SentMessage
from bot.runtime.clock import Clock


class SimAdapter:
    platform = "sim"

    def __init__(
        self, clock: Clock, emit: Callable[[OutgoingMessage, str], None], first_id: int = 1
    ) -> None:
        self.clock = clock
        self.emit = emit
        self._next = first_id
        self.inbound: Inbound | None = None

    def continue_after(self, sent_before: int) -> None:
        """Carry numbering on past messages an earlier run sent, so ``bot-N`` stays unique."""
        self._next = sent_before + 1

    async def start(self, inbound: Inbound) -> None:
        self.inbound = inbound

    async def send(self, message: OutgoingMessage) -> SentMessage:
        message_id = f"bot-{self._next}"
        self._next += 1
        self.emit(message, message_id)
        return SentMessage(platform_message_id=message_id)

    async def stop(self) -> None:
        self.inbound = None

    def owns(self, chat: str) -> bool:
        return True
