"""Who takes part in an assessment: roles per user, items assigned to writers and examiners."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .access import Member, Role
from .errors import DomainError
from .repositories import AssessmentData


class TeamError(DomainError):
    """A change to the team that cannot be made as asked: not_assignable (role: only writers
    and examiners are assigned items), role_not_held (username, role), last_coordinator
    (username), lead_not_examiner (username)."""


def members(data: AssessmentData) -> Mapping[str, Member]:
    """Every member of the assessment, by username."""
    return data.team.members()


def member(data: AssessmentData, username: str) -> Member | None:
    return members(data).get(username)


def consensus_lead(data: AssessmentData) -> str | None:
    return data.team.consensus_lead()


def holders(data: AssessmentData, role: Role) -> list[Member]:
    """The members holding a role, by username."""
    return sorted((m for m in members(data).values() if role in m.roles),
                  key=lambda m: m.username)


def add_role(data: AssessmentData, username: str, role: Role) -> bool:
    """Give a user a role; False if they held it already."""
    return data.team.add_role(username, role)


def assign(data: AssessmentData, username: str, role: Role, items: Iterable[str]) -> None:
    """Set the items a writer or examiner works on (replacing what they had)."""
    if role not in (Role.WRITER, Role.EXAMINER):
        raise TeamError("not_assignable", role=role)
    data.team.assign(username, role, items)


def coverage(team: Iterable[Member], role: Role, section_ids: Iterable[str]
             ) -> dict[str, list[str]]:
    """For each section (profile or item), who is assigned to it in this role, by username."""
    assigned_to: dict[str, list[str]] = {section: [] for section in section_ids}
    for person in sorted(team, key=lambda m: m.username):
        if role not in person.roles:
            continue
        for section in sorted(person.assigned.get(role, ())):
            if section in assigned_to:
                assigned_to[section].append(person.username)
    return assigned_to


def uncovered(assigned_to: Mapping[str, list[str]]) -> list[str]:
    """The sections of a coverage() map that nobody is assigned to."""
    return [section for section, usernames in assigned_to.items() if not usernames]


def withdraw_role(data: AssessmentData, username: str, role: Role) -> bool:
    """Take a role away with its assignments; True if that also ended a consensus lead.

    An examiner who leaves the examiners no longer leads consensus (the lead's right to set
    consensus does not depend on a role, so it must not outlive the examiner role). The last
    coordinator stays: without one, nobody could manage the assessment.
    """
    with data.atomic():  # the checks and both changes see one state
        team = members(data)
        if role not in team.get(username, Member(username, frozenset())).roles:
            raise TeamError("role_not_held", username=username, role=role)
        coordinators = [m for m in team.values() if Role.COORDINATOR in m.roles]
        if role is Role.COORDINATOR and len(coordinators) == 1:
            raise TeamError("last_coordinator", username=username)
        ends_lead = role is Role.EXAMINER and team[username].consensus_lead
        data.team.remove_role(username, role)
        if ends_lead:
            data.team.set_consensus_lead(None)
    return ends_lead


def designate_consensus_lead(data: AssessmentData, username: str | None) -> None:
    """Make one of the examiners the consensus lead, or nobody (None)."""
    with data.atomic():
        if username and username not in {m.username for m in holders(data, Role.EXAMINER)}:
            raise TeamError("lead_not_examiner", username=username)
        data.team.set_consensus_lead(username)


def unsubmitted_entries(team: Iterable[Member], submitted: Iterable[tuple[str, str]]
                        ) -> list[tuple[str, str]]:
    """The (examiner, item) entries assigned but not in `submitted`, sorted."""
    done = set(submitted)
    return sorted((person.username, item) for person in team
                  if Role.EXAMINER in person.roles
                  for item in person.assigned.get(Role.EXAMINER, ())
                  if (person.username, item) not in done)
