"""The next cycle: started from an earlier one with its team, key factors, targets and answers
(carried over, marked until reviewed), the earlier cycle untouched; the page that starts it,
the marks on the answer pages and the counts on the overview."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from assessor.access import OrgRole, Phase, Role
from assessor.answers import Answer, AnswerEdit, decide, load_answers, save_answers
from assessor.export import export_assessment
from assessor.key_factors import save_key_factors
from assessor.next_cycle import (
    NextCycleError,
    carried_over,
    key_factors_carried_over_from,
    start_next_cycle,
    suggested_cycle_name,
)
from assessor.organizations import AssessmentRecord
from assessor.paths import framework_named
from assessor.phases import OpeningWarning, move_to, opening_warnings
from assessor.repositories import AssessmentData
from assessor.settings import Settings, save_settings
from assessor.storage.files import DataFileError
from assessor.storage.store import Store
from assessor.targets import set_targets
from assessor.team import add_role, assign, designate_consensus_lead
from assessor.users import Users
from assessor.web.forms import answer_field, keep_field, revision_field
from tests.factories import FRAMEWORK_FILE, gen_assessment

from .conftest import COORDINATOR, PASSWORD

NOW = "2025-03-01T09:00:00+00:00"
LATER = "2026-03-01T09:00:00+00:00"
FRAMEWORK = framework_named(FRAMEWORK_FILE)
PROFILE_QUESTION = FRAMEWORK.profile.parts[0].questions[0].id
ITEM = "4.1.2"
ITEM_QUESTIONS = [question.id for question in FRAMEWORK.item(ITEM).questions]


def snapshot(folder: Path) -> dict[Path, bytes]:
    """Every file's bytes (lock files come and go with each write)."""
    return {path: path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and path.suffix != ".lock"}


@pytest.fixture
def earlier(store: Store) -> AssessmentRecord:
    """A closed 2025 cycle with a team, key factors, targets, settings, answers and scores."""
    record = gen_assessment(store, cycle="2025", created_at=NOW)
    data = store.assessment_data(record.id)
    add_role(data, COORDINATOR, Role.COORDINATOR)
    add_role(data, "ann", Role.WRITER)
    assign(data, "ann", Role.WRITER, [ITEM, FRAMEWORK.profile.id])
    add_role(data, "eve", Role.EXAMINER)
    assign(data, "eve", Role.EXAMINER, [ITEM, "4.1.3"])
    designate_consensus_lead(data, "eve")
    add_role(data, "lee", Role.LEADER)
    save_key_factors(data, {}, ["Export markets", "Skilled staff"])
    save_key_factors(data, {"K1": "Export markets", "K2": ""}, ["Safety"])  # K2 removed
    set_targets(data, FRAMEWORK, COORDINATOR, all_items=50, items={ITEM: 70}, now=NOW)
    save_settings(data, Settings(variance_threshold=25))
    save_answers(data, [AnswerEdit(PROFILE_QUESTION, "We make pumps.", 0),
                        AnswerEdit(ITEM_QUESTIONS[0], "Leaders set direction yearly.", 0),
                        AnswerEdit(ITEM_QUESTIONS[1], "Values are taught.", 0),
                        AnswerEdit(ITEM_QUESTIONS[2], "", 0)], NOW, "ann")
    for phase in (Phase.REVIEW, Phase.CONSENSUS, Phase.FEEDBACK):
        move_to(data, phase)
    return record


def start(store: Store, earlier: AssessmentRecord, name: str = "2026",
          user: str = COORDINATOR) -> AssessmentRecord:
    return start_next_cycle(store.assessments, store.organizations, earlier, FRAMEWORK, name,
                            user)


# -- the copy ---------------------------------------------------------------------------------
def test_the_team_comes_along_with_roles_assignments_and_consensus_lead(
        store: Store, earlier: AssessmentRecord) -> None:
    data = store.assessment_data(start(store, earlier, user="mia").id)
    before = store.assessment_data(earlier.id).team.members()
    team = data.team.members()
    assert {name: m.roles for name, m in team.items()} == {
        **{name: m.roles for name, m in before.items()}, "mia": frozenset({Role.COORDINATOR})}
    assert team["ann"].assigned == {Role.WRITER: frozenset({ITEM, FRAMEWORK.profile.id})}
    assert team["eve"].assigned == {Role.EXAMINER: frozenset({ITEM, "4.1.3"})}
    assert data.team.consensus_lead() == "eve"


def test_key_factors_targets_and_settings_come_along(store: Store,
                                                     earlier: AssessmentRecord) -> None:
    old = store.assessment_data(earlier.id)
    data = store.assessment_data(start(store, earlier).id)
    assert data.key_factors.all() == old.key_factors.all()
    assert [factor.id for factor in data.key_factors.all()] == ["K1", "K3"]
    assert data.key_factors.highest_issued() == 3  # K2's number stays given out
    assert data.targets.all() == old.targets.all()
    assert data.targets.all()[ITEM].target_pct == 70
    assert data.settings.get() == old.settings.get()


def test_every_answer_comes_along_as_a_draft_marked_carried_over(
        store: Store, earlier: AssessmentRecord) -> None:
    old = load_answers(store.assessment_data(earlier.id))
    new = load_answers(store.assessment_data(start(store, earlier).id))
    assert set(new) == {PROFILE_QUESTION, ITEM_QUESTIONS[0], ITEM_QUESTIONS[1]}  # not the empty
    for question, answer in new.items():
        assert (answer.text, answer.updated_by, answer.updated_at) == (
            old[question].text, "ann", NOW)
        assert (answer.revision, answer.carried_over_from) == (1, "2025")


def test_the_export_says_which_answers_are_carried_over(store: Store,
                                                        earlier: AssessmentRecord) -> None:
    record = start(store, earlier)
    save_answers(store.assessment_data(record.id),
                 [AnswerEdit(ITEM_QUESTIONS[0], "This year's text", 1)], LATER, "ann")
    answers = export_assessment(store, record.id)["answers"]
    assert answers[ITEM_QUESTIONS[1]]["carried_over_from"] == "2025"
    assert "carried_over_from" not in answers[ITEM_QUESTIONS[0]]


def test_reviews_consensus_and_phase_stay_behind(store: Store,
                                                 earlier: AssessmentRecord) -> None:
    data = store.assessment_data(start(store, earlier).id)
    assert data.phase.current() is Phase.WRITING
    assert data.reviews.all() == [] and data.consensus.all() == {}


def test_nothing_of_the_earlier_cycle_changes(store: Store, earlier: AssessmentRecord) -> None:
    folder = store.assessment_data(earlier.id).path.parent
    before = snapshot(folder)
    assert before  # its data file and audit trail
    start(store, earlier)
    assert snapshot(folder) == before


def test_the_new_cycle_is_the_organizations_newest(store: Store,
                                                   earlier: AssessmentRecord) -> None:
    record = start(store, earlier, " 2026 ")
    assert (record.cycle, record.organization_id, record.framework) == (
        "2026", earlier.organization_id, earlier.framework)
    assert store.assessments.all()[0] == record


def test_a_cycle_name_the_organization_has_is_refused(store: Store,
                                                      earlier: AssessmentRecord) -> None:
    start(store, earlier, "2026 H1")
    count = len(store.assessments.all())
    for name in ("2025", "2026 h1", " 2026  H1 "):
        with pytest.raises(NextCycleError) as refused:
            start(store, earlier, name)
        assert refused.value.code == "cycle_exists"
    with pytest.raises(NextCycleError) as refused:
        start(store, earlier, "   ")
    assert refused.value.code == "cycle_empty"
    assert len(store.assessments.all()) == count


def test_an_unreadable_earlier_cycle_refuses_the_start_and_leaves_no_cycle(
        store: Store, earlier: AssessmentRecord) -> None:
    store.assessment_data(earlier.id).path.write_bytes(b"{not json")
    count = len(store.assessments.all())
    with pytest.raises(DataFileError):
        start(store, earlier)
    assert len(store.assessments.all()) == count


def test_another_organizations_cycle_name_is_free(store: Store,
                                                  earlier: AssessmentRecord) -> None:
    gen_assessment(store, "Other Co.", "2026")
    assert start(store, earlier, "2026").cycle == "2026"


def test_the_start_is_audited_in_the_new_cycle(store: Store, earlier: AssessmentRecord) -> None:
    data = store.assessment_data(start(store, earlier, user="mia").id)
    entries = data.audit.read().entries
    assert [entry.action for entry in entries] == [
        "assessment_created", "targets_copied", "cycle_started_from"]
    assert entries[-1].user == "mia"
    assert entries[-1].detail == {"from_assessment": earlier.id, "from_cycle": "2025",
                                  "answers": 3, "members": ["ann", "eve", "lee", COORDINATOR],
                                  "key_factors": ["K1", "K3"], "targets": len(FRAMEWORK.items)}


def test_an_empty_earlier_cycle_gives_an_empty_next_one(store: Store) -> None:
    empty = gen_assessment(store, cycle="2025")
    data = store.assessment_data(start(store, empty, user="mia").id)
    assert load_answers(data) == {} and data.key_factors.all() == []
    assert set(data.team.members()) == {"mia"}
    assert data.audit.read().entries[-1].detail["answers"] == 0


# -- the marks --------------------------------------------------------------------------------
@pytest.fixture
def next_data(store: Store, earlier: AssessmentRecord) -> AssessmentData:
    return store.assessment_data(start(store, earlier).id)


def test_the_counts_per_item_and_profile(next_data: AssessmentData) -> None:
    counts = carried_over(FRAMEWORK, load_answers(next_data))
    assert (counts.profile, counts.items[ITEM], counts.items["4.1.3"], counts.total) == (
        1, 2, 0, 3)


def test_a_changed_text_clears_the_mark_and_others_stay(next_data: AssessmentData) -> None:
    first, second = ITEM_QUESTIONS[0], ITEM_QUESTIONS[1]
    result = save_answers(next_data, [AnswerEdit(first, "Leaders set direction quarterly.", 1),
                                      AnswerEdit(second, "Values are taught.", 1)],
                          LATER, "ann")
    assert [answer.question for answer in result.saved] == [first]
    answers = load_answers(next_data)
    assert (answers[first].revision, answers[first].carried_over_from,
            answers[first].updated_by) == (2, "", "ann")
    assert answers[second].carried_over_from == "2025"  # saved unchanged: still to check
    assert carried_over(FRAMEWORK, answers).items[ITEM] == 1


def test_keeping_an_answer_as_is_clears_its_mark_in_a_new_revision(
        next_data: AssessmentData) -> None:
    second = ITEM_QUESTIONS[1]
    result = save_answers(next_data, [AnswerEdit(second, "Values are taught.", 1,
                                                 keep_as_is=True)], LATER, "bob")
    assert len(result.saved) == 1 and result.kept_as_is == (second,)
    kept = load_answers(next_data)[second]
    assert (kept.text, kept.revision, kept.carried_over_from, kept.updated_by,
            kept.updated_at) == ("Values are taught.", 2, "", "bob", LATER)
    # Kept again (a second tick from a page still open): nothing left to do, no new revision.
    again = save_answers(next_data, [AnswerEdit(second, "Values are taught.", 2,
                                                keep_as_is=True)], LATER, "bob")
    assert again.saved == () and again.conflicts == ()


def test_keep_as_is_on_an_answer_changed_meanwhile_conflicts() -> None:
    """A writer keeps the text their page showed; if someone changed it meanwhile, they see
    the change rather than vouching for a text they did not read."""
    stored = {"q": Answer("q", "newer text", 2, LATER, "ann", carried_over_from="2025")}
    result = decide(stored, [AnswerEdit("q", "newer text", 1, keep_as_is=True)], LATER, "bob")
    assert result.saved == () and len(result.conflicts) == 1


def test_keep_as_is_of_an_answer_never_carried_over_saves_nothing(
        store: Store) -> None:
    data = store.assessment_data(gen_assessment(store).id)
    save_answers(data, [AnswerEdit("4.1.2.a", "Ours", 0)], NOW, "ann")
    result = save_answers(data, [AnswerEdit("4.1.2.a", "Ours", 1, keep_as_is=True)], LATER,
                          "bob")
    assert result.saved == ()
    assert load_answers(data)["4.1.2.a"].revision == 1


def test_key_factors_are_to_review_until_saved_in_the_new_cycle(
        next_data: AssessmentData) -> None:
    assert key_factors_carried_over_from(next_data) == "2025"
    next_data.audit.record(COORDINATOR, "key_factors_saved", factors=[], removed=[])
    assert key_factors_carried_over_from(next_data) is None


def test_opening_the_review_warns_of_answers_left_as_carried_over() -> None:
    assert opening_warnings(Phase.REVIEW, [], [], carried_over=3) == [
        OpeningWarning("carried_over", {"count": 3})]
    assert opening_warnings(Phase.REVIEW, ["4.1.1"], [], carried_over=1)[1].code == (
        "carried_over")
    assert opening_warnings(Phase.REVIEW, [], [], carried_over=0) == []
    assert opening_warnings(Phase.CONSENSUS, [], [], carried_over=3) == []


@pytest.mark.parametrize(("previous", "taken", "suggested"), [
    ("2025", ["2025"], "2026"),
    ("2025", ["2025", "2026"], "2027"),
    ("2025年度", [], "2026年度"),
    ("FY2025 H1", [], "FY2026 H1"),
    ("Pilot", [], ""),
    ("2024-2025", [], ""),  # two years: which one counts on is the manager's call
])
def test_the_suggested_name_counts_the_year_on(previous: str, taken: list[str],
                                               suggested: str) -> None:
    assert suggested_cycle_name(previous, taken) == suggested


# -- the pages --------------------------------------------------------------------------------
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


@pytest.fixture
def managed(store: Store, users: Users, earlier: AssessmentRecord) -> AssessmentRecord:
    """The earlier cycle, its organization managed by COORDINATOR (who can sign in)."""
    if users.get(COORDINATOR) is None:
        users.create(COORDINATOR, "Quality Manager", PASSWORD)
    store.organizations.add_member(earlier.organization_id, COORDINATOR, OrgRole.MANAGER)
    return earlier


def next_cycle_url(record: AssessmentRecord) -> str:
    return f"/a/{record.id}/next-cycle"


def newest(store: Store) -> AssessmentRecord:
    return store.assessments.all()[0]


def test_managers_find_the_form_on_the_overview_and_the_organization_page(
        client: FlaskClient, managed: AssessmentRecord) -> None:
    for page in (f"/a/{managed.id}/", f"/o/{managed.organization_id}"):
        assert next_cycle_url(managed) in client.get(page).get_data(as_text=True), page


def test_a_coordinator_who_does_not_manage_the_organization_finds_no_form(
        store: Store, sign_in: Callable[..., FlaskClient], earlier: AssessmentRecord) -> None:
    client = sign_in(COORDINATOR)  # coordinates the earlier cycle, manages nothing
    assert next_cycle_url(earlier) not in client.get(f"/a/{earlier.id}/").get_data(as_text=True)
    assert client.get(next_cycle_url(earlier)).status_code == 403


def test_the_form_says_what_comes_along_and_offers_the_next_year(
        client: FlaskClient, managed: AssessmentRecord) -> None:
    page = client.get(next_cycle_url(managed)).get_data(as_text=True)
    assert 'value="2026"' in page
    for words in ("the team: 4 people", "2 key factors, to check", "23 item targets",
                  "3 answers as starting drafts", "carried over from 2025: check and update"):
        assert words in page, words


def test_starting_it_leads_to_the_new_overview_with_the_counts_per_item(
        client: FlaskClient, store: Store, managed: AssessmentRecord) -> None:
    folder = store.assessment_data(managed.id).path.parent
    before = snapshot(folder)
    response = client.post(next_cycle_url(managed), data={"cycle": "2026"})
    record = newest(store)
    assert record.cycle == "2026" and record.id != managed.id
    assert response.headers["Location"] == f"/a/{record.id}/"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Cycle 2026 started from 2025; you coordinate it. 3 answers are carried over" in page
    assert "3 answers carried over from the earlier cycle are left to check." in page
    assert '<td class="num to-review">2</td>' in page  # 4.1.2
    assert '<td class="num to-review">1</td>' in page  # the profile
    assert snapshot(folder) == before


def test_a_name_the_organization_has_is_refused_on_the_page(
        client: FlaskClient, store: Store, managed: AssessmentRecord) -> None:
    count = len(store.assessments.all())
    response = client.post(next_cycle_url(managed), data={"cycle": " 2025 "})
    assert response.status_code == 400
    assert ("The organization already has a cycle named 2025; choose another name."
            in response.get_data(as_text=True))
    assert len(store.assessments.all()) == count


def item_page(record: AssessmentRecord) -> str:
    return f"/a/{record.id}/items/{ITEM}"


def page_as_sent(store: Store, record: AssessmentRecord, **changes: str) -> dict[str, str]:
    """The item page's form as the browser sends it, with `changes` (field name: value)."""
    answers = load_answers(store.assessment_data(record.id))
    form = {}
    for question in ITEM_QUESTIONS:
        answer = answers.get(question)
        form[answer_field(question)] = answer.text if answer else ""
        form[revision_field(question)] = str(answer.revision if answer else 0)
    return {**form, **changes}


def test_the_item_page_marks_each_carried_over_answer_until_changed_or_kept(
        client: FlaskClient, store: Store, managed: AssessmentRecord) -> None:
    client.post(next_cycle_url(managed), data={"cycle": "2026"})
    record = newest(store)
    page = client.get(item_page(record)).get_data(as_text=True)
    assert page.count("Carried over from 2025: check and update") == 2
    assert "2 answers on this page were carried over from the earlier cycle" in page
    assert keep_field(ITEM_QUESTIONS[0]) in page and keep_field(ITEM_QUESTIONS[2]) not in page
    # Saved unchanged: still marked. Then one changed and one kept: none left.
    client.post(item_page(record), data=page_as_sent(store, record))
    assert carried_over(FRAMEWORK, load_answers(store.assessment_data(record.id))).items[
        ITEM] == 2
    client.post(item_page(record), data=page_as_sent(
        store, record, **{answer_field(ITEM_QUESTIONS[0]): "Leaders meet monthly.",
                          keep_field(ITEM_QUESTIONS[1]): "y"}))
    page = client.get(item_page(record)).get_data(as_text=True)
    assert "Carried over from" not in page and "left to check" not in page
    answers = load_answers(store.assessment_data(record.id))
    assert (answers[ITEM_QUESTIONS[0]].text, answers[ITEM_QUESTIONS[1]].text) == (
        "Leaders meet monthly.", "Values are taught.")
    overview = client.get(f"/a/{record.id}/").get_data(as_text=True)
    assert "1 answer carried over from the earlier cycle is left to check." in overview


def test_keeping_as_is_is_in_the_audit_trail(client: FlaskClient, store: Store,
                                             managed: AssessmentRecord) -> None:
    client.post(next_cycle_url(managed), data={"cycle": "2026"})
    record = newest(store)
    client.post(item_page(record), data=page_as_sent(
        store, record, **{keep_field(ITEM_QUESTIONS[1]): "y"}))
    page = client.get(f"/a/{record.id}/team/audit").get_data(as_text=True)
    assert f"{ITEM} (1 question); carried over, kept as it was: {ITEM_QUESTIONS[1]}" in page


def test_the_phase_page_warns_before_the_review_while_answers_are_carried_over(
        client: FlaskClient, store: Store, managed: AssessmentRecord) -> None:
    client.post(next_cycle_url(managed), data={"cycle": "2026"})
    record = newest(store)
    warning = "3 answers are still as the earlier cycle left them"
    assert warning in client.get(f"/a/{record.id}/team/phase").get_data(as_text=True)
    data = store.assessment_data(record.id)
    save_answers(data, [AnswerEdit(question, "New text", 1) for question in
                        (PROFILE_QUESTION, *ITEM_QUESTIONS[:2])], LATER, COORDINATOR)
    page = client.get(f"/a/{record.id}/team/phase").get_data(as_text=True)
    assert "as the earlier cycle left" not in page


def test_a_reader_sees_the_mark_without_the_tick(
        store: Store, sign_in: Callable[..., FlaskClient], client: FlaskClient,
        managed: AssessmentRecord) -> None:
    client.post(next_cycle_url(managed), data={"cycle": "2026"})
    record = newest(store)
    page = sign_in("eve").get(item_page(record)).get_data(as_text=True)  # an examiner
    assert "Carried over from 2025: check and update" in page
    assert keep_field(ITEM_QUESTIONS[0]) not in page


def test_the_audit_trail_words_the_start(client: FlaskClient, store: Store,
                                         managed: AssessmentRecord) -> None:
    client.post(next_cycle_url(managed), data={"cycle": "2026"})
    page = client.get(f"/a/{newest(store).id}/team/audit").get_data(as_text=True)
    assert "cycle started from an earlier one" in page
    assert ("from cycle 2025: 3 answers carried over to check; team ann, eve, lee, quality; "
            "key factors K1, K3; 23 item targets") in page


def test_the_key_factors_page_asks_for_a_review_until_saved(
        client: FlaskClient, store: Store, managed: AssessmentRecord) -> None:
    client.post(next_cycle_url(managed), data={"cycle": "2026"})
    url = f"/a/{newest(store).id}/team/key-factors"
    assert "Carried over from 2025" in client.get(url).get_data(as_text=True)
    client.post(url, data={"K1": "Export markets", "K3": "Safety"})
    assert "Carried over from" not in client.get(url).get_data(as_text=True)


def test_the_pages_in_chinese(client: FlaskClient, store: Store,
                              managed: AssessmentRecord) -> None:
    form = client.get(next_cycle_url(managed), headers=ZH).get_data(as_text=True)
    assert "开始下一周期" in form and "Start the next cycle" not in form
    client.post(next_cycle_url(managed), data={"cycle": "2026"})
    page = client.get(item_page(newest(store)), headers=ZH).get_data(as_text=True)
    assert "结转自 2025：请复核并更新" in page and "Carried over" not in page
