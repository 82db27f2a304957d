"""The targets page and the gap report page through the test client: targets set all at once
and per item, refused entries named with nothing stored, the gap page's tables and charts
matching the domain's report, and the downloads matching the `gaps` command."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest
from flask.testing import FlaskClient

from assessor.access import PHASE_ORDER, OrgRole, Phase, Role
from assessor.consensus import ConsensusRecord
from assessor.gap_export import gaps_csv, gaps_json
from assessor.gaps import cycle_gap_report
from assessor.organizations import AssessmentRecord
from assessor.paths import framework_named
from assessor.phases import move_to
from assessor.repositories import AssessmentData
from assessor.statements import Statement
from assessor.storage.store import Store
from assessor.targets import set_targets, targets_of
from tests.factories import FRAMEWORK_FILE, gen_assessment

from .conftest import COORDINATOR

FRAMEWORK = framework_named(FRAMEWORK_FILE)
NOW = "2026-03-01T09:00:00+00:00"


def scored(data: AssessmentData, scores: dict[str, int], ofi: str = "") -> None:
    for item, score in scores.items():
        ofis = (Statement(ofi, id=f"o{item.replace('.', '')}"),) if ofi else ()
        record = ConsensusRecord(item, score, "agreed", (), ofis, COORDINATOR, NOW)
        data.consensus.change(item, lambda current, record=record: record)


def move(data: AssessmentData, phase: Phase) -> None:
    for step in PHASE_ORDER[1:PHASE_ORDER.index(phase) + 1]:
        move_to(data, step)


@pytest.fixture
def cycles(store: Store, assessment: AssessmentRecord) -> tuple[AssessmentRecord,
                                                                   AssessmentRecord]:
    """An earlier scored cycle (2025) and the assessment (2026) in feedback, both with
    targets, of the same organization."""
    earlier = gen_assessment(store, organization=assessment.organization, cycle="2025",
                             created_at="2025-01-01T00:00:00+00:00")
    earlier_data = store.assessment_data(earlier.id)
    scored(earlier_data, {"4.7.2": 20, "4.4.3": 50})
    set_targets(earlier_data, FRAMEWORK, "quality", all_items=50)
    data = store.assessment_data(assessment.id)
    scored(data, {"4.7.2": 30, "4.4.3": 35}, ofi="Results are not segmented by plant.")
    set_targets(data, FRAMEWORK, "quality", all_items=60)
    move(data, Phase.FEEDBACK)
    return earlier, assessment


def page_text(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def cells(html: str, table_id: str) -> list[list[str]]:
    """The rows of a table as the text of their cells."""
    table = re.search(rf'<table id="{table_id}".*?</table>', html, re.S).group(0)
    return [[" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, re.S)]
            for body in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)]


# -- targets ------------------------------------------------------------------------------------
def test_all_items_at_once_then_one_item_with_a_rationale(
        client: FlaskClient, store: Store, assessment: AssessmentRecord) -> None:
    url = f"/a/{assessment.id}/targets/"
    assert client.post(url, data={"all_items": "50"}).status_code == 302
    data = store.assessment_data(assessment.id)
    assert {target.target_pct for target in targets_of(data).values()} == {50}
    form = {f"target-{item.id}": "50" for item in FRAMEWORK.items}
    form["target-4.7.2"] = "70"
    form["rationale-4.7.2"] = "Customers compare us with the best supplier."
    response = client.post(url, data=form, follow_redirects=True)
    assert "Target saved for 1 item." in response.get_data(as_text=True)
    stored = targets_of(data)
    assert stored["4.7.2"].target_pct == 70
    assert stored["4.7.2"].rationale == "Customers compare us with the best supplier."
    [entry] = [e for e in data.audit.read().entries if e.action == "targets_set"][-1:]
    assert entry.detail == {"all": None, "items": {"4.7.2": 70}}  # only what changed
    audit = page_text(client, f"/a/{assessment.id}/team/audit")
    assert "4.7.2 70%" in audit and "all items 50%" in audit


def test_a_target_off_the_steps_is_refused_naming_the_item_and_nothing_is_stored(
        client: FlaskClient, store: Store, assessment: AssessmentRecord) -> None:
    url = f"/a/{assessment.id}/targets/"
    client.post(url, data={"all_items": "50"})
    form = {"target-4.1.2": "60", "rationale-4.1.2": "Leaders asked for it.",
            "target-4.7.2": "33"}
    response = client.post(url, data=form)
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    assert "Item 4.7.2: a target is a whole percentage in steps of 5" in html
    assert 'value="Leaders asked for it."' in html  # the typed rationale comes back
    data = store.assessment_data(assessment.id)
    assert targets_of(data)["4.1.2"].target_pct == 50  # nothing of the save was stored


@pytest.mark.parametrize(("form", "message"), [
    ({"all_items": "120"}, "All items: a target is from 0 to 100%, not 120%."),
    ({"all_items": "lots"}, "All items: a target is a whole percentage"),
    ({"target-4.1.2": "50", "rationale-4.1.2": "x" * 501},
     "Item 4.1.2: a rationale is at most 500 characters."),
])
def test_refused_targets_say_what_was_wrong(client: FlaskClient, store: Store,
                                            assessment: AssessmentRecord, form: dict,
                                            message: str) -> None:
    response = client.post(f"/a/{assessment.id}/targets/", data=form)
    assert response.status_code == 400
    assert message in unescape(response.get_data(as_text=True))
    assert targets_of(store.assessment_data(assessment.id)) == {}


def test_saving_an_unchanged_table_stores_and_audits_nothing(
        client: FlaskClient, store: Store, assessment: AssessmentRecord) -> None:
    url = f"/a/{assessment.id}/targets/"
    client.post(url, data={"all_items": "40"})
    data = store.assessment_data(assessment.id)
    trail = len(data.audit.read().entries)
    form = {f"target-{item.id}": "40" for item in FRAMEWORK.items}
    response = client.post(url, data=form, follow_redirects=True)
    assert "Nothing to save" in response.get_data(as_text=True)
    assert len(data.audit.read().entries) == trail


def test_the_organizations_manager_sets_targets_without_a_role_in_the_cycle(
        sign_in, store: Store, assessment: AssessmentRecord) -> None:
    manager = sign_in("manager")
    url = f"/a/{assessment.id}/targets/"
    assert manager.get(url).status_code == 403
    store.organizations.add_member(assessment.organization_id, "manager", OrgRole.MANAGER)
    assert manager.get(url).status_code == 200
    assert manager.post(url, data={"all_items": "55"}).status_code == 302
    leader = sign_in("org-leader")
    store.organizations.add_member(assessment.organization_id, "org-leader", OrgRole.LEADER)
    assert leader.get(url).status_code == 403  # leaders read; they do not set targets


# -- the gap report -----------------------------------------------------------------------------
def test_the_items_table_follows_the_report_largest_gap_first(
        client: FlaskClient, store: Store, cycles: tuple[AssessmentRecord, AssessmentRecord]
        ) -> None:
    _, current = cycles
    html = page_text(client, f"/a/{current.id}/gaps/")
    report = cycle_gap_report(store.assessments, current, FRAMEWORK)
    rows = cells(html, "items-table")[1:]
    assert [row[0].split()[0] for row in rows] == [gap.item for gap in report.items]
    first = rows[0]  # 4.7.2: 80 points, 30% against 60%: 24 points of gap, up 10%
    assert first[:5] == ["4.7.2 " + FRAMEWORK.item("4.7.2").title.en, "80", "30% (24)",
                         "60% (48)", "24"]
    assert first[6] == "+10%"
    assert rows[-1][2] == "not scored"
    assert "Changes are since cycle 2025" in unescape(html)
    assert "Results are not segmented by plant." in html  # the OFI beside its item
    assert f'/a/{current.id}/consensus/items/4.7.2#s-o472' in html


def test_the_charts_carry_the_figures_of_the_tables(
        client: FlaskClient, cycles: tuple[AssessmentRecord, AssessmentRecord]) -> None:
    _, current = cycles
    html = page_text(client, f"/a/{current.id}/gaps/")
    options = [json.loads(unescape(raw)) for raw in re.findall(r'data-chart="([^"]*)"', html)]
    radar, change, pareto = options
    assert len(radar["radar"]["indicator"]) == len(FRAMEWORK.categories)
    assert [line["name"] for line in radar["series"][0]["data"]] == ["Target", "Score",
                                                                   "Cycle 2025"]
    assert pareto["xAxis"]["data"] == ["4.7.2", "4.4.3"]
    assert pareto["series"][0]["data"] == [24.0, 3.75]
    assert pareto["series"][1]["data"] == [86.5, 100.0]
    categories = cells(html, "categories-table")[1:8]
    assert [bar["value"] for bar in change["series"][0]["data"]] == [
        "-" if row[7] == "–" else float(row[7]) for row in categories]


def test_without_targets_the_page_says_so(client: FlaskClient, store: Store,
                                          assessment: AssessmentRecord) -> None:
    data = store.assessment_data(assessment.id)
    scored(data, {"4.1.2": 40})
    move(data, Phase.CONSENSUS)
    html = unescape(page_text(client, f"/a/{assessment.id}/gaps/"))
    assert "No targets are set for this cycle yet" in html
    assert "There is no earlier scored cycle" in html
    assert "data-chart" in html  # the radar still shows the scores


def test_downloads_are_the_commands_output(
        client: FlaskClient, store: Store, cycles: tuple[AssessmentRecord, AssessmentRecord]
        ) -> None:
    _, current = cycles
    report = cycle_gap_report(store.assessments, current, FRAMEWORK)
    response = client.get(f"/a/{current.id}/gaps/gaps.csv")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.get_data(as_text=True) == gaps_csv(report)
    assert list(csv.reader(io.StringIO(response.get_data(as_text=True))))[1][0] == "4.7.2"
    assert json.loads(client.get(f"/a/{current.id}/gaps/gaps.json").data) == json.loads(
        json.dumps(gaps_json(report)))
    assert "| 4.7.2 |" in client.get(f"/a/{current.id}/gaps/gaps.md").get_data(as_text=True)


def test_examiners_read_the_gap_report_writers_do_not(
        sign_in, add_member, cycles: tuple[AssessmentRecord, AssessmentRecord]) -> None:
    _, current = cycles
    add_member(current, "ex", Role.EXAMINER, ("4.7.2",))
    add_member(current, "wr", Role.WRITER, ("4.7.2",))
    assert sign_in("ex").get(f"/a/{current.id}/gaps/").status_code == 200
    assert sign_in("wr").get(f"/a/{current.id}/gaps/").status_code == 403
