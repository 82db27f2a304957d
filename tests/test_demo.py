"""The demo data: each organization has two closed, scored cycles with targets (2024, 2025) and
a current one (2026), so that the 2025 gap report has a real Pareto and a change since 2024;
the Chinese organization's content is in Chinese."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from assessor import create_app
from assessor.access import Phase
from assessor.demo import ORGANIZATIONS, load_demo
from assessor.extensions import store_of, users_of
from assessor.gaps import GapReport, cycle_gap_report
from assessor.organizations import AssessmentRecord
from assessor.paths import framework_named
from assessor.phases import current_phase
from assessor.storage.store import Store

from .conftest import app_config

ENGLISH = "Lakeside Precision Components Co., Ltd."
CHINESE = "临澜市第三人民医院"
EXAMINERS = ("examiner1", "examiner2", "examiner3")
CJK = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    app = create_app(app_config(tmp_path_factory.mktemp("demo")))
    with app.app_context():
        current = load_demo(store_of(app), users_of(app))
    assert [record.cycle for record in current] == ["2026", "2026"]
    return app


@pytest.fixture(scope="module")
def store(demo_app: Flask) -> Store:
    return store_of(demo_app)


def cycles(store: Store, organization: str) -> dict[str, AssessmentRecord]:
    return {record.cycle: record for record in store.assessments.all()
            if record.organization == organization}


def report_of(store: Store, record: AssessmentRecord) -> GapReport:
    return cycle_gap_report(store.assessments, record, framework_named(record.framework))


def test_each_organization_has_two_closed_cycles_and_a_current_one(store: Store) -> None:
    assert len(ORGANIZATIONS) == 2
    for organization in (ENGLISH, CHINESE):
        by_cycle = cycles(store, organization)
        assert sorted(by_cycle) == ["2024", "2025", "2026"]
        assert (by_cycle["2024"].created_at, "2024") < (by_cycle["2025"].created_at, "2025")
        phases = {cycle: current_phase(store.assessment_data(record.id))
                  for cycle, record in by_cycle.items()}
        assert phases == {"2024": Phase.FEEDBACK, "2025": Phase.FEEDBACK, "2026": Phase.WRITING}


@pytest.mark.parametrize("organization", [ENGLISH, CHINESE])
def test_closed_cycles_are_scored_reviewed_and_targeted_on_every_item(
        store: Store, organization: str) -> None:
    by_cycle = cycles(store, organization)
    items = {item.id for item in framework_named(by_cycle["2024"].framework).items}
    for cycle in ("2024", "2025"):
        data = store.assessment_data(by_cycle[cycle].id)
        consensus = data.consensus.all()
        assert set(consensus) == items, cycle
        assert all(record.rationale and record.strengths and record.ofis
                   for record in consensus.values()), cycle
        reviewed = {(review.item, review.examiner) for review in data.reviews.all()}
        assert reviewed == {(item, examiner) for item in items for examiner in EXAMINERS}
        assert set(data.targets.all()) == items, cycle
        assert any(target.rationale for target in data.targets.all().values()), cycle
        assert data.answers.all(), cycle  # a few answers at least
        tagged = [s for record in consensus.values() for s in (*record.strengths, *record.ofis)
                  if s.key_factors]
        assert tagged, cycle  # key factor tags resolve to the cycle's key factors
    assert set(store.assessment_data(by_cycle["2026"].id).targets.all()) == items


@pytest.mark.parametrize("organization", [ENGLISH, CHINESE])
def test_the_2025_gap_report_has_a_real_pareto_and_a_change_since_2024(
        store: Store, organization: str) -> None:
    by_cycle = cycles(store, organization)
    report = report_of(store, by_cycle["2025"])
    assert report.compared_with is not None
    assert report.compared_with.cycle == "2024"
    assert report.total_gap_points > 0
    gaps = [row.gap_points for row in report.items]
    assert all(gap is not None for gap in gaps)  # every item scored and targeted
    assert sum(gap == 0 for gap in gaps) >= 3  # several items at or above their target
    top_five = report.items[4].cumulative_share
    assert 0.5 <= top_five < 0.8  # the few largest gaps carry most of it, not all
    changes = [row.change_score_pct for row in report.items]
    assert any(change > 0 for change in changes)
    assert any(change < 0 for change in changes)
    assert report.total.change_score_points > 0  # 2025 scored higher overall than 2024
    # The change chart (by category) shows gains and a loss.
    category_changes = [group.change_score_points for group in report.categories]
    assert any(change > 0 for change in category_changes)
    assert any(change < 0 for change in category_changes)
    assert report_of(store, by_cycle["2024"]).compared_with is None
    current = report_of(store, by_cycle["2026"])
    assert current.compared_with is not None and current.compared_with.cycle == "2025"


def test_the_chinese_organizations_2024_cycle_is_written_in_chinese(store: Store) -> None:
    data = store.assessment_data(cycles(store, CHINESE)["2024"].id)
    texts = [factor.text for factor in data.key_factors.all()]
    texts += [answer.text for answer in data.answers.all().values()]
    texts += [target.rationale for target in data.targets.all().values() if target.rationale]
    for record in data.consensus.all().values():
        texts += [record.rationale, *(s.text for s in (*record.strengths, *record.ofis))]
    for review in data.reviews.all():
        texts += [s.text for s in (*review.strengths, *review.ofis)]
    assert len(texts) > 200
    assert all(CJK.search(text) for text in texts)
    # Latin letters only in abbreviations a Chinese hospital writes as such (DRG, CT, ICU).
    assert {word for text in texts for word in WORD.findall(text)} <= {"DRG", "CT"}


def test_the_english_organizations_2024_cycle_is_written_in_english(store: Store) -> None:
    data = store.assessment_data(cycles(store, ENGLISH)["2024"].id)
    texts = [record.rationale for record in data.consensus.all().values()]
    texts += [s.text for review in data.reviews.all() for s in (*review.strengths, *review.ofis)]
    assert texts and not any(CJK.search(text) for text in texts)


def test_the_gaps_command_prints_the_demo_comparison(demo_app: Flask, store: Store) -> None:
    runner: FlaskCliRunner = demo_app.test_cli_runner()
    record = cycles(store, ENGLISH)["2025"]
    result = runner.invoke(args=["gaps", record.id, "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "2024" in result.output
    assert f"{report_of(store, record).total_gap_points:g}" in result.output
