"""Answers: which edits become revisions and which conflict, stale pages, the size limit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessor.answers import (
    MAX_ANSWER_CHARS,
    MAX_ANSWER_LENGTH,
    WHITESPACE,
    Answer,
    AnswerEdit,
    Conflict,
    SaveResult,
    answer_too_long,
    count_characters,
    decide,
    load_answers,
    save_answers,
    unanswered,
)
from assessor.criteria import load_framework
from assessor.organizations import AssessmentRecord
from assessor.storage.files import DataFile
from assessor.storage.store import Store

NOW = "2026-02-03T04:05:06+00:00"
EARLIER = "2026-01-01T00:00:00+00:00"


def _answer(question: str, text: str, revision: int, when: str = NOW, user: str = "me"
            ) -> Answer:
    return Answer(question=question, text=text, revision=revision, updated_at=when,
                  updated_by=user)


STORED = _answer("P.1.a", "stored text", 3, EARLIER, "earlier")
CURRENT = {STORED.question: STORED}
DECISIONS = [
    pytest.param(AnswerEdit("P.1.a", "stored text", 3), (), (), id="unchanged-skipped"),
    pytest.param(AnswerEdit("P.1.a", "stored text", 1), (), (), id="unchanged-from-stale-page"),
    pytest.param(AnswerEdit("P.1.b", "", 0), (), (), id="still-empty-skipped"),
    pytest.param(AnswerEdit("P.1.a", "my text", 2), (),
                 (Conflict(AnswerEdit("P.1.a", "my text", 2), STORED),), id="stale-base"),
    pytest.param(AnswerEdit("P.1.a", "my text", 4), (),
                 (Conflict(AnswerEdit("P.1.a", "my text", 4), STORED),), id="base-from-future"),
    pytest.param(AnswerEdit("P.1.b", "first", 0), (_answer("P.1.b", "first", 1),), (),
                 id="first-save-is-revision-1"),
    pytest.param(AnswerEdit("P.1.b", "first", 1), (),
                 (Conflict(AnswerEdit("P.1.b", "first", 1), unanswered("P.1.b")),),
                 id="base-for-a-never-saved-answer"),
    pytest.param(AnswerEdit("P.1.a", "my text", 3), (_answer("P.1.a", "my text", 4),), (),
                 id="revision-increments"),
    pytest.param(AnswerEdit("P.1.a", "", 3), (_answer("P.1.a", "", 4),), (),
                 id="clearing-is-a-revision"),
]


@pytest.mark.parametrize(("edit", "saved", "conflicts"), DECISIONS)
def test_decide(edit: AnswerEdit, saved: tuple[Answer, ...], conflicts: tuple[Conflict, ...]
                ) -> None:
    before = dict(CURRENT)
    assert decide(CURRENT, [edit], NOW, "me") == SaveResult(saved=saved, conflicts=conflicts)
    assert before == CURRENT  # pure: the current answers are left as they were


def test_decide_handles_each_edit_of_a_page_on_its_own() -> None:
    """One page's edits: each is saved, skipped or refused whatever the others, in order."""
    current = {
        **CURRENT,
        "P.1.c": _answer("P.1.c", "c", 1, EARLIER),
        "P.1.e": _answer("P.1.e", "e", 2, EARLIER),
    }
    edits = [
        AnswerEdit("P.1.a", "mine", 2),  # stale
        AnswerEdit("P.1.b", "new", 0),  # first save
        AnswerEdit("P.1.c", "c", 0),  # unchanged
        AnswerEdit("P.1.d", "new too", 0),  # first save
        AnswerEdit("P.1.e", "e changed", 2),  # up to date
    ]
    assert decide(current, edits, NOW, "me") == SaveResult(
        saved=(_answer("P.1.b", "new", 1), _answer("P.1.d", "new too", 1),
               _answer("P.1.e", "e changed", 3)),
        conflicts=(Conflict(edits[0], STORED),),
    )


# -- save_answers on an assessment's file ----------------------------------------------------
@pytest.fixture
def questions(framework_path: Path) -> tuple[str, str]:
    first, second, *_ = (q.id for q in load_framework(framework_path).iter_questions())
    return first, second


@pytest.fixture
def data_file(store: Store, assessment: AssessmentRecord) -> DataFile:
    return store.assessment_data(assessment.id)


def _shown_revision(data_file: DataFile, question: str) -> int:
    """The revision a freshly loaded page shows for this question."""
    return load_answers(data_file).get(question, unanswered(question)).revision


def test_stale_page_conflicts_instead_of_overwriting(data_file: DataFile,
                                                     questions: tuple[str, str]) -> None:
    question, other = questions
    # Both load the page while the question is unanswered.
    page_of_a = page_of_b = _shown_revision(data_file, question)
    assert page_of_a == 0

    a_saves = save_answers(data_file, [AnswerEdit(question, "A's text", page_of_a)],
                           now=EARLIER, user="A")
    assert a_saves == SaveResult(saved=(_answer(question, "A's text", 1, EARLIER, "A"),),
                                 conflicts=())

    # B's page still shows revision 0: B's answer is refused, B's other edit is saved.
    b_edit = AnswerEdit(question, "B's text", page_of_b)
    b_saves = save_answers(data_file, [b_edit, AnswerEdit(other, "B's other", 0)],
                           now=NOW, user="B")
    assert b_saves.saved == (_answer(other, "B's other", 1, NOW, "B"),)
    assert b_saves.conflicts == (Conflict(b_edit, a_saves.saved[0]),)
    assert load_answers(data_file)[question].text == "A's text"

    # Having seen A's text, B saves over the current revision on purpose.
    b_again = save_answers(
        data_file, [AnswerEdit(question, "B's merged text", b_saves.conflicts[0].current.revision)],
        now=NOW, user="B",
    )
    assert b_again == SaveResult(saved=(_answer(question, "B's merged text", 2, NOW, "B"),),
                                 conflicts=())
    assert load_answers(data_file) == {
        question: _answer(question, "B's merged text", 2, NOW, "B"),
        other: _answer(other, "B's other", 1, NOW, "B"),
    }


def test_saving_the_same_text_again_changes_nothing(data_file: DataFile,
                                                    questions: tuple[str, str]) -> None:
    question, _ = questions
    save_answers(data_file, [AnswerEdit(question, "text", 0)], now=EARLIER)
    before = data_file.path.read_bytes()
    # Even from a stale page: the same change made twice is nothing to dispute.
    assert save_answers(data_file, [AnswerEdit(question, "text", 0)], now=NOW) == \
        SaveResult(saved=(), conflicts=())
    assert data_file.path.read_bytes() == before


# -- characters as the award counts them, and one answer's limit -----------------------------
@pytest.mark.parametrize(("text", "count"), [
    pytest.param("", 0, id="empty"),
    pytest.param("质量管理", 4, id="chinese-one-each"),
    pytest.param("Quality first", 12, id="english-space-not-counted"),
    pytest.param("领导作用，战略；顾客？", 11, id="full-width-punctuation-counts"),
    pytest.param("\u3000\u3000本组织成立于1998年。", 12, id="ideographic-indent-not-counted"),
    pytest.param("line one\nline two\r\n\tthree", 19, id="line-breaks-and-tabs-not-counted"),
    pytest.param("**粗体** - 列表 | 表 |", 12, id="markdown-marks-count"),
    pytest.param("😀𠀀a", 3, id="code-points-not-utf16-units"),  # 𠀀: CJK extension B
    pytest.param("a\u00a0b\u2003c\u202fd\ufeff", 4, id="unicode-spaces-not-counted"),
])
def test_count_characters_counts_what_a_reader_sees_but_no_whitespace(text: str, count: int
                                                                        ) -> None:
    assert count_characters(text) == count
    assert Answer("P.1.a", text, 1, NOW, "me").characters == count


def test_app_js_leaves_out_the_same_whitespace() -> None:
    """The browser counts while one types; it must agree with the server to the character."""
    script = (Path(__file__).resolve().parents[1] / "static" / "app.js").read_text()
    match = re.search(r"const WHITESPACE = /(\[[^\]]+\])/gu;", script)
    assert match, "app.js names its whitespace in a WHITESPACE regular expression"
    in_js = re.compile(match.group(1))  # \t \n \uXXXX ranges: the same syntax in both
    every = [chr(code) for code in range(0x10000)] + ["\U00020000"]
    assert [c for c in every if in_js.match(c)] == [c for c in every if WHITESPACE.match(c)]


@pytest.mark.parametrize(("text", "too_long"), [
    pytest.param("a" * MAX_ANSWER_CHARS, False, id="english-at-limit"),
    pytest.param("a" * (MAX_ANSWER_CHARS + 1), True, id="english-one-over"),
    pytest.param("质" * MAX_ANSWER_CHARS, False, id="chinese-as-many-as-english"),  # 60 KB UTF-8
    pytest.param("质" * (MAX_ANSWER_CHARS + 1), True, id="chinese-one-over"),
    pytest.param("😀" * MAX_ANSWER_CHARS, False, id="emoji-at-limit"),
    pytest.param("word " * (MAX_ANSWER_CHARS // 4), False, id="spaces-not-counted"),
    pytest.param("a" + " " * MAX_ANSWER_LENGTH, True, id="too-much-blank-space-to-store"),
    pytest.param("", False, id="empty"),
])
def test_answer_too_long_counts_characters(text: str, too_long: bool) -> None:
    assert answer_too_long(text) is too_long
