"""Balanced-scorecard guidance as data: warnings about the company's objectives and KPIs,
shown beside the strategy map and never blocking a change (the conventions of the
balanced-scorecard literature; see ../shared/reference/improvement-loop.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from .kpis import Kpi
from .performance import PerformanceRecords
from .strategy import PERSPECTIVES_BOTTOM_UP, Perspective

KPIS_PER_OBJECTIVE = (1, 3)  # "about two"
MAX_OBJECTIVES_PER_PERSPECTIVE = 3  # "at most about three", at the company level
KPIS_PER_PERSPECTIVE = (4, 7)
KPIS_IN_SCORECARD = (16, 25)


@dataclass(frozen=True, slots=True)
class ScorecardWarning:
    """code: perspective_without_objective, too_many_objectives, objective_without_kpi,
    objective_many_kpis, perspective_kpis_few, perspective_kpis_many, scorecard_small,
    scorecard_large, link_downward (an effect in a lower lane than its cause)."""

    code: str
    perspective: Perspective | None = None
    objective: str | None = None  # an objective id (for a link: the cause)
    effect: str | None = None  # for a link
    count: int | None = None
    limit: int | None = None


def kpi_perspective(records: PerformanceRecords, kpi: Kpi) -> Perspective | None:
    """The KPI's own perspective, else that of the first objective it serves."""
    if kpi.perspective is not None:
        return kpi.perspective
    return next((records.objectives[o].perspective for o in kpi.objectives
                 if o in records.objectives), None)


def company_kpis(records: PerformanceRecords) -> list[Kpi]:
    """The company scorecard: the KPIs of the company itself (no unit)."""
    return [kpi for kpi in records.kpis.values() if kpi.unit is None]


def scorecard_warnings(records: PerformanceRecords) -> list[ScorecardWarning]:
    warnings: list[ScorecardWarning] = []
    scorecard = company_kpis(records)
    for lane in PERSPECTIVES_BOTTOM_UP:
        objectives = [o for o in records.objectives.values() if o.perspective is lane]
        if not objectives:
            warnings.append(ScorecardWarning("perspective_without_objective", lane))
        elif len(objectives) > MAX_OBJECTIVES_PER_PERSPECTIVE:
            warnings.append(ScorecardWarning("too_many_objectives", lane,
                                             count=len(objectives),
                                             limit=MAX_OBJECTIVES_PER_PERSPECTIVE))
        count = sum(1 for kpi in scorecard if kpi_perspective(records, kpi) is lane)
        if count < KPIS_PER_PERSPECTIVE[0]:
            warnings.append(ScorecardWarning("perspective_kpis_few", lane, count=count,
                                             limit=KPIS_PER_PERSPECTIVE[0]))
        elif count > KPIS_PER_PERSPECTIVE[1]:
            warnings.append(ScorecardWarning("perspective_kpis_many", lane, count=count,
                                             limit=KPIS_PER_PERSPECTIVE[1]))
    for objective in sorted(records.objectives.values(),
                            key=lambda o: (PERSPECTIVES_BOTTOM_UP.index(o.perspective), o.name)):
        count = sum(1 for kpi in scorecard if objective.id in kpi.objectives)
        if count < KPIS_PER_OBJECTIVE[0]:
            warnings.append(ScorecardWarning("objective_without_kpi", objective.perspective,
                                             objective.id, count=0))
        elif count > KPIS_PER_OBJECTIVE[1]:
            warnings.append(ScorecardWarning("objective_many_kpis", objective.perspective,
                                             objective.id, count=count,
                                             limit=KPIS_PER_OBJECTIVE[1]))
    if len(scorecard) < KPIS_IN_SCORECARD[0]:
        warnings.append(ScorecardWarning("scorecard_small", count=len(scorecard),
                                         limit=KPIS_IN_SCORECARD[0]))
    elif len(scorecard) > KPIS_IN_SCORECARD[1]:
        warnings.append(ScorecardWarning("scorecard_large", count=len(scorecard),
                                         limit=KPIS_IN_SCORECARD[1]))
    lane_of = {o.id: PERSPECTIVES_BOTTOM_UP.index(o.perspective)
               for o in records.objectives.values()}
    for link in records.links:
        if lane_of.get(link.cause, 0) > lane_of.get(link.effect, 0):
            warnings.append(ScorecardWarning("link_downward", objective=link.cause,
                                             effect=link.effect))
    return warnings
