"""An assessment's own settings: the consensus flag threshold and what the report shows."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .errors import DomainError
from .repositories import AssessmentData

MAX_VARIANCE_THRESHOLD = 100


class SettingsError(DomainError):
    """Settings that cannot be saved: threshold_out_of_range (limit: the highest threshold)."""


@dataclass(frozen=True, slots=True)
class Settings:
    # Items whose examiner scores span this many percentage points or more are discussed
    # first at consensus (a convention; no standard sets a number).
    variance_threshold: int = 20
    report_shows_total: bool = False  # the total out of 1000 in the feedback report
    report_shows_exact_scores: bool = False  # exact percentages, not only score bands


def load_settings(data: AssessmentData) -> Settings:
    doc = data.settings.get()
    known = Settings.__dataclass_fields__
    return Settings(**{key: value for key, value in doc.items() if key in known})


def save_settings(data: AssessmentData, settings: Settings) -> None:
    if not 0 <= settings.variance_threshold <= MAX_VARIANCE_THRESHOLD:
        raise SettingsError("threshold_out_of_range", limit=MAX_VARIANCE_THRESHOLD)
    data.settings.put(asdict(settings))
