"""Typed, immutable objects for a performance-excellence framework (criteria as data).

The loader builds these once per process from a YAML file; everything else in assessor reads them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

LANGUAGES = ("zh", "en")


@dataclass(frozen=True, slots=True)
class Text:
    """One piece of text in every language the framework carries."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class ItemKind(StrEnum):
    PROCESS = "process"
    RESULTS = "results"


@dataclass(frozen=True, slots=True)
class Retirement:
    """Why a question is no longer asked, and which question took over its content (if any)."""

    reason: Text
    merged_into: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    """An open question. Its id keeps one meaning for good: answers are stored under it.

    `changes` are the file's notes on how the wording changed between revisions; `context` marks
    a question that asks for facts setting the context (what), not for an approach to be scored;
    a `retired` question is no longer asked, but answers given to it stay readable.
    """

    id: str
    text: Text
    changes: tuple[str, ...] = ()
    context: bool = False
    retired: Retirement | None = None

    @property
    def is_retired(self) -> bool:
        return self.retired is not None


@dataclass(frozen=True, slots=True)
class Item:
    """A scored item. `questions` are the ones asked (what writers answer and progress counts);
    `retired_questions` are no longer asked, kept so that answers given to them stay visible."""

    id: str
    title: Text
    points: int
    kind: ItemKind
    questions: tuple[Question, ...]
    category_id: str
    retired_questions: tuple[Question, ...] = ()

    def points_for(self, percent: int | None) -> float:
        """The points a score earns: the item's points times the percentage (none: 0)."""
        return self.points * (percent or 0) / 100


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    title: Text
    points: int
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class ProfilePart:
    id: str
    title: Text
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    title: Text
    parts: tuple[ProfilePart, ...]


@dataclass(frozen=True, slots=True)
class Dimension:
    """A scoring dimension (ADLI or LeTCI). `question` is what an examiner asks of an answer;
    `prompt`, when the file gives one, says briefly what a writer covers in every answer."""

    id: str
    title: Text
    question: Text
    prompt: Text | None = None

    @property
    def answer_prompt(self) -> Text:
        """What a writer covers for this dimension: the prompt, else the examiner's question."""
        return self.prompt if self.prompt is not None else self.question


@dataclass(frozen=True, slots=True)
class Band:
    """A range of item percentages (inclusive) with its descriptors."""

    min: int
    max: int
    summary: Text
    dimensions: Mapping[str, Text]

    @property
    def label(self) -> str:
        return f"{self.min}-{self.max}%"


@dataclass(frozen=True, slots=True)
class Guideline:
    """The scoring guideline for one kind of item: its dimensions (ADLI or LeTCI) and bands."""

    dimensions: tuple[Dimension, ...]
    bands: tuple[Band, ...]

    def band_for(self, percent: int) -> Band:
        """The band holding this score; scores are on the scale's steps (0, 5, 10, ...)."""
        for band in self.bands:
            if band.min <= percent <= band.max:
                return band
        raise ValueError(f"{percent}% is outside every scoring band")


@dataclass(frozen=True, slots=True)
class OverallBand:
    band: int
    min: int
    max: int
    title: Text
    summary: Text


@dataclass(frozen=True, slots=True)
class Scoring:
    step: int
    guidelines: Mapping[ItemKind, Guideline]
    overall: tuple[OverallBand, ...]

    def overall_band(self, total_points: float) -> OverallBand:
        rounded = math.floor(total_points + 0.5)  # award practice rounds half up
        for band in self.overall:
            if band.min <= rounded <= band.max:
                return band
        raise ValueError(f"{total_points} points is outside every overall band")


@dataclass(frozen=True, slots=True)
class Limits:
    """Length limits of an award application, in characters (0 means no limit)."""

    profile_chars: int = 0
    report_chars: int = 0


@dataclass(frozen=True, slots=True)
class Framework:
    id: str
    title: Text
    version: str
    total_points: int
    limits: Limits
    profile: Profile
    categories: tuple[Category, ...]
    scoring: Scoring
    source: str = ""
    _items: Mapping[str, Item] = field(init=False, repr=False, compare=False)
    _questions: Mapping[str, Question] = field(init=False, repr=False, compare=False)
    _item_of: Mapping[str, Item] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        items = {item.id: item for category in self.categories for item in category.items}
        questions = {q.id: q for part in self.profile.parts for q in part.questions}
        item_of = {}
        for item in items.values():
            for question in (*item.questions, *item.retired_questions):
                questions[question.id] = question
                item_of[question.id] = item
        object.__setattr__(self, "_items", MappingProxyType(items))
        object.__setattr__(self, "_questions", MappingProxyType(questions))
        object.__setattr__(self, "_item_of", MappingProxyType(item_of))

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(self._items.values())

    def item(self, item_id: str) -> Item:
        """The item with this id; KeyError if the framework has none."""
        return self._items[item_id]

    def question(self, question_id: str) -> Question:
        """The question with this id, asked or retired; KeyError if the framework has none."""
        return self._questions[question_id]

    def has_question(self, question_id: str) -> bool:
        """Whether this id names a question of the framework, asked or retired."""
        return question_id in self._questions

    def item_of(self, question_id: str) -> Item | None:
        """The item a question (asked or retired) belongs to; None for a profile question."""
        if question_id not in self._questions:
            raise KeyError(question_id)
        return self._item_of.get(question_id)

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)

    def neighbours(self, item_id: str) -> tuple[Item | None, Item | None]:
        """The items before and after this one, in framework order."""
        order = list(self._items)
        if item_id not in self._items:
            raise KeyError(item_id)
        index = order.index(item_id)
        before = self._items[order[index - 1]] if index > 0 else None
        after = self._items[order[index + 1]] if index + 1 < len(order) else None
        return before, after

    def answer_prompts(self, item: Item | None) -> tuple[Dimension, ...]:
        """The fixed sub-prompts every answer on an item's page covers: the results guideline's
        dimensions (levels, trends, comparisons, integration) for a results item, whose questions
        ask only which measures and what they show; none for a process item or the profile."""
        if item is None or item.kind is not ItemKind.RESULTS:
            return ()
        return self.scoring.guidelines[ItemKind.RESULTS].dimensions

    def iter_questions(self) -> Iterator[Question]:
        """Every question asked (not the retired ones), profile first, in framework order."""
        for part in self.profile.parts:
            yield from part.questions
        for item in self._items.values():
            yield from item.questions

    def iter_retired_questions(self) -> Iterator[Question]:
        """Every retired question, in framework order."""
        for item in self._items.values():
            yield from item.retired_questions
