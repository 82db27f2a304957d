"""The units page, the strategy page and the strategy map, through Flask's test client: the
organization's managers edit, its other people read; a refused form comes back with what was
typed (400) and the domain's reason; the map is drawn on the server."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from assessor.access import OrgRole
from assessor.organizations import Organization
from assessor.storage.store import Store
from assessor.units import OrgUnit
from tests.factories import gen_kpi, gen_organization, gen_unit

from .conftest import COORDINATOR

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
