"""Answers to the framework's open questions, with a revision per answer.

Locks keep the file whole; revisions keep people's work: a save made from a page that showed an
older revision of an answer that has since changed is refused as a conflict, so the person sees
both texts instead of silently overwriting a colleague.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .access import Phase
from .repositories import AssessmentData

MAX_ANSWER_BYTES = 100_000


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    text: str
    revision: int
    updated_at: str
    updated_by: str

    @property
    def is_answered(self) -> bool:
        return bool(self.text.strip())


@dataclass(frozen=True, slots=True)
class AnswerEdit:
    """What a person submitted for one question, and the revision their page showed."""

    question: str
    text: str
    base_revision: int


@dataclass(frozen=True, slots=True)
class Conflict:
    """A save refused because someone else changed the answer since the page was loaded."""

    edit: AnswerEdit
    current: Answer


@dataclass(frozen=True, slots=True)
class SaveResult:
    saved: tuple[Answer, ...]
    conflicts: tuple[Conflict, ...]


def answer_too_long(text: str) -> bool:
    return len(text.encode("utf-8")) > MAX_ANSWER_BYTES


def unanswered(question_id: str) -> Answer:
    return Answer(question=question_id, text="", revision=0, updated_at="", updated_by="")


def load_answers(data: AssessmentData) -> Mapping[str, Answer]:
    """Every stored answer of an assessment, by question id."""
    return data.answers.all()


def decide(current: Mapping[str, Answer], edits: Iterable[AnswerEdit], now: str, user: str
           ) -> SaveResult:
    """Which edits become new revisions and which conflict; pure, so it is tested alone."""
    saved, conflicts = [], []
    edits = list(edits)
    if len({edit.question for edit in edits}) != len(edits):
        raise ValueError("two edits of the same question in one save")
    for edit in edits:
        stored = current.get(edit.question, unanswered(edit.question))
        if edit.text == stored.text:
            continue  # unchanged, or the same change made twice: nothing to save or dispute
        if edit.base_revision != stored.revision:
            conflicts.append(Conflict(edit=edit, current=stored))
            continue
        saved.append(Answer(question=edit.question, text=edit.text,
                            revision=stored.revision + 1, updated_at=now, updated_by=user))
    return SaveResult(saved=tuple(saved), conflicts=tuple(conflicts))


def save_answers(data: AssessmentData, edits: Iterable[AnswerEdit], now: str, user: str = "",
                 expected_phase: Phase | None = None) -> SaveResult:
    """Apply the edits that do not conflict, in one atomic write; with `expected_phase`, only
    while the assessment is still in that phase (else PhaseChanged, nothing saved)."""
    edits = list(edits)
    return data.answers.save({edit.question for edit in edits},
                             lambda current: decide(current, edits, now, user), expected_phase)


def revisions_to_show(edits: Iterable[AnswerEdit], stored: Mapping[str, Answer],
                      conflicts: Iterable[Conflict]) -> dict[str, int]:
    """After a partly conflicting save, the revision each page field carries from now on.

    A conflicting answer takes the newer revision, so that saving again is a deliberate choice
    over the other person's text; an answer just saved (its text now stored) takes its new
    revision, so that it does not conflict with itself. Others keep what the page had.
    """
    conflicting = {conflict.edit.question for conflict in conflicts}
    revisions = {}
    for edit in edits:
        current = stored.get(edit.question, unanswered(edit.question))
        if edit.question in conflicting or current.text == edit.text:
            revisions[edit.question] = current.revision
    return revisions
