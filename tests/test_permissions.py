"""Every route x role, in the phases where the answer differs: 200, 302 (done, or sign in
first), 403 or 404 (an item the criteria do not have); and nothing of one assessment reaches
a user without a role in it.

The expected codes are written out, not computed from `access.permits`: a wrong rule in the
policy table, or a view that checks the wrong action, fails here. A new route fails
`test_every_route_is_in_the_table` until it has its rows.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from assessor import create_app
from assessor.access import PHASE_ORDER, OrgRole, Phase, Role
from assessor.answers import AnswerEdit, save_answers
from assessor.consensus import ConsensusRecord, record_consensus
from assessor.extensions import STORE_KEY, USERS_KEY
from assessor.kpis import Kpi
from assessor.measurements import Measurement
from assessor.organizations import AssessmentRecord
from assessor.paths import framework_named
from assessor.performance import PerformanceRecords
from assessor.phases import move_to
from assessor.plans import CheckVerdict, Plan, PlanAction, PlanState, Verdict
from assessor.review import Review, review_of, submit
from assessor.storage.files import DataFile
from assessor.storage.store import Store
from assessor.strategy import Link, Objective, Perspective
from assessor.team import add_role, assign, designate_consensus_lead
from assessor.units import OrgUnit, UnitKind
from assessor.users import Users
from assessor.web.forms import answer_field, revision_field
from tests.factories import gen_assessment

from .conftest import COORDINATOR, FRAMEWORK_FILE, PASSWORD, app_config, sign_in_client

ITEM, OTHER_ITEM = "4.1.2", "4.1.3"  # assigned to the writer and examiner; not assigned
PROFILE_ID = framework_named(FRAMEWORK_FILE).profile.id  # writers are assigned it too
NOW = "2026-03-01T00:00:00+00:00"
SEEDED_QUESTION = f"{ITEM}.a"  # answered in both assessments
SECOND_ORGANIZATION = "Second Site Co."
# Answer texts that only pages of their own assessment may show.
FIRST_SECRET, SECOND_SECRET = "first-assessment-answer-text", "second-assessment-answer-text"

# The columns of the table. "lead": an examiner of OTHER_ITEM, designated consensus lead;
# "stranger": no role in the first assessment, coordinator of the second; "admin": an
# administrator with no role in either.
ROLES = ("coordinator", "writer", "examiner", "lead", "leader", "stranger", "admin", "anonymous")
USERNAMES = {"coordinator": COORDINATOR, "writer": "writer", "examiner": "examiner",
             "lead": "lead", "leader": "leader", "stranger": "stranger", "admin": "admin"}
MEMBERS_OF_FIRST = ("coordinator", "writer", "examiner", "lead", "leader")


# -- the world --------------------------------------------------------------------------------
Snapshot = dict[Path, bytes]


def snapshot(root: Path) -> Snapshot:
    """Every data file's bytes (lock files come and go with each write, so they are left out)."""
    return {path: path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file() and path.suffix != ".lock"}


@dataclass(frozen=True, slots=True)
class World:
    app: Flask
    store: Store
    first: AssessmentRecord
    second: AssessmentRecord
    pristine: Snapshot

    @property
    def root(self) -> Path:
        return Path(self.app.config["DATA_DIR"])

    def data_file(self, record: AssessmentRecord | None = None) -> DataFile:
        return self.store.assessment_data((record or self.first).id)

    def client(self, role: str) -> FlaskClient:
        if role == "anonymous":
            return self.app.test_client()
        return sign_in_client(self.app, USERNAMES[role])

    def url(self, template: str, record: AssessmentRecord | None = None) -> str:
        record = record or self.first
        return template.format(a=record.id, o=record.organization_id)

    def foreign_texts(self, role: str) -> tuple[str, ...]:
        """What the role must never see: the assessments it holds no role in."""
        first = (self.first.organization, FIRST_SECRET)
        second = (self.second.organization, SECOND_SECRET)
        return {"stranger": first, "admin": first + second, "anonymous": first + second
                }.get(role, second)

    def restore(self) -> None:
        """Back to the world as built: what a test changed is written back, what it added goes
        (the data layer caches parses by content, so restored bytes read as restored)."""
        now = snapshot(self.root)
        for path in now.keys() - self.pristine.keys():
            path.unlink()
        for path, content in self.pristine.items():
            if now.get(path) != content:
                path.write_bytes(content)


def _submitted(data_file: DataFile, examiner: str, item_id: str, score: int) -> None:
    submit(data_file, Review(item=item_id, examiner=examiner, score=score), 5, NOW)


def build_world(data_dir: Path, phase: Phase, **config: object) -> World:
    """Both assessments with their teams, moved to `phase` with the work each earlier phase
    leaves behind (answers, submitted reviews, a consensus)."""
    app = create_app(app_config(data_dir, **config))
    store: Store = app.extensions[STORE_KEY]
    users: Users = app.extensions[USERS_KEY]
    users.create(COORDINATOR, "Quality Manager", PASSWORD)
    for username in ("writer", "examiner", "lead", "leader", "stranger"):
        users.create(username, username.title(), PASSWORD)
    users.create("admin", "Administrator", PASSWORD, is_admin=True)
    first_record = gen_assessment(store, "Test Works Ltd.", "2026", FRAMEWORK_FILE, NOW)
    first = store.assessment_data(first_record.id)
    for username, role, items in ((COORDINATOR, Role.COORDINATOR, ()),
                                  ("writer", Role.WRITER, (ITEM, PROFILE_ID)),
                                  ("examiner", Role.EXAMINER, (ITEM,)),
                                  ("lead", Role.EXAMINER, (OTHER_ITEM,)),
                                  ("leader", Role.LEADER, ())):
        add_role(first, username, role)
        if items:
            assign(first, username, role, items)
    designate_consensus_lead(first, "lead")
    store.organizations.add_member(first_record.organization_id, COORDINATOR, OrgRole.MANAGER)
    second_record = gen_assessment(store, SECOND_ORGANIZATION, "2026", FRAMEWORK_FILE, NOW)
    store.organizations.add_member(second_record.organization_id, "stranger", OrgRole.MANAGER)
    second = store.assessment_data(second_record.id)
    add_role(second, "stranger", Role.COORDINATOR)
    save_answers(first, [AnswerEdit(SEEDED_QUESTION, FIRST_SECRET, 0)], NOW, "writer")
    save_answers(second, [AnswerEdit(SEEDED_QUESTION, SECOND_SECRET, 0)], NOW, "stranger")
    for step in PHASE_ORDER[1:PHASE_ORDER.index(phase) + 1]:
        if step is Phase.CONSENSUS:  # the review leaves submitted entries
            _submitted(first, "examiner", ITEM, 60)
            _submitted(first, "lead", OTHER_ITEM, 50)
        if step is Phase.FEEDBACK:  # consensus leaves a consensus score
            record_consensus(first, ConsensusRecord(
                item=ITEM, score=55, rationale="Agreed.", strengths=(), ofis=(),
                recorded_by=COORDINATOR, recorded_at=NOW), 5)
        move_to(first, step)
        move_to(second, step)
    return World(app, store, first_record, second_record, snapshot(data_dir))


@pytest.fixture(scope="module")
def built_worlds(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Phase], World]:
    """One world per phase for the module, built when first needed: some 700 requests on a
    fresh app each would take a minute; `world_in` restores a world after each test."""
    worlds: dict[Phase, World] = {}

    def world(phase: Phase) -> World:
        if phase not in worlds:
            worlds[phase] = build_world(tmp_path_factory.mktemp(f"{phase}-world"), phase)
        return worlds[phase]

    return world


@pytest.fixture
def world_in(built_worlds: Callable[[Phase], World]) -> Iterator[Callable[[Phase], World]]:
    """world_in(phase) -> the world in that phase, as built: each test starts afresh."""
    used: list[World] = []

    def world(phase: Phase) -> World:
        used.append(built_worlds(phase))
        return used[-1]

    yield world
    for world_used in used:
        world_used.restore()


# -- form data: what an allowed request needs to succeed ---------------------------------------
FormData = Callable[[World], Mapping[str, object]]


def answer(question_id: str) -> FormData:
    """A page as the browser sends it: a new answer, and the seeded one unchanged (an absent
    field would be an edit of revision 0, refused as a conflict)."""
    return lambda world: {answer_field(question_id): "Our approach, deployed since 2023.",
                          revision_field(question_id): "0",
                          answer_field(SEEDED_QUESTION): FIRST_SECRET,
                          revision_field(SEEDED_QUESTION): "1"}


def all_items_at_50(world: World) -> Mapping[str, object]:
    return {"all_items": "50"}


def sign_in_as_writer(world: World) -> Mapping[str, object]:
    return {"username": "writer", "password": PASSWORD}


def new_user(world: World) -> Mapping[str, object]:
    return {"username": "newcomer", "display_name": "New Comer", "password": PASSWORD,
            "confirm": PASSWORD}


def new_cycle_of_first(world: World) -> Mapping[str, object]:
    return {"organization": world.first.organization_id, "cycle": "2027",
            "framework": FRAMEWORK_FILE}


def next_cycle_2027(world: World) -> Mapping[str, object]:
    return {"cycle": "2027"}


def new_organization(world: World) -> Mapping[str, object]:
    return {"name": "Third Works"}


def leader_leads_the_organization(world: World) -> Mapping[str, object]:
    return {"username": "leader", "role": "leader", "change": "add"}


def leader_as_examiner(world: World) -> Mapping[str, object]:
    return {"username": "leader", "role": "examiner"}


def writer_gets_other_item(world: World) -> Mapping[str, object]:
    return {"writer-writer-items": [OTHER_ITEM], "writer-writer-save": "Save assignments"}


def examiner_leads(world: World) -> Mapping[str, object]:
    return {"lead": "examiner"}


def phase_step(shown: Phase, target: Phase, confirm: bool = True) -> FormData:
    """The move as the confirmation page sends it; without confirm, the button that asks."""
    return lambda world: {"shown": shown.value, "target": target.value,
                          **({"confirm": "yes"} if confirm else {})}


def confirmed(world: World) -> Mapping[str, object]:
    return {"confirm": "yes"}


def new_password(world: World) -> Mapping[str, object]:
    return {"current": PASSWORD, "new": "a brand new password", "confirm": "a brand new password"}


def reset_writer(world: World) -> Mapping[str, object]:
    return {"password": "a temporary password", "confirm": "a temporary password"}


def disable(world: World) -> Mapping[str, object]:
    return {"disabled": "yes"}


def new_key_factor(world: World) -> Mapping[str, object]:
    return {"new_1": "Export markets grow faster than the home market"}


def settings(world: World) -> Mapping[str, object]:
    return {"variance_threshold": "25", "report_shows_total": "y"}


def review_draft(world: World) -> Mapping[str, object]:
    return {"score": "50", "note_approach": "Documented and reviewed yearly.",
            "strengths": "A yearly strategy review", "save_draft": "Save draft"}


def examiner_has_submitted(world: World) -> Mapping[str, object]:
    """Something to reopen: the examiner's submitted entry (the world has none in review)."""
    if not review_of(world.data_file(), ITEM, "examiner").submitted:
        _submitted(world.data_file(), "examiner", ITEM, 60)
    return {}


def shanghai_time(world: World) -> Mapping[str, object]:
    return {"timezone": "Asia/Shanghai"}


def chinese_from_home(world: World) -> Mapping[str, object]:
    return {"language": "zh_CN", "next": "/"}


def consensus_entry(world: World) -> Mapping[str, object]:
    return {"score": "55", "rationale": "The team agreed on the evidence of 4.1.2.a.",
            "strengths": "A yearly strategy review"}


# The first organization's units and strategy, with fixed ids that the rows' URLs name.
COMPANY_UNIT, SALES_UNIT, EAST_TEAM = "u-company", "u-sales", "u-east"
CUSTOMER_GOAL, PROCESS_GOAL = "o-customer", "o-process"


def with_units(world: World) -> Mapping[str, object]:
    """The company with a department (Sales) and a team below it (East)."""
    def put(records: PerformanceRecords) -> None:
        records.units.update({unit.id: unit for unit in (
            OrgUnit(COMPANY_UNIT, world.first.organization, UnitKind.COMPANY),
            OrgUnit(SALES_UNIT, "Sales", UnitKind.DEPARTMENT, COMPANY_UNIT),
            OrgUnit(EAST_TEAM, "East", UnitKind.TEAM, SALES_UNIT))})

    world.store.organization_data(world.first.organization_id).change(put)
    return {}


def new_unit(world: World) -> Mapping[str, object]:
    with_units(world)
    return {"name": "West", "parent": SALES_UNIT, "kind": "", "mission": "", "head": ""}


def renamed_team(world: World) -> Mapping[str, object]:
    with_units(world)
    return {"name": "East region", "mission": "Serve the east", "head": "", "revision": "1"}


def team_to_company(world: World) -> Mapping[str, object]:
    with_units(world)
    return {"parent": COMPANY_UNIT, "revision": "1"}


def with_strategy(world: World) -> Mapping[str, object]:
    """Two objectives, the process one linked to the customer one."""
    def put(records: PerformanceRecords) -> None:
        records.objectives.update({
            CUSTOMER_GOAL: Objective(CUSTOMER_GOAL, "Keep customers", Perspective.CUSTOMER),
            PROCESS_GOAL: Objective(PROCESS_GOAL, "Deliver on time",
                                    Perspective.INTERNAL_PROCESS)})
        records.links[:] = [Link(PROCESS_GOAL, CUSTOMER_GOAL, "On time keeps them")]

    world.store.organization_data(world.first.organization_id).change(put)
    return {}


def mission_statement(world: World) -> Mapping[str, object]:
    return {"mission": "Precision parts", "vision": "First choice", "values": "Safety\nQuality",
            "horizon": "5"}


def new_objective(world: World) -> Mapping[str, object]:
    return {"name": "Grow revenue", "perspective": "financial", "owner": "", "description": ""}


def renamed_objective(world: World) -> Mapping[str, object]:
    with_strategy(world)
    return {"name": "Keep key customers", "perspective": "customer", "owner": "",
            "description": "", "revision": "1"}


def customer_to_process(world: World) -> Mapping[str, object]:
    """A new link: the customer objective as a cause of the process one."""
    with_strategy(world)
    return {"cause": CUSTOMER_GOAL, "effect": PROCESS_GOAL, "hypothesis": "Feedback"}


def the_link(world: World) -> Mapping[str, object]:
    with_strategy(world)
    return {"cause": PROCESS_GOAL, "effect": CUSTOMER_GOAL}


# A KPI of the first organization, owned by its manager (the coordinator), with a red value.
KPI = "k-orders"
KPI_URL = "/o/{o}/kpis/" + KPI


def with_kpi(world: World) -> Mapping[str, object]:
    def put(records: PerformanceRecords) -> None:
        records.kpis[KPI] = Kpi(KPI, "K1", "Orders on time", owner=COORDINATOR, baseline=50.0,
                                baseline_date="2025-01-01", target=100.0,
                                target_date="2026-12-31")
        records.measurements[KPI] = {"2025-12-31": Measurement(KPI, "2025-12-31", 60.0)}

    world.store.organization_data(world.first.organization_id).change(put)
    return {}


def value_on_target(world: World) -> Mapping[str, object]:
    with_kpi(world)
    return {"period": "2026-01-31", "value": "100", "comment": ""}


def explained(world: World) -> Mapping[str, object]:
    with_kpi(world)
    return {"comment": "Two suppliers were late; a third is qualified."}


def kpi_reply(world: World) -> Mapping[str, object]:
    with_kpi(world)
    return {"text": "Thanks: let us review the suppliers on Monday."}


def kpi_fields(world: World) -> Mapping[str, object]:
    with_kpi(world)
    return {"code": "K2", "name": "Complaints closed in 5 days", "direction": "up",
            "baseline": "70", "target": "95", "owner": COORDINATOR}


def kpi_changed(world: World) -> Mapping[str, object]:
    with_kpi(world)
    return {"code": "K1", "name": "Orders on time", "direction": "up", "baseline": "50",
            "baseline_date": "2025-01-01", "target": "98", "target_date": "2026-12-31",
            "owner": COORDINATOR, "revision": "1"}


def kpi_removal_confirmed(world: World) -> Mapping[str, object]:
    with_kpi(world)
    return {"confirm": "yes"}


def values_file_refused(world: World) -> Mapping[str, object]:
    """An import whose one row is refused (no such KPI): the report, nothing stored."""
    with_kpi(world)
    return {"file": (io.BytesIO(b"code,period,value,comment\nNOPE,2026-01-31,1,\n"),
                     "values.csv")}


# A plan of the first organization, owned by its manager (the coordinator); for the leaders'
# moves the cycle's leader is made a leader of the organization too.
PLAN = "p-plan"
PLAN_URL = "/o/{o}/plans/" + PLAN


def with_plan(world: World, state: PlanState = PlanState.DRAFT,
              verdict: bool = False) -> Mapping[str, object]:
    def put(records: PerformanceRecords) -> None:
        records.plans[PLAN] = Plan(
            PLAN, "Shorter lead times", objective="Halve the lead time", owner=COORDINATOR,
            sponsor="leader", state=state,
            actions=(PlanAction("A1", "Map the process", COORDINATOR, "2026-03-31"),),
            verdict=CheckVerdict(Verdict.EFFECTIVE, "Halved", COORDINATOR, NOW)
            if verdict else None)

    world.store.organization_data(world.first.organization_id).change(put)
    return {}


def plan_leader(world: World, state: PlanState, verdict: bool = False) -> None:
    with_plan(world, state, verdict)
    world.store.organizations.add_member(world.first.organization_id, "leader", OrgRole.LEADER)


def new_plan_fields(world: World) -> Mapping[str, object]:
    return {"title": "Faster quotes", "owner": COORDINATOR, "effect_rows": "0"}


def plan_retitled(world: World) -> Mapping[str, object]:
    with_plan(world)
    return {"title": "Shorter lead times everywhere", "objective": "Halve the lead time",
            "owner": COORDINATOR, "sponsor": "", "effect_rows": "0", "revision": "1"}


def plan_submission(world: World) -> Mapping[str, object]:
    with_plan(world)
    return {"to": "submitted", "revision": "1"}


def plan_approval(world: World) -> Mapping[str, object]:
    plan_leader(world, PlanState.SUBMITTED)
    return {"to": "approved"}


def plan_return(world: World) -> Mapping[str, object]:
    plan_leader(world, PlanState.SUBMITTED)
    return {"to": "draft", "comment": "Name the KPI it should move."}


def plan_closing(world: World) -> Mapping[str, object]:
    plan_leader(world, PlanState.CHECKING, verdict=True)
    return {"to": "closed", "standards": "Quoting procedure QP-3"}


def plan_verdict(world: World) -> Mapping[str, object]:
    with_plan(world, PlanState.CHECKING)
    return {"verdict": "effective", "comment": "Lead time halved."}


def plan_action(world: World) -> Mapping[str, object]:
    with_plan(world)
    return {"text": "Train the sales team", "owner": COORDINATOR, "due": "2026-05-31"}


def action_done(world: World) -> Mapping[str, object]:
    with_plan(world, PlanState.DOING)
    return {"status": "done"}


def progress_note(world: World) -> Mapping[str, object]:
    with_plan(world, PlanState.DOING)
    return {"text": "Mapped with the team."}


# -- the table --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Row:
    expected: Mapping[str, int]
    method: str
    endpoint: str
    url: str  # {a}: the first assessment's id
    phase: Phase | None  # None: not an assessment's page (the world is then in writing)
    data: FormData | None

    @property
    def id(self) -> str:
        item = re.search(r"/items/([^/]+)", self.url)
        phase = f"{self.phase}-phase" if self.phase else ""
        return " ".join(part for part in (self.method, self.endpoint,
                                          item.group(1) if item else "", phase) if part)


def row(codes: str, method: str, endpoint: str, url: str, phase: Phase | None = None,
        data: FormData | None = None) -> Row:
    statuses = [int(code) for code in codes.split()]
    assert len(statuses) == len(ROLES), f"{endpoint}: one code per role"
    return Row(dict(zip(ROLES, statuses, strict=True)), method, endpoint, url, phase, data)


GET, POST = "GET", "POST"
WRITING, REVIEW, CONSENSUS, FEEDBACK = PHASE_ORDER
A = "/a/{a}"

TABLE = (
    #    coor wrtr exam lead ldr  strg admn anon  (the ROLES, in order)
    row("302  302  302  302  302  302  302  200", GET, "auth.login", "/login"),
    row("302  302  302  302  302  302  302  302", POST, "auth.login", "/login",
        data=sign_in_as_writer),
    row("302  302  302  302  302  302  302  302", POST, "auth.logout", "/logout"),
    # The language switch is open before sign-in too: it goes back to the page it came from.
    row("302  302  302  302  302  302  302  302", POST, "language.switch", "/language",
        data=chinese_from_home),
    row("403  403  403  403  403  403  200  302", GET, "admin.user_list", "/admin/users"),
    row("403  403  403  403  403  403  302  302", POST, "admin.user_list", "/admin/users",
        data=new_user),
    # -- an account: administrators reset its password, disable and enable it
    row("403  403  403  403  403  403  200  302", GET, "admin.user", "/admin/users/writer"),
    row("403  403  403  403  403  403  302  302", POST, "admin.reset_password",
        "/admin/users/writer/password", data=reset_writer),
    row("403  403  403  403  403  403  302  302", POST, "admin.set_status",
        "/admin/users/writer/status", data=disable),
    row("200  200  200  200  200  200  200  302", GET, "home.index", "/"),
    # -- one's own settings (the time zone): every signed-in user, for themselves only
    row("200  200  200  200  200  200  200  302", GET, "account.settings", "/account"),
    row("302  302  302  302  302  302  302  302", POST, "account.settings", "/account",
        data=shanghai_time),
    row("200  200  200  200  200  200  200  302", GET, "account.password", "/account/password"),
    row("302  302  302  302  302  302  302  302", POST, "account.password", "/account/password",
        data=new_password),
    # -- organizations: their managers start cycles; administrators create organizations
    row("200  403  403  403  403  200  200  302", GET, "home.new_assessment", "/assessments/new"),
    row("302  403  403  403  403  400  400  302", POST, "home.new_assessment", "/assessments/new",
        data=new_cycle_of_first),
    row("403  403  403  403  403  403  200  302", GET, "organizations.new", "/organizations/new"),
    row("403  403  403  403  403  403  302  302", POST, "organizations.new",
        "/organizations/new", data=new_organization),
    row("200  200  200  200  200  403  403  302", GET, "organizations.show", "/o/{o}"),
    row("302  403  403  403  403  403  403  302", POST, "organizations.people", "/o/{o}/people",
        data=leader_leads_the_organization),
    # -- the leadership dashboard: the organization's managers and leaders (the cycle's leader
    # without a role in the organization has none); "my work": everyone signed in, their own
    row("200  403  403  403  403  403  403  302", GET, "dashboard.organization",
        "/o/{o}/dashboard"),
    row("200  200  200  200  200  200  200  302", GET, "dashboard.my_work", "/my-work"),
    # -- the organization's own audit trail: its managers and leaders
    row("200  403  403  403  403  403  403  302", GET, "organization_audit.index",
        "/o/{o}/audit/"),
    # -- units: the organization's managers edit, its people read (the cycle's team, without
    # a role in the organization, does not)
    row("200  403  403  403  403  403  403  302", GET, "units.index", "/o/{o}/units/",
        data=with_units),
    row("302  403  403  403  403  403  403  302", POST, "units.create", "/o/{o}/units/",
        data=new_unit),
    row("200  403  403  403  403  403  403  302", GET, "units.show", "/o/{o}/units/u-east",
        data=with_units),
    row("302  403  403  403  403  403  403  302", POST, "units.update", "/o/{o}/units/u-east",
        data=renamed_team),
    row("302  403  403  403  403  403  403  302", POST, "units.move", "/o/{o}/units/u-east/move",
        data=team_to_company),
    row("302  403  403  403  403  403  403  302", POST, "units.remove",
        "/o/{o}/units/u-east/remove", data=with_units),
    # -- strategy and the strategy map: as units
    row("200  403  403  403  403  403  403  302", GET, "strategy.index", "/o/{o}/strategy/",
        data=with_strategy),
    row("302  403  403  403  403  403  403  302", POST, "strategy.save", "/o/{o}/strategy/",
        data=mission_statement),
    row("302  403  403  403  403  403  403  302", POST, "strategy.create_objective",
        "/o/{o}/strategy/objectives", data=new_objective),
    row("200  403  403  403  403  403  403  302", GET, "strategy.objective",
        "/o/{o}/strategy/objectives/o-customer", data=with_strategy),
    row("302  403  403  403  403  403  403  302", POST, "strategy.update",
        "/o/{o}/strategy/objectives/o-customer", data=renamed_objective),
    row("302  403  403  403  403  403  403  302", POST, "strategy.remove",
        "/o/{o}/strategy/objectives/o-customer/remove", data=with_strategy),
    row("302  403  403  403  403  403  403  302", POST, "strategy.link", "/o/{o}/strategy/links",
        data=customer_to_process),
    row("302  403  403  403  403  403  403  302", POST, "strategy.unlink",
        "/o/{o}/strategy/links/remove", data=the_link),
    row("200  403  403  403  403  403  403  302", GET, "strategy.map_page",
        "/o/{o}/strategy/map", data=with_strategy),
    # -- KPIs: the organization's people read; managers edit; the owner (here the manager)
    # enters values and accepts; the cycle's team without an organization role sees nothing
    row("200  403  403  403  403  403  403  302", GET, "kpis.index", "/o/{o}/kpis/",
        data=with_kpi),
    row("200  403  403  403  403  403  403  302", GET, "kpis.tree", "/o/{o}/kpis/tree",
        data=with_kpi),
    row("200  403  403  403  403  403  403  302", GET, "kpis.show", KPI_URL, data=with_kpi),
    row("302  403  403  403  403  403  403  302", POST, "kpis.measure",
        KPI_URL + "/measurements", data=value_on_target),
    row("302  403  403  403  403  403  403  302", POST, "kpis.explain",
        KPI_URL + "/measurements/2025-12-31/comment", data=explained),
    row("302  403  403  403  403  403  403  302", POST, "kpis.reply", KPI_URL + "/feedback",
        data=kpi_reply),
    row("302  403  403  403  403  403  403  302", POST, "kpis.accept", KPI_URL + "/accept",
        data=with_kpi),
    row("200  403  403  403  403  403  403  302", GET, "kpis.new", "/o/{o}/kpis/new"),
    row("302  403  403  403  403  403  403  302", POST, "kpis.new", "/o/{o}/kpis/new",
        data=kpi_fields),
    row("200  403  403  403  403  403  403  302", GET, "kpis.edit", KPI_URL + "/edit",
        data=with_kpi),
    row("302  403  403  403  403  403  403  302", POST, "kpis.edit", KPI_URL + "/edit",
        data=kpi_changed),
    # Removing asks first (200, nothing changed), then removes on confirmation.
    row("200  403  403  403  403  403  403  302", POST, "kpis.remove", KPI_URL + "/remove",
        data=with_kpi),
    row("302  403  403  403  403  403  403  302", POST, "kpis.remove", KPI_URL + "/remove",
        data=kpi_removal_confirmed),
    row("200  403  403  403  403  403  403  302", GET, "kpis.import_page", "/o/{o}/kpis/import"),
    row("200  403  403  403  403  403  403  302", POST, "kpis.import_page",
        "/o/{o}/kpis/import", data=values_file_refused),
    # -- improvement plans: the organization's people; managers and the plan's owner (here the
    # manager) edit and move it; only leaders approve, return and close (the cycle's leader,
    # made a leader of the organization for these rows; the manager may not)
    row("200  403  403  403  403  403  403  302", GET, "plans.index", "/o/{o}/plans/",
        data=with_plan),
    row("200  403  403  403  403  403  403  302", GET, "plans.new", "/o/{o}/plans/new"),
    row("302  403  403  403  403  403  403  302", POST, "plans.new", "/o/{o}/plans/new",
        data=new_plan_fields),
    row("200  403  403  403  403  403  403  302", GET, "plans.show", PLAN_URL, data=with_plan),
    row("200  403  403  403  403  403  403  302", GET, "plans.edit", PLAN_URL + "/edit",
        data=with_plan),
    row("302  403  403  403  403  403  403  302", POST, "plans.edit", PLAN_URL + "/edit",
        data=plan_retitled),
    row("302  403  403  403  403  403  403  302", POST, "plans.move", PLAN_URL + "/move",
        data=plan_submission),
    row("403  403  403  403  302  403  403  302", POST, "plans.move", PLAN_URL + "/move",
        data=plan_approval),
    row("403  403  403  403  302  403  403  302", POST, "plans.move", PLAN_URL + "/move",
        data=plan_return),
    row("403  403  403  403  302  403  403  302", POST, "plans.move", PLAN_URL + "/move",
        data=plan_closing),
    row("302  403  403  403  403  403  403  302", POST, "plans.verdict", PLAN_URL + "/verdict",
        data=plan_verdict),
    row("302  403  403  403  403  403  403  302", POST, "plans.new_action",
        PLAN_URL + "/actions", data=plan_action),
    row("302  403  403  403  403  403  403  302", POST, "plans.change_action",
        PLAN_URL + "/actions/A1", data=action_done),
    row("302  403  403  403  403  403  403  302", POST, "plans.note",
        PLAN_URL + "/actions/A1/notes", data=progress_note),
    row("302  403  403  403  403  403  403  302", POST, "plans.remove", PLAN_URL + "/remove",
        data=with_plan),
    # -- questionnaire: everyone with a role reads; writers write their pages while writing
    row("200  200  200  200  200  403  403  302", GET, "questionnaire.overview", A + "/", WRITING),
    row("200  200  200  200  200  403  403  302", GET, "questionnaire.overview", A + "/", FEEDBACK),
    row("200  200  200  200  200  403  403  302", GET, "questionnaire.profile", A + "/profile",
        WRITING),
    row("200  200  200  200  200  403  403  302", GET, "questionnaire.profile", A + "/profile",
        FEEDBACK),
    row("302  302  403  403  403  403  403  302", POST, "questionnaire.profile", A + "/profile",
        WRITING, answer("P.1.a")),
    row("403  403  403  403  403  403  403  302", POST, "questionnaire.profile", A + "/profile",
        REVIEW, answer("P.1.a")),
    row("200  200  200  200  200  403  403  302", GET, "questionnaire.item", A + "/items/4.1.2",
        WRITING),
    row("200  200  200  200  200  403  403  302", GET, "questionnaire.item", A + "/items/4.1.3",
        WRITING),
    row("200  200  200  200  200  403  403  302", GET, "questionnaire.item", A + "/items/4.1.2",
        FEEDBACK),
    row("302  302  403  403  403  403  403  302", POST, "questionnaire.item", A + "/items/4.1.2",
        WRITING, answer("4.1.2.b")),
    row("302  403  403  403  403  403  403  302", POST, "questionnaire.item", A + "/items/4.1.3",
        WRITING, answer("4.1.3.b")),
    row("403  403  403  403  403  403  403  302", POST, "questionnaire.item", A + "/items/4.1.2",
        REVIEW, answer("4.1.2.b")),
    # An item the criteria do not have: 404 for every role in the assessment, whatever it may do.
    row("404  404  404  404  404  403  403  302", GET, "questionnaire.item", A + "/items/9.9.9",
        WRITING),
    row("404  404  404  404  404  403  403  302", POST, "questionnaire.item", A + "/items/9.9.9",
        WRITING, answer("9.9.9.a")),
    row("403  403  403  403  403  403  403  302", POST, "questionnaire.item", A + "/items/4.1.2",
        FEEDBACK, answer("4.1.2.b")),
    row("200  200  200  200  200  403  403  302", GET, "questionnaire.answers", A + "/answers",
        WRITING),
    row("200  200  200  200  200  403  403  302", GET, "questionnaire.answers", A + "/answers",
        FEEDBACK),
    # -- the next cycle: started from any cycle, in any phase, by the organization's managers
    # (the coordinator manages the first organization; the leader leads only the cycle)
    row("200  403  403  403  403  403  403  302", GET, "next_cycle.new", A + "/next-cycle",
        WRITING),
    row("200  403  403  403  403  403  403  302", GET, "next_cycle.new", A + "/next-cycle",
        FEEDBACK),
    row("302  403  403  403  403  403  403  302", POST, "next_cycle.new", A + "/next-cycle",
        WRITING, next_cycle_2027),
    row("302  403  403  403  403  403  403  302", POST, "next_cycle.new", A + "/next-cycle",
        FEEDBACK, next_cycle_2027),
    # -- team: the coordinator manages in every phase; key factors also the consensus lead
    row("200  403  403  403  403  403  403  302", GET, "team.index", A + "/team/", WRITING),
    row("200  403  403  403  403  403  403  302", GET, "team.index", A + "/team/", FEEDBACK),
    row("302  403  403  403  403  403  403  302", POST, "team.add_member", A + "/team/members",
        WRITING, leader_as_examiner),
    # Removing a role asks first (200, nothing changed), then removes on confirmation.
    row("200  403  403  403  403  403  403  302", POST, "team.remove_role",
        A + "/team/members/writer/writer/remove", WRITING),
    row("302  403  403  403  403  403  403  302", POST, "team.remove_role",
        A + "/team/members/writer/writer/remove", WRITING, confirmed),
    row("302  403  403  403  403  403  403  302", POST, "team.assign_items",
        A + "/team/assignments/writer/writer", WRITING, writer_gets_other_item),
    row("302  403  403  403  403  403  403  302", POST, "team.consensus_lead",
        A + "/team/consensus-lead", WRITING, examiner_leads),
    row("200  403  403  403  403  403  403  302", GET, "phases.index", A + "/team/phase", WRITING),
    row("200  403  403  403  403  403  403  302", GET, "phases.index", A + "/team/phase", FEEDBACK),
    row("200  403  403  403  403  403  403  302", POST, "phases.index", A + "/team/phase", WRITING,
        phase_step(WRITING, REVIEW, confirm=False)),
    row("302  403  403  403  403  403  403  302", POST, "phases.index", A + "/team/phase", WRITING,
        phase_step(WRITING, REVIEW)),
    row("200  403  403  403  403  403  403  302", POST, "phases.index", A + "/team/phase", FEEDBACK,
        phase_step(FEEDBACK, CONSENSUS, confirm=False)),
    row("302  403  403  403  403  403  403  302", POST, "phases.index", A + "/team/phase", FEEDBACK,
        phase_step(FEEDBACK, CONSENSUS)),
    row("200  403  403  200  403  403  403  302", GET, "key_factors.index", A + "/team/key-factors",
        WRITING),
    row("200  403  403  200  403  403  403  302", GET, "key_factors.index", A + "/team/key-factors",
        CONSENSUS),
    row("403  403  403  403  403  403  403  302", GET, "key_factors.index", A + "/team/key-factors",
        FEEDBACK),
    row("302  403  403  302  403  403  403  302", POST, "key_factors.index",
        A + "/team/key-factors", WRITING, new_key_factor),
    row("302  403  403  302  403  403  403  302", POST, "key_factors.index",
        A + "/team/key-factors", CONSENSUS, new_key_factor),
    row("403  403  403  403  403  403  403  302", POST, "key_factors.index",
        A + "/team/key-factors", FEEDBACK, new_key_factor),
    row("200  403  403  403  403  403  403  302", GET, "settings.index", A + "/team/settings",
        WRITING),
    row("302  403  403  403  403  403  403  302", POST, "settings.index", A + "/team/settings",
        WRITING, settings),
    row("302  403  403  403  403  403  403  302", POST, "settings.index", A + "/team/settings",
        FEEDBACK, settings),
    row("200  403  403  403  200  403  403  302", GET, "audit.index", A + "/team/audit", WRITING),
    row("200  403  403  403  200  403  403  302", GET, "audit.index", A + "/team/audit", FEEDBACK),
    # -- independent review: examiners score their items in review, blind; progress for others
    row("403  403  403  403  403  403  403  302", GET, "review.index", A + "/review/", WRITING),
    row("200  403  200  200  200  403  403  302", GET, "review.index", A + "/review/", REVIEW),
    row("200  403  200  200  200  403  403  302", GET, "review.index", A + "/review/", FEEDBACK),
    row("403  403  403  403  403  403  403  302", GET, "review.item", A + "/review/items/4.1.2",
        WRITING),
    row("403  403  200  403  403  403  403  302", GET, "review.item", A + "/review/items/4.1.2",
        REVIEW),
    row("403  403  403  200  403  403  403  302", GET, "review.item", A + "/review/items/4.1.3",
        REVIEW),
    row("403  403  403  403  403  403  403  302", GET, "review.item", A + "/review/items/4.1.2",
        CONSENSUS),
    row("404  404  404  404  404  403  403  302", GET, "review.item", A + "/review/items/9.9.9",
        REVIEW),
    row("404  404  404  404  404  403  403  302", POST, "review.item", A + "/review/items/9.9.9",
        REVIEW, review_draft),
    row("404  404  404  404  404  403  403  302", POST, "review.reopen",
        A + "/review/items/9.9.9/reopen/examiner", REVIEW),
    row("403  403  403  403  403  403  403  302", POST, "review.item", A + "/review/items/4.1.2",
        WRITING, review_draft),
    row("403  403  302  403  403  403  403  302", POST, "review.item", A + "/review/items/4.1.2",
        REVIEW, review_draft),
    row("403  403  403  302  403  403  403  302", POST, "review.item", A + "/review/items/4.1.3",
        REVIEW, review_draft),
    row("403  403  403  403  403  403  403  302", POST, "review.item", A + "/review/items/4.1.2",
        CONSENSUS, review_draft),
    row("302  403  403  403  403  403  403  302", POST, "review.reopen",
        A + "/review/items/4.1.2/reopen/examiner", REVIEW, examiner_has_submitted),
    row("403  403  403  403  403  403  403  302", POST, "review.reopen",
        A + "/review/items/4.1.2/reopen/examiner", CONSENSUS),
    # -- consensus: open to coordinator, examiners and leaders; set by coordinator or lead
    row("403  403  403  403  403  403  403  302", GET, "consensus.index", A + "/consensus/",
        REVIEW),
    row("200  403  200  200  200  403  403  302", GET, "consensus.index", A + "/consensus/",
        CONSENSUS),
    row("200  403  200  200  200  403  403  302", GET, "consensus.index", A + "/consensus/",
        FEEDBACK),
    row("403  403  403  403  403  403  403  302", GET, "consensus.item",
        A + "/consensus/items/4.1.2", REVIEW),
    row("200  403  200  200  200  403  403  302", GET, "consensus.item",
        A + "/consensus/items/4.1.2", CONSENSUS),
    row("200  403  200  200  200  403  403  302", GET, "consensus.item",
        A + "/consensus/items/4.1.3", CONSENSUS),
    row("200  403  200  200  200  403  403  302", GET, "consensus.item",
        A + "/consensus/items/4.1.2", FEEDBACK),
    row("404  404  404  404  404  403  403  302", GET, "consensus.item",
        A + "/consensus/items/9.9.9", CONSENSUS),
    row("404  404  404  404  404  403  403  302", POST, "consensus.item",
        A + "/consensus/items/9.9.9", CONSENSUS, consensus_entry),
    row("403  403  403  403  403  403  403  302", POST, "consensus.item",
        A + "/consensus/items/4.1.2", REVIEW, consensus_entry),
    row("302  403  403  302  403  403  403  302", POST, "consensus.item",
        A + "/consensus/items/4.1.2", CONSENSUS, consensus_entry),
    row("302  403  403  302  403  403  403  302", POST, "consensus.item",
        A + "/consensus/items/4.1.3", CONSENSUS, consensus_entry),
    row("403  403  403  403  403  403  403  302", POST, "consensus.item",
        A + "/consensus/items/4.1.2", FEEDBACK, consensus_entry),
    row("403  403  403  403  403  403  403  302", GET, "consensus.calibration",
        A + "/consensus/calibration", REVIEW),
    row("200  403  403  403  403  403  403  302", GET, "consensus.calibration",
        A + "/consensus/calibration", CONSENSUS),
    row("200  403  403  403  403  403  403  302", GET, "consensus.calibration",
        A + "/consensus/calibration", FEEDBACK),
    # -- report: a draft for coordinator, leaders and the consensus lead; then for everyone
    row("403  403  403  403  403  403  403  302", GET, "report.index", A + "/report/", WRITING),
    row("403  403  403  403  403  403  403  302", GET, "report.index", A + "/report/", REVIEW),
    row("200  403  403  200  200  403  403  302", GET, "report.index", A + "/report/", CONSENSUS),
    row("200  200  200  200  200  403  403  302", GET, "report.index", A + "/report/", FEEDBACK),
    row("403  403  403  403  403  403  403  302", GET, "report.markdown",
        A + "/report/report.md", REVIEW),
    row("200  403  403  200  200  403  403  302", GET, "report.markdown",
        A + "/report/report.md", CONSENSUS),
    row("200  200  200  200  200  403  403  302", GET, "report.markdown",
        A + "/report/report.md", FEEDBACK),
    # -- targets: the coordinator (or the organization's manager), in any phase
    row("200  403  403  403  403  403  403  302", GET, "targets.index", A + "/targets/", WRITING),
    row("200  403  403  403  403  403  403  302", GET, "targets.index", A + "/targets/",
        FEEDBACK),
    row("302  403  403  403  403  403  403  302", POST, "targets.save", A + "/targets/",
        WRITING, all_items_at_50),
    row("302  403  403  403  403  403  403  302", POST, "targets.save", A + "/targets/",
        CONSENSUS, all_items_at_50),
    # -- the gap report: for those who read the consensus
    row("403  403  403  403  403  403  403  302", GET, "gaps.index", A + "/gaps/", REVIEW),
    row("200  403  200  200  200  403  403  302", GET, "gaps.index", A + "/gaps/", CONSENSUS),
    row("200  403  200  200  200  403  403  302", GET, "gaps.index", A + "/gaps/", FEEDBACK),
    row("403  403  403  403  403  403  403  302", GET, "gaps.csv_download",
        A + "/gaps/gaps.csv", WRITING),
    row("200  403  200  200  200  403  403  302", GET, "gaps.csv_download",
        A + "/gaps/gaps.csv", FEEDBACK),
    row("200  403  200  200  200  403  403  302", GET, "gaps.json_download",
        A + "/gaps/gaps.json", FEEDBACK),
    row("200  403  200  200  200  403  403  302", GET, "gaps.markdown_download",
        A + "/gaps/gaps.md", CONSENSUS),
)
CASES = [pytest.param(r, role, id=f"{r.id} {role}") for r in TABLE for role in ROLES]
ASSESSMENT_ROWS = [r for r in TABLE if r.url.startswith(A)]


# -- checks -----------------------------------------------------------------------------------
def send(client: FlaskClient, world: World, r: Row, form: Mapping[str, object],
         record: AssessmentRecord | None = None) -> TestResponse:
    url = world.url(r.url, record)
    return client.get(url) if r.method == GET else client.post(url, data=form)


def form_for(world: World, r: Row) -> Mapping[str, object]:
    """The row's form data (building it may prepare the world, as reopening needs an entry)."""
    return r.data(world) if r.data else {}


@pytest.mark.parametrize(("r", "role"), CASES)
def test_route_by_role(world_in: Callable[[Phase], World], r: Row, role: str) -> None:
    world = world_in(r.phase or WRITING)
    client = world.client(role)
    form = form_for(world, r)
    before = snapshot(world.root)
    response = send(client, world, r, form)
    expected = r.expected[role]
    assert response.status_code == expected, response.get_data(as_text=True)[:2000]
    body = response.get_data(as_text=True)
    for text in world.foreign_texts(role):
        assert text not in body
    changes_allowed = r.method == POST and expected == 302 and role != "anonymous"
    if not changes_allowed:  # a GET, a refusal or a sign-in redirect changes nothing
        assert snapshot(world.root) == before
    location = response.headers.get("Location", "")
    if role == "anonymous" and r.endpoint == "language.switch":
        assert location == "/"
    elif role == "anonymous" and r.endpoint != "auth.login":
        assert location.startswith("/login?next=")
    elif changes_allowed and r.endpoint != "auth.login":
        # Done, not turned away: the page it leads to says so, without an error.
        followed = client.get(location).get_data(as_text=True)
        assert "flash-success" in followed and "flash-error" not in followed, followed


# -- the table covers the application ---------------------------------------------------------
def test_every_route_is_in_the_table(built_worlds: Callable[[Phase], World]) -> None:
    url_map = built_worlds(WRITING).app.url_map
    routes = {(rule.endpoint, method) for rule in url_map.iter_rules()
              if rule.endpoint != "static" for method in rule.methods - {"HEAD", "OPTIONS"}}
    covered = {(r.endpoint, r.method) for r in TABLE}
    assert routes - covered == set(), "add rows for these routes to TABLE"
    assert covered - routes == set(), "these rows name routes that do not exist"


@pytest.mark.parametrize("r", TABLE, ids=[r.id for r in TABLE])
def test_each_row_addresses_its_route(built_worlds: Callable[[Phase], World], r: Row) -> None:
    urls = built_worlds(WRITING).app.url_map.bind("localhost")
    endpoint, _ = urls.match(r.url.format(a="some-id", o="some-org"), r.method)
    assert endpoint == r.endpoint


# -- nothing of one assessment reaches a user without a role in it -----------------------------
@pytest.mark.parametrize(("role", "foreign"), [
    *((role, "second") for role in MEMBERS_OF_FIRST), ("stranger", "first"),
    ("admin", "first"), ("admin", "second")])
def test_no_page_of_a_foreign_assessment(world_in: Callable[[Phase], World], role: str,
                                         foreign: str) -> None:
    """Every page and form of an assessment, in the phase where most are open, refuses a user
    without a role in it (whatever their role elsewhere), and says nothing of it."""
    world = world_in(FEEDBACK)
    record = world.first if foreign == "first" else world.second
    client = world.client(role)
    before = snapshot(world.root)
    for r in ASSESSMENT_ROWS:
        response = send(client, world, r, form_for(world, r), record)
        body = response.get_data(as_text=True)
        assert response.status_code == 403, f"{r.id}: {response.status_code}"
        assert record.organization not in body, r.id
        for text in world.foreign_texts(role):
            assert text not in body, r.id
    assert snapshot(world.root) == before


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_home_lists_only_ones_own_assessments(world_in: Callable[[Phase], World],
                                              role: str) -> None:
    world = world_in(WRITING)
    page = world.client(role).get("/").get_data(as_text=True)
    listed = {record.organization for record in (world.first, world.second)
              if record.organization in page}
    expected = {"stranger": {SECOND_ORGANIZATION}, "admin": set()}.get(
        role, {world.first.organization})
    assert listed == expected


# -- unreadable files and expired forms leak nothing either --------------------------------
def test_home_hides_a_foreign_assessment_with_an_unreadable_file(
        world_in: Callable[[Phase], World]) -> None:
    world = world_in(WRITING)
    world.data_file(world.second).path.write_bytes(b"{not json")
    page = world.client("writer").get("/").get_data(as_text=True)
    assert SECOND_ORGANIZATION not in page


@pytest.mark.parametrize("role", ["writer", "leader", "stranger"])
def test_a_refused_consensus_form_without_csrf_token_is_403(tmp_path: Path, role: str) -> None:
    world = build_world(tmp_path, CONSENSUS, WTF_CSRF_ENABLED=True, TESTING=False)
    response = world.client(role).post(world.url(A + f"/consensus/items/{ITEM}"),
                                       data=consensus_entry(world))
    assert response.status_code == 403
