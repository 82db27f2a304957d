"""A plan's Do: its actions (text, owner, due date, status open/doing/done/dropped) and their
dated progress notes.

Actions are planned in the draft and worked on until the plan is checked: added and edited
while the plan is a draft, approved or doing; notes written until it is closed or continued.
Managers and the plan's owner change any action; an action's owner changes its status and
writes notes on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from .access import OrgRole, may_edit_plan
from .clock import utc_now
from .kpis import is_iso_date
from .organizations import may_name
from .performance import PerformanceRecords, check_revision
from .plans import (
    MAX_TEXT_CHARS,
    MAX_USERNAME_CHARS,
    ActionStatus,
    Plan,
    PlanAction,
    PlanError,
    PlanState,
    ProgressNote,
    get_plan,
    require_editor,
    store_plan,
)
from .repositories import PerformanceData

ACTIONS_OPEN = frozenset({PlanState.DRAFT, PlanState.APPROVED, PlanState.DOING})
NOTES_OPEN = ACTIONS_OPEN | {PlanState.CHECKING}
ACTION_FIELDS = ("text", "owner", "due", "status")
OWN_ACTION_FIELDS = frozenset({"status"})  # what an action's owner changes on their own


def checked_action(action: PlanAction, usernames: frozenset[str] | None,
                   stored: PlanAction | None = None) -> PlanAction:
    """The action with its text trimmed, or its first problem raised. Its owner is one of
    `usernames` (the organization's people; None: not checked) when set or changed; an owner
    kept as `stored` (None: a new action) stays, even one who has left the organization."""
    text = action.text.strip() if isinstance(action.text, str) else action.text
    owner = action.owner.strip() if isinstance(action.owner, str) else action.owner
    if not isinstance(text, str) or not text:
        raise PlanError("plan_field_required", "text")
    if len(text) > MAX_TEXT_CHARS:
        raise PlanError("plan_field_too_long", "text", limit=MAX_TEXT_CHARS)
    if not isinstance(owner, str) or len(owner) > MAX_USERNAME_CHARS:
        raise PlanError("plan_field_too_long", "owner", limit=MAX_USERNAME_CHARS)
    if not may_name(owner, usernames, stored.owner if stored is not None else ""):
        raise PlanError("plan_user_unknown", "owner", value=owner)
    due = action.due or None
    if due is not None and not is_iso_date(due):
        raise PlanError("plan_date_invalid", "due", value=due)
    if action.status not in set(ActionStatus):
        raise PlanError("plan_action_status_unknown", "status", value=action.status)
    return replace(action, text=text, owner=owner, due=due,
                   status=ActionStatus(action.status))


def _change_plan(data: PerformanceData, plan_id: str, expected_revision: int | None,
                 edit: Callable[[Plan], Plan]) -> tuple[Plan, Plan]:
    """The plan as stored before and after `edit`, done in one change."""
    def change(records: PerformanceRecords) -> tuple[Plan, Plan]:
        stored = get_plan(records, plan_id)
        check_revision("plan", plan_id, stored.revision, expected_revision)
        return stored, store_plan(records, edit(stored), stored)

    return data.change(change)


def _require_open(plan: Plan, states: frozenset[PlanState]) -> None:
    if plan.state not in states:
        raise PlanError("plan_actions_closed", None, state=plan.state.value)


def add_action(data: PerformanceData, user: str, roles: frozenset[OrgRole], plan_id: str,
               text: str, owner: str = "", due: str | None = None,
               usernames: frozenset[str] | None = None,
               expected_revision: int | None = None) -> PlanAction:
    """A new open action of the plan, numbered after the last one."""
    def edit(plan: Plan) -> Plan:
        require_editor(plan, user, roles)
        _require_open(plan, ACTIONS_OPEN)
        number = max((int(a.id[1:]) for a in plan.actions), default=0) + 1
        action = checked_action(PlanAction(f"A{number}", text, owner, due), usernames)
        return replace(plan, actions=(*plan.actions, action))

    _, plan = _change_plan(data, plan_id, expected_revision, edit)
    action = plan.actions[-1]
    data.audit.record(user, "plan_action_added", plan=plan_id, action_id=action.id,
                      text=action.text, owner=action.owner, due=action.due)
    return action


def update_action(data: PerformanceData, user: str, roles: frozenset[OrgRole], plan_id: str,
                  action_id: str, values: Mapping[str, object],
                  usernames: frozenset[str] | None = None,
                  expected_revision: int | None = None) -> PlanAction:
    """Change an action's fields in `values` (text, owner, due, status)."""
    if unknown := sorted(set(values) - set(ACTION_FIELDS)):
        raise PlanError("plan_field_unknown", unknown[0])

    def edit(plan: Plan) -> Plan:
        stored = plan.action(action_id)
        _require_actor(plan, stored, user, roles, set(values) <= OWN_ACTION_FIELDS)
        _require_open(plan, ACTIONS_OPEN)
        action = checked_action(replace(stored, **values),  # type: ignore[arg-type]
                                usernames, stored)
        return replace(plan, actions=tuple(action if a.id == action_id else a
                                           for a in plan.actions))

    stored, plan = _change_plan(data, plan_id, expected_revision, edit)
    before, action = stored.action(action_id), plan.action(action_id)
    if changed := {name: getattr(action, name) for name in ACTION_FIELDS
                   if getattr(action, name) != getattr(before, name)}:
        data.audit.record(user, "plan_action_changed", plan=plan_id, action_id=action_id,
                          **changed)
    return action


def add_note(data: PerformanceData, user: str, roles: frozenset[OrgRole], plan_id: str,
             action_id: str, text: str, expected_revision: int | None = None,
             now: str | None = None) -> ProgressNote:
    """A dated progress note on an action."""
    text = text.strip()
    if not text:
        raise PlanError("plan_field_required", "text")
    if len(text) > MAX_TEXT_CHARS:
        raise PlanError("plan_field_too_long", "text", limit=MAX_TEXT_CHARS)
    note = ProgressNote(user, now or utc_now(), text)

    def edit(plan: Plan) -> Plan:
        stored = plan.action(action_id)
        _require_actor(plan, stored, user, roles, True)
        _require_open(plan, NOTES_OPEN)
        action = replace(stored, notes=(*stored.notes, note))
        return replace(plan, actions=tuple(action if a.id == action_id else a
                                           for a in plan.actions))

    _change_plan(data, plan_id, expected_revision, edit)
    data.audit.record(user, "plan_action_note", plan=plan_id, action_id=action_id, text=text)
    return note


def may_work_on(plan: Plan, action: PlanAction, user: str, roles: frozenset[OrgRole]) -> bool:
    """Whether this person may change the action's status and write notes on it."""
    return may_edit_plan(user, roles, plan.owner) or (bool(user) and user == action.owner)


def _require_actor(plan: Plan, action: PlanAction, user: str, roles: frozenset[OrgRole],
                   own_work: bool) -> None:
    if own_work and may_work_on(plan, action, user, roles):
        return
    if not may_edit_plan(user, roles, plan.owner):
        who = ["manager", "owner"] + (["action_owner"] if own_work else [])
        raise PlanError("plan_not_allowed", None, user=user, who=who)
