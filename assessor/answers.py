"""Answers to the framework's open questions, with a revision per answer.

Locks keep the file whole; revisions keep people's work: a save made from a page that showed an
older revision of an answer that has since changed is refused as a conflict, so the person sees
both texts instead of silently overwriting a colleague.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .access import Phase
from .repositories import AssessmentData

# What is not counted as a character: spaces, tabs, line breaks and the other Unicode spaces
# (the ideographic space U+3000 that indents Chinese paragraphs too). Written out, not `\s`,
# as Python's str.isspace and JavaScript's \s differ at the edges; static/app.js has this list.
WHITESPACE = re.compile("[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f"
                        "\u3000\ufeff]")

# The hard limit of one answer, in characters as counted below. The award's whole application
# report is 60,000 characters for 23 items (framework.limits), some 2,600 an item and a few
# hundred a question; no answer that belongs in an application comes near 20,000 (a third of
# the whole report), while a pasted manual does. An item page of a dozen answers at the limit
# (20,000 Chinese characters are 180 KB URL-encoded) still fits one request (MAX_CONTENT_LENGTH).
MAX_ANSWER_CHARS = 20_000
# Spaces and line breaks do not count, but are stored: a text may hold at most this many
# characters with them (three per counted character: padded Markdown tables stay far below).
MAX_ANSWER_LENGTH = 3 * MAX_ANSWER_CHARS


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    text: str
    revision: int
    updated_at: str
    updated_by: str
    # The earlier cycle's name when this text was carried over from it (next_cycle) and nobody
    # has changed or kept it since: a starting draft to check. "" for a text of this cycle.
    carried_over_from: str = ""

    @property
    def is_answered(self) -> bool:
        return bool(self.text.strip())

    @property
    def characters(self) -> int:
        return count_characters(self.text)


@dataclass(frozen=True, slots=True)
class AnswerEdit:
    """What a person submitted for one question, and the revision their page showed;
    `keep_as_is`: they reviewed a carried-over answer and keep its text unchanged."""

    question: str
    text: str
    base_revision: int
    keep_as_is: bool = False


@dataclass(frozen=True, slots=True)
class Conflict:
    """A save refused because someone else changed the answer since the page was loaded."""

    edit: AnswerEdit
    current: Answer


@dataclass(frozen=True, slots=True)
class SaveResult:
    saved: tuple[Answer, ...]
    conflicts: tuple[Conflict, ...]
    kept_as_is: tuple[str, ...] = ()  # the saved questions whose carried-over text was kept


def count_characters(text: str) -> int:
    """The length of a text as a Chinese writer counts it for the award (Word's 字符数, 不计空格):
    every character a reader sees, one each, whatever its script (中, a, 1, ，, 😀: one each,
    counted by code point, not by byte or UTF-16 unit), Markdown's marks included (**, -, |:
    what the writer sees in the box, and never less than the printed text), whitespace not
    (see WHITESPACE). static/app.js counts the same way while one types."""
    return len(text) - len(WHITESPACE.findall(text))


def answer_too_long(text: str) -> bool:
    """More characters than one answer may hold (or, with its spaces, more than it may store)."""
    if len(text) <= MAX_ANSWER_CHARS:  # the count is at most the length: no need to count
        return False
    return count_characters(text) > MAX_ANSWER_CHARS or len(text) > MAX_ANSWER_LENGTH


def unanswered(question_id: str) -> Answer:
    return Answer(question=question_id, text="", revision=0, updated_at="", updated_by="")


def load_answers(data: AssessmentData) -> Mapping[str, Answer]:
    """Every stored answer of an assessment, by question id."""
    return data.answers.all()


def decide(current: Mapping[str, Answer], edits: Iterable[AnswerEdit], now: str, user: str
           ) -> SaveResult:
    """Which edits become new revisions and which conflict; pure, so it is tested alone."""
    saved, conflicts, kept = [], [], []
    edits = list(edits)
    if len({edit.question for edit in edits}) != len(edits):
        raise ValueError("two edits of the same question in one save")
    for edit in edits:
        stored = current.get(edit.question, unanswered(edit.question))
        if edit.text == stored.text and not _kept_as_is(edit, stored):
            continue  # unchanged, or the same change made twice: nothing to save or dispute
        if edit.base_revision != stored.revision:
            conflicts.append(Conflict(edit=edit, current=stored))
            continue
        # A new text, or a carried-over text its writer keeps: either way a person has now
        # answered for it in this cycle, so it is no longer carried over.
        saved.append(Answer(question=edit.question, text=edit.text,
                            revision=stored.revision + 1, updated_at=now, updated_by=user))
        if edit.text == stored.text:
            kept.append(edit.question)
    return SaveResult(saved=tuple(saved), conflicts=tuple(conflicts), kept_as_is=tuple(kept))


def _kept_as_is(edit: AnswerEdit, stored: Answer) -> bool:
    """A carried-over answer its writer reviewed and keeps unchanged.

    Saving a page does not by itself clear the marks of the answers left untouched on it: a
    writer who updates one answer of an item has not reviewed the other nine. Keeping one as it
    is takes a tick of its own ("keep as is"), which stores a new revision by that writer
    without the mark, so the revision history says who vouched for the text and when.
    """
    return edit.keep_as_is and bool(stored.carried_over_from)


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
