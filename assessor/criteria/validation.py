"""Check a framework file's raw YAML tree and report every problem with its entry and line.

Validation runs before any object is built, so the builder can trust its input and a person
fixing a file sees all of its problems at once, not one per run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from .model import LANGUAGES, ItemKind, Limits
from .yaml_source import LocatedDict

CATEGORY_ID = re.compile(r"^[0-9]+(\.[0-9]+)*$")
PROFILE_PART_ID = re.compile(r"^[A-Z]+\.[0-9]+$")
LIMIT_KEYS = tuple(f.name for f in fields(Limits))
RETIREMENT_KEYS = ("reason", "merged_into")


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    entry: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.entry}: {self.message}"


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class FrameworkValidator:
    """Walks the raw tree of one file; `problems` lists what is wrong, in file order."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self._seen_ids: dict[str, int | None] = {}
        self._asked_ids: set[str] = set()  # questions asked (not retired)
        self._merges: list[tuple[str, LocatedDict]] = []  # (retired id, its 'retired' mapping)

    # -- reporting -------------------------------------------------------------------------
    def _report(self, entry: str, node: Any, message: str, key: str | None = None) -> None:
        line = None
        if isinstance(node, LocatedDict):
            line = node.line_of(key) if key else node.line
        else:
            line = getattr(node, "line", None)
        self.problems.append(Problem(self.file, entry, line, message))

    def _mapping(self, node: Any, entry: str, parent: Any = None) -> LocatedDict | None:
        if isinstance(node, LocatedDict):
            return node
        self._report(entry, parent if node is None else node, "must be a mapping (key: value)")
        return None

    def _list(self, node: LocatedDict, key: str, entry: str) -> list:
        value = node.get(key)
        if isinstance(value, list) and value:
            return value
        state = "is missing" if value is None else "must be a non-empty list"
        self._report(entry, node, f"'{key}' {state}", key)
        return []

    def _text(self, node: LocatedDict, key: str, entry: str) -> None:
        value = node.get(key)
        if not isinstance(value, LocatedDict):
            self._report(entry, node, f"'{key}' must map each language ({', '.join(LANGUAGES)}) "
                         "to its text", key)
            return
        for lang in LANGUAGES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self._report(entry, value, f"missing translation '{lang}' in '{key}'",
                             lang if lang in value else None)

    def _points(self, node: LocatedDict, key: str, entry: str) -> int | None:
        value = node.get(key)
        if _is_count(value) and value > 0:
            return value
        self._report(entry, node, f"'{key}' must be a whole number above 0, not {value!r}", key)
        return None

    def _id(self, node: LocatedDict, entry_kind: str, pattern: re.Pattern[str],
            expected: str) -> str:
        """Check an entry's id (format and uniqueness); return it, or '?' if unusable."""
        raw = node.get("id")
        if not isinstance(raw, str):
            self._report(entry_kind, node, f"'id' must be a quoted string like {expected}, "
                         f"not {raw!r}", "id")
            return "?"
        entry = f"{entry_kind} {raw}"
        if not pattern.fullmatch(raw):
            self._report(entry, node, f"malformed id '{raw}' (expected something like "
                         f"{expected})", "id")
        if raw in self._seen_ids:
            first = self._seen_ids[raw]
            self._report(entry, node, f"duplicate id '{raw}' (first used on line {first})", "id")
        else:
            self._seen_ids[raw] = node.line_of("id")
        return raw

    # -- the tree ----------------------------------------------------------------------------
    def validate(self, root: Any) -> list[Problem]:
        root = self._mapping(root, "file")
        if root is None:
            return self.problems
        header = self._mapping(root.get("framework"), "framework", root)
        total = self._framework_header(header) if header else None
        profile = self._mapping(root.get("profile"), "profile", root)
        if profile:
            self._profile(profile)
        self._categories(root, total)
        self._merge_targets()
        scoring = self._mapping(root.get("scoring"), "scoring", root)
        if scoring:
            self._scoring(scoring, total)
        return self.problems

    def _framework_header(self, header: LocatedDict) -> int | None:
        if not isinstance(header.get("id"), str) or not header["id"]:
            self._report("framework", header, "'id' must be a non-empty string", "id")
        self._text(header, "title", "framework")
        limits = header.get("limits", {})
        if not isinstance(limits, dict):
            self._report("framework", header, "'limits' must map limit names to numbers of "
                         "characters", "limits")
        else:
            for key, value in limits.items():
                if key not in LIMIT_KEYS:
                    self._report("framework.limits", limits, f"unknown limit '{key}' (known: "
                                 f"{', '.join(LIMIT_KEYS)})", key)
                elif not _is_count(value) or value < 0:
                    self._report("framework.limits", limits, f"'{key}' must be a whole number "
                                 "of characters (0 for no limit)", key)
        return self._points(header, "total_points", "framework")

    def _questions(self, node: LocatedDict, parent_id: str, entry: str,
                   retired_allowed: bool = False) -> None:
        """The questions asked, and (in an item) the retired ones kept for their answers."""
        pattern = re.compile(rf"^{re.escape(parent_id)}\.[a-z]+$")
        for raw in self._list(node, "questions", entry):
            question = self._mapping(raw, f"{entry} question", node)
            if question:
                self._question(question, pattern, parent_id, retired=False)
        if not retired_allowed or "retired_questions" not in node:
            return
        retired = node["retired_questions"]
        if not isinstance(retired, list):
            self._report(entry, node, "'retired_questions' must be a list of questions",
                         "retired_questions")
            return
        for raw in retired:
            question = self._mapping(raw, f"{entry} retired question", node)
            if question:
                self._question(question, pattern, parent_id, retired=True)

    def _question(self, question: LocatedDict, pattern: re.Pattern[str], parent_id: str,
                  retired: bool) -> None:
        qid = self._id(question, "question", pattern, f"{parent_id}.a")
        entry = f"question {qid}"
        self._text(question, "text", entry)
        changes = question.get("changes", ["-"])
        if not (isinstance(changes, list) and changes
                and all(isinstance(note, str) and note.strip() for note in changes)):
            self._report(entry, question, "'changes' must be a list of notes (one string each)",
                         "changes")
        if not isinstance(question.get("context", False), bool):
            self._report(entry, question, "'context' must be true or false", "context")
        if not retired:
            if qid != "?":
                self._asked_ids.add(qid)
            if "retired" in question:
                self._report(entry, question, "a question that is no longer asked belongs under "
                             "its item's 'retired_questions', not 'questions'", "retired")
            return
        retirement = question.get("retired")
        if not isinstance(retirement, LocatedDict):
            self._report(entry, question, "a retired question needs 'retired' with its 'reason' "
                         "(and 'merged_into' if another question took its place)", "retired")
            return
        self._text(retirement, "reason", entry)
        for key in retirement:
            if key not in RETIREMENT_KEYS:
                self._report(entry, retirement, f"unknown key '{key}' in 'retired' (known: "
                             f"{', '.join(RETIREMENT_KEYS)})", key)
        if "merged_into" in retirement:
            self._merges.append((qid, retirement))

    def _merge_targets(self) -> None:
        """A retired question merged into another names a question that is still asked."""
        for qid, retirement in self._merges:
            target = retirement["merged_into"]
            entry = f"question {qid}"
            if not isinstance(target, str):
                self._report(entry, retirement, f"'merged_into' must be a quoted question id "
                             f"like \"4.1.2.a\", not {target!r}", "merged_into")
            elif target in self._asked_ids:
                continue
            elif target in self._seen_ids:
                self._report(entry, retirement, f"merged_into '{target}' is not a question that "
                             "is still asked (it is retired, or not a question)", "merged_into")
            else:
                self._report(entry, retirement, f"merged_into '{target}' names no question of "
                             "the framework", "merged_into")

    def _profile(self, profile: LocatedDict) -> None:
        self._text(profile, "title", "profile")
        for raw in self._list(profile, "parts", "profile"):
            part = self._mapping(raw, "profile part", profile)
            if part:
                part_id = self._id(part, "profile part", PROFILE_PART_ID, "P.1")
                self._text(part, "title", f"profile part {part_id}")
                self._questions(part, part_id, f"profile part {part_id}")

    def _categories(self, root: LocatedDict, total: int | None) -> None:
        categories = self._list(root, "categories", "file")
        category_sum = 0
        for raw in categories:
            category = self._mapping(raw, "category", root)
            if not category:
                continue
            cid = self._id(category, "category", CATEGORY_ID, "4.1")
            entry = f"category {cid}"
            self._text(category, "title", entry)
            points = self._points(category, "points", entry)
            category_sum += points or 0
            item_sum = self._items(category, cid)
            if points is not None and item_sum is not None and item_sum != points:
                self._report(entry, category, f"its items add up to {item_sum} points, "
                             f"but the category is worth {points}", "points")
        if total is not None and categories and category_sum != total:
            self._report("framework", root.get("framework"), f"the categories add up to "
                         f"{category_sum} points, but total_points is {total}", "total_points")

    def _items(self, category: LocatedDict, cid: str) -> int | None:
        pattern = re.compile(rf"^{re.escape(cid)}\.[0-9]+$")
        item_sum: int | None = 0
        for raw in self._list(category, "items", f"category {cid}"):
            item = self._mapping(raw, f"category {cid} item", category)
            if not item:
                continue
            iid = self._id(item, "item", pattern, f"{cid}.1")
            entry = f"item {iid}"
            self._text(item, "title", entry)
            points = self._points(item, "points", entry)
            item_sum = None if points is None or item_sum is None else item_sum + points
            kind = item.get("kind")
            if not isinstance(kind, str) or kind not in {k.value for k in ItemKind}:
                self._report(entry, item, f"unknown kind {kind!r} (use "
                             f"{' or '.join(k.value for k in ItemKind)})", "kind")
            self._questions(item, iid, entry, retired_allowed=True)
        return item_sum

    def _scoring(self, scoring: LocatedDict, total: int | None) -> None:
        step = scoring.get("step")
        if not _is_count(step) or step <= 0 or 100 % step:
            self._report("scoring", scoring, f"'step' must divide 100, not {step!r}", "step")
            step = None
        for kind in ItemKind:
            guideline = self._mapping(scoring.get(kind.value), f"scoring.{kind.value}", scoring)
            if guideline:
                self._guideline(guideline, f"scoring.{kind.value}", step)
        self._overall_bands(scoring, total)

    def _guideline(self, guideline: LocatedDict, entry: str, step: int | None) -> None:
        dimension_ids = []
        for raw in self._list(guideline, "dimensions", entry):
            dimension = self._mapping(raw, f"{entry}.dimensions", guideline)
            if dimension:
                dimension_ids.append(str(dimension.get("id")))
                self._text(dimension, "title", f"{entry} dimension {dimension.get('id')}")
                self._text(dimension, "question", f"{entry} dimension {dimension.get('id')}")
                if "prompt" in dimension:  # optional: the writer's prompt
                    self._text(dimension, "prompt", f"{entry} dimension {dimension.get('id')}")
        bands = [b for b in (self._mapping(raw, f"{entry}.bands", guideline)
                             for raw in self._list(guideline, "bands", entry)) if b]
        for band in bands:
            band_entry = f"{entry} band {band.get('min')}-{band.get('max')}"
            self._text(band, "summary", band_entry)
            descriptors = self._mapping(band.get("dimensions"), band_entry, band)
            for dimension_id in dimension_ids if descriptors else ():
                if dimension_id in descriptors:
                    self._text(descriptors, dimension_id, band_entry)
                else:
                    self._report(band_entry, descriptors, f"no descriptor for '{dimension_id}'")
        self._contiguous(bands, f"{entry}.bands", 0, 100, step)

    def _overall_bands(self, scoring: LocatedDict, total: int | None) -> None:
        bands = [b for b in (self._mapping(raw, "scoring.overall", scoring)
                             for raw in self._list(scoring, "overall", "scoring")) if b]
        for number, band in enumerate(bands, start=1):
            entry = f"scoring.overall band {band.get('band')}"
            if band.get("band") != number:
                self._report(entry, band, f"bands must be numbered 1, 2, 3... in order; "
                             f"expected {number}", "band")
            self._text(band, "title", entry)
            self._text(band, "summary", entry)
        if total is not None:
            self._contiguous(bands, "scoring.overall", 0, total, 1)

    def _contiguous(self, bands: list[LocatedDict], entry: str, low: int, high: int,
                    step: int | None) -> None:
        """Bands must run from low to high, in order, with no gap and no overlap."""
        expected_min = low
        for band in bands:
            lo, hi = band.get("min"), band.get("max")
            if not (_is_count(lo) and _is_count(hi)) or lo > hi:
                self._report(entry, band, f"a band needs whole numbers min <= max, "
                             f"not {lo!r}-{hi!r}")
                return
            if step and (lo % step or hi % step):
                self._report(entry, band, f"band {lo}-{hi} is not on the {step}% steps")
            if lo > expected_min:
                self._report(entry, band, f"gap: nothing covers {expected_min}-{lo - 1} "
                             f"before band {lo}-{hi}")
            elif lo < expected_min:
                self._report(entry, band, f"band {lo}-{hi} overlaps the band before it")
            expected_min = hi + (step or 1)
        last_max = expected_min - (step or 1)
        if bands and last_max != high:
            self._report(entry, bands[-1], f"the last band ends at {last_max}, "
                         f"but the bands must reach {high}")
