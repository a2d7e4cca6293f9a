"""Sessions, CSRF and response headers for the console.

- Sessions are aiohttp-session's encrypted cookies (Fernet, from ``cryptography``): HTTP-only,
  ``SameSite=Lax``, ``Secure`` unless switched off for plain-HTTP use on one's own machine
  (``[web] secure_cookie = false``). The key lives in the database (``web_keys``), made on
  first start, so every process serving the console reads the same cookies and a restart
  signs nobody out. A session holds the login's id, the login's ``session_epoch`` (a
  password change or a disabled login ends older sessions), the CSRF token and when it
  began; it ends ``SESSION_HOURS`` after sign-in by the injected clock, not the wall clock.
- CSRF: every form carries the session's token in a hidden field ``csrf``; a POST without
  it, or with another, is refused with 403 before any handler runs (synchronizer token
  pattern, compared in constant time). The login form has a token too: a session is
  begun for it before anyone signs in.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from aiohttp import web
from aiohttp_session import Session, get_session, new_session

SESSION_HOURS = 12
SESSION_TTL = timedelta(hours=SESSION_HOURS)
COOKIE_NAME = "gridbot_console"
CSRF_FIELD = "csrf"
KEY_NAME = "session-cookie"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def new_cookie_key() -> str:
    """A fresh Fernet key (32 random bytes, urlsafe base64)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def csrf_token(session: Session) -> str:
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


async def begin(request: web.Request, user_id: int, epoch: int, now: datetime) -> Session:
    """A new session for a signed-in login, with a new CSRF token (never the anonymous one)."""
    session = await new_session(request)
    session["uid"] = user_id
    session["epoch"] = epoch
    session["since"] = now.isoformat()
    session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session


def expired(session: Session, now: datetime) -> bool:
    since = session.get("since")
    if not isinstance(since, str):
        return True
    try:
        began = datetime.fromisoformat(since)
    except ValueError:
        return True
    return not (began - timedelta(minutes=5) <= now < began + SESSION_TTL)


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        session = await get_session(request)
        expected = session.get(CSRF_FIELD)
        form = await request.post()
        given = form.get(CSRF_FIELD)
        if (
            not isinstance(expected, str)
            or not isinstance(given, str)
            or not hmac.compare_digest(expected.encode(), given.encode())
        ):
            raise web.HTTPForbidden(
                text="表单已过期或来源不明（缺少安全校验码），请返回刷新页面后重试。",
                content_type="text/plain"
            )
    return await handler(request)


CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@web.middleware
async def headers_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
        _headers(response)
        raise
    _headers(response)
    return response


def _headers(response: web.StreamResponse) -> None:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")
