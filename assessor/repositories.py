"""What the domain asks of a store, by kind of record: the repositories any store implements.

The embedded TinyDB store (assessor/storage) implements them today; a PostgreSQL store can
implement them later and run the same contract tests (tests/contract/). Methods say what the
domain needs, not how a table is queried. Changes that must see one state (check, then act)
take a callback that the store runs inside its write, under its lock or transaction: the rule
stays in the domain, the atomicity in the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from itertools import count
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from .access import Member, OrgRole, Phase, Role
    from .answers import Answer, SaveResult
    from .audit import AuditEntry, AuditLog
    from .consensus import ConsensusRecord
    from .key_factors import KeyFactor
    from .organizations import AssessmentRecord, Organization
    from .performance import PerformanceRecords
    from .review import Review
    from .targets import ItemTarget

T = TypeVar("T")


class PhaseChanged(Exception):
    """A write refused because the assessment is no longer in the phase the caller expected."""

    def __init__(self, expected: Phase, current: Phase) -> None:
        self.expected = expected
        self.current = current
        super().__init__(f"expected phase {expected}, found {current}")


class AnswerRepository(Protocol):
    def all(self) -> Mapping[str, Answer]:
        """Every stored answer by question id (read-only)."""

    def save(self, questions: Iterable[str],
             decide: Callable[[Mapping[str, Answer]], SaveResult],
             expected_phase: Phase | None = None) -> SaveResult:
        """Store `decide(current answers of these questions).saved`, atomically."""


class ReviewRepository(Protocol):
    def all(self) -> list[Review]: ...

    def change(self, item: str, examiner: str, change: Callable[[Review | None], Review],
               expected_phase: Phase | None = None) -> Review:
        """Store `change(stored entry or None)` as the examiner's entry on the item."""


class ConsensusRepository(Protocol):
    def all(self) -> dict[str, ConsensusRecord]: ...

    def change(self, item: str,
               change: Callable[[ConsensusRecord | None], ConsensusRecord],
               expected_phase: Phase | None = None) -> ConsensusRecord: ...


class TargetRepository(Protocol):
    def all(self) -> Mapping[str, ItemTarget]:
        """Every stored target by item id."""

    def change(self, change: Callable[[Mapping[str, ItemTarget]], Mapping[str, ItemTarget]]
               ) -> dict[str, ItemTarget]:
        """Store `change(stored targets)` as the whole set of targets, atomically; nothing is
        stored when `change` raises."""


class TeamRepository(Protocol):
    def members(self) -> Mapping[str, Member]: ...

    def add_role(self, username: str, role: Role) -> bool: ...

    def remove_role(self, username: str, role: Role) -> None:
        """Take the role away with the user's assignments in that role."""

    def assign(self, username: str, role: Role, items: Iterable[str]) -> None: ...

    def consensus_lead(self) -> str | None: ...

    def set_consensus_lead(self, username: str | None) -> None: ...


class PhaseRepository(Protocol):
    def current(self) -> Phase: ...

    def set(self, phase: Phase) -> None: ...


class KeyFactorRepository(Protocol):
    def all(self) -> list[KeyFactor]: ...

    def highest_issued(self) -> int:
        """The highest K number ever given out (numbers are never reused)."""

    def replace(self, factors: Iterable[KeyFactor], highest_issued: int) -> None: ...


class SettingsRepository(Protocol):
    def get(self) -> Mapping[str, Any]: ...

    def put(self, values: Mapping[str, Any]) -> None: ...


class AuditRepository(Protocol):
    def record(self, user: str, action: str, **detail: object) -> AuditEntry: ...

    def read(self) -> AuditLog: ...


class AssessmentData(Protocol):
    """Everything stored of one assessment (one cycle of one organization)."""

    id: str
    answers: AnswerRepository
    reviews: ReviewRepository
    consensus: ConsensusRepository
    targets: TargetRepository
    team: TeamRepository
    phase: PhaseRepository
    key_factors: KeyFactorRepository
    settings: SettingsRepository
    audit: AuditRepository

    def atomic(self) -> AbstractContextManager[None]:
        """Changes made inside see one state: nobody else writes this assessment meanwhile."""

    def derived(self, name: str, compute: Callable[[], T]) -> T:
        """`compute()`, cached per version of this assessment's data."""


class OrganizationRepository(Protocol):
    def all(self) -> list[Organization]: ...

    def get(self, organization_id: str) -> Organization:
        """Raises UnknownOrganization."""

    def create(self, name: str, created_at: str) -> Organization: ...

    def members(self, organization_id: str) -> Mapping[str, frozenset[OrgRole]]: ...

    def add_member(self, organization_id: str, username: str, role: OrgRole) -> bool: ...

    def remove_member(self, organization_id: str, username: str, role: OrgRole) -> None: ...

    def audit(self, organization_id: str) -> AuditRepository:
        """The organization's own audit trail (roles, units, strategy, KPIs, later plans)."""

    def performance(self, organization_id: str) -> PerformanceData:
        """The organization's units, strategy, KPIs and measurements. Raises
        UnknownOrganization."""

    def atomic(self) -> AbstractContextManager[None]:
        """Changes made inside see one state: nobody else changes organizations meanwhile."""


class PerformanceData(Protocol):
    """What one organization keeps beyond its cycles (assessor/performance.py), changed as a
    whole: the domain's rule runs on a copy inside the store's write."""

    organization_id: str
    audit: AuditRepository  # the organization's trail

    def read(self) -> PerformanceRecords:
        """Every stored record (empty ones when nothing was ever stored), as a copy."""

    def change(self, change: Callable[[PerformanceRecords], T]) -> T:
        """Run `change` on a copy of the stored records and store that copy as it leaves it,
        atomically, with nobody else changing them meanwhile; returns what `change` returns.
        Nothing is stored when `change` raises."""

    def derived(self, name: str, compute: Callable[[], T]) -> T:
        """`compute()`, cached per version of these records (for pages that show the same
        figures far more often than the records change). `compute` must read only them."""


class AssessmentIndex(Protocol):
    def all(self) -> list[AssessmentRecord]:
        """Newest first."""

    def get(self, assessment_id: str) -> AssessmentRecord:
        """Raises UnknownAssessment."""

    def create(self, organization_id: str, cycle: str, framework: str, created_at: str
               ) -> AssessmentRecord: ...

    def data(self, assessment_id: str) -> AssessmentData: ...


class UserRepository(Protocol):
    """Accounts as stored documents (the password hash included): Users adds the rules."""

    def all(self) -> list[Mapping[str, Any]]: ...

    def find(self, username: str) -> Mapping[str, Any] | None: ...

    def insert(self, document: Mapping[str, Any]) -> bool:
        """False if the username is taken."""

    def update(self, username: str, **fields: object) -> None: ...


_VERSIONS = count(1)


def version_of(data: AssessmentData) -> int:
    """A number that stays the same while the assessment's data does and changes when it
    changes: for caching what is derived from several assessments (the key names each one's
    version). A number is never handed out twice, so a forgotten version only costs a miss."""
    return data.derived("version", lambda: next(_VERSIONS))
