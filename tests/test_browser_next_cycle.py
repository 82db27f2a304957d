"""The next cycle in a real browser (issue 9, section 3): a manager starts it from the overview
with the form as served (CSRF on), and a writer keeps a carried-over answer as it is."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from assessor import create_app
from assessor.access import OrgRole, Role
from assessor.answers import AnswerEdit, load_answers, save_answers
from assessor.extensions import USERS_KEY, store_of
from assessor.organizations import AssessmentRecord
from assessor.team import add_role, assign

from .browser import sign_in_page
from .conftest import COORDINATOR, PASSWORD, app_config
from .factories import gen_assessment

pytestmark = pytest.mark.browser

ITEM = "4.1.2"
KEPT, CHANGED = "4.1.2.a", "4.1.2.b"


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = create_app(app_config(tmp_path, WTF_CSRF_ENABLED=True, TESTING=False))
    app.extensions[USERS_KEY].create(COORDINATOR, "Quality Manager", PASSWORD)
    return app


@pytest.fixture
def earlier(app: Flask) -> AssessmentRecord:
    """A 2025 cycle whose coordinator manages the organization and writes item 4.1.2."""
    store = store_of(app)
    record = gen_assessment(store, cycle="2025")
    store.organizations.add_member(record.organization_id, COORDINATOR, OrgRole.MANAGER)
    data = store.assessment_data(record.id)
    add_role(data, COORDINATOR, Role.COORDINATOR)
    add_role(data, COORDINATOR, Role.WRITER)
    assign(data, COORDINATOR, Role.WRITER, [ITEM])
    save_answers(data, [AnswerEdit(KEPT, "Leaders set direction yearly.", 0),
                        AnswerEdit(CHANGED, "Values are taught.", 0)],
                 now="2025-03-01T00:00:00+00:00", user=COORDINATOR)
    return record


def test_a_manager_starts_the_next_cycle_and_a_writer_reviews_the_carried_over_answers(
        app: Flask, earlier: AssessmentRecord, base_url: str, page: Page) -> None:
    sign_in_page(page, base_url, COORDINATOR)
    page.goto(f"{base_url}/a/{earlier.id}/")
    page.get_by_role("button", name="Start the next cycle").click()  # a link styled as one
    expect(page.get_by_label("Name of the new cycle")).to_have_value("2026")
    page.get_by_role("button", name="Start the next cycle").click()
    expect(page.locator(".flash-success[role=status]")).to_contain_text(
        "Cycle 2026 started from 2025")
    expect(page.locator(".overview-table th", has_text="Carried over")).to_be_visible()

    page.goto(page.url.rstrip("/") + f"/items/{ITEM}")
    marks = page.locator(".question .carried-over")
    expect(marks).to_have_count(2)
    expect(page.get_by_label("Checked: keep as it is")).to_have_count(2)
    page.locator("#keep_4_1_2_a").check()
    page.locator("#answer_4_1_2_b").fill("Values are taught and lived.")
    page.get_by_role("button", name="Save answers").click()
    expect(page.locator(".flash-success[role=status]")).to_contain_text("Saved 2 answers.")
    expect(marks).to_have_count(0)
    expect(page.locator(".draft-note")).to_have_count(0)  # nothing left as an unsaved draft

    new_cycle = store_of(app).assessments.all()[0]
    answers = load_answers(store_of(app).assessment_data(new_cycle.id))
    assert (answers[KEPT].text, answers[KEPT].carried_over_from) == (
        "Leaders set direction yearly.", "")
    assert (answers[CHANGED].text, answers[CHANGED].carried_over_from) == (
        "Values are taught and lived.", "")
    assert load_answers(store_of(app).assessment_data(earlier.id))[CHANGED].text == (
        "Values are taught.")
