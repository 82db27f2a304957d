"""The leadership dashboard and "my work" pages, through Flask's test client: who sees them,
what they list and link, the chart with its table, both languages."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessor.access import OrgRole, Phase, Role
from assessor.consensus import ConsensusRecord, record_consensus
from assessor.measurements import add_measurement
from assessor.paths import framework_named
from assessor.phases import move_to
from assessor.storage.store import Store
from assessor.targets import set_targets
from assessor.team import add_role, assign
from assessor.web import dashboard as dashboard_pages
from tests.factories import FRAMEWORK_FILE, gen_assessment, gen_kpi, gen_organization, gen_plan

NOW = "2026-02-01T09:00:00+00:00"
TODAY = date(2026, 4, 1)


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dashboard_pages, "today", lambda: TODAY)


@pytest.fixture
def org(store: Store) -> str:
    organization = gen_organization(store)
    for username, role in (("lee", OrgRole.LEADER), ("max", OrgRole.MANAGER),
                           ("ann", OrgRole.MEMBER)):
        store.organizations.add_member(organization.id, username, role)
    return organization.id


def scored_cycle(store: Store, cycle: str, created_at: str, score: int) -> str:
    framework = framework_named(FRAMEWORK_FILE)
    record = gen_assessment(store, cycle=cycle, created_at=created_at)
    data = store.assessment_data(record.id)
    set_targets(data, framework, "max", all_items=60)
    move_to(data, Phase.REVIEW)
    move_to(data, Phase.CONSENSUS)
    for item in framework.items:
        record_consensus(data, ConsensusRecord(item.id, score, "agreed", (), (), "c", NOW),
                         framework.scoring.step)
    return record.id


@pytest.fixture
def busy(store: Store, org: str) -> dict[str, str]:
    """Plans in several states, an overdue action, a red KPI and two scored cycles."""
    waiting = gen_plan(store, org, "Faster complaints handling", state="submitted",
                       owner="ann", sponsor="lee")
    late = gen_plan(store, org, "Kitting at the line", state="doing", owner="ann")
    gen_plan(store, org, "Supplier audits", state="closed")
    red = gen_kpi(store, org, "OTD", name="On-time delivery", owner="ann",
                  frequency="monthly", measure_unit="%")
    add_measurement(store.organization_data(org), "ann", red.id, "2026-02-28", 52.0)
    earlier = scored_cycle(store, "2024", "2024-01-01T00:00:00+00:00", 40)
    latest = scored_cycle(store, "2025", "2025-01-01T00:00:00+00:00", 50)
    return {"waiting": waiting.id, "late": late.id, "kpi": red.id, "earlier": earlier,
            "latest": latest}


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_leaders_and_managers_see_the_dashboard_members_do_not(
        sign_in: Callable[..., FlaskClient], org: str) -> None:
    assert sign_in("lee").get(f"/o/{org}/dashboard").status_code == 200
    assert sign_in("max").get(f"/o/{org}/dashboard").status_code == 200
    assert sign_in("ann").get(f"/o/{org}/dashboard").status_code == 403
    assert sign_in("nobody").get(f"/o/{org}/dashboard").status_code == 403
    assert sign_in("lee").get("/o/nosuch/dashboard").status_code == 404


def test_an_empty_organization_dashboard(sign_in: Callable[..., FlaskClient], org: str) -> None:
    html = page(sign_in("lee"), f"/o/{org}/dashboard")
    assert "No plan is waiting for approval." in html
    assert "The organization has no improvement plans yet." in html
    assert "No action is overdue." in html
    assert "No KPI is off target or behind its trajectory." in html
    assert "No cycle of this organization has a consensus score yet" in html
    assert "data-chart" not in html


def test_the_dashboard_lists_and_links(sign_in: Callable[..., FlaskClient], org: str,
                                       busy: dict[str, str], app: Flask) -> None:
    html = page(sign_in("lee"), f"/o/{org}/dashboard")
    waiting = re.search(r'<table[^>]*id="waiting-table".*?</table>', html, re.S).group(0)
    assert "Faster complaints handling" in waiting and "Kitting" not in waiting
    overdue = re.search(r'<table[^>]*id="overdue-table".*?</table>', html, re.S).group(0)
    assert f'data-plan="{busy["late"]}" data-action="A1"' in overdue
    assert "2026-03-31" in overdue and '<td class="num loss">1</td>' in overdue
    kpis = re.search(r'<table[^>]*id="kpis-table".*?</table>', html, re.S).group(0)
    assert "OTD · On-time delivery" in kpis and "off target" in kpis and "behind" in kpis
    if "kpis.show" in app.view_functions:
        assert f'href="/o/{org}/kpis/{busy["kpi"]}"' in kpis
    # The largest gaps of 2025 (every item at 50 against 60), each linked to its gap report.
    gaps = re.search(r'<table[^>]*id="gaps-table".*?</table>', html, re.S).group(0)
    assert gaps.count("<tr data-item=") == 5
    assert f'href="/a/{busy["latest"]}/gaps/#item-' in gaps
    change = re.search(r'<table[^>]*id="change-table".*?</table>', html, re.S).group(0)
    assert "Change from cycle 2024 to 2025" in html
    assert '<tr data-category="total">' in change and "+100" in change


def test_plans_by_state_as_a_chart_with_its_table(sign_in: Callable[..., FlaskClient], org: str,
                                                  busy: dict[str, str]) -> None:
    html = page(sign_in("max"), f"/o/{org}/dashboard")
    assert "echarts" in html  # the chart scripts in the head
    option = json.loads(re.search(r'data-chart="([^"]+)"', html).group(1)
                        .replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&"))
    assert option["yAxis"]["data"] == ["draft", "submitted", "approved", "doing", "checking",
                                       "closed", "continued"]
    assert option["series"][0]["data"] == [0, 1, 0, 1, 0, 1, 0]
    table = re.search(r'<table[^>]*id="states-table".*?</table>', html, re.S).group(0)
    assert re.search(r'data-state="doing">.*?<td class="num">1</td>', table, re.S)
    assert 'aria-describedby="states-table"' in html


def test_the_dashboard_in_chinese(sign_in: Callable[..., FlaskClient], org: str,
                                  busy: dict[str, str]) -> None:
    client = sign_in("lee")
    client.post("/language", data={"language": "zh_CN", "next": "/"})
    html = page(client, f"/o/{org}/dashboard")
    assert "领导驾驶舱" in html
    for english in ("Plans waiting for approval", "Overdue actions", "Plans by state",
                    "No plan is waiting"):
        assert english not in html


def test_the_organization_page_links_the_dashboard_for_leaders_and_managers(
        sign_in: Callable[..., FlaskClient], org: str) -> None:
    link = f'href="/o/{org}/dashboard"'
    assert link in page(sign_in("lee"), f"/o/{org}")
    assert link in page(sign_in("max"), f"/o/{org}")
    assert link not in page(sign_in("ann"), f"/o/{org}")


def test_my_work_for_everyone_signed_in(sign_in: Callable[..., FlaskClient], app: Flask,
                                        store: Store, org: str, busy: dict[str, str]) -> None:
    framework = framework_named(FRAMEWORK_FILE)
    writing = gen_assessment(store, cycle="2026", created_at="2026-01-01T00:00:00+00:00")
    data = store.assessment_data(writing.id)
    add_role(data, "ann", Role.WRITER)
    assign(data, "ann", Role.WRITER, ["4.1.2"])
    client = sign_in("ann")
    home = page(client, "/")
    assert 'href="/my-work"' in home  # in the header menu and on the home page
    html = page(client, "/my-work")
    actions = re.search(r'<ul[^>]*id="actions-[^"]+".*?</ul>', html, re.S).group(0)
    # Overdue first: the doing plan's A1 (due 2026-03-31); the submitted plan's waits.
    assert actions.index(busy["late"]) < actions.index(busy["waiting"])
    assert "overdue" in actions
    owned = re.search(r'<ul[^>]*id="owned-[^"]+".*?</ul>', html, re.S).group(0)
    assert "Faster complaints handling" in owned and "Kitting at the line" in owned
    due = re.search(r'<ul[^>]*id="kpis-due-[^"]+".*?</ul>', html, re.S).group(0)
    assert "OTD" in due and "2026-03-01 to 2026-03-31" in due
    red = re.search(r'<ul[^>]*id="kpis-unexplained-[^"]+".*?</ul>', html, re.S).group(0)
    assert "2026-02-28" in red
    write = re.search(r'<ul[^>]*id="write-[^"]+".*?</ul>', html, re.S).group(0)
    questions = len(framework.item("4.1.2").questions)
    assert f'href="/a/{writing.id}/items/4.1.2"' in write
    assert f"{questions} of {questions} questions unanswered" in write
    assert f'href="/o/{org}/dashboard"' not in html  # a member has no dashboard
    assert f'href="/o/{org}/dashboard"' in page(sign_in("lee"), "/my-work")


def test_my_work_with_nothing_to_do(sign_in: Callable[..., FlaskClient]) -> None:
    html = page(sign_in("nobody"), "/my-work")
    assert "Nothing waits for you: you hold no role" in html


def test_my_work_asks_to_sign_in(app: Flask) -> None:
    response = app.test_client().get("/my-work")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_kept_dashboard_shows_every_change_at_once(
        sign_in: Callable[..., FlaskClient], store: Store, org: str, busy: dict[str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The body is kept per version of the organization's records, of the cycles it shows,
    of the day and the language: each of them changed shows on the next view."""
    client = sign_in("lee")
    html = page(client, f"/o/{org}/dashboard")
    assert "Brand new plan" not in html and "As of 2026-04-01" in html
    gen_plan(store, org, "Brand new plan", state="submitted")
    html = page(client, f"/o/{org}/dashboard")
    assert "Brand new plan" in html
    # A consensus changed in the latest scored cycle: its gaps and the change since 2024.
    framework = framework_named(FRAMEWORK_FILE)
    first = framework.items[0]
    record_consensus(store.assessment_data(busy["latest"]), ConsensusRecord(
        first.id, 20, "rescored", (), (), "c", NOW), framework.scoring.step)
    html = page(client, f"/o/{org}/dashboard")
    gaps = re.search(r'<table[^>]*id="gaps-table".*?</table>', html, re.S).group(0)
    assert f'<tr data-item="{first.id}">' in gaps.split("</tr>")[1]  # now the largest gap
    monkeypatch.setattr(dashboard_pages, "today", lambda: date(2026, 4, 2))
    assert "As of 2026-04-02" in page(client, f"/o/{org}/dashboard")
    client.post("/language", data={"language": "zh_CN", "next": "/"})
    assert "待批准的计划" in page(client, f"/o/{org}/dashboard")
