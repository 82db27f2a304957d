"""The organization's own audit trail page: its managers and leaders read every change made
outside the cycles (roles, units, strategy, KPIs, values, plans) in words; members do not."""

from __future__ import annotations

from collections.abc import Callable
from html import unescape

from flask.testing import FlaskClient

from assessor.access import OrgRole
from assessor.measurements import add_measurement
from assessor.storage.store import Store
from assessor.strategy import Perspective, add_objective
from tests.factories import gen_kpi, gen_organization, gen_plan, gen_unit


def test_managers_and_leaders_read_the_trail_in_words(
        store: Store, sign_in: Callable[..., FlaskClient]) -> None:
    organization = gen_organization(store, "Harbour Foods")
    org = organization.id
    for username, role in (("mona", OrgRole.MANAGER), ("lee", OrgRole.LEADER),
                           ("max", OrgRole.MEMBER)):
        sign_in(username)  # creates the account
        store.organizations.add_member(org, username, role)
    data = store.organization_data(org)
    gen_unit(store, org, "Sales")
    add_objective(data, "mona", "Grow in the north", Perspective.CUSTOMER)
    kpi = gen_kpi(store, org, "NPS")
    add_measurement(data, "mona", kpi.id, "2026-06-30", 42)
    gen_plan(store, org, "Faster complaint handling", state="submitted")
    url = f"/o/{org}/audit/"
    page = unescape(sign_in("lee").get(url).get_data(as_text=True))
    for words in ("Grow in the north", "KPI created", "NPS", "KPI value entered",
                  "2026-06-30: 42", "Faster complaint handling: draft → submitted",
                  "plan moved on", "objective created"):
        assert words in page, words
    # newest first: the plan's move comes before the KPI it follows
    assert page.index("plan moved on") < page.index("KPI value entered")
    assert sign_in("mona").get(url).status_code == 200
    assert sign_in("max").get(url).status_code == 403


def test_the_trail_is_in_chinese_for_a_chinese_reader(
        store: Store, sign_in: Callable[..., FlaskClient]) -> None:
    org = gen_organization(store).id
    client = sign_in("mona")
    store.organizations.add_member(org, "mona", OrgRole.MANAGER)
    gen_kpi(store, org, "NPS")
    client.post("/language", data={"language": "zh_CN"})
    page = client.get(f"/o/{org}/audit/").get_data(as_text=True)
    assert "审核记录" in page and "KPI created" not in page


def test_the_organization_page_links_the_trail_for_those_who_read_it(
        store: Store, sign_in: Callable[..., FlaskClient]) -> None:
    org = gen_organization(store).id
    manager, member = sign_in("mona"), sign_in("max")
    store.organizations.add_member(org, "mona", OrgRole.MANAGER)
    store.organizations.add_member(org, "max", OrgRole.MEMBER)
    link = f'href="/o/{org}/audit/"'
    assert link in manager.get(f"/o/{org}").get_data(as_text=True)
    assert link not in member.get(f"/o/{org}").get_data(as_text=True)
