"""The demo organization: a fictional manufacturer, its team, and answers on several items."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import yaml

from .access import Role
from .answers import AnswerEdit, save_answers
from .criteria import cached_framework
from .paths import criteria_dir
from .storage.store import AssessmentRecord, Store
from .team import add_role, assign
from .users import Users

DEMO_FILE = Path(__file__).parent / "demo_data" / "demo.yaml"
DEMO_PASSWORD = "demo"


def load_demo(store: Store, users: Users, demo_file: Path = DEMO_FILE) -> AssessmentRecord:
    """Create the demo team (where missing) and the demo assessment with its answers."""
    demo = yaml.safe_load(demo_file.read_text(encoding="utf-8"))
    now = datetime.now(UTC).isoformat(timespec="seconds")
    record = store.create(demo["organization"], str(demo["cycle"]), demo["framework"], now)
    data_file = store.assessment_file(record.id)
    framework = cached_framework(str(criteria_dir() / record.framework))
    for person in demo["team"]:
        if users.get(person["username"]) is None:
            users.create(person["username"], person["name"], DEMO_PASSWORD,
                         is_admin=person.get("admin", False), is_demo=True)
        for role in person.get("roles", []):
            add_role(data_file, person["username"], Role(role))
        for role, key in ((Role.WRITER, "writes"), (Role.EXAMINER, "examines")):
            if key in person:
                items = ([item.id for item in framework.items] if person[key] == "all"
                         else person[key])
                assign(data_file, person["username"], role, items)
    edits = [AnswerEdit(question, text.strip(), 0) for question, text in demo["answers"].items()]
    save_answers(data_file, edits, now=now, user="writer")
    store.audit(record.id).record("coordinator", "demo_loaded", answers=len(edits))
    return record
