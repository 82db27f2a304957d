"""Where a KPI stands: attainment, status and trajectory, exactly as the design reference
defines them (../shared/reference/improvement-loop.md, "KPI attainment and status").

- attainment = (latest − baseline) / (target − baseline) for up and down alike, not capped;
  None for a band KPI, without a baseline or target, and when target == baseline ("hold").
- status: green when the value meets the target (≥ for up, ≤ for down; a hold KPI: not worse
  than its target), amber when attainment ≥ the amber level (default 0.9), red otherwise; a band
  KPI is green inside [band_low, band_high] and red outside; no-data without a measurement (or
  without a target to judge by).
- "latest" is the value of the latest period, whatever order the values were entered in.
- trajectory (with a baseline date and a target date): the expected attainment runs linearly
  from 0 at the baseline date to 1 at the target date; "behind" when the latest attainment is
  below 0.85 × the expected attainment on `today`, else "on-track".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .kpis import Direction, Kpi, is_iso_date, kpi_children
from .measurements import Measurement
from .performance import PerformanceRecords

BEHIND_FACTOR = 0.85


class Status(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NO_DATA = "no-data"


class Trajectory(StrEnum):
    ON_TRACK = "on-track"
    BEHIND = "behind"


@dataclass(frozen=True, slots=True)
class KpiReading:
    status: Status
    attainment: float | None
    trajectory: Trajectory | None
    expected_attainment: float | None  # on the day the reading was taken
    latest: Measurement | None


def attainment(kpi: Kpi, value: float) -> float | None:
    if kpi.direction is Direction.BAND or kpi.baseline is None or kpi.target is None \
            or kpi.target == kpi.baseline:
        return None
    return (value - kpi.baseline) / (kpi.target - kpi.baseline)


def meets_target(kpi: Kpi, value: float) -> bool:
    if kpi.target is None:
        return False
    return value <= kpi.target if kpi.direction is Direction.DOWN else value >= kpi.target


def status_of(kpi: Kpi, value: float) -> Status:
    """The status a value gives the KPI."""
    if kpi.direction is Direction.BAND:
        if kpi.band_low is None or kpi.band_high is None:
            return Status.NO_DATA
        return Status.GREEN if kpi.band_low <= value <= kpi.band_high else Status.RED
    if kpi.target is None:
        return Status.NO_DATA
    if meets_target(kpi, value):
        return Status.GREEN
    reached = attainment(kpi, value)
    return Status.AMBER if reached is not None and reached >= kpi.amber_level else Status.RED


def latest(measurements: Iterable[Measurement]) -> Measurement | None:
    return max(measurements, key=lambda m: m.period, default=None)


def expected_attainment(kpi: Kpi, today: date) -> float | None:
    """The share of the way from baseline to target expected by `today` (0 to 1)."""
    if not kpi.baseline_date or not kpi.target_date:
        return None
    start, end = date.fromisoformat(kpi.baseline_date), date.fromisoformat(kpi.target_date)
    if end <= start:
        return None
    return min(1.0, max(0.0, (today - start).days / (end - start).days))


def read_kpi(kpi: Kpi, measurements: Iterable[Measurement], today: date) -> KpiReading:
    last = latest(measurements)
    expected = expected_attainment(kpi, today)
    if last is None:
        return KpiReading(Status.NO_DATA, None, None, expected, None)
    reached = attainment(kpi, last.value)
    trajectory = None
    if reached is not None and expected is not None:
        trajectory = Trajectory.BEHIND if reached < BEHIND_FACTOR * expected \
            else Trajectory.ON_TRACK
    return KpiReading(status_of(kpi, last.value), reached, trajectory, expected, last)


def needs_comment(kpi: Kpi, measurement: Measurement) -> bool:
    """A red or amber value asks for a comment: the reason, and what is done about it.

    Status is judged against the final target, so on the way from baseline to target most
    values are amber or red. Of a KPI with a baseline date and a target date, only a value that
    is also behind its trajectory on its own day asks for one (one on track has nothing to
    explain), and none from before the baseline date (the history the baseline stands on)."""
    if measurement.comment.strip() \
            or status_of(kpi, measurement.value) not in (Status.RED, Status.AMBER):
        return False
    if kpi.baseline_date and measurement.period <= kpi.baseline_date:
        return False
    expected = expected_attainment(kpi, date.fromisoformat(measurement.period)) \
        if is_iso_date(measurement.period) else None
    reached = attainment(kpi, measurement.value)
    if expected is None or reached is None or expected >= 1:
        return True  # no trajectory to judge by, or the target date has come: a miss
    return reached < BEHIND_FACTOR * expected


def point_statuses(kpi: Kpi, measurements: Iterable[Measurement]
                   ) -> list[tuple[Measurement, Status]]:
    """Each measurement in period order with the status its value gives (for a trend)."""
    return [(m, status_of(kpi, m.value)) for m in sorted(measurements, key=lambda m: m.period)]


def readings(records: PerformanceRecords, today: date) -> dict[str, KpiReading]:
    """Every KPI's reading, by KPI id."""
    return {kpi.id: read_kpi(kpi, records.measurements_of(kpi.id), today)
            for kpi in records.kpis.values()}


def child_status_counts(records: PerformanceRecords, kpi_id: str, today: date
                        ) -> dict[Status, int]:
    """How many KPIs directly decomposed from this one are green, amber, red, no data."""
    counts = dict.fromkeys(Status, 0)
    for child in kpi_children(records, kpi_id):
        counts[read_kpi(child, records.measurements_of(child.id), today).status] += 1
    return counts


def amber_value(kpi: Kpi) -> float | None:
    """The value at which a miss turns amber (attainment equal to the amber level), for a
    trend's amber line; None for a band KPI, a hold KPI, or one without baseline or target."""
    if kpi.direction is Direction.BAND or kpi.baseline is None or kpi.target is None \
            or kpi.target == kpi.baseline:
        return None
    return kpi.baseline + kpi.amber_level * (kpi.target - kpi.baseline)
