"""The office console: an aiohttp application on the bot's own database and code paths.

``create_console`` builds the application; ``serve_console`` runs it until stopped
(``gridbot web``), and ``start_console`` starts it next to the bot (``gridbot run`` with
``[web] enabled``). Changes made on a page go through the same functions as the chat
(``bot.runtime.actions``), in one transaction with their ticket event, their outbox
messages and an audit row; ``on_change`` (the running bot's ``flush``) sends the messages
at once. With the console alone the messages wait in the outbox for ``gridbot run``.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from aiohttp import web
from aiohttp_session import get_session, session_middleware
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet
from sqlalchemy import select

from bot.config import Config
from bot.domain import directory
from bot.domain import shifts as standing
from bot.domain.lifecycle import HAND_UP_LABELS, OPEN_STATUSES, STATUS_LABELS, Status
from bot.domain.roster import DAY_KIND_LABELS, DAY_SET_LABELS, WEEKDAY_LABELS, load_roster
from bot.domain.taxonomy import CATEGORIES, category_label
from bot.domain.tickets import Tickets
from bot.messaging.phrases import ATTACHMENT_LABELS
from bot.messaging.privacy import redact
from bot.reporting.charts import WeeklyChartData, render_weekly_chart
from bot.reporting.periods import WEEKDAYS, PeriodError, days_period, parse_period
from bot.reporting.stats import Figures, Scope, Stats, limits_from_config
from bot.runtime import actions, duty_changes
from bot.runtime.clock import Clock
from bot.runtime.media import media_folder
from bot.runtime.outbox import queue
from bot.vocabulary import HandUpLevel
from bot.web import accounts, auth, security
from bot.web import directory as directory_pages
from bot.web.listing import (
    PERIOD_CHOICES,
    STATUS_FILTERS,
    TicketFilter,
    ticket_count,
    ticket_page,
)
from bot.web.scope import Viewer
from bot.web.timeline import describe
from storage.db import Database, lock_schema
from storage.directory import DirectoryStore
from storage.models import InboundMessageRow, TicketRow, WebAuditRow
from storage.repo import Store
from storage.web import WebStore

HERE = Path(__file__).resolve().parent
NOTE_LIMIT = 1000
REASON_LIMIT = 200
CHART_MAX_DAYS = 62
PUBLIC = ("/login", "/static/")

OnChange = Callable[[], Awaitable[None]]

CONFIG_KEY = web.AppKey("config", Config)
DB_KEY = web.AppKey("db", Database)
CLOCK_KEY = web.AppKey("clock", Clock)
ON_CHANGE_KEY = web.AppKey("on_change", object)
JINJA_KEY = web.AppKey("jinja", jinja2.Environment)
VIEWER = web.RequestKey("viewer", Viewer)
CSRF = web.RequestKey("csrf", str)


# --- building and serving -------------------------------------------------------------


async def create_console(
    config: Config,
    db: Database,
    clock: Clock,
    *,
    secure_cookie: bool = True,
    on_change: OnChange | None = None,
) -> web.Application:
    """The console application; the database schema must be up to date. On a database
    the bot has never run on, the config's directory is stored first (as the bot would)."""
    async with db.transaction() as session:
        key = await WebStore(session).key(
            security.KEY_NAME, security.new_cookie_key(), clock.now()
        )
    async with db.transaction() as session:
        await session.run_sync(lambda s: lock_schema(s.connection()))
        await directory.seed(Store(session), config, clock.now())
    storage = EncryptedCookieStorage(
        Fernet(key),
        cookie_name=security.COOKIE_NAME,
        httponly=True,
        secure=secure_cookie,
        samesite="Lax",
        max_age=None,  # ends with the browser; the server ends it after SESSION_HOURS
    )
    app = web.Application(
        middlewares=[
            security.headers_middleware,
            session_middleware(storage),
            security.csrf_middleware,
            _auth_middleware,
        ],
        client_max_size=64 * 1024,
    )
    app[CONFIG_KEY] = config
    app[DB_KEY] = db
    app[CLOCK_KEY] = clock
    app[ON_CHANGE_KEY] = on_change
    app[JINJA_KEY] = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    app.router.add_get("/", _home)
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login_submit)
    app.router.add_post("/logout", logout)
    app.router.add_get("/tickets", tickets_page)
    app.router.add_get(r"/tickets/{id:\d{1,9}}", ticket_page_view)
    app.router.add_get(r"/tickets/{id:\d{1,9}}/photos/{n:\d{1,3}}", ticket_photo)
    app.router.add_post(r"/tickets/{id:\d{1,9}}/note", add_note)
    app.router.add_post(r"/tickets/{id:\d{1,9}}/transfer", transfer)
    app.router.add_post(r"/tickets/{id:\d{1,9}}/cancel", cancel)
    app.router.add_post(r"/tickets/{id:\d{1,9}}/handup", hand_up)
    app.router.add_post(r"/tickets/{id:\d{1,9}}/handback", hand_back)
    app.router.add_get("/figures", figures_page)
    app.router.add_get("/figures/chart.png", figures_chart)
    app.router.add_get("/duty", duty_page)
    app.router.add_post("/duty/swap", duty_swap)
    app.router.add_post("/duty/leave", duty_leave)
    app.router.add_post("/duty/shift", duty_shift)
    app.router.add_post("/duty/shifts", duty_shift_save)
    app.router.add_post("/duty/shifts/remove", duty_shift_remove)
    app.router.add_get("/audit", audit_page)
    directory_pages.install(
        app,
        directory_pages.Kit(
            config=lambda r: r.app[CONFIG_KEY],
            db=lambda r: r.app[DB_KEY],
            clock=lambda r: r.app[CLOCK_KEY],
            viewer=_viewer_of,
            render=_render,
            audit=_audit,
            changed=_changed,
        ),
    )
    accounts.install(
        app,
        accounts.Kit(
            config=lambda request: request.app[CONFIG_KEY],
            db=lambda request: request.app[DB_KEY],
            clock=lambda request: request.app[CLOCK_KEY],
            viewer=_viewer_of,
            render=_render,
        ),
    )
    app.router.add_static("/static/", HERE / "static", show_index=False)
    return app


async def start_console(
    config: Config,
    db: Database,
    clock: Clock,
    host: str,
    port: int,
    *,
    secure_cookie: bool = True,
    on_change: OnChange | None = None,
) -> web.AppRunner:
    """Serve the console in the running loop; ``await runner.cleanup()`` stops it."""
    app = await create_console(
        config, db, clock, secure_cookie=secure_cookie, on_change=on_change
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    return runner


# --- plumbing -------------------------------------------------------------------------


def _render(
    request: web.Request, template: str, status: int = 200, **values: Any
) -> web.Response:
    app = request.app
    config = app[CONFIG_KEY]
    viewer = request.get(VIEWER)
    body = app[JINJA_KEY].get_template(template).render(
        community=config.community_name,
        viewer=viewer,
        csrf=request[CSRF],
        path=request.path,
        **values,
    )
    return web.Response(text=body, status=status, content_type="text/html")


def _address(request: web.Request) -> str:
    return (request.remote or "unknown")[:64]


@web.middleware
async def _auth_middleware(request: web.Request, handler: security.Handler) -> web.StreamResponse:
    """Who is signed in (``request[VIEWER]``), and the CSRF token the page's forms carry."""
    session = await get_session(request)
    request[CSRF] = security.csrf_token(session)
    if not request.path.startswith("/static/"):  # a change by the bot or another console
        await directory.refresh(request.app[DB_KEY], request.app[CONFIG_KEY])
    viewer = await _viewer(request, session)
    if viewer is not None:
        request[VIEWER] = viewer
    elif not request.path.startswith(PUBLIC):
        if request.method == "GET":
            target = request.path_qs if request.path != "/" else "/tickets"
            raise web.HTTPSeeOther(f"/login?next={quote(target)}")
        raise web.HTTPForbidden(
            text="请先登录。", content_type="text/plain"
        )
    return await handler(request)


async def _viewer(request: web.Request, session: Any) -> Viewer | None:
    uid = session.get("uid")
    if not isinstance(uid, int):
        return None
    app = request.app
    now = app[CLOCK_KEY].now()
    if security.expired(session, now):
        session.invalidate()
        request[CSRF] = security.csrf_token(await get_session(request))
        return None
    async with app[DB_KEY].transaction() as db_session:
        user = await WebStore(db_session).user(uid)
    if user is None or user.disabled_at is not None or user.session_epoch != session.get("epoch"):
        session.invalidate()
        return None
    sender = auth.sender_of(app[CONFIG_KEY], user.person_id)
    if sender is None:  # no longer in the directory
        return None
    return Viewer(user.id, user.login, sender, user.session_epoch)


def _viewer_of(request: web.Request) -> Viewer:
    return request[VIEWER]


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute URL someone slipped into a link."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/tickets"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return "/tickets"
    return target


async def _audit(
    store: WebStore,
    request: web.Request,
    viewer: Viewer,
    action: str,
    ticket_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    await store.audit(
        WebAuditRow(
            at=request.app[CLOCK_KEY].now(),
            user_id=viewer.user_id,
            login=viewer.login,
            person_id=viewer.person_id,
            action=action,
            ticket_id=ticket_id,
            detail=detail,
            address=_address(request),
            user_agent=(request.headers.get("User-Agent") or "")[:300] or None,
        )
    )


async def _changed(request: web.Request) -> None:
    on_change = request.app[ON_CHANGE_KEY]
    if on_change is not None:
        with contextlib.suppress(Exception):  # the outbox keeps it; the sweep sends it
            await on_change()  # type: ignore[operator]


# --- sign in and out ------------------------------------------------------------------


async def _home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/tickets")


async def login_page(request: web.Request) -> web.Response:
    if VIEWER in request:
        raise web.HTTPSeeOther(_safe_next(request.query.get("next")))
    return _render(request, "login.html", next=_safe_next(request.query.get("next")), error=None)


async def login_submit(request: web.Request) -> web.Response:
    app = request.app
    form = await request.post()
    login = str(form.get("login") or "")
    password = str(form.get("password") or "")
    target = _safe_next(str(form.get("next") or ""))
    if not login.strip() or not password:
        return _render(request, "login.html", 400, next=target, error="请填写账号和密码。")
    result = await auth.check_password(
        app[DB_KEY],
        app[CONFIG_KEY],
        app[CLOCK_KEY],
        login,
        password,
        address=_address(request),
        user_agent=request.headers.get("User-Agent"),
    )
    if result.locked_until is not None:
        tz = app[CONFIG_KEY].timezone
        until = result.locked_until.astimezone(tz)
        error = f"密码错误次数过多，已暂停登录。请于 {until:%H:%M} 以后再试，或联系管理员。"
        return _render(request, "login.html", 429, next=target, error=error)
    if result.disabled:
        return _render(
            request, "login.html", 403, next=target, error="该账号已停用，请联系社区管理员。"
        )
    if result.user is None:
        return _render(request, "login.html", 401, next=target, error="账号或密码不正确。")
    await security.begin(request, result.user.id, result.user.session_epoch, app[CLOCK_KEY].now())
    raise web.HTTPSeeOther(target)


async def logout(request: web.Request) -> web.Response:
    viewer = _viewer_of(request)
    async with request.app[DB_KEY].transaction() as session:
        await _audit(WebStore(session), request, viewer, "logout")
    (await get_session(request)).invalidate()
    raise web.HTTPSeeOther("/login")


# --- tickets --------------------------------------------------------------------------


def _status_label(status: str) -> str:
    return STATUS_LABELS.get(Status(status), status).split("，")[0]


def _fmt(when: datetime | None, tz: Any, pattern: str = "%m-%d %H:%M") -> str:
    return when.astimezone(tz).strftime(pattern) if when else "-"


def _people_choices(config: Config, viewer: Viewer) -> list[tuple[str, str]]:
    """Workers (and staff) the viewer may filter by or hand a ticket to."""
    out = []
    for person in config.directory.people:
        if person.role == "resident":
            continue
        grids = config.grids_of(person.id)
        if viewer.grids is not None and not set(grids) & set(viewer.grids):
            continue
        out.append((person.id, person.name))
    return out


async def tickets_page(request: web.Request) -> web.Response:
    app = request.app
    config, viewer = app[CONFIG_KEY], _viewer_of(request)
    now = app[CLOCK_KEY].now()
    f = TicketFilter.from_query(request.query)
    limits = limits_from_config(config)
    async with app[DB_KEY].transaction() as session:
        page = await ticket_page(session, config, viewer, f, limits, now)
        count = await ticket_count(session, config, viewer, f, limits, now, page)
        names = await Store(session).person_names(t.assignee_id for t in page.rows if t.assignee_id)
    tz = config.timezone
    rows = []
    for t in page.rows:
        late = None
        if t.status in OPEN_STATUSES:
            over = now - t.created_at - limits.for_category(t.category)
            late = over if over > timedelta(0) else None
        rows.append(
            {
                "id": t.id,
                "status": t.status,
                "status_label": _status_label(t.status),
                "urgent": t.urgent,
                "category": category_label(t.category),
                "grid": config.grid_label(t.grid_id),
                "assignee": config.name_of(t.assignee_id, names.get(t.assignee_id or ""))
                if t.assignee_id
                else "未分配",
                "summary": t.summary if viewer.sees_phones else redact(t.summary),
                "created": _fmt(t.created_at, tz),
                "late": _duration(late) if late else None,
            }
        )
    grids = [g for g in config.directory.grids if viewer.grids is None or g.id in viewer.grids]
    return _render(
        request,
        "tickets.html",
        f=f,
        rows=rows,
        page=page,
        count=count,
        statuses=STATUS_FILTERS,
        grids=grids,
        categories=[(c, category_label(c)) for c in CATEGORIES],
        workers=_people_choices(config, viewer) if viewer.own is None else [],
        periods=PERIOD_CHOICES,
        newer=f.query(before=None, after=page.newer) if page.newer else None,
        older=f.query(before=page.older, after=None) if page.older else None,
    )


def _duration(value: timedelta | None) -> str:
    if value is None:
        return "-"
    minutes = value.total_seconds() / 60
    if minutes < 60:
        return f"{round(minutes)}分钟"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f}".rstrip("0").rstrip(".") + "小时"
    return f"{minutes / 1440:.1f}".rstrip("0").rstrip(".") + "天"


async def _visible_ticket(
    request: web.Request, store: Store, *, lock: bool = False
) -> TicketRow:
    viewer = _viewer_of(request)
    ticket = await store.ticket(int(request.match_info["id"]), lock=lock)
    if ticket is None or not viewer.may_see(ticket):
        # The same answer for "none" and "not yours": a page must not tell a worker or
        # leader which numbers exist in other grids.
        raise web.HTTPNotFound(
            text="没有找到这张工单，或它不在您负责的范围。",
            content_type="text/plain"
        )
    return ticket


async def ticket_page_view(request: web.Request, message: str | None = None,
                           error: str | None = None, status: int = 200) -> web.Response:
    app = request.app
    config, viewer = app[CONFIG_KEY], _viewer_of(request)
    tz = config.timezone
    async with app[DB_KEY].transaction() as session:
        store = Store(session)
        ticket = await _visible_ticket(request, store)
        events = await store.events(ticket.id)
        inbound = list(
            await session.scalars(
                select(InboundMessageRow)
                .where(InboundMessageRow.ticket_id == ticket.id)
                .order_by(InboundMessageRow.id)
                .limit(200)
            )
        )
        people = {ticket.reporter_id, ticket.assignee_id or ""}
        people |= {e.actor_id or "" for e in events}
        for e in events:
            for key in ("from", "to", "assignee"):
                value = (e.detail or {}).get(key)
                if isinstance(value, str):
                    people.add(value)
        people |= {m.sender_id for m in inbound}
        stored = await store.person_names(p for p in people if p)
    names = {p: config.name_of(p, stored.get(p)) for p in people if p}

    def shown(text: str) -> str:
        return text if viewer.sees_phones else redact(text)

    timeline = [
        {
            "at": _fmt(e.at, tz, "%Y-%m-%d %H:%M"),
            "what": shown(describe(e, names)),
            "who": names.get(e.actor_id, e.actor_id) if e.actor_id else "系统",
        }
        for e in events
    ]
    messages = [
        {
            "at": _fmt(m.received_at, tz, "%m-%d %H:%M"),
            "who": names.get(m.sender_id, m.sender_id),
            "kind": m.kind,
            "text": shown(m.text),
        }
        for m in inbound
    ]
    photos = [
        {
            "n": n,
            "kind": ATTACHMENT_LABELS.get(str(a.get("kind")), "照片"),
            "who": names.get(str(a.get("from")), str(a.get("from") or "")),
            "at": _fmt(_when(a.get("at")), tz, "%m-%d %H:%M"),
            "file": bool(a.get("file")),
        }
        for n, a in enumerate(ticket.attachments or [], 1)
        if isinstance(a, dict)
    ]
    group = config.group(ticket.group_id)
    grid = config.grid(ticket.grid_id)
    targets = []
    if viewer.may_change(ticket):
        for pid, pname in _people_choices(config, viewer):
            if config.role_of(pid) in ("staff", "admin") or ticket.grid_id in config.grids_of(pid):
                targets.append((pid, pname))
    view = {
        "id": ticket.id,
        "status": ticket.status,
        "status_label": STATUS_LABELS.get(Status(ticket.status), ticket.status),
        "urgent": ticket.urgent,
        "category": category_label(ticket.category),
        "summary": shown(ticket.summary),
        "location": ticket.location or "-",
        "grid": grid.name if grid else config.grid_label(ticket.grid_id),
        "group": group.name if group else ("私信" if not ticket.group_id else ticket.group_id),
        "reporter": names.get(ticket.reporter_id, ticket.reporter_id),
        "assignee": names.get(ticket.assignee_id, "未分配") if ticket.assignee_id else "未分配",
        "created": _fmt(ticket.created_at, tz, "%Y-%m-%d %H:%M"),
        "claimed": _fmt(ticket.claimed_at, tz, "%Y-%m-%d %H:%M"),
        "resolved": _fmt(ticket.resolved_at, tz, "%Y-%m-%d %H:%M"),
        "closed": _fmt(ticket.closed_at, tz, "%Y-%m-%d %H:%M"),
        "escalation": ticket.escalation_level,
        "reports": ticket.reports,
        "open": ticket.status in OPEN_STATUSES,
        "handed_up": HAND_UP_LABELS.get(ticket.handed_up) if ticket.handed_up else None,  # type: ignore[call-overload]
        "with_upper": ticket.status == Status.HANDED_UP,
    }
    return _render(
        request,
        "ticket.html",
        status=status,
        t=view,
        timeline=timeline,
        messages=messages,
        photos=photos,
        may_change=viewer.may_change(ticket),
        targets=targets,
        levels=list(HAND_UP_LABELS.items()),
        message=message,
        error=error,
    )


def _when(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


PHOTO_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
               ".webp": "image/webp", ".heic": "image/heic"}


async def ticket_photo(request: web.Request) -> web.StreamResponse:
    """A photo kept on a ticket, to whoever may see the ticket. The file's name comes from
    the ticket's own record (``12-1.jpg``, made by the bot), never from the request."""
    app = request.app
    async with app[DB_KEY].transaction() as session:
        ticket = await _visible_ticket(request, Store(session))
    number = int(request.match_info["n"])
    entries = ticket.attachments or []
    entry = entries[number - 1] if 0 < number <= len(entries) else None
    name = entry.get("file") if isinstance(entry, dict) else None
    folder = media_folder(app[DB_KEY].engine.url, app[CONFIG_KEY].source)
    if not isinstance(name, str) or folder is None or Path(name).name != name:
        raise web.HTTPNotFound(text="这张照片没有保存下来。", content_type="text/plain")
    path = folder / name
    if not path.is_file():
        raise web.HTTPNotFound(text="这张照片没有保存下来。", content_type="text/plain")
    kind = PHOTO_TYPES.get(path.suffix, "application/octet-stream")
    return web.FileResponse(path, headers={"Content-Type": kind, "Cache-Control": "private"})


async def add_note(request: web.Request) -> web.Response:
    app = request.app
    viewer = _viewer_of(request)
    text = " ".join(str((await request.post()).get("text") or "").split())
    if not text:
        return await ticket_page_view(request, error="备注不能为空。", status=400)
    if len(text) > NOTE_LIMIT:
        return await ticket_page_view(
            request, error=f"备注最多 {NOTE_LIMIT} 字。", status=400
        )
    now = app[CLOCK_KEY].now()
    async with app[DB_KEY].transaction() as session:
        store = Store(session)
        ticket = await _visible_ticket(request, store, lock=True)
        await Tickets(store, now).note(
            ticket, "note", actor=viewer.person_id, detail={"text": text, "via": "console"}
        )
        await _audit(WebStore(session), request, viewer, "note", ticket.id, {"text": text})
    raise web.HTTPSeeOther(f"/tickets/{ticket.id}#timeline")


async def transfer(request: web.Request) -> web.Response:
    """转派: the same check, change and group message as '转派 #N 某人' in chat."""
    config = request.app[CONFIG_KEY]
    target = str((await request.post()).get("to") or "")
    if config.person(target) is None:
        return await ticket_page_view(request, error="请选择接手的人。", status=400)

    async def act(config: Config, tickets: Tickets, ticket: TicketRow, viewer: Viewer) -> Any:
        return await actions.transfer(config, tickets, ticket, viewer.sender, target)

    return await _ticket_action(
        request, "转派", "transfer", act, lambda t: {"from": t.assignee_id, "to": target}
    )


async def cancel(request: web.Request) -> web.Response:
    """撤销: the same as '撤销 #N 原因' from a leader or staff in chat."""
    reason = " ".join(str((await request.post()).get("reason") or "").split())[:REASON_LIMIT]

    async def act(config: Config, tickets: Tickets, ticket: TicketRow, viewer: Viewer) -> Any:
        return await actions.cancel(config, tickets, ticket, viewer.sender, reason)

    return await _ticket_action(
        request, "撤销", "cancel", act, lambda _: {"reason": reason} if reason else None
    )


async def hand_up(request: web.Request) -> web.Response:
    """上报: the same check, change and group message as '上报 #N 街道 原因' in chat."""
    form = await request.post()
    reason = " ".join(str(form.get("reason") or "").split())[:REASON_LIMIT]
    try:
        level = HandUpLevel(str(form.get("level") or ""))
    except ValueError:
        return await ticket_page_view(request, error="请选择上报到街道还是12345热线。", status=400)

    async def act(config: Config, tickets: Tickets, ticket: TicketRow, viewer: Viewer) -> Any:
        return await actions.hand_up(config, tickets, ticket, viewer.sender, level, reason)

    detail = {"level": level.value, **({"reason": reason} if reason else {})}
    return await _ticket_action(request, "上报", "hand_up", act, lambda _: detail)


async def hand_back(request: web.Request) -> web.Response:
    """回流: the same as '回流 #N 结果' in chat; the reporter is told and asked to rate."""
    outcome = " ".join(str((await request.post()).get("outcome") or "").split())
    outcome = outcome[: actions.OUTCOME_LIMIT]

    async def act(config: Config, tickets: Tickets, ticket: TicketRow, viewer: Viewer) -> Any:
        return await actions.hand_back(config, tickets, ticket, viewer.sender, outcome)

    return await _ticket_action(request, "回流", "hand_back", act, lambda _: {"outcome": outcome})


async def _ticket_action(
    request: web.Request,
    verb: str,
    what: str,
    act: Callable[[Config, Tickets, TicketRow, Viewer], Awaitable[Any]],
    detail: Callable[[TicketRow], dict[str, Any] | None],
) -> web.Response:
    """One change to a ticket from the page, through the chat's own action: scope check,
    the change and its group message in one transaction, an audit row, then back to the
    ticket (or the action's refusal shown on it). ``detail`` is read before the change."""
    app = request.app
    config, viewer = app[CONFIG_KEY], _viewer_of(request)
    now = app[CLOCK_KEY].now()
    async with app[DB_KEY].transaction() as session:
        store = Store(session)
        ticket = await _visible_ticket(request, store, lock=True)
        if not viewer.may_change(ticket):
            raise web.HTTPForbidden(
                text=f"{verb}需要网格长或社区工作人员操作。", content_type="text/plain"
            )
        audit_detail = detail(ticket)
        result = await act(config, Tickets(store, now), ticket, viewer)
        if isinstance(result, actions.Refusal):
            refusal = result.text
        else:
            refusal = None
            await queue(store, result.messages(), now)
            await _audit(WebStore(session), request, viewer, what, ticket.id, audit_detail)
    if refusal is not None:
        return await ticket_page_view(request, error=refusal, status=409)
    await _changed(request)
    raise web.HTTPSeeOther(f"/tickets/{ticket.id}")


# --- figures --------------------------------------------------------------------------


def _figures_scope(request: web.Request) -> tuple[Any, Scope, str, str | None]:
    app = request.app
    config, viewer = app[CONFIG_KEY], _viewer_of(request)
    if not viewer.sees_figures:
        raise web.HTTPForbidden(
            text="统计需要网格长或社区工作人员权限。", content_type="text/plain"
        )
    now = app[CLOCK_KEY].now()
    words = (request.query.get("period") or "本月").strip()[:40]
    error = None
    try:
        period = parse_period(words, now, config.timezone)
    except PeriodError as exc:
        period, error = None, str(exc)
    if period is None:
        error = error or f"不认识的时间“{words}”，可以写 本月 或 2026-11-01~2026-11-30"
        period = parse_period("本月", now, config.timezone)
    grid_id = (request.query.get("grid") or "").strip()
    if grid_id and (viewer.grids is not None and grid_id not in viewer.grids):
        grid_id = ""
    if grid_id and config.grid(grid_id) is None:
        grid_id = ""
    scope = Scope(grids=(grid_id,) if grid_id else viewer.grids)
    if grid_id:
        where = config.grid_label(grid_id)
    elif viewer.grids is None:
        where = config.community_name
    else:
        where = "、".join(config.grid_label(g) for g in viewer.grids) or "本网格"
    return period, scope, where, error


def _figure_row(label: str, f: Figures) -> dict[str, Any]:
    def rate(value: float | None) -> str:
        return "-" if value is None else f"{value * 100:.0f}%"

    return {
        "label": label,
        "received": f.received,
        "claimed": f.claimed,
        "resolved": f.resolved,
        "closed": f.closed,
        "overdue": f.overdue,
        "cancelled": f.cancelled,
        "handed_up": f.handed_up,
        "response": f"{rate(f.response_rate)}（{f.responded}/{f.response_due}）",
        "resolution": f"{rate(f.resolution_rate)}（{f.resolved}/{f.valid}）",
        "satisfaction": f"{rate(f.satisfaction_rate)}（{f.satisfied + f.fair}/{f.rated}）",
        "median_claim": _duration(f.median_claim),
        "median_resolve": _duration(f.median_resolve),
    }


async def figures_page(request: web.Request) -> web.Response:
    app = request.app
    config, viewer = app[CONFIG_KEY], _viewer_of(request)
    period, scope, where, error = _figures_scope(request)
    stats_now = app[CLOCK_KEY].now()
    async with app[DB_KEY].transaction() as session:
        stats = Stats(session, limits_from_config(config), stats_now)
        report = await stats.report(period, scope)
        ranks = await stats.ranking(period, scope)
        names = await Store(session).person_names(r.worker_id for r in ranks)
    by_category = sorted(report.by_category.items(), key=lambda kv: (-kv[1].received, kv[0]))
    by_grid = sorted(report.by_grid.items(), key=lambda kv: str(kv[0]))
    grids = [g for g in config.directory.grids if viewer.grids is None or g.id in viewer.grids]
    return _render(
        request,
        "figures.html",
        where=where,
        period=period,
        period_words=(request.query.get("period") or "本月").strip()[:40],
        grid=(request.query.get("grid") or "").strip(),
        grids=grids,
        periods=[p for p in PERIOD_CHOICES if p],
        error=error,
        total=_figure_row("合计", report.total),
        categories=[_figure_row(category_label(c), f) for c, f in by_category],
        by_grid=[_figure_row(config.grid_label(g), f) for g, f in by_grid],
        ranks=[
            {
                "name": config.name_of(r.worker_id, names.get(r.worker_id)),
                "resolved": r.resolved,
                "satisfaction": "-"
                if r.satisfaction_rate is None
                else f"{r.satisfaction_rate * 100:.0f}%（{r.good}/{r.rated}）",
            }
            for r in ranks[:30]
        ],
        chart=len(period.days) <= CHART_MAX_DAYS and report.total.received > 0,
        chart_query=request.query_string,
    )


async def figures_chart(request: web.Request) -> web.Response:
    """The weekly report's chart (bot/reporting/charts.py) for the period on the page."""
    app = request.app
    config = app[CONFIG_KEY]
    period, scope, where, _ = _figures_scope(request)
    if len(period.days) > CHART_MAX_DAYS:
        raise web.HTTPBadRequest(text="图表最多显示 62 天。")
    async with app[DB_KEY].transaction() as session:
        stats = Stats(session, limits_from_config(config), app[CLOCK_KEY].now())
        report = await stats.report(period, scope, breakdown_medians=False)
        received = await stats.daily_counts(period, scope=scope)
        resolved = await stats.daily_counts(period, TicketRow.resolved_at, scope=scope)
    data = WeeklyChartData(
        title=f"{where} {period.describe()}",
        categories=sorted(
            ((category_label(c), f.received) for c, f in report.by_category.items()),
            key=lambda kv: -kv[1],
        ),
        days=[(d.date(), n) for d, n in received],
        resolved_days=[(d.date(), n) for d, n in resolved],
    )

    def draw() -> bytes:
        with tempfile.TemporaryDirectory(prefix="gridbot-chart-") as folder:
            path = render_weekly_chart(data, Path(folder) / "chart.png")
            return path.read_bytes()

    body = await asyncio.to_thread(draw)
    return web.Response(body=body, content_type="image/png")


# --- duty -----------------------------------------------------------------------------

DAY_AT = time(10, 0)
NIGHT_AT = time(23, 0)


async def duty_page(
    request: web.Request, *, error: str | None = None, status: int = 200
) -> web.Response:
    """Who is on duty in each grid, day (10:00) and night (23:00), for a week; for leaders
    and staff, the forms that enter a swap or leave (as 换班 / 请假 in chat)."""
    app = request.app
    config, viewer = app[CONFIG_KEY], _viewer_of(request)
    tz = config.timezone
    today = app[CLOCK_KEY].now().astimezone(tz).date()
    try:
        first = date.fromisoformat(request.query.get("week", ""))
    except ValueError:
        first = today
    first = first - timedelta(days=first.weekday())
    if not 2000 <= first.year <= 2099:
        first = today - timedelta(days=today.weekday())
    days = [first + timedelta(days=i) for i in range(7)]
    at = datetime.combine(first, DAY_AT, tzinfo=tz)
    async with app[DB_KEY].transaction() as session:
        roster = await load_roster(Store(session), config, at, days=8)
    grids = [g for g in config.directory.grids if viewer.grids is None or g.id in viewer.grids]
    table = []
    standing_shifts: list[dict[str, Any]] = []
    for grid in grids:
        cells = []
        for day in days:
            cell = []
            for label, moment in (("白天", DAY_AT), ("夜间", NIGHT_AT)):
                entries = roster.on_duty(grid.id, datetime.combine(day, moment, tzinfo=tz))
                cell.append(
                    {
                        "label": label,
                        "names": "、".join(config.name_of(e.person) for e in entries) or "-",
                        "rules": "；".join(e.rule for e in entries),
                    }
                )
            cells.append(cell)
        rules = _shift_rules(roster, grid)
        table.append({"grid": grid.name, "cells": cells, "shifts": [r["text"] for r in rules]})
        if viewer.may_manage:
            standing_shifts += [{**r, "grid": grid.id, "grid_name": grid.name} for r in rules]
    heads = [
        {
            "date": f"{d.month}月{d.day}日",
            "weekday": WEEKDAYS[d.weekday()],
            "kind": DAY_KIND_LABELS[roster.calendar.kind(d)],
            "today": d == today,
        }
        for d in days
    ]
    period = days_period(days[0], days[-1], tz)
    return _render(
        request,
        "duty.html",
        status=status,
        heads=heads,
        table=table,
        span=period.describe(),
        editable=_duty_people(config, viewer) if viewer.may_manage else [],
        grids=[(g.id, g.name) for g in grids],
        standing=[s for s in standing_shifts if s["id"] is not None],
        shift_workers=[
            (pid, f"{config.name_of(pid)}（{g.name}）") for g in grids for pid in g.workers
        ],
        grid_workers={g.id: [(pid, config.name_of(pid)) for pid in g.workers] for g in grids},
        day_choices=DAY_CHOICES,
        rotations=ROTATION_CHOICES,
        today=today.isoformat(),
        week=first.isoformat(),
        message=None if error else request.query.get("done"),
        error=error,
        previous=(first - timedelta(days=7)).isoformat(),
        following=(first + timedelta(days=7)).isoformat(),
    )


DAY_CHOICES = [
    *((d, f"周{WEEKDAY_LABELS[d]}") for d in WEEKDAY_LABELS),
    *DAY_SET_LABELS.items(),
]
ROTATION_CHOICES = [("none", "同时在岗"), ("daily", "日轮值"), ("weekly", "周轮值")]


def _shift_rules(roster: Any, grid: Any) -> list[dict[str, Any]]:
    """The grid's standing shifts (stored, or the config's), so whoever edits a day sees
    whose slot they are changing: '工作日 08:30-17:30：王芳、赵强（日轮值）'; with what the
    forms that edit a stored shift fill in."""
    config = roster.config
    out: list[dict[str, Any]] = []
    for shift in roster.shifts:
        if shift.grid != grid.id:
            continue
        days = "、".join(DAY_SET_LABELS.get(d) or f"周{WEEKDAY_LABELS[d]}" for d in shift.days)
        people = grid.workers if shift.grid_workers else shift.workers
        names = "、".join(config.name_of(p) for p in people) or "-"
        turn = {"daily": "（日轮值）", "weekly": "（周轮值）"}.get(shift.rotation, "（同时在岗）")
        name = f"{shift.label} " if shift.label else ""
        out.append(
            {
                "text": f"{name}{days} {shift.window}：{names}{turn}",
                "id": shift.id,
                "days": shift.days,
                "start": f"{shift.window.start:%H:%M}",
                "end": f"{shift.window.end:%H:%M}",
                "workers": () if shift.grid_workers else shift.workers,
                "rotation": shift.rotation,
                "label": shift.label,
            }
        )
    return out or [{"text": "未配置排班：网格员全天在岗", "id": None}]


def _duty_people(config: Config, viewer: Viewer) -> list[tuple[str, str]]:
    """Whose duty the viewer may change: a leader, the people of their grids; staff, all
    grid workers and leaders."""
    out = []
    for person in config.directory.people:
        grids = config.grids_of(person.id)
        if not grids or (viewer.grids is not None and not set(grids) & set(viewer.grids)):
            continue
        out.append((person.id, f"{person.name}（{config.grid_label(grids[0])}）"))
    return out


def _form_day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


async def duty_swap(request: web.Request) -> web.Response:
    """换班 from the page: the same checks, rows and confirmation as in chat."""
    form = await request.post()
    a, b, day = str(form.get("a") or ""), str(form.get("b") or ""), _form_day(form.get("day"))
    if not a or not b or a == b or day is None:
        return await duty_page(request, error="换班请选两个不同的人和日期。", status=400)

    async def act(store: Store, config: Config, viewer: Viewer, now: datetime) -> Any:
        return await duty_changes.swap(store, config, viewer.sender, a, b, day, now)

    return await _duty_action(request, "duty_swap", act, {"a": a, "b": b, "day": str(day)}, day)


async def duty_leave(request: web.Request) -> web.Response:
    """请假 from the page: the same checks, rows and confirmation as in chat."""
    form = await request.post()
    person = str(form.get("person") or "")
    first, last = _form_day(form.get("first")), _form_day(form.get("last"))
    if not person or first is None:
        return await duty_page(request, error="请假请选人和开始日期。", status=400)
    last = last or first

    async def act(store: Store, config: Config, viewer: Viewer, now: datetime) -> Any:
        return await duty_changes.leave(store, config, viewer.sender, person, first, last, now)

    detail = {"person": person, "first": str(first), "last": str(last)}
    return await _duty_action(request, "duty_leave", act, detail, first)


async def duty_shift(request: web.Request) -> web.Response:
    """A day's duty in a grid: someone takes another's shifts that day, or joins the
    grid's duty (bot.runtime.duty_changes.set_shift; the roster routes by it at once)."""
    form = await request.post()
    grid_id, person = str(form.get("grid") or ""), str(form.get("person") or "")
    replaces, day = str(form.get("replaces") or "") or None, _form_day(form.get("day"))
    if not grid_id or not person or day is None:
        return await duty_page(request, error="排班请选网格、值班的人和日期。", status=400)

    async def act(store: Store, config: Config, viewer: Viewer, now: datetime) -> Any:
        return await duty_changes.set_shift(
            store, config, viewer.sender, grid_id, person, replaces, day, now
        )

    detail = {"grid": grid_id, "person": person, "replaces": replaces, "day": str(day)}
    return await _duty_action(request, "duty_shift", act, detail, day)


async def duty_shift_save(request: web.Request) -> web.Response:
    """Add a standing weekly shift (no ``id``) or change one: stored with the directory, so
    the bot routes by it from its next message, in every process, with no restart."""
    form = await request.post()
    grid_id, raw_id = str(form.get("grid") or ""), str(form.get("id") or "").strip()
    shift_id = int(raw_id) if raw_id.isdigit() and len(raw_id) < 10 else None
    if raw_id and shift_id is None:
        return await duty_page(request, error="这个班次已经不在了，请刷新页面。", status=400)

    async def act(store: Any, config: Config, now: datetime) -> tuple[str, dict[str, Any]]:
        shift = standing.check(
            config.directory,
            grid_id=grid_id,
            days=[str(d) for d in form.getall("days", [])],
            starts=str(form.get("start") or ""),
            ends=str(form.get("end") or ""),
            workers=[str(w) for w in form.getall("workers", [])],
            rotation=str(form.get("rotation") or "none"),
            label=str(form.get("label") or ""),
        )
        row = await standing.save(store, now, shift, shift_id)
        await store.session.flush()
        detail = {"id": row.id, "grid": shift.grid, "shift": standing.describe(shift)}
        what = "duty_shift_add" if shift_id is None else "duty_shift_edit"
        return what, detail

    verb = "新增" if shift_id is None else "修改"
    return await _standing_action(request, grid_id, shift_id, act, f"已{verb}班次。")


async def duty_shift_remove(request: web.Request) -> web.Response:
    form = await request.post()
    raw_id = str(form.get("id") or "").strip()
    shift_id = int(raw_id) if raw_id.isdigit() and len(raw_id) < 10 else None
    if shift_id is None:
        return await duty_page(request, error="这个班次已经不在了，请刷新页面。", status=400)

    async def act(store: Any, config: Config, now: datetime) -> tuple[str, dict[str, Any]]:
        row = await standing.remove(store, now, shift_id)
        shift = standing.describe(standing.shift_of(row))
        return "duty_shift_remove", {"id": shift_id, "grid": row.grid_id, "shift": shift}

    return await _standing_action(request, None, shift_id, act, "已删除班次。")


def _duty_manager(request: web.Request) -> Viewer:
    """The viewer, if they may change duty (a leader or staff); workers are refused."""
    viewer = _viewer_of(request)
    if not viewer.may_manage:
        raise web.HTTPForbidden(
            text="调整值班需要网格长或社区工作人员操作。", content_type="text/plain"
        )
    return viewer


async def _standing_action(
    request: web.Request,
    grid_id: str | None,
    shift_id: int | None,
    act: Callable[[Any, Config, datetime], Awaitable[tuple[str, dict[str, Any]]]],
    done: str,
) -> web.Response:
    """A leader changes the shifts of their own grids only; staff, any grid's."""
    app = request.app
    config, viewer = app[CONFIG_KEY], _duty_manager(request)
    now = app[CLOCK_KEY].now()
    error: tuple[str, int] | None = None
    async with app[DB_KEY].transaction() as session:
        store = DirectoryStore(session)
        row = await store.shift(shift_id) if shift_id is not None else None
        if shift_id is not None and row is None:
            error = ("这个班次已经不在了，请刷新页面。", 409)
        elif row is not None and grid_id is not None and row.grid_id != grid_id:
            error = ("班次的网格不能改：请删掉后在另一个网格新增。", 400)
        else:
            grid_id = row.grid_id if row is not None else grid_id
            if viewer.grids is not None and grid_id not in viewer.grids:
                raise web.HTTPForbidden(
                    text="您只能调整自己网格的排班。", content_type="text/plain"
                )
            try:
                what, detail = await act(store, config, now)
            except standing.ShiftError as exc:
                error = (str(exc), 400)
            else:
                await _audit(WebStore(session), request, viewer, what, None, detail)
        if error is not None:
            await session.rollback()
    if error is not None:
        return await duty_page(request, error=error[0], status=error[1])
    await directory.refresh(app[DB_KEY], config)
    raise web.HTTPSeeOther(f"/duty?done={quote(done)}#standing")


async def _duty_action(
    request: web.Request,
    what: str,
    act: Callable[[Store, Config, Viewer, datetime], Awaitable[Any]],
    detail: dict[str, Any],
    day: date,
) -> web.Response:
    app = request.app
    config, viewer = app[CONFIG_KEY], _duty_manager(request)
    people = {pid for pid, _ in _duty_people(config, viewer)}
    named = {v for k, v in detail.items() if k in ("a", "b", "person", "replaces") and v}
    if not named <= people:
        return await duty_page(request, error="请从名单里选择人员。", status=400)
    now = app[CLOCK_KEY].now()
    async with app[DB_KEY].transaction() as session:
        result = await act(Store(session), config, viewer, now)
        if not isinstance(result, actions.Refusal):
            await _audit(WebStore(session), request, viewer, what, None, detail)
    if isinstance(result, actions.Refusal):
        return await duty_page(request, error=result.text, status=409)
    week = (day - timedelta(days=day.weekday())).isoformat()
    raise web.HTTPSeeOther(f"/duty?week={week}&done={quote(result.text)}")


# --- audit ----------------------------------------------------------------------------

AUDIT_LABELS = {
    "login": "登录",
    "login_failed": "登录失败",
    "login_throttled": "登录被暂停（多次密码错误）",
    "login_disabled": "已停用账号尝试登录",
    "logout": "退出",
    "note": "添加备注",
    "transfer": "转派",
    "cancel": "撤销",
    "user_add": "新建账号",
    "password_change": "修改密码",
    "user_disable": "停用账号",
    "user_enable": "启用账号",
    "duty_swap": "换班",
    "duty_leave": "请假",
    "duty_shift": "排班调整",
    "duty_shift_add": "新增班次",
    "duty_shift_edit": "修改班次",
    "duty_shift_remove": "删除班次",
    **directory_pages.AUDIT_LABELS,
}


async def audit_page(request: web.Request) -> web.Response:
    app = request.app
    config, viewer = app[CONFIG_KEY], _viewer_of(request)
    if not viewer.is_staff:
        raise web.HTTPForbidden(
            text="操作记录仅社区工作人员可以查看。", content_type="text/plain"
        )
    async with app[DB_KEY].transaction() as session:
        rows = await WebStore(session).audit_rows(limit=200)
    tz = config.timezone
    return _render(
        request,
        "audit.html",
        rows=[
            {
                "at": _fmt(r.at, tz, "%Y-%m-%d %H:%M:%S"),
                "who": f"{r.login or '-'}"
                + (f"（{config.name_of(r.person_id)}）" if r.person_id else ""),
                "what": AUDIT_LABELS.get(r.action, r.action),
                "ticket": r.ticket_id,
                "detail": _audit_detail(config, r.detail),
                "where": r.address or "-",
            }
            for r in rows
        ],
    )


def _audit_detail(config: Config, detail: dict[str, Any] | None) -> str:
    if not detail:
        return ""
    parts = []
    for key, value in detail.items():
        if key in ("from", "to") and isinstance(value, str):
            value = config.name_of(value)
        parts.append(f"{key}={value}")
    return "，".join(parts)
