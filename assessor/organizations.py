"""Organizations and their assessment cycles: records that outlive one cycle.

An assessment is one cycle of one organization. Creating one (record, coordinator, audit event)
is one function here, which the page, the demo and the command line all call.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from .access import OrgAction, OrgRole, Role, permits_in_organization
from .clock import utc_now
from .errors import DomainError
from .repositories import AssessmentIndex, OrganizationRepository

MAX_NAME_CHARS = 200


class UnknownAssessment(KeyError):
    pass


class UnknownOrganization(KeyError):
    pass


class OrganizationError(DomainError):
    """A name or change that cannot be accepted: name_empty, name_too_long (limit),
    cycle_empty, last_manager."""


def may_name(person: str, people: Collection[str] | None, stored: str = "") -> bool:
    """Whether an organization's record (a KPI's or plan's owner, a unit's head, an objective's
    owner) may name `person`: nobody (""), one of the organization's `people` (any role in it:
    only they open its pages), or whoever the record names already (`stored`), even someone
    who has since left, so that older records stay editable. `people` None: not checked."""
    return people is None or not person or person in people or person == stored


@dataclass(frozen=True, slots=True)
class Organization:
    id: str
    name: str
    created_at: str


@dataclass(frozen=True, slots=True)
class AssessmentRecord:
    """What the index knows of an assessment (one cycle of one organization)."""

    id: str
    organization_id: str
    organization: str  # the organization's name, as pages show it
    cycle: str
    framework: str
    created_at: str


def clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise OrganizationError("name_empty")
    if len(name) > MAX_NAME_CHARS:
        raise OrganizationError("name_too_long", limit=MAX_NAME_CHARS)
    return name


def create_organization(organizations: OrganizationRepository, name: str,
                        manager: str | None = None) -> Organization:
    """A new organization; `manager` (if given) becomes its first manager."""
    organization = organizations.create(clean_name(name), utc_now())
    organizations.audit(organization.id).record(manager or "", "organization_created",
                                                name=organization.name)
    if manager:
        organizations.add_member(organization.id, manager, OrgRole.MANAGER)
    return organization


def change_organization_role(organizations: OrganizationRepository, organization_id: str,
                             username: str, role: OrgRole, give: bool) -> bool:
    """Give or take an organization role; False if nothing changed. The last manager stays:
    without one, nobody could start cycles or give roles."""
    with organizations.atomic():  # two managers removing each other leave one, not none
        held = organizations.members(organization_id).get(username, frozenset())
        if give:
            return organizations.add_member(organization_id, username, role)
        if role not in held:
            return False
        managers = [name for name, roles in organizations.members(organization_id).items()
                    if OrgRole.MANAGER in roles]
        if role is OrgRole.MANAGER and managers == [username]:
            raise OrganizationError("last_manager")
        organizations.remove_member(organization_id, username, role)
        return True


def create_assessment(assessments: AssessmentIndex, organization: Organization, cycle: str,
                      framework: str, coordinator: str) -> AssessmentRecord:
    """A new cycle of the organization, coordinated by `coordinator`, with its audit event."""
    cycle = " ".join(cycle.split())
    if not cycle:
        raise OrganizationError("cycle_empty")
    record = assessments.create(organization.id, cycle, framework, utc_now())
    data = assessments.data(record.id)
    data.team.add_role(coordinator, Role.COORDINATOR)
    data.audit.record(coordinator, "assessment_created", organization=organization.name,
                      cycle=record.cycle)
    return record


def cycles_by_organization(records: list[AssessmentRecord]
                           ) -> Mapping[str, list[AssessmentRecord]]:
    """The cycles of each organization, newest first."""
    grouped: dict[str, list[AssessmentRecord]] = {}
    for record in sorted(records, key=lambda r: (r.created_at, r.cycle), reverse=True):
        grouped.setdefault(record.organization_id, []).append(record)
    return grouped


def sees_cycle(org_roles: frozenset[OrgRole], cycle_roles: frozenset[Role]) -> bool:
    """A cycle shows to its team and to the organization's managers and leaders."""
    return bool(cycle_roles) or permits_in_organization(org_roles, OrgAction.VIEW_ALL_CYCLES)


def sees_organization(org_roles: frozenset[OrgRole], sees_a_cycle: bool) -> bool:
    """An organization shows to its people and to its cycles' teams (administrators see only
    what their roles show, and the rows of unreadable files, to repair them)."""
    return bool(org_roles) or sees_a_cycle
