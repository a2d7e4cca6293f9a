"""One connection to the puppet service, on its own fresh ``Wechaty`` instance.

python-wechaty does not recover from a dropped gateway: ``Wechaty.start`` sleeps 60 s and
recurses on network errors, swallows everything else with ``print``, and the Room and
Contact caches are class-level dicts shared by every instance, so objects bound to a dead
connection outlive it. So a session is disposable: the adapter makes a new one (new
Wechaty, new PuppetService, new gRPC channel, empty caches) after every failure, and a
session's only job is to run until its connection ends and say why.

Within a session we still use the real client for everything on the wire (PuppetService,
Message/Room/Contact ``ready()`` and ``say()``), but listen to the puppet's own events
instead of Wechaty's bridge: the bridge dispatches every message as an independent task
(so two quick messages can reach the core in the wrong order), hides handler errors, and
starts a job scheduler on each login that nothing ever stops. One queue, consumed in
order, keeps "report, then photo, then correction" in the order people wrote them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.adapters.tasks import TASK_GRACE, settle
from bot.adapters.wechat.loader import WechatyLib
from bot.adapters.wechat.mapping import RawMessage
from bot.adapters.wechat.settings import PuppetEndpoint, WechatySettings, duration_text
from bot.messaging.messages import MessageKind

log = logging.getLogger(__name__)

_PUPPET_EVENTS = ("login", "logout", "message", "room-join", "scan", "error")
_IMAGE_ARTWORK = 3  # MessageImage's image type: the original, not a thumbnail


class SessionEnded(Exception):
    """The connection is over; ``reason`` is the one line the operator gets to read."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SessionSink(Protocol):
    """What a session reports to its adapter, in the order things happened."""

    async def logged_in(self, session: WechatySession) -> None: ...

    async def logged_out(self, session: WechatySession, reason: str) -> None: ...

    async def message(self, session: WechatySession, raw: RawMessage) -> None: ...

    async def joined(
        self, session: WechatySession, room_id: str, member_ids: tuple[str, ...],
        member_names: tuple[str, ...],
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class Target:
    """Where a message goes: a room, or a contact for a direct message."""

    id: str
    is_room: bool


class WechatySession:
    def __init__(
        self,
        lib: WechatyLib,
        endpoint: PuppetEndpoint,
        settings: WechatySettings,
        sink: SessionSink,
        *,
        carry_over: list[str] | None = None,
    ) -> None:
        self._lib = lib
        self._endpoint = endpoint
        self._settings = settings
        self._sink = sink
        self._queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._bot: Any = None
        self._puppet: Any = None
        self._tasks: list[asyncio.Task[Any]] = []
        self._send_lock = asyncio.Lock()
        # Clear only while the core handles something: close() lets that finish, but
        # cancels a fetch from a gateway that is gone instead of waiting out its timeout.
        self._core_free = asyncio.Event()
        self._core_free.set()
        self._fetching: str | None = None
        self._closing = False
        self._accepted: list[str | None] = []
        self._self_alias: dict[str, str] = {}
        # Message ids a previous session was told about but could not fetch, and ones that
        # arrive before LOGIN; both are fetched right after login.
        self._carry_over = list(carry_over or [])
        self.unfinished: list[str] = []
        self.self_id: str | None = None
        self.self_name: str | None = None
        self.logged_in = False
        self.ever_logged_in = False
        self.started_at = time.monotonic()

    # -- running ----------------------------------------------------------------------

    async def run(self) -> None:
        """Connect, then serve until the connection ends; always ends with SessionEnded."""
        await self._probe()
        lib = self._lib
        self._bot = lib.Wechaty(lib.WechatyOptions(port=0, puppet_options=lib.PuppetOptions()))
        await self._bot.init_puppet()
        self._isolate_caches(self._bot)
        self._puppet = self._bot.puppet
        for name in _PUPPET_EVENTS:
            self._puppet.on(name, self._enqueuer(name))
        self._tap_sends(self._puppet)
        stream = asyncio.create_task(self._puppet.start(), name="wechaty-event-stream")
        consumer = asyncio.create_task(self._consume(), name="wechaty-consumer")
        watchdog = asyncio.create_task(self._watch(), name="wechaty-watchdog")
        self._tasks = [stream, consumer, watchdog]
        done, _ = await asyncio.wait(self._tasks, return_when=asyncio.FIRST_COMPLETED)
        finished = done.pop()
        if finished is stream and finished.exception() is None:
            raise SessionEnded("the puppet service closed the event stream")
        exc = finished.exception()
        if isinstance(exc, SessionEnded):
            raise exc
        raise SessionEnded(self.describe_error(exc) if exc else "session task ended")

    async def close(self) -> None:
        """Tear everything down; never raises and never hangs for long.

        The consumer is allowed to finish what the core is doing, so the core is never
        cancelled halfway through handling a message; a message still being fetched, and
        events still queued, are handed back as ``unfinished`` for the next session.
        """
        self.logged_in = False
        self._closing = True
        consumer = self._tasks[1] if len(self._tasks) > 1 else None
        for task in self._tasks:
            if task is not consumer:
                task.cancel()
        if consumer is not None and not consumer.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._core_free.wait(), self._settings.send_timeout)
            consumer.cancel()
        await settle(self._tasks, TASK_GRACE, "wechaty session")
        self.unfinished.extend(self._carry_over)
        while not self._queue.empty():
            kind, payload = self._queue.get_nowait()
            if kind == "message":
                self.unfinished.append(payload.message_id)
        puppet, self._puppet = self._puppet, None
        if puppet is None:
            return
        with contextlib.suppress(Exception):
            puppet._event_stream.remove_all_listeners()
        try:
            await asyncio.wait_for(puppet.stop(), timeout=min(self._settings.ping_timeout, 3))
        except Exception as exc:  # a dead gateway cannot answer Stop
            log.debug("wechaty: Stop not acknowledged: %s", exc)
        finally:
            # stop() only closes the channel after Stop succeeded; never leak it.
            channel = getattr(puppet, "channel", None)
            if channel is not None:
                with contextlib.suppress(Exception):
                    channel.close()

    async def _probe(self) -> None:
        """A quick non-blocking TCP check before python-wechaty's blocking telnet probe."""
        host, port = self._endpoint.host, self._endpoint.port
        try:
            _, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port), self._settings.connect_timeout
            )
        except TimeoutError:
            raise SessionEnded(
                f"puppet service {self._endpoint.address} did not accept a connection "
                f"within {duration_text(self._settings.connect_timeout)}"
            ) from None
        except OSError as exc:
            raise SessionEnded(
                f"puppet service {self._endpoint.address} unreachable "
                f"({exc.strerror or exc.__class__.__name__})"
            ) from None
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()

    @staticmethod
    def _isolate_caches(bot: Any) -> None:
        """Give this instance its own Room/Contact caches instead of the library's shared ones.

        ``Room.load``/``Contact.load`` keep class-level pools; the per-instance subclasses
        made by ``init_puppet`` inherit them, so after a reconnect ``Room.load`` would hand
        back a Room bound to the previous, dead puppet.
        """
        for name in ("Contact", "ContactSelf", "Room", "Tag", "Friendship", "RoomInvitation"):
            cls = getattr(bot, name, None)
            if cls is not None and hasattr(cls, "_pool"):
                cls._pool = {}

    def _enqueuer(self, name: str) -> Callable[[Any], None]:
        def put(payload: Any = None) -> None:
            self._queue.put_nowait((name, payload))

        return put

    def _tap_sends(self, puppet: Any) -> None:
        """Note each id the gateway returns for a send, so a later failure is not a resend.

        ``say()`` sends, then reloads the sent message by id. If the reload fails the
        message is already out; reporting failure would make the outbox send it twice.
        """
        for name in ("message_send_text", "message_send_file"):
            original: Callable[..., Awaitable[Any]] = getattr(puppet, name)

            async def tapped(
                *args: Any, _original: Callable[..., Awaitable[Any]] = original, **kwargs: Any
            ) -> Any:
                message_id = await _original(*args, **kwargs)
                self._accepted.append(message_id)
                return message_id

            setattr(puppet, name, tapped)

    # -- the ordered event consumer ---------------------------------------------------

    async def _consume(self) -> None:
        while True:
            kind, payload = await self._queue.get()
            if self._closing:
                if kind == "message":
                    self.unfinished.append(payload.message_id)
                continue
            self._fetching = payload.message_id if kind == "message" else None
            try:
                await self._handle(kind, payload)
            except asyncio.CancelledError:
                self._carry_fetching()
                raise
            except (OSError, TimeoutError, self._lib.StreamTerminatedError) as exc:
                self._carry_fetching()
                raise SessionEnded(self.describe_error(exc)) from exc
            except SessionEnded:
                raise
            except Exception as exc:
                ident = getattr(payload, "message_id", "") or getattr(payload, "room_id", "")
                log.warning("wechaty: could not handle %s %s: %s", kind, ident, exc)

    def _carry_fetching(self) -> None:
        """The message the core never got goes to the next session."""
        if self._fetching is not None:
            self.unfinished.append(self._fetching)
            self._fetching = None

    async def _in_core(self, step: Awaitable[None]) -> None:
        self._core_free.clear()
        try:
            await step
        finally:
            self._core_free.set()

    async def _handle(self, kind: str, payload: Any) -> None:
        if kind == "login":
            await self._on_login(payload.contact_id)
        elif kind == "logout":
            self.logged_in = False
            reason = str(getattr(payload, "data", "") or "logged out")
            await self._in_core(self._sink.logged_out(self, reason))
        elif kind == "message":
            if not self.logged_in:
                self._carry_over.append(payload.message_id)  # held until LOGIN
                return
            raw = await self._fetch_message(payload.message_id)
            self._fetching = None
            if raw is not None:
                await self._in_core(self._sink.message(self, raw))
        elif kind == "room-join":
            await self._on_join(payload)
        elif kind == "scan":
            qrcode = getattr(payload, "qrcode", None) or ""
            log.warning(
                "wechaty: the WeChat account is not logged in on the gateway (scan status %s)%s",
                getattr(getattr(payload, "status", None), "name", "?"),
                f"; scan https://wechaty.js.org/qrcode/{qrcode}" if qrcode else "",
            )
        elif kind == "error" and payload:
            log.warning("wechaty: the puppet service reported an error: %s", payload)

    async def _on_login(self, contact_id: str) -> None:
        me = self._bot.ContactSelf.load(contact_id)
        await asyncio.wait_for(me.ready(), self._settings.send_timeout)
        self.self_id = contact_id
        self.self_name = me.name or None
        self.logged_in = True
        self.ever_logged_in = True
        await self._in_core(self._sink.logged_in(self))
        pending, self._carry_over = self._carry_over, []
        for message_id in pending:
            self._queue.put_nowait(("message", _Carried(message_id)))

    async def _fetch_message(self, message_id: str) -> RawMessage | None:
        """Load a message and what the core needs about it; None for ones to skip."""
        msg = self._bot.Message.load(message_id)
        await asyncio.wait_for(msg.ready(), self._settings.send_timeout)
        payload = msg.payload
        sender_id = payload.from_id or ""
        if not sender_id or sender_id == self.self_id:
            return None
        kind = self._kind(msg.type())
        room_id = payload.room_id or None
        talker = msg.talker()
        if room_id is None and self._is_official(talker):
            return None
        sender_name = talker.name or None
        if room_id is not None:
            sender_name = await self._room_alias(room_id, talker) or sender_name
        if kind is None:
            log.debug("wechaty: skipping %s message %s", msg.type(), message_id)
        return RawMessage(
            message_id=message_id,
            kind=kind,
            text=payload.text or "",
            sender_id=sender_id,
            sender_name=sender_name,
            room_id=room_id,
            mention_ids=tuple(payload.mention_ids or ()),
            filename=payload.filename or "",
        )

    def _kind(self, message_type: Any) -> MessageKind | None:
        types = self._lib.MessageType
        return {
            types.MESSAGE_TYPE_TEXT: MessageKind.TEXT,
            types.MESSAGE_TYPE_IMAGE: MessageKind.IMAGE,
            types.MESSAGE_TYPE_ATTACHMENT: MessageKind.FILE,
        }.get(message_type)

    def _is_official(self, contact: Any) -> bool:
        try:
            return bool(contact.type() == self._lib.ContactType.CONTACT_TYPE_OFFICIAL)
        except Exception:
            return False

    async def _room_alias(self, room_id: str, contact: Any) -> str | None:
        """The member's group nickname (群昵称), which is what people see in that group."""
        room = self._bot.Room.load(room_id)
        try:
            return await asyncio.wait_for(room.alias(contact), self._settings.send_timeout) or None
        except (OSError, TimeoutError, self._lib.StreamTerminatedError):
            raise
        except Exception:
            return None

    async def bot_names_in(self, room_id: str) -> tuple[str, ...]:
        """The names people @ the bot by in this room: its own name and its nickname there."""
        names = [self.self_name or ""]
        if room_id not in self._self_alias and self.self_id:
            me = self._bot.Contact.load(self.self_id)
            with contextlib.suppress(Exception):
                await me.ready()
            self._self_alias[room_id] = await self._room_alias(room_id, me) or ""
        names.append(self._self_alias.get(room_id, ""))
        return tuple(n for n in names if n)

    async def _on_join(self, payload: Any) -> None:
        room_id = payload.room_id or ""
        ids = tuple(i for i in (payload.invited_ids or []) if i)
        names: list[str] = []
        for contact_id in ids:
            name = ""
            with contextlib.suppress(Exception):
                contact = self._bot.Contact.load(contact_id)
                await asyncio.wait_for(contact.ready(), self._settings.send_timeout)
                name = await self._room_alias(room_id, contact) or contact.name
            names.append(name)
        await self._in_core(self._sink.joined(self, room_id, ids, tuple(names)))

    async def room_topic(self, room_id: str) -> str:
        with contextlib.suppress(Exception):
            room = self._bot.Room.load(room_id)
            await asyncio.wait_for(room.ready(), self._settings.send_timeout)
            return str(room.payload.topic or "")
        return ""

    # -- liveness ---------------------------------------------------------------------

    async def _watch(self) -> None:
        """Ding the gateway every ping_interval; no answer within ping_timeout = stalled."""
        settings = self._settings
        # not `while True`: a cancellation lost by Python 3.11 (see bot.adapters.tasks)
        # must not keep it pinging after close
        while not self._closing:
            await asyncio.sleep(settings.ping_interval)
            try:
                await asyncio.wait_for(self._puppet.ding("gridbot"), settings.ping_timeout)
            except TimeoutError:
                raise SessionEnded(
                    f"the puppet service stopped answering (no reply to a ping within "
                    f"{duration_text(settings.ping_timeout)})"
                ) from None
            except self._lib.GRPCError as exc:
                if exc.status == self._lib.Status.UNAVAILABLE:
                    raise SessionEnded(self.describe_error(exc)) from exc
                # Any other answer (even UNIMPLEMENTED) proves the gateway is alive.
            except (OSError, self._lib.StreamTerminatedError) as exc:
                raise SessionEnded(self.describe_error(exc)) from exc
            except Exception as exc:
                # Not started yet (no stub): fine while the connect budget lasts.
                if time.monotonic() - self.started_at > settings.connect_timeout:
                    raise SessionEnded(f"the puppet service did not start: {exc}") from exc

    # -- photos -----------------------------------------------------------------------

    async def image(self, message_id: str, timeout: float) -> str:
        """The FileBox JSON the gateway answers MessageImage with (the full-size image)."""
        puppet = self._puppet
        if puppet is None or not self.logged_in:
            raise SessionEnded("not connected to the puppet service")
        response = await asyncio.wait_for(
            puppet.puppet_stub.message_image(id=message_id, type=_IMAGE_ARTWORK), timeout
        )
        return str(response.filebox or "")

    # -- sending ----------------------------------------------------------------------

    async def deliver(
        self, target: Target, *, text: str = "", mentions: tuple[str, ...] = (),
        file_path: str | None = None,
    ) -> str | None:
        """Send one text or one file; returns the platform id once the gateway accepted it.

        If anything fails after the gateway accepted the message (the reload ``say()``
        does), it still counts as sent: that is what keeps the outbox from resending.
        """
        async with self._send_lock:
            self._accepted.clear()
            try:
                return await asyncio.wait_for(
                    self._say(target, text, mentions, file_path), self._settings.send_timeout
                )
            except Exception as exc:
                if self._accepted:
                    log.warning(
                        "wechaty: message %s was accepted by the gateway, then: %s",
                        self._accepted[-1], self.describe_error(exc),
                    )
                    return self._accepted[-1]
                raise

    async def _say(
        self, target: Target, text: str, mentions: tuple[str, ...], file_path: str | None
    ) -> str | None:
        if target.is_room:
            speaker = self._bot.Room.load(target.id)
        else:
            speaker = self._bot.Contact.load(target.id)
        await speaker.ready()
        if file_path is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # FileBox uses logger.warn
                box = self._lib.FileBox.from_file(file_path)
            sent = await speaker.say(box)
        elif target.is_room:
            sent = await speaker.say(text, mention_ids=list(mentions) or None)
        else:
            sent = await speaker.say(text)
        if sent is not None:
            return str(sent.message_id)
        return self._accepted[-1] if self._accepted else None

    # -- errors -----------------------------------------------------------------------

    def describe_error(self, exc: BaseException | None) -> str:
        """One line an operator can act on, for any failure the client can raise."""
        if exc is None:
            return "unknown error"
        lib = self._lib
        address = self._endpoint.address
        if isinstance(exc, SessionEnded):
            return exc.reason
        if isinstance(exc, lib.StreamTerminatedError):
            return f"connection to the puppet service {address} was cut ({exc})"
        if isinstance(exc, lib.GRPCError):
            status = getattr(exc.status, "name", exc.status)
            if exc.status in (lib.Status.UNAUTHENTICATED, lib.Status.PERMISSION_DENIED):
                return f"the puppet service refused the token ({status}: {exc.message})"
            return f"the puppet service answered {status}: {exc.message}"
        if isinstance(exc, TimeoutError):
            return f"the puppet service {address} did not answer in time"
        if isinstance(exc, ConnectionError | OSError):
            return f"puppet service {address} unreachable ({exc.strerror or exc})"
        return f"{exc.__class__.__name__}: {exc}"


@dataclass(frozen=True, slots=True)
class _Carried:
    """A message event carried over from a session that ended before fetching it."""

    message_id: str
