"""Improvement plans: content checked field by field, edited only as drafts; every state move
allowed and refused (table-driven) and who may make it; decisions and audit entries; actions,
their owners, notes and overdue marks; continuing into a linked next plan; no lost update when
two people move the same plan at once."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date

import pytest

from assessor.access import ORG_RULES, OrgAction, OrgRole, may_decide_plans, may_edit_plan
from assessor.performance import StaleRecord
from assessor.plan_actions import add_action, add_note, update_action
from assessor.plan_moves import (
    MOVES,
    may_move,
    missing_for_submission,
    move_plan,
    moves_open_to,
    next_states,
    record_verdict,
    who_may,
)
from assessor.plans import (
    ActionStatus,
    ExpectedEffect,
    FishboneHeading,
    OfiRef,
    People,
    Plan,
    PlanAction,
    PlanError,
    PlanState,
    Verdict,
    create_plan,
    get_plan,
    people_of,
    remove_plan,
    update_plan,
)
from assessor.repositories import PerformanceData
from assessor.storage.store import Store
from tests.factories import gen_kpi, gen_plan

S = PlanState
MANAGER, LEADER, MEMBER = (frozenset({OrgRole.MANAGER}), frozenset({OrgRole.LEADER}),
                           frozenset({OrgRole.MEMBER}))
NOBODY: frozenset[OrgRole] = frozenset()
OFI = OfiRef("a1", "4.2.3", "s1")
NOW = "2026-02-01T09:00:00+00:00"


@pytest.fixture
def store(domain_store: Store) -> Store:
    """The domain alone, without an app (conftest's `org` and `data` are in it)."""
    return domain_store


def trail(data: PerformanceData) -> list[str]:
    return [entry.action for entry in data.audit.read().entries]


# -- content ------------------------------------------------------------------------------------

def test_a_plan_keeps_its_ofis_by_id_its_analysis_and_expected_effects(
        store: Store, org: str, data: PerformanceData) -> None:
    kpi = gen_kpi(store, org, "LT")
    plan = create_plan(data, "ann", MEMBER, {
        "title": " Shorter lead times ", "objective": "Halve it", "ofis": [OFI, OFI],
        "items": ["4.2.3", "4.2.3", "4.5.2"], "whys": ["Late parts", " ", "No forecast"],
        "fishbone": {"methods": " No standard work", "people": "  "},
        "effects": [ExpectedEffect(kpi.id, 30, 15, "2026-12-31")]}, now=NOW)
    stored = get_plan(data.read(), plan.id)
    assert stored == plan
    assert (plan.title, plan.owner, plan.state, plan.revision) == (
        "Shorter lead times", "ann", S.DRAFT, 1)
    assert plan.ofis == (OFI,) and plan.items == ("4.2.3", "4.5.2")
    assert plan.whys == ("Late parts", "No forecast")
    assert plan.fishbone == ((FishboneHeading.METHODS, "No standard work"),)
    assert hash(plan)  # a record like every other
    assert plan.effects == (ExpectedEffect(kpi.id, 30.0, 15.0, "2026-12-31"),)
    entry = data.audit.read().entries[-1]
    assert (entry.user, entry.action, entry.detail["plan"]) == ("ann", "plan_created", plan.id)


@pytest.mark.parametrize(("values", "code", "field"), [
    ({"title": " "}, "plan_field_required", "title"),
    ({"title": "x" * 201}, "plan_field_too_long", "title"),
    ({"colour": "red"}, "plan_field_unknown", "colour"),
    ({"state": "approved"}, "plan_field_unknown", "state"),
    ({"items": ["9.9.9"]}, "plan_item_invalid", "items"),
    ({"whys": ["why"] * 11}, "plan_too_many_whys", "whys"),
    ({"fishbone": {"money": "tight"}}, "plan_fishbone_heading_unknown", "fishbone"),
    ({"ofis": [OfiRef("a1", "4.2.3", "")]}, "plan_ofi_invalid", "ofis"),
    ({"source_kpi": "nokpi"}, "plan_kpi_unknown", "source_kpi"),
    ({"effects": [ExpectedEffect("nokpi", 1, 2, "2026-12-31")]}, "plan_kpi_unknown",
     "effects"),
    ({"effects": [{"kpi": "k", "now": 1}]}, "plan_effect_invalid", "effects"),
    ({"sponsor": "bob"}, "plan_sponsor_not_leader", "sponsor"),
    ({"owner": "nobody"}, "plan_user_unknown", "owner"),
])
def test_content_that_cannot_be_stored_is_refused_naming_the_field(
        data: PerformanceData, values: dict, code: str, field: str) -> None:
    people = People(usernames={"ann", "bob", "lee"}, leaders={"lee"})
    with pytest.raises(PlanError) as refused:
        create_plan(data, "ann", MANAGER, {"title": "T", **values}, people=people)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert data.read().plans == {}


def test_the_people_named_on_plans_are_the_organizations(store: Store, org: str,
                                                         data: PerformanceData) -> None:
    store.organizations.add_member(org, "lee", OrgRole.LEADER)
    store.organizations.add_member(org, "ann", OrgRole.MEMBER)
    people = people_of(store.organizations.members(org))
    assert people.leaders == {"lee"} and {"lee", "ann"} <= set(people.usernames or ())
    plan = create_plan(data, "ann", MEMBER, {"title": "T", "sponsor": "lee"}, people=people)
    with pytest.raises(PlanError) as refused:
        update_plan(data, "ann", MEMBER, plan.id, {"sponsor": "ann"}, people=people)
    assert refused.value.code == "plan_sponsor_not_leader"


def test_effects_need_numbers_and_a_date(store: Store, org: str, data: PerformanceData) -> None:
    kpi = gen_kpi(store, org, "LT")
    for effect, code in ((ExpectedEffect(kpi.id, "a", 2, "2026-12-31"), "plan_not_a_number"),
                         (ExpectedEffect(kpi.id, 1, 2, "2026-13-01"), "plan_date_invalid")):
        with pytest.raises(PlanError) as refused:
            create_plan(data, "ann", MANAGER, {"title": "T", "effects": [effect]})
        assert refused.value.code == code


def test_content_is_edited_only_as_a_draft_and_only_by_managers_and_the_owner(
        store: Store, org: str, data: PerformanceData) -> None:
    plan = gen_plan(store, org, owner="ann")
    edited = update_plan(data, "ann", MEMBER, plan.id, {"objective": "Halve the lead time "
                                                        "by June"}, expected_revision=2)
    assert edited.revision == 3 and trail(data)[-1] == "plan_changed"
    with pytest.raises(PlanError) as refused:
        update_plan(data, "bob", MEMBER, plan.id, {"objective": "Mine"})
    assert refused.value.code == "plan_not_allowed"
    assert refused.value.data["who"] == ["manager", "owner"]
    with pytest.raises(StaleRecord):
        update_plan(data, "ann", MEMBER, plan.id, {"objective": "Late"}, expected_revision=2)
    move_plan(data, "ann", MEMBER, plan.id, S.SUBMITTED)
    with pytest.raises(PlanError) as refused:
        update_plan(data, "mgr", MANAGER, plan.id, {"objective": "After submitting"})
    assert refused.value.data == {"field": None, "state": "submitted"}


def test_a_member_creates_only_plans_they_own(data: PerformanceData) -> None:
    with pytest.raises(PlanError) as refused:
        create_plan(data, "ann", MEMBER, {"title": "T", "owner": "bob"})
    assert refused.value.code == "plan_not_allowed"
    with pytest.raises(PlanError):
        create_plan(data, "ann", NOBODY, {"title": "T"})  # not of the organization
    assert create_plan(data, "mgr", MANAGER, {"title": "T", "owner": "bob"}).owner == "bob"


def test_only_a_draft_never_submitted_is_removed(store: Store, org: str,
                                                 data: PerformanceData) -> None:
    draft = gen_plan(store, org, owner="ann")
    with pytest.raises(PlanError) as refused:
        remove_plan(data, "bob", MEMBER, draft.id)
    assert refused.value.code == "plan_not_allowed"
    remove_plan(data, "ann", MEMBER, draft.id)
    assert draft.id not in data.read().plans and trail(data)[-1] == "plan_removed"
    returned = gen_plan(store, org, state="submitted", owner="ann")
    move_plan(data, "lee", LEADER, returned.id, S.DRAFT, comment="Rework")
    with pytest.raises(PlanError) as refused:
        remove_plan(data, "ann", MEMBER, returned.id)
    assert refused.value.code == "plan_locked"
    with pytest.raises(PlanError) as refused:
        remove_plan(data, "ann", MEMBER, "nosuchplan")
    assert refused.value.code == "plan_unknown"


# -- the state machine --------------------------------------------------------------------------

ALLOWED = {(S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.APPROVED), (S.SUBMITTED, S.DRAFT),
           (S.APPROVED, S.DOING), (S.DOING, S.CHECKING), (S.CHECKING, S.CLOSED),
           (S.CHECKING, S.CONTINUED)}
LEADERS_MOVES = {(S.SUBMITTED, S.APPROVED), (S.SUBMITTED, S.DRAFT), (S.CHECKING, S.CLOSED)}


def test_the_table_is_the_reference_state_machine() -> None:
    assert set(MOVES) == ALLOWED
    assert {key for key, move in MOVES.items() if move.leaders_only} == LEADERS_MOVES
    assert next_states(S.CHECKING) == [S.CLOSED, S.CONTINUED]
    assert next_states(S.CLOSED) == next_states(S.CONTINUED) == []


def _ready(store: Store, org: str, data: PerformanceData, state: PlanState) -> Plan:
    """A plan in `state`, with a verdict when it is being checked."""
    plan = gen_plan(store, org, state=state.value, owner="ann")
    if state is S.CHECKING:
        plan = record_verdict(data, "ann", MEMBER, plan.id, Verdict.PARTLY, "Half way")
    return plan


def _mover(start: PlanState, to: PlanState) -> tuple[str, frozenset[OrgRole]]:
    return ("lee", LEADER) if (start, to) in LEADERS_MOVES else ("ann", MEMBER)


@pytest.mark.parametrize("start", list(S))
@pytest.mark.parametrize("to", list(S))
def test_every_move_is_allowed_or_refused_by_the_state(
        store: Store, org: str, data: PerformanceData, start: PlanState,
        to: PlanState) -> None:
    plan = _ready(store, org, data, start)
    user, roles = _mover(start, to)
    if (start, to) in ALLOWED:
        moved = move_plan(data, user, roles, plan.id, to, comment="Because", now=NOW)
        assert moved.state is to
        decision = moved.decisions[-1]
        assert (decision.by, decision.at, decision.from_state, decision.to_state,
                decision.comment) == (user, NOW, start, to, "Because")
        entry = data.audit.read().entries[-1 if to is not S.CONTINUED else -2]
        assert (entry.user, entry.action) == (user, "plan_moved")
        assert (entry.detail["from"], entry.detail["to"], entry.detail["move"]) == (
            start.value, to.value, MOVES[start, to].name)
    else:
        with pytest.raises(PlanError) as refused:
            move_plan(data, user, roles, plan.id, to, comment="Because")
        assert refused.value.code == "plan_transition_refused"
        assert refused.value.data["from"] == start.value
        assert refused.value.data["to"] == to.value
        assert refused.value.data["allowed"] == [s.value for s in next_states(start)]
        assert get_plan(data.read(), plan.id) == plan


@pytest.mark.parametrize(("start", "to"), sorted(ALLOWED))
@pytest.mark.parametrize("who", ["manager", "owner", "leader", "member", "action_owner",
                                 "stranger"])
def test_who_may_make_each_move(store: Store, org: str, data: PerformanceData,
                                start: PlanState, to: PlanState, who: str) -> None:
    plan = _ready(store, org, data, start)
    user, roles = {"manager": ("mgr", MANAGER), "owner": ("ann", MEMBER),
                   "leader": ("lee", LEADER), "member": ("bob", MEMBER),
                   "action_owner": ("ann2", MEMBER), "stranger": ("zed", NOBODY)}[who]
    expected = who == "leader" if (start, to) in LEADERS_MOVES else who in ("manager",
                                                                            "owner")
    assert may_move(plan, to, user, roles) is expected
    assert (to in moves_open_to(plan, user, roles)) is expected
    if expected:
        assert move_plan(data, user, roles, plan.id, to, comment="c").state is to
    else:
        with pytest.raises(PlanError) as refused:
            move_plan(data, user, roles, plan.id, to, comment="c")
        assert refused.value.code == "plan_not_allowed"
        assert refused.value.data["who"] == who_may(MOVES[start, to])
        assert get_plan(data.read(), plan.id).state is start


def test_a_leader_returns_with_a_comment_and_the_owner_resubmits(
        store: Store, org: str, data: PerformanceData) -> None:
    plan = gen_plan(store, org, state="submitted", owner="ann")
    with pytest.raises(PlanError) as refused:
        move_plan(data, "lee", LEADER, plan.id, S.DRAFT, comment="  ")
    assert refused.value.code == "plan_comment_required"
    returned = move_plan(data, "lee", LEADER, plan.id, S.DRAFT, comment="Which KPI?")
    assert returned.state is S.DRAFT and returned.decisions[-1].comment == "Which KPI?"
    update_plan(data, "ann", MEMBER, plan.id, {"objective": "Lead time 30 → 15 days"})
    move_plan(data, "ann", MEMBER, plan.id, S.SUBMITTED)
    approved = move_plan(data, "lee", LEADER, plan.id, S.APPROVED)
    assert [(d.from_state, d.to_state) for d in approved.decisions] == [
        (S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.DRAFT), (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.APPROVED)]


def test_a_plan_is_submitted_only_when_complete(data: PerformanceData) -> None:
    plan = create_plan(data, "ann", MEMBER, {"title": "T"})
    assert missing_for_submission(plan) == ["objective", "sponsor", "actions"]
    add_action(data, "ann", MEMBER, plan.id, "Do it")
    with pytest.raises(PlanError) as refused:
        move_plan(data, "ann", MEMBER, plan.id, S.SUBMITTED)
    assert refused.value.code == "plan_incomplete"
    assert refused.value.data["missing"] == ["objective", "sponsor", "action_owner",
                                             "action_due"]


def test_closing_and_continuing_need_a_verdict(store: Store, org: str,
                                               data: PerformanceData) -> None:
    plan = gen_plan(store, org, state="checking", owner="ann")
    for user, roles, to in (("lee", LEADER, S.CLOSED), ("ann", MEMBER, S.CONTINUED)):
        with pytest.raises(PlanError) as refused:
            move_plan(data, user, roles, plan.id, to)
        assert refused.value.code == "plan_verdict_missing"


def test_the_verdict_is_recorded_with_a_comment_while_checking(
        store: Store, org: str, data: PerformanceData) -> None:
    doing = gen_plan(store, org, state="doing", owner="ann")
    with pytest.raises(PlanError) as refused:
        record_verdict(data, "ann", MEMBER, doing.id, "effective", "Too early")
    assert refused.value.code == "plan_not_checking"
    checking = gen_plan(store, org, state="checking", owner="ann")
    for verdict, comment, code in (("great", "c", "plan_verdict_unknown"),
                                   ("partly", " ", "plan_comment_required")):
        with pytest.raises(PlanError) as refused:
            record_verdict(data, "ann", MEMBER, checking.id, verdict, comment)
        assert refused.value.code == code
    with pytest.raises(PlanError) as refused:
        record_verdict(data, "lee", LEADER, checking.id, "partly", "Not mine to say")
    assert refused.value.code == "plan_not_allowed"
    plan = record_verdict(data, "ann", MEMBER, checking.id, "partly", "Half way", now=NOW)
    assert plan.verdict is not None
    assert (plan.verdict.verdict, plan.verdict.comment, plan.verdict.by, plan.verdict.at) == (
        Verdict.PARTLY, "Half way", "ann", NOW)
    assert trail(data)[-1] == "plan_verdict"


def test_closing_records_the_new_standard_practice(store: Store, org: str,
                                                   data: PerformanceData) -> None:
    plan = _ready(store, org, data, S.CHECKING)
    closed = move_plan(data, "lee", LEADER, plan.id, S.CLOSED,
                       standards=["SOP-12 Kitting", " ", "SOP-12  Kitting", "Form F-3"])
    assert closed.standards == ("SOP-12 Kitting", "Form F-3")
    assert data.audit.read().entries[-1].detail["standards"] == list(closed.standards)


def test_continuing_opens_the_next_plan_linked_both_ways_with_the_lessons(
        store: Store, org: str, data: PerformanceData) -> None:
    kpi = gen_kpi(store, org, "LT")
    plan = gen_plan(store, org, state="doing", owner="ann", ofis=[OFI], items=["4.2.3"],
                    whys=["Late parts"], effects=[ExpectedEffect(kpi.id, 30, 15, "2026-12-31")])
    add_action(data, "ann", MEMBER, plan.id, "Second supplier", "bob", "2026-05-01")
    update_action(data, "ann", MEMBER, plan.id, "A1", {"status": "done"})
    add_note(data, "bob", MEMBER, plan.id, "A2", "Talks started")
    move_plan(data, "ann", MEMBER, plan.id, S.CHECKING)
    record_verdict(data, "ann", MEMBER, plan.id, "partly", "Parts still late in winter")
    continued = move_plan(data, "ann", MEMBER, plan.id, S.CONTINUED, now=NOW)
    records = data.read()
    following = records.plans[continued.continued_by]  # type: ignore[index]
    assert continued.state is S.CONTINUED and following.continues == plan.id
    assert following.state is S.DRAFT and following.decisions == ()
    assert following.verdict is None and following.revision == 1
    assert (following.title, following.objective, following.owner, following.sponsor) == (
        plan.title, plan.objective, "ann", "leader")
    assert (following.ofis, following.items, following.whys, following.effects) == (
        plan.ofis, plan.items, plan.whys, plan.effects)
    assert following.lessons == "Parts still late in winter"
    assert following.actions == (PlanAction("A1", "Second supplier", "bob", "2026-05-01"),)
    assert trail(data)[-2:] == ["plan_moved", "plan_created"]
    assert data.audit.read().entries[-1].detail["continues"] == plan.id


def test_two_people_moving_the_same_plan_at_once_lose_nothing(
        store: Store, org: str) -> None:
    plan = gen_plan(store, org, state="submitted", owner="ann")
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def decide(to: PlanState) -> None:
        data = Store(store.root).organization_data(org)
        barrier.wait()
        try:
            move_plan(data, "lee", LEADER, plan.id, to, comment="No",
                      expected_revision=plan.revision)
            outcomes.append(f"moved {to.value}")
        except StaleRecord:
            outcomes.append("stale")

    threads = [threading.Thread(target=decide, args=(to,)) for to in (S.APPROVED, S.DRAFT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = get_plan(store.organization_data(org).read(), plan.id)
    assert sorted(outcomes)[1] == "stale" and outcomes.count("stale") == 1
    assert len(stored.decisions) == len(plan.decisions) + 1
    assert f"moved {stored.state.value}" in outcomes
    assert trail(store.organization_data(org)).count("plan_moved") == len(stored.decisions)


def test_without_a_revision_the_second_of_two_same_moves_is_refused_by_the_state(
        store: Store, org: str) -> None:
    plan = gen_plan(store, org, state="submitted", owner="ann")
    results: list[str] = []

    def approve() -> None:
        try:
            move_plan(Store(store.root).organization_data(org), "lee", LEADER, plan.id,
                      S.APPROVED)
            results.append("approved")
        except PlanError as error:
            results.append(error.code)

    threads = [threading.Thread(target=approve) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["approved"] + ["plan_transition_refused"] * 3
    assert len(get_plan(store.organization_data(org).read(), plan.id).decisions) == 2


# -- actions ------------------------------------------------------------------------------------

def test_actions_are_numbered_worked_on_and_noted(store: Store, org: str,
                                                  data: PerformanceData) -> None:
    plan = gen_plan(store, org, state="doing", owner="ann")
    action = add_action(data, "ann", MEMBER, plan.id, " Train the buyers ", "bob",
                        "2026-04-30")
    assert action == PlanAction("A2", "Train the buyers", "bob", "2026-04-30")
    doing = update_action(data, "bob", MEMBER, plan.id, "A2", {"status": "doing"})
    assert doing.status is ActionStatus.DOING
    note = add_note(data, "bob", MEMBER, plan.id, "A2", "First session held", now=NOW)
    stored = get_plan(data.read(), plan.id).action("A2")
    assert stored.notes == (note,) and (note.by, note.at) == ("bob", NOW)
    assert trail(data)[-3:] == ["plan_action_added", "plan_action_changed",
                                "plan_action_note"]
    assert data.audit.read().entries[-2].detail == {"plan": plan.id, "action_id": "A2",
                                                    "status": "doing"}


def test_an_action_owner_changes_only_the_status_of_their_own_action(
        store: Store, org: str, data: PerformanceData) -> None:
    plan = gen_plan(store, org, state="doing", owner="ann")
    add_action(data, "ann", MEMBER, plan.id, "Train", "bob", "2026-04-30")
    for user, action_id, values in (("bob", "A2", {"due": "2026-12-31"}),
                                    ("bob", "A1", {"status": "done"}),
                                    ("zed", "A2", {"status": "done"})):
        with pytest.raises(PlanError) as refused:
            update_action(data, user, MEMBER, plan.id, action_id, values)
        assert refused.value.code == "plan_not_allowed"
    with pytest.raises(PlanError):
        add_note(data, "zed", MEMBER, plan.id, "A2", "Not mine")
    assert update_action(data, "mgr", MANAGER, plan.id, "A2", {"due": "2026-12-31"}).due \
        == "2026-12-31"


@pytest.mark.parametrize(("values", "code"), [
    ({"status": "finished"}, "plan_action_status_unknown"),
    ({"due": "31.12.2026"}, "plan_date_invalid"),
    ({"text": " "}, "plan_field_required"),
    ({"priority": 1}, "plan_field_unknown"),
])
def test_action_changes_are_checked(store: Store, org: str, data: PerformanceData,
                                    values: dict, code: str) -> None:
    plan = gen_plan(store, org, state="doing", owner="ann")
    with pytest.raises(PlanError) as refused:
        update_action(data, "ann", MEMBER, plan.id, "A1", values)
    assert refused.value.code == code
    with pytest.raises(PlanError) as refused:
        update_action(data, "ann", MEMBER, plan.id, "A9", {"status": "done"})
    assert refused.value.code in ("plan_action_unknown", code)


@pytest.mark.parametrize("state", list(S))
def test_actions_change_until_checking_and_notes_until_the_end(
        store: Store, org: str, data: PerformanceData, state: PlanState) -> None:
    plan = _ready(store, org, data, state)
    actions_open = state in (S.DRAFT, S.APPROVED, S.DOING)
    notes_open = actions_open or state is S.CHECKING
    for open_, attempt in (
            (actions_open, lambda: add_action(data, "ann", MEMBER, plan.id, "More")),
            (actions_open, lambda: update_action(data, "ann", MEMBER, plan.id, "A1",
                                                 {"status": "doing"})),
            (notes_open, lambda: add_note(data, "ann", MEMBER, plan.id, "A1", "Note"))):
        if open_:
            attempt()
        else:
            with pytest.raises(PlanError) as refused:
                attempt()
            assert refused.value.code == "plan_actions_closed"


def test_overdue_actions_are_those_not_finished_past_their_due_day() -> None:
    due = PlanAction("A1", "x", due="2026-03-31")
    assert not due.is_overdue(date(2026, 3, 31)) and due.is_overdue(date(2026, 4, 1))
    for status in (ActionStatus.DONE, ActionStatus.DROPPED):
        assert not replace(due, status=status).is_overdue(date(2027, 1, 1))
    assert replace(due, status=ActionStatus.DOING).is_overdue(date(2026, 4, 1))
    assert not PlanAction("A2", "no due day").is_overdue(date(2099, 1, 1))
    late = date(2026, 4, 1)
    assert [state for state in S if Plan("p", "T", state=state, actions=(due,)).is_overdue(
        due, late)] == [S.APPROVED, S.DOING]


# -- access -------------------------------------------------------------------------------------

def test_plan_rights_by_organization_role() -> None:
    assert ORG_RULES[OrgAction.VIEW_PLANS] == MANAGER | LEADER | MEMBER
    assert ORG_RULES[OrgAction.EDIT_ANY_PLAN] == MANAGER
    assert ORG_RULES[OrgAction.DECIDE_PLANS] == LEADER
    assert may_edit_plan("mgr", MANAGER, "ann") and may_edit_plan("ann", MEMBER, "ann")
    assert not may_edit_plan("bob", MEMBER, "ann") and not may_edit_plan("lee", LEADER, "ann")
    assert not may_edit_plan("", MEMBER, "") and not may_edit_plan("ann", NOBODY, "ann")
    assert may_decide_plans(LEADER) and not may_decide_plans(MANAGER | MEMBER)


# -- the people named on a plan are the organization's -------------------------------------------
PEOPLE = People(usernames={"mgr", "ann", "lee"}, leaders={"lee"})  # "gone" holds no role


def test_owners_and_action_owners_are_of_the_organizations_people(data: PerformanceData
                                                                   ) -> None:
    # Someone of no role in the organization could not open the plan they would own.
    for values in ({"owner": "gone"}, {"owner": "ann", "sponsor": "gone"}):
        with pytest.raises(PlanError) as refused:
            create_plan(data, "mgr", MANAGER, {"title": "T", **values}, people=PEOPLE)
        assert (refused.value.code, refused.value.data["value"]) == ("plan_user_unknown",
                                                                     "gone")
    plan = create_plan(data, "mgr", MANAGER, {"title": "T", "owner": "ann"}, people=PEOPLE)
    with pytest.raises(PlanError) as refused:
        update_plan(data, "mgr", MANAGER, plan.id, {"owner": "gone"}, people=PEOPLE)
    assert (refused.value.code, refused.value.field) == ("plan_user_unknown", "owner")
    usernames = frozenset(PEOPLE.usernames or ())
    with pytest.raises(PlanError) as refused:
        add_action(data, "mgr", MANAGER, plan.id, "Map it", "gone", None, usernames)
    assert (refused.value.code, refused.value.field) == ("plan_user_unknown", "owner")
    action = add_action(data, "mgr", MANAGER, plan.id, "Map it", "ann", None, usernames)
    with pytest.raises(PlanError) as refused:
        update_action(data, "mgr", MANAGER, plan.id, action.id, {"owner": "gone"}, usernames)
    assert refused.value.code == "plan_user_unknown"
    assert get_plan(data.read(), plan.id).owner == "ann"
    assert get_plan(data.read(), plan.id).action(action.id).owner == "ann"


def test_a_plan_whose_people_have_left_the_organization_stays_editable(
        data: PerformanceData) -> None:
    # Named before they lost their role (or before the check): the plan and its actions are
    # edited as ever; only naming someone anew asks for one of the organization's people.
    plan = create_plan(data, "mgr", MANAGER, {"title": "T", "owner": "gone",
                                              "sponsor": "old"})
    action = add_action(data, "mgr", MANAGER, plan.id, "Map it", "gone", None)
    usernames = frozenset(PEOPLE.usernames or ())
    edited = update_plan(data, "mgr", MANAGER, plan.id,
                         {"title": "Renamed", "owner": "gone", "sponsor": "old"},
                         people=PEOPLE)
    assert (edited.title, edited.owner, edited.sponsor) == ("Renamed", "gone", "old")
    changed = update_action(data, "mgr", MANAGER, plan.id, action.id,
                            {"text": "Map the process", "owner": "gone"}, usernames)
    assert (changed.text, changed.owner) == ("Map the process", "gone")
    update_plan(data, "mgr", MANAGER, plan.id, {"owner": "ann"}, people=PEOPLE)
    with pytest.raises(PlanError) as refused:  # and once changed, not back
        update_plan(data, "mgr", MANAGER, plan.id, {"owner": "gone"}, people=PEOPLE)
    assert refused.value.code == "plan_user_unknown"
