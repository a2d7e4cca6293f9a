"""The WeChat adapter: supervision, group filtering, sending, and the health line.

A community's bot has to survive gateway restarts, expired tokens and flaky networks
without anyone watching. The adapter therefore never lets an error escape its loop: each
failure becomes one log line that says what to fix, a backoff, and a brand-new session.
While it is down, ``send`` refuses with a transient SendFailed so the outbox keeps the
message; ``send`` only reports success once the gateway accepted the message, so nothing
is sent twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import random
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.adapters.tasks import TASK_GRACE, settle
from bot.adapters.wechat.loader import WechatyLib, load_wechaty
from bot.adapters.wechat.mapping import PLATFORM, RawMessage, filebox_image, to_incoming
from bot.adapters.wechat.session import SessionEnded, Target, WechatySession
from bot.adapters.wechat.settings import (
    EnvironmentProblem,
    WechatySettings,
    duration_text,
    read_endpoint,
)
from bot.config import Config
from bot.messaging.adapter import Inbound, SendFailed
from bot.messaging.messages import (
    Connected,
    InboundEvent,
    IncomingMessage,
    Media,
    MemberJoined,
    MessageKind,
    OutgoingMessage,
    SentMessage,
    dm_user,
)
from bot.runtime.clock import Clock
from bot.runtime.media import DOWNLOAD_TIMEOUT, Downloads, MediaRefused, http_get

log = logging.getLogger(__name__)

_CARRY_LIMIT = 200
_WELCOMED_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class WechatHealth:
    """A snapshot for the status line, ``gridbot run`` and tests.

    ``state`` is one of: stopped, connecting, waiting-login, connected, disconnected.
    ``since`` is when the current state began.
    """

    state: str
    account_name: str | None
    account_id: str | None
    since: datetime | None
    reconnects: int
    received: int
    sent: int
    last_error: str | None

    @property
    def connected(self) -> bool:
        return self.state == "connected"

    def line(self, now: datetime) -> str:
        held = duration_text((now - self.since).total_seconds()) if self.since else "?"
        if self.connected:
            return (
                f"wechaty: status connected as {self.account_name or '?'} "
                f"({self.account_id}) for {held}; {self.received} in, {self.sent} out "
                f"since start; {self.reconnects} reconnect(s)"
            )
        detail = f"; last error: {self.last_error}" if self.last_error else ""
        return f"wechaty: status {self.state.upper()} for {held}{detail}"


class WechatAdapter:
    """GridBot on real WeChat groups through python-wechaty and a puppet service gateway."""

    platform = PLATFORM

    def __init__(
        self,
        config: Config,
        clock: Clock,
        settings: WechatySettings,
        *,
        loader: Callable[[str, str], WechatyLib] = load_wechaty,
        rng: random.Random | None = None,
    ) -> None:
        self._config = config
        self._clock = clock
        self._settings = settings
        self._loader = loader
        self._rng = rng or random.Random()
        self._lib: WechatyLib | None = None
        self._inbound: Inbound | None = None
        self._session: WechatySession | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._connected = asyncio.Event()
        self._state = "stopped"
        self._state_since: datetime | None = None
        self._last_error: str | None = None
        self._down_since: datetime | None = None
        self._account: tuple[str | None, str | None] = (None, None)
        self._reconnects = 0
        self._received = 0
        self._sent = 0
        self._carry_over: list[str] = []
        self._ignored_rooms: set[str] = set()
        self._known_users: set[str] = set()
        self._welcomed: set[tuple[str, str]] = set()
        self._files_sent: dict[OutgoingMessage, str | None] = {}
        self.downloads = Downloads()  # photos being fetched after their message was handled

    # -- Adapter protocol -------------------------------------------------------------

    async def start(self, inbound: Inbound) -> None:
        """Import the client and start supervising; returns at once, connected or not."""
        if self._tasks:
            raise RuntimeError("the wechaty adapter is already started")
        self._lib = self._loader(self._settings.cache_dir, self._settings.library_log_level)
        self._inbound = inbound
        self._stopping.clear()
        self._set_state("connecting")
        try:
            where = read_endpoint().describe()
        except EnvironmentProblem:
            where = "not configured"
        log.info(
            "wechaty: starting (python-wechaty %s); puppet service %s; serving %d configured "
            "group(s)",
            self._lib.version, where, len(self._served_groups()),
        )
        self._tasks = [asyncio.create_task(self._supervise(), name="wechaty-supervisor")]
        if self._settings.status_interval > 0:
            self._tasks.append(asyncio.create_task(self._report_status(), name="wechaty-status"))

    async def stop(self) -> None:
        self._stopping.set()
        for task in self._tasks:
            task.cancel()
        # the supervisor closes its session on the way out: the event in hand (up to
        # send_timeout), the session's tasks (TASK_GRACE) and the gateway's Stop (3 s)
        grace = self._settings.send_timeout + 2 * TASK_GRACE
        await settle(self._tasks, grace, "wechaty adapter")
        self._tasks = []
        await self.downloads.close()
        session, self._session = self._session, None
        if session is not None:
            await session.close()
        self._connected.clear()
        if self._state != "stopped":
            self._set_state("stopped")
            log.info("wechaty: stopped")

    def owns(self, chat: str) -> bool:
        """Configured groups for this platform, and people this adapter can reach directly."""
        user = dm_user(chat)
        if user is not None:
            known = user in self._known_users or self._config.person(user) is not None
            return bool(user) and known
        return self._serves(chat)

    async def send(self, message: OutgoingMessage) -> SentMessage:
        target = self._target(message.chat)
        session = self._session
        if session is None or not session.logged_in:
            raise SendFailed(f"wechaty: not connected ({self._state})", permanent=False)
        file_path = self._attachment(message)
        text = room_text(message) if target.is_room else message.text
        if file_path is None and not text.strip():
            raise SendFailed("wechaty: nothing to send (empty text, no attachment)", permanent=True)
        try:
            file_id: str | None = None
            if file_path is not None:
                if message in self._files_sent:
                    file_id = self._files_sent[message]
                else:
                    file_id = await session.deliver(target, file_path=file_path)
                    self._files_sent[message] = file_id
            text_id: str | None = None
            if text.strip():
                text_id = await session.deliver(
                    target, text=text, mentions=message.mentions if target.is_room else ()
                )
        except Exception as exc:
            failure = self._send_failure(session, exc)
            if failure.permanent:
                self._files_sent.pop(message, None)
            log.warning(
                "wechaty: send to %s failed (%s)%s",
                message.chat, str(failure).removeprefix("wechaty: "),
                "; giving up on it" if failure.permanent else "; the outbox will retry",
            )
            raise failure from exc
        self._files_sent.pop(message, None)
        self._sent += 1
        return SentMessage(platform_message_id=text_id or file_id)

    # -- extras for the App and tests -------------------------------------------------

    def health(self) -> WechatHealth:
        name, ident = self._account
        return WechatHealth(
            state=self._state,
            account_name=name,
            account_id=ident,
            since=self._state_since,
            reconnects=self._reconnects,
            received=self._received,
            sent=self._sent,
            last_error=self._last_error,
        )

    async def wait_connected(self, timeout: float) -> None:
        """Until logged in on the gateway; raises TimeoutError otherwise."""
        await asyncio.wait_for(self._connected.wait(), timeout)

    # -- supervision ------------------------------------------------------------------

    async def _supervise(self) -> None:
        assert self._lib is not None
        failures = 0
        while not self._stopping.is_set():
            session: WechatySession | None = None
            try:
                endpoint = read_endpoint()
                session = WechatySession(
                    self._lib, endpoint, self._settings, self, carry_over=self._carry_over
                )
                self._carry_over = []
                self._session = session
                await session.run()
                reason = "the session ended"
            except (EnvironmentProblem, SessionEnded) as exc:
                reason = str(exc)
            except Exception as exc:  # the loop must survive anything
                reason = session.describe_error(exc) if session else f"{exc!r}"
            finally:
                self._session = None
                self._connected.clear()
                if session is not None:
                    await session.close()
                    self._carry_over = (self._carry_over + session.unfinished)[-_CARRY_LIMIT:]
            if self._stopping.is_set():
                return
            if session is not None and session.ever_logged_in:
                failures = 0
            failures += 1
            delay = self._backoff(failures)
            self._went_down(reason, delay, was_up=bool(session and session.ever_logged_in))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)

    def _backoff(self, failures: int) -> float:
        low, high = self._settings.reconnect_min, self._settings.reconnect_max
        delay = min(high, low * 2 ** min(failures - 1, 30))
        return delay * self._rng.uniform(0.8, 1.0)

    def _went_down(self, reason: str, delay: float, *, was_up: bool) -> None:
        """One line per new problem; the same problem again only at debug level."""
        if self._state != "disconnected":
            self._set_state("disconnected")
        if was_up:
            self._down_since = self._clock.now()
            log.warning(
                "wechaty: connection lost (%s); reconnecting in %s with a fresh client",
                reason, duration_text(delay),
            )
        elif reason != self._last_error:
            log.error("wechaty: cannot connect: %s; retrying in %s", reason, duration_text(delay))
        else:
            log.debug("wechaty: still cannot connect: %s; retrying in %s", reason, delay)
        self._last_error = reason

    async def _report_status(self) -> None:
        while True:
            await asyncio.sleep(self._settings.status_interval)
            log.info(self.status_line())

    def status_line(self) -> str:
        """The periodic status line: the connection, then the core's inbound figures
        (messages waiting for retry, dead letters) when the core is an App."""
        line = self.health().line(self._clock.now())
        core = getattr(self._inbound, "__self__", None)  # App.handle_event's App
        inbound_status = getattr(core, "inbound_status", None)
        return f"{line}; {inbound_status()}" if callable(inbound_status) else line

    def _set_state(self, state: str) -> None:
        self._state = state
        self._state_since = self._clock.now()

    # -- session callbacks (SessionSink) ----------------------------------------------

    async def logged_in(self, session: WechatySession) -> None:
        self._account = (session.self_name, session.self_id)
        if session.self_id:
            self._known_users.discard(session.self_id)
        back = ""
        if self._down_since is not None:
            self._reconnects += 1
            down = (self._clock.now() - self._down_since).total_seconds()
            back = f"; back after {duration_text(down)}"
        elif self._last_error is not None:
            back = f"; recovered from: {self._last_error}"
        self._down_since = None
        self._last_error = None
        self._set_state("connected")
        self._connected.set()
        log.info(
            "wechaty: connected as %s (%s) via %s; serving %d configured group(s)%s",
            session.self_name or "?", session.self_id,
            read_endpoint_address(), len(self._served_groups()), back,
        )
        await self._deliver(Connected(PLATFORM, self._clock.now()))

    async def logged_out(self, session: WechatySession, reason: str) -> None:
        self._connected.clear()
        self._set_state("waiting-login")
        self._last_error = f"the WeChat account logged out ({reason})"
        log.error(
            "wechaty: the WeChat account %s logged out (%s); log it in again on the gateway. "
            "Replies wait in the outbox meanwhile", session.self_name or session.self_id, reason,
        )

    async def message(self, session: WechatySession, raw: RawMessage) -> None:
        if raw.kind is None or session.self_id is None:
            return
        chat_name: str | None = None
        if raw.room_id is not None and not await self._check_room(session, raw.room_id):
            if self._config.group(raw.room_id) is not None:
                return  # listed, but served through another platform
            # Unlisted: the core notes the id for `gridbot seen` (never the text) and
            # answers only a private 我的ID / 本群ID.
            chat_name = await session.room_topic(raw.room_id) or None
        self._known_users.add(raw.sender_id)
        names = [*self._config.bot_names, session.self_name or ""]
        if raw.room_id is not None and "@" in raw.text:
            names.extend(await session.bot_names_in(raw.room_id))
        incoming = to_incoming(
            raw, self_id=session.self_id, bot_names=names, at=self._clock.now()
        )
        if chat_name:
            incoming = dataclasses.replace(incoming, chat_name=chat_name)
        if incoming.kind is MessageKind.IMAGE:
            photo = _PuppetPhoto(self, raw.message_id)
            incoming = dataclasses.replace(incoming, media=Media(source=photo))
        self._received += 1
        await self._deliver(incoming)

    async def joined(
        self, session: WechatySession, room_id: str, member_ids: tuple[str, ...],
        member_names: tuple[str, ...],
    ) -> None:
        if session.self_id in member_ids:
            topic = await session.room_topic(room_id)
            log.info(
                "wechaty: the bot was added to group %r (%s)%s", topic, room_id,
                "" if self._serves(room_id) else "; it is not in [[groups]], so it stays silent",
            )
            self._ignored_rooms.add(room_id)
            return
        if not member_ids or not await self._check_room(session, room_id):
            return
        self._known_users.update(member_ids)
        fresh = self._newcomers(room_id, member_ids)
        await self._deliver(
            MemberJoined(
                platform=PLATFORM,
                chat_id=room_id,
                member_ids=member_ids,
                at=self._clock.now(),
                member_names=member_names,
                welcome=self._settings.welcome if fresh else "",
                welcome_ids=fresh,
            )
        )

    def _newcomers(self, room_id: str, member_ids: tuple[str, ...]) -> tuple[str, ...]:
        """Members not welcomed in this group before (a gateway may repeat a join event);
        none at all when no welcome is configured."""
        if not self._settings.welcome:
            return ()
        fresh = tuple(m for m in member_ids if (room_id, m) not in self._welcomed)
        if len(self._welcomed) > _WELCOMED_LIMIT:
            self._welcomed.clear()
        self._welcomed.update((room_id, m) for m in fresh)
        return fresh

    async def _deliver(self, event: InboundEvent) -> None:
        """Hand an event to the core, in order. The core keeps a message it fails on and
        retries it (``App.handle_event`` returns None then), so an exception here comes
        from outside that (e.g. while stopping): logged with the text, never silently."""
        assert self._inbound is not None
        try:
            await self._inbound(event)
        except Exception:
            text = f": {event.text!r}" if isinstance(event, IncomingMessage) else ""
            log.error(
                "wechaty: the core failed on inbound %s; it was NOT handled%s",
                _describe(event), text, exc_info=True,
            )

    async def image_bytes(self, message_id: str, limit: int) -> bytes:
        """A photo someone sent, from the gateway (inline, or from the link it gives)."""
        session = self._session
        if session is None:
            raise MediaRefused(f"not connected to the gateway ({self._state})")
        box = filebox_image(await session.image(message_id, DOWNLOAD_TIMEOUT), limit)
        return box if isinstance(box, bytes) else await http_get(None, box, limit)

    # -- groups and addresses ---------------------------------------------------------

    def _serves(self, room_id: str) -> bool:
        group = self._config.group(room_id)
        return group is not None and group.platform in (None, PLATFORM)

    def _served_groups(self) -> list[str]:
        return [g.id for g in self._config.directory.groups if g.platform in (None, PLATFORM)]

    async def _check_room(self, session: WechatySession, room_id: str) -> bool:
        """Configured groups only; anything else is logged once, so admins can add it."""
        if self._serves(room_id):
            return True
        if room_id not in self._ignored_rooms:
            self._ignored_rooms.add(room_id)
            topic = await session.room_topic(room_id)
            log.info(
                "wechaty: ignoring group %r (id %s): not in [[groups]] of the config; "
                "add it there to serve it (`gridbot seen` lists such groups)", topic, room_id,
            )
        return False

    def _target(self, chat: str) -> Target:
        user = dm_user(chat)
        if user is not None:
            if not user:
                raise SendFailed(f"wechaty: {chat!r} names no user", permanent=True)
            return Target(user, is_room=False)
        if not chat:
            raise SendFailed("wechaty: empty chat id", permanent=True)
        return Target(chat, is_room=True)

    def _attachment(self, message: OutgoingMessage) -> str | None:
        """The file to send, or None to send the text alone (the documented fallback)."""
        if message.kind is MessageKind.TEXT or not message.attachment:
            return None
        if not os.path.isfile(message.attachment):
            log.warning(
                "wechaty: attachment %s is missing; sending the text only", message.attachment
            )
            return None
        return message.attachment

    def _send_failure(self, session: WechatySession, exc: Exception) -> SendFailed:
        if isinstance(exc, SendFailed):
            return exc
        lib = self._lib
        assert lib is not None
        permanent_codes = (
            lib.Status.INVALID_ARGUMENT, lib.Status.NOT_FOUND, lib.Status.UNIMPLEMENTED,
        )
        permanent = isinstance(exc, lib.GRPCError) and exc.status in permanent_codes
        return SendFailed(f"wechaty: {session.describe_error(exc)}", permanent=permanent)


class _PuppetPhoto:
    """A WeChat photo's way to its bytes (``MediaSource``): asked of the gateway once the
    message was handled, in the adapter's background downloads."""

    def __init__(self, adapter: WechatAdapter, message_id: str) -> None:
        self._adapter = adapter
        self._message_id = message_id

    async def fetch(self, limit: int) -> bytes:
        return await self._adapter.image_bytes(self._message_id, limit)

    def later(self, work: Coroutine[Any, Any, None]) -> None:
        self._adapter.downloads.later(work)


def read_endpoint_address() -> str:
    try:
        return read_endpoint().address
    except EnvironmentProblem:
        return "?"


_MENTION = "\x00"


def room_text(message: OutgoingMessage) -> str:
    """Room.say() puts "@name" in front for every mention id itself, so the mentions in
    the message's parts are left out here (with the space after each); otherwise each
    mention would show twice."""
    text = message.render(lambda _mention: _MENTION)
    return text.replace(f"{_MENTION} ", "").replace(_MENTION, "").strip()


def _describe(event: InboundEvent) -> str:
    if isinstance(event, IncomingMessage):
        return f"message {event.message_id}"
    if isinstance(event, MemberJoined):
        return f"join in {event.chat_id}"
    return "reconnect"
