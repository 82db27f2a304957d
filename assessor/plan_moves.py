"""A plan's way through PDCA: draft → submitted → approved, or returned with a comment back to
draft → doing → checking → closed (standardized) or continued (a linked next plan).

Only leaders approve, return and close; managers and the plan's owner make the other moves.
Every move is kept on the plan as a decision (who, when, from, to, comment) and in the
organization's audit trail; a move the state or the person does not allow is refused here, by
the domain, with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from .access import OrgRole, may_decide_plans, may_edit_plan
from .clock import utc_now
from .performance import PerformanceRecords, check_revision, new_record_id
from .plans import (
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    CheckVerdict,
    Decision,
    Plan,
    PlanAction,
    PlanError,
    PlanState,
    Verdict,
    get_plan,
    require_editor,
    store_plan,
)
from .repositories import PerformanceData

S = PlanState


@dataclass(frozen=True, slots=True)
class Move:
    name: str  # what the page's button says: submit, approve, …
    leaders_only: bool = False
    comment_required: bool = False


MOVES: dict[tuple[PlanState, PlanState], Move] = {
    (S.DRAFT, S.SUBMITTED): Move("submit"),
    (S.SUBMITTED, S.APPROVED): Move("approve", leaders_only=True),
    (S.SUBMITTED, S.DRAFT): Move("return", leaders_only=True, comment_required=True),
    (S.APPROVED, S.DOING): Move("start"),
    (S.DOING, S.CHECKING): Move("check"),
    (S.CHECKING, S.CLOSED): Move("close", leaders_only=True),
    (S.CHECKING, S.CONTINUED): Move("continue"),
}
MAX_STANDARDS = 20


def next_states(state: PlanState) -> list[PlanState]:
    """The states a plan in `state` can move to, whoever asks."""
    return [to for (start, to) in MOVES if start is state]


def move_of(decision: Decision) -> Move:
    return MOVES[decision.from_state, decision.to_state]


def who_may(move: Move) -> list[str]:
    """The roles that may make the move ('owner': the plan's owner)."""
    return ["leader"] if move.leaders_only else ["manager", "owner"]


def may_move(plan: Plan, to: PlanState, user: str, roles: frozenset[OrgRole]) -> bool:
    """Whether this person may move this plan to `to` now (False too when the state does not
    allow the move)."""
    move = MOVES.get((plan.state, to))
    if move is None:
        return False
    return may_decide_plans(roles) if move.leaders_only else may_edit_plan(user, roles,
                                                                           plan.owner)


def moves_open_to(plan: Plan, user: str, roles: frozenset[OrgRole]) -> list[PlanState]:
    """The states this person may move the plan to (the buttons of the plan's page)."""
    return [to for to in next_states(plan.state) if may_move(plan, to, user, roles)]


def missing_for_submission(plan: Plan) -> list[str]:
    """What a plan needs before a leader can judge it: an objective, an owner and a sponsor,
    and at least one action, each with an owner and a due date."""
    missing = [name for name in ("objective", "owner", "sponsor") if not getattr(plan, name)]
    if not plan.actions:
        missing.append("actions")
    if any(not action.owner for action in plan.actions):
        missing.append("action_owner")
    if any(action.due is None for action in plan.actions):
        missing.append("action_due")
    return missing


def _refusal(plan: Plan, to: PlanState, user: str, roles: frozenset[OrgRole],
             comment: str) -> PlanError | None:
    move = MOVES.get((plan.state, to))
    if move is None:
        return PlanError("plan_transition_refused", "state", **{
            "from": plan.state.value, "to": to.value,
            "allowed": [state.value for state in next_states(plan.state)]})
    if not may_move(plan, to, user, roles):
        return PlanError("plan_not_allowed", None, user=user, who=who_may(move))
    if move.comment_required and not comment:
        return PlanError("plan_comment_required", "comment", to=to.value)
    if len(comment) > MAX_TEXT_CHARS:
        return PlanError("plan_field_too_long", "comment", limit=MAX_TEXT_CHARS)
    if to is S.SUBMITTED and (missing := missing_for_submission(plan)):
        return PlanError("plan_incomplete", None, missing=missing)
    if to in (S.CLOSED, S.CONTINUED) and plan.verdict is None:
        return PlanError("plan_verdict_missing", "verdict")
    return None


def _standards(standards: Iterable[str]) -> tuple[str, ...]:
    named = tuple(dict.fromkeys(" ".join(str(s).split()) for s in standards if str(s).strip()))
    if len(named) > MAX_STANDARDS:
        raise PlanError("plan_field_too_long", "standards", limit=MAX_STANDARDS)
    if any(len(name) > MAX_TITLE_CHARS for name in named):
        raise PlanError("plan_field_too_long", "standards", limit=MAX_TITLE_CHARS)
    return named


def next_plan_of(plan: Plan, user: str, now: str) -> Plan:
    """The draft that continues `plan`: the same title, objective, source OFIs or KPI, items,
    root cause analysis, expected effects (to be revised), owner and sponsor; the verdict's
    comment as its lessons; the actions not done or dropped, reopened under new ids without
    their notes (those stay on the plan they were written on). No decisions, no verdict."""
    carried = tuple(PlanAction(f"A{n}", action.text, action.owner, action.due)
                    for n, action in enumerate(
                        (a for a in plan.actions if not a.finished), start=1))
    lessons = plan.verdict.comment if plan.verdict else ""
    return Plan(id=new_record_id(), title=plan.title, objective=plan.objective,
                owner=plan.owner, sponsor=plan.sponsor, ofis=plan.ofis,
                source_kpi=plan.source_kpi, items=plan.items, whys=plan.whys,
                fishbone=plan.fishbone, effects=plan.effects, actions=carried,
                lessons=lessons, continues=plan.id, created_by=user, created_at=now)


def move_plan(data: PerformanceData, user: str, roles: frozenset[OrgRole], plan_id: str,
              to: PlanState, comment: str = "", standards: Iterable[str] = (),
              expected_revision: int | None = None, now: str | None = None) -> Plan:
    """Move the plan to `to` as `user` (with their organization roles), keeping the decision.
    Closing records `standards` (the documents and procedures that became the standard
    practice); continuing opens the next plan as a draft (next_plan_of), linked both ways:
    read it by the moved plan's `continued_by`."""
    now = now or utc_now()
    comment = comment.strip()
    named = _standards(standards) if to is S.CLOSED else ()

    def change(records: PerformanceRecords) -> tuple[Plan, Plan | None]:
        stored = get_plan(records, plan_id)
        check_revision("plan", plan_id, stored.revision, expected_revision)
        if refusal := _refusal(stored, to, user, roles, comment):
            raise refusal
        decision = Decision(user, now, stored.state, to, comment)
        moved = replace(stored, state=to, decisions=(*stored.decisions, decision))
        following = None
        if to is S.CLOSED:
            moved = replace(moved, standards=named)
        if to is S.CONTINUED:
            following = next_plan_of(stored, user, now)
            records.plans[following.id] = following
            moved = replace(moved, continued_by=following.id)
        return store_plan(records, moved, stored), following

    plan, following = data.change(change)
    last = plan.decisions[-1]
    data.audit.record(user, "plan_moved", plan=plan_id, title=plan.title,
                      move=move_of(last).name, comment=comment, standards=list(named),
                      **{"from": last.from_state.value, "to": last.to_state.value})
    if following is not None:
        data.audit.record(user, "plan_created", plan=following.id, title=following.title,
                          continues=plan_id)
    return plan


def record_verdict(data: PerformanceData, user: str, roles: frozenset[OrgRole], plan_id: str,
                   verdict: Verdict | str, comment: str, expected_revision: int | None = None,
                   now: str | None = None) -> Plan:
    """The Check's verdict on the plan (effective, partly, not effective) with its comment,
    while the plan is being checked; managers and the owner record it, a later one replaces
    it (the trail keeps each)."""
    if verdict not in set(Verdict):
        raise PlanError("plan_verdict_unknown", "verdict", value=verdict)
    comment = comment.strip()
    if not comment:
        raise PlanError("plan_comment_required", "comment", to=S.CHECKING.value)
    if len(comment) > MAX_TEXT_CHARS:
        raise PlanError("plan_field_too_long", "comment", limit=MAX_TEXT_CHARS)
    checked = CheckVerdict(Verdict(verdict), comment, user, now or utc_now())

    def change(records: PerformanceRecords) -> Plan:
        stored = get_plan(records, plan_id)
        check_revision("plan", plan_id, stored.revision, expected_revision)
        require_editor(stored, user, roles)
        if stored.state is not S.CHECKING:
            raise PlanError("plan_not_checking", "verdict", state=stored.state.value)
        return store_plan(records, replace(stored, verdict=checked), stored)

    plan = data.change(change)
    data.audit.record(user, "plan_verdict", plan=plan_id, title=plan.title,
                      verdict=checked.verdict.value, comment=comment)
    return plan
