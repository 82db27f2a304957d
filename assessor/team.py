"""Who takes part in an assessment: roles per user, items assigned to writers and examiners."""

from __future__ import annotations

from collections.abc import Iterable

from tinydb import Query

from .access import Member, Role
from .storage.files import DataFile

MEMBERS_TABLE = "members"  # {username, role}
ASSIGNMENTS_TABLE = "assignments"  # {username, role, item}
LEAD_TABLE = "consensus_lead"  # {username}


def members(data_file: DataFile) -> dict[str, Member]:
    """Every member of the assessment, by username."""
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
