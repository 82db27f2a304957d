"""The gap report in a real headless Chromium, in Chinese and in English: the three charts are
drawn (as SVG, without a console error or a refused script or style), their figures match
the tables beside them, the page has no English on it in Chinese, and the charts stay on the
printed page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page

from assessor.demo import DEMO_PASSWORD
from assessor.extensions import store_of
from assessor.organizations import AssessmentRecord

from .browser import open_page, serve, sign_in_by_ids, watch_problems
from .conftest import demo_app
from .test_browser_chinese import CHINESE_ORGANIZATION, english_words

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def gaps_app(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return demo_app(demo_template, tmp_path_factory.mktemp("gaps"), WTF_CSRF_ENABLED=True,
                    TESTING=False)


def closed_2025(app: Flask, chinese: bool) -> AssessmentRecord:
    return next(record for record in store_of(app).assessments.all()
                if record.cycle == "2025"
                and (record.organization == CHINESE_ORGANIZATION) == chinese)


def open_gap_report(browser: Browser, base_url: str, record: AssessmentRecord,
                    locale: str) -> tuple[Page, list[str]]:
    page = open_page(browser, locale)
    problems = watch_problems(page)
    sign_in_by_ids(page, base_url, "coordinator", DEMO_PASSWORD)
    page.wait_for_url(base_url + "/")
    page.goto(f"{base_url}/a/{record.id}/gaps/")
    page.wait_for_selector(".chart-drawn svg")
    return page, problems


def check_charts_match_tables(page: Page) -> None:
    charts = page.locator(".chart-canvas")
    assert charts.count() == 3
    for index in range(3):  # each drawn as SVG, with something in it
        assert charts.nth(index).locator("svg path").count() > 10
    items = page.locator("#items-table tbody tr")
    rows = [items.nth(n).get_attribute("data-item") for n in range(items.count())]
    gaps = [page.locator(f'#items-table tr[data-item="{item}"] td.gap-points').inner_text()
            for item in rows]
    with_gap = [item for item, gap in zip(rows, gaps, strict=True) if gap not in ("0", "–")]
    pareto = json.loads(charts.nth(2).get_attribute("data-chart"))
    assert pareto["xAxis"]["data"] == with_gap  # the bars, in the table's order
    assert [f"{value:g}" for value in pareto["series"][0]["data"]] == [
        gap for gap in gaps if gap not in ("0", "–")]
    radar = json.loads(charts.nth(0).get_attribute("data-chart"))
    category_rows = page.locator("#categories-table tbody tr")
    assert len(radar["radar"]["indicator"]) == category_rows.count() == 7
    scores = [category_rows.nth(n).locator("td").nth(2).inner_text()
              for n in range(category_rows.count())]
    assert [f"{value}%" for value in radar["series"][0]["data"][1]["value"]] == scores


def test_the_gap_report_in_english(gaps_app: Flask, browser: Browser) -> None:
    with serve(gaps_app) as base_url:
        page, problems = open_gap_report(browser, base_url, closed_2025(gaps_app, False),
                                         "en-US")
        check_charts_match_tables(page)
        assert "Changes are since cycle 2024" in page.inner_text(".gap-compared")
        page.emulate_media(media="print")
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        assert page.locator(".chart-canvas svg").first.is_visible()
        assert page.locator(".report-actions").is_hidden()
        assert problems == []


def test_the_gap_report_in_chinese(gaps_app: Flask, browser: Browser) -> None:
    with serve(gaps_app) as base_url:
        page, problems = open_gap_report(browser, base_url, closed_2025(gaps_app, True),
                                         "zh-CN")
        check_charts_match_tables(page)
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        # The radar's spokes and legend are in Chinese; so is every word of the page.
        radar = json.loads(page.locator(".chart-canvas").first.get_attribute("data-chart"))
        assert radar["radar"]["indicator"][0]["name"] == "4.1 领导"
        assert page.locator(".chart-canvas").first.locator("text", has_text="领导").count()
        organization_words = set(english_words(CHINESE_ORGANIZATION, set()))
        text = page.evaluate("""() => {  // statement ids (s7a83…) are codes, not words
            const main = document.querySelector('main').cloneNode(true);
            main.querySelectorAll('.statement-id').forEach(element => element.remove());
            return main.innerText;
        }""")
        assert english_words(text, organization_words | {"CSV", "JSON"}) == []
        assert problems == []
