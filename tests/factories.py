"""Test factories: records made through the domain, as the app makes them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from assessor.kpis import Kpi, create_kpi
from assessor.organizations import AssessmentRecord, Organization, create_organization
from assessor.statements import Statement
from assessor.storage.store import Store
from assessor.units import OrgUnit, ensure_path, update_unit

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


def gen_unit(store: Store, organization_id: str, path: str, head: str = "") -> OrgUnit:
    """The unit at a path of names below the company ('' the company), created with the units
    on the way when missing; `head` given to the last one."""
    data = store.organization_data(organization_id)
    company_name = store.organizations.get(organization_id).name
    unit, _ = data.change(lambda records: ensure_path(records, path, company_name))
    return update_unit(data, "", unit.id, head=head) if head else unit


def gen_kpi(store: Store, organization_id: str, code: str = "K1", **values: object) -> Kpi:
    """A KPI (up, baseline 50 on 2025-01-01, target 100 on 2026-12-31 unless given)."""
    fields: dict[str, object] = {"name": f"KPI {code}", "baseline": 50.0,
                                 "baseline_date": "2025-01-01", "target": 100.0,
                                 "target_date": "2026-12-31", **values}
    return create_kpi(store.organization_data(organization_id), "", {"code": code, **fields})
