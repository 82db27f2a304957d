"""Consensus: the team's agreed score per item, its rationale and merged statements, and the
points that follow (item points x percentage, per category, out of the framework's total)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from .access import Phase
from .criteria import Framework, Item, ItemKind
from .criteria.model import OverallBand
from .errors import DomainError
from .repositories import AssessmentData
from .review import Review, ReviewError, check_score
from .statements import Statement, keep_ids, merged, trace_sources
from .stats import Description, KendallW, NoKendallW, describe, kendalls_w


class ConsensusError(DomainError):
    """A consensus that cannot be recorded: no_score, score_off_scale (score, step),
    no_rationale."""


@dataclass(frozen=True, slots=True)
class ConsensusRecord:
    item: str
    score: int
    rationale: str
    strengths: tuple[Statement, ...]
    ofis: tuple[Statement, ...]
    recorded_by: str
    recorded_at: str

    def to_doc(self) -> dict:
        return {"item": self.item, "score": self.score, "rationale": self.rationale,
                "strengths": [s.to_doc() for s in self.strengths],
                "ofis": [s.to_doc() for s in self.ofis],
                "recorded_by": self.recorded_by, "recorded_at": self.recorded_at}

    @classmethod
    def from_doc(cls, doc: Mapping) -> ConsensusRecord:
        return cls(item=doc["item"], score=doc["score"], rationale=doc.get("rationale", ""),
                   strengths=tuple(Statement.from_doc(s) for s in doc.get("strengths", [])),
                   ofis=tuple(Statement.from_doc(s) for s in doc.get("ofis", [])),
                   recorded_by=doc.get("recorded_by", ""),
                   recorded_at=doc.get("recorded_at", ""))


def consensus_records(data: AssessmentData) -> dict[str, ConsensusRecord]:
    """The consensus recorded so far, by item id."""
    return data.consensus.all()


def record_consensus(data: AssessmentData, record: ConsensusRecord, step: int,
                     expected_phase: Phase | None = None) -> ConsensusRecord:
    """Store (or replace) the consensus of one item. Its statements keep their ids when edited
    and name the review statements they came from."""
    if record.score is None:
        raise ConsensusError("no_score")
    try:
        check_score(record.score, step)
    except ReviewError as error:
        raise ConsensusError(error.code, **error.data) from None
    if not record.rationale.strip():
        raise ConsensusError("no_rationale")
    reviewed = [statement for review in data.reviews.all() if review.item == record.item
                for statement in (*review.strengths, *review.ofis)]

    def change(stored: ConsensusRecord | None) -> ConsensusRecord:
        return replace(
            record,
            strengths=trace_sources(keep_ids(record.strengths,
                                             stored.strengths if stored else ()), reviewed),
            ofis=trace_sources(keep_ids(record.ofis, stored.ofis if stored else ()), reviewed))

    return data.consensus.change(record.item, change, expected_phase)


@dataclass(frozen=True, slots=True)
class ItemPoints:
    item_id: str
    percent: int | None  # None until consensus is recorded
    points: float  # item points x percent / 100 (0 without consensus)
    available: int


@dataclass(frozen=True, slots=True)
class Scorebook:
    items: Mapping[str, ItemPoints]
    categories: Mapping[str, float]
    total: float
    process_total: float
    results_total: float
    complete: bool  # every item has a consensus
    overall_band: OverallBand


def scorebook(framework: Framework, records: Mapping[str, ConsensusRecord]) -> Scorebook:
    """Points per item and category, the total out of the framework's points, and its band."""
    items = {}
    for item in framework.items:
        record = records.get(item.id)
        percent = record.score if record else None
        items[item.id] = ItemPoints(item.id, percent, item.points_for(percent),
                                    item.points)
    categories = {c.id: sum(items[i.id].points for i in c.items) for c in framework.categories}
    total = sum(categories.values())
    by_kind = {kind: sum(items[i.id].points for i in framework.items if i.kind is kind)
               for kind in ItemKind}
    return Scorebook(
        items=items, categories=categories, total=total,
        process_total=by_kind[ItemKind.PROCESS], results_total=by_kind[ItemKind.RESULTS],
        complete=all(p.percent is not None for p in items.values()),
        overall_band=framework.scoring.overall_band(total),
    )


# -- the consensus meeting: statistics of the submitted scores, calibration, agreement --------

# Submitted scores by item id, then examiner (examiners in name order).
Scores = Mapping[str, Mapping[str, int]]


@dataclass(frozen=True, slots=True)
class ItemStatistics:
    item_id: str
    scores: Mapping[str, int]  # examiner -> submitted score, by examiner
    description: Description
    flagged: bool  # the scores span the threshold or more: discuss this item first


def submitted_scores(reviews: Iterable[Review]) -> dict[str, dict[str, int]]:
    """Submitted scores by item, then examiner; drafts do not count until submitted."""
    return _scores_of((r.item, r.examiner, r.score, r.submitted) for r in reviews)


def stored_scores(data: AssessmentData) -> dict[str, dict[str, int]]:
    """submitted_scores() of the stored entries."""
    return submitted_scores(data.reviews.all())


def _scores_of(entries: Iterable[tuple[str, str, int | None, bool]]) -> dict[str, dict[str, int]]:
    scores: dict[str, dict[str, int]] = {}
    for item, examiner, score, submitted in sorted(entries, key=lambda entry: entry[1]):
        if submitted and score is not None:
            scores.setdefault(item, {})[examiner] = score
    return scores


def item_statistics(item_id: str, scores: Mapping[str, int], threshold: int) -> ItemStatistics:
    description = describe(list(scores.values()))
    # The reference convention flags an item when its "scores span 20 points or more": the
    # range reaching the threshold (default 20) counts, hence >=.
    flagged = description.range is not None and description.range >= threshold
    return ItemStatistics(item_id, scores, description, flagged)


def statistics_by_item(framework: Framework, scores: Scores,
                       threshold: int) -> dict[str, ItemStatistics]:
    """Every item's statistics (no scores: count 0), in framework order."""
    return {item.id: item_statistics(item.id, scores.get(item.id, {}), threshold)
            for item in framework.items}


def discussion_order(framework: Framework,
                     statistics: Mapping[str, ItemStatistics]) -> list[ItemStatistics]:
    """Flagged items first, then the others, each group in framework order."""
    in_framework_order = [statistics[item.id] for item in framework.items]
    return sorted(in_framework_order, key=lambda s: not s.flagged)


def neighbours_in(order: list[ItemStatistics], item_id: str) -> tuple[str | None, str | None]:
    """The items discussed just before and just after this one."""
    ids = [row.item_id for row in order]
    index = ids.index(item_id)
    return (ids[index - 1] if index > 0 else None,
            ids[index + 1] if index + 1 < len(ids) else None)


def submitted_reviews_of(reviews: Iterable[Review], item_id: str) -> list[Review]:
    """The submitted entries on one item, by examiner: what the consensus meeting works from."""
    return sorted((r for r in reviews if r.item == item_id and r.submitted),
                  key=lambda r: r.examiner)


def proposed_statements(reviews: Iterable[Review]) -> tuple[list[Statement], list[Statement]]:
    """The examiners' strengths and OFIs merged (each text once): a first draft to edit."""
    reviews = list(reviews)
    return merged(r.strengths for r in reviews), merged(r.ofis for r in reviews)


@dataclass(frozen=True, slots=True)
class ExaminerCalibration:
    """How one examiner's scores compare with the consensus, over the items both exist for."""

    examiner: str
    items_compared: int
    mean_difference: float | None  # examiner - consensus: + lenient, - harsh; None if no items
    mean_absolute_difference: float | None  # how far off either way


def calibration(scores: Scores,
                records: Mapping[str, ConsensusRecord]) -> list[ExaminerCalibration]:
    """Per examiner with submitted scores (by name): differences from the consensus scores."""
    differences: dict[str, list[int]] = {}
    for item_id, by_examiner in scores.items():
        for examiner, score in by_examiner.items():
            found = differences.setdefault(examiner, [])
            if item_id in records:
                found.append(score - records[item_id].score)
    return [
        ExaminerCalibration(
            examiner, len(found),
            sum(found) / len(found) if found else None,
            sum(abs(d) for d in found) / len(found) if found else None,
        )
        for examiner, found in sorted(differences.items())
    ]


@dataclass(frozen=True, slots=True)
class Agreement:
    """Kendall's W over a complete block of scores: these examiners each scored these items."""

    examiners: tuple[str, ...]
    items: tuple[str, ...]
    result: KendallW | NoKendallW


def agreement(framework: Framework, scores: Scores) -> Agreement:
    """The examiners' agreement on how the items rank, as Kendall's W.

    W needs every examiner in it to have scored every item in it. When all examiners scored all
    items, that is everyone and everything. When the team split the items among them, no item
    may have been scored by all; so, starting from all examiners with submitted scores, drop one
    examiner at a time (the one whose absence leaves the most items scored by everyone left;
    on a tie, the one who scored the fewest items) and keep the block with the most scores
    (examiners x items, at least 2 x 2; ties go to more examiners).
    The page names the examiners and items the figure covers.
    """
    order = [item.id for item in framework.items if item.id in scores]
    examiners, items = _largest_complete_block(scores, order)
    matrix = [[scores[item][examiner] for examiner in examiners] for item in items]
    return Agreement(examiners, items, kendalls_w(matrix))


def _largest_complete_block(by_item: Scores,
                            order: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    def common_items(group: set[str]) -> list[str]:
        return [item for item in order if group <= by_item[item].keys()]

    def worth(group: set[str], items: list[str]) -> tuple[bool, int, int]:
        return len(group) >= 2 and len(items) >= 2, len(group) * len(items), len(group)

    scored = Counter(examiner for scores in by_item.values() for examiner in scores)
    group = set(scored)
    items = common_items(group)
    best = (set(group), items)
    # Once everyone left scored every item anyone scored, dropping more can only lose scores.
    while len(group) > 2 and len(items) < len(order):
        group.discard(max(sorted(group),
                          key=lambda e: (len(common_items(group - {e})), -scored[e])))
        items = common_items(group)
        if worth(group, items) > worth(*best):
            best = (set(group), items)
    return tuple(sorted(best[0])), tuple(best[1])


@dataclass(frozen=True, slots=True)
class Subtotal:
    kind: ItemKind  # the process items, or the results items
    earned: float
    available: int


def subtotals(framework: Framework, book: Scorebook) -> list[Subtotal]:
    """Points of the process items and of the results items."""
    earned = {ItemKind.PROCESS: book.process_total, ItemKind.RESULTS: book.results_total}
    return [Subtotal(kind, earned[kind],
                     sum(item.points for item in framework.items if item.kind is kind))
            for kind in ItemKind]


@dataclass(frozen=True, slots=True)
class BoardRow:
    item: Item
    statistics: ItemStatistics
    examiner_scores: tuple[int | None, ...]  # in the board's examiner order; None: not scored
    points: ItemPoints  # percent None: no consensus yet


@dataclass(frozen=True, slots=True)
class ConsensusBoard:
    """Everything the consensus overview shows, computed once per request."""

    examiners: tuple[str, ...]  # who submitted scores: one column each
    rows: list[BoardRow]  # in discussion order
    records: Mapping[str, ConsensusRecord]
    scorebook: Scorebook
    subtotals: list[Subtotal]
    agreement: Agreement
    threshold: int

    @property
    def flagged_count(self) -> int:
        return sum(row.statistics.flagged for row in self.rows)


def consensus_board(framework: Framework, scores: Scores,
                    records: Mapping[str, ConsensusRecord], threshold: int) -> ConsensusBoard:
    statistics = statistics_by_item(framework, scores, threshold)
    examiners = tuple(sorted({e for by_examiner in scores.values() for e in by_examiner}))
    book = scorebook(framework, records)
    rows = [BoardRow(framework.item(row.item_id), row,
                     tuple(row.scores.get(examiner) for examiner in examiners),
                     book.items[row.item_id])
            for row in discussion_order(framework, statistics)]
    return ConsensusBoard(examiners, rows, records, book, subtotals(framework, book),
                          agreement(framework, scores), threshold)
