"""Clinic mode in a real browser (issue 12, "What must hold"): accounts and sign-in, therapist B never sees
therapist A's map, a supervisor reads and comments but cannot edit, a share puts a tablet in the client
view (its edits reach the therapist within 2 s) until *End sharing* drops it, idle sign-out with a
warning, lockout after five bad passwords, an HttpOnly cookie, no framing from another origin, no page
for a foreign Host, and a server that never connects beyond loopback."""

from __future__ import annotations

import http.client
import http.server
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import e2e_ui
import pyotp
import pytest
from browser_support import StreamlitServer
from e2e_ui import select, wait_for, wait_idle
from tests_paths import ROOT, SAMPLE

from ditmap.accounts.model import SUPERVISOR, THERAPIST
from ditmap.accounts.signin import Accounts
from ditmap.fileformat import load
from ditmap.store import open_store

pytestmark = pytest.mark.e2e

PASSWORD = "a long quiet river 42"
SECRET = pyotp.random_base32()
MAP_NAME = "Ann's client K."


class Clinic:
    def __init__(self, url: str, db: Path, net_log: Path, ann_map: str, bob_map: str):
        self.url, self.db, self.net_log, self.ann_map, self.bob_map = url, db, net_log, ann_map, bob_map

    def records(self):
        return open_store(self.db).clinic()


def _setup(db: Path) -> tuple[str, str]:
    store = open_store(db)
    accounts = Accounts(store.clinic())
    accounts.add("ann", PASSWORD, {THERAPIST})
    accounts.add("bob", PASSWORD, {THERAPIST})
    accounts.add("sue", PASSWORD, {SUPERVISOR})
    accounts.add("dan", PASSWORD, {THERAPIST})
    records = store.clinic()
    records.save_account(replace(records.account("sue"), totp_secret=SECRET))  # her app is already set up
    accounts.assign("ann", "sue")
    ann_map = store.create_map(MAP_NAME, load(SAMPLE)).id
    bob_map = store.create_map("Bob's client", load(SAMPLE)).id
    records.set_owner(ann_map, "ann")
    records.set_owner(bob_map, "bob")
    return ann_map, bob_map


def _start(tmp: Path, **env: str) -> tuple[StreamlitServer, Path]:
    db = tmp / "clinic.sqlite3"
    net_log = tmp / "net.log"
    server = StreamlitServer("streamlit_app.py", {"DITMAP_DB": str(db), "DITMAP_NET_LOG": str(net_log),
                                                  "PYTHONPATH": f"{ROOT / 'tests/e2e/netwatch'}:{ROOT}", **env},
                             log=tmp / "server.log")
    return server, net_log


@pytest.fixture(scope="module")
def clinic(tmp_path_factory) -> Iterator[Clinic]:
    tmp = tmp_path_factory.mktemp("clinic")
    ann_map, bob_map = _setup(tmp / "clinic.sqlite3")
    server, net_log = _start(tmp)
    yield Clinic(server.url, tmp / "clinic.sqlite3", net_log, ann_map, bob_map)
    server.stop()


SLOW = 60_000  # a first page load on a busy machine can take 20 s


def goto(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid=stApp]")
    wait_idle(page, SLOW)


def nav(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    page.wait_for_timeout(300)
    wait_idle(page, SLOW)


def sign_in(page, url: str, name: str, password: str = PASSWORD, *, code_secret: str | None = None) -> None:
    """The shared sign-in (e2e_ui.sign_in) with this module's password and patience."""
    e2e_ui.sign_in(page, url, name, password, code_secret=code_secret, timeout=SLOW)


def test_the_session_cookie_is_httponly_and_the_page_cannot_read_it(page, clinic):
    sign_in(page, clinic.url, "ann")
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "ditmap_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert "ditmap_session" not in page.evaluate("document.cookie")
    assert cookie["value"] not in str(clinic.records().audit_rows())


def test_therapist_b_never_sees_therapist_a_map(page, clinic):
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    sign_in(page, clinic.url, "bob")
    assert page.get_by_text("Bob's client").count() == 1
    assert page.get_by_text(MAP_NAME).count() == 0  # not in the list
    for path in (f"/?map={clinic.ann_map}", f"/map?map={clinic.ann_map}", f"/history?map={clinic.ann_map}",
                 f"/sessions?map={clinic.ann_map}&view=0&as=therapist"):
        goto(page, clinic.url + path)
        assert page.get_by_text("This map is not open to you.").count() == 1, path
        assert page.get_by_text(MAP_NAME).count() == 0, path
    assert not any(MAP_NAME in f for f in frames)  # nothing of A's map reached B's browser
    refused = [r for r in clinic.records().audit_rows(actor="bob") if r.outcome == "refused"]
    assert refused and all(r.map_id == clinic.ann_map for r in refused)


def test_a_supervisor_reads_and_comments_but_cannot_edit(page, clinic):
    sign_in(page, clinic.url, "sue", code_secret=SECRET)
    assert page.get_by_text(MAP_NAME).count() == 1 and page.get_by_text("Bob's client").count() == 0
    goto(page, f"{clinic.url}/people?map={clinic.ann_map}")
    assert page.get_by_text("Read-only.").count() == 1
    assert page.get_by_role("button", name="Undo").count() == 0
    assert page.get_by_role("button", name="Download…").count() == 0
    before = open_store(clinic.db).version(clinic.ann_map)
    nav(page, "History")
    page.get_by_role("tab", name="Comments").click()
    select(page, "About", "person ·", exact=False)  # a comment is about something (the form asks)
    text = page.get_by_role("textbox", name="Comment").first
    text.fill("Is the therapy corner evidence strong enough?")
    page.get_by_role("button", name="Add comment").first.click()
    wait_idle(page, SLOW)
    m, after = open_store(clinic.db).load(clinic.ann_map)
    assert m.comments[-1].text == "Is the therapy corner evidence strong enough?" and after == before + 1
    assert [r.action for r in clinic.records().audit_rows(actor="sue")][-1] == "comment"


def test_a_share_puts_the_tablet_in_the_client_view_until_it_is_ended(context_factory, clinic):
    therapist = context_factory().new_page()
    sign_in(therapist, clinic.url, "ann")
    goto(therapist, f"{clinic.url}/?map={clinic.ann_map}")
    therapist.get_by_text("Share with client").click()
    therapist.get_by_role("button", name="New share for this map").click()
    wait_idle(therapist, SLOW)
    code = therapist.locator("[data-testid=stCode] code").first.inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert therapist.get_by_text("Waiting for the tablet to join").count() >= 1

    tablet = context_factory(viewport={"width": 820, "height": 1180}, has_touch=True).new_page()
    tablet.set_default_timeout(SLOW)
    tablet.goto(f"{clinic.url}/join")
    tablet.get_by_label(re.compile("code your therapist")).fill(code.lower())
    tablet.get_by_role("button", name="Join").click()  # (its headers: tests/test_clinic_web.py)
    # Redirected to the app's root, the address holding no token (the app may then name its page in the address).
    tablet.wait_for_url(re.compile(rf"^{re.escape(clinic.url)}/(map)?(\?[^/]*)?$"), wait_until="commit")
    assert "join" not in tablet.url and "share" not in tablet.url
    tablet.wait_for_selector("[data-testid=stApp]")
    wait_idle(tablet, SLOW)
    assert tablet.get_by_role("heading", name="Our map").count() == 1
    assert tablet.get_by_test_id("stSidebarNav").get_by_role("link", name="History").count() == 0
    assert tablet.get_by_role("checkbox", name=re.compile("Client view")).count() == 0  # nothing to switch off
    wait_for(lambda: therapist.get_by_text(re.compile("Tablet joined")).count() > 0, timeout=5)

    for way_out in (f"/?map={clinic.bob_map}", "/?view=0", "/history", "/"):  # the tablet cannot leave
        goto(tablet, clinic.url + way_out)
        assert tablet.get_by_role("heading", name="Our map").count() == 1, way_out
        assert tablet.get_by_text("Bob's client").count() == 0

    # The tablet adds a person (the People page's add form: the page's other "name" box edits a chosen person).
    nav(tablet, "People in your life")
    add_form = tablet.get_by_test_id("stForm").filter(has=tablet.get_by_role("button", name="Add person"))
    add_form.get_by_role("textbox", name="name").fill("Newcomer")
    wait_idle(tablet, SLOW)
    wait_idle(therapist, SLOW)
    add_form.get_by_role("button", name="Add person").click()
    clicked = time.monotonic()
    drawing = therapist.locator(".nv").first
    wait_for(lambda: drawing.get_by_role("button", name=re.compile(r"^Newcomer\b")).count() > 0, timeout=10)
    took = time.monotonic() - clicked
    assert took < 2.0, f"the tablet's new person took {took:.1f} s to reach the therapist's drawing"
    assert "Newcomer" in {p.alias for p in open_store(clinic.db).load(clinic.ann_map)[0].people}
    edits = [r for r in clinic.records().audit_rows(map_id=clinic.ann_map) if r.action == "edit"]
    assert edits and edits[-1].actor == "client" and edits[-1].role == "client" and edits[-1].outcome == "ok"
    assert "Newcomer" not in str(clinic.records().audit_rows())  # the trail holds no clinical text

    therapist.get_by_role("button", name="End sharing").click()
    ended = time.monotonic()
    tablet.wait_for_url(re.compile(r"/signout\?why=ended"), timeout=5_000)
    assert time.monotonic() - ended < 3.0  # a second's poll, then the page goes
    assert tablet.get_by_text("The shared session has ended").count() == 1
    tablet.goto(f"{clinic.url}/")
    assert "/signin" in tablet.url
    actions = [r.action for r in clinic.records().audit_rows(map_id=clinic.ann_map)]
    assert {"share-create", "share-redeem", "share-end"} <= set(actions)


def test_five_bad_passwords_lock_the_account(page, clinic):
    page.set_default_timeout(SLOW)
    for _ in range(5):
        page.goto(f"{clinic.url}/signin")
        page.get_by_label("Name").fill("dan")
        page.get_by_label("Password").fill("not the right one at all")
        page.get_by_role("button", name="Sign in").click()
        assert page.get_by_role("alert").count() == 1
    page.goto(f"{clinic.url}/signin")
    page.get_by_label("Name").fill("dan")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert "/signin" in page.url and page.get_by_role("alert").count() == 1
    assert not [c for c in page.context.cookies() if c["name"] == "ditmap_session"]
    assert clinic.records().audit_rows(actor="dan")[-1].outcome == "locked"


class _Framer(http.server.BaseHTTPRequestHandler):
    target = ""

    def do_GET(self) -> None:
        body = f'<!doctype html><iframe id="f" src="{self.target}/" width="800" height="600"></iframe>'.encode()
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_another_origin_cannot_frame_the_app(page, clinic):
    _Framer.target = clinic.url
    other = http.server.HTTPServer(("127.0.0.1", 0), _Framer)  # another origin (another port), on loopback
    threading.Thread(target=other.serve_forever, daemon=True).start()
    page.set_default_timeout(SLOW)
    try:
        with page.expect_response(lambda r: r.url.rstrip("/") == clinic.url) as framed:
            page.goto(f"http://127.0.0.1:{other.server_port}/")
        headers = framed.value.headers
        assert "frame-ancestors 'self'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "SAMEORIGIN" and headers["x-content-type-options"] == "nosniff"
        page.wait_for_timeout(1500)
        frame = page.frames[1]
        assert frame.evaluate("() => document.querySelector('[data-testid=stApp]')") is None
    finally:
        other.shutdown()


def _raw(url: str, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    return r.status, r.read()


def test_a_foreign_host_or_origin_gets_no_page_and_the_server_looks_nowhere(clinic):
    status, body = _raw(clinic.url, "/", {"Host": "rebind.example:8501"})
    assert status == 421 and b"stApp" not in body and b"<script" not in body
    status, _ = _raw(clinic.url, "/_stcore/stream", {"Host": "127.0.0.1", "Origin": "http://evil.example",
                                                      "Connection": "Upgrade", "Upgrade": "websocket",
                                                      "Sec-WebSocket-Version": "13",
                                                      "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert status in (403, 421)
    status, _ = _raw(clinic.url, "/_stcore/stream", {"Host": "127.0.0.1", "Connection": "Upgrade",
                                                      "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                                                      "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert status in (401, 403)  # clinic mode: no websocket without a session
    time.sleep(1)
    lines = clinic.net_log.read_text().splitlines()
    assert lines[0] == "watching" and lines[1:] == [], lines  # the watch ran, and saw nothing beyond loopback


@pytest.fixture(scope="module")
def idle_clinic(tmp_path_factory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("idle")
    _setup(tmp / "clinic.sqlite3")
    server, _ = _start(tmp, DITMAP_IDLE_MINUTES="0.75")  # 45 s; the warning shows 20 s before
    yield server.url
    server.stop()


def test_a_short_idle_timeout_warns_then_signs_out(page, idle_clinic):
    signed_in = time.monotonic()  # before the password is sent: the idle time counts from after it
    sign_in(page, idle_clinic, "ann")
    warning = page.get_by_text(re.compile("You will be signed out in about"))
    warning.wait_for(timeout=40_000)
    warned = time.monotonic() - signed_in
    assert 15 <= warned <= 45, warned  # warned at least 20 s before the end, not straight away
    assert page.get_by_role("button", name="Stay signed in").count() == 1
    page.wait_for_url(re.compile(r"/signout\?why=idle"), timeout=40_000)
    assert time.monotonic() - signed_in >= 44
    assert page.get_by_text("signed out after a while without activity").count() == 1
    page.goto(f"{idle_clinic}/")
    assert "/signin" in page.url  # the session is gone on the server too
