"""The demo organizations, each with two finished cycles and a current one, and their team.

An English-language manufacturer and a Chinese-language hospital (both fictional). Each 2024
and 2025 cycle is examined and closed (scores, consensus, feedback report, targets), so the
2025 gap report compares with 2024; each 2026 cycle is being written. Each organization also
has its units, strategy and KPI register with monthly values since January 2023
(performance.yaml, zh-performance.yaml). Everything comes from YAML under demo_data/ and goes
through the domain functions, so the demo is stored exactly as real use would store it.

load_demo builds it in a staging folder (storage/staging.py) that joins the data folder when
it is complete: a few dozen fsyncs instead of some 1,800, and a failure or a crash part-way
leaves no part of the demo behind.
"""

from __future__ import annotations

import calendar
import math
import random
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

import yaml

from .access import PHASE_ORDER, OrgRole, Phase, Role
from .answers import AnswerEdit, save_answers
from .clock import utc_now
from .consensus import ConsensusRecord, record_consensus
from .criteria import Framework
from .demo_plans import load_plans
from .key_factors import save_key_factors
from .kpis import EDITABLE, Kpi, accept_kpi, create_kpi, superior_of
from .measurements import add_measurements, reply_on_kpi
from .organizations import AssessmentRecord, Organization, create_assessment, create_organization
from .paths import framework_named
from .phases import current_phase, move_to
from .repositories import AssessmentData, PerformanceData
from .review import Review, submit
from .settings import Settings, save_settings
from .statements import Statement, parse_statements
from .storage.staging import staged
from .storage.store import Store
from .strategy import add_objective, link_objectives, set_strategy
from .targets import set_targets
from .team import add_role, assign
from .units import create_unit, find_path
from .users import Users

DEMO_DIR = Path(__file__).parent / "demo_data"
DEMO_PASSWORD = "demo"
# Each organization's cycles, oldest first (created in this order, so each is the next one's
# previous cycle); the last is the one in progress.
ORGANIZATIONS = (("demo-2024.yaml", "demo-2025.yaml", "demo.yaml"),
                 ("zh-2024.yaml", "zh-2025.yaml", "zh-2026.yaml"))
# Each organization's units, strategy and KPIs, in the order of ORGANIZATIONS.
PERFORMANCE = ("performance.yaml", "zh-performance.yaml")
# The months the demo KPIs were measured, first and last.
FIRST_MONTH, LAST_MONTH = "2023-01", "2026-10"
MANAGER = "coordinator"  # the organization's manager, who keeps the register
# Organization roles of the demo team, beside their roles in each cycle. The examiners are
# staff too (heads of units, owners of KPIs), so members: a KPI's owner is one of the
# organization's people.
ORG_ROLES = {"coordinator": OrgRole.MANAGER, "leader": OrgRole.LEADER,
             "writer": OrgRole.MEMBER, "examiner1": OrgRole.MEMBER,
             "examiner2": OrgRole.MEMBER, "examiner3": OrgRole.MEMBER}


def _quiet(step: str) -> None:
    pass


def load_demo(store: Store, users: Users, demo_dir: Path = DEMO_DIR,
              progress: Callable[[str], object] = _quiet) -> list[AssessmentRecord]:
    """Create the demo team (where missing), the demo organizations and every demo cycle;
    return each organization's current cycle. Built in a staging folder that joins the data
    folder whole when it is complete; `progress` hears of each step done (in English)."""
    with staged(store) as staging:
        current = build_demo(staging, Users(staging.users, users.hasher), demo_dir, progress,
                             known=users)
        progress("writing it to the data folder")
    return current


def build_demo(store: Store, users: Users, demo_dir: Path = DEMO_DIR,
               progress: Callable[[str], object] = _quiet, known: Users | None = None
               ) -> list[AssessmentRecord]:
    """load_demo's work, change by change into `store` (every change synced, unless `store`
    is a staging); accounts are created where `known` (default: `users`) lacks them."""
    team = _read(demo_dir / "team.yaml")["team"]
    _create_accounts(users, team, known or users)
    usernames = {person["username"] for person in team}
    current = []
    for cycle_files, performance in zip(ORGANIZATIONS, PERFORMANCE, strict=True):
        organization, loaded = None, []
        for name in cycle_files:
            cycle = _read(demo_dir / name)
            if "answers_from" in cycle:  # a cycle may keep its answers in another file
                cycle["answers"] = _read(demo_dir / cycle["answers_from"])["answers"]
            if organization is None:
                organization = _create_organization(store, cycle["organization"])
            record = _load_cycle(store, organization, team, cycle)
            loaded.append(record.cycle)
        assert organization is not None
        spec = _read(demo_dir / performance)
        _load_performance(store.organization_data(organization.id), spec, usernames,
                          store.organizations.members(organization.id))
        progress(f"'{organization.name}': cycles {', '.join(loaded)}; units, strategy and "
                 f"{len(spec['kpis'])} KPIs")
        current.append(record)
    load_plans(store, current, demo_dir)
    progress("the improvement plans")
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


def _create_accounts(users: Users, team: list[dict], known: Users) -> None:
    for person in team:
        if known.get(person["username"]) is None:
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


# -- units, strategy and KPIs -------------------------------------------------------------------

def _load_performance(data: PerformanceData, spec: dict[str, Any], usernames: set[str],
                      people: Collection[str] | None = None) -> None:
    """Units, strategy, objectives and links, then the KPIs (agreed as the file says; each
    owner one of the organization's `people`) with their feedback threads, and their values
    since FIRST_MONTH in one change."""
    _create_units(data, spec["units"], None)
    strategy = spec["strategy"]
    set_strategy(data, MANAGER, strategy["mission"], strategy["vision"], strategy["values"],
                 strategy["horizon"])
    objectives = {entry["key"]: add_objective(
        data, MANAGER, entry["name"], entry["perspective"], entry["owner"],
        entry["description"]).id for entry in spec["objectives"]}
    for link in spec["links"]:
        link_objectives(data, MANAGER, objectives[link["cause"]], objectives[link["effect"]],
                        link["hypothesis"])
    kpis: dict[str, Kpi] = {}
    for entry in spec["kpis"]:
        entry = {**spec["defaults"], **entry}
        records = data.read()
        values = {name: entry[name] for name in EDITABLE if name in entry}
        values.update(unit=find_path(records, entry["unit"]).id,  # type: ignore[union-attr]
                      parent=kpis[entry["parent"]].id if "parent" in entry else None,
                      objectives=tuple(objectives[key] for key in entry["objectives"]),
                      items=tuple(entry["items"]))
        kpi = kpis[entry["code"]] = create_kpi(data, MANAGER, values, usernames, people)
        _agree(data, kpi, entry.get("agreed", "yes"), f"{spec['agreed_on']}T01:00:00+00:00")
    for entry in spec["kpis"]:
        for reply in entry.get("feedback", ()):
            reply_on_kpi(data, reply["by"], kpis[entry["code"]].id, reply["text"],
                         now=f"{reply['at']}T02:00:00+00:00")
    # The values last, in one change: every change above rewrites the whole file.
    add_measurements(data, MANAGER, (
        (kpis[entry["code"]].id, period, value, entry.get("comments", {}).get(period[:7], ""))
        for entry in spec["kpis"] for period, value in _series(entry)))


def _create_units(data: PerformanceData, unit: dict[str, Any], parent: str | None) -> None:
    created = create_unit(data, MANAGER, unit["name"], parent, mission=unit["mission"],
                          head=unit["head"])
    for child in unit.get("units", ()):
        _create_units(data, child, created.id)


def _agree(data: PerformanceData, kpi: Kpi, agreed: str, at: str) -> None:
    """`yes`: the owner and the superior accepted the KPI; `owner`: the owner only; `no`."""
    parties = {"yes": [kpi.owner, superior_of(data.read(), kpi)], "owner": [kpi.owner],
               "no": []}[agreed]
    for user in dict.fromkeys(parties):  # one person who is both accepts once
        accept_kpi(data, user, kpi.id, now=at)


def _month_number(month: str) -> int:
    """YYYY-MM as year x 12 + month - 1, for counting months."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _series(entry: dict[str, Any]) -> Iterator[tuple[str, float]]:
    """A KPI's monthly values (period, value): linear between the anchor months of `series`,
    which are kept as given, plus seasonality and noise drawn from a random generator seeded
    with the KPI's code (the same values every time)."""
    anchors = {_month_number(month): float(value) for month, value in entry["series"].items()}
    points = sorted(anchors)
    amplitude, peak = entry.get("season", (0.0, 1))
    noise = random.Random(entry["code"])
    for number in range(_month_number(FIRST_MONTH), _month_number(LAST_MONTH) + 1):
        year, month = divmod(number, 12)
        period = f"{year}-{month + 1:02d}-{calendar.monthrange(year, month + 1)[1]}"
        if number in anchors:
            yield period, anchors[number]
            continue
        after = next(point for point in points if point > number)
        before = max(point for point in points if point < number)
        share = (number - before) / (after - before)
        value = anchors[before] + share * (anchors[after] - anchors[before]) \
            + amplitude * math.cos(2 * math.pi * (month + 1 - peak) / 12) \
            + noise.gauss(0, entry.get("noise", 0))
        yield period, round(value, entry.get("digits", 1))
