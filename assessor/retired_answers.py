"""Answers given to questions the criteria no longer ask, and where their text belongs now.

A revision of the criteria may retire a question: merged into another one, or dropped. Its id
keeps its meaning, so an answer stored under it is never lost; the pages show it read-only below
the item's questions, with a note saying which question now asks for that content.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .answers import Answer
from .criteria import Framework, Item, Question


@dataclass(frozen=True, slots=True)
class RetiredAnswer:
    """A stored, non-empty answer to a retired question of an item."""

    question: Question  # the retired question
    answer: Answer
    merged_into: Question | None  # the question asked now that took over its content, if any
    merged_into_item: Item | None  # that question's item (None for a profile question)

    @property
    def reason(self) -> str:
        """Why the question was retired, in English (the Text is on question.retired)."""
        return self.question.retired.reason.en if self.question.retired else ""


def retired_answers(framework: Framework, item: Item, answers: Mapping[str, Answer]
                    ) -> tuple[RetiredAnswer, ...]:
    """The item's retired questions that have a stored, non-empty answer, in the file's order."""
    shown = []
    for question in item.retired_questions:
        answer = answers.get(question.id)
        if answer is None or not answer.is_answered:
            continue
        target_id = question.retired.merged_into if question.retired else None
        target = framework.question(target_id) if target_id else None
        shown.append(RetiredAnswer(
            question=question, answer=answer, merged_into=target,
            merged_into_item=framework.item_of(target_id) if target_id else None,
        ))
    return tuple(shown)


def retired_answers_by_item(framework: Framework, answers: Mapping[str, Answer]
                            ) -> dict[str, tuple[RetiredAnswer, ...]]:
    """For every item with answers to retired questions, those answers (items without: absent)."""
    by_item = {item.id: retired_answers(framework, item, answers) for item in framework.items}
    return {item_id: shown for item_id, shown in by_item.items() if shown}
