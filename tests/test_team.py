"""The team area: members, assignments, phases, key factors, settings, and the audit trail.

Domain functions first (no HTTP), then the pages through the test client.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessor.access import Member, Phase, Role
from assessor.audit import AuditEntry
from assessor.extensions import STORE_KEY, USERS_KEY
from assessor.key_factors import key_factors, save_key_factors
from assessor.organizations import AssessmentRecord
from assessor.phases import (
    OpeningWarning,
    PhaseError,
    current_phase,
    move_from,
    opening_warnings,
)
from assessor.repositories import AssessmentData
from assessor.review import Review, save_draft, submit
from assessor.settings import Settings, load_settings
from assessor.storage.files import DataFile
from assessor.storage.repositories import TinyAssessmentData
from assessor.storage.store import Store
from assessor.team import (
    TeamError,
    add_role,
    assign,
    consensus_lead,
    coverage,
    designate_consensus_lead,
    members,
    uncovered,
    unsubmitted_entries,
    withdraw_role,
)
from assessor.web.audit import describe
from tests.factories import gen_assessment

from .conftest import COORDINATOR, PASSWORD, csrf_token, sign_in_client

NOW = "2026-03-01T09:00:00+00:00"


@pytest.fixture
def data_file(tmp_path: Path) -> AssessmentData:
    return TinyAssessmentData("abcdef123456", DataFile(tmp_path / "assessment.json"))


def person(username: str, role: Role, *items: str, lead: bool = False) -> Member:
    return Member(username, frozenset({role}), {role: frozenset(items)}, consensus_lead=lead)


# -- domain: team -----------------------------------------------------------------------------
def test_coverage_lists_who_holds_each_section_and_the_gaps() -> None:
    team = [person("bo", Role.EXAMINER, "4.1.1", "4.1.2"), person("al", Role.EXAMINER, "4.1.2"),
            person("cy", Role.WRITER, "4.1.3")]
    examiners = coverage(team, Role.EXAMINER, ["4.1.1", "4.1.2", "4.1.3"])
    assert examiners == {"4.1.1": ["bo"], "4.1.2": ["al", "bo"], "4.1.3": []}
    assert uncovered(examiners) == ["4.1.3"]
    assert uncovered(coverage(team, Role.WRITER, ["P", "4.1.3"])) == ["P"]


def test_withdraw_role_clears_assignments_and_an_examiners_consensus_lead(
        data_file: AssessmentData) -> None:
    add_role(data_file, "boss", Role.COORDINATOR)
    add_role(data_file, "eve", Role.EXAMINER)
    add_role(data_file, "eve", Role.LEADER)
    assign(data_file, "eve", Role.EXAMINER, ["4.1.2"])
    designate_consensus_lead(data_file, "eve")
    assert withdraw_role(data_file, "eve", Role.LEADER) is False
    assert consensus_lead(data_file) == "eve"
    assert withdraw_role(data_file, "eve", Role.EXAMINER) is True
    assert consensus_lead(data_file) is None
    assert "eve" not in members(data_file)


def test_withdraw_role_refuses_the_last_coordinator_and_roles_not_held(
        data_file: AssessmentData) -> None:
    add_role(data_file, "boss", Role.COORDINATOR)
    with pytest.raises(TeamError, match="last_coordinator") as refused:
        withdraw_role(data_file, "boss", Role.COORDINATOR)
    assert refused.value.data == {"username": "boss"}
    with pytest.raises(TeamError, match="role_not_held") as refused:
        withdraw_role(data_file, "boss", Role.WRITER)
    assert refused.value.data == {"username": "boss", "role": Role.WRITER}
    add_role(data_file, "deputy", Role.COORDINATOR)
    withdraw_role(data_file, "boss", Role.COORDINATOR)
    assert set(members(data_file)) == {"deputy"}


def test_consensus_lead_is_an_examiner_or_nobody(data_file: AssessmentData) -> None:
    add_role(data_file, "wes", Role.WRITER)
    add_role(data_file, "eve", Role.EXAMINER)
    with pytest.raises(TeamError, match="lead_not_examiner"):
        designate_consensus_lead(data_file, "wes")
    designate_consensus_lead(data_file, "eve")
    assert members(data_file)["eve"].consensus_lead
    designate_consensus_lead(data_file, None)
    assert consensus_lead(data_file) is None


def test_unsubmitted_entries_are_assigned_ones_without_a_submitted_review() -> None:
    team = [person("al", Role.EXAMINER, "4.1.1", "4.1.2"), person("bo", Role.EXAMINER, "4.1.2"),
            person("cy", Role.WRITER, "4.1.1")]
    submitted = [("al", "4.1.1"), ("bo", "4.9.9")]  # an entry on an unassigned item counts not
    assert unsubmitted_entries(team, submitted) == [("al", "4.1.2"), ("bo", "4.1.2")]


# -- domain: phases ---------------------------------------------------------------------------
def test_move_from_refuses_a_phase_changed_since_the_page_was_shown(
        data_file: AssessmentData) -> None:
    assert move_from(data_file, Phase.WRITING, Phase.REVIEW) is Phase.WRITING
    with pytest.raises(PhaseError, match="moved") as refused:
        move_from(data_file, Phase.WRITING, Phase.REVIEW)
    assert refused.value.data == {"current": Phase.REVIEW, "shown": Phase.WRITING}
    with pytest.raises(PhaseError, match="not_adjacent"):
        move_from(data_file, Phase.REVIEW, Phase.REVIEW)
    assert move_from(data_file, Phase.REVIEW, Phase.WRITING) is Phase.REVIEW
    assert current_phase(data_file) is Phase.WRITING


def test_opening_warnings_name_the_gaps_and_never_apply_to_other_phases() -> None:
    assert opening_warnings(Phase.REVIEW, ["4.1.1", "4.3.2"], []) == [
        OpeningWarning("no_examiner", {"items": ("4.1.1", "4.3.2")})]
    assert opening_warnings(Phase.CONSENSUS, [], [("al", "4.1.1"), ("bo", "4.1.1"),
                                                  ("al", "4.1.2")]) == [
        OpeningWarning("unsubmitted", {"count": 3, "examiners": ("al", "bo")})]
    assert opening_warnings(Phase.REVIEW, [], [("al", "4.1.1")]) == []
    assert opening_warnings(Phase.CONSENSUS, ["4.1.1"], []) == []
    assert opening_warnings(Phase.FEEDBACK, ["4.1.1"], [("al", "4.1.1")]) == []


# -- domain: key factors ----------------------------------------------------------------------
def test_key_factor_ids_stay_with_their_factor_and_are_never_reused(
        data_file: AssessmentData) -> None:
    save_key_factors(data_file, {}, ["Export markets", "Skilled workforce", "Cost pressure"])
    save_key_factors(data_file, {"K1": "Export markets in Asia", "K2": "", "K3": "Cost pressure"},
                     [])
    assert [(f.id, f.text) for f in key_factors(data_file)] == [
        ("K1", "Export markets in Asia"), ("K3", "Cost pressure")]
    save_key_factors(data_file, {"K1": "Export markets in Asia", "K3": ""}, ["Supplier base"])
    # K3 was the highest id and is gone: its old #K3 tags must not come to mean the new factor.
    assert [f.id for f in key_factors(data_file)] == ["K1", "K4"]


# -- audit descriptions --------------------------------------------------------------------------
@pytest.mark.parametrize("action, detail, words", [
    ("answers_saved", {"section": "4.1.2", "questions": ["4.1.2.a", "4.1.2.b", "4.1.2.c"]},
     "4.1.2 (3 questions)"),
    ("answers_saved", {"section": "P", "questions": ["P.1.a"]}, "P (1 question)"),
    ("phase_changed", {"from": "writing", "to": "review"}, "Writing → Independent review"),
    ("items_assigned", {"username": "al", "role": "writer", "items": ["P", "4.1.2"]},
     "al as writer: P, 4.1.2"),
    ("items_assigned", {"username": "al", "role": "writer", "items": []}, "al as writer: no items"),
    ("role_removed", {"username": "eve", "role": "examiner", "lead_ended": True},
     "eve is no longer examiner; no longer consensus lead"),
    ("consensus_lead_set", {"username": None}, "nobody"),
    ("key_factors_saved", {"factors": [{"id": "K1", "text": "Exports"}], "removed": ["K2"]},
     "K1 Exports; removed K2"),
    ("key_factors_saved", {"factors": [], "removed": []}, "no key factors"),
    ("settings_saved", {"variance_threshold": 25, "report_shows_total": True,
                        "report_shows_exact_scores": False},
     "variance threshold 25 points; report shows the total: yes; exact scores: no"),
    ("score_submitted", {"item": "4.1.2"}, "item 4.1.2"),
    ("review_reopened", {"item": "4.1.2", "examiner": "eve"}, "eve's review of item 4.1.2"),
    ("consensus_set", {"item": "4.1.2", "score": 55}, "item 4.1.2: 55%"),
    # Actions without a describer of their own, and details of an unexpected shape:
    ("plan_approved", {"item": "4.1.2", "score": 60, "final": True, "by": None},
     "item: 4.1.2; score: 60; final: yes; by: none"),
    ("phase_changed", {"from": "nonsense"}, "from: nonsense"),
])
def test_describe_puts_entries_in_words(app: Flask, action: str, detail: dict,
                                        words: str) -> None:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert describe(AuditEntry(NOW, "someone", action, detail)) == words


# -- web: helpers -----------------------------------------------------------------------------
def team_url(record: AssessmentRecord, page: str = "") -> str:
    return f"/a/{record.id}/team/{page}"


def trail(store: Store, record: AssessmentRecord) -> list[AuditEntry]:
    return store.assessment_data(record.id).audit.read().entries


def events(store: Store, record: AssessmentRecord, action: str) -> list[dict]:
    return [entry.detail for entry in trail(store, record) if entry.action == action]


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return html_lib.unescape(response.get_data(as_text=True))


def phase_of(store: Store, record: AssessmentRecord) -> Phase:
    return current_phase(store.assessment_data(record.id))


# -- web: team and assignments ----------------------------------------------------------------
def test_coordinator_adds_a_writer_who_then_writes_only_assigned_items(
        client: FlaskClient, sign_in: Callable[..., FlaskClient], store: Store,
        assessment: AssessmentRecord) -> None:
    writer = sign_in("wang")  # the account exists; the coordinator adds it to the team
    response = client.post(team_url(assessment, "members"),
                           data={"username": "wang", "role": "writer"})
    assert response.status_code == 302
    response = client.post(team_url(assessment, "assignments/writer/wang"),
                           data={"writer-wang-items": ["P", "4.1.2"],
                                 "writer-wang-save": "Save assignments"})
    assert response.status_code == 302
    assert members(store.assessment_data(assessment.id))["wang"].assigned == {
        Role.WRITER: frozenset({"P", "4.1.2"})}

    saved = writer.post(f"/a/{assessment.id}/items/4.1.2",
                        data={"answer_4_1_2_a": "Monthly reviews.", "revision_4_1_2_a": "0"})
    assert saved.status_code == 302
    refused = writer.post(f"/a/{assessment.id}/items/4.1.3",
                          data={"answer_4_1_3_a": "Not mine.", "revision_4_1_3_a": "0"})
    assert refused.status_code == 403

    assert events(store, assessment, "member_added") == [{"username": "wang", "role": "writer"}]
    assert events(store, assessment, "items_assigned") == [
        {"username": "wang", "role": "writer", "items": ["4.1.2", "P"]}]
    page = text_of(client.get(team_url(assessment)))
    assert "Wang" in page and "P, 4.1.2" in page  # the member row, in framework order


def test_adding_an_unknown_user_or_a_held_role_is_refused_with_the_input_kept(
        client: FlaskClient, add_member: Callable[..., None], store: Store,
        assessment: AssessmentRecord) -> None:
    add_member(assessment, "li", Role.EXAMINER)
    response = client.post(team_url(assessment, "members"),
                           data={"username": "ghost", "role": "writer"})
    assert response.status_code == 400
    assert "Not a valid choice" in text_of(response)
    response = client.post(team_url(assessment, "members"),
                           data={"username": "li", "role": "examiner"})
    assert response.status_code == 400
    page = text_of(response)
    assert "li already holds the examiner role here" in page
    assert re.search(r'<option selected value="li">|<option value="li" selected>', page)
    assert events(store, assessment, "member_added") == []


def test_all_items_convenience_and_choices_outside_the_framework(
        client: FlaskClient, add_member: Callable[..., None], store: Store,
        assessment: AssessmentRecord) -> None:
    add_member(assessment, "li", Role.EXAMINER)
    client.post(team_url(assessment, "assignments/examiner/li"),
                data={"examiner-li-all_items": "Assign all items"})
    assigned = members(store.assessment_data(assessment.id))["li"].assigned[Role.EXAMINER]
    assert len(assigned) == 23 and "P" not in assigned  # examiners score items, not the profile

    response = client.post(team_url(assessment, "assignments/examiner/li"),
                           data={"examiner-li-items": ["4.1.2", "P"],
                                 "examiner-li-save": "Save assignments"})
    assert response.status_code == 400
    assert "not a valid choice" in text_of(response).lower()
    assert len(members(store.assessment_data(assessment.id))["li"].assigned[Role.EXAMINER]) == 23


def test_coverage_highlights_items_without_an_examiner(
        client: FlaskClient, add_member: Callable[..., None],
        assessment: AssessmentRecord) -> None:
    add_member(assessment, "li", Role.EXAMINER, ("4.1.3",))
    page = client.get(team_url(assessment)).get_data(as_text=True)
    rows = re.findall(r'<tr class="([^"]*)">\s*<td>([\d.]+)</td>', page)
    assert len(rows) == 23  # the coverage table: a row per item
    assert {item for css, item in rows if css == "gap"} == {item for _, item in rows} - {"4.1.3"}
    assert "4.1.3" in {item for _, item in rows}
    assert "No examiner on 22 of 23 items" in page


def test_removing_a_role_records_it_and_keeps_the_last_coordinator(
        client: FlaskClient, add_member: Callable[..., None], store: Store,
        assessment: AssessmentRecord) -> None:
    add_member(assessment, "li", Role.EXAMINER, ("4.1.3",))
    client.post(team_url(assessment, "consensus-lead"), data={"lead": "li"})
    confirm = {"confirm": "yes"}
    asked = client.post(team_url(assessment, "members/li/examiner/remove"))
    assert asked.status_code == 200  # the first step asks and changes nothing
    assert "li" in members(store.assessment_data(assessment.id))
    response = client.post(team_url(assessment, "members/li/examiner/remove"), data=confirm)
    assert response.status_code == 302
    assert "li" not in members(store.assessment_data(assessment.id))
    assert events(store, assessment, "role_removed") == [
        {"username": "li", "role": "examiner", "lead_ended": True}]

    response = client.post(team_url(assessment, f"members/{COORDINATOR}/coordinator/remove"),
                           follow_redirects=True)
    assert "only coordinator" in text_of(response)
    assert Role.COORDINATOR in members(store.assessment_data(assessment.id))[COORDINATOR].roles
    assert client.post(team_url(assessment, "members/li/boss/remove")).status_code == 404

    add_member(assessment, "deputy", Role.COORDINATOR)
    response = client.post(team_url(assessment, f"members/{COORDINATOR}/coordinator/remove"),
                           data=confirm)
    assert response.headers["Location"] == "/"  # the team pages are no longer theirs
    assert client.get(team_url(assessment)).status_code == 403


def test_consensus_lead_edits_key_factors_through_their_own_link(
        client: FlaskClient, sign_in: Callable[..., FlaskClient],
        add_member: Callable[..., None], store: Store, assessment: AssessmentRecord) -> None:
    add_member(assessment, "li", Role.EXAMINER, ("4.1.3",))
    add_member(assessment, "wang", Role.WRITER)
    response = client.post(team_url(assessment, "consensus-lead"), data={"lead": "wang"})
    assert response.status_code == 400  # writers are not in the list of examiners
    assert client.post(team_url(assessment, "consensus-lead"),
                       data={"lead": "li"}).status_code == 302
    assert events(store, assessment, "consensus_lead_set") == [{"username": "li"}]

    lead = sign_in("li")
    overview = lead.get(f"/a/{assessment.id}/").get_data(as_text=True)
    assert f'href="/a/{assessment.id}/team/key-factors"' in overview
    assert lead.get(team_url(assessment)).status_code == 403
    assert lead.post(team_url(assessment, "key-factors"),
                     data={"new_1": "Export markets"}).status_code == 302
    assert [f.text for f in key_factors(store.assessment_data(assessment.id))] == [
        "Export markets"]


# -- web: phases ------------------------------------------------------------------------------
def move(client: FlaskClient, record: AssessmentRecord, shown: Phase, target: Phase):  # type: ignore[no-untyped-def]
    return client.post(team_url(record, "phase"),
                       data={"shown": shown.value, "target": target.value, "confirm": "yes"})


def test_phases_move_forward_and_back_one_step_at_a_time(
        client: FlaskClient, store: Store, assessment: AssessmentRecord) -> None:
    page = text_of(client.get(team_url(assessment, "phase")))
    assert "Open Independent review" in page and "Reopen" not in page
    assert move(client, assessment, Phase.WRITING, Phase.REVIEW).status_code == 302
    assert move(client, assessment, Phase.REVIEW, Phase.CONSENSUS).status_code == 302
    page = text_of(client.get(team_url(assessment, "phase")))
    assert "Open Feedback (closed)" in page and "Reopen Independent review" in page
    assert move(client, assessment, Phase.CONSENSUS, Phase.REVIEW).status_code == 302
    assert phase_of(store, assessment) is Phase.REVIEW
    assert events(store, assessment, "phase_changed") == [
        {"from": "writing", "to": "review"}, {"from": "review", "to": "consensus"},
        {"from": "consensus", "to": "review"}]


def test_an_invalid_or_stale_phase_move_is_refused_with_a_message(
        client: FlaskClient, store: Store, assessment: AssessmentRecord) -> None:
    response = move(client, assessment, Phase.WRITING, Phase.CONSENSUS)
    assert response.status_code == 409
    assert "can move only to the phase just before or just after it, not to Consensus" in (
        text_of(response))
    move(client, assessment, Phase.WRITING, Phase.REVIEW)
    response = move(client, assessment, Phase.WRITING, Phase.REVIEW)  # a second, stale click
    assert response.status_code == 409
    assert "someone moved it while this page was open" in text_of(response)
    response = client.post(team_url(assessment, "phase"), data={"shown": "review",
                                                               "target": "done"})
    assert response.status_code == 400
    assert phase_of(store, assessment) is Phase.REVIEW
    assert len(events(store, assessment, "phase_changed")) == 1


def test_phase_page_warns_before_opening_review_and_consensus_without_blocking(
        client: FlaskClient, add_member: Callable[..., None], store: Store,
        assessment: AssessmentRecord) -> None:
    add_member(assessment, "li", Role.EXAMINER, ("4.1.3", "4.1.2"))
    page = text_of(client.get(team_url(assessment, "phase")))
    assert "No examiner is assigned to 21 items" in page
    assert move(client, assessment, Phase.WRITING, Phase.REVIEW).status_code == 302

    data_file = store.assessment_data(assessment.id)
    submit(data_file, Review("4.1.3", "li", score=50), 5, NOW)
    save_draft(data_file, Review("4.1.2", "li", score=40), 5, NOW)
    page = text_of(client.get(team_url(assessment, "phase")))
    assert "Not submitted yet: 1 assigned review entry (examiners: li)" in page
    assert move(client, assessment, Phase.REVIEW, Phase.CONSENSUS).status_code == 302


# -- web: key factors and settings ------------------------------------------------------------
def test_key_factors_keep_their_ids_when_a_text_changes(
        client: FlaskClient, store: Store, assessment: AssessmentRecord) -> None:
    url = team_url(assessment, "key-factors")
    client.post(url, data={"new_1": "Export markets", "new_2": "Skilled workforce"})
    client.post(url, data={"K1": "Export markets in Southeast Asia", "K2": "Skilled workforce",
                           "new_1": "Energy costs", "new_2": ""})
    data_file = store.assessment_data(assessment.id)
    assert [(f.id, f.text) for f in key_factors(data_file)] == [
        ("K1", "Export markets in Southeast Asia"), ("K2", "Skilled workforce"),
        ("K3", "Energy costs")]
    client.post(url, data={"K1": "Export markets in Southeast Asia", "K2": "", "K3": "Energy"})
    assert [f.id for f in key_factors(data_file)] == ["K1", "K3"]
    page = text_of(client.get(url))
    assert 'value="Export markets in Southeast Asia"' in page
    assert "usually 4 to 6, drawn from the" in page
    assert f'href="/a/{assessment.id}/profile"' in page
    saved = events(store, assessment, "key_factors_saved")
    assert saved[-1] == {"factors": [{"id": "K1", "text": "Export markets in Southeast Asia"},
                                     {"id": "K3", "text": "Energy"}], "removed": ["K2"]}


def test_too_many_or_too_long_key_factors_are_refused_with_the_input_kept(
        client: FlaskClient, store: Store, assessment: AssessmentRecord) -> None:
    url = team_url(assessment, "key-factors")
    for n in range(4):
        client.post(url, data={**{f"K{i}": f"Factor {i}" for i in range(1, 2 * n + 1)},
                               "new_1": f"Factor {2 * n + 1}", "new_2": f"Factor {2 * n + 2}"})
    assert len(key_factors(store.assessment_data(assessment.id))) == 8
    response = client.post(url, data={**{f"K{i}": f"Factor {i}" for i in range(1, 9)},
                                      "new_1": "A ninth factor"})
    assert response.status_code == 400
    assert "at most" in text_of(response) and 'value="A ninth factor"' in text_of(response)
    response = client.post(url, data={"K1": "x" * 201})
    assert response.status_code == 400
    assert "at most 200 characters" in text_of(response)
    assert key_factors(store.assessment_data(assessment.id))[0].text == "Factor 1"


def test_settings_are_saved_and_an_out_of_range_threshold_is_refused_with_the_input_kept(
        client: FlaskClient, store: Store, assessment: AssessmentRecord) -> None:
    url = team_url(assessment, "settings")
    assert 'value="20"' in client.get(url).get_data(as_text=True)  # the default
    response = client.post(url, data={"variance_threshold": "25", "report_shows_total": "y"})
    assert response.status_code == 302
    assert load_settings(store.assessment_data(assessment.id)) == Settings(25, True, False)
    assert events(store, assessment, "settings_saved") == [
        {"variance_threshold": 25, "report_shows_total": True,
         "report_shows_exact_scores": False}]
    for bad, message in (("150", "0 to 100 percentage points"),
                         ("many", "whole number of percentage points")):
        response = client.post(url, data={"variance_threshold": bad,
                                          "report_shows_exact_scores": "y"})
        assert response.status_code == 400
        page = text_of(response)
        assert message in page and f'value="{bad}"' in page
        assert re.search(r'<input checked id="report_shows_exact_scores"', page)
    assert load_settings(store.assessment_data(assessment.id)) == Settings(25, True, False)


# -- web: audit -------------------------------------------------------------------------------
def test_audit_lists_events_newest_first_with_who_and_what(
        client: FlaskClient, add_member: Callable[..., None], store: Store,
        assessment: AssessmentRecord) -> None:
    client.post(f"/a/{assessment.id}/items/4.1.2",
                data={"answer_4_1_2_a": "Monthly.", "revision_4_1_2_a": "0",
                      "answer_4_1_2_b": "Yearly.", "revision_4_1_2_b": "0"})
    move(client, assessment, Phase.WRITING, Phase.REVIEW)
    page = text_of(client.get(team_url(assessment, "audit")))
    rows = re.findall(r"<tr>\s*<td class=\"audit-when\">.*?</tr>", page, flags=re.S)
    assert len(rows) == 2
    assert "phase changed" in rows[0] and "Writing → Independent review" in rows[0]
    assert "answers saved" in rows[1] and "4.1.2 (2 questions)" in rows[1]
    assert "Quality" in rows[1]  # the display name of COORDINATOR
    assert "could not be read" not in page


def test_audit_notes_unreadable_lines(client: FlaskClient, store: Store,
                                      assessment: AssessmentRecord) -> None:
    audit = store.assessment_data(assessment.id).audit
    audit.record(COORDINATOR, "member_added", username="li", role="writer")
    with audit.path.open("a", encoding="utf-8") as trail_file:
        trail_file.write('{"at": "2026-03-01T09:00:00+00:00", "us')  # torn by a crash
    page = text_of(client.get(team_url(assessment, "audit")))
    assert "1 line of the trail could not be read" in page
    assert "li as writer" in page


@pytest.mark.parametrize("role, status", [(Role.WRITER, 403), (Role.EXAMINER, 403),
                                          (Role.LEADER, 200)])
def test_audit_is_for_coordinators_and_leaders(
        sign_in: Callable[..., FlaskClient], add_member: Callable[..., None],
        assessment: AssessmentRecord, role: Role, status: int) -> None:
    add_member(assessment, "someone", role, ("4.1.2",) if role is not Role.LEADER else ())
    assert sign_in("someone").get(team_url(assessment, "audit")).status_code == status


@pytest.mark.parametrize("role", [Role.WRITER, Role.EXAMINER, Role.LEADER])
def test_team_pages_are_for_coordinators_only(
        sign_in: Callable[..., FlaskClient], add_member: Callable[..., None], store: Store,
        assessment: AssessmentRecord, role: Role) -> None:
    add_member(assessment, "someone", role, ("4.1.2",) if role is not Role.LEADER else ())
    other = sign_in("someone")
    for page in ("", "phase", "settings", "key-factors"):
        assert other.get(team_url(assessment, page)).status_code == 403, page
    posts = {"members": {"username": "someone", "role": "coordinator"},
             "assignments/writer/someone": {"writer-someone-all_items": "y"},
             "consensus-lead": {"lead": ""},
             f"members/{COORDINATOR}/coordinator/remove": {},
             "phase": {"shown": "writing", "target": "review"},
             "settings": {"variance_threshold": "5"},
             "key-factors": {"new_1": "Sneaky"}}
    for page, data in posts.items():
        assert other.post(team_url(assessment, page), data=data).status_code == 403, page
    assert members(store.assessment_data(assessment.id))["someone"].roles == {role}
    assert phase_of(store, assessment) is Phase.WRITING
    assert trail(store, assessment) == []


def test_every_form_on_the_team_pages_carries_a_csrf_token(
        csrf_app: Flask, assessment_in: Callable[[Flask], AssessmentRecord]) -> None:
    record = assessment_in(csrf_app)
    client = sign_in_client(csrf_app, COORDINATOR)
    for page in ("", "phase", "settings", "key-factors"):
        html = client.get(team_url(record, page)).get_data(as_text=True)
        forms = re.findall(r'<form method="post".*?</form>', html, flags=re.S)
        assert forms, page
        for form in forms:
            assert 'name="csrf_token"' in form, (page, form[:200])
    html = client.get(team_url(record, "settings")).get_data(as_text=True)
    response = client.post(team_url(record, "settings"), data={
        "csrf_token": csrf_token(html), "variance_threshold": "30"})
    assert response.status_code == 302
    assert client.post(team_url(record, "settings"),
                       data={"variance_threshold": "30"}).status_code == 400


@pytest.fixture
def assessment_in() -> Callable[[Flask], AssessmentRecord]:
    """An assessment coordinated by COORDINATOR in the given app's data folder."""

    def make(app: Flask) -> AssessmentRecord:
        store, users = app.extensions[STORE_KEY], app.extensions[USERS_KEY]
        users.create(COORDINATOR, "Quality Manager", PASSWORD)
        record = gen_assessment(store, "Csrf Works", "2026", "gbt19580-2012.yaml", NOW)
        add_role(store.assessment_data(record.id), COORDINATOR, Role.COORDINATOR)
        return record

    return make
