"""The units page, the strategy page and the strategy map, through Flask's test client: the
organization's managers edit, its other people read; a refused form comes back with what was
typed (400) and the domain's reason; the map is drawn on the server."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessor import create_app
from assessor.access import OrgRole
from assessor.extensions import store_of, users_of
from assessor.measurements import add_measurement
from assessor.organizations import Organization
from assessor.storage.store import Store
from assessor.strategy import add_objective, link_objectives, set_strategy
from assessor.units import OrgUnit
from tests.factories import gen_kpi, gen_organization, gen_unit

from .conftest import COORDINATOR, PASSWORD, app_config

if TYPE_CHECKING:
    from playwright.sync_api import Browser

MEMBER, LEADER = "member", "leader"


@pytest.fixture
def org(store: Store, sign_in: Callable[..., FlaskClient]) -> Organization:
    """An organization that COORDINATOR manages, with a leader and a member."""
    organization = gen_organization(store)
    for username, role in ((COORDINATOR, OrgRole.MANAGER), (LEADER, OrgRole.LEADER),
                           (MEMBER, OrgRole.MEMBER)):
        sign_in(username)  # creates the account
        store.organizations.add_member(organization.id, username, role)
    return organization


def errors_on(page: str) -> list[str]:
    return re.findall(r'class="(?:field-error|flash flash-error)"[^>]*>([^<]*)<', page)


def unit_named(store: Store, org: Organization, name: str) -> OrgUnit:
    units = store.organization_data(org.id).read().units.values()
    return next(unit for unit in units if unit.name == name)


def audit_actions(store: Store, org: Organization) -> list[str]:
    return [entry.action for entry in store.organizations.audit(org.id).read().entries]


# -- units ---------------------------------------------------------------------------------------
def test_the_organization_page_links_units_and_strategy_for_its_people(
        client: FlaskClient, sign_in: Callable[..., FlaskClient], org: Organization) -> None:
    for reader in (client, sign_in(MEMBER)):
        page = reader.get(f"/o/{org.id}").get_data(as_text=True)
        assert f"/o/{org.id}/units/" in page
        assert f"/o/{org.id}/strategy/" in page and f"/o/{org.id}/strategy/map" in page


def test_a_manager_builds_the_tree(client: FlaskClient, store: Store, org: Organization) -> None:
    page = client.get(f"/o/{org.id}/units/").get_data(as_text=True)
    assert "Start with the company" in page and f'value="{org.name}"' in page
    assert client.post(f"/o/{org.id}/units/", data={"name": org.name, "head": COORDINATOR}
                       ).status_code == 302
    company = unit_named(store, org, org.name)
    assert company.head == COORDINATOR
    response = client.post(f"/o/{org.id}/units/", data={
        "name": "Sales", "parent": company.id, "kind": "", "mission": "Win and keep customers",
        "head": MEMBER})
    assert response.status_code == 302
    sales = unit_named(store, org, "Sales")
    assert (sales.parent, sales.kind.value, sales.head) == (company.id, "department", MEMBER)
    client.post(f"/o/{org.id}/units/", data={"name": "East", "parent": sales.id, "kind": "post"})
    page = client.get(f"/o/{org.id}/units/").get_data(as_text=True)
    # The tree nests East under Sales under the company, with missions and heads by name.
    assert page.index(org.name) < page.index("Sales") < page.index("East")
    assert "Win and keep customers" in page and "Head: Member" in page
    assert "unit_created" in audit_actions(store, org)


def test_a_refused_unit_keeps_what_was_typed(client: FlaskClient, store: Store,
                                             org: Organization) -> None:
    company = gen_unit(store, org.id, "")
    gen_unit(store, org.id, "Sales")
    response = client.post(f"/o/{org.id}/units/", data={
        "name": "sales", "parent": company.id, "mission": "A second sales team, typed with care"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "has a unit named sales already" in page
    assert "A second sales team, typed with care" in page and 'value="sales"' in page
    response = client.post(f"/o/{org.id}/units/", data={"name": "North/South",
                                                        "parent": company.id})
    assert response.status_code == 400 and "cannot contain" in response.get_data(as_text=True)


def test_rename_edit_and_move(client: FlaskClient, store: Store, org: Organization) -> None:
    company = gen_unit(store, org.id, "")
    east = gen_unit(store, org.id, "Sales/East")
    response = client.post(f"/o/{org.id}/units/{east.id}", data={
        "name": "East region", "mission": "Serve the east", "head": LEADER,
        "revision": str(east.revision)})
    assert response.status_code == 302
    east = unit_named(store, org, "East region")
    assert (east.mission, east.head) == ("Serve the east", LEADER)
    response = client.post(f"/o/{org.id}/units/{east.id}/move",
                           data={"parent": company.id, "revision": str(east.revision)})
    assert response.status_code == 302
    assert unit_named(store, org, "East region").parent == company.id
    assert {"unit_changed", "unit_moved"} <= set(audit_actions(store, org))


def test_a_move_below_itself_is_refused_with_the_reason(client: FlaskClient, store: Store,
                                                        org: Organization) -> None:
    gen_unit(store, org.id, "Sales/East")
    sales, east = unit_named(store, org, "Sales"), unit_named(store, org, "East")
    response = client.post(f"/o/{org.id}/units/{sales.id}/move",
                           data={"parent": east.id, "revision": str(sales.revision)})
    assert response.status_code == 400
    assert errors_on(response.get_data(as_text=True)) == [
        "Sales cannot go below East: East is part of Sales. Choose a unit outside it."]
    assert unit_named(store, org, "Sales").parent != east.id


def test_a_unit_that_is_not_empty_stays(client: FlaskClient, store: Store,
                                        org: Organization) -> None:
    east = gen_unit(store, org.id, "Sales/East")
    sales = unit_named(store, org, "Sales")
    response = client.post(f"/o/{org.id}/units/{sales.id}/remove")
    assert response.status_code == 400
    assert "Sales is not empty: 1 unit is below it (East)" in response.get_data(as_text=True)
    gen_kpi(store, org.id, "E1", unit=east.id)
    response = client.post(f"/o/{org.id}/units/{east.id}/remove")
    assert response.status_code == 400
    assert "1 KPI belongs to it (E1)" in response.get_data(as_text=True)
    lone = gen_unit(store, org.id, "Sales/West")
    assert client.post(f"/o/{org.id}/units/{lone.id}/remove").status_code == 302
    assert "West" not in {unit.name for unit in store.organization_data(org.id).read()
                          .units.values()}
    assert "unit_removed" in audit_actions(store, org)


def test_a_stale_edit_keeps_the_other_change_and_the_typed_text(
        client: FlaskClient, store: Store, org: Organization) -> None:
    east = gen_unit(store, org.id, "Sales/East")
    client.post(f"/o/{org.id}/units/{east.id}", data={"name": "East", "mission": "First",
                                                      "revision": str(east.revision)})
    response = client.post(f"/o/{org.id}/units/{east.id}", data={
        "name": "East", "mission": "Second, typed on an old page", "revision": str(east.revision)})
    assert response.status_code == 409
    assert "Second, typed on an old page" in response.get_data(as_text=True)
    assert unit_named(store, org, "East").mission == "First"


def test_members_and_leaders_read_the_units_only(
        sign_in: Callable[..., FlaskClient], store: Store, org: Organization) -> None:
    east = gen_unit(store, org.id, "Sales/East")
    for username in (MEMBER, LEADER):
        reader = sign_in(username)
        page = reader.get(f"/o/{org.id}/units/").get_data(as_text=True)
        assert "East" in page and "Add a unit" not in page
        page = reader.get(f"/o/{org.id}/units/{east.id}").get_data(as_text=True)
        assert "East" in page and "<form" not in page.split("<main")[1]
        assert reader.post(f"/o/{org.id}/units/", data={"name": "X"}).status_code == 403
        assert reader.post(f"/o/{org.id}/units/{east.id}/remove").status_code == 403


def test_an_unknown_unit_is_404(client: FlaskClient, org: Organization) -> None:
    assert client.get(f"/o/{org.id}/units/nosuchunit").status_code == 404
    assert client.post(f"/o/{org.id}/units/nosuchunit/remove").status_code == 404


def test_the_units_page_in_chinese(client: FlaskClient, store: Store, org: Organization) -> None:
    gen_unit(store, org.id, "销售部/华东区")
    client.post("/language", data={"language": "zh_CN", "next": "/"})
    page = client.get(f"/o/{org.id}/units/").get_data(as_text=True)
    assert "组织单元" in page and "部门" in page and "华东区" in page


# -- strategy --------------------------------------------------------------------------------------
def objective_named(store: Store, org: Organization, name: str):  # type: ignore[no-untyped-def]
    objectives = store.organization_data(org.id).read().objectives.values()
    return next(objective for objective in objectives if objective.name == name)


def test_a_manager_writes_the_strategy(client: FlaskClient, store: Store,
                                       org: Organization) -> None:
    page = client.get(f"/o/{org.id}/strategy/").get_data(as_text=True)
    assert "not written yet" in page
    response = client.post(f"/o/{org.id}/strategy/", data={
        "mission": "Precision parts customers trust", "vision": "First choice in Asia",
        "values": "Customers first\r\n\r\nSafety", "horizon": "5", "revision": "0"})
    assert response.status_code == 302
    page = client.get(f"/o/{org.id}/strategy/").get_data(as_text=True)
    assert "Precision parts customers trust" in page and "First choice in Asia" in page
    assert "<li>Customers first</li><li>Safety</li>" in page and "5 years" in page
    assert "strategy_set" in audit_actions(store, org)


def test_a_refused_strategy_keeps_what_was_typed(client: FlaskClient, org: Organization) -> None:
    response = client.post(f"/o/{org.id}/strategy/", data={
        "mission": "A mission typed with care", "vision": "", "values": "", "horizon": "forty",
        "revision": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The horizon is a whole number of years from 1 to 30." in errors_on(page)
    assert "A mission typed with care" in page and 'value="forty"' in page


def test_objectives_by_perspective_with_owner(client: FlaskClient, store: Store,
                                              org: Organization) -> None:
    response = client.post(f"/o/{org.id}/strategy/objectives", data={
        "name": "Win and keep key accounts", "perspective": "customer", "owner": MEMBER,
        "description": "The accounts that make 80% of sales"})
    assert response.status_code == 302
    client.post(f"/o/{org.id}/strategy/objectives", data={
        "name": "Grow revenue", "perspective": "financial", "owner": ""})
    page = client.get(f"/o/{org.id}/strategy/").get_data(as_text=True)
    table = page[page.index('id="objectives"'):]
    # Top of the map first: financial, then customer; the owner by display name.
    assert table.index("Grow revenue") < table.index("Win and keep key accounts")
    assert "Member" in table and "The accounts that make 80% of sales" in table
    accounts = objective_named(store, org, "Win and keep key accounts")
    response = client.post(f"/o/{org.id}/strategy/objectives/{accounts.id}", data={
        "name": "Keep key accounts", "perspective": "customer", "owner": LEADER,
        "description": "", "revision": str(accounts.revision)})
    assert response.status_code == 302
    assert objective_named(store, org, "Keep key accounts").owner == LEADER
    assert {"objective_created", "objective_changed"} <= set(audit_actions(store, org))


def test_a_refused_objective_keeps_what_was_typed(client: FlaskClient, org: Organization) -> None:
    response = client.post(f"/o/{org.id}/strategy/objectives", data={
        "name": "   ", "perspective": "customer", "description": "Why it matters, typed"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Type the objective's name." in page.replace("&#39;", "'")
    assert "Why it matters, typed" in page
    response = client.post(f"/o/{org.id}/strategy/objectives", data={
        "name": "Sideways", "perspective": "sideways"})
    assert response.status_code == 400 and 'value="Sideways"' in response.get_data(as_text=True)


def test_links_with_their_hypothesis(client: FlaskClient, store: Store,
                                     org: Organization) -> None:
    data = store.organization_data(org.id)
    cause = add_objective(data, COORDINATOR, "Deliver on time", "internal_process")
    effect = add_objective(data, COORDINATOR, "Keep customers", "customer")
    response = client.post(f"/o/{org.id}/strategy/links", data={
        "cause": cause.id, "effect": effect.id, "hypothesis": "Late orders lose customers"})
    assert response.status_code == 302
    page = client.get(f"/o/{org.id}/strategy/").get_data(as_text=True)
    assert "Late orders lose customers" in page
    response = client.post(f"/o/{org.id}/strategy/links", data={
        "cause": cause.id, "effect": effect.id, "hypothesis": "Typed again"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Deliver on time → Keep customers is linked already." in page
    assert "Typed again" in page
    response = client.post(f"/o/{org.id}/strategy/links", data={
        "cause": cause.id, "effect": cause.id, "hypothesis": ""})
    assert response.status_code == 400 and "its own cause" in response.get_data(as_text=True)
    response = client.post(f"/o/{org.id}/strategy/links/remove",
                           data={"cause": cause.id, "effect": effect.id})
    assert response.status_code == 302 and data.read().links == []
    assert {"objectives_linked", "objectives_unlinked"} <= set(audit_actions(store, org))


def test_an_objective_that_kpis_measure_stays(client: FlaskClient, store: Store,
                                             org: Organization) -> None:
    data = store.organization_data(org.id)
    measured = add_objective(data, COORDINATOR, "Keep customers", "customer")
    gen_kpi(store, org.id, "C1", objectives=[measured.id])
    response = client.post(f"/o/{org.id}/strategy/objectives/{measured.id}/remove")
    assert response.status_code == 400
    assert "Keep customers is measured by 1 KPI (C1)" in response.get_data(as_text=True)
    spare = add_objective(data, COORDINATOR, "Spare", "financial")
    link_objectives(data, COORDINATOR, measured.id, spare.id)
    assert client.post(f"/o/{org.id}/strategy/objectives/{spare.id}/remove").status_code == 302
    records = data.read()
    assert spare.id not in records.objectives and records.links == []


def test_balanced_scorecard_warnings_are_shown_and_never_block(
        client: FlaskClient, store: Store, org: Organization) -> None:
    for n in range(4):
        response = client.post(f"/o/{org.id}/strategy/objectives", data={
            "name": f"Process objective {n}", "perspective": "internal_process"})
        assert response.status_code == 302
    page = client.get(f"/o/{org.id}/strategy/").get_data(as_text=True)
    assert "Balanced scorecard guidance" in page
    assert "Internal process has 4 objectives" in page
    assert "Financial has no objective yet" in page
    assert "Process objective 0 has no company KPI yet" in page


def test_members_and_leaders_read_the_strategy_only(
        sign_in: Callable[..., FlaskClient], store: Store, org: Organization) -> None:
    data = store.organization_data(org.id)
    set_strategy(data, COORDINATOR, "Our mission", "Our vision", ["Safety"], 3)
    goal = add_objective(data, COORDINATOR, "Keep customers", "customer")
    for username in (MEMBER, LEADER):
        reader = sign_in(username)
        page = reader.get(f"/o/{org.id}/strategy/").get_data(as_text=True)
        assert "Our mission" in page and "Keep customers" in page
        assert "<form" not in page.split("<main")[1]
        assert reader.get(f"/o/{org.id}/strategy/map").status_code == 200
        assert reader.get(f"/o/{org.id}/strategy/objectives/{goal.id}").status_code == 200
        assert reader.post(f"/o/{org.id}/strategy/", data={"mission": "x"}).status_code == 403
        assert reader.post(f"/o/{org.id}/strategy/objectives",
                           data={"name": "x", "perspective": "customer"}).status_code == 403
        assert reader.post(f"/o/{org.id}/strategy/objectives/{goal.id}/remove"
                           ).status_code == 403


def test_an_unknown_objective_is_404(client: FlaskClient, org: Organization) -> None:
    assert client.get(f"/o/{org.id}/strategy/objectives/nosuch").status_code == 404
    assert client.post(f"/o/{org.id}/strategy/objectives/nosuch/remove").status_code == 404


# -- the strategy map ------------------------------------------------------------------------------
def test_the_map_is_an_svg_with_lanes_boxes_arrows_and_kpi_marks(
        client: FlaskClient, store: Store, org: Organization) -> None:
    data = store.organization_data(org.id)
    learn = add_objective(data, COORDINATOR, "Build skills", "learning_growth")
    margin = add_objective(data, COORDINATOR, "Improve margin", "financial")
    link_objectives(data, COORDINATOR, learn.id, margin.id, "Skills cut waste")
    gen_kpi(store, org.id, "M1", name="Margin", objectives=[margin.id])
    page = client.get(f"/o/{org.id}/strategy/map").get_data(as_text=True)
    svg = page[page.index("<svg"):page.index("</svg>")]
    # Lanes top down: financial first, learning and growth last.
    assert svg.index(">Financial<") < svg.index(">Customer<") < svg.index(">Internal") \
        < svg.index(">Learning and")
    assert svg.count('class="map-objective"') == 2 and "Build skills" in svg
    assert svg.count('marker-end="url(#map-arrow)"') == 1
    assert "Build skills → Improve margin: Skills cut waste" in svg
    assert "M1 Margin: no data" in svg  # the KPI's mark, with its status in words
    # The same in text beside it, for screen readers.
    assert 'aria-describedby="strategy-map-tables"' in svg
    tables = page[page.index('id="strategy-map-tables"'):]
    assert "Skills cut waste" in tables and "Margin" in tables


def test_the_map_without_objectives(client: FlaskClient, org: Organization) -> None:
    page = client.get(f"/o/{org.id}/strategy/map").get_data(as_text=True)
    assert page.count("No objective in this perspective yet.") >= 4


def test_the_strategy_pages_in_chinese(client: FlaskClient, store: Store,
                                       org: Organization) -> None:
    data = store.organization_data(org.id)
    add_objective(data, COORDINATOR, "提升患者满意度", "customer")
    client.post("/language", data={"language": "zh_CN", "next": "/"})
    page = client.get(f"/o/{org.id}/strategy/map").get_data(as_text=True)
    svg = page[page.index("<svg"):page.index("</svg>")]
    for lane in ("财务", "客户", "内部流程", "学习与成长"):
        assert f">{lane}<" in svg
    assert "提升患者满意度" in svg and "战略地图" in page
    page = client.get(f"/o/{org.id}/strategy/").get_data(as_text=True)
    assert "战略目标" in page and "平衡计分卡" in page


# -- the map in a real browser ---------------------------------------------------------------------
BROWSER_OBJECTIVES = [  # eleven, as a hospital's map might have them
    ("F1", "提高医疗收入中技术劳务性收入占比", "financial"),
    ("F2", "控制运营成本，提高资源使用效率", "financial"),
    ("C1", "提升患者满意度", "customer"),
    ("C2", "缩短门诊和住院等候时间", "customer"),
    ("C3", "打造区域内有影响力的重点专科", "customer"),
    ("P1", "优化门诊就诊流程（“一站式”服务）", "internal_process"),
    ("P2", "强化医疗质量与患者安全管理", "internal_process"),
    ("P3", "推进临床路径管理，覆盖率达到80%", "internal_process"),
    ("P4", "建立多学科协作（MDT）诊疗模式", "internal_process"),
    ("L1", "培养高层次医学人才和学科带头人", "learning_growth"),
    ("L2", "建设智慧医院信息平台", "learning_growth"),
]
BROWSER_LINKS = [("L1", "P4"), ("L1", "C3"), ("L2", "P1"), ("L2", "P3"), ("P1", "C2"), ("P2", "C1"),
         ("P3", "F2"), ("P4", "C3"), ("C1", "F1"), ("C2", "C1"), ("C3", "F1")]


@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory) -> tuple[Flask, str]:
    app = create_app(app_config(tmp_path_factory.mktemp("map"), WTF_CSRF_ENABLED=True,
                                TESTING=False))
    store, users = store_of(app), users_of(app)
    users.create("quality", "质量管理部", PASSWORD)
    organization = gen_organization(store, "临澜市第三人民医院")
    store.organizations.add_member(organization.id, "quality", OrgRole.MANAGER)
    data = store.organization_data(organization.id)
    set_strategy(data, "quality", "守护区域百姓健康", "建成省内一流的区域医疗中心",
                 ["患者至上", "精益求精"], 5)
    ids = {key: add_objective(data, "quality", name, lane, "quality").id
           for key, name, lane in BROWSER_OBJECTIVES}
    for cause, effect in BROWSER_LINKS:
        link_objectives(data, "quality", ids[cause], ids[effect], "因果假设")
    for number, (key, value) in enumerate((("F1", 100.0), ("F1", 96.0), ("C1", 60.0),
                                           ("P2", 100.0), ("L1", 0.0))):
        kpi = gen_kpi(store, organization.id, f"K{number}", name=f"指标{number}",
                      objectives=[ids[key]])
        add_measurement(data, "quality", kpi.id, "2026-06-30", value, "原因")
    gen_kpi(store, organization.id, "K9", name="指标9", objectives=[ids["C2"]])  # no data
    return app, organization.id


@pytest.mark.browser
def test_the_map_renders_in_chinese(browser: Browser, hospital: tuple[Flask, str]) -> None:
    from .browser import (  # Playwright: only the browser test needs it
        open_page,
        serve,
        sign_in_by_ids,
        watch_problems,
    )
    from .test_browser_chinese import english_words

    app, organization_id = hospital
    with serve(app) as base_url:
        page = open_page(browser, "zh-CN")
        problems = watch_problems(page)
        sign_in_by_ids(page, base_url, "quality", PASSWORD)
        page.wait_for_url(base_url + "/")
        page.goto(f"{base_url}/o/{organization_id}/strategy/map")

        svg = page.locator("svg.strategy-map")
        assert svg.is_visible()
        labels = page.locator("svg.strategy-map .map-lane-label").all_text_contents()
        assert [label.replace("\n", "") for label in labels] == [
            "财务", "客户", "内部流程", "学习与成长"]
        boxes = page.locator("svg.strategy-map a.map-objective")
        assert boxes.count() == len(BROWSER_OBJECTIVES)
        assert page.locator("svg.strategy-map path[marker-end]").count() == len(BROWSER_LINKS)
        assert page.locator("svg.strategy-map circle").count() == 6
        # Each name, wrapped on the server by character width, fits its box in the browser's
        # own Chinese font.
        overflowing = page.evaluate("""() => [...document.querySelectorAll(
                'svg.strategy-map a.map-objective')].filter(box => {
            const frame = box.querySelector('rect').getBBox();
            const text = box.querySelector('text').getBBox();
            return text.x < frame.x || text.x + text.width > frame.x + frame.width
                || text.y < frame.y || text.y + text.height > frame.y + frame.height;
        }).map(box => box.querySelector('title').textContent)""")
        assert overflowing == []
        names = page.locator("svg.strategy-map a.map-objective text").all_text_contents()
        assert sorted(name.replace("\n", "") for name in names) == sorted(
            name for _key, name, _lane in BROWSER_OBJECTIVES)
        assert english_words(page.locator("main").inner_text(), {"MDT"}) == []

        # A phone scrolls the map sideways instead of shrinking it.
        page.set_viewport_size({"width": 390, "height": 844})
        scroll = page.locator(".strategy-map-scroll")
        assert scroll.evaluate("element => element.scrollWidth > element.clientWidth")
        assert svg.bounding_box()["width"] >= 800

        # Printed: the map as wide as the page, nothing to scroll, no buttons.
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 1000, "height": 700})
        assert scroll.evaluate("element => element.scrollWidth <= element.clientWidth + 1")
        assert page.locator("header.app-header").is_hidden()
        pdf = page.pdf(prefer_css_page_size=True)
        assert pdf.startswith(b"%PDF")
        assert problems == []
        page.context.close()
