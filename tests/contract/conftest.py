"""The stores the contract runs on, and the fixtures its modules share.

Each test runs once per entry of STORE_FACTORIES. A factory opens the store kept at a location;
called twice with the same location it gives two stores over the same data (as two processes
of one installation would see it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import pytest

from assessor.repositories import (
    AssessmentIndex,
    OrganizationRepository,
    PerformanceData,
    UserRepository,
)
from assessor.storage.store import Store

NOW = "2026-03-01T09:00:00+00:00"


class StoreUnderTest(Protocol):
    """What a store offers the app: its three top-level repositories."""

    organizations: OrganizationRepository
    assessments: AssessmentIndex
    users: UserRepository


StoreFactory = Callable[[Path], StoreUnderTest]


def tinydb_store(location: Path) -> StoreUnderTest:
    """The embedded store: TinyDB data files in a folder."""
    return Store(location / "data")


# Every store implementation the app can run on. A PostgreSQL store goes here too, as a factory
# that opens the database (a test schema named after `location`, created when missing) with
# pytest.param(postgresql_store, id="postgresql", marks=<skip unless a test database is set>).
STORE_FACTORIES = [
    pytest.param(tinydb_store, id="tinydb"),
]


@pytest.fixture(params=STORE_FACTORIES)
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], StoreUnderTest]:
    """open_store() -> a store over this test's data (a new one per call, the same data)."""
    factory: StoreFactory = request.param
    return lambda: factory(tmp_path)


@pytest.fixture
def store(open_store: Callable[[], StoreUnderTest]) -> StoreUnderTest:
    return open_store()


@pytest.fixture
def organization_id(store: StoreUnderTest) -> str:
    return store.organizations.create("Harbour Foods", NOW).id


@pytest.fixture
def data(store: StoreUnderTest, organization_id: str) -> PerformanceData:
    """A new organization's performance records (test_repositories has its own `data`: an
    assessment's)."""
    return store.organizations.performance(organization_id)
