"""Shared by the WeCom tests: WeCom's side of the callback mode (encrypt, sign, POST), and
the groups and frames of the end-to-end tests."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import aiohttp

from bot.adapters.wecom.crypto import WXBizMsgCrypt, signature

TOKEN = "callback-token"


AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"


NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class WeComSide:
    """What WeCom's servers do: encrypt, sign, and POST to our URL."""

    def __init__(self, base_url: str, receive_id: str = "") -> None:
        self.base_url = base_url
        self.crypt = WXBizMsgCrypt(TOKEN, AES_KEY, receive_id)
        self.nonces = iter(range(10_000, 99_999))
        self.timestamp = str(int(NOW.timestamp()))

    def signed_query(self, encrypted: str, *, timestamp: str | None = None) -> dict[str, str]:
        ts = timestamp or self.timestamp
        nonce = str(next(self.nonces))
        return {
            "msg_signature": signature(TOKEN, ts, nonce, encrypted),
            "timestamp": ts,
            "nonce": nonce,
        }

    async def post(
        self,
        session: aiohttp.ClientSession,
        body: dict | str,
        *,
        query=None,
        raw: str | None = None,
        timestamp: str | None = None,
    ) -> tuple[int, str]:
        encrypted = self.crypt.encrypt(body if isinstance(body, str) else json.dumps(body))
        params = query if query is not None else self.signed_query(encrypted, timestamp=timestamp)
        data = raw if raw is not None else json.dumps({"encrypt": encrypted})
        async with session.post(self.base_url, params=params, data=data) as resp:
            return resp.status, await resp.text()


GROUP = "room-xfl-1"  # 幸福里1-2号楼居民群 (grid g1) in config.example.toml; here a chatid


URGENT_GROUP = "room-xfl-3"  # 幸福里5-8号楼居民群 (grid g2)


STAFF_GROUP = "staff-room"


REPLIES = ("aibot_respond_msg", "aibot_send_msg")


def said(text: str, msgid: str, sender: str, chat: str = GROUP) -> dict[str, Any]:
    """A group message body as the AI bot receives it (no create_time: the clock's time)."""
    return {
        "msgid": msgid,
        "aibotid": "bot-1",
        "chatid": chat,
        "chattype": "group",
        "from": {"userid": sender},
        "msgtype": "text",
        "text": {"content": text},
    }


def content(frame: Mapping[str, Any]) -> str:
    body = frame["body"]
    if frame["cmd"] == "aibot_respond_msg":
        return str(body["stream"]["content"])
    return str(body["markdown"]["content"])
