"""The demo organizations' improvement plans (plans.yaml, zh-plans.yaml): opened in 2026 from
the OFIs of their 2025 consensus or from a red KPI, and taken through PDCA as far as each one
has come, every step by the demo account whose step it is: the plan's owner submits, starts,
checks, records the verdict and continues; the leader approves, returns and closes; an
action's owner reports its status and writes its progress notes. Everything goes through the
domain functions (plan_sources, plans, plan_actions, plan_moves), so the decisions and the
organization's audit trail are real; the day of each step is the one the file gives.

The steps run on the organization's records held in memory (_Batch, a PerformanceData: each
domain change on a copy, kept when it succeeds, audited in the organization's own trail as it
happens), and the plans are stored in one change at the end: stored one by one, each of the
180 or so changes would rewrite the whole performance file with its thousand KPI values.

The file's shape (one organization's plans, oldest first):

    cycle: "2025"                  # the cycle whose consensus OFIs the plans come from
    plans:
      - created: 2026-01-12        # the day, and `by` who opened it (default: its owner)
        from_ofis: [{item: "4.7.2", text: "start of the OFI's text"}]   # or
        from_kpi: YC-SCRAP         # a red KPI: its latest value to its target as the effect
        title, objective, owner, sponsor, whys: [...], fishbone: {people: ..., ...}
        effects: [{kpi: CODE, from: YYYY-MM, expected: 12.0, by: YYYY-MM-DD}]
                                   # `from`: the KPI's value of that month is the value now
        actions: [{text, owner, due, status, notes: [{at: YYYY-MM-DD, text}]}]
                                   # status and notes are reported once the plan is started
        steps: [{submit: DAY}, {return: DAY, comment}, {revise: DAY, values: {...}},
                {approve: DAY, comment}, {start: DAY}, {check: DAY},
                {verdict: effective|partly|not_effective, at: DAY, comment},
                {close: DAY, comment, standards: [...]}, {continue: DAY, comment}]
        next: {values: {...}, carried: [{due: DAY}], actions: [...], steps: [...]}
                                   # the plan a `continue` opens: revised, its carried-over
                                   # actions rescheduled (in their order), more actions

A move's day is its decision's, a note's its own, a verdict's `at`; `revise` (the owner's edit
of a draft, such as a returned one) keeps no day but its audit entry's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import yaml

from .access import OrgRole
from .organizations import AssessmentRecord
from .performance import PerformanceRecords
from .plan_actions import add_action, add_note, update_action
from .plan_moves import move_plan, record_verdict
from .plan_sources import draft_from_kpi, draft_from_ofis
from .plans import ExpectedEffect, Plan, PlanState, create_plan, people_of, update_plan
from .repositories import AssessmentData, AuditRepository, PerformanceData
from .storage.store import Store

# Each organization's plans, in the order of demo.ORGANIZATIONS.
PLANS = ("plans.yaml", "zh-plans.yaml")
LEADER = "leader"  # the organization's leader: approves, returns and closes
MOVES = {"submit": PlanState.SUBMITTED, "approve": PlanState.APPROVED,
         "return": PlanState.DRAFT, "start": PlanState.DOING, "check": PlanState.CHECKING,
         "close": PlanState.CLOSED, "continue": PlanState.CONTINUED}
LEADERS_MOVES = frozenset({"approve", "return", "close"})
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_plans(store: Store, current: Iterable[AssessmentRecord], demo_dir: Path) -> None:
    """Each demo organization's plans (its current cycle in `current`, in the order of
    PLANS), where the organization's plans file exists."""
    for record, name in zip(current, PLANS, strict=True):
        path = demo_dir / name
        if not path.exists():
            continue
        spec = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        cycle = next(other for other in store.assessments.all()
                     if other.organization_id == record.organization_id
                     and other.cycle == str(spec["cycle"]))
        data = store.organization_data(record.organization_id)
        batch = _Batch(data)
        _Loader(store, batch, store.assessment_data(cycle.id)).load(spec["plans"])
        _store_plans(data, batch.records.plans)


def _store_plans(data: PerformanceData, plans: Mapping[str, Plan]) -> None:
    data.change(lambda records: records.plans.update(plans))


T = TypeVar("T")


class _Batch:
    """An organization's performance records in memory, changed as PerformanceData.change
    does (on a copy, kept only when the change succeeds), audited in its real trail."""

    def __init__(self, data: PerformanceData) -> None:
        self.organization_id = data.organization_id
        self.audit: AuditRepository = data.audit
        self.records = data.read()

    def read(self) -> PerformanceRecords:
        return self.records.copy()

    def change(self, change: Callable[[PerformanceRecords], T]) -> T:
        records = self.records.copy()
        result = change(records)
        self.records = records
        return result

    def derived(self, name: str, compute: Callable[[], T]) -> T:
        return compute()


def _at(day: object, hour: int = 2) -> str:
    """A day of the file as a timestamp in working hours in China (UTC+8)."""
    return f"{date.fromisoformat(str(day)).isoformat()}T{hour:02d}:30:00+00:00"


class _Loader:
    def __init__(self, store: Store, data: PerformanceData, cycle: AssessmentData) -> None:
        self.data = data
        self.cycle = cycle
        members = store.organizations.members(data.organization_id)
        self.roles: Mapping[str, frozenset[OrgRole]] = members
        self.people = people_of(members)
        self.usernames = frozenset(members)
        records = self.data.read()
        self.codes = {kpi.code: kpi.id for kpi in records.kpis.values()}
        self.records: PerformanceRecords = records

    def load(self, plans: list[dict[str, Any]]) -> None:
        for entry in plans:
            self._plan(entry)

    def _role(self, user: str) -> frozenset[OrgRole]:
        return self.roles.get(user, frozenset())

    def _content(self, entry: Mapping[str, Any]) -> dict[str, object]:
        """The plan's content fields as the file gives them."""
        values: dict[str, object] = {name: entry[name] for name in (
            "title", "objective", "owner", "sponsor", "lessons") if name in entry}
        if "whys" in entry:
            values["whys"] = tuple(entry["whys"])
        if "fishbone" in entry:
            values["fishbone"] = entry["fishbone"]
        if "effects" in entry:
            values["effects"] = tuple(self._effect(effect) for effect in entry["effects"])
        return values

    def _effect(self, effect: Mapping[str, Any]) -> ExpectedEffect:
        kpi = self.codes[effect["kpi"]]
        month = str(effect["from"])
        now = next(m.value for m in self.records.measurements_of(kpi)
                   if m.period.startswith(month))
        return ExpectedEffect(kpi, now, float(effect["expected"]), str(effect["by"]))

    def _source(self, entry: Mapping[str, Any]) -> dict[str, object]:
        """The draft's first content, as the gap report or the KPI's page would give it."""
        if "from_kpi" in entry:
            return draft_from_kpi(self.records, self.codes[entry["from_kpi"]],
                                  date.fromisoformat(str(entry["created"])))
        consensus = self.cycle.consensus.all()
        ids = []
        for ofi in entry["from_ofis"]:
            matches = [statement.id for statement in consensus[str(ofi["item"])].ofis
                       if statement.text.startswith(ofi["text"])]
            if len(matches) != 1:
                raise ValueError(f"no single OFI of {ofi['item']} starts with {ofi['text']!r}")
            ids.append(matches[0])
        return draft_from_ofis(self.cycle, ids)

    def _plan(self, entry: Mapping[str, Any]) -> Plan:
        owner = entry["owner"]
        by = entry.get("by", owner)
        plan = create_plan(self.data, by, self._role(by),
                           {**self._source(entry), **self._content(entry)}, self.people,
                           now=_at(entry["created"], 1))
        self._add_actions(plan, entry.get("actions", ()), by)
        return self._steps(plan, entry)

    def _add_actions(self, plan: Plan, actions: Iterable[Mapping[str, Any]], by: str) -> None:
        for action in actions:
            add_action(self.data, by, self._role(by), plan.id, action["text"],
                       action["owner"], str(action["due"]), self.usernames)

    def _work(self, plan: Plan, actions: list[Mapping[str, Any]]) -> None:
        """Each action's status and progress notes as its owner reports them (notes in the
        order of their days, across actions)."""
        stored = self.data.read().plans[plan.id]
        by_text = {action.text: action for action in stored.actions}
        notes = []
        for entry in actions:
            action = by_text[entry["text"].strip()]
            notes += [(str(note["at"]), action.id, action.owner, note["text"])
                      for note in entry.get("notes", ())]
        for day, action_id, owner, text in sorted(notes, key=lambda note: note[0]):
            add_note(self.data, owner, self._role(owner), plan.id, action_id, text,
                     now=_at(day, 6))
        for entry in actions:
            action = by_text[entry["text"].strip()]
            if entry.get("status", "open") != action.status.value:
                update_action(self.data, action.owner, self._role(action.owner), plan.id,
                              action.id, {"status": entry["status"]})

    def _steps(self, plan: Plan, entry: Mapping[str, Any]) -> Plan:
        owner = entry["owner"]
        for step in entry.get("steps", ()):
            if "verdict" in step:
                plan = record_verdict(self.data, owner, self._role(owner), plan.id,
                                      step["verdict"], step["comment"], now=_at(step["at"], 7))
                continue
            if "revise" in step:
                values = self._content(step["values"])
                plan = update_plan(self.data, owner, self._role(owner), plan.id, values,
                                   people=self.people)
                continue
            (name,) = (key for key in step if key in MOVES)
            user = LEADER if name in LEADERS_MOVES else owner
            plan = move_plan(self.data, user, self._role(user), plan.id, MOVES[name],
                             comment=step.get("comment", ""),
                             standards=step.get("standards", ()),
                             now=_at(step[name], 3 if user == LEADER else 2))
            if name == "start":
                self._work(plan, entry.get("actions", ()))
            if name == "continue":
                self._next(plan, entry)
        return plan

    def _next(self, plan: Plan, entry: Mapping[str, Any]) -> None:
        """The plan that continues `plan`: revised, with more actions, moved on."""
        following = self.data.read().plans[plan.continued_by]  # type: ignore[index]
        then = entry["next"]
        owner = entry["owner"]
        if "values" in then:
            update_plan(self.data, owner, self._role(owner), following.id,
                        self._content(then["values"]), people=self.people)
        for action, values in zip(following.actions, then.get("carried", ()), strict=False):
            update_action(self.data, owner, self._role(owner), following.id, action.id,
                          {name: str(value) for name, value in values.items()},
                          self.usernames)
        self._add_actions(following, then.get("actions", ()), owner)
        self._steps(following, {**then, "owner": owner})
