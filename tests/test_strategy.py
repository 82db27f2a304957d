"""Strategy: mission, vision, values, horizon; objectives and their cause → effect links;
balanced-scorecard warnings as data, never blocking."""

from __future__ import annotations

import pytest

from assessor.kpis import create_kpi
from assessor.performance import StaleRecord
from assessor.repositories import PerformanceData
from assessor.scorecard import ScorecardWarning, scorecard_warnings
from assessor.storage.store import Store
from assessor.strategy import (
    Perspective,
    StrategyError,
    add_objective,
    link_objectives,
    remove_objective,
    set_strategy,
    strategy_of,
    unlink_objectives,
    update_objective,
)

F, C, P, L = (Perspective.FINANCIAL, Perspective.CUSTOMER, Perspective.INTERNAL_PROCESS,
              Perspective.LEARNING_GROWTH)


@pytest.fixture
def store(domain_store: Store) -> Store:
    """The domain alone, without an app (conftest's `org` and `data` are in it)."""
    return domain_store


def test_strategy_is_set_revised_and_audited(data: PerformanceData) -> None:
    assert strategy_of(data.read()).revision == 0
    first = set_strategy(data, "quality", " Feed the city ", "Best in the region",
                         ["Care", " ", "Honesty  first"], 5, now="2026-03-01T00:00:00+00:00")
    assert (first.mission, first.values, first.horizon, first.revision) == (
        "Feed the city", ("Care", "Honesty first"), 5, 1)
    assert first.revised_by == "quality"
    set_strategy(data, "ann", "Feed the city", "Best", [], 3, expected_revision=1)
    with pytest.raises(StaleRecord):
        set_strategy(data, "bob", "Other", "Other", [], 3, expected_revision=1)
    assert strategy_of(data.read()).vision == "Best"
    assert data.audit.read().entries[-1].action == "strategy_set"


@pytest.mark.parametrize("horizon", [0, 31, True, 2.5])
def test_a_horizon_outside_1_to_30_years_is_refused(data: PerformanceData,
                                                    horizon: object) -> None:
    with pytest.raises(StrategyError) as refused:
        set_strategy(data, "quality", "m", "v", [], horizon)  # type: ignore[arg-type]
    assert refused.value.code == "strategy_horizon_invalid"
    assert data.read().strategy is None


def test_objectives_in_the_four_perspectives(data: PerformanceData) -> None:
    growth = add_objective(data, "quality", "Grow revenue", "financial", owner="ceo")
    assert growth.perspective is F
    with pytest.raises(StrategyError) as refused:
        add_objective(data, "quality", "Happy staff", "people")
    assert refused.value.code == "objective_perspective_unknown"
    with pytest.raises(StrategyError) as refused:
        add_objective(data, "quality", " ", "customer")
    assert refused.value.code == "objective_name_empty"
    changed = update_objective(data, "quality", growth.id, name="Grow profit",
                               expected_revision=1)
    assert (changed.name, changed.revision) == ("Grow profit", 2)
    with pytest.raises(StaleRecord):
        update_objective(data, "quality", growth.id, name="x", expected_revision=1)


def test_links_refuse_self_duplicates_and_unknown_objectives(data: PerformanceData) -> None:
    skills = add_objective(data, "quality", "Skilled staff", L)
    quality = add_objective(data, "quality", "Right first time", P)
    link = link_objectives(data, "quality", skills.id, quality.id, "Trained people err less")
    assert data.read().links == [link]
    for cause, effect, code in [(skills.id, skills.id, "link_self"),
                                (skills.id, quality.id, "link_duplicate"),
                                (skills.id, "nosuchobject", "link_unknown"),
                                ("nosuchobject", quality.id, "link_unknown")]:
        with pytest.raises(StrategyError) as refused:
            link_objectives(data, "quality", cause, effect)
        assert refused.value.code == code
    assert data.read().links == [link]
    unlink_objectives(data, "quality", skills.id, quality.id)
    assert data.read().links == []


def test_an_objective_goes_with_its_links_but_not_while_kpis_serve_it(
        data: PerformanceData) -> None:
    skills = add_objective(data, "quality", "Skilled staff", L)
    quality = add_objective(data, "quality", "Right first time", P)
    link_objectives(data, "quality", skills.id, quality.id)
    create_kpi(data, "quality", {"code": "T1", "name": "Training hours",
                                 "objectives": (skills.id,)})
    with pytest.raises(StrategyError) as refused:
        remove_objective(data, "quality", skills.id)
    assert refused.value.data["kpis"] == ["T1"]
    remove_objective(data, "quality", quality.id)
    records = data.read()
    assert list(records.objectives) == [skills.id] and records.links == []


def test_scorecard_warnings_for_an_empty_strategy(data: PerformanceData) -> None:
    warnings = scorecard_warnings(data.read())
    assert {(w.code, w.perspective) for w in warnings} >= {
        ("perspective_without_objective", lane) for lane in (F, C, P, L)}
    assert ScorecardWarning("scorecard_small", count=0, limit=16) in warnings


def test_scorecard_warnings_count_objectives_and_company_kpis(data: PerformanceData) -> None:
    finance = [add_objective(data, "quality", f"Finance {n}", F) for n in range(4)]
    customer = add_objective(data, "quality", "Loyal customers", C)
    process = add_objective(data, "quality", "Lean process", P)
    people = add_objective(data, "quality", "Skilled staff", L)
    for n in range(5):
        create_kpi(data, "quality", {"code": f"C{n}", "name": "c", "objectives": (customer.id,)})
    create_kpi(data, "quality", {"code": "P1", "name": "p", "perspective": P,
                                 "objectives": (process.id,)})
    link_objectives(data, "quality", customer.id, people.id)  # from a higher lane: downward
    warnings = scorecard_warnings(data.read())
    assert ScorecardWarning("too_many_objectives", F, count=4, limit=3) in warnings
    assert ScorecardWarning("objective_many_kpis", C, customer.id, count=5, limit=3) in warnings
    assert ScorecardWarning("objective_without_kpi", L, people.id, count=0) in warnings
    assert ScorecardWarning("objective_without_kpi", F, finance[0].id, count=0) in warnings
    assert ScorecardWarning("perspective_kpis_few", P, count=1, limit=4) in warnings
    assert not any(w.code.startswith("perspective_kpis") and w.perspective is C
                   for w in warnings)  # five customer KPIs: within 4-7
    assert ScorecardWarning("link_downward", objective=customer.id, effect=people.id) \
        in warnings
    assert ScorecardWarning("scorecard_small", count=6, limit=16) in warnings
