"""Where a plan comes from: OFIs of a cycle's consensus (one click from the gap report, the
consensus item page or the feedback report) or a red KPI. These give the first content of a new
draft for create_plan; the OFIs are kept by id, and their current text is read back here, so
an edited OFI shows as edited and a removed one as gone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from .consensus import ConsensusRecord
from .kpi_status import latest
from .performance import PerformanceRecords
from .plans import MAX_TITLE_CHARS, ExpectedEffect, OfiRef, PlanError
from .repositories import AssessmentData
from .statements import Statement


def ofi_refs(assessment_id: str, consensus: Mapping[str, ConsensusRecord],
             statement_ids: Iterable[str]) -> tuple[OfiRef, ...]:
    """The OFIs of the assessment's consensus with these statement ids, in the order given;
    plan_ofi_unknown (value) for an id that is no consensus OFI."""
    items = {ofi.id: record.item for record in consensus.values() for ofi in record.ofis}
    refs = []
    for statement_id in dict.fromkeys(statement_ids):
        if statement_id not in items:
            raise PlanError("plan_ofi_unknown", "ofis", value=statement_id)
        refs.append(OfiRef(assessment_id, items[statement_id], statement_id))
    return tuple(refs)


def draft_from_ofis(data: AssessmentData, statement_ids: Iterable[str]) -> dict[str, object]:
    """The content of a new draft from OFIs of the assessment: the OFIs, their items, the first
    OFI's text as the title (cut to the title's length) to be reworded."""
    refs = ofi_refs(data.id, data.consensus.all(), statement_ids)
    texts = ofi_texts(data, refs)
    title = next((text for text in texts.values() if text), "")[:MAX_TITLE_CHARS]
    return {"title": title, "ofis": refs, "items": tuple(dict.fromkeys(r.item for r in refs))}


def ofi_texts(data: AssessmentData, refs: Iterable[OfiRef]) -> dict[OfiRef, str | None]:
    """Each reference of this assessment with its OFI's current text (None: no longer in the
    consensus). References to other assessments are left out."""
    consensus = data.consensus.all()
    by_id: dict[str, Statement] = {ofi.id: ofi for record in consensus.values()
                                   for ofi in record.ofis}
    return {ref: (by_id[ref.statement].text if ref.statement in by_id else None)
            for ref in refs if ref.assessment == data.id}


def draft_from_kpi(records: PerformanceRecords, kpi_id: str, today: date
                   ) -> dict[str, object]:
    """The content of a new draft from a (red) KPI: the KPI as its source, its name as the
    title, and the effect from its latest value to its target by its target date (by the end
    of the year after `today` when it has none); no effect without a value or a target."""
    kpi = records.kpis.get(kpi_id)
    if kpi is None:
        raise PlanError("plan_kpi_unknown", "source_kpi", value=kpi_id)
    values: dict[str, object] = {"title": kpi.name[:MAX_TITLE_CHARS], "source_kpi": kpi.id,
                                 "items": kpi.items}
    last = latest(records.measurements_of(kpi.id))
    if last is not None and kpi.target is not None:
        by = kpi.target_date or date(today.year + 1, 12, 31).isoformat()
        values["effects"] = (ExpectedEffect(kpi.id, last.value, kpi.target, by),)
    return values
