"""Answers to the framework's open questions, with a revision per answer.

Locks keep the file whole; revisions keep people's work: a save made from a page that showed an
older revision of an answer that has since changed is refused as a conflict, so the person sees
both texts instead of silently overwriting a colleague.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .storage.files import CorruptDataFile, DataFile

ANSWERS_TABLE = "answers"
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


def _answer(doc: Mapping) -> Answer:
    answer = Answer(
        question=doc["question"], text=doc["text"], revision=doc["revision"],
        updated_at=doc["updated_at"], updated_by=doc.get("updated_by", ""),
    )
    if not (isinstance(answer.question, str) and isinstance(answer.text, str)
            and isinstance(answer.revision, int)):
        raise TypeError("question and text must be strings, revision a number")
    return answer


def load_answers(data_file: DataFile) -> dict[str, Answer]:
    """Every stored answer of an assessment, by question id."""
    answers = {}
    for number, doc in enumerate(data_file.documents(ANSWERS_TABLE), start=1):
        try:
            answer = _answer(doc)
        except (KeyError, TypeError) as error:
            raise CorruptDataFile(data_file.path, f"answer document {number} is malformed "
                                  f"({error!r}); restore the file from a backup") from error
        answers[answer.question] = answer
    return answers


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


def save_answers(data_file: DataFile, edits: Iterable[AnswerEdit], now: str, user: str = ""
                 ) -> SaveResult:
    """Apply the edits that do not conflict, in one locked, atomic write."""
    edits = list(edits)
    with data_file.transaction() as db:
        table = db.table(ANSWERS_TABLE)
        wanted = {edit.question for edit in edits}
        stored_docs = {doc["question"]: doc for doc in table if doc["question"] in wanted}
        result = decide({q: _answer(d) for q, d in stored_docs.items()}, edits, now, user)
        for answer in result.saved:
            fields = {name: getattr(answer, name) for name in Answer.__slots__}
            if answer.question in stored_docs:
                table.update(fields, doc_ids=[stored_docs[answer.question].doc_id])
            else:
                table.insert(fields)
    return result

