"""The register as pages show it (rows in tree order, filters, child counts, values asking for
a comment), the strategy map's status marks, and KPIs as evidence for results items."""

from __future__ import annotations

from datetime import date

import pytest

from assessor.kpi_evidence import evidence_for_item, yearly_levels
from assessor.kpi_register import RegisterFilter, objective_marks, register_rows
from assessor.kpi_status import Status
from assessor.measurements import Measurement, add_measurement
from assessor.repositories import PerformanceData
from assessor.storage.store import Store
from assessor.strategy import Perspective, add_objective
from tests.factories import gen_kpi, gen_unit

TODAY = date(2026, 1, 1)


@pytest.fixture
def store(domain_store: Store) -> Store:
    """The domain alone, without an app (conftest's `org` and `data` are in it)."""
    return domain_store


@pytest.fixture
def register(store: Store, org: str, data: PerformanceData) -> dict[str, str]:
    """C1 (company) → S1 (Sales) → E1 (Sales/East), and P1 (Plant); ids by code."""
    gen_unit(store, org, "", head="ceo")
    sales, east = gen_unit(store, org, "Sales", head="sam"), gen_unit(store, org, "Sales/East")
    plant = gen_unit(store, org, "Plant")
    grow = add_objective(data, "quality", "Grow", Perspective.FINANCIAL)
    c1 = gen_kpi(store, org, "C1", objectives=(grow.id,), owner="ceo")
    s1 = gen_kpi(store, org, "S1", unit=sales.id, parent=c1.id, owner="sam",
                 objectives=(grow.id,))
    e1 = gen_kpi(store, org, "E1", unit=east.id, parent=s1.id, owner="eve",
                 perspective=Perspective.CUSTOMER)
    p1 = gen_kpi(store, org, "P1", unit=plant.id, owner="pat")
    add_measurement(data, "sam", s1.id, "2025-10-31", 55)
    add_measurement(data, "sam", s1.id, "2025-11-30", 60, "Lost a customer")
    add_measurement(data, "sam", s1.id, "2025-12-31", 96)
    add_measurement(data, "eve", e1.id, "2025-12-31", 100)
    return {kpi.code: kpi.id for kpi in (c1, s1, e1, p1)} | {"sales": sales.id,
                                                              "east": east.id}


def codes(rows: list) -> list[str]:
    return [row.kpi.code for row in rows]


def test_rows_in_tree_order_with_everything_a_page_shows(data: PerformanceData,
                                                         register: dict[str, str]) -> None:
    rows = register_rows(data.read(), TODAY)
    assert [(row.kpi.code, row.depth, row.unit_path) for row in rows] == [
        ("C1", 0, ""), ("S1", 1, "Sales"), ("E1", 2, "Sales/East"), ("P1", 0, "Plant")]
    c1, s1, e1, _ = rows
    assert c1.reading.status is Status.NO_DATA
    assert c1.child_counts == {Status.GREEN: 0, Status.AMBER: 1, Status.RED: 0,
                               Status.NO_DATA: 0}
    assert s1.child_counts == {Status.GREEN: 1, Status.AMBER: 0, Status.RED: 0,
                               Status.NO_DATA: 0}
    assert e1.child_counts is None
    # October is red and behind the way to the 2026 target, unexplained; November has its
    # reason; December is amber but on track, with nothing to explain.
    assert s1.comment_needed == ("2025-10-31",)
    assert (s1.superior, e1.superior) == ("ceo", "sam")
    assert (c1.perspective, e1.perspective) == (Perspective.FINANCIAL, Perspective.CUSTOMER)
    assert set(s1.smart) == {"S", "M", "A", "R", "T"}


@pytest.mark.parametrize(("only", "expected"), [
    (RegisterFilter(), ["C1", "S1", "E1", "P1"]),
    (RegisterFilter(unit="sales"), ["S1", "E1"]),
    (RegisterFilter(unit="east"), ["E1"]),
    (RegisterFilter(perspective=Perspective.FINANCIAL), ["C1", "S1"]),
    (RegisterFilter(status=Status.NO_DATA), ["C1", "P1"]),
    (RegisterFilter(status=Status.GREEN), ["E1"]),
    (RegisterFilter(owner="pat"), ["P1"]),
    (RegisterFilter(unit="sales", status=Status.AMBER), ["S1"]),
])
def test_filters(data: PerformanceData, register: dict[str, str], only: RegisterFilter,
                 expected: list[str]) -> None:
    if only.unit is not None:
        only = RegisterFilter(register[only.unit], only.perspective, only.status, only.owner)
    assert codes(register_rows(data.read(), TODAY, only)) == expected


def test_objective_marks(data: PerformanceData, register: dict[str, str]) -> None:
    records = data.read()
    grow = next(iter(records.objectives))
    assert objective_marks(records, TODAY) == {grow: [Status.NO_DATA, Status.AMBER]}


def test_evidence_for_a_results_item(store: Store, org: str, data: PerformanceData) -> None:
    share = gen_kpi(store, org, "M1", items=("4.7.3",), comparison=30.0,
                    comparison_source="Industry 2025")
    gen_kpi(store, org, "M2", items=("4.7.4",))
    for period, value in [("2023-12-31", 20), ("2024-06-30", 22), ("2024-12-31", 25),
                          ("2025-12-31", 28), ("2023-06-30", 18)]:
        add_measurement(data, "ann", share.id, period, value)
    evidence = evidence_for_item(data.read(), "4.7.3", TODAY)
    assert [e.kpi.code for e in evidence] == ["M1"]
    assert evidence[0].yearly == ((2023, 20.0), (2024, 25.0), (2025, 28.0))
    assert evidence[0].has_trend and evidence[0].comparison == 30.0
    assert evidence[0].reading.latest.value == 28.0  # type: ignore[union-attr]
    assert evidence_for_item(data.read(), "4.7.5", TODAY) == []
    assert yearly_levels([Measurement("k", "2025-01-31", 1.0)]) == ((2025, 1.0),)
