"""The inbound journal: a message is written to the database as it arrives, before triage
or any handler sees it, and deleted in the very transaction that handles it.

A ``kill -9`` or power loss between the two leaves the row behind, and the next start
hands it to the core again (``App.start``), oldest first, so each chat keeps its order.
Handling is idempotent by the platform's message id (``inbound_messages``), so a row whose
handling did commit can never make a second ticket: the row and the handling commit
together, and a redelivery finds the message handled.

Messages waiting in the retry queue (``bot.runtime.inbound``) are journalled as well, so a
crash during a database outage loses none of them either.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.messaging.messages import IncomingMessage, Media, MessageKind
from storage.db import Database
from storage.repo import Store


def to_payload(message: IncomingMessage) -> dict[str, Any]:
    """The message as JSON, every field, so a replay is the message that arrived."""
    return {
        "platform": message.platform,
        "message_id": message.message_id,
        "chat_id": message.chat_id,
        "sender_id": message.sender_id,
        "text": message.text,
        "at": message.at.isoformat(),
        "sender_name": message.sender_name,
        "mentions": list(message.mentions),
        "mentions_bot": message.mentions_bot,
        "quote_id": message.quote_id,
        "quote_text": message.quote_text,
        "kind": message.kind.value,
        "chat_name": message.chat_name,
        # A photo's link survives a replay; its download does not (the adapter that could
        # fetch it is gone), so the ticket keeps the link.
        "media_url": message.media.url if message.media else None,
    }


def from_payload(payload: dict[str, Any]) -> IncomingMessage:
    return IncomingMessage(
        platform=payload["platform"],
        message_id=payload["message_id"],
        chat_id=payload.get("chat_id"),
        sender_id=payload["sender_id"],
        text=payload.get("text") or "",
        at=datetime.fromisoformat(payload["at"]),
        sender_name=payload.get("sender_name"),
        mentions=tuple(payload.get("mentions") or ()),
        mentions_bot=bool(payload.get("mentions_bot")),
        quote_id=payload.get("quote_id"),
        quote_text=payload.get("quote_text"),
        kind=MessageKind(payload.get("kind") or MessageKind.TEXT.value),
        chat_name=payload.get("chat_name"),
        media=Media(url=payload["media_url"]) if payload.get("media_url") else None,
    )


async def record(db: Database, message: IncomingMessage, now: datetime) -> None:
    """Journal ``message``, committed before it is handled: one statement, committed as
    it runs (``Database.autocommit``)."""
    async with db.autocommit() as session:
        await Store(session).journal_inbound(
            message.platform, message.message_id, message.reply_chat, now, to_payload(message)
        )


async def unhandled(db: Database) -> list[IncomingMessage]:
    """What a previous run received and did not handle, in the order it came."""
    async with db.transaction() as session:
        rows = await Store(session).journalled_inbound()
    return [from_payload(row.payload) for row in rows]
