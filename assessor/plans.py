"""Improvement plans: one PDCA cycle each, kept in the organization's performance file beside
the KPIs they are meant to move (so a plan's KPI references are checked, and its Check read, in
one consistent state of the records).

A plan comes from one or more OFIs of a cycle (kept by assessment, item and statement id, so an
edited OFI stays linked), from a red KPI, or from nothing. Its content (what is planned) is
edited while it is a draft; its actions are worked on until it is checked (plan_actions.py);
its state moves by the rules of plan_moves.py; its Check is plan_check.py.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from .access import OrgRole, may_edit_plan
from .clock import utc_now
from .errors import DomainError
from .kpis import is_iso_date
from .organizations import may_name
from .performance import PerformanceRecords, check_revision, new_record_id
from .repositories import PerformanceData

MAX_TITLE_CHARS = 200
MAX_TEXT_CHARS = 4000
MAX_WHYS = 10
MAX_USERNAME_CHARS = 40
ITEM = re.compile(r"^4(\.\d{1,2}){1,2}$")  # a category or an item of the framework: 4.1, 4.1.2


class PlanError(DomainError):
    """A plan change that cannot be made; `field` names the field where there is one.
    plan_unknown (plan), plan_field_unknown, plan_field_required, plan_field_too_long (limit),
    plan_too_many_whys (limit), plan_fishbone_heading_unknown (value), plan_item_invalid
    (value), plan_ofi_invalid (value), plan_ofi_unknown (value: no OFI of that consensus),
    plan_kpi_unknown (value), plan_effect_invalid (value), plan_not_a_number (value),
    plan_date_invalid (value), plan_user_unknown (value: not one of the organization's people,
    who alone open its plans), plan_sponsor_not_leader (value),
    plan_locked (state: content is edited only in a draft, a draft removed only when never
    submitted), plan_not_allowed (user, who: the roles that may, 'owner' for the plan's owner,
    'action_owner' for an action's), plan_transition_refused (from, to, allowed),
    plan_comment_required (to), plan_incomplete (missing: what a plan needs before it is
    submitted), plan_verdict_missing (to close or continue), plan_not_checking (state: a
    verdict is recorded while checking), plan_verdict_unknown (value), plan_action_unknown
    (action), plan_action_status_unknown (value), plan_actions_closed (state: actions change
    only until the plan is checked)."""

    def __init__(self, code: str, field: str | None = None, **data: object) -> None:
        super().__init__(code, field=field, **data)
        self.field = field


class PlanState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # waiting for a leader's approval
    APPROVED = "approved"
    DOING = "doing"
    CHECKING = "checking"
    CLOSED = "closed"  # standardized
    CONTINUED = "continued"  # a next plan carries on


# Actions are worked on once the plan is approved and until it is checked; before, their due
# days are a proposal, after, they are history: overdue only counts in these states.
WORKING_STATES = frozenset({PlanState.APPROVED, PlanState.DOING})


class FishboneHeading(StrEnum):
    PEOPLE = "people"
    MACHINES = "machines"
    MATERIALS = "materials"
    METHODS = "methods"
    MEASUREMENT = "measurement"
    ENVIRONMENT = "environment"


class ActionStatus(StrEnum):
    OPEN = "open"
    DOING = "doing"
    DONE = "done"
    DROPPED = "dropped"


class Verdict(StrEnum):
    EFFECTIVE = "effective"
    PARTLY = "partly"
    NOT_EFFECTIVE = "not_effective"


@dataclass(frozen=True, slots=True)
class OfiRef:
    """An OFI of a cycle's consensus, by id: its text is read where it is stored."""

    assessment: str
    item: str
    statement: str

    def to_doc(self) -> dict:
        return {"assessment": self.assessment, "item": self.item, "statement": self.statement}

    @classmethod
    def from_doc(cls, doc: Mapping) -> OfiRef:
        return cls(doc["assessment"], doc["item"], doc["statement"])


@dataclass(frozen=True, slots=True)
class ExpectedEffect:
    """This KPI from its value now to that value by that date."""

    kpi: str  # a KPI id
    now: float
    expected: float
    by: str  # YYYY-MM-DD

    def to_doc(self) -> dict:
        return {"kpi": self.kpi, "now": self.now, "expected": self.expected, "by": self.by}

    @classmethod
    def from_doc(cls, doc: Mapping) -> ExpectedEffect:
        return cls(doc["kpi"], float(doc["now"]), float(doc["expected"]), doc["by"])


@dataclass(frozen=True, slots=True)
class ProgressNote:
    by: str
    at: str  # UTC timestamp
    text: str

    def to_doc(self) -> dict:
        return {"by": self.by, "at": self.at, "text": self.text}

    @classmethod
    def from_doc(cls, doc: Mapping) -> ProgressNote:
        return cls(doc["by"], doc["at"], doc["text"])


@dataclass(frozen=True, slots=True)
class PlanAction:
    id: str  # A1, A2, … in the plan; actions are dropped, never removed, so ids stay
    text: str
    owner: str = ""
    due: str | None = None  # YYYY-MM-DD
    status: ActionStatus = ActionStatus.OPEN
    notes: tuple[ProgressNote, ...] = ()

    @property
    def finished(self) -> bool:
        return self.status in (ActionStatus.DONE, ActionStatus.DROPPED)

    def is_overdue(self, today: date) -> bool:
        return not self.finished and self.due is not None \
            and date.fromisoformat(self.due) < today

    def to_doc(self) -> dict:
        return {"id": self.id, "text": self.text, "owner": self.owner, "due": self.due,
                "status": self.status.value, "notes": [note.to_doc() for note in self.notes]}

    @classmethod
    def from_doc(cls, doc: Mapping) -> PlanAction:
        return cls(doc["id"], doc["text"], doc.get("owner", ""), doc.get("due"),
                   ActionStatus(doc.get("status", ActionStatus.OPEN)),
                   tuple(ProgressNote.from_doc(note) for note in doc.get("notes", ())))


@dataclass(frozen=True, slots=True)
class Decision:
    """One transition of the plan: who moved it, when, from which state to which."""

    by: str
    at: str
    from_state: PlanState
    to_state: PlanState
    comment: str = ""

    def to_doc(self) -> dict:
        return {"by": self.by, "at": self.at, "from": self.from_state.value,
                "to": self.to_state.value, "comment": self.comment}

    @classmethod
    def from_doc(cls, doc: Mapping) -> Decision:
        return cls(doc["by"], doc["at"], PlanState(doc["from"]), PlanState(doc["to"]),
                   doc.get("comment", ""))


@dataclass(frozen=True, slots=True)
class CheckVerdict:
    verdict: Verdict
    comment: str
    by: str
    at: str

    def to_doc(self) -> dict:
        return {"verdict": self.verdict.value, "comment": self.comment, "by": self.by,
                "at": self.at}

    @classmethod
    def from_doc(cls, doc: Mapping) -> CheckVerdict:
        return cls(Verdict(doc["verdict"]), doc["comment"], doc["by"], doc["at"])


@dataclass(frozen=True, slots=True)
class Plan:
    id: str
    title: str
    objective: str = ""
    owner: str = ""  # a username
    sponsor: str = ""  # a leader's username
    state: PlanState = PlanState.DRAFT
    ofis: tuple[OfiRef, ...] = ()
    source_kpi: str | None = None  # the (red) KPI the plan was opened from
    items: tuple[str, ...] = ()  # the framework items it addresses
    whys: tuple[str, ...] = ()  # five whys, the first why first
    # The fishbone: (heading, text) in heading order, only headings with text (given as a
    # mapping or pairs; kept as pairs so that a plan stays hashable like every record).
    fishbone: tuple[tuple[FishboneHeading, str], ...] = ()
    effects: tuple[ExpectedEffect, ...] = ()
    actions: tuple[PlanAction, ...] = ()
    decisions: tuple[Decision, ...] = ()  # oldest first, append-only
    verdict: CheckVerdict | None = None
    standards: tuple[str, ...] = ()  # Act: documents and procedures that became the standard
    lessons: str = ""  # carried over from the plan this one continues
    continues: str | None = None
    continued_by: str | None = None
    created_by: str = ""
    created_at: str = ""
    revision: int = 1

    def action(self, action_id: str) -> PlanAction:
        for action in self.actions:
            if action.id == action_id:
                return action
        raise PlanError("plan_action_unknown", "actions", action=action_id)

    def is_overdue(self, action: PlanAction, today: date) -> bool:
        """Whether the action is late: unfinished past its due day while the plan is worked
        on."""
        return self.state in WORKING_STATES and action.is_overdue(today)

    @property
    def started_on(self) -> date | None:
        """The day the plan started: when it went to doing, or before that when it was
        approved; None before approval."""
        for state in (PlanState.DOING, PlanState.APPROVED):
            moved = [d.at for d in self.decisions if d.to_state is state]
            if moved:
                return date.fromisoformat(moved[0][:10])
        return None

    def to_doc(self) -> dict:
        return {
            "id": self.id, "title": self.title, "objective": self.objective,
            "owner": self.owner, "sponsor": self.sponsor, "state": self.state.value,
            "ofis": [ofi.to_doc() for ofi in self.ofis], "source_kpi": self.source_kpi,
            "items": list(self.items), "whys": list(self.whys),
            "fishbone": {heading.value: text for heading, text in self.fishbone},
            "effects": [effect.to_doc() for effect in self.effects],
            "actions": [action.to_doc() for action in self.actions],
            "decisions": [decision.to_doc() for decision in self.decisions],
            "verdict": self.verdict.to_doc() if self.verdict else None,
            "standards": list(self.standards), "lessons": self.lessons,
            "continues": self.continues, "continued_by": self.continued_by,
            "created_by": self.created_by, "created_at": self.created_at,
            "revision": self.revision}

    @classmethod
    def from_doc(cls, doc: Mapping) -> Plan:
        verdict = doc.get("verdict")
        return cls(
            id=doc["id"], title=doc["title"], objective=doc.get("objective", ""),
            owner=doc.get("owner", ""), sponsor=doc.get("sponsor", ""),
            state=PlanState(doc.get("state", PlanState.DRAFT)),
            ofis=tuple(OfiRef.from_doc(ofi) for ofi in doc.get("ofis", ())),
            source_kpi=doc.get("source_kpi"), items=tuple(doc.get("items", ())),
            whys=tuple(doc.get("whys", ())),
            fishbone=tuple((FishboneHeading(heading), text)
                           for heading, text in doc.get("fishbone", {}).items()),
            effects=tuple(ExpectedEffect.from_doc(e) for e in doc.get("effects", ())),
            actions=tuple(PlanAction.from_doc(a) for a in doc.get("actions", ())),
            decisions=tuple(Decision.from_doc(d) for d in doc.get("decisions", ())),
            verdict=CheckVerdict.from_doc(verdict) if verdict else None,
            standards=tuple(doc.get("standards", ())), lessons=doc.get("lessons", ""),
            continues=doc.get("continues"), continued_by=doc.get("continued_by"),
            created_by=doc.get("created_by", ""), created_at=doc.get("created_at", ""),
            revision=doc.get("revision", 1))


# What people edit while the plan is a draft; the rest the plan's life keeps.
CONTENT = ("title", "objective", "owner", "sponsor", "ofis", "source_kpi", "items", "whys",
           "fishbone", "effects", "lessons")


@dataclass(frozen=True, slots=True)
class People:
    """Who may be named on a plan (None: not checked): the organization's usernames, and its
    leaders for the sponsor. A plan's owner, sponsor and actions' owners must be of them when
    set or changed; one kept as stored stays, even after leaving the organization."""

    usernames: Collection[str] | None = None
    leaders: Collection[str] | None = None


def people_of(members: Mapping[str, frozenset[OrgRole]]) -> People:
    """Who may be named on the organization's plans, from its members and their roles (the
    repository's OrganizationRepository.members): anyone of it, and its leaders as sponsors."""
    return People(usernames=frozenset(members),
                  leaders=frozenset(name for name, roles in members.items()
                                    if OrgRole.LEADER in roles))


def get_plan(records: PerformanceRecords, plan_id: str) -> Plan:
    try:
        return records.plans[plan_id]
    except KeyError:
        raise PlanError("plan_unknown", None, plan=plan_id) from None


def normalized(plan: Plan) -> Plan:
    """One way to say each thing: text trimmed, blank whys and fishbone headings left out,
    lists as tuples, numbers as floats, headings as their enum members (a heading that is none
    stays, for plan_problems to name)."""
    def text(value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    given = dict(plan.fishbone)  # a mapping or (heading, text) pairs
    known = [(heading, text(given.pop(heading))) for heading in FishboneHeading
             if heading in given]
    fishbone = tuple((heading, value) for heading, value in [*known, *given.items()]
                     if not isinstance(value, str) or value)
    effects = tuple(ExpectedEffect(e.kpi, _number(e.now), _number(e.expected), e.by)
                    if isinstance(e, ExpectedEffect) else e for e in plan.effects)
    return replace(
        plan, title=text(plan.title), objective=text(plan.objective), owner=text(plan.owner),
        sponsor=text(plan.sponsor), lessons=text(plan.lessons),
        ofis=tuple(dict.fromkeys(plan.ofis)),
        items=tuple(dict.fromkeys(text(i) for i in plan.items)),
        whys=tuple(text(w) for w in plan.whys if not isinstance(w, str) or w.strip()),
        fishbone=fishbone, effects=effects, source_kpi=plan.source_kpi or None)


def _number(value: object) -> object:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _is_number(value: object) -> bool:
    return isinstance(value, float) and math.isfinite(value)


def plan_problems(records: PerformanceRecords, plan: Plan, people: People = People()
                  ) -> list[PlanError]:
    """Everything wrong with a plan's content (empty: it can be stored)."""
    problems: list[PlanError] = []
    for name, limit in (("title", MAX_TITLE_CHARS), ("objective", MAX_TEXT_CHARS),
                        ("lessons", MAX_TEXT_CHARS), ("owner", MAX_USERNAME_CHARS),
                        ("sponsor", MAX_USERNAME_CHARS)):
        value = getattr(plan, name)
        if not isinstance(value, str):
            problems.append(PlanError("plan_field_required", name))
        elif len(value) > limit:
            problems.append(PlanError("plan_field_too_long", name, limit=limit))
    if isinstance(plan.title, str) and not plan.title:
        problems.append(PlanError("plan_field_required", "title"))
    if len(plan.whys) > MAX_WHYS:
        problems.append(PlanError("plan_too_many_whys", "whys", limit=MAX_WHYS))
    for why in plan.whys:
        if not isinstance(why, str) or len(why) > MAX_TEXT_CHARS:
            problems.append(PlanError("plan_field_too_long", "whys", limit=MAX_TEXT_CHARS))
    for heading, text in plan.fishbone:
        if not isinstance(heading, FishboneHeading):
            problems.append(PlanError("plan_fishbone_heading_unknown", "fishbone",
                                      value=heading))
        elif not isinstance(text, str) or len(text) > MAX_TEXT_CHARS:
            problems.append(PlanError("plan_field_too_long", "fishbone", limit=MAX_TEXT_CHARS))
    for item in plan.items:
        if not isinstance(item, str) or not ITEM.fullmatch(item):
            problems.append(PlanError("plan_item_invalid", "items", value=item))
    for ofi in plan.ofis:
        if not isinstance(ofi, OfiRef) or not all(
                isinstance(part, str) and part for part in (ofi.assessment, ofi.statement)) \
                or not ITEM.fullmatch(str(ofi.item)):
            problems.append(PlanError("plan_ofi_invalid", "ofis", value=ofi))
    if plan.source_kpi is not None and plan.source_kpi not in records.kpis:
        problems.append(PlanError("plan_kpi_unknown", "source_kpi", value=plan.source_kpi))
    problems.extend(_effect_problems(records, plan.effects))
    problems.extend(_people_problems(plan, people, records.plans.get(plan.id)))
    return problems


def _effect_problems(records: PerformanceRecords, effects: Iterable[ExpectedEffect]
                     ) -> list[PlanError]:
    problems = []
    for effect in effects:
        if not isinstance(effect, ExpectedEffect):
            problems.append(PlanError("plan_effect_invalid", "effects", value=effect))
            continue
        if effect.kpi not in records.kpis:
            problems.append(PlanError("plan_kpi_unknown", "effects", value=effect.kpi))
        for value in (effect.now, effect.expected):
            if not _is_number(value):
                problems.append(PlanError("plan_not_a_number", "effects", value=value))
        if not is_iso_date(effect.by):
            problems.append(PlanError("plan_date_invalid", "effects", value=effect.by))
    return problems


def _people_problems(plan: Plan, people: People, stored: Plan | None) -> list[PlanError]:
    """The owner and the sponsor are of the organization's people (the sponsor a leader) when
    set or changed; as `stored` (None: a new plan) they stay, so an old plan stays editable."""
    def kept(name: str) -> bool:
        return stored is not None and getattr(stored, name) == getattr(plan, name)

    problems = []
    for name in ("owner", "sponsor"):
        value = getattr(plan, name)
        if not may_name(value, people.usernames, getattr(stored, name, "")):
            problems.append(PlanError("plan_user_unknown", name, value=value))
    if people.leaders is not None and plan.sponsor and plan.sponsor not in people.leaders \
            and not kept("sponsor"):
        problems.append(PlanError("plan_sponsor_not_leader", "sponsor", value=plan.sponsor))
    return problems


def check_plan(records: PerformanceRecords, plan: Plan, people: People) -> Plan:
    """The plan normalized, or its first problem raised."""
    plan = normalized(plan)
    if problems := plan_problems(records, plan, people):
        raise problems[0]
    return plan


def require_editor(plan: Plan, user: str, roles: frozenset[OrgRole]) -> None:
    """Managers and the plan's owner edit a plan."""
    if not may_edit_plan(user, roles, plan.owner):
        raise PlanError("plan_not_allowed", None, user=user, who=["manager", "owner"])


def _unknown_fields(values: Mapping[str, object]) -> None:
    if unknown := sorted(set(values) - set(CONTENT)):
        raise PlanError("plan_field_unknown", unknown[0])


def create_plan(data: PerformanceData, user: str, roles: frozenset[OrgRole],
                values: Mapping[str, object], people: People = People(),
                now: str | None = None) -> Plan:
    """A new draft from the content fields in `values` (a title at least); `owner` defaults to
    the user. Managers create any plan; anyone of the organization a plan they own."""
    _unknown_fields(values)
    plan = Plan(id=new_record_id(), **{"title": "", "owner": user, **values},  # type: ignore[arg-type]
                created_by=user, created_at=now or utc_now())
    require_editor(plan, user, roles)

    def change(records: PerformanceRecords) -> Plan:
        checked = check_plan(records, plan, people)
        records.plans[checked.id] = checked
        return checked

    plan = data.change(change)
    data.audit.record(user, "plan_created", plan=plan.id, title=plan.title,
                      **_changes(None, plan))
    return plan


def update_plan(data: PerformanceData, user: str, roles: frozenset[OrgRole], plan_id: str,
                values: Mapping[str, object], expected_revision: int | None = None,
                people: People = People()) -> Plan:
    """Change the content fields in `values`; only while the plan is a draft."""
    _unknown_fields(values)

    def change(records: PerformanceRecords) -> tuple[Plan, Plan]:
        stored = get_plan(records, plan_id)
        check_revision("plan", plan_id, stored.revision, expected_revision)
        require_editor(stored, user, roles)
        if stored.state is not PlanState.DRAFT:
            raise PlanError("plan_locked", None, state=stored.state.value)
        plan = check_plan(records, replace(stored, **values), people)  # type: ignore[arg-type]
        if plan != stored:
            plan = replace(plan, revision=stored.revision + 1)
            records.plans[plan_id] = plan
        return stored, plan

    before, plan = data.change(change)
    if changed := _changes(before, plan):
        data.audit.record(user, "plan_changed", plan=plan_id, title=plan.title, **changed)
    return plan


def _changes(before: Plan | None, after: Plan) -> dict[str, object]:
    """The content fields that differ (for a new plan: those given), as stored documents."""
    doc = after.to_doc()
    old = before.to_doc() if before else {}
    return {name: doc[name] for name in CONTENT if name != "title"
            and (doc[name] not in (None, "", [], {}) if before is None
                 else doc[name] != old[name])}


def store_plan(records: PerformanceRecords, plan: Plan, stored: Plan) -> Plan:
    """Put `plan` in `records` (in a change) as the next revision of `stored`."""
    plan = replace(plan, revision=stored.revision + 1)
    records.plans[plan.id] = plan
    return plan


def remove_plan(data: PerformanceData, user: str, roles: frozenset[OrgRole], plan_id: str,
                expected_revision: int | None = None) -> None:
    """Remove a draft that was never submitted (plan_locked otherwise: a plan a leader has seen
    keeps its decisions)."""
    def change(records: PerformanceRecords) -> Plan:
        plan = get_plan(records, plan_id)
        check_revision("plan", plan_id, plan.revision, expected_revision)
        require_editor(plan, user, roles)
        if plan.state is not PlanState.DRAFT or plan.decisions:
            raise PlanError("plan_locked", None, state=plan.state.value)
        del records.plans[plan_id]
        return plan

    plan = data.change(change)
    data.audit.record(user, "plan_removed", plan=plan_id, title=plan.title)
