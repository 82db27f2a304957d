"""Independent review: progress and the review rules as plain Python, then the pages.

Domain tests use a bare data file; web tests go through the client with examiners ANN (items
4.1.2 and 4.1.3) and BOB (4.1.2) in the review phase.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from assessor.access import Phase, Role
from assessor.criteria import ItemKind, cached_framework
from assessor.extensions import STORE_KEY, USERS_KEY
from assessor.key_factors import save_key_factors
from assessor.organizations import AssessmentRecord
from assessor.paths import criteria_dir
from assessor.phases import move_to
from assessor.repositories import AssessmentData
from assessor.review import (
    EntryState,
    Review,
    ReviewError,
    Tally,
    check_score,
    reopen,
    review_of,
    review_progress,
    reviews_of_item,
    save_draft,
    submit,
    visible_to_examiner,
)
from assessor.statements import Statement
from assessor.storage.files import DataFile
from assessor.storage.repositories import TinyAssessmentData
from assessor.storage.store import Store
from assessor.team import add_role, assign
from tests.factories import gen_assessment, without_ids

from .conftest import PASSWORD, sign_in_client

ANN, BOB = "ann", "bob"
ITEM, OTHER_ITEM = "4.1.2", "4.1.3"  # both process items
NOW = "2026-03-01T09:00:00+00:00"
STEP = 5


# -- domain ---------------------------------------------------------------------------------

@pytest.fixture
def data_file(tmp_path: Path) -> AssessmentData:
    return TinyAssessmentData("abcdef123456", DataFile(tmp_path / "assessment.json"))


def entry(examiner: str = ANN, item: str = ITEM, score: int | None = 60,
          submitted: bool = False) -> Review:
    return Review(item=item, examiner=examiner, score=score, submitted=submitted)


def test_progress_gives_states_of_assigned_pairs_and_tallies() -> None:
    assigned = {ANN: {ITEM, OTHER_ITEM}, BOB: {ITEM}, "cy": set()}
    reviews = [entry(ANN, ITEM), entry(ANN, OTHER_ITEM, submitted=True),
               entry(BOB, OTHER_ITEM, submitted=True)]  # BOB is not assigned 4.1.3
    progress = review_progress(assigned, reviews, ["4.1.1", ITEM, OTHER_ITEM])

    assert progress.examiners == (ANN, BOB, "cy")
    assert progress.state(ANN, ITEM) is EntryState.DRAFT
    assert progress.state(ANN, OTHER_ITEM) is EntryState.SUBMITTED
    assert progress.state(BOB, ITEM) is EntryState.NOT_STARTED
    assert progress.state(BOB, OTHER_ITEM) is None  # unassigned: blank, whatever is stored
    assert progress.items_of(ANN) == [(ITEM, EntryState.DRAFT),
                                      (OTHER_ITEM, EntryState.SUBMITTED)]  # framework order
    assert progress.of_examiner(ANN) == Tally(submitted=1, assigned=2)
    assert progress.of_examiner(BOB) == Tally(submitted=0, assigned=1)
    assert progress.of_examiner("cy") == Tally(0, 0)
    assert progress.of_item(ITEM) == Tally(submitted=0, assigned=2)
    assert progress.of_item(OTHER_ITEM) == Tally(submitted=1, assigned=1)
    assert progress.of_item("4.1.1") == Tally(0, 0)
    assert progress.overall == Tally(submitted=1, assigned=3)
    assert progress.of_item(OTHER_ITEM).complete and not progress.of_item("4.1.1").complete


def test_progress_ignores_assignments_to_items_the_framework_lacks() -> None:
    progress = review_progress({ANN: {ITEM, "9.9.9"}}, [], [ITEM])
    assert progress.of_examiner(ANN) == Tally(0, 1)


def test_progress_states_carry_no_scores() -> None:
    progress = review_progress({ANN: {ITEM}}, [entry(score=85, submitted=True)], [ITEM])
    assert "85" not in repr(progress)


def test_blind_review_shows_others_only_after_submitting_and_never_drafts() -> None:
    ann_draft, bob_done = entry(ANN), entry(BOB, submitted=True)
    cy_draft = entry("cy", score=20)
    assert visible_to_examiner([ann_draft, bob_done, cy_draft], ANN) == [ann_draft]
    assert visible_to_examiner([bob_done], ANN) == []
    ann_done = entry(ANN, submitted=True)
    assert visible_to_examiner([ann_done, bob_done, cy_draft], ANN) == [ann_done, bob_done]


def test_draft_then_submit_then_read_only(data_file: AssessmentData) -> None:
    statements = (Statement("Clear annual planning cycle", ("K1",)),)
    save_draft(data_file, Review(ITEM, ANN, score=None, notes={"approach": "Defined"},
                                 strengths=statements), STEP, NOW)
    draft = review_of(data_file, ITEM, ANN)
    assert (draft.score, draft.submitted, without_ids(draft.strengths)) == (None, False,
                                                                     statements)
    assert draft.notes == {"approach": "Defined"}

    submit(data_file, Review(ITEM, ANN, score=65), STEP, NOW)
    done = review_of(data_file, ITEM, ANN)
    assert (done.score, done.submitted, done.submitted_at) == (65, True, NOW)

    with pytest.raises(ReviewError, match="read_only"):
        save_draft(data_file, Review(ITEM, ANN, score=10), STEP, NOW)
    with pytest.raises(ReviewError, match="already_submitted"):
        submit(data_file, Review(ITEM, ANN, score=10), STEP, NOW)
    assert review_of(data_file, ITEM, ANN) == done


def test_submit_needs_a_score(data_file: AssessmentData) -> None:
    with pytest.raises(ReviewError, match="no_score"):
        submit(data_file, Review(ITEM, ANN), STEP, NOW)
    assert reviews_of_item(data_file, ITEM) == []


@pytest.mark.parametrize("score", [-5, 7, 101, 105])
def test_scores_off_the_scale_are_refused(score: int) -> None:
    with pytest.raises(ReviewError, match="score_off_scale") as refused:
        check_score(score, STEP)
    assert refused.value.data == {"score": score, "step": STEP}


@pytest.mark.parametrize("score", [None, 0, 5, 55, 100])
def test_scores_on_the_scale_pass(score: int | None) -> None:
    check_score(score, STEP)


def test_reopen_makes_a_submitted_entry_editable(data_file: AssessmentData) -> None:
    submit(data_file, Review(ITEM, ANN, score=40), STEP, NOW)
    reopen(data_file, ITEM, ANN)
    reopened = review_of(data_file, ITEM, ANN)
    assert (reopened.submitted, reopened.score) == (False, 40)
    save_draft(data_file, Review(ITEM, ANN, score=45), STEP, NOW)
    assert review_of(data_file, ITEM, ANN).score == 45


def test_reopen_refuses_drafts_and_missing_entries(data_file: AssessmentData) -> None:
    with pytest.raises(ReviewError, match="nothing_to_reopen"):
        reopen(data_file, ITEM, ANN)
    save_draft(data_file, Review(ITEM, ANN, score=40), STEP, NOW)
    with pytest.raises(ReviewError, match="not_submitted"):
        reopen(data_file, ITEM, ANN)


# -- pages ----------------------------------------------------------------------------------

@pytest.fixture
def in_review(assessment: AssessmentRecord, store: Store,
              add_member: Callable[..., None]) -> AssessmentRecord:
    """The assessment in the review phase, with two examiners, a leader and key factors."""
    add_member(assessment, ANN, Role.EXAMINER, (ITEM, OTHER_ITEM))
    add_member(assessment, BOB, Role.EXAMINER, (ITEM,))
    add_member(assessment, "lee", Role.LEADER)
    add_member(assessment, "wendy", Role.WRITER, (ITEM,))
    data_file = store.assessment_data(assessment.id)
    save_key_factors(data_file, {}, ["Export markets", "Skilled workforce"])
    move_to(data_file, Phase.REVIEW)
    return assessment


def item_url(record: AssessmentRecord, item_id: str = ITEM) -> str:
    return f"/a/{record.id}/review/items/{item_id}"


def index_url(record: AssessmentRecord) -> str:
    return f"/a/{record.id}/review/"


def review_form(score: str = "", action: str = "save_draft", **fields: str) -> dict[str, str]:
    data = {"score": score, "note_approach": "", "note_deployment": "", "note_learning": "",
            "note_integration": "", "strengths": "", "ofis": "", action: "1"}
    data.update(fields)
    return data


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\r?\n?(.*?)</textarea>', page, re.S)
    assert match, f"no text area {name}"
    return html_lib.unescape(match.group(1))


def stored(store: Store, record: AssessmentRecord, examiner: str = ANN,
           item_id: str = ITEM) -> Review:
    return review_of(store.assessment_data(record.id), item_id, examiner)


def audit_actions(store: Store, record: AssessmentRecord) -> list[str]:
    return [e.action for e in store.assessment_data(record.id).audit.read().entries]


def test_examiner_saves_a_draft_then_submits(in_review: AssessmentRecord, store: Store,
                                             sign_in: Callable[..., FlaskClient]) -> None:
    ann = sign_in(ANN)
    page = ann.get(item_url(in_review)).get_data(as_text=True)
    assert "Approach" in page and "Deployment" in page  # a note per ADLI dimension
    assert "Export markets" in page and "#K1" in page  # key factors beside the statements
    assert "4.1.2.a" in page  # the item's questions to read

    response = ann.post(item_url(in_review), data=review_form(
        "55", note_approach="Systematic planning\r\ncycle.",
        strengths="Annual plan reviewed monthly #K1\n\nPlants all use it #K2 #K1",
        ofis="No evaluation of the planning process"))
    assert response.status_code == 302
    draft = stored(store, in_review)
    assert (draft.score, draft.submitted) == (55, False)
    assert draft.notes == {"approach": "Systematic planning\ncycle."}
    assert without_ids(draft.strengths) == (Statement("Annual plan reviewed monthly", ("K1",)),
                               Statement("Plants all use it", ("K2", "K1")))
    assert without_ids(draft.ofis) == (Statement("No evaluation of the planning process"),)
    page = ann.get(item_url(in_review)).get_data(as_text=True)
    assert textarea(page, "strengths") == ("Annual plan reviewed monthly #K1\n"
                                           "Plants all use it #K2 #K1")
    assert "draft, saved" in page

    assert ann.post(item_url(in_review), data=review_form(
        "60", "submit_entry", strengths="Annual plan reviewed monthly #K1")).status_code == 302
    done = stored(store, in_review)
    assert (done.score, done.submitted) == (60, True)
    assert audit_actions(store, in_review) == ["review_draft_saved", "score_submitted"]
    page = ann.get(item_url(in_review)).get_data(as_text=True)
    assert "and read-only; the coordinator can reopen it" in page
    # One message says the entry is submitted: the flash, not a second notice beside it.
    assert page.count('class="flash ') == 1 and "is submitted and now read-only" in page
    # Read-only: the entry is shown as text, with no field or button left to change it.
    assert "<textarea" not in page and "<select" not in page
    assert 'name="submit_entry"' not in page and 'name="save_draft"' not in page
    assert '<strong class="own-score">60%</strong>' in page
    assert re.search(r'<li[^>]*>Annual plan reviewed monthly <abbr class="review-tag" '
                     r'title="Export markets">#K1</abbr></li>', page)
    assert page.count('<dd class="muted">no note</dd>') == 4  # no note written this time


def test_submitted_entry_cannot_be_changed(in_review: AssessmentRecord, store: Store,
                                           sign_in: Callable[..., FlaskClient]) -> None:
    ann = sign_in(ANN)
    ann.post(item_url(in_review), data=review_form("70", "submit_entry", ofis="Few trends"))
    before = stored(store, in_review)
    for action in ("save_draft", "submit_entry"):
        response = ann.post(item_url(in_review), data=review_form("10", action, ofis="Changed"))
        assert response.status_code == 400
        assert "Nothing was saved: this entry is submitted and read-only" in response.get_data(
            as_text=True)
    assert stored(store, in_review) == before


def test_submitting_needs_a_score_and_keeps_the_text(in_review: AssessmentRecord, store: Store,
                                                     sign_in: Callable[..., FlaskClient]) -> None:
    response = sign_in(ANN).post(item_url(in_review), data=review_form(
        "", "submit_entry", note_learning="Yearly review"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose a score before submitting" in page
    assert textarea(page, "note_learning") == "Yearly review"
    assert reviews_of_item(store.assessment_data(in_review.id), ITEM) == []


def test_a_score_off_the_scale_is_refused(in_review: AssessmentRecord, store: Store,
                                          sign_in: Callable[..., FlaskClient]) -> None:
    response = sign_in(ANN).post(item_url(in_review), data=review_form("57"))
    assert response.status_code == 400
    assert "Pick a score from the list: 0 to 100% in steps of 5." in response.get_data(
        as_text=True)
    assert reviews_of_item(store.assessment_data(in_review.id), ITEM) == []


def test_unknown_key_factor_is_a_field_error_and_the_text_is_kept(
        in_review: AssessmentRecord, store: Store, sign_in: Callable[..., FlaskClient]) -> None:
    text = "Strong safety culture #K2\nExport growth #K9"
    response = sign_in(ANN).post(item_url(in_review), data=review_form("75", strengths=text))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert ("Strengths, line 2: unknown key factor #K9 (known: #K1, #K2)."
            in html_lib.unescape(page))
    assert re.search(r'<textarea[^>]*aria-invalid="true"[^>]*name="strengths"', page)
    assert textarea(page, "strengths") == text
    assert reviews_of_item(store.assessment_data(in_review.id), ITEM) == []
    # The band of the score just chosen stays highlighted on the returned page.
    assert re.search(r'class="band band-current" data-band-min="70" data-band-max="85"', page)


def test_band_of_the_saved_score_is_highlighted(in_review: AssessmentRecord,
                                                sign_in: Callable[..., FlaskClient]) -> None:
    ann = sign_in(ANN)
    page = ann.get(item_url(in_review)).get_data(as_text=True)
    assert page.count('data-band-min="') == 6
    assert "band-current" not in page
    assert "review.js" in page and "<script>" not in page  # CSP: no inline script

    ann.post(item_url(in_review), data=review_form("35"))
    page = ann.get(item_url(in_review)).get_data(as_text=True)
    current = re.findall(r'class="band band-current" data-band-min="(\d+)" '
                         r'data-band-max="(\d+)"', page)
    assert current == [("30", "45")]
    assert '<option selected value="35">35%</option>' in page


def test_results_items_use_letci_dimensions(assessment: AssessmentRecord, store: Store,
                                            add_member: Callable[..., None],
                                            sign_in: Callable[..., FlaskClient]) -> None:
    framework = cached_framework(str(criteria_dir() / assessment.framework))
    results_item = next(item.id for item in framework.items if item.kind is ItemKind.RESULTS)
    add_member(assessment, ANN, Role.EXAMINER, (results_item,))
    move_to(store.assessment_data(assessment.id), Phase.REVIEW)
    page = sign_in(ANN).get(item_url(assessment, results_item)).get_data(as_text=True)
    assert 'name="note_levels"' in page and 'name="note_approach"' not in page


@pytest.mark.parametrize("language, lead, titles", [
    ("zh-CN", "回答应说明：", ["水平", "趋势", "对比", "整合"]),
    ("en", "The answer should show:", ["Levels", "Trends", "Comparisons", "Integration"]),
])
def test_the_review_page_shows_the_letci_prompts_under_results_questions(
        in_review: AssessmentRecord, store: Store, add_member: Callable[..., None],
        sign_in: Callable[..., FlaskClient], language: str, lead: str,
        titles: list[str]) -> None:
    """Under each of a results item's questions, the prompts its answer was to cover; none
    under a process item's."""
    add_member(in_review, "cai", Role.EXAMINER, ("4.7.5", ITEM))
    cai = sign_in("cai")
    headers = {"Accept-Language": language}
    page = cai.get(item_url(in_review, "4.7.5"), headers=headers).get_data(as_text=True)
    answers = re.search(r'<details class="item-answers">(.*?)</details>', page, re.S).group(1)
    blocks = re.findall(r'<section class="answer-block">(.*?)</section>', answers, re.S)
    assert len(blocks) == 11
    for block in blocks:
        assert f'<p class="answer-prompts-lead">{lead}</p>' in block
        assert re.findall(r"<dt><span[^>]*>(.*?)</span>", block) == titles
    process = cai.get(item_url(in_review, ITEM), headers=headers).get_data(as_text=True)
    assert "answer-prompts" not in process


def test_examiner_cannot_score_an_unassigned_item(in_review: AssessmentRecord, store: Store,
                                                  sign_in: Callable[..., FlaskClient]) -> None:
    bob = sign_in(BOB)
    assert bob.get(item_url(in_review, OTHER_ITEM)).status_code == 403
    assert bob.post(item_url(in_review, OTHER_ITEM), data=review_form("50")).status_code == 403
    assert stored(store, in_review, BOB, OTHER_ITEM).updated_at == ""


@pytest.mark.parametrize("phase_path", [(), (Phase.CONSENSUS,)])
def test_no_scoring_outside_the_review_phase(assessment: AssessmentRecord, store: Store,
                                             add_member: Callable[..., None],
                                             sign_in: Callable[..., FlaskClient],
                                             phase_path: tuple[Phase, ...]) -> None:
    add_member(assessment, ANN, Role.EXAMINER, (ITEM,))
    data_file = store.assessment_data(assessment.id)
    if phase_path:
        move_to(data_file, Phase.REVIEW)
        for phase in phase_path:
            move_to(data_file, phase)
    ann = sign_in(ANN)
    assert ann.get(item_url(assessment)).status_code == 403
    assert ann.post(item_url(assessment), data=review_form("50")).status_code == 403
    assert reviews_of_item(data_file, ITEM) == []


def test_others_reviews_appear_only_after_submitting(in_review: AssessmentRecord,
                                                     sign_in: Callable[..., FlaskClient]) -> None:
    bob, ann = sign_in(BOB), sign_in(ANN)
    bob.post(item_url(in_review), data=review_form(
        "85", "submit_entry", note_approach="BOB-SECRET-NOTE", strengths="BOB-STRENGTH #K1"))

    before = ann.get(item_url(in_review)).get_data(as_text=True)
    assert "BOB-SECRET-NOTE" not in before and "BOB-STRENGTH" not in before
    assert "85%</strong>" not in before
    assert "appear here once you have submitted yours" in before

    ann.post(item_url(in_review), data=review_form("60", "submit_entry"))
    after = ann.get(item_url(in_review)).get_data(as_text=True)
    assert "BOB-SECRET-NOTE" in after and "BOB-STRENGTH" in after
    assert '<strong class="other-score">85%</strong>' in after
    assert "band 70-85%" in after


def test_others_drafts_stay_hidden_after_submitting(in_review: AssessmentRecord,
                                                    sign_in: Callable[..., FlaskClient]) -> None:
    sign_in(BOB).post(item_url(in_review), data=review_form("85", note_approach="BOB-DRAFT"))
    ann = sign_in(ANN)
    ann.post(item_url(in_review), data=review_form("60", "submit_entry"))
    page = ann.get(item_url(in_review)).get_data(as_text=True)
    assert "BOB-DRAFT" not in page
    assert "No other examiner has submitted a review of this item yet." in page


def test_examiner_sees_own_items_with_states_and_links(in_review: AssessmentRecord,
                                                       sign_in: Callable[..., FlaskClient]) -> None:
    ann = sign_in(ANN)
    ann.post(item_url(in_review), data=review_form("45"))
    page = ann.get(index_url(in_review)).get_data(as_text=True)
    assert "Your items" in page and "Team progress" not in page
    assert "1 of 2" not in page and "0 of 2" in page
    assert 'state-draft">Draft' in page and 'state-not_started">Not started' in page
    assert f'href="{item_url(in_review)}"' in page
    assert f'href="{item_url(in_review, OTHER_ITEM)}"' in page
    assert "45%" in page  # one's own score


def test_examiner_without_items_is_told_so(in_review: AssessmentRecord,
                                           add_member: Callable[..., None],
                                           sign_in: Callable[..., FlaskClient]) -> None:
    add_member(in_review, "cy", Role.EXAMINER)
    page = sign_in("cy").get(index_url(in_review)).get_data(as_text=True)
    assert "No items are assigned to you for review yet" in page


def test_no_score_links_after_the_review_phase(in_review: AssessmentRecord, store: Store,
                                               sign_in: Callable[..., FlaskClient]) -> None:
    move_to(store.assessment_data(in_review.id), Phase.CONSENSUS)
    page = sign_in(ANN).get(index_url(in_review)).get_data(as_text=True)
    assert "Your items" in page
    assert f'href="{item_url(in_review)}"' not in page
    assert "Scoring is open only in the independent review phase" in page


def test_coordinator_sees_progress_without_scores_and_reopens(
        in_review: AssessmentRecord, store: Store, client: FlaskClient,
        sign_in: Callable[..., FlaskClient]) -> None:
    ann = sign_in(ANN)
    ann.post(item_url(in_review), data=review_form(
        "85", "submit_entry", note_approach="ANN-SECRET-NOTE", ofis="ANN-OFI"))
    ann.post(item_url(in_review, OTHER_ITEM), data=review_form("35"))

    page = client.get(index_url(in_review)).get_data(as_text=True)
    assert "Team progress" in page and "Your items" not in page
    assert "Ann" in page and "Bob" in page  # display names as columns
    # No score shows, in any form (the page's ids and links may contain digits by chance).
    assert not re.search(r"(?<![\w/-])(85|35)(?![\w/-])%?", page.replace(in_review.id, ""))
    assert "ANN-SECRET-NOTE" not in page and "ANN-OFI" not in page
    assert "1 of 3" in page  # ann 4.1.2 submitted; ann 4.1.3 and bob 4.1.2 not
    assert page.count('state-submitted">Submitted') == 1
    assert page.count('state-draft">Draft') == 1
    assert page.count('state-not_started">Not started') == 1
    assert "no examiner" in page  # items nobody reviews are pointed out
    reopen_url = f"/a/{in_review.id}/review/items/{ITEM}/reopen/{ANN}"
    assert f'action="{reopen_url}"' in page
    assert page.count("/reopen/") == 1  # only submitted cells
    assert client.get(item_url(in_review)).status_code == 403  # no scoring page for them

    response = client.post(reopen_url)
    assert response.status_code == 302
    assert not stored(store, in_review).submitted
    assert audit_actions(store, in_review)[-1] == "review_reopened"
    assert "Reopened" in client.get(index_url(in_review)).get_data(as_text=True)
    assert ann.post(item_url(in_review), data=review_form("80")).status_code == 302
    assert stored(store, in_review).score == 80


def test_reopening_a_draft_is_refused_with_a_message(in_review: AssessmentRecord, store: Store,
                                                     client: FlaskClient,
                                                     sign_in: Callable[..., FlaskClient]) -> None:
    sign_in(ANN).post(item_url(in_review), data=review_form("50"))
    response = client.post(f"/a/{in_review.id}/review/items/{ITEM}/reopen/{ANN}",
                           follow_redirects=True)
    assert "is a draft already" in response.get_data(as_text=True)
    assert "review_reopened" not in audit_actions(store, in_review)


def test_only_the_coordinator_reopens_and_only_in_review(
        in_review: AssessmentRecord, store: Store, client: FlaskClient,
        sign_in: Callable[..., FlaskClient]) -> None:
    sign_in(ANN).post(item_url(in_review), data=review_form("50", "submit_entry"))
    reopen_url = f"/a/{in_review.id}/review/items/{ITEM}/reopen/{ANN}"
    assert sign_in("lee").post(reopen_url).status_code == 403
    assert sign_in(ANN).post(reopen_url).status_code == 403
    move_to(store.assessment_data(in_review.id), Phase.CONSENSUS)
    assert client.post(reopen_url).status_code == 403
    assert stored(store, in_review).submitted


def test_leader_sees_progress_without_reopen_buttons(in_review: AssessmentRecord,
                                                     sign_in: Callable[..., FlaskClient]) -> None:
    sign_in(ANN).post(item_url(in_review), data=review_form("50", "submit_entry"))
    page = sign_in("lee").get(index_url(in_review)).get_data(as_text=True)
    assert "Team progress" in page and "state-submitted" in page
    assert "/reopen/" not in page and "50%" not in page


def test_writers_have_no_review_pages(in_review: AssessmentRecord,
                                      sign_in: Callable[..., FlaskClient]) -> None:
    wendy = sign_in("wendy")
    assert wendy.get(index_url(in_review)).status_code == 403
    assert wendy.get(item_url(in_review)).status_code == 403


def test_unknown_items_are_refused(in_review: AssessmentRecord, store: Store,
                                  sign_in: Callable[..., FlaskClient]) -> None:
    # Not an item of the criteria: a 404 before any question of assignment (issue 12).
    assert sign_in(BOB).get(item_url(in_review, "9.9")).status_code == 404
    assign(store.assessment_data(in_review.id), BOB, Role.EXAMINER, [ITEM, "9.9"])
    response = sign_in(BOB).get(item_url(in_review, "9.9"))
    assert response.status_code == 404
    assert "The criteria have no item '9.9'." in html_lib.unescape(response.get_data(
        as_text=True))


def test_expired_form_saves_nothing_but_keeps_the_text(csrf_app) -> None:  # type: ignore[no-untyped-def]
    store = csrf_app.extensions[STORE_KEY]
    record = gen_assessment(store, "Org", "2026", "gbt19580-2012.yaml", NOW)
    data_file = store.assessment_data(record.id)
    csrf_app.extensions[USERS_KEY].create(ANN, "Ann", PASSWORD)
    add_role(data_file, ANN, Role.EXAMINER)
    assign(data_file, ANN, Role.EXAMINER, [ITEM])
    move_to(data_file, Phase.REVIEW)
    response = sign_in_client(csrf_app, ANN).post(item_url(record), data=review_form(
        "40", note_deployment="Long careful note"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was saved: the form had expired" in page
    assert textarea(page, "note_deployment") == "Long careful note"
    assert reviews_of_item(data_file, ITEM) == []
    # The page handed back shows whatever was sent, even a score nobody validated.
    garbled = sign_in_client(csrf_app, ANN).post(item_url(record), data=review_form("9x"))
    assert garbled.status_code == 400
    # Without the right to score the item, the refusal stands, token or not.
    other = sign_in_client(csrf_app, ANN).post(item_url(record, OTHER_ITEM), data=review_form())
    assert other.status_code == 403


def test_expired_reopen_form_changes_nothing(csrf_app) -> None:  # type: ignore[no-untyped-def]
    store = csrf_app.extensions[STORE_KEY]
    record = gen_assessment(store, "Org", "2026", "gbt19580-2012.yaml", NOW)
    data_file = store.assessment_data(record.id)
    csrf_app.extensions[USERS_KEY].create("quality", "Quality", PASSWORD)
    add_role(data_file, "quality", Role.COORDINATOR)
    move_to(data_file, Phase.REVIEW)
    submit(data_file, Review(ITEM, ANN, score=50), STEP, NOW)
    response = sign_in_client(csrf_app, "quality").post(
        f"/a/{record.id}/review/items/{ITEM}/reopen/{ANN}", follow_redirects=True)
    assert "Nothing was changed: the form had expired" in response.get_data(as_text=True)
    assert review_of(data_file, ITEM, ANN).submitted
