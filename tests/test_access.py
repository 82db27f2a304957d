"""The permission table, in-process: each role's rights per phase and per assigned item."""

from __future__ import annotations

import pytest

from assessor.access import (
    PHASE_ORDER,
    RULES,
    Action,
    Member,
    OrgRole,
    Phase,
    Role,
    permits,
    permitted_actions,
    with_organization_roles,
)

ITEM, OTHER_ITEM = "4.1.2", "4.1.3"


def member(*roles: Role, assigned: tuple[str, ...] = (ITEM,), lead: bool = False) -> Member:
    return Member("someone", frozenset(roles),
                  {role: frozenset(assigned) for role in roles}, consensus_lead=lead)


@pytest.mark.parametrize("phase", PHASE_ORDER)
def test_writers_write_only_their_items_and_only_while_writing(phase: Phase) -> None:
    writer = member(Role.WRITER)
    assert permits(writer, Action.WRITE_ANSWERS, phase, ITEM) is (phase is Phase.WRITING)
    assert not permits(writer, Action.WRITE_ANSWERS, phase, OTHER_ITEM)


@pytest.mark.parametrize("phase", PHASE_ORDER)
def test_examiners_score_only_their_items_and_only_in_review(phase: Phase) -> None:
    examiner = member(Role.EXAMINER)
    assert permits(examiner, Action.SCORE, phase, ITEM) is (phase is Phase.REVIEW)
    assert not permits(examiner, Action.SCORE, phase, OTHER_ITEM)
    assert not permits(examiner, Action.WRITE_ANSWERS, phase, ITEM)


def test_the_coordinator_writes_any_item_while_writing_but_never_scores() -> None:
    coordinator = member(Role.COORDINATOR, assigned=())
    assert permits(coordinator, Action.WRITE_ANSWERS, Phase.WRITING, OTHER_ITEM)
    assert not any(permits(coordinator, Action.SCORE, phase, ITEM) for phase in PHASE_ORDER)


def test_calibration_is_for_the_coordinators_eyes_only() -> None:
    for role in (Role.WRITER, Role.EXAMINER, Role.LEADER):
        assert not any(permits(member(role), Action.VIEW_CALIBRATION, phase)
                       for phase in PHASE_ORDER)
    assert permits(member(Role.COORDINATOR), Action.VIEW_CALIBRATION, Phase.CONSENSUS)


def test_the_consensus_lead_sets_consensus_and_key_factors_without_coordinating() -> None:
    lead = member(Role.EXAMINER, lead=True)
    assert permits(lead, Action.SET_CONSENSUS, Phase.CONSENSUS)
    assert not permits(lead, Action.SET_CONSENSUS, Phase.REVIEW)
    assert permits(lead, Action.EDIT_KEY_FACTORS, Phase.REVIEW)
    assert not permits(member(Role.EXAMINER), Action.SET_CONSENSUS, Phase.CONSENSUS)
    assert not permits(lead, Action.MANAGE, Phase.CONSENSUS)
    assert permits(lead, Action.VIEW_REPORT, Phase.CONSENSUS)  # the draft built from their work
    former_examiner = Member("someone", frozenset({Role.WRITER}), consensus_lead=True)
    assert not permits(former_examiner, Action.SET_CONSENSUS, Phase.CONSENSUS)


@pytest.mark.parametrize("role", list(Role))
def test_the_report_is_a_draft_for_coordinators_and_leaders_then_open_to_all(role: Role) -> None:
    readers_of_draft = {Role.COORDINATOR, Role.LEADER}
    assert permits(member(role), Action.VIEW_REPORT, Phase.CONSENSUS) is (role in readers_of_draft)
    assert permits(member(role), Action.VIEW_REPORT, Phase.FEEDBACK)
    assert not permits(member(role), Action.VIEW_REPORT, Phase.REVIEW)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("phase", PHASE_ORDER)
def test_someone_without_a_role_may_do_nothing(action: Action, phase: Phase) -> None:
    assert not permits(Member("stranger", frozenset()), action, phase, ITEM)


def test_every_action_has_a_rule() -> None:
    assert set(RULES) == set(Action)


def test_permitted_actions_count_assigned_items() -> None:
    examiner = member(Role.EXAMINER)
    assert Action.SCORE in permitted_actions(examiner, Phase.REVIEW)
    assert Action.SCORE not in permitted_actions(member(Role.EXAMINER, assigned=()),
                                                 Phase.REVIEW)


def test_a_rule_may_name_organization_roles() -> None:
    """Targets: the cycle's coordinator, or the organization's manager without a role in the
    cycle; an organization leader reads the cycle but sets no targets."""
    manager = with_organization_roles(Member("m", frozenset()), frozenset({OrgRole.MANAGER}))
    leader = with_organization_roles(Member("l", frozenset()), frozenset({OrgRole.LEADER}))
    for phase in Phase:
        assert permits(manager, Action.SET_TARGETS, phase)
        assert not permits(leader, Action.SET_TARGETS, phase)
        assert permits(Member("c", frozenset({Role.COORDINATOR})), Action.SET_TARGETS, phase)
    assert not permits(manager, Action.MANAGE, Phase.WRITING)  # only where a rule says so
