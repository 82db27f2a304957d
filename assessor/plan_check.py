"""A plan's Check: each expected effect against the KPI's measurements since the plan started.

For each effect: the measurements of its KPI whose period ends on or after the day the plan
started (Plan.started_on: when it went to doing, or was approved), the expectation line from
the value then (the effect's `now`) on that day to the expected value on its date, and whether
the expected value was reached by that date. "Reached" reads the direction from the effect
itself (expected above now: at or above it; below: at or below it; equal: by the KPI's
direction), so an effect stated against the KPI's usual direction is judged as stated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .kpis import Direction, Kpi
from .measurements import Measurement
from .performance import PerformanceRecords
from .plans import ExpectedEffect, Plan


@dataclass(frozen=True, slots=True)
class LinePoint:
    day: str  # YYYY-MM-DD
    value: float


@dataclass(frozen=True, slots=True)
class EffectCheck:
    effect: ExpectedEffect
    kpi: Kpi | None  # None: the KPI was removed since
    points: tuple[Measurement, ...]  # since the plan started, in period order
    line: tuple[LinePoint, LinePoint] | None  # the expectation; None before the plan started
    reached_on: str | None  # the first period, by the effect's date, at the expected value
    reached: bool | None  # True: by the date; False: the date passed without; None: not yet

    @property
    def latest(self) -> Measurement | None:
        return self.points[-1] if self.points else None


def meets_expectation(effect: ExpectedEffect, value: float, kpi: Kpi | None = None) -> bool:
    """Whether `value` is at or past the expected value, coming from the value now."""
    if effect.expected > effect.now or (effect.expected == effect.now and not (
            kpi is not None and kpi.direction is Direction.DOWN)):
        return value >= effect.expected
    return value <= effect.expected


def check_effect(effect: ExpectedEffect, kpi: Kpi | None, measurements: list[Measurement],
                 started_on: date | None, today: date) -> EffectCheck:
    """One effect's Check on `today` (measurements in any order)."""
    if started_on is None:
        return EffectCheck(effect, kpi, (), None, None, None)
    start = started_on.isoformat()
    points = tuple(sorted((m for m in measurements if m.period >= start),
                          key=lambda m: m.period))
    reached_on = next((m.period for m in points
                       if m.period <= effect.by and meets_expectation(effect, m.value, kpi)),
                      None)
    reached = True if reached_on else (False if today > date.fromisoformat(effect.by)
                                       else None)
    line = (LinePoint(start, effect.now), LinePoint(effect.by, effect.expected))
    return EffectCheck(effect, kpi, points, line, reached_on, reached)


def check_plan_effects(records: PerformanceRecords, plan: Plan, today: date
                       ) -> list[EffectCheck]:
    """Each of the plan's expected effects checked, in the plan's order."""
    return [check_effect(effect, records.kpis.get(effect.kpi),
                         records.measurements_of(effect.kpi), plan.started_on, today)
            for effect in plan.effects]
