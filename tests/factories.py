"""Test factories: records made through the domain, as the app makes them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from assessor.organizations import AssessmentRecord, Organization, create_organization
from assessor.statements import Statement
from assessor.storage.store import Store

FRAMEWORK_FILE = "gbt19580-2012.yaml"


def gen_organization(store: Store, name: str = "Test Works Ltd.") -> Organization:
    """The organization of that name, created when missing."""
    existing = [org for org in store.organizations.all() if org.name == name]
    return existing[0] if existing else create_organization(store.organizations, name)


def gen_assessment(store: Store, organization: str = "Test Works Ltd.", cycle: str = "2026",
                   framework: str = FRAMEWORK_FILE,
                   created_at: str = "2026-01-01T00:00:00+00:00") -> AssessmentRecord:
    """A cycle of the named organization, in the writing phase, without a team."""
    return store.assessments.create(gen_organization(store, organization).id, cycle,
                                    framework, created_at)


def without_ids(statements: Iterable[Statement]) -> tuple[Statement, ...]:
    """Statements as typed: their stored ids and provenance left out (and checked present)."""
    statements = tuple(statements)
    assert all(statement.id for statement in statements), "a stored statement has no id"
    return tuple(replace(statement, id="", sources=()) for statement in statements)
