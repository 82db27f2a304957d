"""The SMART check: five badges, each pass, warn or fail with its reasons."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from assessor.kpis import Direction, Frequency, Kpi
from assessor.measurements import Measurement
from assessor.performance import PerformanceRecords
from assessor.smart import Check, SmartResult, smart_check, yearly_changes
from assessor.strategy import Objective, Perspective
from assessor.units import OrgUnit, UnitKind

NOW = "2026-01-01T00:00:00+00:00"
GOOD = Kpi(id="k1", code="K1", name="On-time delivery", definition="Orders shipped on the "
           "promised day / all orders", owner="eve", unit="u2", measure_unit="%",
           baseline=90.0, baseline_date="2025-01-01", target=95.0, target_date="2026-12-31",
           frequency=Frequency.MONTHLY, data_source="ERP", objectives=("o1",),
           agreed_by_owner_at=NOW, agreed_by_superior_at=NOW, agreed_by_superior="sam")


def records_with(kpi: Kpi, history: list[float] = ()) -> PerformanceRecords:  # type: ignore[assignment]
    records = PerformanceRecords(
        units={"u1": OrgUnit("u1", "Works", UnitKind.COMPANY, head="sam"),
               "u2": OrgUnit("u2", "Logistics", UnitKind.DEPARTMENT, "u1", head="eve")},
        objectives={"o1": Objective("o1", "Reliable delivery", Perspective.CUSTOMER)},
        kpis={kpi.id: kpi})
    periods = [f"{2021 + n // 12}-{n % 12 + 1:02d}-28" for n in range(len(history))]
    records.measurements[kpi.id] = {p: Measurement(kpi.id, p, v)
                                    for p, v in zip(periods, history, strict=True)}
    return records


def check(kpi: Kpi, history: list[float] = ()) -> dict[str, tuple[Check, tuple[str, ...]]]:  # type: ignore[assignment]
    return {letter: (badge.result, badge.reasons)
            for letter, badge in smart_check(records_with(kpi, history), kpi).items()}


def test_a_complete_agreed_linked_kpi_passes_all_five() -> None:
    badges = smart_check(records_with(GOOD), GOOD)
    assert list(badges) == ["S", "M", "A", "R", "T"]
    assert all(badge == SmartResult(letter, Check.PASS) for letter, badge in badges.items())


@pytest.mark.parametrize(("change", "letter", "expected"), [
    ({"definition": ""}, "S", (Check.FAIL, ("definition_missing",))),
    ({"owner": ""}, "S", (Check.FAIL, ("owner_missing",))),
    ({"unit": None}, "S", (Check.PASS, ())),  # the company itself
    ({"target": None}, "M", (Check.FAIL, ("target_missing",))),
    ({"baseline": None}, "M", (Check.FAIL, ("baseline_missing",))),
    ({"measure_unit": "", "data_source": ""}, "M",
     (Check.WARN, ("measure_unit_missing", "data_source_missing"))),
    ({"direction": Direction.BAND, "target": None, "baseline": None, "band_low": 1.0,
      "band_high": 2.0}, "M", (Check.PASS, ())),
    ({"owner": ""}, "A", (Check.FAIL, ("owner_missing",))),
    ({"agreed_by_owner_at": None, "agreed_by_superior_at": None}, "A",
     (Check.FAIL, ("not_agreed",))),
    ({"agreed_by_superior_at": None}, "A", (Check.WARN, ("superior_not_agreed",))),
    ({"agreed_by_owner_at": None}, "A", (Check.WARN, ("owner_not_agreed",))),
    ({"objectives": ()}, "R", (Check.FAIL, ("not_linked",))),
    ({"objectives": (), "items": ("4.7.3",)}, "R", (Check.PASS, ())),
    ({"target": 85.0}, "R", (Check.FAIL, ("direction_contradicts_target",))),
    ({"direction": Direction.DOWN}, "R", (Check.FAIL, ("direction_contradicts_target",))),
    ({"target": 90.0}, "R", (Check.PASS, ())),  # hold
    ({"target_date": None}, "T", (Check.FAIL, ("target_date_missing",))),
    ({"baseline_date": None}, "T", (Check.FAIL, ("baseline_date_missing",))),
    ({"target_date": "2025-01-01"}, "T", (Check.FAIL, ("target_date_not_after_baseline",))),
    ({"frequency": None}, "T", (Check.WARN, ("frequency_missing",))),
    ({"frequency": Frequency.YEARLY}, "T", (Check.WARN, ("too_few_measurements",))),
    ({"frequency": Frequency.HALF_YEARLY}, "T", (Check.PASS, ())),
])
def test_each_rule(change: dict, letter: str, expected: tuple) -> None:
    assert check(replace(GOOD, **change))[letter] == expected


def test_agreement_without_a_superior_to_give_it() -> None:
    kpi = replace(GOOD, unit=None, agreed_by_superior_at=None)
    records = records_with(kpi)
    records.units["u1"] = replace(records.units["u1"], head="")
    assert smart_check(records, kpi)["A"] == SmartResult(
        "A", Check.WARN, ("superior_not_agreed", "no_superior"))


def test_yearly_changes_compare_the_same_month_a_year_apart() -> None:
    history = [Measurement("k1", p, v) for p, v in [
        ("2024-01-31", 10), ("2024-02-29", 11), ("2025-01-31", 13), ("2025-02-28", 12),
        ("2025-03-31", 99)]]
    assert sorted(yearly_changes(history)) == [1.0, 3.0]


def test_a_target_far_beyond_the_measured_trend_is_a_warning() -> None:
    steady = [90 + 0.1 * n + 0.3 * math.sin(n) for n in range(36)]  # about +1.2 a year
    plausible = replace(GOOD, baseline=93.5, target=95.5)  # +1 a year over two years
    assert check(plausible, steady)["R"] == (Check.PASS, ())
    leap = replace(GOOD, baseline=93.5, target=99.9)
    assert check(leap, steady)["R"] == (Check.WARN, ("target_implausible",))
    assert check(leap, steady[:14])["R"] == (Check.PASS, ())  # too little history to judge
