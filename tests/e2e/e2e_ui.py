"""Small Playwright helpers for Streamlit widgets (shared by the e2e tests)."""

from __future__ import annotations

import re
import time

import pyotp
from playwright.sync_api import Locator, Page, expect


def wait_idle(page: Page, timeout: float = 15_000) -> None:
    """Wait until Streamlit has finished the current run (Streamlit's own e2e tests do the same)."""
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=timeout)
    page.wait_for_timeout(150)
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=timeout)


def goto(page: Page, url: str, timeout: float = 60_000, wait_until: str = "load") -> None:
    """Open `url` and wait for its run (a server's first run imports everything: slow on a busy machine).

    `wait_until="domcontentloaded"` does not wait for the drawing's frame to load."""
    page.goto(url, wait_until=wait_until)
    page.wait_for_selector("[data-testid=stApp]")
    wait_idle(page, timeout)


def sign_in(page: Page, url: str, name: str, password: str, *, code_secret: str | None = None,
            timeout: float = 60_000) -> None:
    """Sign in through the sign-in page as a person does (and the one-time code, given the account's secret)."""
    page.set_default_timeout(timeout)
    page.goto(f"{url}/")
    page.wait_for_url(re.compile(r"/signin$"))
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if code_secret:
        page.wait_for_url(re.compile(r"/signin/code$"))
        page.get_by_label(re.compile("6-digit code")).fill(pyotp.TOTP(code_secret).now())
        page.get_by_role("button", name="Continue").click()
    page.wait_for_selector("[data-testid=stApp]")
    wait_idle(page, timeout)


def select(page: Page, label: str, option: str, *, scope: Page | Locator | None = None,
           exact: bool = True) -> None:
    """Choose `option` in the Streamlit selectbox labelled `label` (retrying if a rerun closed the list)."""
    root = scope or page
    box = root.get_by_role("combobox", name=label).first
    choice = page.get_by_role("option", name=option, exact=True) if exact else \
        page.get_by_role("option").filter(has_text=option)
    for attempt in range(4):
        if attempt % 2:
            box.press("ArrowDown")  # the keyboard way to open the list
        else:
            box.click()
        try:
            choice.first.wait_for(state="visible", timeout=1500)
        except Exception:
            continue
        choice.first.click()
        return
    raise AssertionError(f"could not choose {option!r} in {label!r}")


def options(page: Page, label: str, *, scope: Page | Locator | None = None) -> list[str]:
    """The options a Streamlit selectbox offers (opened as a person would, then closed)."""
    box = (scope or page).get_by_role("combobox", name=label).first
    for attempt in range(4):
        if attempt % 2:
            box.press("ArrowDown")
        else:
            box.click()
        try:
            page.get_by_role("option").first.wait_for(state="visible", timeout=1500)
        except Exception:
            continue
        texts = page.get_by_role("option").all_inner_texts()
        page.keyboard.press("Escape")
        return texts
    raise AssertionError(f"could not open {label!r}")


def fill(page: Page, label: str, text: str, *, scope: Page | Locator | None = None) -> None:
    root = scope or page
    box = root.get_by_role("textbox", name=label).first
    box.fill(text)


def click(page: Page, name: str, *, scope: Page | Locator | None = None, last: bool = False,
          exact: bool = True) -> None:
    root = scope or page
    buttons = root.get_by_role("button", name=name, exact=exact)
    (buttons.last if last else buttons.first).click()
    wait_idle(page)


def nav(page: Page, title: str) -> None:
    """Go to a page through the sidebar navigation (as a person would)."""
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
    link.click()
    expect(link).to_have_attribute("aria-current", "page", timeout=30_000)  # the run the click starts has begun
    wait_idle(page)


def record_frames(page: Page) -> list[bytes]:
    """Every websocket frame the page receives from the server from now on (what reaches the browser, shown
    or not); clear the list to start again."""
    frames: list[bytes] = []

    def on_ws(ws) -> None:
        ws.on("framereceived", lambda f: frames.append(f if isinstance(f, bytes) else f.encode()))

    page.on("websocket", on_ws)
    return frames


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.05):
    """Poll until `predicate()` is truthy; return its value (or raise after `timeout` seconds)."""
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError("timed out waiting")
        time.sleep(interval)


def all_frames_eval(page: Page, expression: str) -> list:
    """Evaluate `expression` in the page and in every frame inside it."""
    out = []
    for frame in page.frames:
        try:
            out.append(frame.evaluate(expression))
        except Exception as err:  # a frame that navigated away mid-way
            out.append(f"error: {err}")
    return out


CLIENT_VIEW_PIN = "2468"


def client_view_on(page: Page, pin: str = CLIENT_VIEW_PIN) -> None:
    """Switch the (personal-mode) client view on as the therapist does; the first time, choose the PIN."""
    page.get_by_text("Client view", exact=True).click()
    new_pin = page.get_by_label("New PIN")
    switch_off = page.get_by_role("button", name="Therapist: switch off")
    new_pin.or_(switch_off).first.wait_for()  # the run the click starts may not have begun yet
    wait_idle(page)
    if new_pin.count():
        new_pin.fill(pin)
        page.get_by_label("The same PIN again").fill(pin)
        page.get_by_role("button", name="Turn on").click()
        switch_off.wait_for()
        wait_idle(page)
