"""How much of a framework an assessment has answered, per item, category and in all, and how
long its answers are in characters, counted as the award counts them (answers.count_characters:
every character but whitespace, Markdown's marks included)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .answers import Answer
from .criteria import Framework, Item, Question
from .repositories import AssessmentData


@dataclass(frozen=True, slots=True)
class Progress:
    answered: int
    total: int
    characters: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.answered == self.total

    def __add__(self, other: Progress) -> Progress:
        return Progress(self.answered + other.answered, self.total + other.total,
                        self.characters + other.characters)


NONE = Progress(0, 0, 0)


def of_questions(questions: Iterable[Question], answers: Mapping[str, Answer]) -> Progress:
    answered = characters = total = 0
    for question in questions:
        total += 1
        answer = answers.get(question.id)
        if answer is not None and answer.is_answered:
            answered += 1
            characters += answer.characters
    return Progress(answered, total, characters)


@dataclass(frozen=True, slots=True)
class AssessmentProgress:
    profile: Progress
    items: Mapping[str, Progress]
    categories: Mapping[str, Progress]

    @property
    def scored_part(self) -> Progress:
        """The categories' questions (what the self-assessment report is made of)."""
        return sum(self.categories.values(), NONE)

    @property
    def overall(self) -> Progress:
        return self.profile + self.scored_part


def assessment_progress(framework: Framework, answers: Mapping[str, Answer]
                        ) -> AssessmentProgress:
    profile = sum((of_questions(p.questions, answers) for p in framework.profile.parts), NONE)
    items = {item.id: of_questions(item.questions, answers) for item in framework.items}
    categories = {
        category.id: sum((items[item.id] for item in category.items), NONE)
        for category in framework.categories
    }
    return AssessmentProgress(profile=profile, items=items, categories=categories)


def stored_progress(data: AssessmentData, framework: Framework) -> AssessmentProgress:
    """assessment_progress() of the stored answers, worked out once per version of the data
    (the home page, the overview and read-all-answers all show it)."""
    return data.derived("progress", lambda: assessment_progress(framework, data.answers.all()))


@dataclass(frozen=True, slots=True)
class LengthBudget:
    """The part of the application a page of questions belongs to (the profile, or the
    self-assessment report made of every item) and its length limit in characters (0: none);
    `elsewhere` is what the part's answers on other pages already count, so a page adds its own
    answers as they are typed to know the part's length."""

    part: str  # "profile" or "report"
    limit: int
    elsewhere: int

    def total(self, on_page: int) -> int:
        return self.elsewhere + on_page

    def over(self, on_page: int) -> bool:
        return bool(self.limit) and self.total(on_page) > self.limit


def length_budget(framework: Framework, answers: Mapping[str, Answer], item: Item | None
                  ) -> LengthBudget:
    """The budget of the profile's page (item None) or of an item's page."""
    if item is None:
        return LengthBudget("profile", framework.limits.profile_chars, 0)
    elsewhere = sum(of_questions(other.questions, answers).characters
                    for other in framework.items if other.id != item.id)
    return LengthBudget("report", framework.limits.report_chars, elsewhere)
