"""What people may say to the bot, declared by the handler that accepts it, and whether a
message is said to the bot at all.

Each handler module that answers a command lists it in ``USAGE``; 帮助 is built from the
modules in ``handlers.ROUTES``, so the help a person reads is exactly what the handlers
take from them, and a new command is in the help the day it is routed. The words of each
help line are in ``bot.messaging.phrases`` (``HELP_LINES``), by the usage's ``key``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.runtime.context import Context
from bot.vocabulary import Role

EVERYONE = frozenset(Role)
TEAM = frozenset({Role.WORKER, Role.LEADER, Role.STAFF, Role.ADMIN})
MANAGERS = frozenset({Role.LEADER, Role.STAFF, Role.ADMIN})
RESIDENTS = frozenset({Role.RESIDENT})


@dataclass(frozen=True, slots=True)
class Usage:
    """One command (值班, 接单 …) for the roles that may use it.

    ``office`` marks a command answered only in the staff group or a private chat (figures
    never go to a residents' group); ``variant`` picks other help words for the same
    command (a resident withdraws their own report, a leader cancels any of the grid).
    """

    word: str
    roles: frozenset[Role]
    office: bool = False
    variant: str = ""

    @property
    def key(self) -> str:
        return f"{self.word}:{self.variant}" if self.variant else self.word


def usages_of(handlers: Iterable[object]) -> tuple[Usage, ...]:
    """Every ``USAGE`` of the modules the handlers come from, in route order, once each."""
    found: list[Usage] = []
    for handler in handlers:
        module = inspect.getmodule(handler)
        for usage in getattr(module, "USAGE", ()):
            if usage not in found:
                found.append(usage)
    return tuple(found)


def usable_by(usages: Iterable[Usage], role: Role) -> tuple[Usage, ...]:
    return tuple(u for u in usages if role in u.roles)


_LEADING_MENTION = re.compile(r"^(?:@\S+\s*)+")


def spoken_to(ctx: Context) -> bool:
    """Whether the message is said to the bot: privately, with an @ of the bot, or in the
    staff group (where people type commands to it). In a residents' group anything else
    is talk among neighbours, and the bot keeps out of it."""
    if ctx.message.is_direct or ctx.message.mentions_bot:
        return True
    group = ctx.config.group(ctx.message.chat_id)
    return group is not None and group.grid is None


def without_mention(text: str) -> str:
    """The words after any leading "@网格助手" an adapter left in place."""
    return _LEADING_MENTION.sub("", text).strip()
