"""Who may do what, in which phase of an assessment: one table, checked on the server.

Every view asks `permits(member, action, phase, item_id)`; the table below is the whole policy,
so it can be read, reviewed and tested in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    COORDINATOR = "coordinator"  # the quality manager: sets up, assigns, opens and closes phases
    WRITER = "writer"  # the assessment team: answers the questions of assigned items
    EXAMINER = "examiner"  # scores assigned items, alone first, then in consensus
    LEADER = "leader"  # reads everything, reviews and approves


class Phase(StrEnum):
    WRITING = "writing"
    REVIEW = "review"  # independent review
    CONSENSUS = "consensus"
    FEEDBACK = "feedback"  # closed: the feedback report is out

    @property
    def label(self) -> str:
        return PHASE_LABELS[self]


PHASE_ORDER = (Phase.WRITING, Phase.REVIEW, Phase.CONSENSUS, Phase.FEEDBACK)
PHASE_LABELS = {
    Phase.WRITING: "Writing",
    Phase.REVIEW: "Independent review",
    Phase.CONSENSUS: "Consensus",
    Phase.FEEDBACK: "Feedback (closed)",
}


class Action(StrEnum):
    VIEW = "view"  # overview, questions and answers
    WRITE_ANSWERS = "write_answers"
    MANAGE = "manage"  # team, assignments, phases, settings
    EDIT_KEY_FACTORS = "edit_key_factors"
    SCORE = "score"  # enter and submit one's own independent review
    VIEW_REVIEW_PROGRESS = "view_review_progress"
    REOPEN_REVIEW = "reopen_review"
    VIEW_CONSENSUS = "view_consensus"
    SET_CONSENSUS = "set_consensus"
    VIEW_CALIBRATION = "view_calibration"  # examiners' leniency: the coordinator's eyes only
    VIEW_REPORT = "view_report"
    VIEW_AUDIT = "view_audit"


ALL_PHASES = frozenset(PHASE_ORDER)
AFTER_WRITING = frozenset({Phase.REVIEW, Phase.CONSENSUS, Phase.FEEDBACK})
C, W, E, L = Role.COORDINATOR, Role.WRITER, Role.EXAMINER, Role.LEADER


@dataclass(frozen=True, slots=True)
class Rule:
    roles_by_phase: Mapping[Phase, frozenset[Role]]
    assigned_only: frozenset[Role] = frozenset()  # these roles act only on their items
    consensus_lead: bool = False  # the designated consensus lead may too, in those phases


def rule(roles: set[Role], phases: frozenset[Phase], **options: object) -> Rule:
    """The same roles in each of these phases."""
    return Rule({phase: frozenset(roles) for phase in phases}, **options)  # type: ignore[arg-type]


RULES: Mapping[Action, Rule] = {
    Action.VIEW: rule({C, W, E, L}, ALL_PHASES),
    Action.WRITE_ANSWERS: rule({C, W}, frozenset({Phase.WRITING}), assigned_only=frozenset({W})),
    Action.MANAGE: rule({C}, ALL_PHASES),
    Action.EDIT_KEY_FACTORS: rule({C}, frozenset(PHASE_ORDER[:3]), consensus_lead=True),
    Action.SCORE: rule({E}, frozenset({Phase.REVIEW}), assigned_only=frozenset({E})),
    Action.VIEW_REVIEW_PROGRESS: rule({C, E, L}, AFTER_WRITING),
    Action.REOPEN_REVIEW: rule({C}, frozenset({Phase.REVIEW})),
    Action.VIEW_CONSENSUS: rule({C, E, L}, frozenset({Phase.CONSENSUS, Phase.FEEDBACK})),
    Action.SET_CONSENSUS: rule({C}, frozenset({Phase.CONSENSUS}), consensus_lead=True),
    Action.VIEW_CALIBRATION: rule({C}, frozenset({Phase.CONSENSUS, Phase.FEEDBACK})),
    # A draft for the coordinator, leaders and the consensus lead; then out to everyone.
    Action.VIEW_REPORT: Rule({Phase.CONSENSUS: frozenset({C, L}),
                              Phase.FEEDBACK: frozenset({C, W, E, L})}, consensus_lead=True),
    Action.VIEW_AUDIT: rule({C, L}, ALL_PHASES),
}


@dataclass(frozen=True, slots=True)
class Member:
    """One user's place in one assessment: roles, assigned items per role, consensus lead."""

    username: str
    roles: frozenset[Role]
    assigned: Mapping[Role, frozenset[str]] = field(default_factory=dict)
    consensus_lead: bool = False

    def is_assigned(self, role: Role, item_id: str) -> bool:
        return item_id in self.assigned.get(role, frozenset())


NOBODY = Member(username="", roles=frozenset())


def permits(member: Member, action: Action, phase: Phase, item_id: str | None = None) -> bool:
    """Whether this member may take this action now (on this item, where it concerns one)."""
    rule = RULES[action]
    if phase not in rule.roles_by_phase:
        return False
    if rule.consensus_lead and member.consensus_lead and Role.EXAMINER in member.roles:
        return True  # the lead is one of the examiners; a former examiner is no lead
    for role in member.roles & rule.roles_by_phase[phase]:
        if role not in rule.assigned_only:
            return True
        if item_id is not None and member.is_assigned(role, item_id):
            return True
    return False


def permitted_actions(member: Member, phase: Phase) -> frozenset[Action]:
    """The actions open to this member in this phase on at least some item (for menus)."""
    return frozenset(
        action for action in Action
        if permits(member, action, phase)
        or any(permits(member, action, phase, item)
               for items in member.assigned.values() for item in items)
    )
