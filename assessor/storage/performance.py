"""An organization's performance records (units, strategy, KPIs, measurements, feedback,
plans) in one TinyDB data file beside its audit trail: organizations/<id>/performance.json.

A folder without the file (written before it existed) reads as empty records; the first change
creates it. Every change is one locked, atomic rewrite of the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB

from ..kpis import Kpi
from ..measurements import FeedbackEntry, Measurement
from ..performance import PerformanceRecords
from ..plans import Plan
from ..strategy import Link, Objective, Strategy
from ..units import OrgUnit
from .audit_log import AuditFile
from .files import CorruptDataFile, DataFile

T = TypeVar("T")

PERFORMANCE_FILE = "performance.json"
UNITS = "units"
STRATEGY = "strategy"  # one document
OBJECTIVES = "objectives"
LINKS = "links"
KPIS = "kpis"
MEASUREMENTS = "measurements"
FEEDBACK = "feedback"
PLANS = "plans"


def _records(tables: Mapping[str, Any], path: Path) -> PerformanceRecords:
    """The records of a file's tables (documents in stored order)."""
    def docs(table: str) -> list[Mapping[str, Any]]:
        return list(tables.get(table, {}).values())

    try:
        records = PerformanceRecords(
            units={u.id: u for u in map(OrgUnit.from_doc, docs(UNITS))},
            strategy=next((Strategy.from_doc(doc) for doc in docs(STRATEGY)), None),
            objectives={o.id: o for o in map(Objective.from_doc, docs(OBJECTIVES))},
            links=[Link.from_doc(doc) for doc in docs(LINKS)],
            kpis={k.id: k for k in map(Kpi.from_doc, docs(KPIS))},
            plans={p.id: p for p in map(Plan.from_doc, docs(PLANS))})
        for measurement in map(Measurement.from_doc, docs(MEASUREMENTS)):
            records.measurements.setdefault(measurement.kpi, {})[measurement.period] = \
                measurement
        for entry in map(FeedbackEntry.from_doc, docs(FEEDBACK)):
            records.feedback.setdefault(entry.kpi, []).append(entry)
    except (KeyError, TypeError, ValueError) as error:
        raise CorruptDataFile(path, f"has a malformed record ({error!r}); restore the file "
                              "from a backup") from error
    return records


def _tables(records: PerformanceRecords) -> dict[str, list[dict[str, Any]]]:
    return {
        UNITS: [unit.to_doc() for unit in records.units.values()],
        STRATEGY: [records.strategy.to_doc()] if records.strategy else [],
        OBJECTIVES: [objective.to_doc() for objective in records.objectives.values()],
        LINKS: [link.to_doc() for link in records.links],
        KPIS: [kpi.to_doc() for kpi in records.kpis.values()],
        MEASUREMENTS: [m.to_doc() for by_period in records.measurements.values()
                       for m in by_period.values()],
        FEEDBACK: [entry.to_doc() for thread in records.feedback.values() for entry in thread],
        PLANS: [plan.to_doc() for plan in records.plans.values()],
    }


class TinyPerformance:
    def __init__(self, organization_id: str, folder: Path) -> None:
        self.organization_id = organization_id
        self.file = DataFile(folder / PERFORMANCE_FILE)
        self.audit = AuditFile(folder)

    def read(self) -> PerformanceRecords:
        # Pages read far more often than people change: parsed once per version of the file.
        records = self.file.derived("performance", lambda: self._read(self.file.read()))
        return records.copy()

    def _read(self, db: TinyDB) -> PerformanceRecords:
        return _records({name: {doc.doc_id: doc for doc in db.table(name)}
                         for name in db.tables()}, self.file.path)

    def change(self, change: Callable[[PerformanceRecords], T]) -> T:
        with self.file.transaction() as db:
            records = self._read(db)
            result = change(records)
            for name, docs in _tables(records).items():
                table = db.table(name)
                if [dict(doc) for doc in table] != docs:  # rewrite only what changed
                    table.truncate()
                    table.insert_multiple(docs)
        return result

    def derived(self, name: str, compute: Callable[[], T]) -> T:
        return self.file.derived(name, compute)

    def validate(self) -> None:
        """Raise CorruptDataFile when a record cannot be read (for check-data)."""
        self._read(self.file.read())
