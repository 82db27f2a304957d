"""The KPI pages of an organization through the test client: the register and its filters, the
decomposition tree, a KPI's page (trend chart and table, measurements, comments, feedback,
agreement), the KPI form, removal and import; and the trend chart drawn in Chinese in a real
headless Chromium."""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessor.access import OrgRole
from assessor.kpis import Direction, Kpi
from assessor.measurements import add_measurement
from assessor.storage.store import Store
from assessor.strategy import Perspective
from assessor.users import Users
from tests.factories import gen_kpi, gen_organization, gen_unit

from .conftest import COORDINATOR, PASSWORD, app_config, sign_in_client


@dataclass(frozen=True, slots=True)
class Org:
    id: str
    company: Kpi  # K1, owned by the manager; the company's head is the manager
    sales: Kpi  # S1, decomposed from K1, owned by "owner" in Sales (headed by "owner")
    east: Kpi  # E1, decomposed from S1, in Sales/East, owned by "teamlead"
    other: Kpi  # O1, in Operations, no owner, no values

    def url(self, path: str = "") -> str:
        return f"/o/{self.id}/kpis/{path}"


@pytest.fixture
def org(store: Store, users: Users) -> Org:
    for username, name in ((COORDINATOR, "Quality Manager"), ("owner", "Olive Owner"),
                           ("teamlead", "Tim Lead"), ("member", "Mia Member"),
                           ("leader", "Lee Leader"), ("outsider", "Out Sider")):
        if users.get(username) is None:
            users.create(username, name, PASSWORD)
    organization = gen_organization(store)
    for username, role in ((COORDINATOR, OrgRole.MANAGER), ("owner", OrgRole.MEMBER),
                           ("teamlead", OrgRole.MEMBER), ("member", OrgRole.MEMBER),
                           ("leader", OrgRole.LEADER)):
        store.organizations.add_member(organization.id, username, role)
    gen_unit(store, organization.id, "", head=COORDINATOR)
    sales = gen_unit(store, organization.id, "Sales", head="owner")
    east = gen_unit(store, organization.id, "Sales/East")
    operations = gen_unit(store, organization.id, "Operations")
    company = gen_kpi(store, organization.id, "K1", name="Revenue growth", owner=COORDINATOR,
                      perspective=Perspective.FINANCIAL, items=("4.7.4",))
    sales_kpi = gen_kpi(store, organization.id, "S1", name="Orders won", owner="owner",
                        unit=sales.id, parent=company.id, perspective=Perspective.CUSTOMER)
    east_kpi = gen_kpi(store, organization.id, "E1", name="East orders", owner="teamlead",
                       unit=east.id, parent=sales_kpi.id, perspective=Perspective.CUSTOMER)
    other = gen_kpi(store, organization.id, "O1", name="Scrap rate", unit=operations.id)
    data = store.organization_data(organization.id)
    # K1: baseline 50, target 100 (amber from 95): red, amber, green, in that order.
    for period, value in (("2024-12-31", 60.0), ("2025-06-30", 96.0), ("2025-12-31", 101.0)):
        add_measurement(data, COORDINATOR, company.id, period, value)
    add_measurement(data, "owner", sales_kpi.id, "2025-12-31", 70.0)  # red, no comment
    add_measurement(data, "teamlead", east_kpi.id, "2025-12-31", 100.0)  # green
    return Org(organization.id, company, sales_kpi, east_kpi, other)


@pytest.fixture
def manager(sign_in: Callable[..., FlaskClient], org: Org) -> FlaskClient:
    return sign_in(COORDINATOR)


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:1500]
    return response.get_data(as_text=True)


def codes_listed(body: str) -> list[str]:
    return re.findall(r'data-kpi="([^"]+)"', body)


# -- the register and the tree -------------------------------------------------------------------
def test_register_lists_every_kpi_with_status_and_smart(manager: FlaskClient, org: Org) -> None:
    body = page(manager, org.url())
    assert codes_listed(body) == ["K1", "S1", "E1", "O1"]
    row = re.search(r'<tr data-kpi="K1" data-status="green">(.*?)</tr>', body, re.S)
    assert row, "K1 is green: its latest value (101) meets the target (100)"
    assert "101" in row.group(1) and "2025-12-31" in row.group(1) and "≥ 100" in row.group(1)
    assert "102%" in row.group(1)  # attainment (101 - 50) / (100 - 50)
    assert row.group(1).count('class="smart smart-') == 5
    assert 'data-kpi="S1" data-status="red"' in body
    assert 'data-kpi="O1" data-status="no-data"' in body


@pytest.mark.parametrize(("query", "expected"), [
    ("status=red", ["S1"]),
    ("status=green", ["K1", "E1"]),
    ("owner=teamlead", ["E1"]),
    ("perspective=customer", ["S1", "E1"]),
    ("unit={sales}", ["S1", "E1"]),  # a unit with the units below it
    ("unit={sales}&status=green", ["E1"]),
    ("status=not-a-status", ["K1", "S1", "E1", "O1"]),
])
def test_register_filters_by_query(manager: FlaskClient, org: Org, store: Store, query: str,
                                   expected: list[str]) -> None:
    sales = store.organization_data(org.id).read().kpis[org.sales.id].unit
    body = page(manager, org.url("?" + query.format(sales=sales)))
    assert codes_listed(body) == expected
    # The form shows the filters chosen (a plain GET form, no script needed).
    if "status=red" in query:
        assert '<option value="red" selected>' in body


def test_register_shows_a_change_at_once(manager: FlaskClient, org: Org) -> None:
    """The register's table is kept per version of the records (and language): a new value
    and the other language show on the next view."""
    assert 'data-kpi="S1" data-status="red"' in page(manager, org.url())
    manager.post(org.url(f"{org.sales.id}/measurements"),
                 data={"period": "2026-01-31", "value": "100"})
    body = page(manager, org.url())
    assert 'data-kpi="S1" data-status="green"' in body and "Olive Owner" in body
    manager.post("/language", data={"language": "zh_CN", "next": "/"})
    assert "达标" in page(manager, org.url())


def test_tree_shows_children_counts_and_keeps_parents_as_context(manager: FlaskClient,
                                                                 org: Org) -> None:
    body = page(manager, org.url("tree"))
    assert codes_listed(body) == ["K1", "S1", "E1", "O1"]
    k1 = re.search(r'data-kpi="K1".*?</li>', body, re.S).group(0)  # type: ignore[union-attr]
    # K1's one child S1 is red; S1's one child E1 is green.
    counts = re.findall(r'kpi-count kpi-status-([a-z-]+)" title="[^"]*">(\d)', k1)
    assert dict(counts) == {"green": "0", "amber": "0", "red": "1", "no-data": "0"}
    assert 'class="kpi-node depth-2' in body  # E1 two levels down
    filtered = page(manager, org.url("tree?owner=teamlead"))
    assert codes_listed(filtered) == ["K1", "S1", "E1"]
    assert filtered.count("kpi-context") == 2  # K1 and S1 shown greyed, as E1's parents


def test_members_and_leaders_read_outsiders_do_not(sign_in: Callable[..., FlaskClient],
                                                   org: Org) -> None:
    for username in ("member", "leader"):
        body = page(sign_in(username), org.url())
        assert "New KPI" not in body and codes_listed(body)
    assert sign_in("outsider").get(org.url()).status_code == 403
    assert sign_in("outsider").get(org.url(org.company.id)).status_code == 403


def test_organization_page_links_to_the_kpis(manager: FlaskClient, org: Org) -> None:
    assert f'href="/o/{org.id}/kpis/"' in page(manager, f"/o/{org.id}")


# -- a KPI's page ------------------------------------------------------------------------------
def chart_option(body: str) -> dict:
    match = re.search(r'data-chart="([^"]+)"', body)
    assert match, "no chart on the page"
    return json.loads(html.unescape(match.group(1)))


def test_trend_chart_matches_the_table(manager: FlaskClient, org: Org) -> None:
    body = page(manager, org.url(org.company.id))
    option = chart_option(body)
    table = re.findall(r'<tr data-period="([^"]+)" data-value="([^"]+)" data-status="([^"]+)"',
                       body)
    series = option["series"][0]
    drawn = list(zip(option["xAxis"]["data"], [point["value"] for point in series["data"]],
                     [point["itemStyle"]["color"] for point in series["data"]], strict=True))
    colours = {"green": "#2e8540", "amber": "#d4a017", "red": "#c0392b"}
    assert sorted(drawn) == sorted((period, float(value), colours[status])
                                   for period, value, status in table)
    assert [status for _p, _v, status in sorted(table)] == ["red", "amber", "green"]
    levels = {line["name"]: line["yAxis"] for line in series["markLine"]["data"]}
    assert levels == {"Target": 100.0, "Amber": 95.0}  # baseline 50 + 0.9 × (100 − 50)


def test_a_band_kpi_draws_its_band(manager: FlaskClient, org: Org, store: Store) -> None:
    band = gen_kpi(store, org.id, "B1", direction=Direction.BAND, baseline=None, target=None,
                   band_low=40.0, band_high=60.0)
    add_measurement(store.organization_data(org.id), COORDINATOR, band.id, "2025-01-31", 70.0)
    option = chart_option(page(manager, org.url(band.id)))
    assert option["series"][0]["markArea"]["data"] == [[{"yAxis": 40.0}, {"yAxis": 60.0}]]
    assert "markLine" not in option["series"][0]


def test_smart_badges_give_their_reasons(manager: FlaskClient, org: Org) -> None:
    body = page(manager, org.url(org.other.id))
    assert "No owner." in body  # S fails without an owner
    assert "Linked to no strategic objective and no results item." in body
    assert re.search(r'data-letter="A">.*?smart-fail', body, re.S)


def test_owner_and_managers_enter_values_others_do_not(sign_in: Callable[..., FlaskClient],
                                                       org: Org, store: Store) -> None:
    url = org.url(f"{org.sales.id}/measurements")
    form = {"period": "2026-01-31", "value": "100", "comment": ""}
    member = sign_in("member")
    assert "Save the value" not in page(member, org.url(org.sales.id))
    assert member.post(url, data=form).status_code == 403
    assert sign_in("leader").post(url, data=form).status_code == 403
    owner = sign_in("owner")
    assert "Save the value" in page(owner, org.url(org.sales.id))
    assert owner.post(url, data=form).status_code == 302
    manager = sign_in(COORDINATOR)
    response = manager.post(url, data={**form, "period": "2026-02-28", "value": "1,250.5"})
    assert response.status_code == 302
    stored = store.organization_data(org.id).read().measurements[org.sales.id]
    assert stored["2026-01-31"].entered_by == "owner" and stored["2026-02-28"].value == 1250.5
    # A comma that may be a decimal mark or a thousands separator is refused, not guessed.
    assert manager.post(url, data={**form, "period": "2026-03-31", "value": "99,5"}
                        ).status_code == 400


def test_a_refused_value_keeps_what_was_typed(manager: FlaskClient, org: Org,
                                              store: Store) -> None:
    url = org.url(f"{org.company.id}/measurements")
    response = manager.post(url, data={"period": "2025-12-31", "value": "88",
                                       "comment": "Our typed reason"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "2025-12-31 has a value already (101)" in body
    assert 'value="88"' in body and "Our typed reason" in body
    response = manager.post(url, data={"period": "2026-01-31", "value": "lots"})
    assert response.status_code == 400 and "&#39;lots&#39; is not a number." in \
        response.get_data(as_text=True)
    assert "2026-01-31" not in store.organization_data(org.id).read().measurements[
        org.company.id]
    replaced = manager.post(url, data={"period": "2025-12-31", "value": "88", "replace": "yes",
                                       "comment": "Two orders slipped"})
    assert replaced.status_code == 302


def test_red_and_amber_values_ask_for_a_comment(sign_in: Callable[..., FlaskClient],
                                                org: Org, store: Store) -> None:
    owner = sign_in("owner")
    body = page(owner, org.url(org.sales.id))
    assert re.search(r'data-period="2025-12-31"[^>]*class="needs-comment"', body)
    response = owner.post(org.url(f"{org.sales.id}/measurements"),
                          data={"period": "2026-01-31", "value": "60"}, follow_redirects=True)
    assert "add a comment with the reason" in response.get_data(as_text=True)
    response = owner.post(org.url(f"{org.sales.id}/measurements/2025-12-31/comment"),
                          data={"comment": "A large customer left; two new ones in talks."})
    assert response.status_code == 302
    body = page(owner, org.url(org.sales.id))
    assert not re.search(r'data-period="2025-12-31"[^>]*class="needs-comment"', body)
    assert "A large customer left" in body
    assert sign_in("member").post(org.url(f"{org.sales.id}/measurements/2025-12-31/comment"),
                                  data={"comment": "x"}).status_code == 403
    assert owner.post(org.url(f"{org.sales.id}/measurements/2019-01-31/comment"),
                      data={"comment": "x"}).status_code == 404


def test_feedback_thread_and_agreement(sign_in: Callable[..., FlaskClient], org: Org,
                                       store: Store) -> None:
    # S1's owner is "owner"; the superior is the company's head, the manager.
    superior = sign_in(COORDINATOR)
    assert superior.post(org.url(f"{org.sales.id}/feedback"),
                         data={"text": "Let us talk about the pipeline."}).status_code == 302
    refused = superior.post(org.url(f"{org.sales.id}/feedback"), data={"text": "  "})
    assert refused.status_code == 400
    assert sign_in("member").post(org.url(f"{org.sales.id}/feedback"),
                                  data={"text": "Me too"}).status_code == 403
    body = page(sign_in("owner"), org.url(org.sales.id))
    assert "Let us talk about the pipeline." in body and "<time datetime=" in body
    assert "Accept as owner" in body
    owner = sign_in("owner")
    assert owner.post(org.url(f"{org.sales.id}/accept"),
                      data={"revision": str(org.sales.revision)}).status_code == 302
    assert "Accept as owner" not in page(owner, org.url(org.sales.id))
    assert "Accept as superior" in page(superior, org.url(org.sales.id))
    superior.post(org.url(f"{org.sales.id}/accept"), data={})
    assert store.organization_data(org.id).read().kpis[org.sales.id].agreed
    assert sign_in("member").post(org.url(f"{org.sales.id}/accept")).status_code == 403


# -- the KPI form, removal ----------------------------------------------------------------------
def kpi_form(**values: object) -> dict[str, object]:
    return {"code": "N1", "name": "New deliveries", "direction": "up", "baseline": "10",
            "baseline_date": "2025-01-01", "target": "20", "target_date": "2026-12-31",
            "owner": "owner", "unit": "", "parent": "", "frequency": "monthly",
            "perspective": "customer", "items": ["4.7.3"], **values}


def test_new_kpi_is_created_and_audited(manager: FlaskClient, org: Org, store: Store) -> None:
    assert "Results items it evidences" in page(manager, org.url("new"))
    response = manager.post(org.url("new"), data=kpi_form())
    assert response.status_code == 302
    records = store.organization_data(org.id).read()
    kpi = next(k for k in records.kpis.values() if k.code == "N1")
    assert (kpi.target, kpi.owner, kpi.items, kpi.perspective) == (
        20.0, "owner", ("4.7.3",), Perspective.CUSTOMER)
    trail = store.organization_data(org.id).audit.read().entries
    assert trail[-1].action == "kpi_created" and trail[-1].user == COORDINATOR


def test_a_refused_kpi_form_names_the_fields_and_keeps_the_typing(manager: FlaskClient,
                                                                  org: Org,
                                                                  store: Store) -> None:
    response = manager.post(org.url("new"), data=kpi_form(
        code="K1", baseline="ten", definition="What we typed", owner="nobody"))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Another KPI of the organization has the code &#39;K1&#39;." in body
    assert "&#39;ten&#39; is not a number." in body
    assert "There is no user &#39;nobody&#39;." in body
    assert 'value="ten"' in body and "What we typed" in body and 'value="nobody"' in body
    assert body.count('aria-invalid="true"') == 3
    assert len(store.organization_data(org.id).read().kpis) == 4


def test_edit_clears_agreement_when_the_standard_changes(manager: FlaskClient, org: Org,
                                                         store: Store) -> None:
    data = store.organization_data(org.id)
    from assessor.kpis import accept_kpi
    kpi = accept_kpi(data, COORDINATOR, org.company.id)  # owner and superior at once
    assert kpi.agreed
    body = page(manager, org.url(f"{kpi.id}/edit"))
    assert 'value="Revenue growth"' in body and 'value="4.7.4" checked' in body
    form = kpi_form(code="K1", name="Revenue growth", owner=COORDINATOR, target="120",
                    revision=str(kpi.revision), items=["4.7.4"], perspective="financial")
    response = manager.post(org.url(f"{kpi.id}/edit"), data=form, follow_redirects=True)
    assert "asked to accept it again" in response.get_data(as_text=True)
    assert not data.read().kpis[kpi.id].agreed
    stale = manager.post(org.url(f"{kpi.id}/edit"), data={**form, "target": "130"})
    assert stale.status_code == 400 and "Someone changed this KPI" in stale.get_data(
        as_text=True)
    assert data.read().kpis[kpi.id].target == 120.0
    assert sign_in_client(manager.application, "owner").get(
        org.url(f"{kpi.id}/edit")).status_code == 403


OUTSIDER_REFUSED = ("Out Sider (outsider) is not one of this organization's people: add them "
                    "under the organization's people first, or choose someone who is.")


def owner_options(body: str) -> list[str]:
    select = re.search(r'<select id="f-owner" name="owner"[^>]*>(.*?)</select>', body, re.S)
    assert select, "the owner is chosen from a list"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def test_the_owner_is_chosen_among_the_organizations_people(manager: FlaskClient,
                                                            org: Org) -> None:
    # Anyone holding a role in the organization (manager, leader, member), or no owner;
    # "outsider" has an account but no role here, so could not open the KPI's pages.
    options = owner_options(page(manager, org.url("new")))
    assert options[0] == "" and sorted(options[1:]) == sorted(
        [COORDINATOR, "owner", "teamlead", "member", "leader"])
    assert "no owner" in page(manager, org.url("new"))


def test_an_owner_who_is_none_of_the_organizations_people_is_refused_on_the_form(
        manager: FlaskClient, org: Org, store: Store) -> None:
    response = manager.post(org.url("new"), data=kpi_form(
        owner="outsider", definition="What we typed"))
    body = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert OUTSIDER_REFUSED in body
    assert re.search(r'<select id="f-owner" name="owner" aria-invalid="true"', body)
    assert body.count('aria-invalid="true"') == 1
    assert "What we typed" in body and 'value="N1"' in body  # the typing is kept
    assert '<option value="outsider" selected>Out Sider</option>' in body
    assert len(store.organization_data(org.id).read().kpis) == 4
    # Changing a KPI's owner to them is refused the same way.
    edit = manager.post(org.url(f"{org.other.id}/edit"), data=kpi_form(
        code="O1", name="Scrap rate", owner="outsider", revision=str(org.other.revision)))
    assert edit.status_code == 400 and OUTSIDER_REFUSED in html.unescape(
        edit.get_data(as_text=True))
    assert store.organization_data(org.id).read().kpis[org.other.id].owner == ""


def test_a_kpi_whose_owner_has_left_the_organization_is_shown_and_edited(
        manager: FlaskClient, org: Org, store: Store) -> None:
    kept = gen_kpi(store, org.id, "X1", name="Old KPI", owner="outsider")  # before the rule
    shown = html.unescape(page(manager, org.url(kept.id)))
    assert "Old KPI" in shown
    assert ("owner: Out Sider <small class=\"outsider-note\">(not one of this organization's "
            "people: they cannot open this KPI or enter its values)</small>") in shown
    assert "outsider-note" not in page(manager, org.url(org.sales.id))  # an owner who belongs
    body = html.unescape(page(manager, org.url(f"{kept.id}/edit")))
    assert '<option value="outsider" selected>Out Sider</option>' in body
    assert ("Out Sider is not one of this organization's people, so they cannot open this "
            "KPI or enter its values.") in body
    response = manager.post(org.url(f"{kept.id}/edit"), data=kpi_form(
        code="X1", name="Old KPI renamed", owner="outsider", revision=str(kept.revision)))
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    stored = store.organization_data(org.id).read().kpis[kept.id]
    assert (stored.name, stored.owner) == ("Old KPI renamed", "outsider")


def test_remove_asks_first_and_refuses_a_parent(manager: FlaskClient, org: Org,
                                                store: Store) -> None:
    asked = manager.post(org.url(f"{org.east.id}/remove"))
    assert asked.status_code == 200 and "Remove it" in asked.get_data(as_text=True)
    assert org.east.id in store.organization_data(org.id).read().kpis
    assert manager.post(org.url(f"{org.east.id}/remove"),
                        data={"confirm": "yes"}).status_code == 302
    assert org.east.id not in store.organization_data(org.id).read().kpis
    refused = manager.post(org.url(f"{org.company.id}/remove"), data={"confirm": "yes"},
                           follow_redirects=True)
    assert "KPIs are decomposed from this one (S1)" in refused.get_data(as_text=True)


# -- import --------------------------------------------------------------------------------------
def upload(client: FlaskClient, org: Org, name: str, content: bytes, replace: bool = False):  # type: ignore[no-untyped-def]
    data: dict[str, object] = {"file": (io.BytesIO(content), name)}
    if replace:
        data["replace"] = "yes"
    return client.post(org.url("import"), data=data, content_type="multipart/form-data")


def test_import_reports_refused_rows_and_keeps_good_ones(manager: FlaskClient, org: Org,
                                                         store: Store) -> None:
    response = upload(manager, org, "values.csv",
                      b"code,period,value,comment\nK1,2026-01-31,99,\nXX,2026-01-31,1,\n"
                      b"K1,2026-02-30,5,\nK1,2025-12-31,90,\n")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "values.csv:3: code: there is no KPI &#39;XX&#39;" in body
    assert "values.csv:4: period: &#39;2026-02-30&#39; is not a date YYYY-MM-DD" in body
    assert "values.csv:5: period: has a value (101) already" in body
    assert "1 value created" in body and "3 rows refused." in body
    assert store.organization_data(org.id).read().measurements[org.company.id][
        "2026-01-31"].value == 99.0
    replaced = upload(manager, org, "values.csv", b"code,period,value,comment\n"
                      b"K1,2025-12-31,90,\n", replace=True)
    assert "1 replaced" in replaced.get_data(as_text=True)


def test_import_of_kpis_and_a_refused_file(manager: FlaskClient, org: Org,
                                           store: Store) -> None:
    header = ("code,name,unit,parent,perspective,direction,measure_unit,baseline,baseline_date,"
              "target,target_date,amber,band_low,band_high,frequency,owner,definition,"
              "data_source\n")
    row = "W1,Web orders,Sales/Web,S1,customer,up,%,1,2025-01-01,5,2026-12-31,,,,monthly,,,\n"
    body = upload(manager, org, "kpis.csv", (header + row).encode()).get_data(as_text=True)
    assert "Unit created: Sales/Web" in body and "1 KPI created" in body
    refused = upload(manager, org, "notes.txt", b"hello")
    assert refused.status_code == 400
    assert "notes.txt: It is neither a CSV nor an XLSX file. Nothing was stored." in \
        refused.get_data(as_text=True)
    assert sign_in_client(manager.application, "owner").get(org.url("import")).status_code \
        == 403


def test_import_refuses_an_owner_who_is_none_of_the_organizations_people(
        manager: FlaskClient, org: Org, store: Store) -> None:
    header = ("code,name,unit,parent,perspective,direction,measure_unit,baseline,baseline_date,"
              "target,target_date,amber,band_low,band_high,frequency,owner,definition,"
              "data_source\n")
    rows = ("W1,Web orders,,,customer,up,%,1,2025-01-01,5,2026-12-31,,,,monthly,outsider,,\n"
            "W2,Web returns,,,customer,up,%,1,2025-01-01,5,2026-12-31,,,,monthly,member,,\n")
    body = html.unescape(upload(manager, org, "kpis.csv", (header + rows).encode())
                         .get_data(as_text=True))
    assert ("kpis.csv:2: owner: 'outsider' is not one of this organization's people: add them "
            "under the organization's people first, or choose someone who is") in body
    assert "1 KPI created" in body
    codes = {kpi.code for kpi in store.organization_data(org.id).read().kpis.values()}
    assert "W2" in codes and "W1" not in codes


def test_import_of_an_xlsx_file(manager: FlaskClient, org: Org, store: Store) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["code", "period", "value", "comment"])
    sheet.append(["S1", "2026-01-31", 75, "Two orders won back"])
    sheet.append(["S1", "2026-02-28", "many", ""])
    content = io.BytesIO()
    book.save(content)
    body = upload(manager, org, "销售数据.xlsx", content.getvalue()).get_data(as_text=True)
    assert "销售数据.xlsx:3: value: &#39;many&#39; is not a number" in body
    assert "1 value created" in body
    stored = store.organization_data(org.id).read().measurements[org.sales.id]["2026-01-31"]
    assert (stored.value, stored.comment, stored.entered_by) == (75.0, "Two orders won back",
                                                                COORDINATOR)


# -- Chinese ------------------------------------------------------------------------------------
def test_the_pages_in_chinese(sign_in: Callable[..., FlaskClient], org: Org) -> None:
    client = sign_in(COORDINATOR)
    client.post("/language", data={"language": "zh_CN", "next": "/"})
    register = page(client, org.url())
    assert "KPI" in register and "状态" in register and "未达标" in register
    kpi_page = page(client, org.url(org.company.id))
    assert chart_option(kpi_page)["series"][0]["markLine"]["data"][0]["name"] == "目标"


# -- in a browser --------------------------------------------------------------------------------
@pytest.mark.browser
def test_trend_chart_draws_in_chinese(tmp_path, browser) -> None:  # type: ignore[no-untyped-def]
    from assessor import create_app
    from assessor.extensions import store_of, users_of
    from assessor.kpi_import import KPI_COLUMNS, MEASUREMENT_COLUMNS

    from .browser import serve
    from .test_browser_chinese import english_words

    app: Flask = create_app(app_config(tmp_path, WTF_CSRF_ENABLED=True, TESTING=False))
    store, users = store_of(app), users_of(app)
    users.create(COORDINATOR, "质量经理", PASSWORD)
    organization = gen_organization(store, "临澜市第三人民医院")
    store.organizations.add_member(organization.id, COORDINATOR, OrgRole.MANAGER)
    kpi = gen_kpi(store, organization.id, "Q1", name="患者满意度", measure_unit="%",
                  owner=COORDINATOR)
    data = store.organization_data(organization.id)
    for year in (2023, 2024, 2025):
        for month, value in ((6, 60.0 + (year - 2023) * 15), (12, 70.0 + (year - 2023) * 15)):
            add_measurement(data, COORDINATOR, kpi.id, f"{year}-{month:02d}-30", value)
    with serve(app) as base_url:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        problems: list[str] = []
        tab.on("pageerror", lambda error: problems.append(str(error)))
        tab.on("console", lambda message: problems.append(message.text)
               if message.type == "error" and "favicon" not in message.text else None)
        tab.goto(base_url + "/login")
        tab.locator("#username").fill(COORDINATOR)
        tab.locator("#password").fill(PASSWORD)
        tab.locator("form:has(#username) button[type=submit]").click()
        tab.wait_for_url(base_url + "/")
        tab.goto(f"{base_url}/o/{organization.id}/kpis/{kpi.id}")
        tab.wait_for_selector(".chart-drawn svg")
        svg = tab.locator(".chart-drawn svg").first
        texts = svg.locator("text").all_text_contents()
        assert any("目标" in text for text in texts), texts  # the target line's label
        assert svg.locator("path").count() > 3
        assert tab.locator("html").get_attribute("lang") == "zh-CN"
        assert "趋势" in tab.locator("#trend-heading").inner_text()
        # No English on the Chinese pages (codes, the owner's KPI names and SMART aside).
        assert english_words(tab.locator("body").inner_text(), set()) == []
        # The import page names the file's columns as the file has them.
        columns = {word for column in KPI_COLUMNS + MEASUREMENT_COLUMNS
                   for word in column.split("_")}
        for path in ("", "tree", "new", "import"):
            tab.goto(f"{base_url}/o/{organization.id}/kpis/{path}")
            assert english_words(tab.locator("body").inner_text(),
                                 columns if path == "import" else set()) == [], path
        context.close()
        assert not [p for p in problems if "404" not in p], problems


# -- evidence on a results item ------------------------------------------------------------------
def test_a_results_item_shows_its_kpis_as_evidence(sign_in: Callable[..., FlaskClient],
                                                   org: Org, store: Store,
                                                   add_member: Callable[..., None]) -> None:
    from assessor.access import Role
    from assessor.kpis import update_kpi
    from tests.factories import gen_assessment

    data = store.organization_data(org.id)
    update_kpi(data, COORDINATOR, org.company.id, {"comparison": 90.0,
                                                   "comparison_source": "Industry 2025"})
    record = gen_assessment(store)  # a cycle of the same organization
    assert record.organization_id == org.id
    add_member(record, "examiner", Role.EXAMINER)
    manager = sign_in(COORDINATOR)
    body = page(manager, f"/a/{record.id}/items/4.7.4")
    panel = re.search(r'<aside class="kpi-evidence".*?</aside>', body, re.S).group(0)  # type: ignore[union-attr]
    assert codes_listed(panel) == ["K1"]
    assert f'href="/o/{org.id}/kpis/{org.company.id}"' in panel
    assert re.search(r"2024</small> 60.*2025</small> 101", panel, re.S)  # each year's last value
    assert "2 years measured: a trend needs three or more." in panel
    assert "90" in panel and "Industry 2025" in panel
    assert "kpi-evidence" not in page(manager, f"/a/{record.id}/items/4.7.3")  # no KPI named it
    assert "kpi-evidence" not in page(manager, f"/a/{record.id}/items/4.1.2")  # a process item
    examiner_view = page(sign_in("examiner"), f"/a/{record.id}/items/4.7.4")
    assert "Revenue growth" in examiner_view and f"/o/{org.id}/kpis/" not in examiner_view
