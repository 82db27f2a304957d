"""Upgrading a data folder written by an earlier assessor to the current data schema.

Schema 1 (assessor 0.1) kept an organization as a name on each assessment and stored strengths
and OFIs without ids. Schema 2 makes organizations records of their own (one per distinct name,
with the cycles' coordinators as managers and their leaders as leaders) and gives every
statement an id; consensus statements name the review statements they repeat.

The upgrade copies the folder first (Store.backup), then rewrites each file in one locked,
atomic transaction, the index last: an interrupted upgrade leaves the index at the old schema,
so running it again finishes the job, and running it on an upgraded folder changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..access import OrgRole, Role
from ..clock import utc_now
from ..statements import Statement, new_statement_id, trace_sources
from .files import META_TABLE, SCHEMA_VERSION, DataFile, read_tables
from .repositories import ASSESSMENTS, MEMBERS, ORG_MEMBERS, ORGANIZATIONS, new_id
from .store import Store

# What the app and `assessor serve` say to an older folder (before any page: no language yet).
UPGRADE_NEEDED = (
    "The data folder {folder} was written by an earlier assessor and must be upgraded before "
    "it is served. Run:\n\n    flask --app assessor upgrade-data\n\nIt copies the folder "
    "to a backup first, then upgrades it; nothing is lost.\n"
    "数据目录 {folder} 由较早版本的 assessor 写入，须先升级才能使用。请运行上面的命令：它先备份"
    "整个目录，再升级，数据不会丢失。\n")

# Organization roles that follow from cycle roles in a schema-1 folder.
ORG_ROLE_OF = {Role.COORDINATOR.value: OrgRole.MANAGER, Role.LEADER.value: OrgRole.LEADER}


@dataclass(frozen=True, slots=True)
class UpgradeReport:
    from_schema: int
    backup: Path | None  # None: nothing to upgrade, nothing copied
    organizations_created: int = 0
    statements_given_ids: int = 0


def schema_of(data_file: DataFile) -> int:
    meta = read_tables(data_file.path).get(META_TABLE, {})
    return next((doc["schema"] for doc in meta.values() if "schema" in doc), SCHEMA_VERSION)


def needs_upgrade(store: Store) -> bool:
    return store.index.exists() and schema_of(store.index) < SCHEMA_VERSION


def default_backup_folder(store: Store) -> Path:
    stamp = utc_now().replace(":", "").replace("+0000", "Z")
    return store.root.with_name(f"{store.root.name}-backup-schema{schema_of(store.index)}-{stamp}")


def upgrade(store: Store, backup_to: Path | None = None) -> UpgradeReport:
    """Back the folder up, then bring every file to SCHEMA_VERSION."""
    if not needs_upgrade(store):
        return UpgradeReport(SCHEMA_VERSION, None)
    from_schema = schema_of(store.index)
    backup = backup_to or default_backup_folder(store)
    store.backup(backup)
    organization_of, created = _organizations(store)
    statements = 0
    for data_file in store.data_files():
        if data_file in (store.index, store.users_file):
            continue
        with data_file.transaction() as db:
            statements += _upgrade_assessment(db, organization_of)
            _stamp(db)
    with store.users_file.transaction() as db:
        _stamp(db)
    with store.index.transaction() as db:  # last: until here, a rerun starts over
        for doc in db.table(ASSESSMENTS):
            if "organization_id" not in doc:
                db.table(ASSESSMENTS).update(
                    {"organization_id": organization_of[doc["organization"]]},
                    doc_ids=[doc.doc_id])
        _stamp(db)
    return UpgradeReport(from_schema, backup, created, statements)


def _organizations(store: Store) -> tuple[dict[str, str], int]:
    """An organization per distinct name (reusing those an interrupted run made), with the
    cycles' coordinators as managers and leaders as leaders."""
    created = 0
    with store.index.transaction() as db:
        organization_of = {doc["name"]: doc["id"] for doc in db.table(ORGANIZATIONS)}
        for doc in db.table(ASSESSMENTS):
            name = doc.get("organization")
            if "organization_id" in doc or name in organization_of:
                continue
            organization_of[name] = new_id()
            db.table(ORGANIZATIONS).insert(
                {"id": organization_of[name], "name": name, "created_at": doc["created_at"]})
            created += 1
        roles = set()
        for doc in db.table(ASSESSMENTS):
            if "organization_id" in doc:
                continue
            members = read_tables(store.assessment_file(doc["id"]).path).get(MEMBERS, {})
            roles |= {(organization_of[doc["organization"]], member["username"],
                       ORG_ROLE_OF[member["role"]].value)
                      for member in members.values() if member["role"] in ORG_ROLE_OF}
        held = {(doc["organization"], doc["username"], doc["role"])
                for doc in db.table(ORG_MEMBERS)}
        db.table(ORG_MEMBERS).insert_multiple(
            {"organization": org, "username": username, "role": role}
            for org, username, role in sorted(roles - held))
    return organization_of, created


def _upgrade_assessment(db: Any, organization_of: dict[str, str]) -> int:
    for doc in db.table("assessment"):
        if "organization_id" not in doc:
            db.table("assessment").update(
                {"organization_id": organization_of[doc["organization"]]}, doc_ids=[doc.doc_id])
    given = 0
    reviewed: dict[str, list[Statement]] = {}
    for doc in db.table("reviews"):
        changes = {}
        for kind in ("strengths", "ofis"):
            statements = _with_ids(doc.get(kind, []))
            given += sum(not s.get("id") for s in doc.get(kind, []))
            reviewed.setdefault(doc["item"], []).extend(statements)
            changes[kind] = [s.to_doc() for s in statements]
        db.table("reviews").update(changes, doc_ids=[doc.doc_id])
    for doc in db.table("consensus"):
        changes = {}
        for kind in ("strengths", "ofis"):
            statements = trace_sources(_with_ids(doc.get(kind, [])),
                                       reviewed.get(doc["item"], []))
            given += sum(not s.get("id") for s in doc.get(kind, []))
            changes[kind] = [s.to_doc() for s in statements]
        db.table("consensus").update(changes, doc_ids=[doc.doc_id])
    return given


def _with_ids(docs: list[dict[str, Any]]) -> tuple[Statement, ...]:
    statements = (Statement.from_doc(doc) for doc in docs)
    return tuple(s if s.id else replace(s, id=new_statement_id()) for s in statements)


def _stamp(db: Any) -> None:
    meta = db.table(META_TABLE)
    meta.truncate()
    meta.insert({"schema": SCHEMA_VERSION})
