"""Turn a validated framework YAML file into immutable model objects."""

from __future__ import annotations

import functools
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .model import (
    Band,
    Category,
    Dimension,
    Framework,
    Guideline,
    Item,
    ItemKind,
    Limits,
    OverallBand,
    Profile,
    ProfilePart,
    Question,
    Retirement,
    Scoring,
    Text,
)
from .validation import FrameworkValidator, Problem
from .yaml_source import YamlProblem, load_located


class FrameworkError(Exception):
    """A framework file that cannot be used; `problems` says what is wrong and where."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def check_framework(path: Path) -> tuple[Any, list[Problem]]:
    """Parse and validate a file: the raw tree and its problems (empty when it is usable)."""
    try:
        raw = load_located(path)
    except YamlProblem as problem:
        return None, [Problem(str(path), "file", problem.line, problem.message)]
    return raw, FrameworkValidator(str(path)).validate(raw)


def load_framework(path: Path | str) -> Framework:
    """Load a framework file; raise FrameworkError listing every problem if it is invalid."""
    path = Path(path)
    raw, problems = check_framework(path)
    if problems:
        raise FrameworkError(problems)
    return _build(raw, source=str(path))


@functools.lru_cache(maxsize=16)
def cached_framework(path: str) -> Framework:
    """The framework at this (resolved) path, loaded once per process."""
    return load_framework(path)


def _text(node: dict) -> Text:
    return Text(zh=node["zh"].strip(), en=node["en"].strip())


def _question(node: dict) -> Question:
    retired = node.get("retired")
    return Question(
        id=node["id"],
        text=_text(node["text"]),
        changes=tuple(note.strip() for note in node.get("changes", ())),
        context=node.get("context", False),
        retired=None if retired is None else Retirement(
            reason=_text(retired["reason"]), merged_into=retired.get("merged_into")),
    )


def _questions(node: dict, key: str = "questions") -> tuple[Question, ...]:
    return tuple(_question(q) for q in node.get(key, ()))


def _guideline(node: dict) -> Guideline:
    dimensions = tuple(
        Dimension(id=d["id"], title=_text(d["title"]), question=_text(d["question"]),
                  prompt=_text(d["prompt"]) if "prompt" in d else None)
        for d in node["dimensions"]
    )
    bands = tuple(
        Band(
            min=b["min"],
            max=b["max"],
            summary=_text(b["summary"]),
            dimensions=MappingProxyType(
                {d.id: _text(b["dimensions"][d.id]) for d in dimensions}
            ),
        )
        for b in node["bands"]
    )
    return Guideline(dimensions=dimensions, bands=bands)


def _build(raw: dict, source: str) -> Framework:
    header = raw["framework"]
    profile = raw["profile"]
    scoring = raw["scoring"]
    categories = tuple(
        Category(
            id=c["id"],
            title=_text(c["title"]),
            points=c["points"],
            items=tuple(
                Item(
                    id=i["id"],
                    title=_text(i["title"]),
                    points=i["points"],
                    kind=ItemKind(i["kind"]),
                    questions=_questions(i),
                    category_id=c["id"],
                    retired_questions=_questions(i, "retired_questions"),
                )
                for i in c["items"]
            ),
        )
        for c in raw["categories"]
    )
    return Framework(
        id=header["id"],
        title=_text(header["title"]),
        version=str(header.get("version", "")),
        total_points=header["total_points"],
        limits=Limits(**header.get("limits", {})),
        profile=Profile(
            id=profile.get("id", "P"),
            title=_text(profile["title"]),
            parts=tuple(
                ProfilePart(id=p["id"], title=_text(p["title"]), questions=_questions(p))
                for p in profile["parts"]
            ),
        ),
        categories=categories,
        scoring=Scoring(
            step=scoring["step"],
            guidelines=MappingProxyType(
                {kind: _guideline(scoring[kind.value]) for kind in ItemKind}
            ),
            overall=tuple(
                OverallBand(
                    band=b["band"],
                    min=b["min"],
                    max=b["max"],
                    title=_text(b["title"]),
                    summary=_text(b["summary"]),
                )
                for b in scoring["overall"]
            ),
        ),
        source=source,
    )
