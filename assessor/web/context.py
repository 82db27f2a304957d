"""Load what a request needs, or abort: one helper per resource, as in flaskr and CTFd."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import abort, current_app

from ..criteria import Framework, cached_framework
from ..paths import criteria_dir
from ..storage.files import DataFile
from ..storage.store import AssessmentRecord, Store, UnknownAssessment

STORE_KEY = "assessor.store"


def store() -> Store:
    return current_app.extensions[STORE_KEY]


def framework_named(name: str) -> Framework:
    return cached_framework(str(criteria_dir() / name))


@dataclass(frozen=True, slots=True)
class AssessmentContext:
    record: AssessmentRecord
    framework: Framework
    data_file: DataFile


def load_assessment(assessment_id: str) -> AssessmentContext:
    """The assessment, its framework and its data file; 404 if there is no such assessment."""
    try:
        record = store().get(assessment_id)
    except UnknownAssessment:
        abort(404, description=f"There is no assessment with the id '{assessment_id}'.")
    return AssessmentContext(record, framework_named(record.framework),
                             store().assessment_file(record.id))


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
