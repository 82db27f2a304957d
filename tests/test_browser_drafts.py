"""Text typed in the browser survives being signed out and a closed tab (issue 12, section 1).

static/app.js keeps what is typed into answer, review and consensus forms in the browser's
localStorage, per user and page, until the page shows it saved. Driven in a real headless
Chromium against the app served with CSRF on, as in production.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect

from assessor import create_app
from assessor.access import Phase, Role
from assessor.answers import AnswerEdit, load_answers, save_answers
from assessor.consensus import consensus_records
from assessor.extensions import USERS_KEY, store_of
from assessor.key_factors import save_key_factors
from assessor.organizations import AssessmentRecord
from assessor.phases import move_to
from assessor.repositories import AssessmentData
from assessor.review import Review, review_of, submit
from assessor.team import add_role, assign

from .browser import sign_in_page, submit_sign_in
from .conftest import COORDINATOR, PASSWORD, app_config
from .factories import gen_assessment

pytestmark = pytest.mark.browser

QUESTION = "4.1.2.a"
BOX = "#answer_4_1_2_a"
TYPED = "Senior leaders review the vision every March — 每年三月评审愿景。"
RESTORED = "Restored from this browser, not yet saved"


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = create_app(app_config(tmp_path, WTF_CSRF_ENABLED=True, TESTING=False))
    users = app.extensions[USERS_KEY]
    users.create(COORDINATOR, "Quality Manager", PASSWORD)
    users.create("other", "Other Person", PASSWORD)
    return app


@pytest.fixture
def assessment(app: Flask) -> AssessmentRecord:
    store = store_of(app)
    record = gen_assessment(store)
    data = store.assessment_data(record.id)
    add_role(data, COORDINATOR, Role.COORDINATOR)
    add_role(data, "other", Role.COORDINATOR)
    save_answers(data, [AnswerEdit(QUESTION, "Stored text", 0)], now="2026-01-02T00:00:00+00:00",
                 user=COORDINATOR)
    return record


def stored_text(app: Flask, record: AssessmentRecord) -> str:
    return load_answers(store_of(app).assessment_data(record.id))[QUESTION].text


def examined_by_other(app: Flask, record: AssessmentRecord) -> AssessmentData:
    """The assessment's data, with "other" made the examiner of 4.1.2."""
    data = store_of(app).assessment_data(record.id)
    add_role(data, "other", Role.EXAMINER)
    assign(data, "other", Role.EXAMINER, ["4.1.2"])
    return data


def test_text_typed_while_signed_out_elsewhere_comes_back_after_sign_in(
        app: Flask, assessment: AssessmentRecord, page: Page, base_url: str) -> None:
    item_url = f"{base_url}/a/{assessment.id}/items/4.1.2"
    sign_in_page(page, base_url, COORDINATOR)
    page.goto(item_url)
    page.locator(BOX).fill(TYPED)
    app.extensions[USERS_KEY].revoke_sessions(COORDINATOR)  # signed out in another browser

    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator(".draft-note")).to_contain_text("kept in this browser")
    assert stored_text(app, assessment) == "Stored text"  # the save did not happen

    submit_sign_in(page, COORDINATOR)
    expect(page).to_have_url(item_url)
    expect(page.locator(BOX)).to_have_value(TYPED)
    expect(page.locator("[data-draft-note]")).to_contain_text(RESTORED)
    assert stored_text(app, assessment) == "Stored text"  # not saved until the person saves

    page.get_by_role("button", name="Save answers").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved 1 answer")
    assert stored_text(app, assessment) == TYPED
    page.reload()  # saved: the draft is gone
    expect(page.locator(BOX)).to_have_value(TYPED)
    expect(page.locator("[data-draft-note]")).to_have_count(0)


def test_a_closed_tab_gives_its_text_back_to_the_same_user_only(
        app: Flask, assessment: AssessmentRecord, context: BrowserContext, page: Page,
        base_url: str) -> None:
    item_url = f"{base_url}/a/{assessment.id}/items/4.1.2"
    sign_in_page(page, base_url, COORDINATOR)
    page.goto(item_url)
    page.locator(BOX).fill(TYPED)
    page.wait_for_timeout(600)  # the draft is written a moment after typing stops
    page.close()

    again = context.new_page()
    again.on("dialog", lambda dialog: dialog.accept())  # leaving a page with unsaved text
    again.goto(item_url)
    expect(again.locator(BOX)).to_have_value(TYPED)
    note = again.locator("[data-draft-note]")
    expect(note).to_contain_text(RESTORED)
    expect(again.locator("[data-count-for='answer_4_1_2_a']")).to_contain_text(
        f"{len(TYPED.replace(' ', ''))} / 20,000")  # the counter follows the restored text

    # Another person signed in in this browser does not get it.
    again.get_by_role("button", name="Sign out").click()
    sign_in_page(again, base_url, "other")
    again.goto(item_url)
    expect(again.locator(BOX)).to_have_value("Stored text")
    expect(again.locator("[data-draft-note]")).to_have_count(0)
    again.get_by_role("button", name="Sign out").click()

    # Back as its author, who discards it: the saved text again, and the draft is gone.
    sign_in_page(again, base_url, COORDINATOR)
    again.goto(item_url)
    expect(again.locator(BOX)).to_have_value(TYPED)
    again.get_by_role("button", name="Discard it and show the saved text").click()
    expect(again.locator(BOX)).to_have_value("Stored text")
    expect(again.locator("[data-draft-note]")).to_have_count(0)
    again.reload()
    expect(again.locator(BOX)).to_have_value("Stored text")
    assert stored_text(app, assessment) == "Stored text"


def test_a_refused_save_keeps_the_draft(
        app: Flask, assessment: AssessmentRecord, context: BrowserContext, page: Page,
        base_url: str) -> None:
    """A page that comes back with an error holds the text, but it is not saved: the draft
    stays until a save goes through."""
    review_text = "x" * 20_001  # over one answer's limit: refused, the text kept
    item_url = f"{base_url}/a/{assessment.id}/items/4.1.2"
    sign_in_page(page, base_url, COORDINATOR)
    page.goto(item_url)
    page.locator(BOX).fill(review_text)
    page.get_by_role("button", name="Save answers").click()
    expect(page.locator(".flash-error")).to_be_visible()
    page.close()

    again = context.new_page()
    again.goto(item_url)
    expect(again.locator(BOX)).to_have_value(review_text)
    expect(again.locator("[data-draft-note]")).to_contain_text(RESTORED)


def test_review_notes_typed_when_signed_out_come_back_and_a_saved_draft_leaves_none(
        app: Flask, assessment: AssessmentRecord, page: Page, base_url: str) -> None:
    data = examined_by_other(app, assessment)
    save_key_factors(data, {}, ["Export markets"])
    move_to(data, Phase.REVIEW)
    review_url = f"{base_url}/a/{assessment.id}/review/items/4.1.2"
    sign_in_page(page, base_url, "other")
    page.goto(review_url)
    page.locator("#score").select_option("55")
    page.locator("#note_approach").fill("  Systematic,   reviewed yearly.  ")
    page.locator("#strengths").fill("Monthly   reviews #K1\n\n")
    app.extensions[USERS_KEY].revoke_sessions("other")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    submit_sign_in(page, "other")
    expect(page).to_have_url(review_url)
    expect(page.locator("[data-draft-note]")).to_contain_text(RESTORED)
    expect(page.locator("#note_approach")).to_have_value("  Systematic,   reviewed yearly.  ")
    expect(page.locator("#score")).to_have_value("55")
    assert review_of(data, "4.1.2", "other").score is None

    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".flash-success")).to_contain_text("Draft saved")
    assert review_of(data, "4.1.2", "other").notes["approach"] == "Systematic,   reviewed yearly."
    page.reload()  # the server trimmed and re-lined the text: still no draft left to restore
    expect(page.locator("[data-draft-note]")).to_have_count(0)
    expect(page.locator("#strengths")).to_have_value("Monthly reviews #K1")


def test_a_consensus_rationale_typed_when_the_session_ended_comes_back(
        app: Flask, assessment: AssessmentRecord, page: Page, base_url: str) -> None:
    data = examined_by_other(app, assessment)
    move_to(data, Phase.REVIEW)
    submit(data, Review(item="4.1.2", examiner="other", score=50), 5, "2026-02-01T00:00:00+00:00")
    move_to(data, Phase.CONSENSUS)
    consensus_url = f"{base_url}/a/{assessment.id}/consensus/items/4.1.2"
    sign_in_page(page, base_url, COORDINATOR)
    page.goto(consensus_url)
    page.locator("#score").fill("55")
    page.locator("#rationale").fill("Deployed in every plant; little evaluation yet.")
    app.extensions[USERS_KEY].revoke_sessions(COORDINATOR)
    page.get_by_role("button", name="Record the consensus").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    submit_sign_in(page, COORDINATOR)
    expect(page).to_have_url(consensus_url)
    expect(page.locator("[data-draft-note]")).to_contain_text(RESTORED)
    expect(page.locator("#rationale")).to_have_value(
        "Deployed in every plant; little evaluation yet.")
    expect(page.locator("#score")).to_have_value("55")
    page.get_by_role("button", name="Record the consensus").click()
    expect(page.locator(".flash-success")).to_contain_text("Consensus on 4.1.2 recorded")
    assert consensus_records(data)["4.1.2"].rationale == (
        "Deployed in every plant; little evaluation yet.")
    page.reload()
    expect(page.locator("[data-draft-note]")).to_have_count(0)
