"""The organization's performance file in the data folder: backed up, checked, and absent in
folders written before it existed (read as empty)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from assessor.performance import PerformanceRecords
from assessor.storage.files import read_tables
from assessor.storage.store import Store
from tests.factories import gen_kpi, gen_organization, gen_unit


def test_a_folder_without_performance_files_reads_empty(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    organization = gen_organization(store)
    assert store.organization_data(organization.id).read() == PerformanceRecords()
    assert not list(store.root.glob("organizations/*/performance.json"))
    assert [check.problem for check in store.check()] == [None]


def test_backup_copies_the_performance_file_once(app: Flask, runner: FlaskCliRunner,
                                                 store: Store, tmp_path: Path) -> None:
    organization = gen_organization(store)
    gen_kpi(store, organization.id, unit=gen_unit(store, organization.id, "Sales").id)
    performance = store.root / "organizations" / organization.id / "performance.json"
    destination = tmp_path / "backup"
    result = runner.invoke(args=["backup", str(destination)])
    assert result.exit_code == 0, result.output
    copy = destination / performance.relative_to(store.root)
    assert read_tables(copy) == read_tables(performance)
    assert (copy.parent / "audit.jsonl").read_bytes() == \
        (performance.parent / "audit.jsonl").read_bytes()
    restored = Store(destination).organization_data(organization.id).read()
    assert restored == store.organization_data(organization.id).read()


def test_check_data_names_a_corrupt_or_malformed_performance_file(
        runner: FlaskCliRunner, store: Store) -> None:
    organization = gen_organization(store)
    gen_kpi(store, organization.id)
    performance = store.root / "organizations" / organization.id / "performance.json"
    result = runner.invoke(args=["check-data"])
    assert result.exit_code == 0, result.output
    performance.write_text('{"kpis": {"1": {"code": "K1"}}}')  # no id, no name
    result = runner.invoke(args=["check-data"])
    assert result.exit_code == 1
    assert f"UNUSABLE {performance}" in result.output and "malformed" in result.output
    performance.write_text("{not json")
    result = runner.invoke(args=["check-data"])
    assert result.exit_code == 1 and "not valid JSON" in result.output
