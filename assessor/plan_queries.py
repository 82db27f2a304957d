"""Plans seen from elsewhere: beside the items of the cycle whose OFIs they came from (the next
cycle's gap report: "2 plans closed, 1 doing"), on the leadership dashboard (waiting for
approval, by state, overdue actions) and on each person's "my work" (their actions, the plans
they own or sponsor). Read-only, from one read of the records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .performance import PerformanceRecords
from .plans import Plan, PlanAction, PlanState

FINISHED = frozenset({PlanState.CLOSED, PlanState.CONTINUED})


@dataclass(frozen=True, slots=True)
class PlanAndAction:
    plan: Plan
    action: PlanAction
    overdue: bool


@dataclass(frozen=True, slots=True)
class MyWork:
    actions: list[PlanAndAction]  # assigned to me, unfinished, in plans not finished
    owned: list[Plan]  # plans I own that are not finished
    sponsored: list[Plan]  # plans I sponsor that are not finished
    to_decide: list[Plan]  # for a leader: plans waiting for approval; else empty


def _ordered(plans: Iterable[Plan]) -> list[Plan]:
    return sorted(plans, key=lambda plan: (plan.created_at, plan.title.casefold(), plan.id))


def plans_of_cycle(records: PerformanceRecords, assessment_id: str) -> dict[str, list[Plan]]:
    """By item, the plans opened from OFIs of that assessment: under each item of those OFIs
    and each item the plan addresses. Items in framework order."""
    by_item: dict[str, list[Plan]] = {}
    for plan in _ordered(records.plans.values()):
        ofi_items = [ofi.item for ofi in plan.ofis if ofi.assessment == assessment_id]
        if ofi_items:
            for item in dict.fromkeys([*ofi_items, *plan.items]):
                by_item.setdefault(item, []).append(plan)
    return dict(sorted(by_item.items(),
                       key=lambda pair: [int(part) for part in pair[0].split(".")]))


def state_counts(plans: Iterable[Plan]) -> dict[PlanState, int]:
    """How many plans are in each state, states in PDCA order, only those with a plan."""
    states = [plan.state for plan in plans]
    return {state: states.count(state) for state in PlanState if state in states}


def plans_by_state(records: PerformanceRecords) -> dict[PlanState, list[Plan]]:
    """Every state in PDCA order, each with its plans (oldest first; possibly none)."""
    plans = _ordered(records.plans.values())
    return {state: [plan for plan in plans if plan.state is state] for state in PlanState}


def waiting_for_approval(records: PerformanceRecords) -> list[Plan]:
    """Submitted plans, the longest waiting first."""
    return sorted((plan for plan in records.plans.values()
                   if plan.state is PlanState.SUBMITTED),
                  key=lambda plan: (plan.decisions[-1].at if plan.decisions else "", plan.id))


def overdue_actions(records: PerformanceRecords, today: date) -> list[PlanAndAction]:
    """Unfinished actions past their due day in plans being worked on, the oldest due first."""
    found = [PlanAndAction(plan, action, True) for plan in records.plans.values()
             for action in plan.actions if plan.is_overdue(action, today)]
    return sorted(found, key=lambda pair: (pair.action.due, pair.plan.title.casefold()))


def my_work(records: PerformanceRecords, username: str, today: date,
            is_leader: bool = False) -> MyWork:
    """What is on this person's plate in the organization's plans."""
    active = [plan for plan in _ordered(records.plans.values()) if plan.state not in FINISHED]
    actions = sorted(
        (PlanAndAction(plan, action, plan.is_overdue(action, today))
         for plan in active for action in plan.actions
         if username and action.owner == username and not action.finished),
        key=lambda pair: (pair.action.due or "9999-12-31", pair.plan.title.casefold()))
    return MyWork(actions=actions,
                  owned=[plan for plan in active if username and plan.owner == username],
                  sponsored=[plan for plan in active if username and plan.sponsor == username],
                  to_decide=waiting_for_approval(records) if is_leader else [])
