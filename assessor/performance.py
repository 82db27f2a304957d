"""An organization's performance records, kept beyond its cycles: units, strategy, KPIs,
measurements and the feedback on them, improvement plans, as one aggregate that a store reads
and changes whole.

Changes go through `PerformanceData.change(callback)` (assessor/repositories.py): the callback
gets a copy of the stored records, applies a domain rule to it, and the store writes the copy
back atomically, or nothing when the callback raises. The records are frozen dataclasses; a
change replaces them in the containers below.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import DomainError

if TYPE_CHECKING:
    from .kpis import Kpi
    from .measurements import FeedbackEntry, Measurement
    from .plans import Plan
    from .strategy import Link, Objective, Strategy
    from .units import OrgUnit


class StaleRecord(DomainError):
    """stale_record (kind, id, expected, stored): someone changed the record since the caller
    read it; their change is kept and the caller's is not stored."""


@dataclass(slots=True)
class PerformanceRecords:
    units: dict[str, OrgUnit] = field(default_factory=dict)
    strategy: Strategy | None = None
    objectives: dict[str, Objective] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    kpis: dict[str, Kpi] = field(default_factory=dict)
    measurements: dict[str, dict[str, Measurement]] = field(default_factory=dict)  # kpi, period
    feedback: dict[str, list[FeedbackEntry]] = field(default_factory=dict)  # kpi, oldest first
    plans: dict[str, Plan] = field(default_factory=dict)  # improvement plans by id

    def copy(self) -> PerformanceRecords:
        """A copy whose containers can change without touching these (records are frozen)."""
        return PerformanceRecords(
            units=dict(self.units), strategy=self.strategy, objectives=dict(self.objectives),
            links=list(self.links), kpis=dict(self.kpis),
            measurements={kpi: dict(by_period) for kpi, by_period in self.measurements.items()},
            feedback={kpi: list(thread) for kpi, thread in self.feedback.items()},
            plans=dict(self.plans))

    def measurements_of(self, kpi_id: str) -> list[Measurement]:
        """A KPI's measurements in period order, whatever order they were entered in."""
        by_period = self.measurements.get(kpi_id, {})
        return [by_period[period] for period in sorted(by_period)]


def new_record_id() -> str:
    """A 12-character id for a unit, objective or KPI (48 random bits, never reused)."""
    return secrets.token_hex(6)


def check_revision(kind: str, record_id: str, stored: int, expected: int | None) -> None:
    """Refuse a change made on a stale read of the record (`expected` None: no check)."""
    if expected is not None and expected != stored:
        raise StaleRecord("stale_record", kind=kind, id=record_id, expected=expected,
                          stored=stored)


def clean_text(text: str | None) -> str:
    """One-line text as typed, runs of white space made one space."""
    return " ".join((text or "").split())
