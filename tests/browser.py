"""Serve the app on a free loopback port and drive Debian's chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Playwright, expect
from waitress.server import create_server

from assessor.demo import DEMO_PASSWORD

from .conftest import PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}


def chromium_path() -> str:
    """Debian's chromium; skipped where it is missing, except in CI, where that is a failure."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "Debian's chromium is not installed (apt-get install chromium; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Run the app under waitress in a thread; yield its base URL."""
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)


def launch(playwright: Playwright) -> Browser:
    """Debian's chromium, headless, driven by Playwright (no browser download)."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def open_page(browser: Browser, locale: str | None = None) -> Page:
    """A page in a fresh browser context (one person's own cookies), 1280×900, in the locale
    given (the browser's own otherwise); closing `page.context` ends it."""
    return browser.new_context(locale=locale, viewport=VIEWPORT).new_page()


def submit_sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """On the sign-in page: fill the form by its English labels and send it."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in_page(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the sign-in form, as a person does; wait for the list of assessments."""
    page.goto(base_url + "/login")
    submit_sign_in(page, username, password)
    expect(page.get_by_role("heading", name="Organizations", level=1)).to_be_visible()


def sign_in_by_ids(page: Page, base_url: str, username: str, password: str) -> None:
    """Open the sign-in form and send it, its fields found by their ids whatever the page's
    language; the caller waits for what it expects next."""
    page.goto(base_url + "/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("form:has(#username) button[type=submit]").click()


def sign_in_chinese(page: Page, base_url: str, username: str) -> None:
    """Sign in as one of the demo's people on a Chinese page; wait for 组织 (Organizations)."""
    sign_in_by_ids(page, base_url, username, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="组织", level=1)).to_be_visible()


def watch_problems(page: Page) -> list[str]:
    """The list that collects, from now on, the page's script errors and failed responses."""
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and "404" not in message.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    # A missing file shows as a 404 response; the browser's own favicon request is not ours.
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    return problems
