"""Whom an organization's records may name (organizations.may_name): a unit's head and an
objective's owner, like a KPI's or a plan's owner, are the organization's people (only they open
its pages), except someone a record names already, so that older records stay editable."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessor.access import OrgRole
from assessor.extensions import store_of
from assessor.organizations import Organization, may_name
from assessor.storage.store import Store
from assessor.strategy import Perspective, StrategyError, add_objective, update_objective
from assessor.units import UnitError, create_unit, update_unit
from tests.factories import gen_organization

from .conftest import COORDINATOR, demo_app

MEMBER, OUTSIDER = "member", "outsider"
PEOPLE = frozenset({COORDINATOR, MEMBER})


@pytest.mark.parametrize(("person", "people", "stored", "allowed"), [
    ("", PEOPLE, "", True),  # nobody
    (MEMBER, PEOPLE, "", True),
    (OUTSIDER, PEOPLE, "", False),
    (OUTSIDER, PEOPLE, OUTSIDER, True),  # as stored: kept
    (OUTSIDER, PEOPLE, MEMBER, False),  # changed to an outsider
    (OUTSIDER, None, "", True),  # not checked
])
def test_who_may_be_named(person: str, people: frozenset[str] | None, stored: str,
                          allowed: bool) -> None:
    assert may_name(person, people, stored) is allowed


# -- the domain ----------------------------------------------------------------------------------
@pytest.fixture
def org(store: Store) -> Organization:
    return gen_organization(store)


def test_a_units_head_is_one_of_the_people(store: Store, org: Organization) -> None:
    data = store.organization_data(org.id)
    company = create_unit(data, COORDINATOR, "Works", None, head=COORDINATOR, people=PEOPLE)
    with pytest.raises(UnitError) as refused:
        create_unit(data, COORDINATOR, "Sales", company.id, head=OUTSIDER, people=PEOPLE)
    assert (refused.value.code, refused.value.data["value"]) == ("unit_head_not_member", OUTSIDER)
    assert [unit.name for unit in data.read().units.values()] == ["Works"]  # nothing stored
    with pytest.raises(UnitError):
        update_unit(data, COORDINATOR, company.id, head=OUTSIDER, people=PEOPLE)
    assert update_unit(data, COORDINATOR, company.id, head=MEMBER, people=PEOPLE).head == MEMBER


def test_a_stored_head_who_left_stays_while_the_unit_changes(store: Store,
                                                             org: Organization) -> None:
    data = store.organization_data(org.id)
    company = create_unit(data, COORDINATOR, "Works", None, head=OUTSIDER)  # before the rule
    renamed = update_unit(data, COORDINATOR, company.id, name="The Works", head=OUTSIDER,
                          people=PEOPLE)
    assert (renamed.name, renamed.head) == ("The Works", OUTSIDER)


def test_an_objectives_owner_is_one_of_the_people(store: Store, org: Organization) -> None:
    data = store.organization_data(org.id)
    with pytest.raises(StrategyError) as refused:
        add_objective(data, COORDINATOR, "Grow", Perspective.FINANCIAL, OUTSIDER, people=PEOPLE)
    assert refused.value.code == "objective_owner_not_member"
    assert not data.read().objectives
    grow = add_objective(data, COORDINATOR, "Grow", Perspective.FINANCIAL, OUTSIDER)  # old data
    kept = update_objective(data, COORDINATOR, grow.id, name="Grow more", owner=OUTSIDER,
                            people=PEOPLE)
    assert (kept.name, kept.owner) == ("Grow more", OUTSIDER)
    with pytest.raises(StrategyError):
        update_objective(data, COORDINATOR, grow.id, owner="someone else", people=PEOPLE)
    assert update_objective(data, COORDINATOR, grow.id, owner=MEMBER, people=PEOPLE
                            ).owner == MEMBER


# -- the pages -----------------------------------------------------------------------------------
@pytest.fixture
def managed(store: Store, org: Organization, sign_in: Callable[..., FlaskClient]
            ) -> FlaskClient:
    """A client of COORDINATOR, the organization's manager; MEMBER belongs to it, OUTSIDER has
    an account but no role in it."""
    client = sign_in(COORDINATOR)
    sign_in(MEMBER)
    sign_in(OUTSIDER)
    store.organizations.add_member(org.id, COORDINATOR, OrgRole.MANAGER)
    store.organizations.add_member(org.id, MEMBER, OrgRole.MEMBER)
    return client


def choices(page: str, field: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{field}"[^>]*>(.*?)</select>', page, re.S)
    assert select, field
    return re.findall(r'<option[^>]*value="([^"]*)"', select.group(1))


def test_the_unit_form_offers_the_people_and_refuses_others(
        managed: FlaskClient, store: Store, org: Organization) -> None:
    page = managed.get(f"/o/{org.id}/units/").get_data(as_text=True)
    assert choices(page, "head") == ["", MEMBER, COORDINATOR]  # by name: Member, Quality
    response = managed.post(f"/o/{org.id}/units/", data={"name": "Works 工厂", "head": OUTSIDER})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Outsider (outsider) is not one of this organization&#39;s people" in page
    assert 'value="Works 工厂"' in page  # the typed name is kept
    # and the head it named, as such, rather than "(nobody)" beside the refusal
    assert re.search(r'<option selected value="outsider">Outsider \(outsider\) \(not of this '
                     r'organization\)</option>', page)
    assert not store.organization_data(org.id).read().units


def test_a_stored_head_who_left_is_shown_as_such_and_kept(
        managed: FlaskClient, store: Store, org: Organization) -> None:
    data = store.organization_data(org.id)
    company = create_unit(data, COORDINATOR, "Works", None, head=OUTSIDER)  # before the rule
    page = managed.get(f"/o/{org.id}/units/{company.id}").get_data(as_text=True)
    assert choices(page, "head")[-1] == OUTSIDER
    assert "Outsider (outsider) (not of this organization)" in page
    response = managed.post(f"/o/{org.id}/units/{company.id}", data={
        "name": "The Works", "mission": "", "head": OUTSIDER, "revision": "1"})
    assert response.status_code == 302
    assert data.read().units[company.id].head == OUTSIDER


def test_the_objective_form_refuses_an_outsider(managed: FlaskClient, store: Store,
                                                 org: Organization) -> None:
    page = managed.get(f"/o/{org.id}/strategy/").get_data(as_text=True)
    assert OUTSIDER not in choices(page, "owner")
    response = managed.post(f"/o/{org.id}/strategy/objectives", data={
        "name": "Grow", "perspective": "financial", "owner": OUTSIDER, "description": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Outsider (outsider) is not one of this organization" in page
    assert choices(page, "owner")[-1] == OUTSIDER  # shown as sent, beside the refusal
    assert not store.organization_data(org.id).read().objectives


def test_the_demo_names_only_its_people(demo_template: Path, tmp_path: Path) -> None:
    app: Flask = demo_app(demo_template, tmp_path)
    store = store_of(app)
    for organization in store.organizations.all():
        people = store.organizations.members(organization.id)
        records = store.organization_data(organization.id).read()
        named = [unit.head for unit in records.units.values()] + [
            objective.owner for objective in records.objectives.values()]
        assert named and all(may_name(person, people) for person in named), organization.name
