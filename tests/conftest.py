"""Shared fixtures: an app on a data folder in tmp_path, users, sign-in, client, runner, store.

`client` is signed in as COORDINATOR, who coordinates the `assessment` fixture's assessment;
`sign_in` makes a client for any other user. `org` and `data` are an organization in `store`
and its performance records; the domain's tests, which run without Flask, take them on
`domain_store` by overriding `store` with it. The browser tests get Debian's chromium
(`browser`), the app served (`base_url`) and a fresh `context` with a `page` in it.
"""

from __future__ import annotations

import html as html_lib
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from assessor import create_app
from assessor.access import Role
from assessor.demo import load_demo
from assessor.extensions import STORE_KEY, USERS_KEY
from assessor.organizations import AssessmentRecord
from assessor.paths import criteria_dir
from assessor.repositories import PerformanceData
from assessor.storage.store import Store
from assessor.team import add_role, assign
from assessor.users import Users
from tests.factories import gen_assessment, gen_organization

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

FRAMEWORK_FILE = "gbt19580-2012.yaml"
COORDINATOR = "quality"
PASSWORD = "correct horse battery"


def app_config(tmp_path: Path, **overrides: object) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test",
        "DATA_DIR": str(tmp_path / "data"),
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_PROFILE": "cheap",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        **overrides,
    }


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the demo loaded, once per test session (a few seconds, mostly
    matching statements and hashing passwords). Copy it with `demo_app`."""
    app = create_app(app_config(tmp_path_factory.mktemp("demo-template")))
    with app.app_context():
        load_demo(app.extensions[STORE_KEY], app.extensions[USERS_KEY])
    return Path(str(app.config["DATA_DIR"]))


def demo_app(template: Path, tmp_path: Path, **overrides: object) -> Flask:
    """An app on a copy of the demo folder (`demo_template`), for a test module to change."""
    shutil.copytree(template, tmp_path / "data")
    return create_app(app_config(tmp_path, **overrides))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, for a module's browser tests (imported here, not at the
    top: only the browser tests need Playwright)."""
    from playwright.sync_api import sync_playwright

    from .browser import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    """The test's app served on a free loopback port, for the browser."""
    from .browser import serve

    with serve(app) as url:
        yield url


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser context (one person's cookies), 1280×900, closed after the test."""
    from .browser import VIEWPORT

    context = browser.new_context(viewport=VIEWPORT)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def framework_path() -> Path:
    return criteria_dir() / FRAMEWORK_FILE


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return create_app(app_config(tmp_path))


@pytest.fixture
def csrf_app(tmp_path: Path) -> Flask:
    """The app with CSRF protection on, as in production."""
    return create_app(app_config(tmp_path, WTF_CSRF_ENABLED=True, TESTING=False))


@pytest.fixture
def store(app: Flask) -> Store:
    return app.extensions[STORE_KEY]


@pytest.fixture
def domain_store(tmp_path: Path) -> Store:
    """A store on a data folder in tmp_path without an app: a module of domain tests, free of
    Flask, makes it its `store` (a fixture `store` that returns it)."""
    return Store(tmp_path / "data")


@pytest.fixture
def org(store: Store) -> str:
    """The id of an organization in `store` ("Test Works Ltd.", no members)."""
    return gen_organization(store).id


@pytest.fixture
def data(store: Store, org: str) -> PerformanceData:
    """The performance records (units, strategy, KPIs, plans) of `org`."""
    return store.organization_data(org)


@pytest.fixture
def users(app: Flask) -> Users:
    return app.extensions[USERS_KEY]


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def form_fields(html: str) -> dict[str, str]:
    """The answer form's fields as a page shows them (texts and revisions)."""
    fields = dict(re.findall(r'name="(revision_[^"]+)" type="hidden" value="(\d+)"', html))
    for name, text in re.findall(r'<textarea[^>]*name="(answer_[^"]+)"[^>]*>\r?\n?(.*?)</textarea>',
                                 html, flags=re.S):
        fields[name] = html_lib.unescape(text)
    return fields


def sign_in_client(app: Flask, username: str, password: str = PASSWORD) -> FlaskClient:
    """A test client signed in through the real sign-in form."""
    client = app.test_client()
    data = {"username": username, "password": password}
    if app.config["WTF_CSRF_ENABLED"]:
        data["csrf_token"] = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data=data)
    assert response.status_code == 302, f"sign-in of {username} failed"
    return client


@pytest.fixture
def sign_in(app: Flask, users: Users) -> Callable[..., FlaskClient]:
    """sign_in(username) -> a client signed in as that user (created when missing)."""

    def sign_in(username: str, is_admin: bool = False) -> FlaskClient:
        if users.get(username) is None:
            users.create(username, username.title(), PASSWORD, is_admin=is_admin)
        return sign_in_client(app, username)

    return sign_in


@pytest.fixture
def client(sign_in: Callable[..., FlaskClient]) -> FlaskClient:
    return sign_in(COORDINATOR)


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def assessment(store: Store, users: Users) -> AssessmentRecord:
    """An assessment in the writing phase, coordinated by COORDINATOR."""
    record = gen_assessment(store)
    if users.get(COORDINATOR) is None:
        users.create(COORDINATOR, "Quality Manager", PASSWORD)
    add_role(store.assessment_data(record.id), COORDINATOR, Role.COORDINATOR)
    return record


@pytest.fixture
def add_member(store: Store, users: Users) -> Callable[..., None]:
    """add_member(record, username, role, items=()) -> the user holds the role (and items)."""

    def add_member(record: AssessmentRecord, username: str, role: Role,
                   items: tuple[str, ...] = ()) -> None:
        if users.get(username) is None:
            users.create(username, username.title(), PASSWORD)
        data_file = store.assessment_data(record.id)
        add_role(data_file, username, role)
        if items:
            assign(data_file, username, role, items)

    return add_member
