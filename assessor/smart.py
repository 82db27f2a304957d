"""The SMART check of a KPI: five badges, S M A R T, each pass, warn or fail with the reasons
(codes) when it is not a pass. A check never blocks saving. The letters as Chinese performance
management reads them: specific, measurable, agreed by superior and subordinate, realistic and
relevant, time-bound (../shared/reference/improvement-loop.md).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .kpis import PERIODS_PER_YEAR, Direction, Kpi, superior_of
from .measurements import Measurement
from .performance import PerformanceRecords

IMPLAUSIBLE_DEVIATIONS = 3  # a planned yearly change this many standard deviations off
MIN_YEARLY_CHANGES = 3  # year-on-year changes needed before history judges a target
MIN_MEASUREMENTS_BEFORE_TARGET = 2
LETTERS = ("S", "M", "A", "R", "T")


class Check(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class SmartResult:
    """One badge. Reason codes: S definition_missing, owner_missing; M target_missing,
    baseline_missing, measure_unit_missing, frequency_missing, data_source_missing; A
    owner_missing, not_agreed, owner_not_agreed, superior_not_agreed, no_superior; R not_linked,
    direction_contradicts_target, target_implausible; T target_date_missing,
    baseline_date_missing, target_date_not_after_baseline, frequency_missing,
    too_few_measurements."""

    letter: str
    result: Check
    reasons: tuple[str, ...] = ()


def _badge(letter: str, fails: list[str], warns: list[str]) -> SmartResult:
    if fails:
        return SmartResult(letter, Check.FAIL, tuple(fails + warns))
    return SmartResult(letter, Check.WARN if warns else Check.PASS, tuple(warns))


def smart_check(records: PerformanceRecords, kpi: Kpi) -> dict[str, SmartResult]:
    """The five badges of `kpi`, by letter."""
    return {"S": _specific(kpi), "M": _measurable(kpi), "A": _agreed(records, kpi),
            "R": _realistic(kpi, records.measurements_of(kpi.id)), "T": _time_bound(kpi)}


def _specific(kpi: Kpi) -> SmartResult:
    # No unit is the company itself: a unit is always given.
    fails = [f"{name}_missing" for name in ("definition", "owner")
             if not getattr(kpi, name).strip()]
    return _badge("S", fails, [])


def _measurable(kpi: Kpi) -> SmartResult:
    levels = () if kpi.direction is Direction.BAND else ("target", "baseline")
    fails = [f"{name}_missing" for name in levels if getattr(kpi, name) is None]
    warns = [f"{name}_missing" for name in ("measure_unit", "frequency", "data_source")
             if not getattr(kpi, name)]
    return _badge("M", fails, warns)


def _agreed(records: PerformanceRecords, kpi: Kpi) -> SmartResult:
    if not kpi.owner:
        return _badge("A", ["owner_missing"], [])
    if kpi.agreed:
        return _badge("A", [], [])
    warns = [] if superior_of(records, kpi) else ["no_superior"]
    if not kpi.agreed_by_owner_at and not kpi.agreed_by_superior_at:
        return _badge("A", ["not_agreed"], warns)
    missing = "owner_not_agreed" if not kpi.agreed_by_owner_at else "superior_not_agreed"
    return _badge("A", [], [missing, *warns])


def _realistic(kpi: Kpi, history: list[Measurement]) -> SmartResult:
    fails = [] if kpi.objectives or kpi.items else ["not_linked"]
    warns = []
    if kpi.direction is not Direction.BAND and None not in (kpi.baseline, kpi.target):
        if (kpi.direction is Direction.UP and kpi.target < kpi.baseline) or \
                (kpi.direction is Direction.DOWN and kpi.target > kpi.baseline):
            fails.append("direction_contradicts_target")
        elif _implausible(kpi, history):
            warns.append("target_implausible")
    return _badge("R", fails, warns)


def yearly_changes(history: list[Measurement]) -> list[float]:
    """Each value's change from the value of the same month a year earlier (the month's last
    value stands for it)."""
    by_month = {(date.fromisoformat(m.period).year, date.fromisoformat(m.period).month): m.value
                for m in sorted(history, key=lambda m: m.period)}
    return [value - by_month[(year - 1, month)] for (year, month), value in by_month.items()
            if (year - 1, month) in by_month]


def _implausible(kpi: Kpi, history: list[Measurement]) -> bool:
    """The target asks for a yearly change more than 3 standard deviations away from the
    year-on-year changes measured so far (with at least three of them)."""
    if not kpi.baseline_date or not kpi.target_date:
        return False
    years = (date.fromisoformat(kpi.target_date) - date.fromisoformat(kpi.baseline_date)).days \
        / 365.25
    changes = yearly_changes(history)
    if years <= 0 or len(changes) < MIN_YEARLY_CHANGES:
        return False
    planned = (kpi.target - kpi.baseline) / years  # type: ignore[operator]
    mean, spread = statistics.fmean(changes), statistics.stdev(changes)
    return abs(planned - mean) > IMPLAUSIBLE_DEVIATIONS * spread


def _time_bound(kpi: Kpi) -> SmartResult:
    fails = [f"{name}_missing" for name in ("target_date", "baseline_date")
             if not getattr(kpi, name)]
    warns = [] if kpi.frequency else ["frequency_missing"]
    if not fails:
        days = (date.fromisoformat(kpi.target_date)  # type: ignore[arg-type]
                - date.fromisoformat(kpi.baseline_date)).days  # type: ignore[arg-type]
        if days <= 0:
            fails.append("target_date_not_after_baseline")
        elif kpi.frequency and days / 365.25 * PERIODS_PER_YEAR[kpi.frequency] \
                < MIN_MEASUREMENTS_BEFORE_TARGET:
            warns.append("too_few_measurements")
    return _badge("T", fails, warns)
