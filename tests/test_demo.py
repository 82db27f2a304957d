"""The demo data: each organization has two closed, scored cycles with targets (2024, 2025) and
a current one (2026), so that the 2025 gap report has a real Pareto and a change since 2024;
and its units, strategy and a three-level KPI tree measured monthly since 2023. The Chinese
organization's content is in Chinese."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskCliRunner

from assessor import create_app
from assessor.access import Phase
from assessor.demo import DEMO_DIR, ORGANIZATIONS, PERFORMANCE, _series, load_demo
from assessor.extensions import store_of, users_of
from assessor.gaps import GapReport, cycle_gap_report
from assessor.kpi_status import Status, read_kpi
from assessor.kpis import Direction, Frequency, kpi_tree, superior_of
from assessor.organizations import AssessmentRecord
from assessor.paths import framework_named
from assessor.performance import PerformanceRecords
from assessor.phases import current_phase
from assessor.plan_check import check_plan_effects
from assessor.plan_moves import move_of
from assessor.plan_sources import ofi_texts
from assessor.plans import ActionStatus, Plan, PlanState, Verdict
from assessor.scorecard import scorecard_warnings
from assessor.smart import Check, smart_check
from assessor.storage.store import Store
from assessor.strategy import Perspective, strategy_of
from assessor.units import ancestors, children_of, unit_tree

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


# -- units, strategy and KPIs ---------------------------------------------------------------------

def performance_of(store: Store, organization: str) -> PerformanceRecords:
    record = next(iter(cycles(store, organization).values()))
    return store.organization_data(record.organization_id).read()


def organization_id(store: Store, organization: str) -> str:
    return next(iter(cycles(store, organization).values())).organization_id


@pytest.mark.parametrize("organization", [ENGLISH, CHINESE])
def test_units_run_from_the_company_to_departments_and_teams(store: Store,
                                                             organization: str) -> None:
    records = performance_of(store, organization)
    heads = {"coordinator", "writer", "examiner1", "examiner2", "examiner3", "leader"}
    tree = list(unit_tree(records))
    assert [depth for _, depth in tree].count(0) == 1
    departments = [unit for unit, depth in tree if depth == 1]
    assert 3 <= len(departments) <= 5
    for department in departments:
        assert 2 <= len(children_of(records, department.id)) <= 4
    assert max(depth for _, depth in tree) == 2
    assert all(unit.mission and unit.head in heads for unit, _ in tree)


@pytest.mark.parametrize("organization", [ENGLISH, CHINESE])
def test_the_strategy_has_objectives_in_four_perspectives_linked_cause_to_effect(
        store: Store, organization: str) -> None:
    records = performance_of(store, organization)
    strategy = strategy_of(records)
    assert strategy.mission and strategy.vision and len(strategy.values) >= 3
    assert strategy.horizon
    objectives = list(records.objectives.values())
    assert 8 <= len(objectives) <= 12
    per_perspective = Counter(objective.perspective for objective in objectives)
    assert set(per_perspective) == set(Perspective)
    assert max(per_perspective.values()) <= 3
    assert all(objective.owner and objective.description for objective in objectives)
    assert 8 <= len(records.links) <= 14
    assert all(link.hypothesis for link in records.links)
    # Causes sit in a lower lane than (or the same lane as) their effects: no downward links.
    assert not [w for w in scorecard_warnings(records) if w.code == "link_downward"]
    # Every objective is served by a KPI of the company scorecard.
    assert not [w for w in scorecard_warnings(records) if w.code == "objective_without_kpi"]


@pytest.mark.parametrize("organization", [ENGLISH, CHINESE])
def test_about_twenty_kpis_in_a_three_level_tree_with_every_field(store: Store,
                                                                  organization: str) -> None:
    records = performance_of(store, organization)
    tree = list(kpi_tree(records))
    assert 18 <= len(tree) <= 24
    levels = Counter(depth for _, depth in tree)
    assert set(levels) == {0, 1, 2} and levels[0] >= 8 and levels[2] >= 4
    for kpi, depth in tree:
        assert (kpi.unit is None) == (depth == 0), kpi.code  # company, department, team
        if kpi.unit is not None:
            assert len(ancestors(records, kpi.unit)) == depth, kpi.code
        assert kpi.definition and kpi.formula and kpi.data_source and kpi.measure_unit
        assert kpi.owner and kpi.perspective and kpi.objectives and kpi.items, kpi.code
        assert kpi.baseline is not None and kpi.baseline_date and kpi.target_date
        assert (kpi.target is not None) != (kpi.direction is Direction.BAND)
        assert kpi.frequency is Frequency.MONTHLY
    directions = Counter(kpi.direction for kpi, _ in tree)
    assert directions[Direction.UP] and directions[Direction.DOWN] and directions[Direction.BAND]
    assert sum(kpi.stretch is not None for kpi, _ in tree) >= 3
    assert sum(kpi.amber is not None for kpi, _ in tree) >= 1
    assert sum(kpi.comparison is not None and bool(kpi.comparison_source)
               for kpi, _ in tree) >= 3
    agreed = [kpi.agreed for kpi, _ in tree]
    assert agreed.count(False) in (2, 3, 4)
    assert all(smart_check(records, kpi)["S"].result is Check.PASS for kpi, _ in tree)
    assert all(smart_check(records, kpi)["M"].result is Check.PASS for kpi, _ in tree)


@pytest.mark.parametrize("organization", [ENGLISH, CHINESE])
def test_three_years_of_monthly_values_some_ending_amber_or_red_with_comments(
        store: Store, organization: str) -> None:
    records = performance_of(store, organization)
    for kpi in records.kpis.values():
        periods = [m.period for m in records.measurements_of(kpi.id)]
        assert len(periods) >= 36, kpi.code
        months = {period[:7] for period in periods}
        assert len(months) == len(periods)  # one value a month
        assert periods[0].startswith("2023-01") and periods[-1].startswith("2026-10")
    readings = {kpi.code: read_kpi(kpi, records.measurements_of(kpi.id), date.today())
                for kpi in records.kpis.values()}
    statuses = Counter(reading.status for reading in readings.values())
    assert statuses[Status.AMBER] >= 2 and statuses[Status.RED] >= 2
    assert statuses[Status.GREEN] > len(readings) / 2
    for reading in readings.values():
        if reading.status in (Status.AMBER, Status.RED):
            assert reading.latest is not None and reading.latest.comment
    threads = [thread for thread in records.feedback.values() if len(thread) >= 2]
    assert len(threads) >= 2
    for thread in threads:  # the superior replied to the owner, or the other way round
        kpi = records.kpis[thread[0].kpi]
        assert {entry.by for entry in thread} == {kpi.owner, superior_of(records, kpi)}


def test_the_values_are_the_same_at_every_load() -> None:
    spec = yaml.safe_load((DEMO_DIR / PERFORMANCE[0]).read_text(encoding="utf-8"))
    entry = spec["kpis"][0]
    assert list(_series(entry)) == list(_series(entry))


def performance_texts(records: PerformanceRecords) -> list[str]:
    strategy = strategy_of(records)
    texts = [strategy.mission, strategy.vision, *strategy.values]
    texts += [text for unit in records.units.values() for text in (unit.name, unit.mission)]
    texts += [text for objective in records.objectives.values()
              for text in (objective.name, objective.description)]
    texts += [link.hypothesis for link in records.links]
    texts += [text for kpi in records.kpis.values() for text in (
        kpi.name, kpi.definition, kpi.formula, kpi.data_source, kpi.comparison_source) if text]
    texts += [m.comment for by_period in records.measurements.values()
              for m in by_period.values() if m.comment]
    texts += [entry.text for thread in records.feedback.values() for entry in thread]
    return texts


def test_the_chinese_organizations_performance_data_is_in_chinese(store: Store) -> None:
    texts = performance_texts(performance_of(store, CHINESE))
    assert len(texts) > 150
    assert all(CJK.search(text) for text in texts), [t for t in texts if not CJK.search(t)]
    # Latin letters only in abbreviations a Chinese hospital writes as such.
    assert {word for text in texts for word in WORD.findall(text)} <= {"DRG", "CMI", "HIS", "CT"}


def test_the_english_organizations_performance_data_is_in_english(store: Store) -> None:
    texts = performance_texts(performance_of(store, ENGLISH))
    assert len(texts) > 150
    assert not [text for text in texts if CJK.search(text)]


@pytest.mark.parametrize("organization", [ENGLISH, CHINESE])
def test_the_kpis_status_command_reads_the_demo(demo_app: Flask, store: Store,
                                                organization: str) -> None:
    runner: FlaskCliRunner = demo_app.test_cli_runner()
    result = runner.invoke(args=["kpis", "status", organization_id(store, organization),
                                 "--format", "json", "--on", "2026-11-30"])
    assert result.exit_code == 0, result.output
    kpis = json.loads(result.output)["kpis"]
    assert len(kpis) == len(performance_of(store, organization).kpis)
    assert {kpi["status"] for kpi in kpis} == {"green", "amber", "red"}
    assert all(kpi["latest"]["period"].startswith("2026-10") for kpi in kpis)
    assert all(set(kpi["smart"]) == set("SMART") for kpi in kpis)
    if organization == CHINESE:
        assert all(CJK.search(kpi["name"]) for kpi in kpis)


# -- improvement plans ----------------------------------------------------------------------------

DEMO_TODAY = date(2026, 11, 30)  # the day the demo's plans were written for


def plans_of(store: Store, organization: str) -> list[Plan]:
    records = performance_of(store, organization)
    return sorted(records.plans.values(), key=lambda plan: (plan.created_at, plan.id))


@pytest.mark.parametrize("organization", [ENGLISH, CHINESE])
def test_plans_in_every_state_from_the_2025_ofis_and_red_kpis(store: Store,
                                                              organization: str) -> None:
    plans = plans_of(store, organization)
    assert 6 <= len(plans) <= 9
    assert {plan.state for plan in plans} == set(PlanState)
    returned = [plan for plan in plans if plan.state is PlanState.DRAFT and plan.decisions
                and plan.decisions[-1].from_state is PlanState.SUBMITTED]
    assert returned and all(plan.decisions[-1].comment for plan in returned)
    records = performance_of(store, organization)
    red = {kpi.id for kpi in records.kpis.values()
           if read_kpi(kpi, records.measurements_of(kpi.id), DEMO_TODAY).status is Status.RED}
    from_kpis = [plan for plan in plans if plan.source_kpi]
    assert 1 <= len(from_kpis) <= 2 and {plan.source_kpi for plan in from_kpis} <= red
    from_ofis = [plan for plan in plans if plan.ofis]
    assert len(from_ofis) >= 5
    # From the items with the largest gaps of 2025.
    gaps = report_of(store, cycles(store, organization)["2025"]).items
    largest = {gap.item for gap in sorted(gaps, key=lambda g: -(g.gap_points or 0))[:6]}
    assert {ref.item for plan in from_ofis for ref in plan.ofis} <= largest
    # Root causes: five whys for some, a fishbone for others; effects on the demo's KPIs.
    assert sum(len(plan.whys) >= 5 for plan in plans) >= 2
    assert sum(len(plan.fishbone) >= 5 for plan in plans) >= 2
    assert sum(bool(plan.effects) for plan in plans) >= len(plans) - 1
    assert all(effect.kpi in records.kpis for plan in plans for effect in plan.effects)
    assert all(plan.sponsor == "leader" and plan.owner in ("coordinator", "writer")
               for plan in plans)


@pytest.mark.parametrize("organization", [ENGLISH, CHINESE])
def test_every_owner_is_one_of_the_organizations_people(store: Store, organization: str
                                                        ) -> None:
    # KPI, plan and action owners open their KPIs and plans: each holds a role in the
    # organization (the demo loads through the rule, so a stray owner would stop it).
    people = store.organizations.members(organization_id(store, organization))
    records = performance_of(store, organization)
    owners = {kpi.owner for kpi in records.kpis.values()} | {
        name for plan in records.plans.values()
        for name in (plan.owner, plan.sponsor, *(action.owner for action in plan.actions))}
    owners.discard("")
    assert {"examiner1", "examiner2", "examiner3"} <= owners  # they own KPIs
    assert owners <= set(people), owners - set(people)


@pytest.mark.parametrize("organization", [ENGLISH, CHINESE])
def test_each_plans_ofis_are_ofis_of_the_2025_consensus(store: Store, organization: str
                                                         ) -> None:
    cycle = cycles(store, organization)["2025"]
    data = store.assessment_data(cycle.id)
    consensus = data.consensus.all()
    for plan in plans_of(store, organization):
        assert all(ref.assessment == cycle.id for ref in plan.ofis), plan.title
        texts = ofi_texts(data, plan.ofis)
        assert all(texts.values()), plan.title
        for ref in plan.ofis:
            assert ref.statement in {ofi.id for ofi in consensus[ref.item].ofis}
            assert ref.item in plan.items


@pytest.mark.parametrize("organization", [ENGLISH, CHINESE])
def test_plan_decisions_by_the_leader_and_the_rest_by_the_owners(store: Store,
                                                                 organization: str) -> None:
    organization_trail = store.organizations.audit(organization_id(store, organization))
    moved = [entry for entry in organization_trail.read().entries
             if entry.action == "plan_moved"]
    plans = plans_of(store, organization)
    decisions = [(plan, decision) for plan in plans for decision in plan.decisions]
    assert len(moved) == len(decisions)
    for plan, decision in decisions:
        assert decision.at < DEMO_TODAY.isoformat() and decision.at.startswith("2026-")
        if move_of(decision).leaders_only:
            assert decision.by == "leader", (plan.title, decision)
        else:
            assert decision.by == plan.owner, (plan.title, decision)
    assert {move_of(d).name for _, d in decisions} >= {"approve", "return", "close"}
    assert all(plan.verdict.by == plan.owner for plan in plans if plan.verdict)
    # Each action's status and notes by its owner, dated while the plan was worked on.
    for plan in plans:
        for action in plan.actions:
            assert all(note.by == action.owner for note in action.notes)
            assert all(note.at[:10] >= (plan.started_on or DEMO_TODAY).isoformat()
                       for note in action.notes)


@pytest.mark.parametrize("organization", [ENGLISH, CHINESE])
def test_plans_worked_on_checked_and_acted_on(store: Store, organization: str) -> None:
    records = performance_of(store, organization)
    by_state = {plan.state: plan for plan in plans_of(store, organization)}
    doing = by_state[PlanState.DOING]
    assert {action.status for action in doing.actions} >= {
        ActionStatus.OPEN, ActionStatus.DOING, ActionStatus.DONE}
    assert [doing.is_overdue(a, DEMO_TODAY) for a in doing.actions].count(True) == 1
    assert sum(len(action.notes) for action in doing.actions) >= 3
    # The Check reads the KPIs since the plan started, and they show the effect.
    for state in (PlanState.CHECKING, PlanState.CLOSED):
        plan = by_state[state]
        assert plan.verdict is not None and plan.verdict.comment
        checks = check_plan_effects(records, plan, DEMO_TODAY)
        assert all(len(check.points) >= 6 for check in checks)
        assert checks and all(check.reached for check in checks), plan.title
    closed = by_state[PlanState.CLOSED]
    assert len(closed.standards) >= 2 and closed.verdict.verdict is Verdict.EFFECTIVE
    continued = by_state[PlanState.CONTINUED]
    assert continued.verdict is not None and continued.verdict.verdict is Verdict.PARTLY
    following = records.plans[continued.continued_by]
    assert following.continues == continued.id and following.lessons
    assert following.state is PlanState.SUBMITTED
    assert following.effects != continued.effects
    assert all(action.due and action.due > "2026-11" for action in following.actions)


def plan_texts(plan: Plan) -> list[str]:
    texts = [plan.title, plan.objective, plan.lessons, *plan.whys, *plan.standards]
    texts += [text for _, text in plan.fishbone]
    texts += [d.comment for d in plan.decisions]
    texts += [plan.verdict.comment] if plan.verdict else []
    texts += [text for action in plan.actions
              for text in (action.text, *(note.text for note in action.notes))]
    return [text for text in texts if text]


def test_the_chinese_organizations_plans_are_in_chinese(store: Store) -> None:
    texts = [text for plan in plans_of(store, CHINESE) for text in plan_texts(plan)]
    assert len(texts) > 80
    assert all(CJK.search(text) for text in texts), [t for t in texts if not CJK.search(t)]
    assert {word for text in texts for word in WORD.findall(text)} <= {"DRG", "CT"}


def test_the_english_organizations_plans_are_in_english(store: Store) -> None:
    texts = [text for plan in plans_of(store, ENGLISH) for text in plan_texts(plan)]
    assert len(texts) > 80
    assert not [text for text in texts if CJK.search(text)]


@pytest.mark.parametrize("organization", [ENGLISH, CHINESE])
def test_the_plans_command_prints_the_demo_plans(demo_app: Flask, store: Store,
                                                 organization: str) -> None:
    runner: FlaskCliRunner = demo_app.test_cli_runner()
    result = runner.invoke(args=["plans", organization_id(store, organization), "--format",
                                 "json", "--on", DEMO_TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    plans = json.loads(result.output)["plans"]
    assert len(plans) == len(plans_of(store, organization))
    assert {plan["state"] for plan in plans} == {state.value for state in PlanState}
    codes = {kpi.code for kpi in performance_of(store, organization).kpis.values()}
    assert all(set(plan["kpis"]) <= codes for plan in plans)
    assert sum(action["overdue"] for plan in plans for action in plan["actions"]) == 1
    leaders = [d for plan in plans for d in plan["decisions"]
               if d["move"] in ("approve", "return", "close")]
    assert leaders and all(d["by"] == "leader" for d in leaders)
