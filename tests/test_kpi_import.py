"""Importing KPIs and measurements from CSV and XLSX (flask kpis import), and the status
command's JSON (flask kpis status)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from flask.testing import FlaskCliRunner

from assessor import table_files
from assessor.access import OrgRole
from assessor.kpis import Direction, Frequency, find_code
from assessor.performance import PerformanceRecords
from assessor.storage import files
from assessor.storage.files import StorageUnavailable
from assessor.storage.store import Store
from assessor.units import find_path
from assessor.users import Users
from tests.factories import gen_kpi, gen_organization

KPI_HEADER = ("code,name,unit,parent,perspective,direction,measure_unit,baseline,"
              "baseline_date,target,target_date,amber,band_low,band_high,frequency,owner,"
              "definition,data_source")


def kpi_row(code: str, unit: str = "", parent: str = "", owner: str = "ann",
            **cells: str) -> str:
    values = {"code": code, "name": f"KPI {code}", "unit": unit, "parent": parent,
              "perspective": "customer", "direction": "up", "measure_unit": "%",
              "baseline": "90", "baseline_date": "2025-01-01", "target": "95",
              "target_date": "2026-12-31", "amber": "", "band_low": "", "band_high": "",
              "frequency": "monthly", "owner": owner, "definition": "Share on time",
              "data_source": "ERP", **cells}
    return ",".join(values[name] for name in KPI_HEADER.split(","))


@pytest.fixture
def org(store: Store, users: Users) -> str:
    users.create("ann", "Ann", "correct horse battery")
    organization = gen_organization(store, "Harbour Foods").id
    store.organizations.add_member(organization, "ann", OrgRole.MEMBER)  # owners are its people
    return organization


def write(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(runner: FlaskCliRunner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["kpis", *args])


def test_kpis_are_imported_with_their_units_and_parents(
        runner: FlaskCliRunner, store: Store, org: str, tmp_path: Path) -> None:
    path = write(tmp_path, "kpis.csv", KPI_HEADER,
                 kpi_row("S1-E", unit="Sales/East region", parent="S1"),  # parent below
                 kpi_row("S1", unit="Sales", parent="C1"),
                 kpi_row("C1", direction="down", baseline="10", target="5"))
    result = run(runner, "import", org, str(path), "--by", "quality")
    assert result.exit_code == 0, result.output
    assert "created unit Sales/East region" in result.output
    assert "3 KPI(s) created, 0 replaced, 0 row(s) refused" in result.output
    records = store.organization_data(org).read()
    east, sales, company = (find_code(records, code) for code in ("S1-E", "S1", "C1"))
    assert east.parent == sales.id and sales.parent == company.id  # type: ignore[union-attr]
    assert east.unit == find_path(records, "Sales/East region").id  # type: ignore[union-attr]
    assert company.unit is None and company.direction is Direction.DOWN  # type: ignore[union-attr]
    assert (sales.baseline, sales.target, sales.frequency, sales.owner) == (  # type: ignore[union-attr]
        90.0, 95.0, Frequency.MONTHLY, "ann")
    entry = store.organizations.audit(org).read().entries[-1]
    assert (entry.user, entry.action, entry.detail["created"]) == (
        "quality", "kpis_imported", ["S1-E", "S1", "C1"])


def test_refused_rows_are_reported_and_the_good_ones_kept(
        runner: FlaskCliRunner, store: Store, org: str, tmp_path: Path) -> None:
    path = write(tmp_path, "kpis.csv", KPI_HEADER,
                 kpi_row("OK1", unit="Sales"),
                 kpi_row("BAD1", baseline="ninety"),
                 kpi_row("BAD2", unit="Plant", target_date="31/12/2026"),
                 kpi_row("BAD3", owner="nobody"),
                 kpi_row("BAD4", parent="NOPE"),
                 kpi_row("BAD5", direction="sideways"),
                 kpi_row("OK1"),
                 kpi_row("LOOP1", parent="LOOP2"),
                 kpi_row("LOOP2", parent="LOOP1"),
                 kpi_row("BAD6", parent="BAD1"),
                 kpi_row("BAD7", direction="band", band_low="3", band_high="1"),
                 kpi_row("", unit="Ghost"))
    result = run(runner, "import", org, str(path))
    assert result.exit_code == 1
    file = str(path)
    for expected in [f"{file}:3: baseline: 'ninety' is not a number",
                     f"{file}:4: target_date: '31/12/2026' is not a date YYYY-MM-DD",
                     f"{file}:5: owner: there is no user 'nobody'",
                     f"{file}:6: parent: there is no KPI 'NOPE' in the file or stored",
                     f"{file}:7: direction: 'sideways' is not one of the choices",
                     f"{file}:8: code: given on line 2 already",
                     f"{file}:9: parent: 'LOOP2' is decomposed from this KPI already",
                     f"{file}:10: parent: 'LOOP1' is decomposed from this KPI already",
                     f"{file}:11: parent: there is no KPI 'BAD1' in the file or stored",
                     f"{file}:12: band_high: band_high is below band_low",
                     f"{file}:13: code: is empty; it is required"]:
        assert expected in result.output
    assert "1 KPI(s) created, 0 replaced, 11 row(s) refused" in result.output
    records = store.organization_data(org).read()
    assert [kpi.code for kpi in records.kpis.values()] == ["OK1"]
    assert find_path(records, "Plant") is None and find_path(records, "Ghost") is None


def test_an_owner_who_is_none_of_the_organizations_people_is_refused(
        runner: FlaskCliRunner, store: Store, users: Users, org: str, tmp_path: Path) -> None:
    users.create("bea", "Bea", "correct horse battery")  # an account, no role in Harbour Foods
    kept = gen_kpi(store, org, "OLD1", owner="bea")  # stored before the rule: stays hers
    path = write(tmp_path, "kpis.csv", KPI_HEADER, kpi_row("OK1"), kpi_row("NEW1", owner="bea"),
                 kpi_row("OLD1", owner="bea", target="97"), kpi_row("OLD2", owner="bea"))
    gen_kpi(store, org, "OLD2", owner="ann")
    result = run(runner, "import", org, str(path), "--replace")
    assert result.exit_code == 1
    reason = ("is not one of this organization's people: add them under the organization's "
              "people first, or choose someone who is")
    assert f"{path}:3: owner: 'bea' {reason}" in result.output
    assert f"{path}:5: owner: 'bea' {reason}" in result.output  # changed to her: refused
    assert ":4:" not in result.output  # her own KPI, replaced with her as owner
    assert "1 KPI(s) created, 1 replaced, 2 row(s) refused" in result.output
    records = store.organization_data(org).read()
    assert find_code(records, "NEW1") is None
    assert (records.kpis[kept.id].owner, records.kpis[kept.id].target) == ("bea", 97.0)
    assert find_code(records, "OLD2").owner == "ann"  # type: ignore[union-attr]


def test_a_stored_code_is_replaced_only_when_asked(
        runner: FlaskCliRunner, store: Store, org: str, tmp_path: Path) -> None:
    stored = gen_kpi(store, org, "K1", owner="ann")
    path = write(tmp_path, "kpis.csv", KPI_HEADER, kpi_row("K1", target="99"))
    result = run(runner, "import", org, str(path))
    assert result.exit_code == 1
    assert "code: KPI 'K1' is stored already; import with --replace" in result.output
    assert store.organization_data(org).read().kpis[stored.id].target == 100.0
    result = run(runner, "import", org, str(path), "--replace")
    assert result.exit_code == 0, result.output
    assert "0 KPI(s) created, 1 replaced" in result.output
    kpi = store.organization_data(org).read().kpis[stored.id]
    assert (kpi.target, kpi.revision) == (99.0, 2)


def test_measurements_are_imported_and_replaced_only_when_asked(
        runner: FlaskCliRunner, store: Store, org: str, tmp_path: Path) -> None:
    kpi = gen_kpi(store, org, "K1")
    path = write(tmp_path, "values.csv", "code,period,value,comment",
                 "K1,2025-02-28,70,Supplier late",
                 "k1,2025-01-31,60,",
                 "K9,2025-01-31,60,",
                 "K1,2025-03-31,seventy,",
                 "K1,March,70,",
                 "K1,2025-02-28,71,",
                 "K1,2025-04-30,,")
    result = run(runner, "import", org, str(path), "--by", "ann")
    assert result.exit_code == 1
    for expected in ["values.csv:4: code: there is no KPI 'K9'",
                     "values.csv:5: value: 'seventy' is not a number",
                     "values.csv:6: period: 'March' is not a date YYYY-MM-DD",
                     "values.csv:7: period: this KPI's period is given on line 2 already",
                     "values.csv:8: value: is empty; it is required"]:
        assert expected in result.output
    stored = store.organization_data(org).read().measurements[kpi.id]
    assert {p: (m.value, m.comment, m.entered_by) for p, m in stored.items()} == {
        "2025-02-28": (70.0, "Supplier late", "ann"), "2025-01-31": (60.0, "", "ann")}
    again = write(tmp_path, "again.csv", "value,code,comment,period", "75,K1,,2025-02-28")
    result = run(runner, "import", org, str(again))
    assert result.exit_code == 1
    assert "again.csv:2: period: has a value (70.0) already; import with --replace" \
        in result.output
    result = run(runner, "import", org, str(again), "--replace")
    assert result.exit_code == 0, result.output
    assert store.organization_data(org).read().measurements[kpi.id]["2025-02-28"].value == 75


def test_xlsx_files_are_read_like_csv(runner: FlaskCliRunner, store: Store, org: str,
                                      tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(KPI_HEADER.split(","))
    row = kpi_row("X1", unit="Plant/Line 1").split(",")
    row[7], row[8] = 12.5, datetime(2025, 1, 1)  # type: ignore[call-overload]  # cells typed
    sheet.append(row)
    book.save(tmp_path / "kpis.xlsx")
    result = run(runner, "import", org, str(tmp_path / "kpis.xlsx"))
    assert result.exit_code == 0, result.output
    values = openpyxl.Workbook()
    values.active.append(["code", "period", "value", "comment"])
    values.active.append(["X1", datetime(2025, 6, 30), 93, "on track"])
    values.active.append(["X1", "2025-07-31", "x", None])
    values.save(tmp_path / "values.xlsx")
    result = run(runner, "import", org, str(tmp_path / "values.xlsx"))
    assert result.exit_code == 1
    assert "values.xlsx:3: value: 'x' is not a number" in result.output
    records = store.organization_data(org).read()
    kpi = find_code(records, "X1")
    assert (kpi.baseline, kpi.baseline_date) == (12.5, "2025-01-01")  # type: ignore[union-attr]
    assert records.measurements[kpi.id]["2025-06-30"].value == 93  # type: ignore[union-attr]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("kpis.txt", b"code,period,value,comment\n", "is neither a CSV nor an XLSX file"),
    ("kpis.csv", b"", "is empty"),
    ("kpis.csv", b"\n\n , \n", "is empty (no header row)"),
    ("kpis.csv", b"code,name,target\nK1,x,5\n", "missing: amber, band_high, band_low, baseline,"),
    ("kpis.csv", b"code,period,value,note\nK1,2025-01-31,5,\n", "unknown: note"),
    ("kpis.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "cannot be read as CSV or XLSX"),
    ("kpis.csv", b'code,period,value,comment\n"K1,2025-01-31,5\n', "cannot be read"),
    ("kpis.xlsx", b"code,period,value,comment\n", "cannot be read as CSV or XLSX"),
])
def test_a_file_that_cannot_be_used_is_refused_whole(
        runner: FlaskCliRunner, store: Store, org: str, tmp_path: Path, name: str,
        content: bytes, message: str) -> None:
    gen_kpi(store, org, "K1")
    before = store.organization_data(org).read()
    (tmp_path / name).write_bytes(content)
    result = run(runner, "import", org, str(tmp_path / name))
    assert result.exit_code == 1
    assert message in result.output and "Nothing was stored." in result.output
    assert store.organization_data(org).read() == before


def test_a_huge_file_is_refused(runner: FlaskCliRunner, store: Store, org: str,
                                tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.csv"
    lines = ["code,period,value,comment"] + [f"K1,2025-01-01,{n}," for n in range(300_000)]
    path.write_text("\n".join(lines))
    assert path.stat().st_size > table_files.MAX_FILE_BYTES
    result = run(runner, "import", org, str(path))
    assert result.exit_code == 1 and "is larger than 5 MB" in result.output
    monkeypatch.setattr(table_files, "MAX_ROWS", 10)
    small = write(tmp_path, "rows.csv", "code,period,value,comment",
                  *(f"K1,2025-01-{n:02d},{n}," for n in range(1, 12)))
    result = run(runner, "import", org, str(small))
    assert result.exit_code == 1 and "has more than 10 rows" in result.output
    assert store.organization_data(org).read() == PerformanceRecords()


def test_a_failed_write_stores_nothing_of_the_file(
        store: Store, org: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assessor.kpi_import import import_file

    path = write(tmp_path, "kpis.csv", KPI_HEADER, kpi_row("A1", unit="Sales"),
                 kpi_row("A2", parent="A1"))

    def full_disk(path: Path, payload: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "atomic_write_bytes", full_disk)
    data = store.organization_data(org)
    with pytest.raises(StorageUnavailable):
        import_file(data, "quality", path, "Harbour Foods", {"ann"})
    monkeypatch.undo()
    assert data.read() == PerformanceRecords()
    assert [e.action for e in data.audit.read().entries] == ["organization_created"]


def test_an_unknown_organization(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "values.csv", "code,period,value,comment")
    for args in (["import", "nosuchorg000", str(path)], ["status", "nosuchorg000"]):
        result = run(runner, *args)
        assert result.exit_code == 1 and "no organization 'nosuchorg000'" in result.output


# -- status ---------------------------------------------------------------------------------------

def test_status_json(runner: FlaskCliRunner, store: Store, org: str, tmp_path: Path) -> None:
    write(tmp_path, "kpis.csv", KPI_HEADER, kpi_row("C1"), kpi_row("D1", parent="C1"),
          kpi_row("N1", owner=""))
    assert run(runner, "import", org, str(tmp_path / "kpis.csv")).exit_code == 0
    write(tmp_path, "values.csv", "code,period,value,comment",
          "C1,2025-12-31,91,", "C1,2025-06-30,96,", "D1,2025-12-31,94.6,")
    assert run(runner, "import", org, str(tmp_path / "values.csv")).exit_code == 0
    result = run(runner, "status", org, "--format", "json", "--on", "2026-01-01")
    assert result.exit_code == 0, result.output
    kpis = json.loads(result.output)["kpis"]
    assert [k["code"] for k in kpis] == ["C1", "D1", "N1"]  # the tree's order
    assert kpis[0] == {
        "code": "C1", "name": "KPI C1", "status": "red", "attainment": 0.2,
        "trajectory": "behind", "latest": {"period": "2025-12-31", "value": 91.0},
        "smart": {"S": "pass", "M": "pass", "A": "fail", "R": "fail", "T": "pass"}}
    assert (kpis[1]["status"], kpis[1]["attainment"]) == ("amber", 0.92)
    assert (kpis[2]["status"], kpis[2]["latest"], kpis[2]["attainment"],
            kpis[2]["trajectory"], kpis[2]["smart"]["S"]) == ("no-data", None, None, None,
                                                              "fail")
    text = run(runner, "status", org, "--format", "text", "--on", "2026-01-01")
    assert text.output.splitlines()[1].startswith("  D1\tamber\t94.6 (2025-12-31)")
