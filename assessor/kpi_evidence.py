"""KPIs as evidence for a results item (4.7.x): levels, the trend over the years and the
comparison value, for the examiners' page of the item (LeTCI)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .kpi_status import KpiReading, read_kpi
from .kpis import Kpi
from .measurements import Measurement
from .performance import PerformanceRecords

TREND_YEARS = 3  # the criteria ask for trends over three years or more


@dataclass(frozen=True, slots=True)
class ItemEvidence:
    kpi: Kpi
    reading: KpiReading
    yearly: tuple[tuple[int, float], ...]  # (year, its latest value), oldest first
    comparison: float | None
    comparison_source: str

    @property
    def has_trend(self) -> bool:
        return len(self.yearly) >= TREND_YEARS


def yearly_levels(measurements: list[Measurement]) -> tuple[tuple[int, float], ...]:
    """The value of each year's latest period."""
    by_year: dict[int, Measurement] = {}
    for measurement in sorted(measurements, key=lambda m: m.period):
        by_year[date.fromisoformat(measurement.period).year] = measurement
    return tuple((year, by_year[year].value) for year in sorted(by_year))


def evidence_for_item(records: PerformanceRecords, item_id: str, today: date
                      ) -> list[ItemEvidence]:
    """The KPIs that name `item_id` among their results items, by code."""
    evidence = []
    for kpi in sorted(records.kpis.values(), key=lambda k: k.code.casefold()):
        if item_id in kpi.items:
            measurements = records.measurements_of(kpi.id)
            evidence.append(ItemEvidence(kpi, read_kpi(kpi, measurements, today),
                                         yearly_levels(measurements), kpi.comparison,
                                         kpi.comparison_source))
    return evidence
