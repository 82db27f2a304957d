"""The demo organizations, each with two finished cycles and a current one, and their team.

An English-language manufacturer and a Chinese-language hospital (both fictional). Each 2024
and 2025 cycle is examined and closed (scores, consensus, feedback report, targets), so the
2025 gap report compares with 2024; each 2026 cycle is being written. Everything comes from
YAML under demo_data/ and goes through the domain functions, so the demo is stored exactly as
real use would store it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .access import PHASE_ORDER, OrgRole, Phase, Role
from .answers import AnswerEdit, save_answers
from .clock import utc_now
from .consensus import ConsensusRecord, record_consensus
from .criteria import Framework
from .key_factors import save_key_factors
from .organizations import AssessmentRecord, Organization, create_assessment, create_organization
from .paths import framework_named
from .phases import current_phase, move_to
from .repositories import AssessmentData
from .review import Review, submit
from .settings import Settings, save_settings
from .statements import Statement, parse_statements
from .storage.store import Store
from .targets import set_targets
from .team import add_role, assign
from .users import Users

DEMO_DIR = Path(__file__).parent / "demo_data"
DEMO_PASSWORD = "demo"
# Each organization's cycles, oldest first (created in this order, so each is the next one's
# previous cycle); the last is the one in progress.
ORGANIZATIONS = (("demo-2024.yaml", "demo-2025.yaml", "demo.yaml"),
                 ("zh-2024.yaml", "zh-2025.yaml", "zh-2026.yaml"))
# Organization roles of the demo team, beside their roles in each cycle.
ORG_ROLES = {"coordinator": OrgRole.MANAGER, "leader": OrgRole.LEADER,
             "writer": OrgRole.MEMBER}


def load_demo(store: Store, users: Users, demo_dir: Path = DEMO_DIR) -> list[AssessmentRecord]:
    """Create the demo team (where missing), the demo organizations and every demo cycle;
    return each organization's current cycle."""
    team = _read(demo_dir / "team.yaml")["team"]
    _create_accounts(users, team)
    current = []
    for cycle_files in ORGANIZATIONS:
        organization = None
        for name in cycle_files:
            cycle = _read(demo_dir / name)
            if "answers_from" in cycle:  # a cycle may keep its answers in another file
                cycle["answers"] = _read(demo_dir / cycle["answers_from"])["answers"]
            if organization is None:
                organization = _create_organization(store, cycle["organization"])
            record = _load_cycle(store, organization, team, cycle)
        current.append(record)
    return current


def _create_organization(store: Store, name: str) -> Organization:
    organization = create_organization(store.organizations, name)
    for username, role in ORG_ROLES.items():
        store.organizations.add_member(organization.id, username, role)
    return organization


# libyaml's safe loader when PyYAML was built with it: the demo text is most of the load time.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(path: Path) -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)


def _create_accounts(users: Users, team: list[dict]) -> None:
    for person in team:
        if users.get(person["username"]) is None:
            users.create(person["username"], person["name"], DEMO_PASSWORD,
                         is_admin=person.get("admin", False), is_demo=True)


def _load_cycle(store: Store, organization: Organization, team: list[dict],
                cycle: dict[str, Any]) -> AssessmentRecord:
    record = create_assessment(store.assessments, organization, str(cycle["cycle"]),
                               cycle["framework"], coordinator="coordinator")
    data = store.assessment_data(record.id)
    framework = framework_named(record.framework)
    _add_team(data, framework, team)
    if "targets" in cycle:  # set when the cycle starts, as a coordinator would
        _set_targets(data, framework, cycle["targets"])
    edits = [AnswerEdit(question, text.strip(), 0)
             for question, text in cycle.get("answers", {}).items()]
    save_answers(data, edits, now=utc_now(), user="writer")
    factors = save_key_factors(data, {}, cycle.get("key_factors", []))
    known = [factor.id for factor in factors]
    if "reviews" in cycle:
        _move_to(data, Phase.REVIEW)
        _submit_reviews(data, framework, cycle["reviews"], known)
    if "consensus" in cycle:
        _move_to(data, Phase.CONSENSUS)
        _record_consensus(data, framework, cycle["consensus"], known)
        save_settings(data, Settings(report_shows_total=True))
    _move_to(data, Phase(cycle.get("phase", Phase.WRITING.value)))
    data.audit.record("coordinator", "demo_loaded", answers=len(edits))
    return record


def _set_targets(data: AssessmentData, framework: Framework, targets: dict[str, Any]) -> None:
    """`targets: {all: PCT, items: {ITEM: PCT}, rationales: {ITEM: TEXT}}`, any part optional."""
    set_targets(data, framework, "coordinator", all_items=targets.get("all"),
                items={str(item): pct for item, pct in targets.get("items", {}).items()},
                rationales={str(item): text.strip()
                            for item, text in targets.get("rationales", {}).items()})


def _add_team(data: AssessmentData, framework: Framework, team: list[dict]) -> None:
    for person in team:
        for role in person.get("roles", []):
            add_role(data, person["username"], Role(role))
        for role, key in ((Role.WRITER, "writes"), (Role.EXAMINER, "examines")):
            if key in person:
                items = ([item.id for item in framework.items] if person[key] == "all"
                         else person[key])
                assign(data, person["username"], role, items)


def _move_to(data: AssessmentData, target: Phase) -> None:
    """Step phase by phase, as a coordinator would, up to the target."""
    while PHASE_ORDER.index(current_phase(data)) < PHASE_ORDER.index(target):
        move_to(data, PHASE_ORDER[PHASE_ORDER.index(current_phase(data)) + 1])


def _statements(lines: list[str], known: list[str]) -> tuple[Statement, ...]:
    return tuple(parse_statements("\n".join(lines), known))


def _submit_reviews(data: AssessmentData, framework: Framework, reviews: dict, known: list[str]
                    ) -> None:
    for item_id, by_examiner in reviews.items():
        for examiner, entry in by_examiner.items():
            review = Review(
                item=item_id, examiner=examiner, score=entry["score"],
                notes=entry.get("notes", {}),
                strengths=_statements(entry.get("strengths", []), known),
                ofis=_statements(entry.get("ofis", []), known),
            )
            submit(data, review, framework.scoring.step, utc_now())


def _record_consensus(data: AssessmentData, framework: Framework, consensus: dict,
                      known: list[str]) -> None:
    for item_id, entry in consensus.items():
        record_consensus(data, ConsensusRecord(
            item=item_id, score=entry["score"], rationale=entry["rationale"],
            strengths=_statements(entry.get("strengths", []), known),
            ofis=_statements(entry.get("ofis", []), known),
            recorded_by="coordinator", recorded_at=utc_now(),
        ), framework.scoring.step)
