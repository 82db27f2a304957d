"""Plans seen from the gap report (by item of the cycle whose OFIs they came from), the
leadership dashboard (by state, waiting for approval, overdue actions) and "my work"; and new
drafts from consensus OFIs (kept by id, read back after an edit) or from a red KPI."""

from __future__ import annotations

from datetime import date

import pytest

from assessor.access import OrgRole
from assessor.consensus import ConsensusRecord, record_consensus
from assessor.measurements import add_measurement
from assessor.plan_actions import add_action, update_action
from assessor.plan_check import check_plan_effects
from assessor.plan_moves import move_plan, record_verdict
from assessor.plan_queries import (
    my_work,
    overdue_actions,
    plans_by_state,
    plans_of_cycle,
    state_counts,
    waiting_for_approval,
)
from assessor.plan_sources import draft_from_kpi, draft_from_ofis, ofi_texts
from assessor.plans import ExpectedEffect, OfiRef, PlanError, PlanState, create_plan
from assessor.statements import Statement
from assessor.storage.store import Store
from tests.factories import gen_assessment, gen_kpi, gen_plan

S = PlanState
MEMBER = frozenset({OrgRole.MEMBER})
NOW = "2026-02-01T09:00:00+00:00"


@pytest.fixture
def store(domain_store: Store) -> Store:
    """The domain alone, without an app (conftest's `org` and `data` are in it)."""
    return domain_store


def test_plans_by_item_of_the_cycle_their_ofis_came_from(store: Store, org: str) -> None:
    gen_plan(store, org, "Kitting", state="closed", ofis=[OfiRef("c2025", "4.5.2", "s1")])
    gen_plan(store, org, "Suppliers", state="closed",
             ofis=[OfiRef("c2025", "4.5.2", "s2"), OfiRef("c2025", "4.2.3", "s3")],
             items=["4.5.3"])
    gen_plan(store, org, "Training", state="doing", ofis=[OfiRef("c2025", "4.5.2", "s4")])
    gen_plan(store, org, "Older", state="closed", ofis=[OfiRef("c2024", "4.5.2", "s0")])
    gen_plan(store, org, "Blank", state="doing", items=["4.5.2"])
    by_item = plans_of_cycle(store.organization_data(org).read(), "c2025")
    assert list(by_item) == ["4.2.3", "4.5.2", "4.5.3"]
    assert [p.title for p in by_item["4.5.2"]] == ["Kitting", "Suppliers", "Training"]
    assert [p.title for p in by_item["4.2.3"]] == [p.title for p in by_item["4.5.3"]] == [
        "Suppliers"]
    assert state_counts(by_item["4.5.2"]) == {S.DOING: 1, S.CLOSED: 2}
    assert list(state_counts(by_item["4.5.2"])) == [S.DOING, S.CLOSED]  # PDCA order
    assert plans_of_cycle(store.organization_data(org).read(), "c2026") == {}


def test_the_dashboard_lists_by_state_waiting_and_overdue(store: Store, org: str) -> None:
    late = gen_plan(store, org, "Late", state="doing", now="2026-01-02T09:00:00+00:00")
    gen_plan(store, org, "Waits", state="submitted", now="2026-01-05T09:00:00+00:00")
    gen_plan(store, org, "Waits longer", state="submitted", now="2026-01-03T09:00:00+00:00")
    gen_plan(store, org, "Draft past due", state="draft")
    gen_plan(store, org, "Checked", state="checking")
    data = store.organization_data(org)
    add_action(data, "owner", MEMBER, late.id, "Done in time", "owner", "2026-01-31")
    update_action(data, "owner", MEMBER, late.id, "A2", {"status": "done"})
    records = data.read()
    by_state = plans_by_state(records)
    assert list(by_state) == list(S)
    assert [p.title for p in by_state[S.SUBMITTED]] == ["Waits longer", "Waits"]
    assert by_state[S.CLOSED] == []
    assert [p.title for p in waiting_for_approval(records)] == ["Waits longer", "Waits"]
    overdue = overdue_actions(records, date(2026, 4, 1))
    assert [(o.plan.title, o.action.id) for o in overdue] == [("Late", "A1")]
    assert overdue_actions(records, date(2026, 3, 31)) == []


def test_my_work(store: Store, org: str) -> None:
    mine = gen_plan(store, org, "Mine", state="doing", owner="ann", sponsor="lee")
    gen_plan(store, org, "Finished", state="closed", owner="ann", sponsor="lee")
    other = gen_plan(store, org, "Other", state="submitted", owner="bob", sponsor="lee")
    data = store.organization_data(org)
    create_plan(data, "bob", MEMBER, {"title": "Bob's draft"})
    add_action(data, "ann", MEMBER, mine.id, "Later", "bob", "2026-09-30")
    work = my_work(data.read(), "bob", date(2026, 4, 1))
    assert [(w.plan.title, w.action.id, w.overdue) for w in work.actions] == [
        ("Other", "A1", False), ("Mine", "A2", False)]  # a submitted plan's due day waits
    assert [p.title for p in work.owned] == ["Other", "Bob's draft"]
    assert work.sponsored == [] and work.to_decide == []
    ann = my_work(data.read(), "ann", date(2026, 4, 1))
    assert [(w.plan.title, w.overdue) for w in ann.actions] == [("Mine", True)]
    assert [p.title for p in ann.owned] == ["Mine"]
    lee = my_work(data.read(), "lee", date(2026, 4, 1), is_leader=True)
    assert [p.title for p in lee.sponsored] == ["Mine", "Other"]
    assert lee.to_decide == [data.read().plans[other.id]]
    assert my_work(data.read(), "", date(2026, 4, 1)).owned == []


def test_a_draft_from_ofis_keeps_them_by_id_and_reads_their_edited_text(store: Store) -> None:
    record = gen_assessment(store)
    cycle = store.assessment_data(record.id)
    record_consensus(cycle, ConsensusRecord(
        "4.5.2", 40, "r", (), (Statement("No kitting standard"), Statement("Late parts")),
        "c", NOW), 5)
    first, second = cycle.consensus.all()["4.5.2"].ofis
    draft = draft_from_ofis(cycle, [second.id, first.id, second.id])
    assert draft == {"title": "Late parts", "items": ("4.5.2",), "ofis": (
        OfiRef(record.id, "4.5.2", second.id), OfiRef(record.id, "4.5.2", first.id))}
    with pytest.raises(PlanError) as refused:
        draft_from_ofis(cycle, ["nosuch"])
    assert refused.value.data["value"] == "nosuch"
    plan = create_plan(store.organization_data(record.organization_id), "m",
                       frozenset({OrgRole.MANAGER}), draft)
    record_consensus(cycle, ConsensusRecord(
        "4.5.2", 40, "r", (), (Statement("No kitting standard yet"),), "c", NOW), 5)
    assert ofi_texts(cycle, plan.ofis) == {plan.ofis[0]: None,
                                           plan.ofis[1]: "No kitting standard yet"}


def test_a_draft_from_a_red_kpi(store: Store, org: str) -> None:
    kpi = gen_kpi(store, org, "OTD", name="On-time delivery", items=("4.7.2",))
    data = store.organization_data(org)
    assert draft_from_kpi(data.read(), kpi.id, date(2026, 3, 1)) == {
        "title": "On-time delivery", "source_kpi": kpi.id, "items": ("4.7.2",)}
    add_measurement(data, "", kpi.id, "2026-01-31", 60.0)
    draft = draft_from_kpi(data.read(), kpi.id, date(2026, 3, 1))
    assert draft["effects"] == (ExpectedEffect(kpi.id, 60.0, 100.0, "2026-12-31"),)
    assert create_plan(data, "m", frozenset({OrgRole.MANAGER}), draft).source_kpi == kpi.id
    with pytest.raises(PlanError):
        draft_from_kpi(data.read(), "nokpi", date(2026, 3, 1))


def test_the_whole_loop_from_an_ofi_to_a_closed_plan(store: Store) -> None:
    """The issue's walk, in the domain: new plan from an OFI → submit → returned with a comment
    → resubmit → approve → start → an action done → a KPI measurement → Check shows the effect
    → verdict → close; the next cycle's gap report counts it under the OFI's item."""
    record = gen_assessment(store)
    cycle = store.assessment_data(record.id)
    record_consensus(cycle, ConsensusRecord("4.5.2", 40, "r", (), (Statement("Late parts"),),
                                            "c", NOW), 5)
    org = record.organization_id
    data = store.organization_data(org)
    kpi = gen_kpi(store, org, "OTD", baseline=80.0, target=95.0)
    manager, leader = frozenset({OrgRole.MANAGER}), frozenset({OrgRole.LEADER})
    ofi = cycle.consensus.all()["4.5.2"].ofis[0]
    plan = create_plan(data, "ann", MEMBER, {
        **draft_from_ofis(cycle, [ofi.id]), "objective": "On time", "sponsor": "lee",
        "effects": [ExpectedEffect(kpi.id, 84, 92, "2026-06-30")]},
        now="2026-01-10T08:00:00+00:00")
    add_action(data, "ann", MEMBER, plan.id, "Second supplier", "bob", "2026-03-31")
    steps = [("ann", MEMBER, S.SUBMITTED, ""), ("lee", leader, S.DRAFT, "Which supplier?"),
             ("ann", MEMBER, S.SUBMITTED, ""), ("lee", leader, S.APPROVED, ""),
             ("mgr", manager, S.DOING, "")]
    for user, roles, to, comment in steps:
        move_plan(data, user, roles, plan.id, to, comment=comment,
                  now="2026-02-01T08:00:00+00:00")
    update_action(data, "bob", MEMBER, plan.id, "A1", {"status": "done"})
    add_measurement(data, "ann", kpi.id, "2026-01-31", 99.0)  # before the plan: not its effect
    add_measurement(data, "ann", kpi.id, "2026-04-30", 93.0)
    move_plan(data, "ann", MEMBER, plan.id, S.CHECKING)
    (check,) = check_plan_effects(data.read(), data.read().plans[plan.id], date(2026, 5, 1))
    assert [p.value for p in check.points] == [93.0] and check.reached is True
    record_verdict(data, "ann", MEMBER, plan.id, "effective", "On time since April")
    closed = move_plan(data, "lee", leader, plan.id, S.CLOSED, standards=["SOP-7"])
    assert [d.to_state for d in closed.decisions] == [
        S.SUBMITTED, S.DRAFT, S.SUBMITTED, S.APPROVED, S.DOING, S.CHECKING, S.CLOSED]
    by_item = plans_of_cycle(data.read(), record.id)
    assert state_counts(by_item["4.5.2"]) == {S.CLOSED: 1}
