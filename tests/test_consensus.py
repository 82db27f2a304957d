"""Consensus: statistics, flags and order, calibration, agreement, points; then the pages."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessor.access import Phase, Role
from assessor.consensus import (
    ConsensusRecord,
    agreement,
    calibration,
    consensus_board,
    consensus_records,
    discussion_order,
    item_statistics,
    neighbours_in,
    proposed_statements,
    record_consensus,
    scorebook,
    statistics_by_item,
    stored_scores,
    submitted_reviews_of,
    submitted_scores,
    subtotals,
)
from assessor.criteria import Framework, ItemKind, cached_framework
from assessor.extensions import STORE_KEY, USERS_KEY
from assessor.key_factors import save_key_factors
from assessor.organizations import AssessmentRecord
from assessor.phases import move_to
from assessor.review import Review, all_reviews, save_draft, submit
from assessor.settings import Settings, save_settings
from assessor.statements import Statement
from assessor.stats import KendallW, NoKendallW
from assessor.storage.files import DataFile
from assessor.storage.store import Store
from assessor.team import add_role
from tests.factories import gen_assessment, without_ids

from .conftest import FRAMEWORK_FILE, PASSWORD, sign_in_client

NOW = "2026-03-01T09:00:00+00:00"


@pytest.fixture
def framework(framework_path: Path) -> Framework:
    return cached_framework(str(framework_path))


def review(item: str, examiner: str, score: int | None, submitted: bool = True,
           strengths: tuple[str, ...] = (), ofis: tuple[str, ...] = ()) -> Review:
    return Review(item=item, examiner=examiner, score=score, submitted=submitted,
                  strengths=tuple(Statement(text) for text in strengths),
                  ofis=tuple(Statement(text) for text in ofis))


def consensus(item: str, score: int) -> ConsensusRecord:
    return ConsensusRecord(item, score, "agreed", (), (), "quality", NOW)


# -- domain ---------------------------------------------------------------------------------


def test_only_submitted_scores_count() -> None:
    reviews = [review("4.1.2", "ann", 50), review("4.1.2", "bob", 70, submitted=False),
               review("4.1.3", "bob", 40), review("4.1.3", "cai", None, submitted=False)]
    assert submitted_scores(reviews) == {"4.1.2": {"ann": 50}, "4.1.3": {"bob": 40}}
    assert [r.examiner for r in submitted_reviews_of(reviews, "4.1.2")] == ["ann"]


@pytest.mark.parametrize(("scores", "threshold", "flagged"), [
    ((50, 70), 20, True),  # a span of exactly 20 counts: "20 points or more"
    ((50, 65), 20, False),
    ((50, 65), 15, True),
    ((30, 50, 90), 20, True),
    ((60,), 5, False),  # one score spans nothing
    ((60, 60), 0, True),  # a threshold of 0 puts every scored item up for discussion
])
def test_flag_when_the_scores_span_the_threshold(scores: tuple[int, ...], threshold: int,
                                                 flagged: bool) -> None:
    by_examiner = {f"e{n}": score for n, score in enumerate(scores)}
    assert item_statistics("4.1.2", by_examiner, threshold).flagged is flagged


def test_stored_scores_read_the_submitted_entries(data_file: DataFile) -> None:
    submit(data_file, review("4.1.2", "bob", 60), 5, NOW)
    submit(data_file, review("4.1.2", "ann", 50), 5, NOW)
    save_draft(data_file, review("4.1.3", "ann", 40, submitted=False), 5, NOW)
    assert stored_scores(data_file) == {"4.1.2": {"ann": 50, "bob": 60}}
    assert list(stored_scores(data_file)["4.1.2"]) == ["ann", "bob"]  # examiners by name
    assert stored_scores(data_file) == submitted_scores(all_reviews(data_file))


def test_no_scores_no_flag() -> None:
    statistics = item_statistics("4.1.2", {}, 20)
    assert statistics.description.count == 0
    assert not statistics.flagged


def test_flagged_items_first_then_framework_order(framework: Framework) -> None:
    scores = {"4.7.7": {"a": 10, "b": 60}, "4.2.2": {"a": 30, "b": 50},
              "4.1.3": {"a": 40, "b": 45}}
    order = discussion_order(framework, statistics_by_item(framework, scores, 20))
    ids = [row.item_id for row in order]
    assert ids[:2] == ["4.2.2", "4.7.7"]
    assert ids[2:] == [item.id for item in framework.items if item.id not in ("4.2.2", "4.7.7")]
    assert neighbours_in(order, "4.2.2") == (None, "4.7.7")
    assert neighbours_in(order, "4.7.7") == ("4.2.2", "4.1.2")


def test_proposed_statements_merge_the_examiners() -> None:
    reviews = [review("4.1.2", "ann", 50, strengths=("Clear vision", "Monthly reviews"),
                      ofis=("No trend data",)),
               review("4.1.2", "bob", 60, strengths=("clear vision", "Visible leaders"))]
    strengths, ofis = proposed_statements(reviews)
    assert [s.text for s in strengths] == ["Clear vision", "Monthly reviews", "Visible leaders"]
    assert [s.text for s in ofis] == ["No trend data"]


def test_calibration_per_examiner() -> None:
    reviews = [review("4.1.2", "ann", 60), review("4.1.3", "ann", 30),
               review("4.1.2", "bob", 40), review("4.1.3", "bob", 50),
               review("4.2.2", "cai", 70),  # no consensus on 4.2.2 yet
               review("4.1.4", "ann", 90, submitted=False)]  # a draft does not count
    records = {"4.1.2": consensus("4.1.2", 50), "4.1.3": consensus("4.1.3", 40),
               "4.1.4": consensus("4.1.4", 50)}
    ann, bob, cai = calibration(submitted_scores(reviews), records)
    # ann: +10 and -10 -> average 0, but 10 off either way
    assert (ann.examiner, ann.items_compared, ann.mean_difference,
            ann.mean_absolute_difference) == ("ann", 2, 0, 10)
    # bob: -10 and +10 as well; with 4.1.2 only he would be harsh
    assert (bob.items_compared, bob.mean_difference) == (2, 0)
    assert (cai.items_compared, cai.mean_difference, cai.mean_absolute_difference) == (0, None,
                                                                                       None)


def test_calibration_lenient_and_harsh() -> None:
    reviews = [review("4.1.2", "ann", 70), review("4.1.3", "ann", 55),
               review("4.1.2", "bob", 40), review("4.1.3", "bob", 40)]
    records = {"4.1.2": consensus("4.1.2", 50), "4.1.3": consensus("4.1.3", 45)}
    ann, bob = calibration(submitted_scores(reviews), records)
    assert ann.mean_difference == 15  # (20 + 10) / 2: lenient
    assert bob.mean_difference == -7.5  # (-10 - 5) / 2: harsh
    assert bob.mean_absolute_difference == 7.5


def test_agreement_over_everyone_when_all_scored_all(framework: Framework) -> None:
    items = ["4.1.2", "4.1.3", "4.2.2", "4.7.2"]
    scores = {item: {"ann": 10 * n, "bob": 10 * n + 5, "cai": 10 * n}
              for n, item in enumerate(items)}
    result = agreement(framework, scores)
    assert result.examiners == ("ann", "bob", "cai")
    assert result.items == tuple(items)
    assert isinstance(result.result, KendallW)
    assert result.result.w == pytest.approx(1.0)


def test_agreement_picks_the_largest_complete_block(framework: Framework) -> None:
    # ann, bob and cai share 4.1.2-4.2.2; dan scored only 4.7.x items and 4.1.2.
    scores = {
        "4.1.2": {"ann": 50, "bob": 55, "cai": 45, "dan": 60},
        "4.1.3": {"ann": 30, "bob": 35, "cai": 40},
        "4.1.4": {"ann": 70, "bob": 60, "cai": 65},
        "4.2.2": {"ann": 20, "bob": 30, "cai": 25},
        "4.7.2": {"dan": 40}, "4.7.3": {"dan": 50},
    }
    result = agreement(framework, scores)
    assert result.examiners == ("ann", "bob", "cai")
    assert result.items == ("4.1.2", "4.1.3", "4.1.4", "4.2.2")
    assert isinstance(result.result, KendallW)
    assert (result.result.raters, result.result.items) == (3, 4)


def test_agreement_prefers_a_computable_block(framework: Framework) -> None:
    # All five share one item only (5 scores, but W needs 2 items): ann and bob share three.
    shared = {"ann": 50, "bob": 55, "cai": 45, "dan": 60, "eve": 40}
    scores = {"4.1.2": shared, "4.1.3": {"ann": 30, "bob": 35}, "4.1.4": {"ann": 70, "bob": 60}}
    result = agreement(framework, scores)
    assert result.examiners == ("ann", "bob")
    assert result.items == ("4.1.2", "4.1.3", "4.1.4")
    assert isinstance(result.result, KendallW)


def test_agreement_needs_two_examiners(framework: Framework) -> None:
    result = agreement(framework, {"4.1.2": {"ann": 50}, "4.1.3": {"ann": 60}})
    assert isinstance(result.result, NoKendallW)
    assert result.examiners == ("ann",)
    assert agreement(framework, {}).result.items == 0


def test_scorebook_with_a_few_consensus_records(framework: Framework) -> None:
    records = {"4.1.2": consensus("4.1.2", 50),  # 50 points x 50% = 25
               "4.1.3": consensus("4.1.3", 35),  # 30 x 35% = 10.5
               "4.7.2": consensus("4.7.2", 45)}  # 80 x 45% = 36
    book = scorebook(framework, records)
    assert book.items["4.1.2"].points == 25
    assert book.items["4.1.4"].percent is None and book.items["4.1.4"].points == 0
    assert book.categories["4.1"] == pytest.approx(35.5)
    assert book.categories["4.7"] == 36
    assert book.categories["4.2"] == 0
    assert book.total == pytest.approx(71.5)
    assert (book.process_total, book.results_total) == (pytest.approx(35.5), 36)
    assert not book.complete
    assert book.overall_band.band == 1  # 0-125 points
    process, results = subtotals(framework, book)
    assert (process.kind, process.available, process.earned) == (ItemKind.PROCESS, 600,
                                                                 pytest.approx(35.5))
    assert (results.kind, results.available, results.earned) == (ItemKind.RESULTS, 400, 36)


def test_full_scorebook_reaches_its_band(framework: Framework) -> None:
    records = {item.id: consensus(item.id, 50) for item in framework.items}
    book = scorebook(framework, records)
    assert book.complete
    assert book.total == 500
    assert book.overall_band.band == 6  # 476-575


def test_board_columns_rows_and_figures(framework: Framework) -> None:
    reviews = [review("4.1.2", "bob", 50), review("4.1.2", "ann", 80),
               review("4.1.3", "ann", 40), review("4.1.3", "bob", 45),
               review("4.2.2", "cai", 60, submitted=False)]
    board = consensus_board(framework, submitted_scores(reviews),
                            {"4.1.3": consensus("4.1.3", 40)}, 20)
    assert board.examiners == ("ann", "bob")  # cai has only a draft
    first, second, third = board.rows[:3]
    assert (first.item.id, first.statistics.flagged, first.statistics.description.mean) == (
        "4.1.2", True, 65)
    assert first.examiner_scores == (80, 50)
    assert (second.item.id, second.points.percent, second.points.points) == ("4.1.3", 40, 12)
    assert (third.item.id, third.examiner_scores, third.points.percent) == ("4.1.4",
                                                                            (None, None), None)
    assert board.flagged_count == 1
    assert len(board.rows) == len(framework.items)


# -- pages ----------------------------------------------------------------------------------


@pytest.fixture
def data_file(store: Store, assessment: AssessmentRecord) -> DataFile:
    return store.assessment_data(assessment.id)


@pytest.fixture
def in_consensus(data_file: DataFile, assessment: AssessmentRecord,
                 add_member: Callable[..., None]) -> AssessmentRecord:
    """Three examiners (ann, bob, cai) on 4.1.2, 4.1.3 and 4.7.2; scores on 4.7.2 span 30."""
    items = ("4.1.2", "4.1.3", "4.7.2")
    for name in ("ann", "bob", "cai"):
        add_member(assessment, name, Role.EXAMINER, items)
    add_member(assessment, "lee", Role.LEADER)
    save_key_factors(data_file, {}, ["Export growth", "Skilled workforce"])
    move_to(data_file, Phase.REVIEW)
    scores = {"4.1.2": (50, 55, 60), "4.1.3": (40, 40, 45), "4.7.2": (30, 45, 60)}
    for item, item_scores in scores.items():
        for name, score in zip(("ann", "bob", "cai"), item_scores, strict=True):
            strengths = (f"Leaders meet staff monthly ({name})", "Clear mission")
            submit(data_file, Review(item=item, examiner=name, score=score,
                                     notes={"approach": f"{name}: systematic"},
                                     strengths=tuple(Statement(s, ("K1",))
                                                     for s in strengths),
                                     ofis=(Statement("Few trend data"),)), 5, NOW)
    move_to(data_file, Phase.CONSENSUS)
    return assessment


def index_url(record: AssessmentRecord) -> str:
    return f"/a/{record.id}/consensus/"


def item_url(record: AssessmentRecord, item_id: str = "4.1.2") -> str:
    return f"/a/{record.id}/consensus/items/{item_id}"


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\r?\n?(.*?)</textarea>', page, re.S)
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1))


def test_coordinator_records_consensus_and_the_index_shows_points(
        client: FlaskClient, in_consensus: AssessmentRecord, data_file: DataFile) -> None:
    response = client.post(item_url(in_consensus), data={
        "score": "55", "rationale": "Deployed in all plants, little evaluation yet.",
        "strengths": "Leaders meet staff monthly #K1\nClear mission", "ofis": "Few trend data"})
    assert response.status_code == 302
    record = consensus_records(data_file)["4.1.2"]
    assert (record.score, record.recorded_by) == (55, "quality")
    assert without_ids(record.strengths)[0] == Statement("Leaders meet staff monthly", ("K1",))
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Consensus on 4.1.2 recorded: 55% of 50 points = 27.5 points." in follow

    page = client.get(index_url(in_consensus)).get_data(as_text=True)
    row = re.search(r'<tr[^>]*>\s*<th scope="row"><a href="[^"]*/items/4\.1\.2".*?</tr>', page,
                    re.S).group(0)
    assert "<strong>55%</strong>" in row
    assert "27.5" in row
    assert "27.5 <small" in page  # the total
    assert "Provisional" in page
    events = [e for e in data_file.audit.read().entries
              if e.action == "consensus_set"]
    assert [(e.user, e.detail) for e in events] == [("quality", {"item": "4.1.2", "score": 55})]


def test_index_shows_scores_statistics_and_agreement(
        client: FlaskClient, in_consensus: AssessmentRecord) -> None:
    page = client.get(index_url(in_consensus)).get_data(as_text=True)
    for code, name in (("E1", "ann"), ("E2", "bob"), ("E3", "cai")):
        # a short column label, the display name in the legend and on the label itself
        assert f'<abbr title="{name.title()}">{code}</abbr></th>' in page
        assert f'<span class="examiner-code">{code}</span> {name.title()}</span>' in page
    assert "Kendall's W = " in page
    assert "Covers 3 items, each scored by all 3 examiners: Ann, Bob and Cai." in page
    assert "Provisional band 1:" in page  # no consensus recorded yet
    assert "Not final: 23 items have no consensus yet" in page
    assert "<svg" in page and "points-chart" in page


def test_flagged_items_come_first(client: FlaskClient, in_consensus: AssessmentRecord) -> None:
    page = client.get(index_url(in_consensus)).get_data(as_text=True)
    order = re.findall(r'/consensus/items/([\d.]+)"', page)
    assert order[:3] == ["4.7.2", "4.1.2", "4.1.3"]
    flagged_row = re.search(r'<tr class="flagged">.*?</tr>', page, re.S).group(0)
    assert "4.7.2" in flagged_row and "span 30" in flagged_row


def test_threshold_comes_from_the_settings(client: FlaskClient, in_consensus: AssessmentRecord,
                                           data_file: DataFile) -> None:
    save_settings(data_file, Settings(variance_threshold=10))
    page = client.get(index_url(in_consensus)).get_data(as_text=True)
    assert re.findall(r'/consensus/items/([\d.]+)"', page)[:3] == ["4.1.2", "4.7.2", "4.1.3"]
    assert page.count('<tr class="flagged">') == 2


def test_item_page_prefills_merged_statements(client: FlaskClient,
                                              in_consensus: AssessmentRecord) -> None:
    page = client.get(item_url(in_consensus)).get_data(as_text=True)
    strengths = textarea(page, "strengths").splitlines()
    assert strengths == ["Leaders meet staff monthly (ann) #K1", "Clear mission #K1",
                         "Leaders meet staff monthly (bob) #K1",
                         "Leaders meet staff monthly (cai) #K1"]
    assert textarea(page, "ofis") == "Few trend data"
    assert "ann: systematic" in page and "cai: systematic" in page
    assert 'class="band-table"' in page


def test_item_page_shows_the_recorded_consensus_for_editing(
        client: FlaskClient, in_consensus: AssessmentRecord, data_file: DataFile) -> None:
    record_consensus(data_file, ConsensusRecord("4.1.2", 60, "Strong deployment",
                                                (Statement("Only this"),), (), "quality", NOW),
                     5)
    page = client.get(item_url(in_consensus)).get_data(as_text=True)
    assert textarea(page, "strengths") == "Only this"
    assert textarea(page, "rationale") == "Strong deployment"
    assert 'value="60"' in page
    assert '<tr class="band-row band-chosen" data-band-min="50" data-band-max="65"' in page


def test_missing_rationale_is_refused_and_the_input_kept(
        client: FlaskClient, in_consensus: AssessmentRecord, data_file: DataFile) -> None:
    response = client.post(item_url(in_consensus), data={
        "score": "55", "rationale": "  ", "strengths": "My edited strength", "ofis": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Write the rationale: why the team settled on this score." in page
    assert 'value="55"' in page
    assert textarea(page, "strengths") == "My edited strength"
    assert consensus_records(data_file) == {}


@pytest.mark.parametrize(("score", "message"), [
    ("52", "steps of 5, not 52"), ("105", "not 105"), ("fifty", "“fifty” is not a whole number")])
def test_off_step_score_is_refused_and_the_input_kept(
        client: FlaskClient, in_consensus: AssessmentRecord, data_file: DataFile, score: str,
        message: str) -> None:
    response = client.post(item_url(in_consensus), data={
        "score": score, "rationale": "Our reasons", "strengths": "", "ofis": ""})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert message in page
    assert "Enter a percentage from 0 to 100 in steps of 5" in page
    assert f'value="{score}"' in page
    assert textarea(page, "rationale") == "Our reasons"
    assert consensus_records(data_file) == {}


def test_expired_form_keeps_the_text(csrf_app: Flask) -> None:
    store = csrf_app.extensions[STORE_KEY]
    record = gen_assessment(store, "Org", "2026", FRAMEWORK_FILE, NOW)
    data_file = store.assessment_data(record.id)
    csrf_app.extensions[USERS_KEY].create("boss", "Boss", PASSWORD)
    add_role(data_file, "boss", Role.COORDINATOR)
    move_to(data_file, Phase.REVIEW)
    move_to(data_file, Phase.CONSENSUS)
    client = sign_in_client(csrf_app, "boss")
    response = client.post(item_url(record), data={
        "score": "fifty", "rationale": "A long argued rationale", "strengths": "", "ofis": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was saved: the form had expired" in page
    assert textarea(page, "rationale") == "A long argued rationale"
    assert 'value="fifty"' in page
    assert consensus_records(data_file) == {}


def test_unknown_key_factor_is_refused(client: FlaskClient,
                                       in_consensus: AssessmentRecord) -> None:
    response = client.post(item_url(in_consensus), data={
        "score": "50", "rationale": "ok", "strengths": "Good #K9", "ofis": ""})
    assert response.status_code == 400
    assert "Strengths, line 1: unknown key factor #K9 (known: #K1, #K2)." in html.unescape(
        response.get_data(as_text=True))


def test_examiner_reads_the_consensus_page_but_cannot_set_it(
        sign_in: Callable[..., FlaskClient], in_consensus: AssessmentRecord,
        data_file: DataFile) -> None:
    examiner = sign_in("ann")
    page = examiner.get(item_url(in_consensus))
    assert page.status_code == 200
    assert "cai: systematic" in page.get_data(as_text=True)
    assert "<form method=\"post\" class=\"consensus-form\"" not in page.get_data(as_text=True)
    assert examiner.get(index_url(in_consensus)).status_code == 200
    response = examiner.post(item_url(in_consensus), data={
        "score": "55", "rationale": "mine", "strengths": "", "ofis": ""})
    assert response.status_code == 403
    assert consensus_records(data_file) == {}


def test_consensus_lead_may_set_it(sign_in: Callable[..., FlaskClient],
                                   in_consensus: AssessmentRecord, data_file: DataFile) -> None:
    data_file.team.set_consensus_lead("bob")
    response = sign_in("bob").post(item_url(in_consensus), data={
        "score": "45", "rationale": "lead's call", "strengths": "", "ofis": ""})
    assert response.status_code == 302
    assert consensus_records(data_file)["4.1.2"].recorded_by == "bob"


def test_no_consensus_pages_before_the_consensus_phase(
        client: FlaskClient, assessment: AssessmentRecord) -> None:
    assert client.get(index_url(assessment)).status_code == 403


def test_closed_after_consensus(client: FlaskClient, in_consensus: AssessmentRecord,
                                data_file: DataFile) -> None:
    move_to(data_file, Phase.FEEDBACK)
    assert client.get(index_url(in_consensus)).status_code == 200
    page = client.get(item_url(in_consensus)).get_data(as_text=True)
    assert "consensus-form" not in page
    response = client.post(item_url(in_consensus), data={
        "score": "55", "rationale": "late", "strengths": "", "ofis": ""})
    assert response.status_code == 403


def test_unknown_item(client: FlaskClient, in_consensus: AssessmentRecord) -> None:
    assert client.get(item_url(in_consensus, "9.9.9")).status_code == 404


def test_calibration_is_for_the_coordinator(
        client: FlaskClient, sign_in: Callable[..., FlaskClient],
        in_consensus: AssessmentRecord, data_file: DataFile) -> None:
    url = f"/a/{in_consensus.id}/consensus/calibration"
    assert sign_in("ann").get(url).status_code == 403
    assert sign_in("lee").get(url).status_code == 403
    record_consensus(data_file, ConsensusRecord("4.7.2", 45, "middle", (), (), "quality", NOW),
                     5)
    page = client.get(url).get_data(as_text=True)
    assert "How to read it" in page
    rows = re.findall(r'<tr><th scope="row"><span class="examiner-code">(E\d+)</span> (\w+) '
                      r'<small class="muted">\w+</small></th>\s*'
                      r'<td class="num">(\d+)</td>\s*<td class="num">([^<]+)</td>', page)
    assert rows == [("E1", "Ann", "1", "-15.0"), ("E2", "Bob", "1", "+0.0"),
                    ("E3", "Cai", "1", "+15.0")]


def test_statements_carry_anchors_and_consensus_links_to_its_sources(
        client: FlaskClient, in_consensus: AssessmentRecord, data_file: DataFile) -> None:
    client.post(item_url(in_consensus), data={
        "score": "55", "rationale": "Deployed in all plants.",
        "strengths": "Clear mission", "ofis": "Few trend data"})
    [agreed] = consensus_records(data_file)["4.1.2"].strengths
    reviewed = [s for review in data_file.reviews.all() if review.item == "4.1.2"
                for s in review.strengths if s.text == "Clear mission"]
    assert set(agreed.sources) == {s.id for s in reviewed} and len(reviewed) == 3
    page = client.get(item_url(in_consensus)).get_data(as_text=True)
    assert f'id="s-{agreed.id}"' in page
    for source in agreed.sources:  # each source is on the page, and linked from the consensus
        assert f'id="s-{source}"' in page and f'href="#s-{source}"' in page
