"""The routes and the middleware at the ASGI level (no browser): Host and Origin checks, security headers,
personal mode elsewhere, clinic pages behind a session, the sign-in cookie's flags, and share redemption."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from ditmap.accounts.model import THERAPIST, Identity
from ditmap.services.clinic import services
from ditmap.ui import state
from ditmap.web.hosts import client_address, host_allowed, host_name, origin_allowed
from ditmap.web.middleware import Guard
from ditmap.web.routes import ROUTES
from tests.async_support import run_async
from tests.clinic_support import FAST, PASSWORD, empty_map


async def _page(request):  # stands in for Streamlit's pages
    return PlainTextResponse("the app page")


APP = Starlette(routes=[*ROUTES, Route("/{path:path}", _page)], middleware=[Middleware(Guard)])


def call(method: str, path: str, *, host: str = "127.0.0.1:8501", client: str = "127.0.0.1",
         headers: dict[str, str] | None = None, body: bytes = b"") -> tuple[int, dict[str, list[str]], bytes]:
    """One HTTP request through the ASGI app: (status, headers (lower-case, all values), body)."""
    raw = [(b"host", host.encode())] + [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    path, _, query = path.partition("?")
    scope = {"type": "http", "http_version": "1.1", "method": method, "path": path, "raw_path": path.encode(),
             "query_string": query.encode(), "headers": raw, "client": (client, 50000), "server": ("127.0.0.1", 8501),
             "scheme": "http", "root_path": ""}
    sent: list[dict] = []
    chunks = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive():
        return chunks.pop(0) if chunks else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    run_async(APP(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    out: dict[str, list[str]] = {}
    for k, v in start["headers"]:
        out.setdefault(k.decode().lower(), []).append(v.decode())
    return start["status"], out, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def form(fields: dict[str, str]) -> tuple[dict[str, str], bytes]:
    return ({"content-type": "application/x-www-form-urlencoded", "origin": "http://127.0.0.1:8501"},
            urlencode(fields).encode())


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("DITMAP_DB", str(tmp_path / "web.sqlite3"))
    state._open.cache_clear()
    s = state.store()
    yield s
    state._open.cache_clear()


def clinic_on(store):
    c = services(store)
    c.accounts.hasher = FAST
    c.accounts.add("ann", PASSWORD, {THERAPIST})
    c._personal_checked = -1e9
    return c


def test_host_names():
    assert host_name("[::1]:8501") == "::1" and host_name("LocalHost:8501") == "localhost"
    allowed = frozenset({"localhost", "127.0.0.1", "::1", "ditmap.clinic.example"})
    assert host_allowed("ditmap.clinic.example.", allowed) and not host_allowed("evil.example", allowed)
    assert origin_allowed(None, allowed) and origin_allowed("https://ditmap.clinic.example", allowed)
    assert not origin_allowed("http://evil.example:8501", allowed)
    assert client_address("127.0.0.1", "10.1.2.3, 127.0.0.1", frozenset({"127.0.0.1"})) == "10.1.2.3"
    assert client_address("10.9.9.9", "10.1.2.3", frozenset({"127.0.0.1"})) == "10.9.9.9"  # untrusted peer


def test_personal_mode_headers_hosts_and_elsewhere(store):
    status, headers, body = call("GET", "/")
    assert status == 200 and body == b"the app page"
    assert headers["content-security-policy"] == ["frame-ancestors 'self'; base-uri 'self'; object-src 'none'; "
                                                  "form-action 'self'"]
    assert headers["x-frame-options"] == ["SAMEORIGIN"] and headers["x-content-type-options"] == ["nosniff"]
    assert headers["referrer-policy"] == ["same-origin"]
    status, _, body = call("GET", "/", host="rebind.example:8501")
    assert status == 421 and b"app page" not in body
    status, _, body = call("GET", "/", headers={"origin": "http://evil.example"})
    assert status == 421
    status, _, body = call("GET", "/", client="192.168.1.20")  # another computer, no accounts yet
    assert status == 403 and b"ditmap user add --admin" in body and b"app page" not in body


def test_clinic_mode_needs_a_session_and_sign_in_sets_a_safe_cookie(store, monkeypatch):
    clinic_on(store)
    monkeypatch.setenv("DITMAP_HOSTS", "ditmap.clinic.example")
    status, headers, _ = call("GET", "/", headers={"accept": "text/html"})
    assert status == 303 and headers["location"] == ["/signin"]
    assert call("GET", "/_stcore/host-config")[0] == 401
    assert call("GET", "/media/abc.png")[0] == 401
    assert call("GET", "/_stcore/health")[0] == 200  # public
    assert call("GET", "/", host="ditmap.clinic.example", headers={"accept": "text/html"})[0] == 303  # a known name
    h, b = form({"name": "ann", "password": "wrong password!!"})
    status, headers, body = call("POST", "/signin", headers=h, body=b)
    assert status == 401 and b"did not work" in body and "set-cookie" not in headers
    h, b = form({"name": "ann", "password": PASSWORD})
    status, headers, _ = call("POST", "/signin", headers=h, body=b)
    assert status == 303 and headers["location"] == ["/"]
    (cookie,) = headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie and "Secure" not in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    status, _, body = call("GET", "/", headers={"cookie": f"ditmap_session={token}", "accept": "text/html"})
    assert status == 200 and body == b"the app page"
    monkeypatch.setenv("DITMAP_SECURE_COOKIES", "1")
    status, headers, _ = call("POST", "/signin", headers=h, body=b)
    assert "Secure" in headers["set-cookie"][0]
    status, headers, _ = call("POST", "/signout", headers={"cookie": f"ditmap_session={token}"})
    assert status == 200 and "ditmap_session=" in headers["set-cookie"][0]
    assert call("GET", "/", headers={"cookie": f"ditmap_session={token}", "accept": "text/html"})[0] == 303


def test_a_share_link_is_redeemed_once_without_leaving_the_token_behind(store):
    c = clinic_on(store)
    map_id = store.create_map("K.", empty_map()).id
    c.records.set_owner(map_id, "ann")
    new = c.shares.create(Identity("ann", frozenset({THERAPIST})), map_id)
    status, headers, _ = call("GET", new.path())
    assert status == 303 and headers["location"] == ["/"]
    assert headers["referrer-policy"] == ["no-referrer"] and headers["cache-control"] == ["no-store"]
    assert "HttpOnly" in headers["set-cookie"][0]
    status, headers, body = call("GET", new.path())  # single use
    assert status == 403 and b"not valid" in body and headers["referrer-policy"] == ["no-referrer"]
    new = c.shares.create(Identity("ann", frozenset({THERAPIST})), map_id)
    h, b = form({"code": new.code})
    status, headers, _ = call("POST", "/join", headers=h, body=b)
    assert status == 303 and headers["location"] == ["/"] and headers["referrer-policy"] == ["no-referrer"]
