"""A puppet-service gRPC server for tests, so the REAL python-wechaty client can be driven.

python-wechaty talks plain gRPC (grpclib) to a "puppet service" that fronts a logged-in
WeChat account. This module plays that service on 127.0.0.1 with the betterproto messages
shipped in ``wechaty_grpc``, so a test exercises the same wire calls a real gateway sees:
Start/Stop, the Event server stream, payload look-ups and the send calls.

What the real client relies on, and this fake therefore does:
- LOGIN is sent on every new Event stream before anything else (a gateway whose account
  is logged in re-announces it to each client that connects);
- message types use the newer numbering on the wire (text = 7, image = 6, attachment = 1);
- ``say()`` reloads the message it just sent by id, so every sent message is stored and
  can be fetched with MessagePayload like a received one;
- the bot's own sent messages are echoed back as MESSAGE events, as real gateways do, so
  tests can prove the adapter ignores them.

The server can be stopped and started again on the same port (a restart), or stalled
(accepts connections, never answers) to test the adapter's supervision.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from grpclib.const import Cardinality, Handler, Status
from grpclib.exceptions import GRPCError
from grpclib.server import Server, Stream
from wechaty_grpc.wechaty import puppet as pb

WIRE_TEXT = 7
WIRE_IMAGE = 6
WIRE_ATTACHMENT = 1

PERSONAL = 1
OFFICIAL = 2


@dataclass
class FakeContact:
    id: str
    name: str
    type: int = PERSONAL


@dataclass
class FakeRoom:
    id: str
    topic: str
    member_ids: list[str] = field(default_factory=list)
    # Group nicknames (群昵称) by member id; WeChat shows these instead of the name.
    aliases: dict[str, str] = field(default_factory=dict)


@dataclass
class StoredMessage:
    id: str
    type: int
    text: str
    from_id: str
    room_id: str = ""
    to_id: str = ""
    mention_ids: list[str] = field(default_factory=list)
    filename: str = ""
    timestamp: int = 0
    filebox: str = ""


@dataclass(frozen=True)
class SentRecord:
    """Something the client asked the fake to send, exactly as it came over the wire."""

    method: str  # "MessageSendText" or "MessageSendFile"
    conversation_id: str
    text: str = ""
    mention_ids: tuple[str, ...] = ()
    filebox: dict[str, Any] = field(default_factory=dict)
    message_id: str = ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FakePuppetService:
    def __init__(
        self,
        *,
        self_id: str = "wxid_gridbot",
        self_name: str = "网格助手",
        port: int | None = None,
        echo_sent: bool = True,
    ) -> None:
        self.self_id = self_id
        self.port = port or free_port()
        self.echo_sent = echo_sent
        self.logged_in = True
        self.contacts: dict[str, FakeContact] = {self_id: FakeContact(self_id, self_name)}
        self.rooms: dict[str, FakeRoom] = {}
        self.messages: dict[str, StoredMessage] = {}
        self.images: dict[str, str] = {}
        self.sent: list[SentRecord] = []
        self.calls: Counter[str] = Counter()
        self.fail_sends: int = 0
        # Forget what was sent, so say()'s reload of it fails after the send succeeded.
        self.forget_sent = False
        self._ids = itertools.count(1)
        self._streams: list[asyncio.Queue[pb.EventResponse | None]] = []
        self._server: Server | None = None
        self._unstalled = asyncio.Event()
        self._unstalled.set()
        self._changed = asyncio.Condition()

    # -- lifecycle --------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    async def start(self) -> None:
        server = _KillableServer([_Routes(self)])
        await server.start("127.0.0.1", self.port, reuse_address=True)
        self._server = server

    async def stop(self) -> None:
        """Go away like a crashed or restarting gateway: every connection is cut at once."""
        server, self._server = self._server, None
        self._streams.clear()
        if server is None:
            return
        server.kill_connections()
        server.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server.wait_closed(), 2)
        await self._notify()

    def end_streams(self) -> None:
        """Close every Event stream cleanly, as a gateway does when it shuts down politely."""
        for queue in self._streams:
            queue.put_nowait(None)

    def stall(self) -> None:
        """Keep the socket open but never answer: the gateway hangs."""
        self._unstalled.clear()

    def unstall(self) -> None:
        self._unstalled.set()

    # -- world setup ------------------------------------------------------------------

    def add_contact(self, contact_id: str, name: str, *, type: int = PERSONAL) -> None:
        self.contacts[contact_id] = FakeContact(contact_id, name, type)

    def add_room(
        self, room_id: str, topic: str, members: list[str], aliases: dict[str, str] | None = None
    ) -> None:
        self.rooms[room_id] = FakeRoom(room_id, topic, [self.self_id, *members], aliases or {})

    # -- things that happen in WeChat -------------------------------------------------

    def post(
        self,
        *,
        from_id: str,
        text: str = "",
        room_id: str = "",
        mention_ids: list[str] | None = None,
        type: int = WIRE_TEXT,
        message_id: str | None = None,
        filename: str = "",
    ) -> str:
        """Someone writes in a room (``room_id``) or to the bot directly; returns the id."""
        message_id = message_id or f"in-{next(self._ids)}"
        self.messages[message_id] = StoredMessage(
            id=message_id,
            type=type,
            text=text,
            from_id=from_id,
            room_id=room_id,
            to_id="" if room_id else self.self_id,
            mention_ids=list(mention_ids or []),
            filename=filename,
            timestamp=int(time.time() * 1000),
        )
        if type == WIRE_IMAGE:
            self.images[message_id] = json.dumps(
                {"boxType": 1, "name": filename or f"{message_id}.jpg", "base64": "aGVsbG8="}
            )
        self.emit(pb.EventType.EVENT_TYPE_MESSAGE, {"messageId": message_id})
        return message_id

    def logout(self, reason: str = "logged out on the phone") -> None:
        self.logged_in = False
        self.emit(pb.EventType.EVENT_TYPE_LOGOUT, {"contactId": self.self_id, "data": reason})

    def login(self) -> None:
        self.logged_in = True
        self.emit(pb.EventType.EVENT_TYPE_LOGIN, {"contactId": self.self_id})

    def join(self, room_id: str, invitee_ids: list[str], inviter_id: str) -> None:
        room = self.rooms[room_id]
        room.member_ids.extend(i for i in invitee_ids if i not in room.member_ids)
        self.emit(
            pb.EventType.EVENT_TYPE_ROOM_JOIN,
            {
                "roomId": room_id,
                "inviteeIdList": invitee_ids,
                "inviterId": inviter_id,
                "timestamp": int(time.time()),
            },
        )

    def emit(self, event_type: pb.EventType, payload: dict[str, Any]) -> None:
        event = pb.EventResponse(type=event_type, payload=json.dumps(payload))
        for queue in self._streams:
            queue.put_nowait(event)

    # -- waiting helpers for tests ----------------------------------------------------

    async def wait_subscribed(self, timeout: float = 5) -> None:
        """Until a client holds an open Event stream (i.e. it has connected)."""
        await self.wait_until(lambda: bool(self._streams), timeout)

    async def wait_sent(self, count: int = 1, timeout: float = 5) -> list[SentRecord]:
        await self.wait_until(lambda: len(self.sent) >= count, timeout)
        return list(self.sent)

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5) -> None:
        async def _wait() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(_wait(), timeout)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- gRPC methods -----------------------------------------------------------------

    async def _gate(self, method: str, stream: Stream) -> Any:
        self.calls[method] += 1
        await self._unstalled.wait()
        return await stream.recv_message()

    async def start_rpc(self, stream: Stream) -> None:
        await self._gate("Start", stream)
        await stream.send_message(pb.StartResponse())

    async def stop_rpc(self, stream: Stream) -> None:
        await self._gate("Stop", stream)
        await stream.send_message(pb.StopResponse())

    async def ding_rpc(self, stream: Stream) -> None:
        await self._gate("Ding", stream)
        await stream.send_message(pb.DingResponse())

    async def version_rpc(self, stream: Stream) -> None:
        await self._gate("Version", stream)
        await stream.send_message(pb.VersionResponse(version="fake-0.1"))

    async def dirty_payload_rpc(self, stream: Stream) -> None:
        await self._gate("DirtyPayload", stream)
        await stream.send_message(pb.DirtyPayloadResponse())

    async def event_rpc(self, stream: Stream) -> None:
        await self._gate("Event", stream)
        queue: asyncio.Queue[pb.EventResponse | None] = asyncio.Queue()
        if self.logged_in:
            queue.put_nowait(
                pb.EventResponse(
                    type=pb.EventType.EVENT_TYPE_LOGIN,
                    payload=json.dumps({"contactId": self.self_id}),
                )
            )
        self._streams.append(queue)
        await self._notify()
        try:
            while True:
                event = await queue.get()
                if event is None:
                    return
                await stream.send_message(event)
        finally:
            if queue in self._streams:
                self._streams.remove(queue)
            await self._notify()

    async def contact_payload_rpc(self, stream: Stream) -> None:
        request = await self._gate("ContactPayload", stream)
        contact = self.contacts.get(request.id)
        if contact is None:
            await stream.send_message(pb.ContactPayloadResponse(id=request.id))
            return
        await stream.send_message(
            pb.ContactPayloadResponse(
                id=contact.id, name=contact.name, type=contact.type, friend=True
            )
        )

    async def room_payload_rpc(self, stream: Stream) -> None:
        request = await self._gate("RoomPayload", stream)
        room = self.rooms.get(request.id)
        if room is None:
            await stream.send_message(pb.RoomPayloadResponse(id=request.id))
            return
        await stream.send_message(
            pb.RoomPayloadResponse(id=room.id, topic=room.topic, member_ids=room.member_ids)
        )

    async def room_member_list_rpc(self, stream: Stream) -> None:
        request = await self._gate("RoomMemberList", stream)
        room = self.rooms.get(request.id)
        await stream.send_message(
            pb.RoomMemberListResponse(member_ids=room.member_ids if room else [])
        )

    async def room_member_payload_rpc(self, stream: Stream) -> None:
        request = await self._gate("RoomMemberPayload", stream)
        room = self.rooms.get(request.id)
        contact = self.contacts.get(request.member_id)
        await stream.send_message(
            pb.RoomMemberPayloadResponse(
                id=request.member_id,
                name=contact.name if contact else "",
                room_alias=room.aliases.get(request.member_id, "") if room else "",
            )
        )

    async def message_payload_rpc(self, stream: Stream) -> None:
        request = await self._gate("MessagePayload", stream)
        message = self.messages.get(request.id)
        if message is None:
            raise GRPCError(Status.NOT_FOUND, f"no message {request.id}")
        await stream.send_message(
            pb.MessagePayloadResponse(
                id=message.id,
                type=message.type,
                text=message.text,
                from_id=message.from_id,
                room_id=message.room_id,
                to_id=message.to_id,
                mention_ids=message.mention_ids,
                filename=message.filename,
                timestamp=message.timestamp,
            )
        )

    async def message_image_rpc(self, stream: Stream) -> None:
        request = await self._gate("MessageImage", stream)
        await stream.send_message(pb.MessageImageResponse(filebox=self.images.get(request.id, "")))

    async def message_file_rpc(self, stream: Stream) -> None:
        request = await self._gate("MessageFile", stream)
        await stream.send_message(pb.MessageFileResponse(filebox=self.images.get(request.id, "")))

    async def message_send_text_rpc(self, stream: Stream) -> None:
        request = await self._gate("MessageSendText", stream)
        self._maybe_refuse()
        message_id = self._store_sent(
            request.conversation_id, WIRE_TEXT, request.text, list(request.mentonal_ids)
        )
        self.sent.append(
            SentRecord(
                method="MessageSendText",
                conversation_id=request.conversation_id,
                text=request.text,
                mention_ids=tuple(request.mentonal_ids),
                message_id=message_id,
            )
        )
        await stream.send_message(pb.MessageSendTextResponse(id=message_id))
        await self._notify()

    async def message_send_file_rpc(self, stream: Stream) -> None:
        request = await self._gate("MessageSendFile", stream)
        self._maybe_refuse()
        filebox = json.loads(request.filebox)
        name = str(filebox.get("name", ""))
        wire = WIRE_IMAGE if name.lower().endswith((".png", ".jpg", ".jpeg")) else WIRE_ATTACHMENT
        message_id = self._store_sent(request.conversation_id, wire, "", [], filename=name)
        self.sent.append(
            SentRecord(
                method="MessageSendFile",
                conversation_id=request.conversation_id,
                filebox=filebox,
                message_id=message_id,
            )
        )
        await stream.send_message(pb.MessageSendFileResponse(id=message_id))
        await self._notify()

    def _maybe_refuse(self) -> None:
        """Fail the next ``fail_sends`` sends the way an overloaded gateway does."""
        if self.fail_sends <= 0:
            return
        self.fail_sends -= 1
        raise GRPCError(Status.UNAVAILABLE, "busy")

    def _store_sent(
        self, conversation_id: str, wire: int, text: str, mentions: list[str], filename: str = ""
    ) -> str:
        message_id = f"out-{next(self._ids)}"
        if self.forget_sent:
            return message_id
        in_room = conversation_id in self.rooms
        self.messages[message_id] = StoredMessage(
            id=message_id,
            type=wire,
            text=text,
            from_id=self.self_id,
            room_id=conversation_id if in_room else "",
            to_id="" if in_room else conversation_id,
            mention_ids=mentions,
            filename=filename,
            timestamp=int(time.time() * 1000),
        )
        if self.echo_sent:
            self.emit(pb.EventType.EVENT_TYPE_MESSAGE, {"messageId": message_id})
        return message_id


class _KillableServer(Server):
    """grpclib's Server, plus a way to drop every client connection like a crash would.

    ``Server.close`` only cancels handlers; the client would sit on a half-dead HTTP/2
    connection. Aborting the transports is what a killed gateway process looks like.
    """

    def __init__(self, handlers: list[Any]) -> None:
        super().__init__(handlers)
        self._transports: list[asyncio.BaseTransport] = []

    def _protocol_factory(self) -> Any:
        protocol = super()._protocol_factory()
        made = protocol.connection_made

        def connection_made(transport: asyncio.BaseTransport) -> None:
            self._transports.append(transport)
            made(transport)

        protocol.connection_made = connection_made  # type: ignore[method-assign]
        return protocol

    def kill_connections(self) -> None:
        for transport in self._transports:
            transport.abort()  # type: ignore[attr-defined]
        self._transports.clear()


class _Routes:
    """grpclib's handler mapping for the ``/wechaty.Puppet/`` service."""

    def __init__(self, fake: FakePuppetService) -> None:
        self.fake = fake

    def __mapping__(self) -> dict[str, Handler]:
        f = self.fake
        unary = Cardinality.UNARY_UNARY
        table: list[tuple[str, Any, Cardinality, type, type]] = [
            ("Start", f.start_rpc, unary, pb.StartRequest, pb.StartResponse),
            ("Stop", f.stop_rpc, unary, pb.StopRequest, pb.StopResponse),
            ("Ding", f.ding_rpc, unary, pb.DingRequest, pb.DingResponse),
            ("Version", f.version_rpc, unary, pb.VersionRequest, pb.VersionResponse),
            (
                "DirtyPayload",
                f.dirty_payload_rpc,
                unary,
                pb.DirtyPayloadRequest,
                pb.DirtyPayloadResponse,
            ),
            ("Event", f.event_rpc, Cardinality.UNARY_STREAM, pb.EventRequest, pb.EventResponse),
            (
                "ContactPayload",
                f.contact_payload_rpc,
                unary,
                pb.ContactPayloadRequest,
                pb.ContactPayloadResponse,
            ),
            (
                "RoomPayload",
                f.room_payload_rpc,
                unary,
                pb.RoomPayloadRequest,
                pb.RoomPayloadResponse,
            ),
            (
                "RoomMemberList",
                f.room_member_list_rpc,
                unary,
                pb.RoomMemberListRequest,
                pb.RoomMemberListResponse,
            ),
            (
                "RoomMemberPayload",
                f.room_member_payload_rpc,
                unary,
                pb.RoomMemberPayloadRequest,
                pb.RoomMemberPayloadResponse,
            ),
            (
                "MessagePayload",
                f.message_payload_rpc,
                unary,
                pb.MessagePayloadRequest,
                pb.MessagePayloadResponse,
            ),
            (
                "MessageImage",
                f.message_image_rpc,
                unary,
                pb.MessageImageRequest,
                pb.MessageImageResponse,
            ),
            (
                "MessageFile",
                f.message_file_rpc,
                unary,
                pb.MessageFileRequest,
                pb.MessageFileResponse,
            ),
            (
                "MessageSendText",
                f.message_send_text_rpc,
                unary,
                pb.MessageSendTextRequest,
                pb.MessageSendTextResponse,
            ),
            (
                "MessageSendFile",
                f.message_send_file_rpc,
                unary,
                pb.MessageSendFileRequest,
                pb.MessageSendFileResponse,
            ),
        ]
        return {
            f"/wechaty.Puppet/{name}": Handler(func, cardinality, request, reply)
            for name, func, cardinality, request, reply in table
        }
