"""Pages on a phone, in a real headless Chromium: in Chinese and in English, a 390 px wide
screen shows each page without sideways scrolling of the whole page (wide tables scroll in
their own frame), and the breadcrumb's levels stand in order, each after a divider."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser

from assessor.demo import DEMO_PASSWORD
from assessor.extensions import store_of

from .browser import serve, sign_in_by_ids
from .conftest import demo_app
from .test_browser_chinese import CHINESE_ORGANIZATION

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def phone_app(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return demo_app(demo_template, tmp_path_factory.mktemp("phone"))


def pages_of(app: Flask, chinese: bool) -> list[str]:
    """A page of each kind that has a breadcrumb or a wide table, in the 2025 cycle."""
    record = next(record for record in store_of(app).assessments.all()
                  if record.cycle == "2025"
                  and (record.organization == CHINESE_ORGANIZATION) == chinese)
    cycle, organization = f"/a/{record.id}", f"/o/{record.organization_id}"
    return ["/", f"{cycle}/", f"{cycle}/items/4.1.2", f"{cycle}/team/", f"{cycle}/review/",
            f"{cycle}/consensus/items/4.1.2", f"{cycle}/gaps/", f"{organization}/kpis/",
            f"{organization}/plans/", f"{organization}/units/"]


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_no_page_is_wider_than_a_phone(browser: Browser, phone_app: Flask,
                                       locale: str) -> None:
    context = browser.new_context(locale=locale, viewport=PHONE)
    page = context.new_page()
    with serve(phone_app) as base_url:
        sign_in_by_ids(page, base_url, "coordinator", DEMO_PASSWORD)  # in either language
        page.wait_for_url(base_url + "/")
        too_wide = {}
        for path in pages_of(phone_app, chinese=locale == "zh-CN"):
            page.goto(base_url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide[path] = width
            crumbs = page.locator("nav.breadcrumb li")
            for n in range(crumbs.count()):
                divider = crumbs.nth(n).evaluate(
                    "element => getComputedStyle(element, '::before').content")
                # The first level has none, every other one opens with Pico's divider.
                assert (divider == '">"') == (n > 0), (path, n, divider)
    context.close()
    assert not too_wide, too_wide
