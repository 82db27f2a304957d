"""What a person sees, in a real headless Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright

from assessor import create_app
from assessor.extensions import USERS_KEY

from .browser import launch, serve, sign_in_page
from .conftest import COORDINATOR, PASSWORD, app_config

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """The app as in production (CSRF on), with one user to sign in as (an administrator,
    who may create organizations)."""
    app = create_app(app_config(tmp_path, WTF_CSRF_ENABLED=True, TESTING=False))
    app.extensions[USERS_KEY].create(COORDINATOR, "Quality Manager", PASSWORD, is_admin=True)
    return app


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    with serve(app) as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_create_assessment_answer_and_see_progress(page: Page, base_url: str) -> None:
    sign_in_page(page, base_url, COORDINATOR)
    expect(page.get_by_text("No organizations for you yet")).to_be_visible()
    page.get_by_role("button", name="New cycle").click()
    page.locator("#organization").select_option(label="A new organization…")
    page.get_by_label("Name of the new organization").fill("Riverside Textiles")
    page.get_by_label("Assessment cycle").fill("2026")
    page.get_by_role("button", name="Create cycle").click()
    expect(page.get_by_role("heading", name="Riverside Textiles")).to_be_visible()

    item_row = page.locator("tr", has=page.get_by_role("link", name=re.compile("Role of senior")))
    expect(item_row).to_contain_text("0/13")
    item_row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("4.1.2")

    answer = "Senior leaders review the vision **every March** with all plant managers."
    page.locator("#answer_4_1_2_a").fill(answer)
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_role("status")).to_contain_text("Saved 1 answer")
    expect(page.locator(".section-progress")).to_contain_text("1/13")

    page.reload()
    expect(page.locator("#answer_4_1_2_a")).to_have_value(answer)
    page.get_by_role("link", name="Overview").click()
    expect(item_row).to_contain_text("1/13")
    page.get_by_role("link", name="Read answers").click()
    expect(page.locator(".answer-text strong")).to_have_text("every March")
