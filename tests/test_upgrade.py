"""Upgrading a data folder written by the schema-1 release (tests/fixtures/schema1)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from assessor import create_app
from assessor.access import OrgRole
from assessor.extensions import STORE_KEY
from assessor.storage.store import Store

from .conftest import app_config, sign_in_client

FIXTURE = Path(__file__).parent / "fixtures" / "schema1"
CHINESE_ORGANIZATION = '江宁精密制造有限公司 <R&D> "Jiangning"'


def _files(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file() and path.suffix != ".lock"}


def _answers_of(root: Path) -> dict[str, dict[str, str]]:
    """Every answer text of every assessment file, by assessment id and question."""
    found = {}
    for path in (root / "assessments").glob("*/assessment.json"):
        tables = json.loads(path.read_text(encoding="utf-8"))
        found[path.parent.name] = {doc["question"]: doc["text"]
                                   for doc in tables.get("answers", {}).values()}
    return found


@pytest.fixture
def old_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(FIXTURE, folder, ignore=shutil.ignore_patterns("README.md"))
    return folder


@pytest.fixture
def old_app(tmp_path: Path, old_folder: Path) -> Flask:
    return create_app(app_config(tmp_path, DATA_DIR=str(old_folder)))


def _upgrade(app: Flask, backup: Path) -> str:
    runner: FlaskCliRunner = app.test_cli_runner()
    result = runner.invoke(args=["upgrade-data", "--backup-to", str(backup)])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_old_folder_is_refused_with_the_command_that_upgrades_it(old_app: Flask) -> None:
    response = old_app.test_client().get("/login")
    assert response.status_code == 503
    assert "flask --app assessor upgrade-data" in response.get_data(as_text=True)


def test_upgrade_backs_up_first_and_keeps_every_answer(old_app: Flask, old_folder: Path,
                                                        tmp_path: Path) -> None:
    before_files, before_answers = _files(old_folder), _answers_of(old_folder)
    output = _upgrade(old_app, tmp_path / "backup")
    assert f"Backed up the data folder to {tmp_path / 'backup'}" in output
    assert _files(tmp_path / "backup") == before_files  # the backup is the old folder, whole
    assert _answers_of(old_folder) == before_answers
    long_answers = [text for answers in before_answers.values() for text in answers.values()
                    if len(text) > 20000]
    assert long_answers and "<script>" in long_answers[0]  # the fixture holds what it says


def test_upgrade_makes_organizations_with_their_cycles_and_roles(
        old_app: Flask, tmp_path: Path) -> None:
    _upgrade(old_app, tmp_path / "backup")
    store: Store = old_app.extensions[STORE_KEY]
    names = {org.name: org for org in store.organizations.all()}
    assert set(names) == {"Lakeside Precision Components Co., Ltd.", CHINESE_ORGANIZATION}
    cycles = {(r.organization, r.cycle) for r in store.assessments.all()}
    assert cycles == {("Lakeside Precision Components Co., Ltd.", "2025"),
                      ("Lakeside Precision Components Co., Ltd.", "2026"),
                      (CHINESE_ORGANIZATION, "2025")}
    lakeside = store.organizations.members(names["Lakeside Precision Components Co., Ltd."].id)
    assert lakeside["coordinator"] == {OrgRole.MANAGER}
    assert lakeside["leader"] == {OrgRole.LEADER}


def test_upgrade_gives_every_statement_an_id_and_consensus_its_sources(
        old_app: Flask, tmp_path: Path) -> None:
    _upgrade(old_app, tmp_path / "backup")
    store: Store = old_app.extensions[STORE_KEY]
    [closed] = [r for r in store.assessments.all() if r.cycle == "2025"
                and r.organization.startswith("Lakeside")]
    data = store.assessment_data(closed.id)
    reviewed = [s for review in data.reviews.all() for s in (*review.strengths, *review.ofis)]
    agreed = [s for record in data.consensus.all().values()
              for s in (*record.strengths, *record.ofis)]
    assert len(reviewed) > 100 and len(agreed) > 20
    ids = [s.id for s in reviewed + agreed]
    assert all(ids) and len(set(ids)) == len(ids)
    review_ids = {s.id for s in reviewed}
    traced = [s for s in agreed if s.sources]
    assert traced and all(set(s.sources) <= review_ids for s in traced)


def test_upgrading_twice_changes_nothing_and_the_app_serves_the_folder(
        old_app: Flask, old_folder: Path, tmp_path: Path) -> None:
    _upgrade(old_app, tmp_path / "backup")
    upgraded = _files(old_folder)
    output = _upgrade(old_app, tmp_path / "second-backup")
    assert "nothing to do" in output
    assert _files(old_folder) == upgraded
    assert not (tmp_path / "second-backup").exists()
    page = sign_in_client(old_app, "coordinator", "demo").get("/").get_data(as_text=True)
    assert "Lakeside Precision Components Co., Ltd." in page
    assert "江宁精密制造有限公司 &lt;R&amp;D&gt;" in page  # escaped, as every name


def test_an_interrupted_upgrade_finishes_when_run_again(
        old_app: Flask, old_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    from assessor.storage import upgrade as upgrading

    def crash(db: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(upgrading, "_stamp", crash)
    with pytest.raises(OSError):
        upgrading.upgrade(old_app.extensions[STORE_KEY], tmp_path / "backup")
    monkeypatch.undo()
    _upgrade(old_app, tmp_path / "backup-2")
    store: Store = old_app.extensions[STORE_KEY]
    assert len(store.organizations.all()) == 2  # the first run's organizations, reused
    assert len(store.assessments.all()) == 3
