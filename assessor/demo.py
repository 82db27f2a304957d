"""The demo organization: a fictional manufacturer with answers on several items."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import yaml

from .answers import AnswerEdit, save_answers
from .storage.store import AssessmentRecord, Store

DEMO_FILE = Path(__file__).parent / "demo_data" / "demo.yaml"


def load_demo(store: Store, demo_file: Path = DEMO_FILE) -> AssessmentRecord:
    """Create the demo assessment in `store` and save its answers."""
    demo = yaml.safe_load(demo_file.read_text(encoding="utf-8"))
    now = datetime.now(UTC).isoformat(timespec="seconds")
    record = store.create(demo["organization"], str(demo["cycle"]), demo["framework"], now)
    edits = [AnswerEdit(question, text.strip(), 0) for question, text in demo["answers"].items()]
    save_answers(store.assessment_file(record.id), edits, now=now, user="demo")
    return record
