"""`flask --app assessor kpis ...`: import KPI definitions or measurements, print the status."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .extensions import store_of, users_of
from .kpi_export import status_json
from .kpi_import import ImportReport, RowProblem, import_file
from .kpi_status import read_kpi
from .kpis import kpi_tree
from .organizations import Organization, UnknownOrganization
from .performance import PerformanceRecords
from .table_files import MAX_FILE_BYTES, TableFileError

kpis_cli = AppGroup("kpis", help="Import KPIs and their measurements; print their status.")

_ROW_WORDS = {
    "required": "is empty; it is required",
    "not_a_number": "'{value}' is not a number",
    "not_a_date": "'{value}' is not a date YYYY-MM-DD",
    "choice_unknown": "'{value}' is not one of the choices",
    "unknown_code": "there is no KPI '{value}'",
    "unknown_owner": "there is no user '{value}'",
    "owner_not_member": "'{value}' is not one of this organization's people: add them under "
                        "the organization's people first, or choose someone who is",
    "unknown_parent": "there is no KPI '{value}' in the file or stored",
    "parent_cycle": "'{value}' is decomposed from this KPI already (a loop)",
    "code_in_file": "given on line {first_line} already",
    "period_in_file": "this KPI's period is given on line {first_line} already",
    "code_stored": "KPI '{value}' is stored already; import with --replace to change it",
    "period_stored": "has a value ({value}) already; import with --replace to replace it",
    "comment_too_long": "is longer than {limit} characters",
    "kpi_code_invalid": "'{value}' has other characters than letters, digits, . _ -",
    "kpi_field_too_long": "is longer than {limit} characters",
    "kpi_amber_out_of_range": "{value} is not between 0 and 1",
    "kpi_band_required": "a band KPI needs band_low and band_high",
    "kpi_band_inverted": "band_high is below band_low",
    "kpi_band_only": "only a band KPI has band limits",
    "unit_name_too_long": "a unit name is longer than {limit} characters",
    "unit_name_empty": "a unit name in the path is empty",
}

_FILE_WORDS = {
    "file_type": "is neither a CSV nor an XLSX file",
    "file_empty": "is empty (no header row)",
    "file_too_large": f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB",
    "too_many_rows": "has more than {limit} rows",
    "file_unreadable": "cannot be read as CSV or XLSX ({reason})",
    "columns_unknown": "has neither the KPI columns nor the measurement columns "
                       "(missing: {missing}; unknown: {unknown})",
}


def problem_line(file: str, problem: RowProblem) -> str:
    """FILE:LINE: column: what is wrong."""
    words = _ROW_WORDS.get(problem.code, problem.code).format_map(
        {key: value for key, value in problem.data.items()})
    return f"{file}:{problem.line}: {problem.column}: {words}"


def _organization(organization_id: str) -> Organization:
    try:
        return store_of(current_app).organizations.get(organization_id)
    except UnknownOrganization as error:
        raise click.ClickException(f"There is no organization '{organization_id}'.") from error


def _summary(report: ImportReport) -> list[str]:
    things = "KPI(s)" if report.kind == "kpis" else "measurement(s)"
    lines = [f"created unit {path or '(the company)'}" for path in report.units_created]
    lines.append(f"{report.file}: {len(report.created)} {things} created, "
                 f"{len(report.updated)} replaced, {len(report.refused_lines)} row(s) refused.")
    return lines


@kpis_cli.command("import")
@click.argument("organization_id")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--replace", "replace_existing", is_flag=True,
              help="Replace stored KPIs of the same code, and stored values of a period.")
@click.option("--by", default="", help="The username to record as having imported it.")
def kpis_import(organization_id: str, file: Path, replace_existing: bool, by: str) -> None:
    """Import KPI definitions or measurements from FILE (CSV or XLSX); the header tells which.
    Refused rows are printed as FILE:LINE: column: reason; exit status 1 if any."""
    organization = _organization(organization_id)
    data = store_of(current_app).organization_data(organization.id)
    usernames = {user.username for user in users_of(current_app).all()}
    people = store_of(current_app).organizations.members(organization.id)
    try:
        report = import_file(data, by, file, organization.name, usernames, replace_existing,
                             people=people)
    except TableFileError as error:
        words = _FILE_WORDS.get(error.code, error.code).format_map(
            {key: (", ".join(value) or "none") if isinstance(value, list) else value
             for key, value in error.data.items()})
        raise click.ClickException(f"{file}: {words}. Nothing was stored.") from error
    for problem in report.problems:
        click.echo(problem_line(str(file), problem), err=True)
    for line in _summary(report):
        click.echo(line)
    if report.problems:
        raise SystemExit(1)


def _text_lines(records: PerformanceRecords, today: date) -> list[str]:
    lines = []
    for kpi, depth in kpi_tree(records):
        reading = read_kpi(kpi, records.measurements_of(kpi.id), today)
        latest = f"{reading.latest.value:g} ({reading.latest.period})" if reading.latest else "-"
        lines.append(f"{'  ' * depth}{kpi.code}\t{reading.status.value}\t{latest}\t{kpi.name}")
    return lines


@kpis_cli.command("status")
@click.argument("organization_id")
@click.option("--format", "output", type=click.Choice(["json", "text"]), default="json",
              show_default=True)
@click.option("--on", "on_day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The day the trajectory is judged on (default: today).")
def kpis_status(organization_id: str, output: str, on_day: object) -> None:
    """Print each KPI's status, attainment, trajectory, latest value and SMART badges."""
    organization = _organization(organization_id)
    records = store_of(current_app).organization_data(organization.id).read()
    today = on_day.date() if on_day else date.today()  # type: ignore[attr-defined]
    if output == "json":
        click.echo(json.dumps(status_json(records, today), ensure_ascii=False, indent=2))
    else:
        for line in _text_lines(records, today):
            click.echo(line)
