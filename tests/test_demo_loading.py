"""Loading the demo: built in a staging folder and taken in whole (storage/staging.py), it is
the same demo as one loaded change by change, with a few dozen fsyncs instead of some 1,800; a
failure or a crash part-way leaves no part of it, and the next start loads it whole; the
unsynced writes of the build do not outlast it. `assessor serve` says what it is doing."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from assessor import clock, create_app
from assessor.demo import DEMO_PASSWORD, ORGANIZATIONS, build_demo, load_demo
from assessor.extensions import store_of, users_of
from assessor.plans import PlanState
from assessor.serve import main
from assessor.storage import audit_log, files
from assessor.storage.staging import STAGING_PREFIX
from assessor.storage.store import Store

from .conftest import app_config

CYCLES = sum(len(cycles) for cycles in ORGANIZATIONS)
DEMO_ACCOUNTS = {"coordinator", "writer", "examiner1", "examiner2", "examiner3", "leader",
                 "admin"}


class _FixedClock(datetime):
    @classmethod
    def now(cls, tz: object = None) -> datetime:  # type: ignore[override]
        return datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def repeatable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Ids from a counter and one fixed time, so that two loads can be compared whole."""
    monkeypatch.setattr(clock, "datetime", _FixedClock)
    yield


def restart_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    counter = itertools.count(1)
    monkeypatch.setattr("secrets.token_hex", lambda n: f"{next(counter):0{2 * n}x}")


def contents(root: Path) -> dict[str, object]:
    """Every data file and audit trail under `root` (lock files aside): each file's tables as
    lists of documents (accounts without their salted password hashes), each trail's lines."""
    found: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if not path.is_file() or path.name.endswith(".lock"):
            continue
        if path.suffix == ".jsonl":
            found[relative] = [json.loads(line) for line in path.read_text().splitlines()]
        else:
            tables = json.loads(path.read_bytes())
            found[relative] = {
                name: [{key: value for key, value in doc.items() if key != "password_hash"}
                       for doc in docs.values()]
                for name, docs in tables.items()}
    return found


class SyncCount:
    """Counts fsyncs and fdatasyncs (data files, audit trails, folders)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real_fsync, real_sync = os.fsync, files.sync_data

        def fsync(fd: int) -> None:
            self.calls += 1
            real_fsync(fd)

        def sync_data(fd: int) -> None:
            self.calls += 1
            real_sync(fd)

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(files, "sync_data", sync_data)
        monkeypatch.setattr(audit_log, "sync_data", sync_data)


@pytest.fixture
def syncs(monkeypatch: pytest.MonkeyPatch) -> SyncCount:
    return SyncCount(monkeypatch)


def app_in(folder: Path) -> Flask:
    return create_app(app_config(folder))


def test_the_staged_demo_is_the_demo_loaded_change_by_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, repeatable: None) -> None:
    one_by_one, staged = app_in(tmp_path / "one-by-one"), app_in(tmp_path / "staged")
    restart_ids(monkeypatch)
    with one_by_one.app_context():
        build_demo(store_of(one_by_one), users_of(one_by_one))
    restart_ids(monkeypatch)
    with staged.app_context():
        load_demo(store_of(staged), users_of(staged))

    expected, got = (contents(Path(app.config["DATA_DIR"])) for app in (one_by_one, staged))
    assert sorted(got) == sorted(expected)  # the same files: no staging folder left over
    assert got == expected
    assert len([path for path in got if path.endswith("assessment.json")]) == CYCLES
    store = store_of(staged)
    assert len(store.organizations.all()) == len(ORGANIZATIONS)
    for organization in store.organizations.all():
        records = store.organization_data(organization.id).read()
        assert records.kpis and records.measurements and records.plans
    assert users_of(staged).authenticate("coordinator", DEMO_PASSWORD) is not None


def test_loading_the_demo_syncs_a_few_dozen_times_not_once_per_change(
        app: Flask, syncs: SyncCount) -> None:
    with app.app_context():
        load_demo(store_of(app), users_of(app))
    assert 0 < syncs.calls < 60  # some 1,800 change by change


def test_writes_after_loading_the_demo_sync_again(app: Flask, syncs: SyncCount) -> None:
    store, users = store_of(app), users_of(app)
    with app.app_context():
        current = load_demo(store, users)
    for write in (lambda: users.create("someone", "Someone", "correct horse battery"),
                  lambda: store.assessment_data(current[0].id).settings.put({"x": 1}),
                  lambda: store.assessment_data(current[0].id).audit.record("a", "b"),
                  lambda: store.organizations.create("Another Ltd.", "2026-01-01")):
        before = syncs.calls
        write()
        assert syncs.calls >= before + 1


def test_a_failure_while_building_leaves_no_part_of_the_demo(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    store, users = store_of(app), users_of(app)
    users.create("admin", "Admin", "correct horse battery", is_admin=True)

    def fail(*args: object) -> None:
        raise RuntimeError("injected part-way through the demo")

    monkeypatch.setattr("assessor.demo.load_plans", fail)
    with app.app_context(), pytest.raises(RuntimeError, match="injected"):
        load_demo(store, users)

    root = store.root
    assert store.is_empty()
    assert store.assessments.all() == [] and store.organizations.all() == []
    assert list((root / "assessments").iterdir()) == []
    assert not (root / "organizations").exists() or not any((root / "organizations").iterdir())
    assert not list(root.glob(f"{STAGING_PREFIX}*"))
    assert [user.username for user in users.all()] == ["admin"]  # no demo account either
    assert all(check.problem is None for check in store.check())


def serve_once(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """`assessor serve` on `data_dir` up to the moment it would start serving; its output."""
    monkeypatch.setenv("ASSESSOR_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ASSESSOR_SECRET_KEY", "test")
    monkeypatch.setenv("ASSESSOR_PASSWORD_PROFILE", "cheap")
    monkeypatch.setattr("waitress.serve", lambda *args, **kwargs: None)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 0, result.output
    return result.output


def assert_whole_demo(data_dir: Path) -> None:
    store = Store(data_dir)
    assert sorted(org.name for org in store.organizations.all()) == sorted(
        ["Lakeside Precision Components Co., Ltd.", "临澜市第三人民医院"])
    assert len(store.assessments.all()) == CYCLES
    assert len(list((data_dir / "assessments").iterdir())) == CYCLES  # no stray folder
    for organization in store.organizations.all():
        plans = store.organization_data(organization.id).read().plans.values()
        assert {plan.state for plan in plans} >= {PlanState.CLOSED, PlanState.DOING}
    assert {user["username"] for user in store.users.all()} >= DEMO_ACCOUNTS
    assert all(check.problem is None for check in store.check())
    assert not list(data_dir.glob(f"{STAGING_PREFIX}*"))


def test_serve_says_it_is_loading_the_demo_step_by_step(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = serve_once(tmp_path / "data", monkeypatch).splitlines()
    assert output[0].startswith("Loading the demo organizations (about ")
    assert any("Lakeside Precision Components Co., Ltd." in line for line in output[1:3])
    assert any("临澜市第三人民医院" in line for line in output[1:4])
    assert any(line.startswith("Loaded the demo organizations") for line in output)
    assert_whole_demo(tmp_path / "data")
    assert "Loading the demo" not in serve_once(tmp_path / "data", monkeypatch)  # once only


# A load killed part-way (no clean-up of its own can run): while building, and after the new
# folders were moved in but before the index lists them.
CRASH = textwrap.dedent("""
    import os, sys
    import {module}
    from assessor import create_app
    from assessor.demo import load_demo
    from assessor.extensions import store_of, users_of
    setattr({module}, "{name}", lambda *args, **kwargs: os._exit(3))
    app = create_app({{"TESTING": True, "SECRET_KEY": "x", "DATA_DIR": sys.argv[1],
                       "PASSWORD_PROFILE": "cheap"}})
    with app.app_context():
        load_demo(store_of(app), users_of(app))
""")


@pytest.mark.parametrize("module, name", [("assessor.demo", "load_plans"),
                                          ("assessor.storage.staging", "_merge_index")])
def test_a_crash_part_way_leaves_no_part_of_the_demo_and_the_next_start_loads_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, name: str) -> None:
    data_dir = tmp_path / "data"
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH.format(module=module, name=name), str(data_dir)],
        cwd=Path(__file__).parents[1], capture_output=True, text=True, timeout=300)
    assert crashed.returncode == 3, crashed.stderr
    assert list(data_dir.glob(f"{STAGING_PREFIX}*"))  # left behind by the crash
    assert not (data_dir / "assessments.json").exists()  # no demo in the index

    store = Store(data_dir)  # the next start
    assert not list(data_dir.glob(f"{STAGING_PREFIX}*"))
    assert list((data_dir / "assessments").iterdir()) == []  # no half-moved cycle either
    assert store.is_empty()

    output = serve_once(data_dir, monkeypatch)
    assert "Loaded the demo organizations" in output
    assert_whole_demo(data_dir)


def test_flask_demo_adds_the_demo_beside_the_data_already_there(
        app: Flask, syncs: SyncCount) -> None:
    store, users = store_of(app), users_of(app)
    users.create("coordinator", "Real Coordinator", "correct horse battery")
    users.create("admin", "Admin", "correct horse battery", is_admin=True)
    organization = store.organizations.create("Existing Works Ltd.", "2026-01-01T00:00:00+00:00")
    existing = store.assessments.create(organization.id, "2026", "gbt19580-2012.yaml",
                                        "2026-01-01T00:00:00+00:00")
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Loading the demo organizations")
    assert "Lakeside Precision Components Co., Ltd." in result.output.splitlines()[1]
    assert syncs.calls < 60
    assert existing.id in {record.id for record in store.assessments.all()}
    assert len(store.assessments.all()) == CYCLES + 1
    assert len(store.organizations.all()) == len(ORGANIZATIONS) + 1
    by_name = {user.username: user for user in users.all()}
    assert set(by_name) == DEMO_ACCOUNTS  # each once
    assert by_name["coordinator"].display_name == "Real Coordinator"  # kept as it was
    assert users.authenticate("coordinator", "correct horse battery") is not None
    assert not list(store.root.glob(f"{STAGING_PREFIX}*"))
