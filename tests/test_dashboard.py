"""The leadership dashboard and "my work", as plain domain: periods and due measurements at
month ends, overdue actions, KPIs red or behind, the largest gaps of the latest scored cycle
and its change, and what a person must write or score."""

from __future__ import annotations

from datetime import date

import pytest

from assessor.access import OrgRole, Phase, Role
from assessor.answers import AnswerEdit, save_answers
from assessor.consensus import ConsensusRecord, record_consensus
from assessor.dashboard import (
    dashboard,
    due_period,
    kpi_work,
    last_complete_period,
    latest_scored_cycle,
    my_work_everywhere,
    organization_gaps,
)
from assessor.kpis import Frequency
from assessor.measurements import Measurement, add_measurement
from assessor.paths import framework_named
from assessor.phases import move_to
from assessor.plan_actions import add_action
from assessor.plans import PlanState
from assessor.review import Review, submit
from assessor.storage.store import Store
from assessor.targets import set_targets
from assessor.team import add_role, assign
from tests.factories import FRAMEWORK_FILE, gen_assessment, gen_kpi, gen_plan

MANAGER = frozenset({OrgRole.MANAGER})
NOW = "2026-02-01T09:00:00+00:00"
F = Frequency


@pytest.fixture
def store(domain_store: Store) -> Store:
    """The domain alone, without an app (conftest's `org` and `data` are in it)."""
    return domain_store


def d(text: str) -> date:
    return date.fromisoformat(text)


# -- periods and due measurements -------------------------------------------------------------
@pytest.mark.parametrize(("frequency", "today", "first", "last"), [
    # On a month's last day that month is not complete yet: the one before is due.
    (F.MONTHLY, "2026-01-31", "2025-12-01", "2025-12-31"),
    (F.MONTHLY, "2026-02-01", "2026-01-01", "2026-01-31"),
    (F.MONTHLY, "2026-03-01", "2026-02-01", "2026-02-28"),
    (F.MONTHLY, "2028-03-01", "2028-02-01", "2028-02-29"),  # a leap year
    (F.MONTHLY, "2026-03-31", "2026-02-01", "2026-02-28"),
    (F.QUARTERLY, "2026-03-31", "2025-10-01", "2025-12-31"),
    (F.QUARTERLY, "2026-04-01", "2026-01-01", "2026-03-31"),
    (F.QUARTERLY, "2026-12-31", "2026-07-01", "2026-09-30"),
    (F.HALF_YEARLY, "2026-06-30", "2025-07-01", "2025-12-31"),
    (F.HALF_YEARLY, "2026-07-01", "2026-01-01", "2026-06-30"),
    (F.YEARLY, "2026-12-31", "2025-01-01", "2025-12-31"),
    (F.YEARLY, "2027-01-01", "2026-01-01", "2026-12-31"),
    # Weeks run Monday to Sunday: on a Sunday the week is not over yet.
    (F.WEEKLY, "2026-03-02", "2026-02-23", "2026-03-01"),  # a Monday
    (F.WEEKLY, "2026-03-01", "2026-02-16", "2026-02-22"),  # a Sunday
])
def test_the_last_complete_period(frequency: Frequency, today: str, first: str,
                                  last: str) -> None:
    assert last_complete_period(frequency, d(today)) == (d(first), d(last))


def test_a_measurement_is_due_when_the_last_complete_period_has_no_value(
        store: Store, org: str) -> None:
    kpi = gen_kpi(store, org, "K1", frequency="monthly", baseline_date="2025-06-01")
    january = [Measurement(kpi.id, "2026-01-31", 60.0)]
    assert due_period(kpi, january, d("2026-02-28")) is None  # February is not over
    assert due_period(kpi, january, d("2026-03-01")) == (d("2026-02-01"), d("2026-02-28"))
    # A value dated any day of the period counts for it; one of the month after does not.
    assert due_period(kpi, [Measurement(kpi.id, "2026-02-01", 1.0)], d("2026-03-01")) is None
    assert due_period(kpi, [Measurement(kpi.id, "2026-03-01", 1.0)], d("2026-03-01")) \
        == (d("2026-02-01"), d("2026-02-28"))
    # Nothing is due for a period that ended before the KPI's baseline, or without frequency.
    assert due_period(kpi, [], d("2025-06-15")) is None
    assert due_period(kpi, [], d("2025-07-01")) == (d("2025-06-01"), d("2025-06-30"))
    no_frequency = gen_kpi(store, org, "K2")
    assert due_period(no_frequency, [], d("2026-03-01")) is None


def test_kpi_work_due_and_red_without_a_comment(store: Store, org: str) -> None:
    data = store.organization_data(org)
    due = gen_kpi(store, org, "B-DUE", owner="ann", frequency="quarterly")
    red = gen_kpi(store, org, "A-RED", owner="ann", frequency="yearly")
    gen_kpi(store, org, "OTHER", owner="bob", frequency="monthly")
    add_measurement(data, "ann", red.id, "2025-06-30", 40.0)  # red, no comment
    add_measurement(data, "ann", red.id, "2025-09-30", 45.0, comment="Supplier strike")
    add_measurement(data, "ann", red.id, "2025-12-31", 98.0)  # amber: not asked here
    add_measurement(data, "ann", due.id, "2026-02-15", 100.0)  # green, this quarter
    due_list, unexplained = kpi_work(data.read(), "ann", d("2026-04-01"))
    assert [(k.kpi.code, k.periods) for k in unexplained] == [("A-RED", ("2025-06-30",))]
    # The value of 2026-02-15 is in the quarter that ended on 2026-03-31: not due.
    assert [k.kpi.code for k in due_list] == []
    due_list, _ = kpi_work(data.read(), "ann", d("2026-07-01"))
    assert [(k.kpi.code, k.period_end) for k in due_list] == [("B-DUE", d("2026-06-30"))]
    assert kpi_work(data.read(), "", d("2026-07-01")) == ([], [])


# -- the dashboard -----------------------------------------------------------------------------
def test_an_empty_organization_has_an_empty_dashboard(store: Store, org: str) -> None:
    board = dashboard(store.organization_data(org).read(), d("2026-04-01"),
                      lambda: organization_gaps(store.assessments, org, framework_named))
    assert board.waiting == board.overdue == board.kpis == ()
    assert board.by_state == tuple((state, 0) for state in PlanState)
    assert board.plan_count == 0
    assert board.gaps is None


def test_the_dashboard_plans_and_kpis(store: Store, org: str) -> None:
    late = gen_plan(store, org, "Late", state="doing")
    gen_plan(store, org, "Waits", state="submitted")
    gen_plan(store, org, "Draft past due", state="draft")
    gen_plan(store, org, "Done", state="closed")
    data = store.organization_data(org)
    add_action(data, "manager", MANAGER, late.id, "Later", "owner", "2026-05-31")
    red = gen_kpi(store, org, "RED")
    amber = gen_kpi(store, org, "AMBER")
    green = gen_kpi(store, org, "GREEN")
    gen_kpi(store, org, "NONE")  # no data: neither red nor behind
    add_measurement(data, "m", red.id, "2026-03-31", 55.0)
    # On 2026-04-01 0.62 of the way is expected: 0.1 is red and behind, 0.91 amber on track.
    add_measurement(data, "m", amber.id, "2026-03-31", 95.5)
    add_measurement(data, "m", green.id, "2026-03-31", 100.0)
    board = dashboard(data.read(), d("2026-04-01"))
    assert [p.title for p in board.waiting] == ["Waits"]
    assert dict(board.by_state) == {PlanState.DRAFT: 1, PlanState.SUBMITTED: 1,
                                    PlanState.APPROVED: 0, PlanState.DOING: 1,
                                    PlanState.CHECKING: 0, PlanState.CLOSED: 1,
                                    PlanState.CONTINUED: 0}
    assert board.plan_count == 4
    # The doing plan's A1 was due on 2026-03-31; A2 is not yet due; drafts' due days wait.
    assert [(o.plan.title, o.action.id) for o in board.overdue] == [("Late", "A1")]
    assert dashboard(data.read(), d("2026-03-31")).overdue == ()
    assert [(c.kpi.code, c.red, c.behind) for c in board.kpis] == [("RED", True, True)]


def test_an_amber_kpi_behind_its_trajectory_is_on_the_dashboard(store: Store, org: str) -> None:
    data = store.organization_data(org)
    kpi = gen_kpi(store, org, "SLOW", baseline=0.0, target=100.0, amber=0.5,
                  baseline_date="2026-01-01", target_date="2026-12-31")
    add_measurement(data, "m", kpi.id, "2026-11-30", 60.0)  # amber (0.6 ≥ 0.5)
    # On 2026-12-01 the expected attainment is 334/364 = 0.92: 0.6 < 0.85 × 0.92, behind.
    [concern] = dashboard(data.read(), d("2026-12-01")).kpis
    assert (concern.kpi.code, concern.red, concern.behind) == ("SLOW", False, True)
    # Early in the year it is on track, and amber is no concern then.
    assert dashboard(data.read(), d("2026-06-01")).kpis == ()


def _scored_cycle(store: Store, name: str, created_at: str, score: int,
                  target: int | None = 60, items: int | None = None) -> str:
    framework = framework_named(FRAMEWORK_FILE)
    record = gen_assessment(store, cycle=name, created_at=created_at)
    data = store.assessment_data(record.id)
    if target is not None:
        set_targets(data, framework, "m", all_items=target)
    move_to(data, Phase.REVIEW)
    move_to(data, Phase.CONSENSUS)
    for i, item in enumerate(framework.items[:items]):
        record_consensus(data, ConsensusRecord(item.id, score + 5 * (i % 3), "agreed", (), (),
                                               "c", NOW), framework.scoring.step)
    return record.id


def test_no_scored_cycle_no_gaps(store: Store, org: str) -> None:
    gen_assessment(store, cycle="2026")  # being written
    assert latest_scored_cycle(store.assessments, org) is None
    assert organization_gaps(store.assessments, org, framework_named) is None


def test_the_largest_gaps_of_the_latest_scored_cycle_and_the_change(store: Store,
                                                                     org: str) -> None:
    framework = framework_named(FRAMEWORK_FILE)
    earlier = _scored_cycle(store, "2024", "2024-01-01T00:00:00+00:00", 30)
    latest = _scored_cycle(store, "2025", "2025-01-01T00:00:00+00:00", 40)
    gen_assessment(store, cycle="2026", created_at="2026-01-01T00:00:00+00:00")  # not scored
    gaps = organization_gaps(store.assessments, org, framework_named)
    assert gaps is not None and gaps.assessment.id == latest
    assert (gaps.compared_with, gaps.compared_id) == ("2024", earlier)
    assert len(gaps.largest) == 5
    points = [row.gap_points for row in gaps.largest]
    assert points == sorted(points, reverse=True) and all(points)
    expected = sorted(((item.points * (60 - (40 + 5 * (i % 3)))) / 100
                       for i, item in enumerate(framework.items)), reverse=True)[:5]
    assert points == expected
    # Every item scored 10 points higher: the total rose by a tenth of the 1000 points.
    assert gaps.total.change_score_points == 100.0
    assert [group.change_score_points for group in gaps.categories] == [
        group.points / 10 for group in gaps.categories]


def test_one_scored_cycle_has_no_change_and_fewer_gaps_than_five(store: Store,
                                                                 org: str) -> None:
    _scored_cycle(store, "2025", "2025-01-01T00:00:00+00:00", 55, items=3)
    gaps = organization_gaps(store.assessments, org, framework_named)
    assert gaps is not None and gaps.compared_with is None
    # 55, 60, 65 against 60: one item short of its target.
    assert [row.item for row in gaps.largest] == [framework_named(FRAMEWORK_FILE).items[0].id]
    assert gaps.total.change_score_points is None


# -- my work -----------------------------------------------------------------------------------
def test_my_work_across_organizations(store: Store, org: str) -> None:
    framework = framework_named(FRAMEWORK_FILE)
    store.organizations.add_member(org, "ann", OrgRole.MEMBER)
    plan = gen_plan(store, org, "Mine", state="doing", owner="ann")
    data = store.organization_data(org)
    add_action(data, "manager", MANAGER, plan.id, "Soon", "ann", "2026-03-01")
    add_action(data, "manager", MANAGER, plan.id, "Later", "ann", "2026-09-30")
    gen_kpi(store, org, "K1", owner="ann", frequency="monthly")
    writing = gen_assessment(store, cycle="2026")
    cycle = store.assessment_data(writing.id)
    add_role(cycle, "ann", Role.WRITER)
    assign(cycle, "ann", Role.WRITER, ["4.1.3", framework.profile.id, "4.1.2"])
    first_question = framework.item("4.1.2").questions[0].id
    save_answers(cycle, [AnswerEdit(first_question, "Our approach", 0)], NOW, "ann")
    # A second organization where ann examines a cycle in review, without an organization role.
    other = gen_assessment(store, "Other Works", "2026")
    review = store.assessment_data(other.id)
    add_role(review, "ann", Role.EXAMINER)
    assign(review, "ann", Role.EXAMINER, ["4.1.3", "4.1.2", "4.2.2"])
    move_to(review, Phase.REVIEW)
    submit(review, Review("4.1.2", "ann", 50), 5, NOW)
    # A third where she has nothing at all.
    gen_assessment(store, "Third Works", "2026")

    work = my_work_everywhere(store.organizations, store.assessments, "ann", d("2026-04-01"),
                              framework_named)
    assert [w.organization.name for w in work] == ["Other Works", "Test Works Ltd."]
    elsewhere, here = work
    assert elsewhere.roles == frozenset() and elsewhere.kpis_due == ()
    [cycle_work] = elsewhere.cycles
    assert cycle_work.phase is Phase.REVIEW and cycle_work.to_score == ("4.1.3", "4.2.2")
    assert cycle_work.to_write == ()
    # Overdue first: A1 (2026-03-31) and "Soon" are past; "Later" is not.
    assert [(a.action.text, a.overdue) for a in here.plans.actions] == [
        ("Soon", True), ("Map the process", True), ("Later", False)]
    assert [p.title for p in here.plans.owned] == ["Mine"]
    assert [(k.kpi.code, k.period_end) for k in here.kpis_due] == [("K1", d("2026-03-31"))]
    [written] = here.cycles
    sections = {s.section: (s.is_profile, s.unanswered, s.questions) for s in written.to_write}
    questions_412 = len(framework.item("4.1.2").questions)
    assert sections["4.1.2"] == (False, questions_412 - 1, questions_412)
    assert sections[framework.profile.id][0] is True
    assert [s.section for s in written.to_write] == [framework.profile.id, "4.1.2", "4.1.3"]
    assert not here.empty
    # Once the review is over, nothing is left to score.
    move_to(review, Phase.CONSENSUS)
    work = my_work_everywhere(store.organizations, store.assessments, "ann", d("2026-04-01"),
                              framework_named)
    assert work[0].cycles[0].to_score == () and work[0].empty


def test_nobody_has_no_work(store: Store, org: str) -> None:
    gen_plan(store, org, "Someone's", owner="")
    assert my_work_everywhere(store.organizations, store.assessments, "nobody",
                              d("2026-04-01"), framework_named) == []
