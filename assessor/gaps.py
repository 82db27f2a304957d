"""The gap report: where an organization stands (consensus) against where it wants to be
(targets), item by item, largest gap first, and the change since its previous scored cycle.

gap_points = item points x max(0, target - score) / 100. Points are whole numbers and
percentages too, so the arithmetic is done in hundredths of a point (integers) and exact;
an item without a consensus is "not scored" and one without a target has no gap either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from .consensus import ConsensusRecord
from .criteria import Framework, Item, ItemKind
from .organizations import AssessmentRecord
from .repositories import AssessmentData, AssessmentIndex
from .targets import ItemTarget


class GapStatus(StrEnum):
    SCORED = "scored"  # a consensus score and a target: a gap (maybe 0)
    NO_TARGET = "no_target"  # scored, but no target set: no gap
    NOT_SCORED = "not_scored"  # no consensus yet: no gap


def _points(hundredths: int | None) -> float | None:
    return None if hundredths is None else hundredths / 100


def _difference(now: float | int | None, before: float | int | None) -> float | None:
    if now is None or before is None:
        return None
    return round(now - before, 2)


@dataclass(frozen=True, slots=True)
class ItemGap:
    item: str
    category: str
    kind: ItemKind
    points: int  # the item's points
    score_pct: int | None  # None: not scored
    target_pct: int | None  # None: no target
    status: GapStatus
    score_hundredths: int | None  # the points in hundredths (exact): see the properties
    target_hundredths: int | None
    gap_hundredths: int | None
    cumulative_share: float | None = None  # of the total gap, through this item (Pareto)
    change_score_pct: int | None = None  # since the previous cycle (None: not comparable)
    change_gap_points: float | None = None

    @property
    def score_points(self) -> float | None:
        return _points(self.score_hundredths)

    @property
    def target_points(self) -> float | None:
        return _points(self.target_hundredths)

    @property
    def gap_points(self) -> float | None:
        return _points(self.gap_hundredths)


@dataclass(frozen=True, slots=True)
class GroupGap:
    """A category, the process or results items, or all items: sums over their items."""

    id: str  # a category id, "process", "results" or "total"
    points: int  # available
    items: int
    scored_items: int
    score_points: float  # earned by the scored items
    target_points: float  # aimed at by the items with a target
    gap_points: float  # of the items with a gap
    change_score_points: float | None = None  # since the previous cycle
    change_gap_points: float | None = None

    @property
    def previous_score_points(self) -> float | None:
        """What the group scored in the compared cycle (None: not comparable)."""
        if self.change_score_points is None:
            return None
        return round(self.score_points - self.change_score_points, 2)


@dataclass(frozen=True, slots=True)
class ComparedCycle:
    id: str
    cycle: str


@dataclass(frozen=True, slots=True)
class GapReport:
    items: tuple[ItemGap, ...]  # largest gap first, then no target, then not scored
    categories: tuple[GroupGap, ...]  # in framework order
    process: GroupGap
    results: GroupGap
    total: GroupGap
    compared_with: ComparedCycle | None  # the previous scored cycle, if any

    @property
    def total_gap_points(self) -> float:
        return self.total.gap_points

    @property
    def has_targets(self) -> bool:
        return any(row.target_pct is not None for row in self.items)

    def item(self, item_id: str) -> ItemGap:
        return next(row for row in self.items if row.item == item_id)

    def category(self, category_id: str) -> GroupGap:
        return next(group for group in self.categories if group.id == category_id)


def _item_gap(item: Item, category: str, score: int | None, target: int | None) -> ItemGap:
    score_h = None if score is None else item.points * score
    target_h = None if target is None else item.points * target
    if score is None:
        status, gap = GapStatus.NOT_SCORED, None
    elif target is None:
        status, gap = GapStatus.NO_TARGET, None
    else:
        status, gap = GapStatus.SCORED, item.points * max(0, target - score)
    return ItemGap(item.id, category, item.kind, item.points, score, target, status,
                   score_h, target_h, gap)


def _group(group_id: str, rows: list[ItemGap]) -> GroupGap:
    return GroupGap(
        id=group_id, points=sum(row.points for row in rows), items=len(rows),
        scored_items=sum(row.score_pct is not None for row in rows),
        score_points=sum(row.score_hundredths or 0 for row in rows) / 100,
        target_points=sum(row.target_hundredths or 0 for row in rows) / 100,
        gap_points=sum(row.gap_hundredths or 0 for row in rows) / 100)


def _compare_group(now: GroupGap, before: GroupGap | None) -> GroupGap:
    if before is None:
        return now
    score = (_difference(now.score_points, before.score_points)
             if now.scored_items and before.scored_items else None)
    return GroupGap(now.id, now.points, now.items, now.scored_items, now.score_points,
                    now.target_points, now.gap_points, score,
                    _difference(now.gap_points, before.gap_points) if score is not None
                    else None)


def gap_report(framework: Framework, records: Mapping[str, ConsensusRecord],
               targets: Mapping[str, ItemTarget], previous: GapReport | None = None,
               compared_with: ComparedCycle | None = None) -> GapReport:
    """The gaps of one cycle; with `previous` (the earlier cycle's own report, against its own
    targets) each item and group also gets its change since then."""
    order = {item.id: number for number, item in enumerate(framework.items)}
    rows = {item.id: _item_gap(item, category.id,
                               records[item.id].score if item.id in records else None,
                               targets[item.id].target_pct if item.id in targets else None)
            for category in framework.categories for item in category.items}
    total_gap = sum(row.gap_hundredths or 0 for row in rows.values())
    ranked = sorted(rows.values(), key=lambda row: (
        (0, -(row.gap_hundredths or 0)) if row.status is GapStatus.SCORED
        else (1, 0) if row.status is GapStatus.NO_TARGET else (2, 0), order[row.item]))
    items, running = [], 0
    for row in ranked:
        share = None
        if row.gap_hundredths is not None and total_gap:
            running += row.gap_hundredths
            share = round(running / total_gap, 4)
        before = previous.item(row.item) if previous else None
        items.append(ItemGap(
            row.item, row.category, row.kind, row.points, row.score_pct, row.target_pct,
            row.status, row.score_hundredths, row.target_hundredths, row.gap_hundredths, share,
            int(_difference(row.score_pct, before.score_pct)) if before
            and before.score_pct is not None and row.score_pct is not None else None,
            _difference(row.gap_points, before.gap_points) if before else None))
    categories = tuple(
        _compare_group(_group(category.id, [rows[item.id] for item in category.items]),
                       previous.category(category.id) if previous else None)
        for category in framework.categories)
    by_kind = {kind: _group(kind.value, [row for row in rows.values() if row.kind is kind])
               for kind in ItemKind}
    return GapReport(
        items=tuple(items), categories=categories,
        process=_compare_group(by_kind[ItemKind.PROCESS], previous.process if previous else None),
        results=_compare_group(by_kind[ItemKind.RESULTS], previous.results if previous else None),
        total=_compare_group(_group("total", list(rows.values())),
                             previous.total if previous else None),
        compared_with=compared_with if previous else None)


def previous_scored_cycle(assessments: AssessmentIndex, record: AssessmentRecord
                          ) -> AssessmentRecord | None:
    """The newest earlier cycle of the same organization on the same framework with at least
    one consensus record; None if there is none."""
    earlier: Iterable[AssessmentRecord] = (
        other for other in assessments.all()  # newest first
        if other.organization_id == record.organization_id and other.id != record.id
        and other.framework == record.framework
        and (other.created_at, other.cycle) < (record.created_at, record.cycle))
    return next((other for other in earlier if _is_scored(assessments.data(other.id))), None)


def _is_scored(data: AssessmentData) -> bool:
    return data.derived("is_scored", lambda: bool(data.consensus.all()))


def compare_cycles(assessments: AssessmentIndex, record: AssessmentRecord,
                   earlier: AssessmentRecord | None, framework: Framework) -> GapReport:
    """The gap report of a stored cycle, compared with `earlier` (None: with nothing)."""
    data = assessments.data(record.id)
    previous = None
    if earlier is not None:
        earlier_data = assessments.data(earlier.id)
        previous = gap_report(framework, earlier_data.consensus.all(),
                              earlier_data.targets.all())
    return gap_report(framework, data.consensus.all(), data.targets.all(), previous,
                      ComparedCycle(earlier.id, earlier.cycle) if earlier else None)


def cycle_gap_report(assessments: AssessmentIndex, record: AssessmentRecord,
                     framework: Framework) -> GapReport:
    """The gap report of a stored cycle, compared with its previous scored cycle if any."""
    return compare_cycles(assessments, record, previous_scored_cycle(assessments, record),
                          framework)
