"""Independent review: each examiner's own score, notes and statements for an item.

An entry is a draft until its examiner submits it; a submitted entry is read-only until the
coordinator reopens it. Blind review: an examiner sees others' entries on an item only once
their own entry on it is submitted.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from .access import Phase
from .errors import DomainError
from .repositories import AssessmentData
from .statements import Statement, keep_ids


class ReviewError(DomainError):
    """An entry that cannot be stored or reopened as asked: score_off_scale (score, step),
    no_score, read_only, already_submitted, nothing_to_reopen (examiner, item),
    not_submitted (examiner, item)."""


@dataclass(frozen=True, slots=True)
class Review:
    item: str
    examiner: str
    score: int | None = None  # percent, on the framework's steps
    notes: Mapping[str, str] = field(default_factory=dict)  # dimension id -> note
    strengths: tuple[Statement, ...] = ()
    ofis: tuple[Statement, ...] = ()
    submitted: bool = False
    submitted_at: str = ""
    updated_at: str = ""

    def to_doc(self) -> dict:
        return {
            "item": self.item, "examiner": self.examiner, "score": self.score,
            "notes": dict(self.notes), "strengths": [s.to_doc() for s in self.strengths],
            "ofis": [s.to_doc() for s in self.ofis], "submitted": self.submitted,
            "submitted_at": self.submitted_at, "updated_at": self.updated_at,
        }

    @classmethod
    def from_doc(cls, doc: Mapping) -> Review:
        return cls(
            item=doc["item"], examiner=doc["examiner"], score=doc["score"],
            notes=dict(doc.get("notes", {})),
            strengths=tuple(Statement.from_doc(s) for s in doc.get("strengths", [])),
            ofis=tuple(Statement.from_doc(s) for s in doc.get("ofis", [])),
            submitted=doc.get("submitted", False), submitted_at=doc.get("submitted_at", ""),
            updated_at=doc.get("updated_at", ""),
        )


def check_score(score: int | None, step: int) -> None:
    if score is None:
        return
    if not 0 <= score <= 100 or score % step:
        raise ReviewError("score_off_scale", score=score, step=step)


def all_reviews(data: AssessmentData) -> list[Review]:
    return data.reviews.all()


def reviews_of_item(data: AssessmentData, item_id: str) -> list[Review]:
    return sorted((r for r in all_reviews(data) if r.item == item_id), key=lambda r: r.examiner)


def review_of(data: AssessmentData, item_id: str, examiner: str) -> Review:
    """The examiner's entry on the item (an empty draft if they have not started)."""
    for review in all_reviews(data):
        if review.item == item_id and review.examiner == examiner:
            return review
    return Review(item=item_id, examiner=examiner)


def save_draft(data: AssessmentData, review: Review, step: int, now: str,
               expected_phase: Phase | None = None) -> Review:
    """Store a draft; refused once the entry is submitted."""
    check_score(review.score, step)

    def change(stored: Review | None) -> Review:
        if stored and stored.submitted:
            raise ReviewError("read_only")
        return replace(with_statement_ids(review, stored), submitted=False, submitted_at="",
                       updated_at=now)

    return data.reviews.change(review.item, review.examiner, change, expected_phase)


def submit(data: AssessmentData, review: Review, step: int, now: str,
           expected_phase: Phase | None = None) -> Review:
    """Store and submit an entry: it needs a score, and becomes read-only."""
    if review.score is None:
        raise ReviewError("no_score")
    check_score(review.score, step)

    def change(stored: Review | None) -> Review:
        if stored and stored.submitted:
            raise ReviewError("already_submitted")
        return replace(with_statement_ids(review, stored), submitted=True, submitted_at=now,
                       updated_at=now)

    return data.reviews.change(review.item, review.examiner, change, expected_phase)


def reopen(data: AssessmentData, item_id: str, examiner: str) -> None:
    """Make a submitted entry editable again (the coordinator's decision)."""

    def change(stored: Review | None) -> Review:
        if stored is None:
            raise ReviewError("nothing_to_reopen", examiner=examiner, item=item_id)
        if not stored.submitted:
            raise ReviewError("not_submitted", examiner=examiner, item=item_id)
        return replace(stored, submitted=False, submitted_at="")

    data.reviews.change(item_id, examiner, change)


def with_statement_ids(review: Review, stored: Review | None) -> Review:
    """The review's statements with ids: an edited statement keeps its stored id."""
    return replace(review,
                   strengths=keep_ids(review.strengths, stored.strengths if stored else ()),
                   ofis=keep_ids(review.ofis, stored.ofis if stored else ()))


def visible_to_examiner(reviews: list[Review], examiner: str) -> list[Review]:
    """Blind review: only one's own entry, until one has submitted it; then all submitted."""
    own = next((r for r in reviews if r.examiner == examiner), None)
    if own is None or not own.submitted:
        return [own] if own else []
    return [r for r in reviews if r.examiner == examiner or r.submitted]


class EntryState(StrEnum):
    """Where an examiner's entry on an assigned item stands (all a progress view may show)."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"


def entry_state(review: Review | None) -> EntryState:
    if review is None:
        return EntryState.NOT_STARTED
    return EntryState.SUBMITTED if review.submitted else EntryState.DRAFT


@dataclass(frozen=True, slots=True)
class Tally:
    submitted: int
    assigned: int

    @property
    def complete(self) -> bool:
        return self.assigned > 0 and self.submitted == self.assigned


@dataclass(frozen=True, slots=True)
class ReviewProgress:
    """Who has submitted what: states of assigned (examiner, item) pairs only, never scores."""

    examiners: tuple[str, ...]
    items: tuple[str, ...]
    states: Mapping[tuple[str, str], EntryState]  # (examiner, item) -> state, assigned only

    def state(self, examiner: str, item_id: str) -> EntryState | None:
        """The entry's state, or None where the item is not assigned to the examiner."""
        return self.states.get((examiner, item_id))

    def items_of(self, examiner: str) -> list[tuple[str, EntryState]]:
        return [(item, state) for item in self.items
                if (state := self.state(examiner, item)) is not None]

    def _tally(self, cells: list[EntryState]) -> Tally:
        return Tally(sum(state is EntryState.SUBMITTED for state in cells), len(cells))

    def of_examiner(self, examiner: str) -> Tally:
        return self._tally([state for _, state in self.items_of(examiner)])

    def of_item(self, item_id: str) -> Tally:
        return self._tally([state for examiner in self.examiners
                            if (state := self.state(examiner, item_id)) is not None])

    @property
    def overall(self) -> Tally:
        return self._tally(list(self.states.values()))


def review_progress(assigned: Mapping[str, Collection[str]], reviews: Iterable[Review],
                    item_order: Sequence[str]) -> ReviewProgress:
    """Progress of the independent review, from each examiner's assigned items and the entries.

    Entries on items no longer assigned to their examiner (assignments can change) do not
    count: progress is measured against the current assignments.
    """
    by_pair = {(review.examiner, review.item): review for review in reviews}
    known_items = set(item_order)
    states = {
        (examiner, item): entry_state(by_pair.get((examiner, item)))
        for examiner, items in assigned.items() for item in items if item in known_items
    }
    return ReviewProgress(examiners=tuple(sorted(assigned)), items=tuple(item_order),
                          states=states)
