"""An examiner scores an item, then the coordinator records the consensus: in headless Chromium.

The data is set up with the domain functions before the server starts: two examiners on item
4.1.2 (a process item worth 50 points), key factors K1 and K2, some answers, the review phase
open and the second examiner's review already submitted (30%). The first examiner scores 55%,
so the scores span 25 points, over the default threshold of 20.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect

from assessor import create_app
from assessor.access import Phase, Role
from assessor.answers import AnswerEdit, save_answers
from assessor.key_factors import save_key_factors
from assessor.organizations import AssessmentRecord
from assessor.phases import move_to
from assessor.review import Review, submit
from assessor.statements import Statement
from assessor.storage.store import Store
from assessor.users import Users

from .browser import open_page, serve, sign_in_page
from .conftest import COORDINATOR, PASSWORD, app_config

pytestmark = pytest.mark.browser

FIRST, SECOND = "ann", "bob"  # examiners, signed in as FIRST
ITEM = "4.1.2"
NOW = "2026-03-01T09:00:00+00:00"
SHOTS = Path("/tmp")


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """The app as in production (CSRF on); conftest's store, users and assessment use it."""
    return create_app(app_config(tmp_path, WTF_CSRF_ENABLED=True, TESTING=False))


@pytest.fixture
def in_review(assessment: AssessmentRecord, store: Store, users: Users,
              add_member: Callable[..., None]) -> AssessmentRecord:
    """Review phase: both examiners hold 4.1.2; the second has submitted 30%."""
    users.create(FIRST, "Ann Zhao", PASSWORD)
    users.create(SECOND, "Bob Chen", PASSWORD)
    add_member(assessment, FIRST, Role.EXAMINER, (ITEM,))
    add_member(assessment, SECOND, Role.EXAMINER, (ITEM,))
    data_file = store.assessment_data(assessment.id)
    save_key_factors(data_file, {}, ["Export markets", "Skilled workforce"])
    save_answers(data_file, [
        AnswerEdit(f"{ITEM}.a", "Senior leaders review the vision **every March** with all "
                                "plant managers.", 0),
        AnswerEdit(f"{ITEM}.b", "Monthly town halls in both plants; minutes on the intranet.", 0),
    ], NOW, COORDINATOR)
    move_to(data_file, Phase.REVIEW)
    submit(data_file, Review(
        item=ITEM, examiner=SECOND, score=30, notes={"approach": "Reviews exist, not systematic."},
        strengths=(Statement("Town halls reach every shift", ("K2",)),),
        ofis=(Statement("No evidence the March review changes plans"),)), 5, NOW)
    return assessment


@pytest.fixture
def new_page(browser: Browser) -> Callable[[], Page]:
    """new_page() -> a page in a fresh browser context: one person's own cookies."""

    return lambda: open_page(browser)


def textbox(page: Page, label_start: str) -> Locator:
    """The text area whose label starts so (labels go on with hints and the Chinese title)."""
    return page.get_by_role("textbox", name=re.compile("^" + re.escape(label_start)))


def item_row(page: Page) -> Locator:
    """ITEM's row in the consensus overview."""
    link = page.get_by_role("link", name=re.compile("^" + re.escape(ITEM)))
    return page.get_by_role("row").filter(has=link)


def test_examiner_scores_and_coordinator_records_consensus(
        app: Flask, in_review: AssessmentRecord, new_page: Callable[[], Page]) -> None:
    with serve(app) as base_url:
        examiner_scores_blind_then_sees_the_other(new_page(), base_url, in_review)
        coordinator_opens_consensus_and_records_it(new_page(), base_url, in_review)


def examiner_scores_blind_then_sees_the_other(page: Page, base_url: str,
                                              record: AssessmentRecord) -> None:
    sign_in_page(page, base_url, FIRST)
    page.get_by_role("link", name=record.cycle, exact=True).click()
    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_role("heading", name="Your items")).to_be_visible()
    page.get_by_role("link", name=f"Score item {ITEM}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ITEM)

    bands = page.get_by_role("complementary", name=re.compile("^Scoring bands"))
    expect(bands).to_be_visible()
    expect(bands.get_by_role("heading", level=3)).to_have_count(6)
    current_band = bands.locator("[aria-current=true]")
    expect(current_band).to_have_count(0)
    page.get_by_text("The item's questions and the organization's answers").click()
    expect(page.locator(".answer-text strong")).to_have_text("every March")
    others = page.get_by_role("region", name="Other examiners' reviews")
    expect(others).to_contain_text("once you have submitted yours")
    expect(others).not_to_contain_text("30%")

    score = page.get_by_role("combobox", name=re.compile("^Score"))
    score.select_option("55")  # static/review.js moves the highlight, no round trip
    expect(current_band).to_have_count(1)
    expect(current_band).to_have_attribute("data-band-label", "50-65%")
    expect(current_band.get_by_role("heading")).to_contain_text("50-65%")
    expect(page.locator("#score-band-note")).to_contain_text("Band: 50-65%")
    score.select_option("30")
    expect(current_band).to_have_attribute("data-band-label", "30-45%")
    score.select_option("55")

    textbox(page, "Approach").fill("A yearly vision review with all plant managers.")
    textbox(page, "Strengths").fill("Vision reviewed every March #K1")
    textbox(page, "Opportunities for improvement").fill("Town halls are not evaluated")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").filter(has_text="Draft saved")).to_be_visible()
    expect(score).to_have_value("55")
    expect(current_band).to_have_attribute("data-band-label", "50-65%")  # set by the server
    expect(textbox(page, "Strengths")).to_have_value("Vision reviewed every March #K1")

    page.get_by_role("button", name=re.compile("^Submit")).click()
    expect(page.get_by_role("status").filter(has_text="is submitted and now read-only")
           ).to_be_visible()
    # Read-only: the entry is shown as text, with no field or button left to change it.
    expect(score).to_have_count(0)
    expect(textbox(page, "Approach")).to_have_count(0)
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)
    own = page.get_by_role("region", name="Your review")
    expect(own.locator(".own-score")).to_have_text("55%")
    expect(own).to_contain_text("A yearly vision review with all plant managers.")
    expect(own.get_by_role("listitem")).to_have_text(
        ["Vision reviewed every March #K1", "Town halls are not evaluated"])
    expect(others.get_by_role("article")).to_have_count(1)
    expect(others).to_contain_text("Bob Chen")
    expect(others.locator(".other-score")).to_have_text("30%")
    expect(others).to_contain_text("Town halls reach every shift")
    page.screenshot(path=SHOTS / "shot-scoring.png", full_page=True)
    page.context.close()


def coordinator_opens_consensus_and_records_it(page: Page, base_url: str,
                                               record: AssessmentRecord) -> None:
    sign_in_page(page, base_url, COORDINATOR)
    page.get_by_role("link", name=record.cycle, exact=True).click()
    page.get_by_role("link", name="Team", exact=True).click()
    page.get_by_role("link", name="open Consensus").click()
    expect(page.get_by_role("alert")).to_have_count(0)  # every assigned entry is submitted
    page.get_by_role("button", name="Open Consensus").click()
    expect(page.get_by_text("Nothing has changed yet.")).to_be_visible()  # it asks first
    page.get_by_role("button", name="Yes, open Consensus").click()
    expect(page.get_by_role("status").filter(has_text="Consensus is open")).to_be_visible()

    page.get_by_role("link", name="Consensus", exact=True).click()
    row = item_row(page)
    # kind, points, ann, bob, mean, median, range, std dev, consensus, points earned
    expect(row.get_by_role("cell")).to_have_text(
        ["process", "50", "55", "30", "42.5", "42.5", "25", "17.7", "not yet", "–"])
    expect(row.get_by_role("rowheader")).to_contain_text("span 25")  # flagged

    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ITEM)
    expect(textbox(page, "Strengths")).to_have_value(
        "Vision reviewed every March #K1\nTown halls reach every shift #K2")
    expect(textbox(page, "Opportunities for improvement")).to_have_value(
        "Town halls are not evaluated\nNo evidence the March review changes plans")
    page.get_by_role("spinbutton", name=re.compile("^Consensus score")).fill("45")
    textbox(page, "Rationale").fill("The vision review is systematic; its effect is not shown.")
    page.get_by_role("button", name="Record the consensus").click()
    expect(page.get_by_role("status").filter(has_text="Consensus on 4.1.2 recorded")
           ).to_contain_text("45% of 50 points = 22.5 points")

    page.get_by_role("link", name="All items").click()
    row = item_row(page)
    expect(row.get_by_role("cell").nth(-2)).to_have_text("45%")
    expect(row.get_by_role("cell").nth(-1)).to_have_text("22.5")
    expect(page.locator(".consensus-cards")).to_contain_text("22.5")
    page.screenshot(path=SHOTS / "shot-consensus.png", full_page=True)
    page.context.close()
