"""The improvement plan pages through the test client: a plan from OFIs of the gap report, the
list by state, each PDCA move through the page (refused ones with the domain's reason), a
return with and without a comment, the Check's chart matching its table, Act, stale and
refused saves, and the plans beside the items of the next cycle's gap report."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessor.access import OrgRole, Phase
from assessor.consensus import ConsensusRecord
from assessor.extensions import store_of, users_of
from assessor.measurements import add_measurement
from assessor.organizations import AssessmentRecord
from assessor.paths import framework_named
from assessor.phases import move_to
from assessor.plans import PlanState, get_plan
from assessor.statements import Statement
from assessor.storage.store import Store
from assessor.targets import set_targets
from assessor.users import Users
from assessor.web import plans as plan_pages
from tests.factories import FRAMEWORK_FILE, gen_assessment, gen_kpi, gen_organization, gen_plan

from .conftest import COORDINATOR, PASSWORD, sign_in_client

FRAMEWORK = framework_named(FRAMEWORK_FILE)
NOW = "2026-03-01T09:00:00+00:00"
OFI_TEXT = "Results are not segmented by plant."


@pytest.fixture
def world(store: Store, users: Users, assessment: AssessmentRecord) -> AssessmentRecord:
    """The organization (manager COORDINATOR, leader 'leader', members 'owner' and 'doer')
    with its 2026 cycle in feedback: 4.4.3 scored with two OFIs, targets set."""
    for username in ("leader", "owner", "doer", "outsider"):
        if users.get(username) is None:
            users.create(username, username.title(), PASSWORD)
    organizations = store.organizations
    org = assessment.organization_id
    organizations.add_member(org, COORDINATOR, OrgRole.MANAGER)
    organizations.add_member(org, "leader", OrgRole.LEADER)
    organizations.add_member(org, "owner", OrgRole.MEMBER)
    organizations.add_member(org, "doer", OrgRole.MEMBER)
    data = store.assessment_data(assessment.id)
    record = ConsensusRecord("4.4.3", 35, "agreed", (), (
        Statement(OFI_TEXT, id="ofi1"), Statement("No benchmark with peers.", id="ofi2")),
        COORDINATOR, NOW)
    data.consensus.change("4.4.3", lambda current: record)
    set_targets(data, FRAMEWORK, COORDINATOR, all_items=60)
    for step in (Phase.REVIEW, Phase.CONSENSUS, Phase.FEEDBACK):
        move_to(data, step)
    return assessment


@pytest.fixture
def as_user(sign_in: Callable[..., FlaskClient]) -> Callable[[str], FlaskClient]:
    clients: dict[str, FlaskClient] = {}

    def client(username: str) -> FlaskClient:
        if username not in clients:
            clients[username] = sign_in(username)
        return clients[username]

    return client


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def cells(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    return [[text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)]


def plan_url(world: AssessmentRecord, plan_id: str = "", tail: str = "") -> str:
    base = f"/o/{world.organization_id}/plans/"
    return base + plan_id + tail


def stored(store: Store, world: AssessmentRecord, plan_id: str):  # type: ignore[no-untyped-def]
    return get_plan(store.organization_data(world.organization_id).read(), plan_id)


def new_plan_form(**values: str) -> dict[str, object]:
    return {"title": "Segment results by plant", "objective": "Every result split by plant",
            "owner": "owner", "sponsor": "leader", "items": "4.4.3", "why_1": "No field",
            "fishbone_methods": "No procedure", "effect_rows": "3", **values}


def create_from_ofi(client: FlaskClient, world: AssessmentRecord, **values: str) -> str:
    response = client.post(plan_url(world, "new"), data={
        **new_plan_form(**values), "assessment": world.id, "ofi": ["ofi1", "ofi2"]})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return response.headers["Location"].rsplit("/", 1)[1]


# -- new plans --------------------------------------------------------------------------------
def test_the_gap_report_links_each_ofi_to_a_new_plan_prefilled_from_it(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient]) -> None:
    client = as_user(COORDINATOR)
    gap = page(client, f"/a/{world.id}/gaps/")
    assert 'class="gap-report may-plan"' in gap
    link = unescape(re.search(r'<li id="gap-s-ofi1">.*?href="([^"]+)">Plan an improvement',
                              gap, re.S).group(1))
    assert link == f"/o/{world.organization_id}/plans/new?assessment={world.id}&ofi=ofi1"
    form = page(client, link)
    assert OFI_TEXT in form
    assert f'value="{OFI_TEXT}"' in form  # the title, to be reworded
    assert 'name="ofi" value="ofi1"' in form and 'value="4.4.3"' in form


def test_a_plan_created_from_ofis_keeps_them_and_shows_their_texts(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient], store: Store) -> None:
    client = as_user(COORDINATOR)
    plan_id = create_from_ofi(client, world)
    plan = stored(store, world, plan_id)
    assert [ofi.statement for ofi in plan.ofis] == ["ofi1", "ofi2"]
    assert plan.items == ("4.4.3",) and plan.owner == "owner" and plan.sponsor == "leader"
    assert plan.state is PlanState.DRAFT and plan.whys == ("No field",)
    shown = page(client, plan_url(world, plan_id))
    assert OFI_TEXT in shown
    assert f'/a/{world.id}/consensus/items/4.4.3#s-ofi1' in shown
    listed = page(client, plan_url(world))
    assert "Segment results by plant" in text_of(listed)


def test_a_refused_new_plan_comes_back_with_the_typed_text(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient], store: Store) -> None:
    client = as_user(COORDINATOR)
    response = client.post(plan_url(world, "new"), data=new_plan_form(
        sponsor="owner", objective="Kept objective text"))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Kept objective text" in body
    assert "The sponsor is one of the organization&#39;s leaders" in body
    assert not store.organization_data(world.organization_id).read().plans


def test_a_plan_from_a_red_kpi_and_a_blank_one(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient], store: Store) -> None:
    kpi = gen_kpi(store, world.organization_id, "K9", name="On-time delivery")
    add_measurement(store.organization_data(world.organization_id), "", kpi.id, "2026-01-31",
                    61.0)
    client = as_user(COORDINATOR)
    form = page(client, plan_url(world, "new") + f"?kpi={kpi.id}")
    assert 'value="On-time delivery"' in form and f'name="kpi" value="{kpi.id}"' in form
    assert 'name="effect_now_0" value="61"' in form
    assert "<form" in page(client, plan_url(world, "new"))
    assert page(client, plan_url(world, "new") + "?kpi=nope", 404)


def test_a_member_creates_a_plan_they_own_but_not_one_for_someone_else(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient]) -> None:
    client = as_user("doer")
    assert client.post(plan_url(world, "new"), data=new_plan_form(owner="doer")
                       ).status_code == 302
    refused = client.post(plan_url(world, "new"), data=new_plan_form(owner="owner"))
    assert refused.status_code == 403
    assert "Only the organization&#39;s managers or the plan&#39;s owner may do this." in \
        refused.get_data(as_text=True)
    assert page(as_user("outsider"), plan_url(world), 403)


# -- the moves ----------------------------------------------------------------------------------
def buttons(html: str) -> list[str]:
    return re.findall(r'data-move="([a-z]+)"', html)


def move(client: FlaskClient, world: AssessmentRecord, plan_id: str, to: str,
         **form: object):  # type: ignore[no-untyped-def]
    return client.post(plan_url(world, plan_id, "/move"), data={"to": to, **form})


def test_each_move_through_the_page_and_only_the_allowed_buttons(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient], store: Store) -> None:
    manager, leader, owner = as_user(COORDINATOR), as_user("leader"), as_user("owner")
    plan_id = create_from_ofi(manager, world)
    # Nothing to submit without an action: the page says what is missing, the move is refused.
    shown = page(owner, plan_url(world, plan_id))
    assert buttons(shown) == ["submit"]
    assert "at least one action" in shown
    refused = move(owner, world, plan_id, "submitted")
    assert refused.status_code == 400
    assert "Before it is submitted the plan needs at least one action" in \
        refused.get_data(as_text=True)
    assert owner.post(plan_url(world, plan_id, "/actions"), data={
        "text": "Add a plant field to the results sheet", "owner": "doer",
        "due": "2026-04-30"}).status_code == 302
    assert move(owner, world, plan_id, "submitted").status_code == 302
    # Submitted: leaders decide; the owner sees no button, and a move they post is refused.
    assert buttons(page(owner, plan_url(world, plan_id))) == []
    assert buttons(page(leader, plan_url(world, plan_id))) == ["approve", "return"]
    refused = move(owner, world, plan_id, "approved")
    assert refused.status_code == 403
    assert "Only the organization&#39;s leaders may do this." in refused.get_data(as_text=True)
    assert move(leader, world, plan_id, "approved", comment="Go").status_code == 302
    assert buttons(page(owner, plan_url(world, plan_id))) == ["start"]
    assert buttons(page(leader, plan_url(world, plan_id))) == []
    assert move(owner, world, plan_id, "doing").status_code == 302
    assert move(owner, world, plan_id, "checking").status_code == 302
    # Closing needs the verdict, and only a leader closes.
    refused = move(leader, world, plan_id, "closed")
    assert refused.status_code == 400
    assert "Record the Check&#39;s verdict first." in refused.get_data(as_text=True)
    assert owner.post(plan_url(world, plan_id, "/verdict"), data={
        "verdict": "effective", "comment": "Every result is split by plant."}
        ).status_code == 302
    assert buttons(page(owner, plan_url(world, plan_id))) == ["continue"]
    assert buttons(page(leader, plan_url(world, plan_id))) == ["close"]
    assert move(leader, world, plan_id, "closed",
                standards="Results procedure QP-12\nResults sheet template v3"
                ).status_code == 302
    plan = stored(store, world, plan_id)
    assert plan.state is PlanState.CLOSED
    assert plan.standards == ("Results procedure QP-12", "Results sheet template v3")
    closed = text_of(page(owner, plan_url(world, plan_id)))
    assert "Results procedure QP-12" in closed
    assert [d.to_state.value for d in plan.decisions] == [
        "submitted", "approved", "doing", "checking", "closed"]
    # A move the state does not allow names the moves there are.
    refused = move(leader, world, plan_id, "doing")
    assert refused.status_code == 400
    assert "cannot become doing" in refused.get_data(as_text=True)


def test_a_return_needs_a_comment_which_the_timeline_shows(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient], store: Store) -> None:
    plan = gen_plan(store, world.organization_id, state="submitted")
    leader = as_user("leader")
    refused = move(leader, world, plan.id, "draft", comment="  ")
    assert refused.status_code == 400
    assert "Write a comment" in refused.get_data(as_text=True)
    assert stored(store, world, plan.id).state is PlanState.SUBMITTED
    assert move(leader, world, plan.id, "draft",
                comment="Name the KPI it should move.").status_code == 302
    assert stored(store, world, plan.id).state is PlanState.DRAFT
    timeline = text_of(page(as_user("owner"), plan_url(world, plan.id)))
    assert "Name the KPI it should move." in timeline
    assert "submitted → draft" in timeline


def test_a_continued_plan_opens_the_next_one(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient], store: Store) -> None:
    plan = gen_plan(store, world.organization_id, state="checking")
    owner = as_user("owner")
    owner.post(plan_url(world, plan.id, "/verdict"), data={
        "verdict": "partly", "comment": "Half the plants report."})
    response = move(owner, world, plan.id, "continued")
    assert response.status_code == 302
    following = stored(store, world, plan.id).continued_by
    assert response.headers["Location"].endswith(f"/plans/{following}")
    shown = text_of(page(owner, plan_url(world, following)))
    assert "Half the plants report." in shown and "This plan continues" in shown


# -- Do ---------------------------------------------------------------------------------------
def test_an_actions_owner_sets_its_status_and_writes_notes_and_overdue_is_marked(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient], store: Store,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_pages, "today", lambda: date(2026, 4, 15))
    plan = gen_plan(store, world.organization_id, state="doing", owner="owner")
    doer = as_user("owner")
    shown = page(doer, plan_url(world, plan.id))
    assert "action-overdue" in shown and "overdue" in text_of(shown)
    assert doer.post(plan_url(world, plan.id, "/actions/A1"), data={"status": "done"}
                     ).status_code == 302
    assert doer.post(plan_url(world, plan.id, "/actions/A1/notes"),
                     data={"text": "Process mapped with the team."}).status_code == 302
    action = stored(store, world, plan.id).action("A1")
    assert action.status.value == "done" and action.notes[0].text == "Process mapped with the team."
    shown = page(doer, plan_url(world, plan.id))
    assert "action-overdue" not in shown and "Process mapped with the team." in shown
    # Someone of the organization with no part in the plan: refused with the reason, text kept.
    refused = as_user("doer").post(plan_url(world, plan.id, "/actions/A1/notes"),
                                   data={"text": "A note of mine"})
    assert refused.status_code == 403
    body = refused.get_data(as_text=True)
    assert "A note of mine" in body and "the action&#39;s owner may do this" in body


# -- Check and Act --------------------------------------------------------------------------
def test_the_check_chart_matches_its_table(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient], store: Store,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_pages, "today", lambda: date(2027, 2, 15))
    data = store.organization_data(world.organization_id)
    kpi = gen_kpi(store, world.organization_id, "K1", name="Plants reporting")
    for period, value in (("2026-01-31", 40.0), ("2026-02-28", 55.0), ("2026-03-31", 70.0),
                          ("2027-01-31", 85.0)):
        add_measurement(data, "", kpi.id, period, value)
    plan = gen_plan(store, world.organization_id, state="checking",
                    effects=[plan_pages.ExpectedEffect(kpi.id, 50.0, 80.0, "2026-12-31")])
    html = page(as_user("leader"), plan_url(world, plan.id))
    assert "echarts" in html  # the chart scripts in the head
    option = json.loads(unescape(re.search(r'data-chart="([^"]+)"', html).group(1)))
    values, expectation = option["series"]
    rows = cells(html, "effect-table-0")[1:]
    # The plan started on 2026-02-01: January's value is before it and left out.
    assert values["data"] == [["2026-02-28", 55.0], ["2026-03-31", 70.0], ["2027-01-31", 85.0]]
    assert expectation["data"] == [["2026-02-01", 50.0], ["2026-12-31", 80.0]]
    # The table holds the same points, in date order, the expectation's ends marked.
    assert [row[0] for row in rows] == ["2026-02-01", "2026-02-28", "2026-03-31", "2026-12-31",
                                        "2027-01-31"]
    assert [float(row[1].split()[0]) for row in rows] == [50.0, 55.0, 70.0, 80.0, 85.0]
    assert rows[0][1].endswith("at the start") and rows[3][1].endswith("expected")
    # 85 came after the effect's date: not reached by it.
    assert "expected value not reached by its date" in html


def test_a_stale_edit_is_refused_with_the_text_kept(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient], store: Store) -> None:
    plan = gen_plan(store, world.organization_id, owner="owner")
    owner = as_user("owner")
    form = page(owner, plan_url(world, plan.id, "/edit"))
    assert f'name="revision" value="{plan.revision}"' in form
    assert owner.post(plan_url(world, plan.id, "/edit"), data={
        **new_plan_form(title="First change"), "revision": str(plan.revision)}
        ).status_code == 302
    stale = owner.post(plan_url(world, plan.id, "/edit"), data={
        **new_plan_form(title="Second change, stale"), "revision": str(plan.revision)})
    assert stale.status_code == 409
    assert "Second change, stale" in stale.get_data(as_text=True)
    assert stored(store, world, plan.id).title == "First change"
    # What is planned is edited only while a draft: the domain's reason, the text kept.
    submitted = gen_plan(store, world.organization_id, title="Out", state="submitted",
                         owner="owner")
    locked = owner.post(plan_url(world, submitted.id, "/edit"), data=new_plan_form(
        title="Changed after submission"))
    assert locked.status_code == 400
    body = locked.get_data(as_text=True)
    assert "Changed after submission" in body and "only while it is a draft" in body


def test_the_list_counts_plans_by_state_and_filters(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient], store: Store) -> None:
    gen_plan(store, world.organization_id, title="Plan A", state="doing")
    gen_plan(store, world.organization_id, title="Plan B", state="doing")
    gen_plan(store, world.organization_id, title="Plan C", state="closed")
    client = as_user("owner")
    html = page(client, plan_url(world))
    assert re.search(r'data-state="doing">doing <span class="plan-count">2</span>', html)
    assert len(cells(html, "plans-table")) == 4
    doing = page(client, plan_url(world) + "?state=doing")
    assert len(cells(doing, "plans-table")) == 3 and "Plan C" not in doing
    assert "Improvement plans" in page(client, f"/o/{world.organization_id}")


# -- the next cycle's gap report ---------------------------------------------------------------
def test_the_next_cycles_gap_report_shows_the_plans_of_the_earlier_ofis(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient], store: Store) -> None:
    client = as_user(COORDINATOR)
    first = create_from_ofi(client, world)
    second = create_from_ofi(client, world, title="Benchmark")
    for plan_id, state in ((first, "closed"), (second, "doing")):
        _walk(store, world, plan_id, state)
    third = create_from_ofi(client, world, title="Third")
    _walk(store, world, third, "closed")
    later = gen_assessment(store, world.organization, "2027",
                           created_at="2027-01-01T00:00:00+00:00")
    later_data = store.assessment_data(later.id)
    record = ConsensusRecord("4.4.3", 50, "agreed", (), (), COORDINATOR, NOW)
    later_data.consensus.change("4.4.3", lambda current: record)
    set_targets(later_data, FRAMEWORK, COORDINATOR, all_items=60)
    for step in (Phase.REVIEW, Phase.CONSENSUS, Phase.FEEDBACK):
        move_to(later_data, step)
    gap = text_of(page(client, f"/a/{later.id}/gaps/")).replace(" :", ":")
    assert "Improvement plans from cycle 2026's OFIs: 3 plans: 1 doing and 2 closed" in gap
    # A new plan shows at once (the kept body is per version of the plans too).
    create_from_ofi(client, world, title="Fourth")
    gap = text_of(page(client, f"/a/{later.id}/gaps/")).replace(" :", ":")
    assert "4 plans: 1 draft, 1 doing and 2 closed" in gap
    # This cycle's own gap report names the plans of its OFIs beside them.
    html = page(client, f"/a/{world.id}/gaps/")
    assert "Improvement plans from these OFIs: 4 plans" in text_of(html).replace(" :", ":")
    # The count links to those plans: the list of the cycle's plans for that item.
    link = unescape(re.search(r'<li data-plans="this">.*?href="([^"]+)"', html, re.S).group(1))
    assert link == plan_url(world) + f"?assessment={world.id}&item=4.4.3"
    listed = cells(page(client, link), "plans-table")[1:]
    assert sorted(row[0] for row in listed) == sorted(
        ["Segment results by plant", "Benchmark", "Third", "Fourth"])
    assert "No plan here." in page(client, plan_url(world) + "?assessment=other")


def _walk(store: Store, world: AssessmentRecord, plan_id: str, state: str) -> None:
    """Move a plan made through the page along its way, as the factory does."""
    from assessor.plan_actions import add_action
    from assessor.plan_moves import move_plan, record_verdict
    data = store.organization_data(world.organization_id)
    manager, leader = frozenset({OrgRole.MANAGER}), frozenset({OrgRole.LEADER})
    add_action(data, "m", manager, plan_id, "Do it", "owner", "2026-06-30")
    for step in ("submitted", "approved", "doing", "checking", "closed"):
        if step == "closed":
            record_verdict(data, "m", manager, plan_id, "effective", "Done")
        move_plan(data, "l" if step in ("approved", "closed") else "m",
                  leader if step in ("approved", "closed") else manager, plan_id,
                  PlanState(step))
        if step == state:
            break


def test_the_consensus_page_the_report_and_a_red_kpi_link_to_a_new_plan(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient], store: Store) -> None:
    client = as_user(COORDINATOR)
    wanted = (f'href="/o/{world.organization_id}/plans/new?assessment={world.id}'
              f'&amp;ofi=ofi1&amp;ofi=ofi2"')
    assert wanted in page(client, f"/a/{world.id}/consensus/items/4.4.3")
    assert wanted in page(client, f"/a/{world.id}/report/")
    kpi = gen_kpi(store, world.organization_id, "K7")
    data = store.organization_data(world.organization_id)
    add_measurement(data, "", kpi.id, "2026-01-31", 95.0)
    new_from_kpi = f'href="/o/{world.organization_id}/plans/new?kpi={kpi.id}"'
    assert new_from_kpi not in page(client, f"/o/{world.organization_id}/kpis/{kpi.id}")
    add_measurement(data, "", kpi.id, "2026-02-28", 52.0)
    assert new_from_kpi in page(client, f"/o/{world.organization_id}/kpis/{kpi.id}")


def test_the_edit_form_marks_no_field_as_wrong_until_the_domain_says_so(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient], store: Store) -> None:
    plan = gen_plan(store, world.organization_id, owner="owner", items=("4.4.3",))
    owner = as_user("owner")
    assert 'aria-invalid' not in page(owner, plan_url(world, plan.id, "/edit"))
    refused = owner.post(plan_url(world, plan.id, "/edit"), data={
        **new_plan_form(items="9.9"), "revision": str(plan.revision)})
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert "&#39;9.9&#39; is not an item of the criteria" in body
    assert re.search(r'id="plan-items"[^>]*aria-invalid="true"', body)


def test_a_move_on_a_stale_page_is_409_with_the_comment_kept(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient], store: Store) -> None:
    plan = gen_plan(store, world.organization_id, state="submitted")
    leader = as_user("leader")
    stale = move(leader, world, plan.id, "draft", comment="Too vague.",
                 revision=str(plan.revision - 1))
    assert stale.status_code == 409
    body = stale.get_data(as_text=True)
    assert "Too vague." in body and "Someone changed this plan" in body
    assert stored(store, world, plan.id).state is PlanState.SUBMITTED


def test_an_expired_form_keeps_the_typed_plan(csrf_app: Flask) -> None:
    store, users = store_of(csrf_app), users_of(csrf_app)
    org = gen_organization(store)
    users.create(COORDINATOR, "Quality Manager", PASSWORD)
    store.organizations.add_member(org.id, COORDINATOR, OrgRole.MANAGER)
    client = sign_in_client(csrf_app, COORDINATOR)
    response = client.post(f"/o/{org.id}/plans/new", data={
        **new_plan_form(objective="Typed before the form expired"), "csrf_token": "stale"})
    assert response.status_code == 400
    assert "Typed before the form expired" in response.get_data(as_text=True)
    assert not store.organization_data(org.id).read().plans
    # A decision's comment on an expired page comes back in its box.
    plan = gen_plan(store, org.id, state="submitted")
    response = client.post(f"/o/{org.id}/plans/{plan.id}/move", data={
        "to": "draft", "comment": "Say which wards", "csrf_token": "stale"})
    assert response.status_code == 400
    assert re.search(r'<textarea id="move-comment" name="comment" rows="2">Say which wards<',
                     response.get_data(as_text=True))
    assert get_plan(store.organization_data(org.id).read(), plan.id).state is \
        PlanState.SUBMITTED


def test_a_draft_never_submitted_is_removed_a_returned_one_stays(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient], store: Store) -> None:
    owner, leader = as_user("owner"), as_user("leader")
    fresh = gen_plan(store, world.organization_id, title="Fresh", owner="owner")
    response = owner.post(plan_url(world, fresh.id, "/remove"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/plans/")
    assert fresh.id not in store.organization_data(world.organization_id).read().plans
    returned = gen_plan(store, world.organization_id, title="Returned", owner="owner",
                        state="submitted")
    move(leader, world, returned.id, "draft", comment="More detail")
    refused = owner.post(plan_url(world, returned.id, "/remove"))
    assert refused.status_code == 400
    assert "A plan a leader has seen is kept" in refused.get_data(as_text=True)
    assert stored(store, world, returned.id).title == "Returned"


# -- the people named on a plan ---------------------------------------------------------------
OUTSIDER_REFUSED = ("Outsider (outsider) is not one of this organization's people: add them "
                    "under the organization's people first, or choose someone who is.")


def owner_choices(body: str) -> list[str]:
    select = re.search(r'<select id="plan-owner" name="owner"[^>]*>(.*?)</select>', body, re.S)
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def test_a_plans_owner_is_chosen_among_the_organizations_people(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient], store: Store) -> None:
    client = as_user(COORDINATOR)
    assert sorted(owner_choices(page(client, plan_url(world, "new")))) == sorted(
        ["", COORDINATOR, "leader", "owner", "doer"])  # "outsider" holds no role here
    response = client.post(plan_url(world, "new"), data=new_plan_form(
        owner="outsider", objective="Kept objective text"))
    body = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert OUTSIDER_REFUSED in body and "Kept objective text" in body
    assert not store.organization_data(world.organization_id).read().plans
    plan = gen_plan(store, world.organization_id, owner="owner")
    refused = client.post(plan_url(world, plan.id, "/actions/A1"),
                          data={"text": "Map the process", "owner": "outsider", "due": ""})
    assert refused.status_code == 400 and OUTSIDER_REFUSED in unescape(
        refused.get_data(as_text=True))
    assert stored(store, world, plan.id).action("A1").owner == "owner"


def test_a_plan_whose_owner_has_left_the_organization_is_shown_and_edited(
        world: AssessmentRecord, as_user: Callable[[str], FlaskClient], store: Store) -> None:
    # Named before they lost their role: the plan reads and edits as ever, and says so.
    plan = gen_plan(store, world.organization_id, owner="outsider")  # A1 is theirs too
    client = as_user(COORDINATOR)
    shown = unescape(page(client, plan_url(world, plan.id)))
    assert shown.count("not one of this organization's people: they cannot open this plan") \
        == 2  # beside the plan's owner and the action's
    assert re.search(r'<option value="outsider" selected>Outsider</option></select>', shown)
    form = unescape(page(client, plan_url(world, plan.id, "/edit")))
    assert '<option value="outsider" selected>Outsider</option>' in form
    assert "Outsider is not one of this organization's people, so they cannot open this " \
        "plan." in form
    edited = client.post(plan_url(world, plan.id, "/edit"), data=new_plan_form(
        title="Renamed plan", owner="outsider", revision=str(plan.revision)))
    assert edited.status_code == 302, edited.get_data(as_text=True)[:3000]
    action = client.post(plan_url(world, plan.id, "/actions/A1"),
                         data={"text": "Map the whole process", "owner": "outsider",
                               "due": "2026-03-31"})
    assert action.status_code == 302, action.get_data(as_text=True)[:3000]
    kept = stored(store, world, plan.id)
    assert (kept.title, kept.owner) == ("Renamed plan", "outsider")
    assert (kept.action("A1").text, kept.action("A1").owner) == ("Map the whole process",
                                                                  "outsider")
