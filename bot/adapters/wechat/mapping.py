"""Turning what WeChat delivers into IncomingMessage, without touching python-wechaty.

Kept free of wechaty imports so the fiddly parts (WeChat's quote format, @-name
stripping) are tested in microseconds and the session module only fetches payloads.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.messaging.messages import IncomingMessage, MessageKind

PLATFORM = "wechaty"

# WeChat puts a four-per-em space (U+2005) after an @name; older clients a plain space.
_MENTION_END = "(?:\u2005|\u0020|\u00a0|$)"
# The line WeChat puts between a quoted message and the reply: "- - - - ..." (the count
# of dashes differs between gateways: 15 on some, 16 on others).
_QUOTE_RULE = re.compile(r"^\s*-(?:\s+-){4,}\s*$")


@dataclass(frozen=True, slots=True)
class Quote:
    """A WeChat quoted reply, split into who was quoted, what they said, and the reply."""

    author: str
    quoted: str
    reply: str


def split_quote(text: str) -> Quote | None:
    """Parse WeChat's text form of a quoted reply, or None when the text is not one.

    Gateways deliver a reply to a quoted message as text::

        「张三：3号楼门口井盖坏了」
        - - - - - - - - - - - - - - -
        我去看了，已经围起来了

    The quoted part may span lines and may itself be a quoted reply, so the split point
    is the first rule line after a block that opens with 「, closes with 」 and has its
    brackets balanced (falling back to the first such block if none balances).
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    candidates: list[int] = []
    for index, line in enumerate(lines):
        if index == 0 or not _QUOTE_RULE.match(line):
            continue
        head = "\n".join(lines[:index]).strip()
        if head.startswith("「") and head.endswith("」"):
            candidates.append(index)
            if head.count("「") == head.count("」"):
                break
    if not candidates:
        return None
    index = candidates[-1] if _balanced(lines, candidates[-1]) else candidates[0]
    head = "\n".join(lines[:index]).strip()
    author, quoted = _split_author(head[1:-1])
    reply = "\n".join(lines[index + 1:]).strip()
    return Quote(author=author, quoted=quoted, reply=reply)


def _balanced(lines: list[str], index: int) -> bool:
    head = "\n".join(lines[:index])
    return head.count("「") == head.count("」")


def _split_author(inner: str) -> tuple[str, str]:
    """「name：text」 uses a full-width colon; tolerate an ASCII one from older gateways."""
    for colon in ("：", ":"):
        name, sep, rest = inner.partition(colon)
        if sep and name.strip() and "\n" not in name:
            return name.strip(), rest.strip()
    return "", inner.strip()


def strip_mentions(text: str, names: Iterable[str]) -> str:
    """Remove ``@name`` for each of ``names`` (the bot's names), longest first.

    Only the bot's own @name goes: "@张三 去看一下" keeps its meaning for the core.
    """
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        text = re.sub("@" + re.escape(name) + _MENTION_END, "", text)
    return text.strip()


def mentions_name(text: str, names: Iterable[str]) -> bool:
    """Whether the text @-mentions any of ``names``; for gateways that omit mention ids."""
    return any(
        re.search("@" + re.escape(n.strip()) + _MENTION_END, text) for n in names if n.strip()
    )


@dataclass(frozen=True, slots=True)
class RawMessage:
    """The facts of one WeChat message, as fetched from the puppet service.

    ``room_id`` is None for a direct message. ``kind`` None means a type GridBot does not
    handle (voice, stickers, links, mini programs, transfers...).
    """

    message_id: str
    kind: MessageKind | None
    text: str
    sender_id: str
    sender_name: str | None = None
    room_id: str | None = None
    mention_ids: tuple[str, ...] = ()
    filename: str = ""


def to_incoming(
    raw: RawMessage, *, self_id: str, bot_names: Iterable[str], at: datetime
) -> IncomingMessage:
    """Build the core's IncomingMessage: bot's @name removed, quote split off, kind kept."""
    names = tuple(bot_names)
    kind = raw.kind or MessageKind.TEXT
    quote_text: str | None = None
    if kind is MessageKind.TEXT:
        text = raw.text
        quote = split_quote(text)
        if quote is not None:
            text = quote.reply
            quote_text = quote.quoted
        mentions_bot = self_id in raw.mention_ids or mentions_name(raw.text, names)
        text = strip_mentions(text, names) if raw.room_id else text.strip()
    elif kind is MessageKind.FILE:
        text = raw.filename or raw.text
        mentions_bot = self_id in raw.mention_ids
    else:
        # An image's "text" is the gateway's XML description of it; nothing for people.
        text = ""
        mentions_bot = self_id in raw.mention_ids
    return IncomingMessage(
        platform=PLATFORM,
        message_id=raw.message_id,
        chat_id=raw.room_id,
        sender_id=raw.sender_id,
        text=text,
        at=at,
        sender_name=raw.sender_name or None,
        mentions=tuple(m for m in dict.fromkeys(raw.mention_ids) if m != self_id),
        mentions_bot=mentions_bot,
        quote_text=quote_text,
        kind=kind,
    )


# FileBox JSON ``boxType`` values (wechaty-puppet's FileBoxType) a gateway answers
# MessageImage with: the image inline, or a link to it.
_BOX_BASE64 = 1
_BOX_URL = 2


def filebox_image(filebox: str, limit: int) -> bytes | str:
    """What MessageImage gave: the bytes of a base64 FileBox, or the link of a URL one.

    Raises ValueError for anything else (an empty answer, a QR code box, broken JSON) and
    for inline data over ``limit`` bytes, before decoding it.
    """
    try:
        box = json.loads(filebox or "null")
    except ValueError as exc:
        raise ValueError("the gateway's FileBox is not JSON") from exc
    if not isinstance(box, dict):
        raise ValueError("the gateway gave no image")
    if box.get("boxType") == _BOX_URL and isinstance(box.get("remoteUrl"), str):
        return str(box["remoteUrl"])
    data = box.get("base64")
    if box.get("boxType") != _BOX_BASE64 or not isinstance(data, str):
        raise ValueError(f"the gateway gave a FileBox of type {box.get('boxType')!r}")
    if len(data) > (limit + 2) // 3 * 4 + 4:
        raise ValueError(f"the image is over the {limit} byte limit")
    try:
        return base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the gateway's image is not base64") from exc
