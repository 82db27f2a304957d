"""A plan's Check inputs: measurements from the day the plan started (earlier ones left out),
the expectation line, whether the expected value was reached by its date (up, down, late,
not yet), and a plan that has not started."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from assessor.kpis import Direction, Kpi
from assessor.measurements import Measurement, add_measurement
from assessor.plan_check import (
    LinePoint,
    check_effect,
    check_plan_effects,
    meets_expectation,
)
from assessor.plans import Decision, ExpectedEffect, Plan, PlanState
from assessor.storage.store import Store
from tests.factories import gen_kpi, gen_organization, gen_plan

STARTED = date(2026, 2, 1)
LEAD_TIME = Kpi(id="k1", code="LT", name="Lead time", direction=Direction.DOWN,
                baseline=30.0, target=15.0)
FASTER = ExpectedEffect("k1", 30.0, 15.0, "2026-06-30")  # lead time down from 30 to 15 days


def m(period: str, value: float) -> Measurement:
    return Measurement("k1", period, value)


def test_measurements_before_the_start_are_left_out_and_the_rest_ordered() -> None:
    check = check_effect(FASTER, LEAD_TIME, [m("2026-03-31", 22), m("2026-01-31", 14),
                                            m("2026-02-01", 28), m("2026-02-28", 25)],
                         STARTED, date(2026, 4, 1))
    assert [p.period for p in check.points] == ["2026-02-01", "2026-02-28", "2026-03-31"]
    assert check.latest == m("2026-03-31", 22)
    assert check.line == (LinePoint("2026-02-01", 30.0), LinePoint("2026-06-30", 15.0))
    # 14 in January was before the plan: it does not count as reaching 15.
    assert (check.reached_on, check.reached) == (None, None)


@pytest.mark.parametrize(("points", "today", "reached_on", "reached"), [
    ([("2026-03-31", 20), ("2026-05-31", 15)], date(2026, 6, 1), "2026-05-31", True),
    ([("2026-03-31", 14), ("2026-05-31", 18)], date(2026, 7, 1), "2026-03-31", True),
    ([("2026-03-31", 20), ("2026-07-31", 12)], date(2026, 8, 1), None, False),  # late
    ([("2026-03-31", 20)], date(2026, 6, 30), None, None),  # the day itself: still time
    ([("2026-03-31", 20)], date(2026, 7, 1), None, False),
    ([], date(2026, 7, 1), None, False),
])
def test_whether_the_expected_value_was_reached_by_its_date(
        points: list[tuple[str, float]], today: date, reached_on: str | None,
        reached: bool | None) -> None:
    check = check_effect(FASTER, LEAD_TIME, [m(*p) for p in points], STARTED, today)
    assert (check.reached_on, check.reached) == (reached_on, reached)


def test_the_direction_is_the_effects_own() -> None:
    more = ExpectedEffect("k1", 80.0, 90.0, "2026-12-31")
    assert meets_expectation(more, 90) and not meets_expectation(more, 89.9)
    assert meets_expectation(FASTER, 15) and not meets_expectation(FASTER, 15.1)
    hold = ExpectedEffect("k1", 15.0, 15.0, "2026-12-31")
    assert meets_expectation(hold, 14, LEAD_TIME) and not meets_expectation(hold, 16,
                                                                            LEAD_TIME)
    assert meets_expectation(hold, 16) and not meets_expectation(hold, 14)


def test_a_plan_not_started_has_nothing_to_check() -> None:
    check = check_effect(FASTER, LEAD_TIME, [m("2026-03-31", 10)], None, date(2026, 7, 1))
    assert (check.points, check.line, check.reached) == ((), None, None)


def test_the_plan_starts_when_it_goes_to_doing_else_when_approved() -> None:
    plan = Plan("p1", "T", decisions=(
        Decision("a", "2026-01-05T10:00:00+00:00", PlanState.DRAFT, PlanState.SUBMITTED),
        Decision("l", "2026-01-10T10:00:00+00:00", PlanState.SUBMITTED, PlanState.APPROVED)))
    assert plan.started_on == date(2026, 1, 10)
    doing = Decision("a", "2026-01-20T10:00:00+00:00", PlanState.APPROVED, PlanState.DOING)
    assert replace(plan, decisions=(*plan.decisions, doing)).started_on == date(2026, 1, 20)
    assert replace(plan, decisions=plan.decisions[:1]).started_on is None


def test_a_stored_plans_effects_are_checked_against_its_kpis(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    org = gen_organization(store).id
    kpi = gen_kpi(store, org, "OTD", baseline=80.0, target=95.0)
    data = store.organization_data(org)
    for period, value in (("2026-01-31", 96.0), ("2026-02-28", 85.0), ("2026-03-31", 92.0)):
        add_measurement(data, "", kpi.id, period, value)
    plan = gen_plan(store, org, state="checking",
                    effects=[ExpectedEffect(kpi.id, 84, 92, "2026-04-30"),
                             ExpectedEffect(kpi.id, 84, 95, "2026-04-30")])
    first, second = check_plan_effects(data.read(), plan, date(2026, 5, 1))
    assert first.kpi == kpi and [p.value for p in first.points] == [85.0, 92.0]
    assert (first.reached_on, first.reached) == ("2026-03-31", True)
    assert (second.reached_on, second.reached) == (None, False)  # 96 was before the plan
