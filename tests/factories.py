"""Test factories: records made through the domain, as the app makes them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from assessor.access import OrgRole
from assessor.kpis import Kpi, create_kpi
from assessor.organizations import AssessmentRecord, Organization, create_organization
from assessor.plan_actions import add_action
from assessor.plan_moves import move_plan, record_verdict
from assessor.plans import Plan, PlanState, create_plan, get_plan
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


PLAN_PATH = ("submitted", "approved", "doing", "checking")


def gen_plan(store: Store, organization_id: str, title: str = "Shorter lead times",
             state: str = "draft", owner: str = "owner", sponsor: str = "leader",
             now: str = "2026-02-01T09:00:00+00:00", **values: object) -> Plan:
    """A plan ready to submit (objective, owner, sponsor unless given; one action A1 with the
    owner and a due date, 2026-03-31), moved through the states to `state` by a manager and
    the leader 'leader' (a verdict 'effective' recorded on the way to closed or continued)."""
    data = store.organization_data(organization_id)
    manager, leader = frozenset({OrgRole.MANAGER}), frozenset({OrgRole.LEADER})
    content = {"objective": "Halve the lead time", "owner": owner, "sponsor": sponsor,
               **values}
    plan = create_plan(data, "manager", manager, {"title": title, **content}, now=now)
    add_action(data, "manager", manager, plan.id, "Map the process", owner, "2026-03-31")
    target = PlanState(state)
    path = [PlanState(s) for s in PLAN_PATH] + ([target] if target in (
        PlanState.CLOSED, PlanState.CONTINUED) else [])
    for step in path[:path.index(target) + 1] if target is not PlanState.DRAFT else []:
        if step in (PlanState.CLOSED, PlanState.CONTINUED):
            record_verdict(data, "manager", manager, plan.id, "effective", "Lead time halved",
                           now=now)
        by = ("leader", leader) if step in (PlanState.APPROVED, PlanState.CLOSED) \
            else ("manager", manager)
        plan = move_plan(data, *by, plan.id, step, now=now)
    return get_plan(data.read(), plan.id)
