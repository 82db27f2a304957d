"""Import KPI definitions or measurements from a CSV or XLSX file; the header tells which.

Every row is checked first, against the stored records and the rest of the file; the good rows
are then stored in one change (all of them or, on a failed write, none), and each refused row
is reported with its line, column and a reason code. Units named by path in KPI rows are
created when missing, and reported.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .clock import utc_now
from .kpis import (
    Direction,
    Frequency,
    Kpi,
    KpiError,
    find_code,
    is_iso_date,
    kpi_problems,
    new_record_id,
    normalized,
    owner_problem,
    revised,
)
from .measurements import MAX_COMMENT_CHARS, Measurement
from .performance import PerformanceRecords
from .repositories import PerformanceData
from .strategy import Perspective
from .table_files import Row, TableFileError, read_table
from .units import UnitError, ensure_path

KPI_COLUMNS = ("code", "name", "unit", "parent", "perspective", "direction", "measure_unit",
               "baseline", "baseline_date", "target", "target_date", "amber", "band_low",
               "band_high", "frequency", "owner", "definition", "data_source")
MEASUREMENT_COLUMNS = ("code", "period", "value", "comment")
_NUMBERS = ("baseline", "target", "amber", "band_low", "band_high")
_DATES = ("baseline_date", "target_date")
_CHOICES: Mapping[str, Callable[[str], object]] = {
    "direction": Direction, "frequency": Frequency, "perspective": Perspective}


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why one row was refused. Codes: required, not_a_number (value), not_a_date (value),
    choice_unknown (value), unknown_code (value), unknown_owner (value), owner_not_member
    (value: an account with no role in the organization), unknown_parent (value),
    parent_cycle (value), code_in_file (first_line), period_in_file (first_line),
    code_stored (value: use replace), period_stored (value: the stored one; use replace),
    and the KpiError and UnitError codes with their data."""

    line: int
    column: str
    code: str
    data: Mapping[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class ImportReport:
    file: str
    kind: str  # "kpis" or "measurements"
    created: list[str] = field(default_factory=list)  # KPI codes, or CODE@PERIOD
    updated: list[str] = field(default_factory=list)  # replaced with replace_existing
    units_created: list[str] = field(default_factory=list)  # paths; "" is the company
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def refused_lines(self) -> list[int]:
        return sorted({problem.line for problem in self.problems})


def import_file(data: PerformanceData, user: str, path: Path, company_name: str,
                usernames: Collection[str], replace_existing: bool = False,
                now: str | None = None,
                people: Collection[str] | None = None) -> ImportReport:
    """Import `path` (CSV or XLSX) into the organization's records. Raises TableFileError for
    a file refused as a whole (nothing stored): its codes, and columns_unknown (missing,
    unknown) for a header that has neither the KPI columns nor the measurement columns.
    `usernames`: the accounts; `people`: the organization's people (any role in it), one of
    whom a KPI's owner must be when it is set or changed (kpis.owner_problem)."""
    table = read_table(path)
    columns = set(table.columns) - {""}
    if columns == set(KPI_COLUMNS):
        report = ImportReport(path.name, "kpis")
        rows = _without_duplicates(table.rows, report, "code_in_file")
        data.change(lambda records: _import_kpis(records, rows, report, company_name,
                                                 usernames, replace_existing, people))
    elif columns == set(MEASUREMENT_COLUMNS):
        report = ImportReport(path.name, "measurements")
        rows = _without_duplicates(table.rows, report, "period_in_file")
        data.change(lambda records: _import_measurements(
            records, rows, report, user, now or utc_now(), replace_existing))
    else:
        closest = KPI_COLUMNS if "name" in columns or "period" not in columns \
            else MEASUREMENT_COLUMNS
        raise TableFileError("columns_unknown", missing=sorted(set(closest) - columns),
                           unknown=sorted(columns - set(closest)))
    if report.created or report.updated:
        data.audit.record(user, f"{report.kind}_imported", file=report.file,
                          created=report.created, updated=report.updated,
                          units_created=report.units_created,
                          refused_lines=report.refused_lines)
    return report


def _without_duplicates(rows: list[Row], report: ImportReport, code: str) -> list[Row]:
    """A KPI (or a KPI's period) given twice in the file: the later rows are refused."""
    first: dict[tuple[str, ...], int] = {}
    kept = []
    for row in rows:
        key = (row.values["code"].casefold(),) if code == "code_in_file" else (
            row.values["code"].casefold(), row.values["period"])
        if key in first and row.values["code"]:
            column = "code" if code == "code_in_file" else "period"
            report.problems.append(RowProblem(row.line, column, code,
                                              {"first_line": first[key]}))
            continue
        first.setdefault(key, row.line)
        kept.append(row)
    return kept


# -- KPI definitions ----------------------------------------------------------------------------

@dataclass(slots=True)
class _KpiRow:
    line: int
    values: dict[str, object]  # Kpi fields parsed, parent as a code, unit as a path
    unit_path: str


def _parse_kpi_row(row: Row, usernames: Collection[str]) -> _KpiRow | list[RowProblem]:
    problems: list[RowProblem] = []
    values: dict[str, object] = {}
    cells = row.values
    for name in ("code", "name"):
        if not cells[name]:
            problems.append(RowProblem(row.line, name, "required"))
    for name in ("code", "name", "measure_unit", "definition", "data_source", "owner"):
        values[name] = cells[name]
    if cells["owner"] and cells["owner"] not in usernames:
        problems.append(RowProblem(row.line, "owner", "unknown_owner", {"value": cells["owner"]}))
    for name in _NUMBERS:
        try:
            values[name] = _number(cells[name])
        except ValueError:
            problems.append(RowProblem(row.line, name, "not_a_number", {"value": cells[name]}))
    for name in _DATES:
        if cells[name] and not is_iso_date(cells[name]):
            problems.append(RowProblem(row.line, name, "not_a_date", {"value": cells[name]}))
        values[name] = cells[name] or None
    for name, kind in _CHOICES.items():
        given = cells[name].lower()
        try:
            values[name] = kind(given) if given else (Direction.UP if name == "direction"
                                                      else None)
        except ValueError:
            problems.append(RowProblem(row.line, name, "choice_unknown", {"value": cells[name]}))
    values["parent"] = cells["parent"] or None
    return problems or _KpiRow(row.line, values, cells["unit"])


def _number(text: str) -> float | None:
    if not text:
        return None
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _import_kpis(records: PerformanceRecords, rows: list[Row], report: ImportReport,
                 company_name: str, usernames: Collection[str],
                 replace_existing: bool, people: Collection[str] | None = None) -> None:
    candidates: list[_KpiRow] = []
    for row in rows:
        parsed = _parse_kpi_row(row, usernames)
        if isinstance(parsed, list):
            report.problems.extend(parsed)
            continue
        stored = find_code(records, str(parsed.values["code"]))
        if stored is not None and not replace_existing:
            report.problems.append(RowProblem(row.line, "code", "code_stored",
                                              {"value": stored.code}))
            continue
        if refusal := owner_problem(str(parsed.values["owner"]), people, stored):
            report.problems.append(_from_kpi_error(records, row.line, refusal))
            continue
        candidates.append(parsed)
    # Each pass stores the candidates on a copy and refuses the rows with problems; a refused
    # row can make another's parent unknown, so until a pass refuses nothing.
    while True:
        trial = records.copy()
        units_created, refused = _store_kpis(trial, candidates, company_name, usernames)
        if not refused:
            break
        report.problems.extend(refused)
        lines = {problem.line for problem in refused}
        candidates = [c for c in candidates if c.line not in lines]
    for candidate in candidates:
        code = str(candidate.values["code"])
        (report.updated if find_code(records, code) else report.created).append(code)
    for name in PerformanceRecords.__slots__:
        setattr(records, name, getattr(trial, name))
    report.units_created = units_created


def _store_kpis(records: PerformanceRecords, candidates: list[_KpiRow], company_name: str,
                usernames: Collection[str]) -> tuple[list[str], list[RowProblem]]:
    """Put every candidate in `records`; the units they name, the rows with problems."""
    refused: list[RowProblem] = []
    units_created: list[str] = []
    ids: dict[str, str] = {}
    staged: list[tuple[_KpiRow, Kpi]] = []
    for candidate in candidates:
        values = candidate.values
        stored = find_code(records, str(values["code"]))
        unit_id = None
        if candidate.unit_path:
            try:
                unit, created = ensure_path(records, candidate.unit_path, company_name)
            except UnitError as error:
                refused.append(RowProblem(candidate.line, "unit", error.code, error.data))
                continue
            units_created.extend(path for path in created if path not in units_created)
            unit_id = unit.id
        kpi_id = stored.id if stored else new_record_id()
        ids[str(values["code"]).casefold()] = kpi_id
        base = stored or Kpi(id=kpi_id, code="", name="")
        staged.append((candidate, replace(base, **{**values, "unit": unit_id})))  # type: ignore[arg-type]
    for candidate, kpi in staged:
        parent_code = kpi.parent
        if parent_code is not None:
            parent = ids.get(parent_code.casefold()) or getattr(
                find_code(records, parent_code), "id", None)
            if parent is None:
                refused.append(RowProblem(candidate.line, "parent", "unknown_parent",
                                          {"value": parent_code}))
                continue
            kpi = replace(kpi, parent=parent)
        kpi = normalized(records, kpi)
        records.kpis[kpi.id] = revised(records.kpis.get(kpi.id), kpi)
    refused_lines = {problem.line for problem in refused}
    for candidate, kpi in staged:
        if candidate.line in refused_lines:
            continue
        for problem in kpi_problems(records, records.kpis[kpi.id], usernames):
            refused.append(_from_kpi_error(records, candidate.line, problem))
    return units_created, refused


def _from_kpi_error(records: PerformanceRecords, line: int, error: KpiError) -> RowProblem:
    data = {key: value for key, value in error.data.items() if key != "field"}
    if error.code == "kpi_parent_cycle":  # the file names parents by code
        data["value"] = records.kpis[str(data["value"])].code
    code = {"kpi_parent_cycle": "parent_cycle", "kpi_unknown_owner": "unknown_owner",
            "kpi_owner_not_member": "owner_not_member"}.get(error.code, error.code)
    return RowProblem(line, error.field or "code", code, data)


# -- measurements -------------------------------------------------------------------------------

def _import_measurements(records: PerformanceRecords, rows: list[Row], report: ImportReport,
                         user: str, now: str, replace_existing: bool) -> None:
    for row in rows:
        cells = row.values
        problems = []
        kpi = find_code(records, cells["code"]) if cells["code"] else None
        if not cells["code"]:
            problems.append(RowProblem(row.line, "code", "required"))
        elif kpi is None:
            problems.append(RowProblem(row.line, "code", "unknown_code",
                                       {"value": cells["code"]}))
        if not cells["period"]:
            problems.append(RowProblem(row.line, "period", "required"))
        elif not is_iso_date(cells["period"]):
            problems.append(RowProblem(row.line, "period", "not_a_date",
                                       {"value": cells["period"]}))
        try:
            value = _number(cells["value"])
            if value is None:
                problems.append(RowProblem(row.line, "value", "required"))
        except ValueError:
            problems.append(RowProblem(row.line, "value", "not_a_number",
                                       {"value": cells["value"]}))
        if len(cells["comment"]) > MAX_COMMENT_CHARS:
            problems.append(RowProblem(row.line, "comment", "comment_too_long",
                                       {"limit": MAX_COMMENT_CHARS}))
        if kpi is not None and not problems:
            stored = records.measurements.get(kpi.id, {}).get(cells["period"])
            if stored is not None and not replace_existing:
                problems.append(RowProblem(row.line, "period", "period_stored",
                                           {"value": stored.value}))
        if problems:
            report.problems.extend(problems)
            continue
        assert kpi is not None and value is not None
        by_period = records.measurements.setdefault(kpi.id, {})
        key = f"{kpi.code}@{cells['period']}"
        (report.updated if cells["period"] in by_period else report.created).append(key)
        by_period[cells["period"]] = Measurement(kpi.id, cells["period"], value,
                                                 cells["comment"], user, now)

