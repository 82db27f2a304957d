"""The demo organization: a fictional manufacturer, its team, a finished cycle and a current one.

The 2025 cycle is examined and closed (scores, consensus, feedback report); the 2026 cycle is
being written. Everything comes from YAML under demo_data/ and goes through the domain
functions, so the demo is stored exactly as real use would store it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from .access import PHASE_ORDER, Phase, Role
from .answers import AnswerEdit, save_answers
from .consensus import ConsensusRecord, record_consensus
from .criteria import Framework, cached_framework
from .key_factors import save_key_factors
from .paths import criteria_dir
from .phases import current_phase, move_to
from .review import Review, submit
from .settings import Settings, save_settings
from .statements import Statement, parse_statements
from .storage.files import DataFile
from .storage.store import AssessmentRecord, Store
from .team import add_role, assign
from .users import Users

DEMO_DIR = Path(__file__).parent / "demo_data"
DEMO_PASSWORD = "demo"
CYCLES = ("demo-2025.yaml", "demo.yaml")  # oldest first; the last is the one in progress


def load_demo(store: Store, users: Users, demo_dir: Path = DEMO_DIR) -> AssessmentRecord:
    """Create the demo team (where missing) and every demo cycle; return the current one."""
    team = _read(demo_dir / "team.yaml")["team"]
    _create_accounts(users, team)
    record = None
    for name in CYCLES:
        cycle = _read(demo_dir / name)
        if "answers_from" in cycle:  # a cycle may show another file's answers
            cycle["answers"] = _read(demo_dir / cycle["answers_from"])["answers"]
        record = _load_cycle(store, team, cycle)
    return record


def _read(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _create_accounts(users: Users, team: list[dict]) -> None:
    for person in team:
        if users.get(person["username"]) is None:
            users.create(person["username"], person["name"], DEMO_PASSWORD,
                         is_admin=person.get("admin", False), is_demo=True)


def _load_cycle(store: Store, team: list[dict], cycle: dict[str, Any]) -> AssessmentRecord:
    record = store.create(cycle["organization"], str(cycle["cycle"]), cycle["framework"],
                          _now())
    data_file = store.assessment_file(record.id)
    framework = cached_framework(str(criteria_dir() / record.framework))
    _add_team(data_file, framework, team)
    edits = [AnswerEdit(question, text.strip(), 0)
             for question, text in cycle.get("answers", {}).items()]
    save_answers(data_file, edits, now=_now(), user="writer")
    factors = save_key_factors(data_file, {}, cycle.get("key_factors", []))
    known = [factor.id for factor in factors]
    if "reviews" in cycle:
        _move_to(data_file, Phase.REVIEW)
        _submit_reviews(data_file, framework, cycle["reviews"], known)
    if "consensus" in cycle:
        _move_to(data_file, Phase.CONSENSUS)
        _record_consensus(data_file, framework, cycle["consensus"], known)
        save_settings(data_file, Settings(report_shows_total=True))
    _move_to(data_file, Phase(cycle.get("phase", Phase.WRITING.value)))
    store.audit(record.id).record("coordinator", "demo_loaded", answers=len(edits))
    return record


def _add_team(data_file: DataFile, framework: Framework, team: list[dict]) -> None:
    for person in team:
        for role in person.get("roles", []):
            add_role(data_file, person["username"], Role(role))
        for role, key in ((Role.WRITER, "writes"), (Role.EXAMINER, "examines")):
            if key in person:
                items = ([item.id for item in framework.items] if person[key] == "all"
                         else person[key])
                assign(data_file, person["username"], role, items)


def _move_to(data_file: DataFile, target: Phase) -> None:
    """Step phase by phase, as a coordinator would, up to the target."""
    while PHASE_ORDER.index(current_phase(data_file)) < PHASE_ORDER.index(target):
        move_to(data_file, PHASE_ORDER[PHASE_ORDER.index(current_phase(data_file)) + 1])


def _statements(lines: list[str], known: list[str], label: str) -> tuple[Statement, ...]:
    return tuple(parse_statements("\n".join(lines), known, label))


def _submit_reviews(data_file: DataFile, framework: Framework, reviews: dict, known: list[str]
                    ) -> None:
    for item_id, by_examiner in reviews.items():
        for examiner, entry in by_examiner.items():
            review = Review(
                item=item_id, examiner=examiner, score=entry["score"],
                notes=entry.get("notes", {}),
                strengths=_statements(entry.get("strengths", []), known, item_id),
                ofis=_statements(entry.get("ofis", []), known, item_id),
            )
            submit(data_file, review, framework.scoring.step, _now())


def _record_consensus(data_file: DataFile, framework: Framework, consensus: dict,
                      known: list[str]) -> None:
    for item_id, entry in consensus.items():
        record_consensus(data_file, ConsensusRecord(
            item=item_id, score=entry["score"], rationale=entry["rationale"],
            strengths=_statements(entry.get("strengths", []), known, item_id),
            ofis=_statements(entry.get("ofis", []), known, item_id),
            recorded_by="coordinator", recorded_at=_now(),
        ), framework.scoring.step)
