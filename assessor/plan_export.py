"""The organization's improvement plans as data for other tools: `plans ORG_ID --format json`
(keys are only ever added). KPIs are named by their codes, as people know them."""

from __future__ import annotations

from datetime import date
from typing import Any

from .performance import PerformanceRecords
from .plan_moves import move_of
from .plans import Plan


def _code(records: PerformanceRecords, kpi_id: str) -> str:
    kpi = records.kpis.get(kpi_id)
    return kpi.code if kpi else kpi_id  # a removed KPI keeps its id


def plan_json(records: PerformanceRecords, plan: Plan, today: date) -> dict[str, Any]:
    kpi_ids = [plan.source_kpi] if plan.source_kpi else []
    kpi_ids += [effect.kpi for effect in plan.effects]
    return {
        "id": plan.id, "title": plan.title, "state": plan.state.value,
        "objective": plan.objective, "owner": plan.owner, "sponsor": plan.sponsor,
        "ofis": [ofi.statement for ofi in plan.ofis],
        "ofi_sources": [{"assessment": ofi.assessment, "item": ofi.item, "id": ofi.statement}
                        for ofi in plan.ofis],
        "kpis": list(dict.fromkeys(_code(records, kpi) for kpi in kpi_ids)),
        "source_kpi": _code(records, plan.source_kpi) if plan.source_kpi else None,
        "items": list(plan.items), "whys": list(plan.whys),
        "fishbone": {heading.value: text for heading, text in plan.fishbone},
        "effects": [{"kpi": _code(records, e.kpi), "now": e.now, "expected": e.expected,
                     "by": e.by} for e in plan.effects],
        "actions": [{"id": a.id, "text": a.text, "owner": a.owner, "due": a.due,
                     "status": a.status.value, "overdue": plan.is_overdue(a, today),
                     "notes": [note.to_doc() for note in a.notes]} for a in plan.actions],
        "decisions": [{"by": d.by, "at": d.at, "from": d.from_state.value,
                       "to": d.to_state.value, "move": move_of(d).name, "comment": d.comment}
                      for d in plan.decisions],
        "started_on": plan.started_on.isoformat() if plan.started_on else None,
        "verdict": plan.verdict.to_doc() if plan.verdict else None,
        "standards": list(plan.standards), "lessons": plan.lessons,
        "continues": plan.continues, "continued_by": plan.continued_by,
        "created_by": plan.created_by, "created_at": plan.created_at,
        "revision": plan.revision,
    }


def plans_json(records: PerformanceRecords, today: date) -> dict[str, Any]:
    """{"plans": [...]}: every plan, oldest first, with its state, OFI ids ("ofis"; where they
    came from in "ofi_sources"), KPI codes ("kpis": the source KPI's and the expected
    effects'), actions (overdue on `today` while the plan is worked on) and decisions."""
    plans = sorted(records.plans.values(), key=lambda plan: (plan.created_at, plan.id))
    return {"plans": [plan_json(records, plan, today) for plan in plans]}
