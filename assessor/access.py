"""Who may do what, in which phase of an assessment: one table, checked on the server.

Every view asks `permits(member, action, phase, item_id)`; the table below is the whole policy,
so it can be read, reviewed and tested in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .kpis import Kpi


class Role(StrEnum):
    COORDINATOR = "coordinator"  # the quality manager: sets up, assigns, opens and closes phases
    WRITER = "writer"  # the assessment team: answers the questions of assigned items
    EXAMINER = "examiner"  # scores assigned items, alone first, then in consensus
    LEADER = "leader"  # reads everything, reviews and approves


class OrgRole(StrEnum):
    """A person's place in an organization, across its cycles."""

    MANAGER = "manager"  # the quality manager: creates cycles, manages the organization's people
    LEADER = "leader"  # reads everything of the organization, approves plans
    MEMBER = "member"  # reads what is shared with the organization


class Phase(StrEnum):
    """The phases; people read them by name in their language (i18n.phase_name)."""

    WRITING = "writing"
    REVIEW = "review"  # independent review
    CONSENSUS = "consensus"
    FEEDBACK = "feedback"  # closed: the feedback report is out


PHASE_ORDER = (Phase.WRITING, Phase.REVIEW, Phase.CONSENSUS, Phase.FEEDBACK)


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
    VIEW_GAPS = "view_gaps"  # the gap report: consensus against targets, cycle over cycle
    SET_TARGETS = "set_targets"


ALL_PHASES = frozenset(PHASE_ORDER)
AFTER_WRITING = frozenset({Phase.REVIEW, Phase.CONSENSUS, Phase.FEEDBACK})
C, W, E, L = Role.COORDINATOR, Role.WRITER, Role.EXAMINER, Role.LEADER


@dataclass(frozen=True, slots=True)
class Rule:
    roles_by_phase: Mapping[Phase, frozenset[Role]]
    assigned_only: frozenset[Role] = frozenset()  # these roles act only on their items
    consensus_lead: bool = False  # the designated consensus lead may too, in those phases
    # These organization roles may too, in those phases, without a role in the cycle.
    org_roles: frozenset[OrgRole] = frozenset()


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
    # Who may read the consensus may read where it falls short of the targets.
    Action.VIEW_GAPS: rule({C, E, L}, frozenset({Phase.CONSENSUS, Phase.FEEDBACK})),
    Action.SET_TARGETS: rule({C}, ALL_PHASES, org_roles=frozenset({OrgRole.MANAGER})),
}


@dataclass(frozen=True, slots=True)
class Member:
    """One user's place in one assessment: roles, assigned items per role, consensus lead."""

    username: str
    roles: frozenset[Role]
    assigned: Mapping[Role, frozenset[str]] = field(default_factory=dict)
    consensus_lead: bool = False
    org_roles: frozenset[OrgRole] = frozenset()  # in the cycle's organization

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
    if member.org_roles & rule.org_roles:
        return True
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


# -- the organization level: beside the assessment roles, for what outlives one cycle ----------


class OrgAction(StrEnum):
    CREATE_CYCLE = "create_cycle"
    MANAGE_PEOPLE = "manage_people"  # give and take organization roles
    VIEW_ALL_CYCLES = "view_all_cycles"  # every cycle, without a role in it
    VIEW_PERFORMANCE = "view_performance"  # units, strategy, KPIs, measurements, feedback
    EDIT_UNITS = "edit_units"
    EDIT_STRATEGY = "edit_strategy"  # mission, vision, values, objectives and their links
    EDIT_KPIS = "edit_kpis"  # the register: create, change, remove, import
    ENTER_ANY_MEASUREMENTS = "enter_any_measurements"  # owners enter their own KPIs' values
    VIEW_PLANS = "view_plans"  # improvement plans, their actions, decisions and Check
    EDIT_ANY_PLAN = "edit_any_plan"  # create, edit and move any plan; owners their own
    DECIDE_PLANS = "decide_plans"  # approve, return and close plans
    VIEW_DASHBOARD = "view_dashboard"  # the leadership dashboard: plans, KPIs, gaps at a glance
    VIEW_AUDIT = "view_audit"  # the organization's audit trail: roles, units, KPIs, plans


ORG_RULES: Mapping[OrgAction, frozenset[OrgRole]] = {
    OrgAction.CREATE_CYCLE: frozenset({OrgRole.MANAGER}),
    OrgAction.MANAGE_PEOPLE: frozenset({OrgRole.MANAGER}),
    OrgAction.VIEW_ALL_CYCLES: frozenset({OrgRole.MANAGER, OrgRole.LEADER}),
    OrgAction.VIEW_PERFORMANCE: frozenset({OrgRole.MANAGER, OrgRole.LEADER, OrgRole.MEMBER}),
    OrgAction.EDIT_UNITS: frozenset({OrgRole.MANAGER}),
    OrgAction.EDIT_STRATEGY: frozenset({OrgRole.MANAGER}),
    OrgAction.EDIT_KPIS: frozenset({OrgRole.MANAGER}),
    OrgAction.ENTER_ANY_MEASUREMENTS: frozenset({OrgRole.MANAGER}),
    OrgAction.VIEW_PLANS: frozenset({OrgRole.MANAGER, OrgRole.LEADER, OrgRole.MEMBER}),
    OrgAction.EDIT_ANY_PLAN: frozenset({OrgRole.MANAGER}),
    OrgAction.DECIDE_PLANS: frozenset({OrgRole.LEADER}),
    OrgAction.VIEW_DASHBOARD: frozenset({OrgRole.MANAGER, OrgRole.LEADER}),
    OrgAction.VIEW_AUDIT: frozenset({OrgRole.MANAGER, OrgRole.LEADER}),
}


def permits_in_organization(roles: frozenset[OrgRole], action: OrgAction) -> bool:
    """Administrators hold no right here by being administrators: they create an organization
    and name its first manager, and see of it only what a role in it shows."""
    return bool(roles & ORG_RULES[action])


def may_enter_measurements(username: str, org_roles: frozenset[OrgRole], kpi: Kpi) -> bool:
    """Managers enter any KPI's values; a KPI's owner enters its own."""
    return permits_in_organization(org_roles, OrgAction.ENTER_ANY_MEASUREMENTS) \
        or (bool(username) and username == kpi.owner)


def may_accept_kpi(username: str, kpi: Kpi, superior: str) -> bool:
    """Only the parties to a KPI's standard accept it: its owner and the owner's superior."""
    return bool(username) and username in (kpi.owner, superior)


def may_reply_on_kpi(username: str, org_roles: frozenset[OrgRole], kpi: Kpi,
                     superior: str) -> bool:
    """The feedback thread on a KPI: its owner and superior, the managers and the leaders."""
    return bool(org_roles & {OrgRole.MANAGER, OrgRole.LEADER}) \
        or (bool(username) and username in (kpi.owner, superior))


def may_edit_plan(username: str, org_roles: frozenset[OrgRole], plan_owner: str) -> bool:
    """Managers create, edit and move (all but the leaders' decisions) any plan; someone of
    the organization, a plan they own."""
    return permits_in_organization(org_roles, OrgAction.EDIT_ANY_PLAN) \
        or (bool(username) and bool(org_roles) and username == plan_owner)


def may_decide_plans(org_roles: frozenset[OrgRole]) -> bool:
    """Only leaders approve, return and close plans."""
    return permits_in_organization(org_roles, OrgAction.DECIDE_PLANS)


def may_create_organization(is_admin: bool, open_to_all: bool) -> bool:
    """Administrators create organizations; a setting can open that to every signed-in user
    (who then becomes the new organization's manager)."""
    return is_admin or open_to_all


def with_organization_roles(member: Member, org_roles: frozenset[OrgRole]) -> Member:
    """The member with their roles in the cycle's organization: its managers and leaders read
    every cycle of it as a leader does, and rules may name organization roles too."""
    roles = member.roles
    if org_roles & ORG_RULES[OrgAction.VIEW_ALL_CYCLES]:
        roles = roles | {Role.LEADER}
    return Member(member.username or "", roles, member.assigned, member.consensus_lead,
                  frozenset(org_roles))
