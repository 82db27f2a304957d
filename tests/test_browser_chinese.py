"""A writer and an examiner work through their pages in Chinese, in a real headless Chromium,
and find no English interface text on them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from assessor.access import Phase
from assessor.demo import DEMO_DIR
from assessor.extensions import store_of
from assessor.organizations import AssessmentRecord
from assessor.phases import move_to

from .browser import open_page, serve, sign_in_chinese
from .conftest import demo_app as copy_of_demo

pytestmark = pytest.mark.browser

CHINESE_ORGANIZATION = "临澜市第三人民医院"
# Words that are the same in a Chinese interface (names of methods, formats and the product).
ALLOWED = {"ADLI", "LeTCI", "KPI", "PDCA", "SMART", "Markdown", "PDF", "HTML", "assessor",
           "English",  # the language switch names the other language in that language
           "Cpk", "ppm"}  # measures the Chinese criteria name as such
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")


def english_words(text: str, also_allowed: set[str]) -> list[str]:
    """English words in a page's visible text, less the allowed ones and acronyms (content such
    as DRG or NPS in an answer is the organization's own wording, not the interface's)."""
    return sorted({word for word in WORD.findall(text)
                   if word not in ALLOWED | also_allowed
                   and not (word.isupper() and len(word) <= 6)})


@pytest.fixture(scope="module")
def demo_app(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The demo, with the Chinese organization's 2026 cycle opened for review."""
    app = copy_of_demo(demo_template, tmp_path_factory.mktemp("zh"), WTF_CSRF_ENABLED=True,
                       TESTING=False)
    store = store_of(app)
    current = _cycle(store.assessments.all(), "2026")
    move_to(store.assessment_data(current.id), Phase.REVIEW)
    return app


def _cycle(records: list[AssessmentRecord], cycle: str) -> AssessmentRecord:
    return next(r for r in records if r.organization == CHINESE_ORGANIZATION
                and r.cycle == cycle)


@pytest.fixture
def people_names(demo_app: Flask) -> set[str]:
    """The demo team's usernames and display names and the organizations' names: names, not
    interface text."""
    team = yaml.safe_load((DEMO_DIR / "team.yaml").read_text(encoding="utf-8"))["team"]
    names = [f"{person['username']} {person['name']}" for person in team]
    names += [org.name for org in store_of(demo_app).organizations.all()]
    return {word for name in names for word in WORD.findall(name)}


def check(page: Page, url: str, allowed: set[str], seen: dict[str, list[str]]) -> None:
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    # The organization's own words (its answers, as written) are content, not interface.
    text = page.evaluate("""() => {
        const body = document.body.cloneNode(true);
        body.querySelectorAll('.answer-text').forEach(element => element.remove());
        return body.innerText;
    }""")
    found = english_words(text, allowed)
    if found:
        seen[url] = found


def test_a_writer_works_in_chinese(demo_app: Flask, browser: Browser,
                                   people_names: set[str]) -> None:
    writing = _cycle(store_of(demo_app).assessments.all(), "2025")
    seen: dict[str, list[str]] = {}
    with serve(demo_app) as base_url:
        page = open_page(browser, "zh-CN")
        sign_in_chinese(page, base_url, "writer")
        a = f"{base_url}/a/{writing.id}"
        for url in (base_url + "/", f"{base_url}/o/{writing.organization_id}", a + "/",
                    a + "/profile", a + "/items/4.1.2", a + "/answers", a + "/report"):
            check(page, url, people_names, seen)
        page.context.close()
    assert seen == {}, f"English on Chinese pages: {seen}"


def test_an_examiner_scores_in_chinese(demo_app: Flask, browser: Browser,
                                       people_names: set[str]) -> None:
    in_review = _cycle(store_of(demo_app).assessments.all(), "2026")
    closed = _cycle(store_of(demo_app).assessments.all(), "2025")
    seen: dict[str, list[str]] = {}
    with serve(demo_app) as base_url:
        page = open_page(browser, "zh-CN")
        sign_in_chinese(page, base_url, "examiner1")
        a = f"{base_url}/a/{in_review.id}"
        for url in (a + "/review/", a + "/review/items/4.1.2"):
            check(page, url, people_names, seen)
        page.locator("select[name=score]").select_option("45")
        page.locator("textarea[name=strengths]").fill("院领导每月深入科室听取意见")
        page.locator("[name=save_draft]").click()
        expect(page.locator(".flash-error")).to_have_count(0)
        expect(page.locator(".flash-success")).to_contain_text("草稿")
        check(page, page.url, people_names, seen)
        b = f"{base_url}/a/{closed.id}"
        for url in (b + "/consensus/", b + "/consensus/items/4.1.2", b + "/report"):
            check(page, url, people_names, seen)
        page.context.close()
    assert seen == {}, f"English on Chinese pages: {seen}"
