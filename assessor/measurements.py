"""A KPI's measurements over time (one value per period) and the feedback thread on it: the
owner explains a red or amber value, the superior replies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from .clock import utc_now
from .errors import DomainError
from .kpis import is_iso_date
from .performance import PerformanceRecords
from .repositories import PerformanceData

MAX_COMMENT_CHARS = 2000


class MeasurementError(DomainError):
    """measurement_kpi_unknown (kpi), measurement_period_invalid (value),
    measurement_value_invalid (value), measurement_exists (kpi, period, value: the stored one),
    measurement_unknown (kpi, period), comment_too_long (limit), feedback_empty; `field` names
    the field where there is one."""


@dataclass(frozen=True, slots=True)
class Measurement:
    kpi: str
    period: str  # YYYY-MM-DD: the day the period ends or is reported for
    value: float
    comment: str = ""  # for a red or amber value: the reason, and what is done about it
    entered_by: str = ""
    entered_at: str = ""

    def to_doc(self) -> dict:
        return {"kpi": self.kpi, "period": self.period, "value": self.value,
                "comment": self.comment, "entered_by": self.entered_by,
                "entered_at": self.entered_at}

    @classmethod
    def from_doc(cls, doc: Mapping) -> Measurement:
        return cls(kpi=doc["kpi"], period=doc["period"], value=float(doc["value"]),
                   comment=doc.get("comment", ""), entered_by=doc.get("entered_by", ""),
                   entered_at=doc.get("entered_at", ""))


@dataclass(frozen=True, slots=True)
class FeedbackEntry:
    kpi: str
    by: str
    at: str
    text: str

    def to_doc(self) -> dict:
        return {"kpi": self.kpi, "by": self.by, "at": self.at, "text": self.text}

    @classmethod
    def from_doc(cls, doc: Mapping) -> FeedbackEntry:
        return cls(kpi=doc["kpi"], by=doc["by"], at=doc["at"], text=doc["text"])


def check_measurement(period: object, value: object, comment: str = "") -> tuple[str, float]:
    """The period and value as stored, or MeasurementError naming the field."""
    if not is_iso_date(period):
        raise MeasurementError("measurement_period_invalid", field="period", value=period)
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(value):
        raise MeasurementError("measurement_value_invalid", field="value", value=value)
    if len(comment) > MAX_COMMENT_CHARS:
        raise MeasurementError("comment_too_long", field="comment", limit=MAX_COMMENT_CHARS)
    return period, float(value)  # type: ignore[return-value]


def put_measurement(records: PerformanceRecords, measurement: Measurement,
                    replace_existing: bool = False) -> Measurement | None:
    """Put a checked measurement in `records` (in a change); returns the one it replaced. A
    period that has a value keeps it unless `replace_existing`."""
    if measurement.kpi not in records.kpis:
        raise MeasurementError("measurement_kpi_unknown", field="code", kpi=measurement.kpi)
    by_period = records.measurements.setdefault(measurement.kpi, {})
    stored = by_period.get(measurement.period)
    if stored is not None and not replace_existing:
        raise MeasurementError("measurement_exists", field="period", kpi=measurement.kpi,
                               period=measurement.period, value=stored.value)
    by_period[measurement.period] = measurement
    return stored


def add_measurement(data: PerformanceData, user: str, kpi_id: str, period: str,
                    value: float, comment: str = "", replace_existing: bool = False,
                    now: str | None = None) -> Measurement:
    """Enter a KPI's value for a period (a period that has one: only with replace_existing)."""
    period, value = check_measurement(period, value, comment.strip())
    measurement = Measurement(kpi_id, period, value, comment.strip(), user, now or utc_now())
    replaced = data.change(lambda records: put_measurement(records, measurement,
                                                           replace_existing))
    data.audit.record(user, "measurement_entered", kpi=kpi_id, period=period, value=value,
                      comment=measurement.comment,
                      replaced=None if replaced is None else replaced.value)
    return measurement


def add_measurements(data: PerformanceData, user: str,
                     entries: Iterable[tuple[str, str, float, str]],
                     replace_existing: bool = False, now: str | None = None
                     ) -> list[Measurement]:
    """Enter many values at once, (kpi id, period, value, comment) each, as one change (a
    history carried over from spreadsheets, say): all stored, or none when one is refused.
    Audited once, with each KPI's count of values."""
    now = now or utc_now()
    measurements = []
    for kpi_id, period, value, comment in entries:
        period, value = check_measurement(period, value, comment.strip())
        measurements.append(Measurement(kpi_id, period, value, comment.strip(), user, now))

    def change(records: PerformanceRecords) -> int:
        replaced = [put_measurement(records, m, replace_existing) for m in measurements]
        return sum(stored is not None for stored in replaced)

    replaced = data.change(change)
    counts: dict[str, int] = {}
    for measurement in measurements:
        counts[measurement.kpi] = counts.get(measurement.kpi, 0) + 1
    data.audit.record(user, "measurements_entered", kpis=counts, replaced=replaced,
                      periods=[min((m.period for m in measurements), default=None),
                               max((m.period for m in measurements), default=None)])
    return measurements


def explain_measurement(data: PerformanceData, user: str, kpi_id: str, period: str,
                        comment: str) -> Measurement:
    """Give a stored value its comment (the reason for a red or amber value, the action)."""
    comment = comment.strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise MeasurementError("comment_too_long", field="comment", limit=MAX_COMMENT_CHARS)

    def change(records: PerformanceRecords) -> Measurement:
        stored = records.measurements.get(kpi_id, {}).get(period)
        if stored is None:
            raise MeasurementError("measurement_unknown", kpi=kpi_id, period=period)
        records.measurements[kpi_id][period] = replace(stored, comment=comment)
        return records.measurements[kpi_id][period]

    measurement = data.change(change)
    data.audit.record(user, "measurement_explained", kpi=kpi_id, period=period,
                      comment=comment)
    return measurement


def reply_on_kpi(data: PerformanceData, user: str, kpi_id: str, text: str,
                 now: str | None = None) -> FeedbackEntry:
    """Add a dated entry to the KPI's feedback thread (the superior's reply, the owner's)."""
    text = text.strip()
    if not text:
        raise MeasurementError("feedback_empty", field="text")
    if len(text) > MAX_COMMENT_CHARS:
        raise MeasurementError("comment_too_long", field="text", limit=MAX_COMMENT_CHARS)
    entry = FeedbackEntry(kpi_id, user, now or utc_now(), text)

    def change(records: PerformanceRecords) -> None:
        if kpi_id not in records.kpis:
            raise MeasurementError("measurement_kpi_unknown", kpi=kpi_id)
        records.feedback.setdefault(kpi_id, []).append(entry)

    data.change(change)
    data.audit.record(user, "kpi_feedback", kpi=kpi_id, text=text)
    return entry
