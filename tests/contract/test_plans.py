"""The contract of PerformanceData for improvement plans, for every store of STORE_FACTORIES:
a plan is stored whole (every field, nested records included), beside the other records, and
changes of plans made at once from several stores lose nothing."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from assessor.performance import PerformanceRecords
from assessor.plans import (
    ActionStatus,
    CheckVerdict,
    Decision,
    ExpectedEffect,
    FishboneHeading,
    OfiRef,
    Plan,
    PlanAction,
    PlanState,
    ProgressNote,
    Verdict,
)
from assessor.repositories import PerformanceData
from tests.contract.conftest import NOW, StoreUnderTest
from tests.contract.test_performance import KPI, everything

PLAN = Plan(
    id="p00000000001", title="Shorter lead times", objective="Halve the lead time",
    owner="ann", sponsor="lee", state=PlanState.CONTINUED,
    ofis=(OfiRef("a00000000001", "4.2.3", "s1"), OfiRef("a00000000001", "4.5.2", "s7")),
    source_kpi=KPI.id, items=("4.2.3", "4.5.2"), whys=("Late parts", "没有预测"),
    fishbone=((FishboneHeading.PEOPLE, "新员工"), (FishboneHeading.METHODS, "No standard work")),
    effects=(ExpectedEffect(KPI.id, 30.0, 15.5, "2026-12-31"),),
    actions=(PlanAction("A1", "Map", "bob", "2026-03-31", ActionStatus.DONE,
                        (ProgressNote("bob", NOW, "Mapped"),)),
             PlanAction("A2", "Train", "", None, ActionStatus.DROPPED)),
    decisions=(Decision("ann", NOW, PlanState.DRAFT, PlanState.SUBMITTED),
               Decision("lee", NOW, PlanState.SUBMITTED, PlanState.DRAFT, "Which KPI?")),
    verdict=CheckVerdict(Verdict.PARTLY, "Half way", "ann", NOW),
    standards=("SOP-12",), lessons="Winter", continues="p00000000000",
    continued_by="p00000000002", created_by="ann", created_at=NOW, revision=7)


def with_plan(records: PerformanceRecords) -> None:
    everything(records)
    records.plans[PLAN.id] = PLAN


def test_a_plan_is_stored_whole_beside_the_other_records(data: PerformanceData) -> None:
    data.change(with_plan)
    expected = PerformanceRecords()
    with_plan(expected)
    assert data.read() == expected
    assert data.read().plans[PLAN.id] == PLAN


def test_a_plan_read_is_a_copy(data: PerformanceData) -> None:
    data.change(with_plan)
    data.read().plans.clear()
    assert PLAN.id in data.read().plans


def test_concurrent_plan_changes_lose_nothing(open_store: Callable[[], StoreUnderTest],
                                              organization_id: str) -> None:
    open_store().organizations.performance(organization_id).change(
        lambda records: records.plans.update({PLAN.id: replace(PLAN, decisions=())}))
    threads, each = 6, 8

    def decide(thread: int) -> None:
        data = open_store().organizations.performance(organization_id)
        for n in range(each):
            decision = Decision(f"user{thread}", f"{n}", PlanState.DRAFT, PlanState.SUBMITTED)

            def add(records: PerformanceRecords, decision: Decision = decision) -> None:
                plan = records.plans[PLAN.id]
                records.plans[PLAN.id] = replace(plan, decisions=(*plan.decisions, decision),
                                                 revision=plan.revision + 1)
            data.change(add)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(decide, range(threads)))
    stored = open_store().organizations.performance(organization_id).read().plans[PLAN.id]
    assert len(stored.decisions) == threads * each
    assert stored.revision == PLAN.revision + threads * each
