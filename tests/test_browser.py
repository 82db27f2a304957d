"""What a person sees, in a real headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from assessor import create_app
from assessor.access import Role
from assessor.answers import AnswerEdit, save_answers
from assessor.extensions import USERS_KEY, store_of
from assessor.organizations import AssessmentRecord
from assessor.paths import framework_named
from assessor.team import add_role

from .browser import sign_in_page
from .conftest import COORDINATOR, FRAMEWORK_FILE, PASSWORD, app_config
from .factories import gen_assessment

pytestmark = pytest.mark.browser


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """The app as in production (CSRF on), with one user to sign in as (an administrator,
    who may create organizations)."""
    app = create_app(app_config(tmp_path, WTF_CSRF_ENABLED=True, TESTING=False))
    app.extensions[USERS_KEY].create(COORDINATOR, "Quality Manager", PASSWORD, is_admin=True)
    return app


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


@pytest.fixture
def cycle(app: Flask) -> AssessmentRecord:
    """A cycle in the writing phase, coordinated by COORDINATOR."""
    record = gen_assessment(store_of(app))
    add_role(store_of(app).assessment_data(record.id), COORDINATOR, Role.COORDINATOR)
    return record


def test_character_counters_follow_the_typing(page: Page, base_url: str,
                                              cycle: AssessmentRecord) -> None:
    sign_in_page(page, base_url, COORDINATOR)
    page.goto(f"{base_url}/a/{cycle.id}/items/4.1.2")
    figure = page.locator("#count-answer_4_1_2_a .count-figure")
    total = page.locator(".save-bar .length-total")
    expect(figure).to_have_text("0 / 20,000 characters")
    # Characters as the award counts them: spaces and line breaks not, each 中, letter or 😀 one.
    page.locator("#answer_4_1_2_a").fill("质量 first\n\n　　😀")
    expect(figure).to_have_text("8 / 20,000 characters")
    expect(total).to_contain_text("Self-assessment report: 8 / 60,000 characters, 8 on this page")
    page.locator("#answer_4_1_2_b").fill("abc")
    expect(total).to_contain_text("11 / 60,000 characters, 11 on this page")
    # Over one answer's limit: the counter turns to the warning colour and says so.
    page.locator("#answer_4_1_2_b").fill("b" * 20_001)
    over = page.locator("#count-answer_4_1_2_b")
    expect(over).to_have_class(re.compile("over-limit"))
    expect(over).to_contain_text("20,001 / 20,000 characters")
    expect(over.get_by_text("Too long for one answer")).to_be_visible()
    assert over.evaluate("e => getComputedStyle(e).color") == "rgb(183, 28, 28)"
    page.locator("#answer_4_1_2_b").fill("abc")
    expect(over.get_by_text("Too long for one answer")).to_be_hidden()
    # The server counts the same way: after saving, the page shows what the script showed.
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_role("status")).to_contain_text("Saved 2 answers")
    expect(figure).to_have_text("8 / 20,000 characters")
    expect(total).to_contain_text("11 / 60,000 characters, 11 on this page")

    # The profile against its own limit (3,000): past it, the total turns to the warning colour.
    page.goto(f"{base_url}/a/{cycle.id}/profile")
    profile_total = page.locator(".save-bar .length-total")
    expect(profile_total).to_contain_text("Profile: 0 / 3,000 characters")
    page.locator("#answer_P_1_a").fill("p" * 3_001)
    expect(profile_total).to_contain_text("Profile: 3,001 / 3,000 characters")
    expect(profile_total).to_have_class(re.compile("over-limit"))
    expect(profile_total.get_by_text("Over the award application limit")).to_be_visible()


ANSWER = ("Senior leaders review the **plan** each quarter with plant managers, compare it with "
          "the KPIs and agree actions; the quality office tracks them to closure.\n\n"
          "- monthly review of the dashboard\n- quarterly strategy meeting\n"
          "- yearly survey of the workforce\n\n"
          "Results are shared with every shift through team boards and the intranet.")


def test_printing_the_answers_flows_on_instead_of_a_page_per_question(
        page: Page, base_url: str, cycle: AssessmentRecord, app: Flask) -> None:
    framework = framework_named(FRAMEWORK_FILE)
    questions = [question.id for part in framework.profile.parts for question in part.questions]
    questions += [question.id for item in framework.items for question in item.questions]
    save_answers(store_of(app).assessment_data(cycle.id),
                 [AnswerEdit(question, ANSWER, 0) for question in questions],
                 now="2026-03-01T00:00:00+00:00", user=COORDINATOR)
    sign_in_page(page, base_url, COORDINATOR)
    page.goto(f"{base_url}/a/{cycle.id}/answers")
    expect(page.locator(".answer-text")).to_have_count(len(questions))
    page.emulate_media(media="print")
    # No page begun for a part or category, no question kept whole at any cost.
    assert page.locator("article.print-section").evaluate_all(
        "sections => sections.map(s => getComputedStyle(s).breakBefore)") == \
        ["auto"] * (1 + len(framework.categories))
    assert page.locator(".answer-block").first.evaluate(
        "block => getComputedStyle(block).breakInside") == "auto"
    pdf = page.pdf(prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert 10 < pages <= len(questions) / 3, f"{pages} pages for {len(questions)} answers"
