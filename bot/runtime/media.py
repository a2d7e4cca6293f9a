"""Photos kept as files: a ticket's photo is downloaded after its message was handled.

The handler records the attachment with what the platform gave (its message id, WeCom's
link) in the message's own transaction; only once that committed does the adapter's
background task fetch the bytes (``Media.source``), check them and write them to the media
folder, and then note the file's name on the attachment. A slow or failing download so
never holds up a chat, and a failure costs one log line and no file: the ticket keeps the
id and the link.

Where the files go (``media_folder``): ``$GRIDBOT_MEDIA_DIR`` when set; else, for SQLite,
``media/`` next to the database file; for PostgreSQL, ``media/`` next to the config file
(or the working directory when the config is not a file). Names are made here from the
ticket and the attachment's number (``12-1.jpg``), never from anything a user sent.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Coroutine, Mapping
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.messaging.messages import MediaSource
from storage.repo import Store

log = logging.getLogger(__name__)

MEDIA_DIR_ENV = "GRIDBOT_MEDIA_DIR"
MAX_BYTES = 20 * 1024 * 1024  # a phone photo is a few MB; anything bigger is not one
DOWNLOAD_TIMEOUT = 60.0
_RECORD_TRIES = 3


class MediaRefused(Exception):
    """The platform's answer is not a photo the bot keeps (too big, not an image, an error
    status); the message says which, for the one log line."""


def image_extension(data: bytes) -> str | None:
    """The file extension for an image, told by its first bytes (never by a name or a
    declared type); None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return ".gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return ".heic"
    return None


def media_folder(
    db_url: str | URL, config_source: str, env: Mapping[str, str] | None = None
) -> Path | None:
    """Where photo files go (see the module's docstring); None for an in-memory SQLite
    database (the demo), which keeps no files."""
    env = os.environ if env is None else env
    if env.get(MEDIA_DIR_ENV):
        return Path(env[MEDIA_DIR_ENV])
    url = make_url(db_url) if isinstance(db_url, str) else db_url
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if not database or database == ":memory:" or database.startswith("file::memory:"):
            return None
        return Path(database).resolve().parent / "media"
    config = Path(config_source)
    return (config.resolve().parent if config.is_file() else Path.cwd()) / "media"


def fetch_after_commit(
    session: AsyncSession,
    source: MediaSource,
    *,
    ticket_id: int,
    number: int,
    media_id: str,
    config_source: str,
) -> bool:
    """Download attachment ``number`` of ticket ``ticket_id`` once ``session`` committed
    (not at all if it rolls back); False when there is nowhere to keep files."""
    engine = session.bind
    if not isinstance(engine, AsyncEngine):
        return False
    folder = media_folder(engine.url, config_source)
    if folder is None:
        return False

    def committed(_session: object) -> None:
        source.later(keep(engine, source, folder, ticket_id, number, media_id))

    event.listen(session.sync_session, "after_commit", committed, once=True)
    return True


async def keep(
    engine: AsyncEngine,
    source: MediaSource,
    folder: Path,
    ticket_id: int,
    number: int,
    media_id: str,
) -> None:
    """Fetch, check, write, note: the background half. Never raises (but for being
    cancelled): whatever goes wrong is one log line."""
    try:
        data = await source.fetch(MAX_BYTES)
        if len(data) > MAX_BYTES:
            raise MediaRefused(f"{len(data)} bytes, over the {MAX_BYTES} limit")
        extension = image_extension(data)
        if extension is None:
            raise MediaRefused("not an image (by its first bytes)")
        name = f"{ticket_id}-{number}{extension}"
        await asyncio.to_thread(_write, folder, name, data)
        if not await _note_file(engine, ticket_id, number, media_id, name):
            await asyncio.to_thread(lambda: (folder / name).unlink(missing_ok=True))
            raise MediaRefused("the attachment is no longer on the ticket")
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.warning(
            "photos: photo %d of ticket #%d not downloaded (%s); the ticket keeps the "
            "platform's id and link", number, ticket_id, _describe(exc),
        )
        return
    log.info("photos: photo %d of ticket #%d kept as %s", number, ticket_id, folder / name)


def _write(folder: Path, name: str, data: bytes) -> None:
    """Whole or not at all: a reader never finds half a photo."""
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{name}.part"
    partial.write_bytes(data)
    os.replace(partial, folder / name)


async def _note_file(
    engine: AsyncEngine, ticket_id: int, number: int, media_id: str, name: str
) -> bool:
    """Write the file's name on the attachment (only if it is still the one the photo came
    for). Its own short transaction, retried when SQLite is busy with the chat's next
    message."""
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    for attempt in range(_RECORD_TRIES):
        try:
            async with sessions() as session, session.begin():
                ticket = await Store(session).ticket(ticket_id, lock=True)
                if ticket is None:
                    return False
                entries = list(ticket.attachments or [])
                if not 0 < number <= len(entries) or entries[number - 1].get("media") != media_id:
                    return False
                entries[number - 1] = {**entries[number - 1], "file": name}
                ticket.attachments = entries  # a new list: the JSON column is saved
            return True
        except OperationalError:
            if attempt == _RECORD_TRIES - 1:
                raise
            await asyncio.sleep(0.2 * (attempt + 1))
    return False


async def http_get(
    session: aiohttp.ClientSession | None,
    url: str,
    limit: int,
    *,
    timeout: float = DOWNLOAD_TIMEOUT,
) -> bytes:
    """GET ``url``, refusing more than ``limit`` bytes before reading them all."""
    if not url.startswith(("https://", "http://")):
        raise MediaRefused("not an http(s) link")
    own = session is None
    client = aiohttp.ClientSession() if session is None else session
    try:
        async with client.get(url, timeout=aiohttp.ClientTimeout(total=timeout)) as response:
            if response.status != 200:
                raise MediaRefused(f"HTTP {response.status}")
            if response.content_length is not None and response.content_length > limit:
                raise MediaRefused(f"{response.content_length} bytes, over the {limit} limit")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.content.iter_chunked(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise MediaRefused(f"over the {limit} byte limit")
                chunks.append(chunk)
            return b"".join(chunks)
    finally:
        if own:
            await client.close()


class Downloads:
    """The background photo downloads of one adapter: started with ``later``, waited for
    (briefly) and then cancelled on ``close``, so none outlives the adapter."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def later(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work, name="gridbot-photo")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Until every download started so far is done (tests, and ``close``)."""
        while self._tasks:
            await asyncio.wait(list(self._tasks))

    async def close(self, grace: float = 5.0) -> None:
        if not self._tasks:
            return
        with_time = asyncio.wait_for(self.idle(), grace)
        try:
            await with_time
        except TimeoutError:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, MediaRefused):
        return str(exc)
    if isinstance(exc, TimeoutError):
        return "timed out"
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
