"""The strict reading every config section shares: unknown keys refused with the nearest
known one, every value type-checked, every problem one line naming the file and key.

This module imports nothing else of the config package, so every section parser (and
``bot.config.duty``) can build on it without an import cycle.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection, Iterator, Mapping
from datetime import timedelta
from typing import Any

# Longer than any sensible wait or window; 1e308 minutes would overflow timedelta.
MAX_DURATION = timedelta(days=3650)


class ConfigError(Exception):
    """A config the bot cannot run with; the message names the file and key."""


def show(value: Any, limit: int = 60) -> str:
    """A value for a one-line message: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def nearest(name: str, known: Collection[str]) -> str | None:
    close = difflib.get_close_matches(str(name), list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def unknown_key(source: str, label: str, key: str, known: Collection[str]) -> ConfigError:
    """``config.toml: grids[0].worker is not a known key; did you mean 'workers'?``"""
    where = f"{label}.{key}" if label else str(key)
    guess = nearest(key, known)
    if guess is not None:
        hint = f"did you mean {guess!r}?"
    elif known:
        hint = f"the keys are {', '.join(sorted(known))}"
    else:
        hint = "this table takes no keys"
    return ConfigError(f"{source}: {where} is not a known key; {hint}")


def refuse_unknown(
    source: str, label: str, table: Mapping[str, Any], known: Collection[str]
) -> None:
    for key in table:
        if key not in known:
            raise unknown_key(source, label, key, known)


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(value: Any, where: str) -> timedelta:
    """'90m', '24h', '2d', '1h30m', '30s', or a number of minutes; at most 3650 days."""
    problem = f"{where}: {show(value)} is not a duration like '90m', '24h', '2d' or '1h30m'"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value) or value < 0:
            raise ConfigError(problem)
        if value > MAX_DURATION.total_seconds() / 60:
            raise ConfigError(f"{where}: {show(value)} minutes is longer than {_max_text()}")
        return timedelta(minutes=value)
    if isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        parts = _DURATION.findall(text)
        if parts and "".join(a + u for a, u in parts) == text:
            try:
                total = sum(
                    (timedelta(**{_UNITS[unit]: float(amount)}) for amount, unit in parts),
                    timedelta(),
                )
            except (OverflowError, ValueError):
                total = None
            if total is None or total > MAX_DURATION:
                raise ConfigError(f"{where}: {show(value)} is longer than {_max_text()}")
            return total
    raise ConfigError(problem)


def _max_text() -> str:
    return f"{MAX_DURATION.days} days"


class Table:
    """One table of the config, read strictly.

    ``label`` is the key path shown in messages (``community``, ``grids[0]``,
    ``duty.shifts[1]``); ``known`` the keys the table may hold (None: any).
    """

    def __init__(
        self,
        source: str,
        label: str,
        raw: Mapping[str, Any],
        known: Collection[str] | None = None,
        *,
        present: bool = True,
    ) -> None:
        self.source = source
        self.label = label
        self.raw = raw
        self.present = present
        if known is not None:
            refuse_unknown(source, label, raw, known)

    # --- plumbing ----------------------------------------------------------------------

    def key(self, key: str) -> str:
        return f"{self.label}.{key}" if self.label else key

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.source}: {self.key(key)} {problem}")

    def __contains__(self, key: str) -> bool:
        return key in self.raw

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)

    # --- values ------------------------------------------------------------------------

    def text(self, key: str, default: str | None = None, *, what: str = "") -> str:
        """Non-empty text, stripped; required when ``default`` is None.

        ``what`` says what the text is, for the message: "a database URL".
        """
        if key not in self.raw:
            if default is None:
                raise self.error(key, f"is required ({what or 'text'})")
            return default
        value = self.raw[key]
        if not isinstance(value, str) or not value.strip():
            kind = f"non-empty text ({what})" if what else "non-empty text"
            raise self.error(key, f"must be {kind}, not {show(value)}")
        return value.strip()

    def optional_text(self, key: str, *, what: str = "") -> str | None:
        if key not in self.raw:
            return None
        return self.text(key, what=what)

    def any_text(self, key: str, default: str = "") -> str:
        """Text that may be empty (e.g. a welcome line switched off with "")."""
        value = self.raw.get(key, default)
        if not isinstance(value, str):
            raise self.error(key, f"must be text, not {show(value)}")
        return value

    def texts(
        self, key: str, default: tuple[str, ...] = (), *, what: str = "text", least: int = 0
    ) -> tuple[str, ...]:
        """A list of non-empty texts, stripped; ``least`` is how many it needs at least."""
        if key not in self.raw:
            return default
        value = self.raw[key]
        if (
            not isinstance(value, list)
            or not all(isinstance(v, str) and v.strip() for v in value)
            or len(value) < least
        ):
            each = "each non-empty text" + (", at least one" if least == 1 else "")
            if least > 1:
                each += f", at least {least}"
            raise self.error(key, f"must be a list of {what} ({each}), not {show(value)}")
        return tuple(v.strip() for v in value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"must be true or false, not {show(value)}")
        return value

    def integer(self, key: str, default: int | None, low: int, high: int) -> int:
        if key not in self.raw and default is not None:
            return default
        value = self.raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(key, f"must be a whole number from {low} to {high}, not {show(value)}")
        return value

    def fraction(self, key: str, low: float, high: float) -> float | None:
        """A number between ``low`` and ``high`` (inclusive), or None when not set."""
        if key not in self.raw:
            return None
        value = self.raw[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not (
            low <= value <= high
        ):
            raise self.error(key, f"must be a number from {low} to {high}, not {show(value)}")
        return float(value)

    def choice(self, key: str, options: tuple[str, ...], default: str | None = None) -> str:
        value = self.raw.get(key, default)
        if not isinstance(value, str) or value not in options:
            raise self.error(key, f"is {show(value)}; use one of {', '.join(options)}")
        return value

    def duration(self, key: str, default: str, *, positive: bool = False) -> timedelta:
        value = parse_duration(self.raw.get(key, default), f"{self.source}: {self.key(key)}")
        if positive and value <= timedelta():
            raise self.error(key, "must be longer than zero")
        return value

    # --- nested tables -------------------------------------------------------------------

    def table(self, key: str, known: Collection[str] | None) -> Table:
        value = self.raw.get(key, {})
        if not isinstance(value, Mapping):
            raise ConfigError(f"{self.source}: [{self.key(key)}] must be a table")
        return Table(self.source, self.key(key), value, known, present=key in self.raw)

    def tables(self, key: str, known: Collection[str] | None) -> Iterator[Table]:
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise ConfigError(f"{self.source}: [[{self.key(key)}]] must be an array of tables")
        for i, item in enumerate(value):
            yield Table(self.source, f"{self.key(key)}[{i}]", item, known)
