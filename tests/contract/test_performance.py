"""The contract of PerformanceData (an organization's units, strategy, KPIs, measurements and
feedback), through the Protocols only, for every store of STORE_FACTORIES."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from assessor.kpis import Direction, Frequency, Kpi
from assessor.measurements import FeedbackEntry, Measurement
from assessor.organizations import UnknownOrganization
from assessor.performance import PerformanceRecords
from assessor.repositories import PerformanceData
from assessor.strategy import Link, Objective, Perspective, Strategy
from assessor.units import OrgUnit, UnitKind
from tests.contract.conftest import NOW, StoreUnderTest

KPI = Kpi(id="k00000000001", code="REV", name="Revenue", direction=Direction.BAND,
          definition="Sales booked", formula="sum(orders)", data_source="ERP",
          measure_unit="万元", baseline=1.5, baseline_date="2025-01-01", target=3.0,
          target_date="2026-12-31", stretch=3.5, amber=0.8, band_low=1.0, band_high=2.0,
          frequency=Frequency.MONTHLY, owner="ann", unit="u00000000002", parent=None,
          perspective=Perspective.FINANCIAL, objectives=("o00000000001",), items=("4.7.4",),
          comparison=2.5, comparison_source="Industry report 2025",
          agreed_by_owner_at=NOW, agreed_by_superior_at=NOW, agreed_by_superior="ceo",
          revision=3)


def everything(records: PerformanceRecords) -> None:
    """One record of every kind, every field set."""
    records.units["u00000000001"] = OrgUnit("u00000000001", "Harbour Foods", UnitKind.COMPANY,
                                            head="ceo")
    records.units["u00000000002"] = OrgUnit("u00000000002", "Sales", UnitKind.DEPARTMENT,
                                            "u00000000001", "Sell", "ann", 2)
    records.strategy = Strategy("Feed", "Best", ("Care", "诚信"), 5, NOW, "ann", 4)
    records.objectives["o00000000001"] = Objective("o00000000001", "Grow", Perspective.FINANCIAL,
                                                   "ceo", "More", 2)
    records.objectives["o00000000002"] = Objective("o00000000002", "Learn",
                                                   Perspective.LEARNING_GROWTH)
    records.links.append(Link("o00000000002", "o00000000001", "Skills sell"))
    records.kpis[KPI.id] = KPI
    records.measurements[KPI.id] = {
        "2026-02-28": Measurement(KPI.id, "2026-02-28", 1.25, "late orders", "ann", NOW),
        "2026-01-31": Measurement(KPI.id, "2026-01-31", 2.0, "", "ann", NOW)}
    records.feedback[KPI.id] = [FeedbackEntry(KPI.id, "ceo", NOW, "Why?"),
                                FeedbackEntry(KPI.id, "ann", NOW, "Late orders")]


def test_an_organization_without_records_reads_empty(data: PerformanceData) -> None:
    assert data.read() == PerformanceRecords()
    assert data.read().measurements_of("anything") == []


def test_every_record_is_stored_whole(data: PerformanceData) -> None:
    data.change(everything)
    expected = PerformanceRecords()
    everything(expected)
    assert data.read() == expected
    assert [m.period for m in data.read().measurements_of(KPI.id)] == ["2026-01-31",
                                                                      "2026-02-28"]


def test_change_returns_what_the_callback_returns(data: PerformanceData) -> None:
    assert data.change(lambda records: len(records.kpis)) == 0


def test_a_change_that_raises_stores_nothing(data: PerformanceData) -> None:
    data.change(everything)

    def half_then_fail(records: PerformanceRecords) -> None:
        records.kpis.clear()
        records.units.clear()
        raise ValueError("the domain refused the change")

    with pytest.raises(ValueError):
        data.change(half_then_fail)
    assert KPI.id in data.read().kpis and len(data.read().units) == 2


def test_what_is_read_is_a_copy(data: PerformanceData) -> None:
    data.change(everything)
    records = data.read()
    records.kpis.clear()
    records.measurements[KPI.id].clear()
    records.feedback[KPI.id].append(FeedbackEntry(KPI.id, "x", NOW, "y"))
    records.links.clear()
    fresh = data.read()
    assert KPI.id in fresh.kpis and len(fresh.measurements[KPI.id]) == 2
    assert len(fresh.feedback[KPI.id]) == 2 and len(fresh.links) == 1


def test_each_organization_has_its_own_records_and_trail(store: StoreUnderTest,
                                                         data: PerformanceData) -> None:
    other = store.organizations.performance(store.organizations.create("Mill", NOW).id)
    data.change(everything)
    assert other.read() == PerformanceRecords()
    data.audit.record("ann", "kpi_created", code="REV")
    assert other.audit.read().entries == []
    assert [e.action for e in store.organizations.audit(data.organization_id).read().entries
            ] == ["kpi_created"]


def test_an_unknown_organization_has_no_records(store: StoreUnderTest) -> None:
    with pytest.raises(UnknownOrganization):
        store.organizations.performance("nosuchorg000")


def test_another_store_over_the_same_data_reads_the_change(
        open_store: Callable[[], StoreUnderTest], organization_id: str) -> None:
    writer, reader = open_store(), open_store()
    reader.organizations.performance(organization_id).read()  # a parse it must not keep
    writer.organizations.performance(organization_id).change(everything)
    assert KPI.id in reader.organizations.performance(organization_id).read().kpis


def test_concurrent_changes_lose_nothing(open_store: Callable[[], StoreUnderTest],
                                         organization_id: str) -> None:
    open_store().organizations.performance(organization_id).change(
        lambda records: records.kpis.update({KPI.id: KPI}))
    threads, each = 8, 10

    def add(thread: int) -> None:
        data = open_store().organizations.performance(organization_id)
        for n in range(each):
            period = f"20{10 + thread}-{n + 1:02d}-01"
            measurement = Measurement(KPI.id, period, float(n))
            data.change(lambda records, m=measurement: records.measurements.setdefault(
                KPI.id, {}).update({m.period: m}))

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(add, range(threads)))
    stored = open_store().organizations.performance(organization_id).read()
    assert len(stored.measurements[KPI.id]) == threads * each


def test_derived_is_computed_once_per_version_of_the_records(data: PerformanceData) -> None:
    data.change(everything)
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return len(data.read().measurements_of(KPI.id))

    assert data.derived("count", count) == data.derived("count", count) == 2
    data.change(lambda records: records.measurements[KPI.id].pop("2026-01-31"))
    assert data.derived("count", count) == 1
    assert len(calls) == 2
