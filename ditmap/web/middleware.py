"""One ASGI middleware in front of everything the server answers (pages, websocket, media, our routes).

In order, for every HTTP request and websocket:
1. `Host` must be an allowed name (`hosts.allowed_hosts`) and `Origin`, when sent, too: otherwise a plain
   421 (or a refused websocket) and no page. This stops DNS rebinding and cross-site websockets before
   Streamlit's own origin check (which would look up the machine's public address).
2. Personal mode answers loopback clients only; anyone else gets the page saying how to set up accounts.
3. Clinic mode: everything but the sign-in/share routes and the static files needs a live session
   (page loads are sent to /signin, everything else gets 401, websockets are refused).
4. Every HTTP response gets the security headers (`SECURITY_HEADERS`), unless the route set its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from ditmap.web import html
from ditmap.web.hosts import allowed_hosts, client_address, host_allowed, is_loopback, origin_allowed

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable, Callable], Awaitable[None]]

COOKIE = "ditmap_session"
PENDING_COOKIE = "ditmap_pending"
SECURITY_HEADERS = {
    "content-security-policy": "frame-ancestors 'self'; base-uri 'self'; object-src 'none'; form-action 'self'",
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
PUBLIC_PATHS = ("/signin", "/signin/code", "/signout", "/join", "/_stcore/health", "/favicon.png")
PUBLIC_PREFIXES = ("/share/", "/static/")


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def _clinic():  # type: ignore[no-untyped-def]
    from ditmap.services.clinic import services
    from ditmap.ui.state import store

    return services(store())


def _is_clinic_mode() -> bool:
    from ditmap.services.clinic import CLINIC

    return _clinic().mode() == CLINIC


def _live(token: str | None, address: str):  # type: ignore[no-untyped-def]
    accounts = _clinic().accounts
    return None if accounts is None or not token else accounts.live(token, address=address)


class Guard:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        clinic_mode = await run_in_threadpool(_is_clinic_mode)
        allowed = allowed_hosts(clinic_mode)
        if not host_allowed(headers.get("host", ""), allowed) or not origin_allowed(headers.get("origin"), allowed):
            await _refuse(scope, receive, send, PlainTextResponse(html.foreign_host(), status_code=421))
            return
        peer = (scope.get("client") or ("", 0))[0] or ""
        address = client_address(peer, headers.get("x-forwarded-for"))
        scope.setdefault("state", {})["ditmap_address"] = address
        if not clinic_mode and not is_loopback(address):
            page = HTMLResponse(html.personal_mode_elsewhere(), status_code=403,
                                headers={"content-security-policy": html.PAGE_CSP})
            await _refuse(scope, receive, send, page)
            return
        if clinic_mode and not is_public(scope["path"]):
            token = HTTPConnection(scope).cookies.get(COOKIE)
            live = await run_in_threadpool(_live, token, address)
            if live is None:
                wants_page = (scope["type"] == "http" and scope.get("method") in ("GET", "HEAD")
                              and "text/html" in headers.get("accept", ""))
                response: Response = (RedirectResponse("/signin", status_code=303) if wants_page
                                      else PlainTextResponse("Sign in first.\n", status_code=401))
                await _refuse(scope, receive, send, response)
                return
        await self.app(scope, receive, _with_headers(scope, send))


def _with_headers(scope: Scope, send: Callable) -> Callable:
    if scope["type"] != "http":
        return send

    async def sending(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in SECURITY_HEADERS.items():
                if name not in headers:
                    headers[name] = value
        await send(message)

    return sending


async def _refuse(scope: Scope, receive: Callable, send: Callable, response: Response) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    await response(scope, receive, _with_headers(scope, send))
