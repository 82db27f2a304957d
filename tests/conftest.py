"""Shared fixtures: an app on a data folder in tmp_path, its client, CLI runner and store."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from assessor import create_app
from assessor.paths import criteria_dir
from assessor.storage.store import AssessmentRecord, Store
from assessor.web.context import STORE_KEY

FRAMEWORK_FILE = "gbt19580-2012.yaml"


@pytest.fixture
def framework_path() -> Path:
    return criteria_dir() / FRAMEWORK_FILE


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return create_app({
        "TESTING": True,
        "SECRET_KEY": "test",
        "DATA_DIR": str(tmp_path / "data"),
        "WTF_CSRF_ENABLED": False,
    })


@pytest.fixture
def csrf_app(tmp_path: Path) -> Flask:
    """The app with CSRF protection on, as in production."""
    return create_app({"SECRET_KEY": "test", "DATA_DIR": str(tmp_path / "data")})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def store(app: Flask) -> Store:
    return app.extensions[STORE_KEY]


@pytest.fixture
def assessment(store: Store) -> AssessmentRecord:
    return store.create("Test Works Ltd.", "2026", FRAMEWORK_FILE, "2026-01-01T00:00:00+00:00")
