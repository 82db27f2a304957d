"""An assessment's own settings: the consensus flag threshold and what the report shows."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .storage.files import DataFile

SETTINGS_TABLE = "settings"


@dataclass(frozen=True, slots=True)
class Settings:
    # Items whose examiner scores span this many percentage points or more are discussed
    # first at consensus (a convention; no standard sets a number).
    variance_threshold: int = 20
    report_shows_total: bool = False  # the total out of 1000 in the feedback report
    report_shows_exact_scores: bool = False  # exact percentages, not only score bands


def load_settings(data_file: DataFile) -> Settings:
    doc = next(iter(data_file.documents(SETTINGS_TABLE)), None)
    if doc is None:
        return Settings()
    known = Settings.__dataclass_fields__
    return Settings(**{key: value for key, value in doc.items() if key in known})


def save_settings(data_file: DataFile, settings: Settings) -> None:
    if not 0 <= settings.variance_threshold <= 100:
        raise ValueError("the variance threshold is a number of percentage points, 0 to 100")
    with data_file.transaction() as db:
        table = db.table(SETTINGS_TABLE)
        table.truncate()
        table.insert(asdict(settings))
