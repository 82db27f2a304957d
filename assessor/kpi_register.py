"""The KPI register and tree as pages show them: one row per KPI in the decomposition order with
its reading, SMART badges, child status counts and the values that still ask for a comment;
filtered by unit (with the units below it), perspective, status and owner. Also the status
marks each strategic objective shows on the strategy map.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .kpi_status import KpiReading, Status, child_status_counts, needs_comment, read_kpi
from .kpis import Kpi, kpi_children, kpi_tree, superior_of
from .performance import PerformanceRecords
from .scorecard import kpi_perspective
from .smart import SmartResult, smart_check
from .strategy import Perspective
from .units import ancestors, unit_path


@dataclass(frozen=True, slots=True)
class RegisterRow:
    kpi: Kpi
    depth: int  # in the decomposition tree (0: no parent)
    unit_path: str  # '' for the company
    perspective: Perspective | None  # its own, else its first objective's
    superior: str  # who agrees with the owner ('' when the unit above has no head)
    reading: KpiReading
    smart: Mapping[str, SmartResult]
    child_counts: Mapping[Status, int] | None  # None: nothing is decomposed from it
    comment_needed: tuple[str, ...]  # periods of red or amber values without a comment


@dataclass(frozen=True, slots=True)
class RegisterFilter:
    unit: str | None = None  # a unit id: its KPIs and those of the units below it
    perspective: Perspective | None = None
    status: Status | None = None
    owner: str | None = None


def register_rows(records: PerformanceRecords, today: date,
                  only: RegisterFilter = RegisterFilter()) -> list[RegisterRow]:
    rows = []
    for kpi, depth in kpi_tree(records):
        measurements = records.measurements_of(kpi.id)
        row = RegisterRow(
            kpi=kpi, depth=depth,
            unit_path=unit_path(records, kpi.unit) if kpi.unit in records.units else "",
            perspective=kpi_perspective(records, kpi), superior=superior_of(records, kpi),
            reading=read_kpi(kpi, measurements, today), smart=smart_check(records, kpi),
            child_counts=child_status_counts(records, kpi.id, today)
            if kpi_children(records, kpi.id) else None,
            comment_needed=tuple(m.period for m in measurements if needs_comment(kpi, m)))
        if _matches(records, row, only):
            rows.append(row)
    return rows


def _matches(records: PerformanceRecords, row: RegisterRow, only: RegisterFilter) -> bool:
    if only.unit is not None and not _in_unit(records, row.kpi, only.unit):
        return False
    return (only.perspective is None or row.perspective is only.perspective) \
        and (only.status is None or row.reading.status is only.status) \
        and (only.owner is None or row.kpi.owner == only.owner)


def _in_unit(records: PerformanceRecords, kpi: Kpi, unit_id: str) -> bool:
    unit = records.units.get(unit_id)
    if unit is not None and unit.parent is None:
        return True  # the company holds every unit
    if kpi.unit is None or kpi.unit not in records.units:
        return False
    return kpi.unit == unit_id or unit_id in {u.id for u in ancestors(records, kpi.unit)}


def objective_marks(records: PerformanceRecords, today: date) -> dict[str, list[Status]]:
    """Each objective's KPIs' statuses (by KPI code), for the marks on the strategy map."""
    marks: dict[str, list[Status]] = {objective: [] for objective in records.objectives}
    for kpi in sorted(records.kpis.values(), key=lambda k: k.code.casefold()):
        status = read_kpi(kpi, records.measurements_of(kpi.id), today).status
        for objective in kpi.objectives:
            if objective in marks:
                marks[objective].append(status)
    return marks
