"""The feedback report: built from consensus records without HTTP, then the page and download."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

import pytest
from flask.testing import FlaskClient

from assessor.access import Phase, Role
from assessor.consensus import ConsensusRecord, record_consensus
from assessor.criteria import Framework, ItemKind, cached_framework
from assessor.key_factors import KeyFactor, save_key_factors
from assessor.organizations import AssessmentRecord
from assessor.paths import criteria_dir
from assessor.phases import move_to
from assessor.report import Report, build_report, download_names, to_markdown
from assessor.settings import Settings, save_settings
from assessor.statements import Statement
from assessor.storage.store import Store

from .conftest import FRAMEWORK_FILE

RECORD = AssessmentRecord("abcdef123456", "org123456789", "Test Works Ltd.", "2026", FRAMEWORK_FILE,
                          "2026-01-01T00:00:00+00:00")
DEFAULTS = Settings()
FACTORS = [KeyFactor("K1", "Export growth in Southeast Asia"),
           KeyFactor("K2", "Skilled workforce shortage"),
           KeyFactor("K3", "Tight cash flow")]
LEADERS_STRENGTH = Statement("Leaders review the strategy dashboard monthly.", ("K1", "K2"))
LEADERS_OFI = Statement("Two-way communication does not reach night shifts.", ("K2",))
RESULTS_OFI = Statement("No comparison with competitors' delivery times.", ("K1",))


@pytest.fixture(scope="module")
def framework() -> Framework:
    return cached_framework(str(criteria_dir() / FRAMEWORK_FILE))


def agreed(item: str, score: int, strengths: tuple[Statement, ...] = (),
           ofis: tuple[Statement, ...] = ()) -> ConsensusRecord:
    return ConsensusRecord(item, score, "agreed after discussion", strengths, ofis, "quality",
                           "2026-03-01T10:00:00+00:00")


def report_of(framework: Framework, records: list[ConsensusRecord],
              settings: Settings = DEFAULTS, factors: list[KeyFactor] = FACTORS,
              draft: bool = False) -> Report:
    return build_report(framework, RECORD, {r.item: r for r in records}, factors, settings,
                        draft=draft)


def every_item(framework: Framework, score: int, **scores: int) -> list[ConsensusRecord]:
    """A consensus on every item at `score`, except items named in `scores` (dots as _)."""
    return [agreed(item.id, scores.get("i" + item.id.replace(".", "_"), score))
            for item in framework.items]


def item_of(report: Report, item_id: str):  # type: ignore[no-untyped-def]
    return next(item for item in report.items if item.id == item_id)


# -- domain --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("score", "band"), [
    (0, "0-5%"), (5, "0-5%"), (10, "10-25%"), (25, "10-25%"), (30, "30-45%"), (45, "30-45%"),
    (50, "50-65%"), (65, "50-65%"), (70, "70-85%"), (85, "70-85%"), (90, "90-100%"),
    (100, "90-100%"),
])
@pytest.mark.parametrize("item_id", ["4.1.2", "4.7.2"])  # a process and a results item
def test_the_score_shows_as_the_band_holding_it(framework: Framework, item_id: str, score: int,
                                                band: str) -> None:
    item = item_of(report_of(framework, [agreed(item_id, score)]), item_id)
    assert item.score is not None
    assert item.score.band == band
    guideline = framework.scoring.guidelines[framework.item(item_id).kind]
    assert item.score.summary == guideline.band_for(score).summary


def test_exact_scores_only_when_the_settings_show_them(framework: Framework) -> None:
    records = [agreed("4.1.2", 55)]
    hidden = report_of(framework, records)
    assert item_of(hidden, "4.1.2").score.exact is None
    assert "55%" not in to_markdown(hidden)

    shown = report_of(framework, records, Settings(report_shows_exact_scores=True))
    assert item_of(shown, "4.1.2").score.exact == 55
    assert "50-65% band (consensus score 55%)" in to_markdown(shown)


def test_points_only_when_the_settings_show_the_total(framework: Framework) -> None:
    records = [agreed("4.1.2", 60), agreed("4.7.2", 55)]  # 50 x 60% + 80 x 55% = 30 + 44
    hidden = report_of(framework, records)
    assert hidden.total is None
    assert all(category.earned is None for category in hidden.categories)
    assert "Total:" not in to_markdown(hidden)
    assert "of 110 points" not in to_markdown(hidden)

    shown = report_of(framework, records, Settings(report_shows_total=True))
    assert shown.total == pytest.approx(74)
    assert shown.categories[0].earned == pytest.approx(30)
    markdown = to_markdown(shown)
    assert "Total: **74** of 1000 points" in markdown
    assert "30 of 110 points" in markdown


def test_items_without_consensus_are_not_yet_scored(framework: Framework) -> None:
    report = report_of(framework, [agreed("4.1.2", 50)])
    assert item_of(report, "4.1.2").score is not None
    unscored = item_of(report, "4.1.3")
    assert unscored.score is None and unscored.strengths == unscored.ofis == ()
    assert not report.complete
    assert len(report.unscored) == len(framework.items) - 1 and "4.1.2" not in report.unscored
    markdown = to_markdown(report)
    assert "### 4.1.3 Organizational governance 组织治理\n\n*Not yet scored.*" in markdown
    assert f"Provisional: {len(framework.items) - 1} item(s) have no consensus yet" in markdown

    complete = report_of(framework, every_item(framework, 50))
    assert complete.complete and "Provisional" not in to_markdown(complete)


def test_overall_band_from_the_points(framework: Framework) -> None:
    report = report_of(framework, every_item(framework, 50))  # 500 of 1000 points
    assert report.overall.band == 6 and report.band_count == 8
    assert report.overall.title.en == "Moving toward integration"
    markdown = to_markdown(report)
    assert "**Band 6 of 8: Moving toward integration" in markdown
    assert markdown.index("## Overall") < markdown.index("## 4.1 Leadership 领导")


def test_process_and_results_bands_need_every_item_of_their_kind(framework: Framework) -> None:
    records = [r for r in every_item(framework, 50) if r.item != "4.7.7"]
    process, results = report_of(framework, records).sides
    assert (process.kind, process.available, process.band) == (ItemKind.PROCESS, 600, "50-65%")
    assert (results.kind, results.available, results.band) == (ItemKind.RESULTS, 400, None)


def test_process_band_rounds_the_weighted_average_to_the_nearest_step(
        framework: Framework) -> None:
    exact = Settings(report_shows_exact_scores=True)
    # Every process item at 25% but 4.1.2 (50 of 600 points): 27.5% rounds up into 30-45%,
    # 27.08% down into 10-25%.
    up = report_of(framework, every_item(framework, 25, i4_1_2=55), exact).sides[0]
    assert (up.band, up.exact) == ("30-45%", 27.5)
    down = report_of(framework, every_item(framework, 25, i4_1_2=50), exact).sides[0]
    assert (down.band, down.exact) == ("10-25%", 27.1)
    assert report_of(framework, every_item(framework, 25, i4_1_2=55)).sides[0].exact is None


def test_strengths_and_ofis_grouped_by_key_factor(framework: Framework) -> None:
    records = [agreed("4.1.2", 50, strengths=(LEADERS_STRENGTH,), ofis=(LEADERS_OFI,)),
               agreed("4.7.2", 40, ofis=(RESULTS_OFI, Statement("Old tag.", ("K9",)))),
               agreed("4.1.3", 30, strengths=(Statement("Untagged strength."),))]
    sections = {s.id: s for s in report_of(framework, records).key_factors}
    assert list(sections) == ["K1", "K2", "K3", "K9"]

    k1 = sections["K1"]
    assert k1.text == "Export growth in Southeast Asia"
    assert [(c.item_id, c.statement) for c in k1.strengths] == [("4.1.2", LEADERS_STRENGTH)]
    assert [(c.item_id, c.statement) for c in k1.ofis] == [("4.7.2", RESULTS_OFI)]
    assert [c.statement for c in sections["K2"].strengths] == [LEADERS_STRENGTH]
    assert [c.statement for c in sections["K2"].ofis] == [LEADERS_OFI]
    assert sections["K3"].strengths == sections["K3"].ofis == ()
    # A tag whose factor was removed since keeps its comments, marked as no longer defined.
    assert sections["K9"].text is None and sections["K9"].ofis[0].item_id == "4.7.2"
    assert all("Untagged" not in c.statement.text
               for s in sections.values() for c in s.strengths)


def test_markdown_headings_and_statements(framework: Framework) -> None:
    records = [agreed("4.1.2", 50, strengths=(LEADERS_STRENGTH,), ofis=(LEADERS_OFI,)),
               agreed("4.7.2", 40, ofis=(RESULTS_OFI,))]
    markdown = to_markdown(report_of(framework, records, draft=True))
    assert markdown.startswith("# Feedback report: Test Works Ltd.\n")
    assert "Criteria for Performance Excellence (GB/T 19580-2012) 卓越绩效评价准则" in markdown
    assert "> **Draft.**" in markdown
    for heading in ("## 4.1 Leadership 领导", "### 4.1.2 Role of senior leaders 高层领导的作用",
                    "## 4.7 Results 结果", "### 4.7.2 Product and service results 产品和服务结果",
                    "## Strengths and opportunities by key factor",
                    "### K1: Export growth in Southeast Asia", "### K3: Tight cash flow"):
        assert f"\n{heading}\n" in markdown
    section_412 = markdown.split("### 4.1.2")[1].split("###")[0]
    assert "**Score: 50-65% band.**" in section_412
    assert "- Leaders review the strategy dashboard monthly. (K1, K2)" in section_412
    assert ("**Opportunities for improvement**\n\n"
            "- Two-way communication does not reach night shifts. (K2)") in section_412
    by_factor = markdown.split("### K1:")[1].split("###")[0]
    assert ("- No comparison with competitors' delivery times. "
            "(4.7.2 Product and service results 产品和服务结果)") in by_factor
    assert "*None tagged.*" in markdown.split("### K3:")[1]
    assert "> **Draft.**" not in to_markdown(report_of(framework, records))


def test_markdown_keeps_peoples_text_literal(framework: Framework) -> None:
    tricky = Statement("# Costs *fell* by 5% [see annex]", ())
    markdown = to_markdown(report_of(framework, [agreed("4.1.2", 50, strengths=(tricky,))]))
    assert r"- \# Costs \*fell\* by 5% \[see annex\]" in markdown


def test_download_names_are_ascii_safe_with_a_unicode_form(framework: Framework) -> None:
    assert download_names(report_of(framework, [])) == (
        "test-works-ltd-2026-feedback-report.md", "Test Works Ltd. 2026 feedback report.md")
    chinese = AssessmentRecord("abcdef123456", "org123456789", "华信/精密", "2026 Q1",
                               FRAMEWORK_FILE, "")
    report = build_report(framework, chinese, {}, [], Settings())
    assert download_names(report) == ("assessment-2026-q1-feedback-report.md",
                                      "华信 精密 2026 Q1 feedback report.md")


# -- web -----------------------------------------------------------------------------------------

def open_phase(store: Store, record: AssessmentRecord, target: Phase) -> None:
    data_file = store.assessment_data(record.id)
    for phase in (Phase.REVIEW, Phase.CONSENSUS, Phase.FEEDBACK):
        move_to(data_file, phase)
        if phase is target:
            return


@pytest.fixture
def agreed_assessment(store: Store, assessment: AssessmentRecord) -> AssessmentRecord:
    """The `assessment` fixture in the consensus phase with key factors and two items agreed."""
    data_file = store.assessment_data(assessment.id)
    save_key_factors(data_file, {}, [factor.text for factor in FACTORS])
    open_phase(store, assessment, Phase.CONSENSUS)
    step = 5
    record_consensus(data_file, agreed("4.1.2", 55, (LEADERS_STRENGTH,), (LEADERS_OFI,)), step)
    record_consensus(data_file, agreed("4.7.2", 40, ofis=(RESULTS_OFI,)), step)
    return assessment


def report_url(record: AssessmentRecord, path: str = "") -> str:
    return f"/a/{record.id}/report/{path}"


def test_coordinator_sees_the_draft_in_the_consensus_phase(
        client: FlaskClient, agreed_assessment: AssessmentRecord) -> None:
    response = client.get(report_url(agreed_assessment))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<strong>Draft.</strong>" in page
    assert f'href="{report_url(agreed_assessment, "report.md")}"' in page
    assert "Download Markdown" in page and "Save as PDF" in page
    # The criteria in the interface's language only; the other is a click away (?both=1).
    assert '>4.1.2 <span lang="en">Role of senior leaders</span></a>' in page
    assert "高层领导的作用" not in page
    assert "Score band 50-65%" in page
    assert "Leaders review the strategy dashboard monthly." in page
    assert "Not yet scored" in page  # 4.1.3 and others
    assert "consensus score 55%" not in page  # exact scores are off by default


def test_the_report_opens_with_the_consensus_phase(
        client: FlaskClient, store: Store, assessment: AssessmentRecord) -> None:
    assert client.get(report_url(assessment)).status_code == 403
    open_phase(store, assessment, Phase.REVIEW)
    assert client.get(report_url(assessment)).status_code == 403


def test_a_writer_reads_the_report_only_once_it_is_out(
        sign_in: Callable[..., FlaskClient], add_member: Callable[..., None], store: Store,
        agreed_assessment: AssessmentRecord) -> None:
    add_member(agreed_assessment, "writer", Role.WRITER, ("4.1.2",))
    writer = sign_in("writer")
    assert writer.get(report_url(agreed_assessment)).status_code == 403
    assert writer.get(report_url(agreed_assessment, "report.md")).status_code == 403

    move_to(store.assessment_data(agreed_assessment.id), Phase.FEEDBACK)
    response = writer.get(report_url(agreed_assessment))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Leaders review the strategy dashboard monthly." in page
    assert "<strong>Draft.</strong>" not in page
    assert writer.get(report_url(agreed_assessment, "report.md")).status_code == 200


def test_a_leader_sees_the_draft_and_an_examiner_does_not(
        sign_in: Callable[..., FlaskClient], add_member: Callable[..., None],
        agreed_assessment: AssessmentRecord) -> None:
    add_member(agreed_assessment, "leader", Role.LEADER)
    add_member(agreed_assessment, "examiner", Role.EXAMINER, ("4.1.2",))
    assert sign_in("leader").get(report_url(agreed_assessment)).status_code == 200
    assert sign_in("examiner").get(report_url(agreed_assessment)).status_code == 403


def test_markdown_download(client: FlaskClient, agreed_assessment: AssessmentRecord) -> None:
    response = client.get(report_url(agreed_assessment, "report.md"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="test-works-ltd-2026-feedback-report.md"')
    encoded = disposition.split("filename*=UTF-8''")[1]
    assert unquote(encoded) == "Test Works Ltd. 2026 feedback report.md"
    text = response.data.decode("utf-8")
    assert text.startswith("# Feedback report: Test Works Ltd.\n")
    assert "### 4.1.2 Role of senior leaders 高层领导的作用" in text
    assert "- Two-way communication does not reach night shifts. (K2)" in text
    assert "### K2: Skilled workforce shortage" in text
    assert "> **Draft.**" in text


def test_total_and_exact_scores_follow_the_settings(
        client: FlaskClient, store: Store, agreed_assessment: AssessmentRecord) -> None:
    page = client.get(report_url(agreed_assessment)).get_data(as_text=True)
    markdown = client.get(report_url(agreed_assessment, "report.md")).get_data(as_text=True)
    assert "of 1000 points" not in page and "of 1000 points" not in markdown

    save_settings(store.assessment_data(agreed_assessment.id),
                  Settings(report_shows_total=True, report_shows_exact_scores=True))
    page = client.get(report_url(agreed_assessment)).get_data(as_text=True)
    markdown = client.get(report_url(agreed_assessment, "report.md")).get_data(as_text=True)
    # 50 x 55% + 80 x 40% = 27.5 + 32
    assert "Total: <strong>59.5</strong> of 1000 points" in page
    assert "Total: **59.5** of 1000 points" in markdown
    assert "consensus score 55%" in page and "consensus score 55%" in markdown
