"""Message parts: what the bot says, with the people it names kept as people.

A handler writes ``Text.of(Mention("wx-wang", "王芳"), " 请接单。")``, not "@王芳 请接单。":
the outbox stores the parts, and each adapter renders a mention its own way (WeChat lets
``say()`` put the @-tags in front, WeCom writes ``<@userid>`` where the name stands, the
simulator shows "@王芳"). The name is the one the handler knew when it spoke, so a
person renamed before the message goes out is still mentioned once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Mention:
    """A person named in a message: ``person_id`` for the platform, ``name`` for the eye."""

    person_id: str
    name: str

    def __str__(self) -> str:
        return f"@{self.name}"


Part = str | Mention


@dataclass(frozen=True, slots=True)
class Text:
    """A message's text as parts: plain strings and mentions, in order."""

    parts: tuple[Part, ...] = ()

    @classmethod
    def of(cls, *pieces: Piece) -> Text:
        """Parts from strings, mentions and other texts; adjacent strings are joined."""
        out: list[Part] = []
        for piece in pieces:
            for part in piece.parts if isinstance(piece, Text) else (piece,):
                if isinstance(part, str):
                    if not part:
                        continue
                    if out and isinstance(out[-1], str):
                        out[-1] += part
                        continue
                out.append(part)
        return cls(tuple(out))

    @classmethod
    def join(cls, separator: str, pieces: Iterable[Piece]) -> Text:
        items: list[Piece] = []
        for n, piece in enumerate(pieces):
            if n:
                items.append(separator)
            items.append(piece)
        return cls.of(*items)

    def __add__(self, other: Piece) -> Text:
        return Text.of(self, other)

    def __radd__(self, other: str | Mention) -> Text:
        return Text.of(other, self)

    def __str__(self) -> str:
        return self.plain

    @property
    def plain(self) -> str:
        """The text as people read it in a log or the simulator: "@王芳 请接单。"."""
        return "".join(str(p) for p in self.parts)

    @property
    def mentions(self) -> tuple[str, ...]:
        """The ids of the people named, in order of first appearance."""
        return tuple(dict.fromkeys(p.person_id for p in self.parts if isinstance(p, Mention)))

    def render(self, mention: Callable[[Mention], str]) -> str:
        return "".join(p if isinstance(p, str) else mention(p) for p in self.parts)

    def map_strings(self, change: Callable[[str], str]) -> Text:
        """The same parts with ``change`` applied to every string and every name."""
        return Text.of(
            *(change(p) if isinstance(p, str) else Mention(p.person_id, change(p.name))
              for p in self.parts)
        )

    # -- storage ----------------------------------------------------------------------

    def to_json(self) -> list[Any]:
        return [p if isinstance(p, str) else {"mention": p.person_id, "name": p.name}
                for p in self.parts]

    @classmethod
    def from_json(cls, data: Sequence[Any]) -> Text:
        return cls.of(
            *(p if isinstance(p, str) else Mention(str(p["mention"]), str(p["name"])) for p in data)
        )

    @classmethod
    def from_plain(cls, text: str, names: Mapping[str, str]) -> Text:
        """Parts for a text written before parts existed ("@王芳 请接单" and the ids, with
        the names as they are now): every "@name" of a mentioned person becomes a mention."""
        parts: list[Part] = [text]
        for person_id, name in names.items():
            needle = f"@{name}"
            split: list[Part] = []
            for part in parts:
                if isinstance(part, str):
                    pieces = part.split(needle)
                    for n, piece in enumerate(pieces):
                        if n:
                            split.append(Mention(person_id, name))
                        split.append(piece)
                else:
                    split.append(part)
            parts = split
        return cls.of(*parts)


Piece = str | Mention | Text
