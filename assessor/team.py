"""Who takes part in an assessment: roles per user, items assigned to writers and examiners."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from tinydb import Query

from .access import Member, Role
from .storage.files import DataFile

MEMBERS_TABLE = "members"  # {username, role}
ASSIGNMENTS_TABLE = "assignments"  # {username, role, item}
LEAD_TABLE = "consensus_lead"  # {username}


def members(data_file: DataFile) -> Mapping[str, Member]:
    """Every member of the assessment, by username (every request asks: computed once per
    version of the file)."""
    return data_file.derived("members", lambda: MappingProxyType(_read_members(data_file)))


def _read_members(data_file: DataFile) -> dict[str, Member]:
    roles: dict[str, set[Role]] = {}
    for doc in data_file.documents(MEMBERS_TABLE):
        roles.setdefault(doc["username"], set()).add(Role(doc["role"]))
    assigned: dict[str, dict[Role, set[str]]] = {}
    for doc in data_file.documents(ASSIGNMENTS_TABLE):
        assigned.setdefault(doc["username"], {}).setdefault(Role(doc["role"]), set()).add(
            doc["item"])
    lead = consensus_lead(data_file)
    return {
        username: Member(
            username=username, roles=frozenset(user_roles),
            assigned={role: frozenset(items)
                      for role, items in assigned.get(username, {}).items()},
            consensus_lead=username == lead,
        )
        for username, user_roles in roles.items()
    }


def member(data_file: DataFile, username: str) -> Member | None:
    return members(data_file).get(username)


def consensus_lead(data_file: DataFile) -> str | None:
    return next((doc["username"] for doc in data_file.documents(LEAD_TABLE)), None)


def holders(data_file: DataFile, role: Role) -> list[Member]:
    """The members holding a role, by username."""
    return sorted((m for m in members(data_file).values() if role in m.roles),
                  key=lambda m: m.username)


def add_role(data_file: DataFile, username: str, role: Role) -> bool:
    """Give a user a role; False if they held it already."""
    with data_file.transaction() as db:
        table = db.table(MEMBERS_TABLE)
        if table.contains((Query().username == username) & (Query().role == role.value)):
            return False
        table.insert({"username": username, "role": role.value})
        return True


def remove_role(data_file: DataFile, username: str, role: Role) -> None:
    """Take a role away, with the user's assignments in that role."""
    with data_file.transaction() as db:
        match = (Query().username == username) & (Query().role == role.value)
        db.table(MEMBERS_TABLE).remove(match)
        db.table(ASSIGNMENTS_TABLE).remove(match)


def assign(data_file: DataFile, username: str, role: Role, items: Iterable[str]) -> None:
    """Set the items a writer or examiner works on (replacing what they had)."""
    if role not in (Role.WRITER, Role.EXAMINER):
        raise ValueError(f"items are assigned to writers and examiners, not to a {role}")
    with data_file.transaction() as db:
        if not db.table(MEMBERS_TABLE).contains(
                (Query().username == username) & (Query().role == role.value)):
            raise ValueError(f"{username} is not a {role} in this assessment")
        table = db.table(ASSIGNMENTS_TABLE)
        table.remove((Query().username == username) & (Query().role == role.value))
        table.insert_multiple({"username": username, "role": role.value, "item": item}
                              for item in sorted(set(items)))


def set_consensus_lead(data_file: DataFile, username: str | None) -> None:
    with data_file.transaction() as db:
        table = db.table(LEAD_TABLE)
        table.truncate()
        if username:
            table.insert({"username": username})


class TeamError(ValueError):
    """A change to the team that cannot be made as asked; the message says why."""


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


def withdraw_role(data_file: DataFile, username: str, role: Role) -> bool:
    """Take a role away with its assignments; True if that also ended a consensus lead.

    An examiner who leaves the examiners no longer leads consensus (the lead's right to set
    consensus does not depend on a role, so it must not outlive the examiner role). The last
    coordinator stays: without one, nobody could manage the assessment.
    """
    with data_file.locked():  # re-entrant: the checks and both changes see one state
        team = members(data_file)
        if role not in team.get(username, Member(username, frozenset())).roles:
            raise TeamError(f"{username} is not a {role} in this assessment.")
        coordinators = [m for m in team.values() if Role.COORDINATOR in m.roles]
        if role is Role.COORDINATOR and len(coordinators) == 1:
            raise TeamError(f"{username} is the only coordinator. Give someone else the "
                            "coordinator role first.")
        ends_lead = role is Role.EXAMINER and team[username].consensus_lead
        remove_role(data_file, username, role)
        if ends_lead:
            set_consensus_lead(data_file, None)
    return ends_lead


def designate_consensus_lead(data_file: DataFile, username: str | None) -> None:
    """Make one of the examiners the consensus lead, or nobody (None)."""
    with data_file.locked():
        if username and username not in {m.username for m in holders(data_file, Role.EXAMINER)}:
            raise TeamError(f"{username} is not an examiner here; the consensus lead is one of "
                            "the examiners.")
        set_consensus_lead(data_file, username)


def unsubmitted_entries(team: Iterable[Member], submitted: Iterable[tuple[str, str]]
                        ) -> list[tuple[str, str]]:
    """The (examiner, item) entries assigned but not in `submitted`, sorted."""
    done = set(submitted)
    return sorted((person.username, item) for person in team
                  if Role.EXAMINER in person.roles
                  for item in person.assigned.get(Role.EXAMINER, ())
                  if (person.username, item) not in done)
