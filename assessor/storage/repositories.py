"""The repositories of assessor/repositories.py over TinyDB data files (the embedded store).

Each assessment's records live in its own DataFile; every change is one locked, atomic
transaction of that file, and a change that names an expected phase checks it inside the same
transaction, so a save that passed a check in the writing phase cannot land after the
coordinator opened the review.
"""

from __future__ import annotations

import contextlib
import itertools
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from tinydb import Query, TinyDB

from ..access import Member, OrgRole, Phase, Role
from ..answers import Answer, SaveResult
from ..consensus import ConsensusRecord
from ..key_factors import KeyFactor
from ..organizations import AssessmentRecord, Organization, UnknownAssessment, UnknownOrganization
from ..repositories import PhaseChanged
from ..review import Review
from ..targets import ItemTarget
from .audit_log import AuditFile
from .files import CorruptDataFile, DataFile, put_documents, stored_documents
from .performance import TinyPerformance

T = TypeVar("T")

ANSWERS = "answers"
REVIEWS = "reviews"
CONSENSUS = "consensus"
TARGETS = "targets"  # {item, target_pct, set_by, set_at, rationale}
MEMBERS = "members"  # {username, role}
ASSIGNMENTS = "assignments"  # {username, role, item}
LEAD = "consensus_lead"  # {username}
PHASE = "phase"  # {phase}
KEY_FACTORS = "key_factors"  # {id, text}
ISSUED = "key_factor_numbers"  # {highest}
SETTINGS = "settings"
ASSESSMENTS = "assessments"  # in the index file
ORGANIZATIONS = "organizations"  # in the index file
ORG_MEMBERS = "organization_members"  # {organization, username, role}
USERS = "users"


def new_id() -> str:
    """A 12-character record id, never reused (48 random bits)."""
    return secrets.token_hex(6)


def _phase_in(db: TinyDB) -> Phase:
    doc = next(iter(stored_documents(db, PHASE).values()), None)
    return Phase(doc["phase"]) if doc else Phase.WRITING


@contextlib.contextmanager
def _write(data_file: DataFile, expected_phase: Phase | None) -> Iterator[TinyDB]:
    with data_file.transaction() as db:
        if expected_phase is not None and (current := _phase_in(db)) is not expected_phase:
            raise PhaseChanged(expected_phase, current)
        yield db


def _answer(doc: Mapping[str, Any]) -> Answer:
    # carried_over_from: optional, absent in data written before the next-cycle copy.
    answer = Answer(question=doc["question"], text=doc["text"], revision=doc["revision"],
                    updated_at=doc["updated_at"], updated_by=doc.get("updated_by", ""),
                    carried_over_from=doc.get("carried_over_from", ""))
    if not (isinstance(answer.question, str) and isinstance(answer.text, str)
            and isinstance(answer.revision, int) and isinstance(answer.carried_over_from, str)):
        raise TypeError("question, text and carried_over_from must be strings, revision a "
                        "number")
    return answer


class TinyAnswers:
    def __init__(self, data_file: DataFile) -> None:
        self._file = data_file

    def all(self) -> Mapping[str, Answer]:
        # Every page of an assessment asks (progress, answer pages): read once per version.
        return self._file.derived("answers", lambda: MappingProxyType(self._read()))

    def _read(self) -> dict[str, Answer]:
        answers = {}
        for number, doc in enumerate(self._file.documents(ANSWERS), start=1):
            try:
                answer = _answer(doc)
            except (KeyError, TypeError) as error:
                raise CorruptDataFile(self._file.path, f"answer document {number} is malformed "
                                      f"({error!r}); restore the file from a backup") from error
            answers[answer.question] = answer
        return answers

    def save(self, questions: Iterable[str],
             decide: Callable[[Mapping[str, Answer]], SaveResult],
             expected_phase: Phase | None = None) -> SaveResult:
        wanted = set(questions)
        with _write(self._file, expected_phase) as db:
            documents = stored_documents(db, ANSWERS)
            ids, stored = {}, {}
            for doc_id, doc in documents.items():
                if doc["question"] in wanted:
                    ids[doc["question"]], stored[doc["question"]] = doc_id, _answer(doc)
            result = decide(stored)
            changed: dict[str, dict[str, Any]] = {}
            new_ids = _ids_after(documents)
            for answer in result.saved:
                fields = _answer_doc(answer)
                if answer.question in ids:
                    doc_id = ids[answer.question]
                    changed[doc_id] = _replacing_answer(documents[doc_id], fields)
                else:
                    changed[str(next(new_ids))] = fields
            if changed:  # the page's answers only: the other answers are not copied
                put_documents(db, ANSWERS, changed)
        return result


def _answer_doc(answer: Answer) -> dict[str, Any]:
    """The stored fields; carried_over_from only while set (most answers never carry it)."""
    fields = {name: getattr(answer, name) for name in Answer.__slots__}
    if not answer.carried_over_from:
        del fields["carried_over_from"]
    return fields


def _replacing_answer(doc: Mapping[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """The stored answer with `fields` written over it, without a mark the new revision no
    longer has (fields of a later release are kept)."""
    return {**{name: value for name, value in doc.items() if name != "carried_over_from"},
            **fields}


def _ids_after(documents: Mapping[str, Any]) -> Iterator[int]:
    """The ids for new documents, as TinyDB counts them: one past the highest (counted at the
    first new document, so that a save that changes answers only never looks)."""
    yield from itertools.count(max(map(int, documents), default=0) + 1)


class TinyReviews:
    def __init__(self, data_file: DataFile) -> None:
        self._file = data_file

    def all(self) -> list[Review]:
        return [Review.from_doc(doc) for doc in self._file.documents(REVIEWS)]

    def change(self, item: str, examiner: str, change: Callable[[Review | None], Review],
               expected_phase: Phase | None = None) -> Review:
        match = (Query().item == item) & (Query().examiner == examiner)
        with _write(self._file, expected_phase) as db:
            table = db.table(REVIEWS)
            stored = table.get(match)
            review = change(Review.from_doc(stored) if stored else None)
            table.upsert(review.to_doc(), match)
        return review


class TinyConsensus:
    def __init__(self, data_file: DataFile) -> None:
        self._file = data_file

    def all(self) -> dict[str, ConsensusRecord]:
        records = (ConsensusRecord.from_doc(doc) for doc in self._file.documents(CONSENSUS))
        return {record.item: record for record in records}

    def change(self, item: str, change: Callable[[ConsensusRecord | None], ConsensusRecord],
               expected_phase: Phase | None = None) -> ConsensusRecord:
        with _write(self._file, expected_phase) as db:
            table = db.table(CONSENSUS)
            stored = table.get(Query().item == item)
            record = change(ConsensusRecord.from_doc(stored) if stored else None)
            table.upsert(record.to_doc(), Query().item == item)
        return record


class TinyTargets:
    def __init__(self, data_file: DataFile) -> None:
        self._file = data_file

    def all(self) -> dict[str, ItemTarget]:
        return self._read(self._file.documents(TARGETS))

    @staticmethod
    def _read(docs: Iterable[Mapping[str, Any]]) -> dict[str, ItemTarget]:
        targets = (ItemTarget.from_doc(doc) for doc in docs)
        return {target.item: target for target in targets}

    def change(self, change: Callable[[Mapping[str, ItemTarget]], Mapping[str, ItemTarget]]
               ) -> dict[str, ItemTarget]:
        with self._file.transaction() as db:
            table = db.table(TARGETS)
            targets = dict(change(MappingProxyType(self._read(table))))
            table.truncate()
            table.insert_multiple(targets[item].to_doc() for item in sorted(targets))
        return targets


class TinyTeam:
    def __init__(self, data_file: DataFile) -> None:
        self._file = data_file

    def members(self) -> Mapping[str, Member]:
        # Every request asks: computed once per version of the file.
        return self._file.derived("members", lambda: MappingProxyType(self._read_members()))

    def _read_members(self) -> dict[str, Member]:
        roles: dict[str, set[Role]] = {}
        for doc in self._file.documents(MEMBERS):
            roles.setdefault(doc["username"], set()).add(Role(doc["role"]))
        assigned: dict[str, dict[Role, set[str]]] = {}
        for doc in self._file.documents(ASSIGNMENTS):
            assigned.setdefault(doc["username"], {}).setdefault(
                Role(doc["role"]), set()).add(doc["item"])
        lead = self.consensus_lead()
        return {
            username: Member(
                username=username, roles=frozenset(user_roles),
                assigned={role: frozenset(items)
                          for role, items in assigned.get(username, {}).items()},
                consensus_lead=username == lead,
            )
            for username, user_roles in roles.items()
        }

    def add_role(self, username: str, role: Role) -> bool:
        with self._file.transaction() as db:
            table = db.table(MEMBERS)
            if table.contains((Query().username == username) & (Query().role == role.value)):
                return False
            table.insert({"username": username, "role": role.value})
            return True

    def remove_role(self, username: str, role: Role) -> None:
        with self._file.transaction() as db:
            match = (Query().username == username) & (Query().role == role.value)
            db.table(MEMBERS).remove(match)
            db.table(ASSIGNMENTS).remove(match)

    def assign(self, username: str, role: Role, items: Iterable[str]) -> None:
        with self._file.transaction() as db:
            match = (Query().username == username) & (Query().role == role.value)
            if not db.table(MEMBERS).contains(match):
                raise ValueError(f"{username} is not a {role} in this assessment")
            table = db.table(ASSIGNMENTS)
            table.remove(match)
            table.insert_multiple({"username": username, "role": role.value, "item": item}
                                  for item in sorted(set(items)))

    def consensus_lead(self) -> str | None:
        return next((doc["username"] for doc in self._file.documents(LEAD)), None)

    def set_consensus_lead(self, username: str | None) -> None:
        with self._file.transaction() as db:
            table = db.table(LEAD)
            table.truncate()
            if username:
                table.insert({"username": username})


class TinyPhase:
    def __init__(self, data_file: DataFile) -> None:
        self._file = data_file

    def current(self) -> Phase:
        doc = next(iter(self._file.documents(PHASE)), None)
        return Phase(doc["phase"]) if doc else Phase.WRITING

    def set(self, phase: Phase) -> None:
        with self._file.transaction() as db:
            db.table(PHASE).truncate()
            db.table(PHASE).insert({"phase": phase.value})


class TinyKeyFactors:
    def __init__(self, data_file: DataFile) -> None:
        self._file = data_file

    def all(self) -> list[KeyFactor]:
        return sorted((KeyFactor(doc["id"], doc["text"])
                       for doc in self._file.documents(KEY_FACTORS)),
                      key=lambda factor: int(factor.id[1:]))

    def highest_issued(self) -> int:
        return max([int(factor.id[1:]) for factor in self.all()]
                   + [doc["highest"] for doc in self._file.documents(ISSUED)], default=0)

    def replace(self, factors: Iterable[KeyFactor], highest_issued: int) -> None:
        with self._file.transaction() as db:
            db.table(KEY_FACTORS).truncate()
            db.table(KEY_FACTORS).insert_multiple(
                {"id": factor.id, "text": factor.text} for factor in factors)
            issued = max([highest_issued] + [doc["highest"] for doc in db.table(ISSUED)])
            db.table(ISSUED).truncate()  # numbers are never reused: the highest only grows
            db.table(ISSUED).insert({"highest": issued})


class TinySettings:
    def __init__(self, data_file: DataFile) -> None:
        self._file = data_file

    def get(self) -> Mapping[str, Any]:
        return next(iter(self._file.documents(SETTINGS)), {})

    def put(self, values: Mapping[str, Any]) -> None:
        with self._file.transaction() as db:
            db.table(SETTINGS).truncate()
            db.table(SETTINGS).insert(dict(values))


class TinyAssessmentData:
    """One assessment's records: one data file and its audit trail, in a folder of its own."""

    def __init__(self, assessment_id: str, data_file: DataFile) -> None:
        self.id = assessment_id
        self.file = data_file
        self.answers = TinyAnswers(data_file)
        self.reviews = TinyReviews(data_file)
        self.consensus = TinyConsensus(data_file)
        self.targets = TinyTargets(data_file)
        self.team = TinyTeam(data_file)
        self.phase = TinyPhase(data_file)
        self.key_factors = TinyKeyFactors(data_file)
        self.settings = TinySettings(data_file)
        self.audit = AuditFile(data_file.path.parent)

    @property
    def path(self) -> Path:
        return self.file.path

    def atomic(self) -> contextlib.AbstractContextManager[None]:
        return self.file.locked()  # re-entrant: the transactions inside take it again

    def derived(self, name: str, compute: Callable[[], T]) -> T:
        return self.file.derived(name, compute)


class TinyOrganizations:
    def __init__(self, index: DataFile, folder: Path) -> None:
        self._index = index
        self._folder = folder  # one sub-folder per organization, for its audit trail
        self._performance: dict[str, TinyPerformance] = {}  # one per organization, kept

    def atomic(self) -> contextlib.AbstractContextManager[None]:
        return self._index.locked()  # re-entrant: the transactions inside take it again

    def audit(self, organization_id: str) -> AuditFile:
        folder = self._folder / organization_id
        folder.mkdir(parents=True, exist_ok=True)
        return AuditFile(folder)

    def performance(self, organization_id: str) -> TinyPerformance:
        # Kept once made (organizations are never removed): a page asks for it on every view,
        # and making its file and locks anew cost more than rendering much of the page.
        kept = self._performance.get(organization_id)
        if kept is not None:
            return kept
        self.get(organization_id)  # never a folder of an organization the index lacks
        folder = self._folder / organization_id
        folder.mkdir(parents=True, exist_ok=True)
        return self._performance.setdefault(organization_id,
                                            TinyPerformance(organization_id, folder))

    def all(self) -> list[Organization]:
        return sorted((_organization(doc) for doc in self._index.documents(ORGANIZATIONS)),
                      key=lambda org: org.name.casefold())

    def get(self, organization_id: str) -> Organization:
        for doc in self._index.documents(ORGANIZATIONS):
            if doc["id"] == organization_id:
                return _organization(doc)
        raise UnknownOrganization(organization_id)

    def create(self, name: str, created_at: str) -> Organization:
        organization = Organization(new_id(), name, created_at)
        with self._index.transaction() as db:
            db.table(ORGANIZATIONS).insert(_fields(organization))
        return organization

    def members(self, organization_id: str) -> Mapping[str, frozenset[OrgRole]]:
        roles: dict[str, set[OrgRole]] = {}
        for doc in self._index.documents(ORG_MEMBERS):
            if doc["organization"] == organization_id:
                roles.setdefault(doc["username"], set()).add(OrgRole(doc["role"]))
        return {username: frozenset(held) for username, held in roles.items()}

    def add_member(self, organization_id: str, username: str, role: OrgRole) -> bool:
        doc = {"organization": organization_id, "username": username, "role": role.value}
        with self._index.transaction() as db:
            table = db.table(ORG_MEMBERS)
            if table.contains(Query().fragment(doc)):
                return False
            table.insert(doc)
            return True

    def remove_member(self, organization_id: str, username: str, role: OrgRole) -> None:
        with self._index.transaction() as db:
            db.table(ORG_MEMBERS).remove(Query().fragment(
                {"organization": organization_id, "username": username, "role": role.value}))


class TinyAssessments:
    """The index of assessments (in the index file) and each assessment's own data."""

    def __init__(self, index: DataFile, data_file_of: Callable[[str], DataFile]) -> None:
        self._index = index
        self._data_file_of = data_file_of
        self._data: dict[str, TinyAssessmentData] = {}

    def all(self) -> list[AssessmentRecord]:
        names = self._organization_names()
        records = [_record(doc, names) for doc in self._index.documents(ASSESSMENTS)]
        return sorted(records, key=lambda r: (r.created_at, r.cycle), reverse=True)

    def get(self, assessment_id: str) -> AssessmentRecord:
        for doc in self._index.documents(ASSESSMENTS):
            if doc["id"] == assessment_id:
                return _record(doc, self._organization_names())
        raise UnknownAssessment(assessment_id)

    def create(self, organization_id: str, cycle: str, framework: str, created_at: str
               ) -> AssessmentRecord:
        names = self._organization_names()
        if organization_id not in names:
            raise UnknownOrganization(organization_id)
        doc = {"id": new_id(), "organization_id": organization_id, "cycle": cycle,
               "framework": framework, "created_at": created_at}
        # The assessment's own file first: an index entry never points at a missing file.
        with self._data_file_of(doc["id"]).transaction() as db:
            db.table("assessment").insert(doc)
        with self._index.transaction() as db:
            db.table(ASSESSMENTS).insert(doc)
        return _record(doc, names)

    def data(self, assessment_id: str) -> TinyAssessmentData:
        data = self._data.get(assessment_id)
        if data is None:
            data = self._data.setdefault(assessment_id, TinyAssessmentData(
                assessment_id, self._data_file_of(assessment_id)))
        return data

    def _organization_names(self) -> dict[str, str]:
        return {doc["id"]: doc["name"] for doc in self._index.documents(ORGANIZATIONS)}


class TinyUsers:
    def __init__(self, data_file: DataFile) -> None:
        self.file = data_file

    def all(self) -> list[Mapping[str, Any]]:
        return list(self.file.documents(USERS))

    def find(self, username: str) -> Mapping[str, Any] | None:
        return next((doc for doc in self.file.documents(USERS) if doc["username"] == username),
                    None)

    def insert(self, document: Mapping[str, Any]) -> bool:
        with self.file.transaction() as db:
            table = db.table(USERS)
            if table.contains(Query().username == document["username"]):
                return False
            table.insert(dict(document))
            return True

    def update(self, username: str, **fields: object) -> None:
        with self.file.transaction() as db:
            db.table(USERS).update(fields, Query().username == username)


def _fields(record: object) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__slots__}  # type: ignore[attr-defined]


def _organization(doc: Mapping[str, Any]) -> Organization:
    return Organization(doc["id"], doc["name"], doc["created_at"])


def _record(doc: Mapping[str, Any], names: Mapping[str, str]) -> AssessmentRecord:
    return AssessmentRecord(
        id=doc["id"], organization_id=doc["organization_id"],
        organization=names.get(doc["organization_id"], ""), cycle=doc["cycle"],
        framework=doc["framework"], created_at=doc["created_at"])
