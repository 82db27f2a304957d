"""The KPI register as data for other tools: `kpis status --format json` (keys are only ever
added)."""

from __future__ import annotations

from datetime import date
from typing import Any

from .kpi_status import read_kpi
from .kpis import kpi_tree
from .performance import PerformanceRecords
from .smart import smart_check


def status_json(records: PerformanceRecords, today: date) -> dict[str, Any]:
    """{"kpis": [{"code", "name", "status", "attainment", "trajectory", "latest": {"period",
    "value"} or null, "smart": {"S": "pass|warn|fail", "M", "A", "R", "T"}}]}, in the order of
    the decomposition tree."""
    rows = []
    for kpi, _depth in kpi_tree(records):
        reading = read_kpi(kpi, records.measurements_of(kpi.id), today)
        rows.append({
            "code": kpi.code,
            "name": kpi.name,
            "status": reading.status.value,
            "attainment": None if reading.attainment is None else round(reading.attainment, 4),
            "trajectory": reading.trajectory.value if reading.trajectory else None,
            "latest": None if reading.latest is None else {
                "period": reading.latest.period, "value": reading.latest.value},
            "smart": {letter: badge.result.value
                      for letter, badge in smart_check(records, kpi).items()},
        })
    return {"kpis": rows}
