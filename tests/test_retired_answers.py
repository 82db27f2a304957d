"""Which answers to retired questions the pages show, and where they say the text belongs now."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask.testing import FlaskClient

from assessor.answers import Answer, AnswerEdit, save_answers
from assessor.criteria import Framework, load_framework
from assessor.progress import assessment_progress
from assessor.retired_answers import retired_answers, retired_answers_by_item

if TYPE_CHECKING:  # where these live is being refactored; the tests need them only as types
    from assessor.storage.store import AssessmentRecord, Store

MINIMAL = Path(__file__).parent / "fixtures" / "criteria" / "minimal.yaml"


def answer(question: str, text: str) -> Answer:
    return Answer(question=question, text=text, revision=1, updated_at="2026-01-01T00:00:00Z",
                  updated_by="writer")


@pytest.fixture
def framework(framework_path: Path) -> Framework:
    return load_framework(framework_path)


def test_only_retired_questions_with_text_are_shown(framework: Framework) -> None:
    item = framework.item("4.5.3")
    answers = {
        "4.5.3.a": answer("4.5.3.a", "Standard work in every cell."),  # asked: on the form
        "4.5.3.g": answer("4.5.3.g", "We match the method to the problem."),
        "4.5.3.h": answer("4.5.3.h", "  \n"),  # blank: nothing to show
        # 4.5.3.j: never answered
    }
    [shown] = retired_answers(framework, item, answers)
    assert shown.question.id == "4.5.3.g" and shown.question.is_retired
    assert shown.answer is answers["4.5.3.g"]
    assert shown.merged_into is not None and shown.merged_into.id == "4.6.3.b"
    assert shown.merged_into_item is framework.item("4.6.3")  # another item: link to its page
    assert "4.6.3" in shown.reason


def test_answers_in_the_file_order_of_the_retired_questions(framework: Framework) -> None:
    answers = {qid: answer(qid, "text") for qid in ("4.5.3.j", "4.5.3.g", "4.5.3.h")}
    shown = retired_answers(framework, framework.item("4.5.3"), answers)
    assert [(s.question.id, s.merged_into.id if s.merged_into else None) for s in shown] == [
        ("4.5.3.g", "4.6.3.b"), ("4.5.3.h", "4.6.2.h"), ("4.5.3.j", "4.6.3.h")]


def test_a_question_retired_without_a_successor() -> None:
    framework = load_framework(MINIMAL)
    answers = {"4.7.2.c": answer("4.7.2.c", "Two design awards."),
               "4.7.2.b": answer("4.7.2.b", "Falling.")}
    merged, dropped = retired_answers(framework, framework.item("4.7.2"), answers)
    assert merged.merged_into is not None and merged.merged_into.id == "4.7.2.a"
    assert merged.merged_into_item is framework.item("4.7.2")  # merged within its own item
    assert (dropped.question.id, dropped.merged_into, dropped.merged_into_item) == (
        "4.7.2.c", None, None)
    assert dropped.reason == "No longer asked on its own."


def test_by_item_lists_only_items_with_something_to_show(framework: Framework) -> None:
    answers = {"4.1.4.e": answer("4.1.4.e", "Compliance risk register."),
               "4.1.4.d": answer("4.1.4.d", "Legal register."),
               "4.1.2.a": answer("4.1.2.a", "Yearly.")}
    by_item = retired_answers_by_item(framework, answers)
    assert list(by_item) == ["4.1.4"]
    assert [s.question.id for s in by_item["4.1.4"]] == ["4.1.4.e"]
    assert retired_answers_by_item(framework, {}) == {}


def test_retired_answers_do_not_count_as_progress(framework: Framework) -> None:
    """Progress counts the questions asked; an answer to a retired one neither adds nor counts."""
    retired = {q.id: answer(q.id, "old text") for q in framework.iter_retired_questions()}
    progress = assessment_progress(framework, retired)
    assert progress.overall.answered == 0
    assert progress.items["4.5.3"].total == len(framework.item("4.5.3").questions)


# -- the pages ----------------------------------------------------------------------------------

def _assessment_data(store: Store, assessment_id: str):  # type: ignore[no-untyped-def]
    """Where an assessment's answers are saved (store.assessment_data since the storage
    refactoring, store.assessment_file before it)."""
    getter = getattr(store, "assessment_data", None) or store.assessment_file
    return getter(assessment_id)


def test_pages_show_an_answer_to_a_retired_question_read_only(
        client: FlaskClient, store: Store, assessment: AssessmentRecord) -> None:
    old_text = "We match the **method** to the problem."
    save_answers(_assessment_data(store, assessment.id),
                 [AnswerEdit("4.5.3.g", old_text, 0), AnswerEdit("4.5.3.h", " ", 0)],
                 now="2026-01-01T00:00:00+00:00", user="writer")
    merged_into = f'href="/a/{assessment.id}/items/4.6.3#q-4.6.3.b"'

    page = client.get(f"/a/{assessment.id}/items/4.5.3").get_data(as_text=True)
    assert "Answers to retired questions" in page
    assert "Retired question (merged into 4.6.3.b)" in page
    assert "We match the <strong>method</strong> to the problem." in page
    assert merged_into in page  # where the text belongs now
    assert 'id="retired-4.5.3.g"' in page and 'id="retired-4.5.3.h"' not in page  # blank: not
    assert "answer_4_5_3_g" not in page  # read-only: no field, so saving the page leaves it be
    assert "0/9" in page  # progress counts the 9 questions asked

    everything = client.get(f"/a/{assessment.id}/answers").get_data(as_text=True)
    assert "We match the <strong>method</strong> to the problem." in everything
    assert merged_into in everything
    assert everything.count("Answers to retired questions") == 1  # only under 4.5.3

    other = client.get(f"/a/{assessment.id}/items/4.6.3").get_data(as_text=True)
    assert "Answers to retired questions" not in other
