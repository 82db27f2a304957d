"""Consensus: the team's agreed score per item, its rationale and merged statements, and the
points that follow (item points x percentage, per category, out of the framework's total)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tinydb import Query

from .criteria import Framework, ItemKind
from .criteria.model import OverallBand
from .review import check_score
from .statements import Statement
from .storage.files import DataFile

CONSENSUS_TABLE = "consensus"


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


def consensus_records(data_file: DataFile) -> dict[str, ConsensusRecord]:
    """The consensus recorded so far, by item id."""
    records = (ConsensusRecord.from_doc(doc) for doc in data_file.documents(CONSENSUS_TABLE))
    return {record.item: record for record in records}


def record_consensus(data_file: DataFile, record: ConsensusRecord, step: int) -> None:
    """Store (or replace) the consensus of one item."""
    if record.score is None:
        raise ValueError("A consensus needs a score.")
    check_score(record.score, step)
    if not record.rationale.strip():
        raise ValueError("Write the rationale: why the team settled on this score.")
    with data_file.transaction() as db:
        db.table(CONSENSUS_TABLE).upsert(record.to_doc(), Query().item == record.item)


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
        items[item.id] = ItemPoints(item.id, percent, item.points * (percent or 0) / 100,
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
