"""Organizations and what came with them: statement ids and provenance, the phase checked inside
the write, the organizations and export commands, organization roles on the pages."""

from __future__ import annotations

import contextlib
import html as html_lib
import json
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from assessor.access import OrgRole, Phase, Role
from assessor.answers import AnswerEdit, load_answers, save_answers
from assessor.consensus import (
    ConsensusRecord,
    consensus_records,
    proposed_statements,
    record_consensus,
    submitted_reviews_of,
)
from assessor.organizations import (
    AssessmentRecord,
    OrganizationError,
    change_organization_role,
    create_organization,
)
from assessor.phases import move_to
from assessor.repositories import AssessmentData, OrganizationRepository, PhaseChanged
from assessor.review import Review, all_reviews, review_of, save_draft, submit
from assessor.statements import Statement, format_statements, keep_ids, merged, parse_statements
from assessor.storage.store import Store
from assessor.team import add_role, assign
from assessor.users import Users
from tests.factories import gen_assessment

from .conftest import PASSWORD, form_fields

NOW = "2026-03-01T09:00:00+00:00"
LATER = "2026-03-02T09:00:00+00:00"
STEP = 5
ITEM = "4.1.2"

LEADERS = "Leaders review the strategy every quarter"
COMPLAINTS = "Customer complaints are analysed monthly"
ENERGY = "Energy use per tonne fell for three years"
SUPPLIERS = "Suppliers are audited every year"
TRAINING = "Training needs are not analysed"


def stored(*texts: str) -> tuple[Statement, ...]:
    """Statements as first stored: each with a new id."""
    return keep_ids([Statement(text) for text in texts], ())


def typed(*texts: str) -> list[Statement]:
    """Statements as a form sends them: text only."""
    return [Statement(text) for text in texts]


def ids(statements: tuple[Statement, ...] | list[Statement]) -> list[str]:
    return [statement.id for statement in statements]


# -- statement ids ------------------------------------------------------------------------------

def test_a_slightly_edited_line_keeps_its_id() -> None:
    before = stored(LEADERS, COMPLAINTS)
    after = keep_ids(typed(LEADERS + " with the board", "Customer complaints are analyzed "
                                                        "monthly"), before)
    assert ids(after) == ids(before)
    assert after[0].text == LEADERS + " with the board"


def test_a_new_line_gets_a_new_id() -> None:
    before = stored(LEADERS, COMPLAINTS)
    after = keep_ids(typed(LEADERS, COMPLAINTS, ENERGY), before)
    assert ids(after)[:2] == ids(before)
    assert after[2].id and after[2].id not in ids(before)


def test_a_removed_statements_id_is_never_given_to_other_text() -> None:
    before = stored(LEADERS, COMPLAINTS)
    removed = before[1].id
    replaced = keep_ids(typed(LEADERS, ENERGY), before)  # the line rewritten as another one
    assert ids(replaced)[0] == before[0].id and removed not in ids(replaced)
    shortened = keep_ids(typed(LEADERS), before)
    readded = keep_ids(typed(LEADERS, ENERGY), shortened)
    assert ids(readded)[0] == before[0].id
    assert readded[1].id and removed not in ids(readded)


def test_reordered_lines_keep_their_ids() -> None:
    before = stored(LEADERS, COMPLAINTS, ENERGY)
    by_text = {statement.text: statement.id for statement in before}
    after = keep_ids(typed(ENERGY, LEADERS, COMPLAINTS), before)
    assert {statement.text: statement.id for statement in after} == by_text
    edited = keep_ids(typed(COMPLAINTS + " by product", LEADERS + " and budget"), before)
    assert ids(edited) == [by_text[COMPLAINTS], by_text[LEADERS]]


def test_merged_statements_name_the_statements_merged_as_their_sources() -> None:
    first = (Statement(LEADERS, ("K1",), "s0000000001"), Statement(TRAINING, (), "s0000000002"))
    second = (Statement(LEADERS.upper(), ("K2",), "s0000000003"),)
    already_merged = (Statement(TRAINING, (), "", ("s0000000004", "s0000000005")),)
    assert merged([first, second, already_merged]) == [
        Statement(LEADERS, ("K1", "K2"), "", ("s0000000001", "s0000000003")),
        Statement(TRAINING, (), "", ("s0000000002", "s0000000004", "s0000000005")),
    ]


# -- statement ids through the domain, on a real store -------------------------------------------

@pytest.fixture
def reviewed(store: Store) -> AssessmentData:
    """An assessment in the consensus phase: two examiners submitted item ITEM."""
    data = store.assessment_data(gen_assessment(store).id)
    for examiner in ("e1", "e2"):
        add_role(data, examiner, Role.EXAMINER)
        assign(data, examiner, Role.EXAMINER, [ITEM])
    move_to(data, Phase.REVIEW)
    submit(data, Review(ITEM, "e1", 60, strengths=tuple(typed(LEADERS)),
                        ofis=tuple(typed(TRAINING))), STEP, NOW, expected_phase=Phase.REVIEW)
    submit(data, Review(ITEM, "e2", 50, strengths=tuple(typed(LEADERS.lower(), SUPPLIERS))),
           STEP, NOW, expected_phase=Phase.REVIEW)
    move_to(data, Phase.CONSENSUS)
    return data


def consensus_of(strengths: list[Statement], ofis: list[Statement]) -> ConsensusRecord:
    return ConsensusRecord(ITEM, 55, "Deployed in most units", tuple(strengths), tuple(ofis),
                           "quality", NOW)


def test_consensus_statements_trace_to_the_review_statements(reviewed: AssessmentData) -> None:
    e1, e2 = review_of(reviewed, ITEM, "e1"), review_of(reviewed, ITEM, "e2")
    strengths, ofis = proposed_statements(submitted_reviews_of(all_reviews(reviewed), ITEM))
    record = record_consensus(reviewed, consensus_of(strengths, ofis), STEP,
                              expected_phase=Phase.CONSENSUS)
    assert [(s.text, s.sources) for s in record.strengths] == [
        (LEADERS, (e1.strengths[0].id, e2.strengths[0].id)),
        (SUPPLIERS, (e2.strengths[1].id,))]
    assert [(s.text, s.sources) for s in record.ofis] == [(TRAINING, (e1.ofis[0].id,))]
    review_ids = {s.id for r in (e1, e2) for s in (*r.strengths, *r.ofis)}
    new_ids = ids(record.strengths) + ids(record.ofis)
    assert all(new_ids) and len(set(new_ids)) == 3 and not set(new_ids) & review_ids
    assert consensus_records(reviewed) == {ITEM: record}


def test_consensus_typed_as_lines_finds_its_sources(reviewed: AssessmentData) -> None:
    """The page sends lines without provenance: similar review statements become sources."""
    e1, e2 = review_of(reviewed, ITEM, "e1"), review_of(reviewed, ITEM, "e2")
    lines = parse_statements(f"{LEADERS} and act on it\n{ENERGY}", set())
    record = record_consensus(reviewed, consensus_of(lines, []), STEP)
    assert set(record.strengths[0].sources) == {e1.strengths[0].id, e2.strengths[0].id}
    assert record.strengths[1].sources == ()  # nothing like it was reviewed
    assert all(ids(record.strengths))


def test_an_edited_consensus_keeps_its_statement_ids_and_sources(reviewed: AssessmentData
                                                                 ) -> None:
    strengths, ofis = proposed_statements(submitted_reviews_of(all_reviews(reviewed), ITEM))
    first = record_consensus(reviewed, consensus_of(strengths, ofis), STEP)
    # As the page does it: the stored statements shown as lines, edited, parsed back.
    shown = format_statements(first.strengths).splitlines()
    edited = parse_statements("\n".join([shown[1] + " by an outside body", shown[0], ENERGY]),
                              set())
    second = record_consensus(reviewed, consensus_of(edited, parse_statements(
        format_statements(first.ofis), set())), STEP)
    assert ids(second.strengths)[:2] == [first.strengths[1].id, first.strengths[0].id]
    assert [s.sources for s in second.strengths[:2]] == [first.strengths[1].sources,
                                                         first.strengths[0].sources]
    assert second.strengths[2].id not in ids(first.strengths) + ids(first.ofis)
    assert second.ofis == first.ofis
    assert consensus_records(reviewed)[ITEM] == second


@pytest.fixture
def in_review(store: Store) -> AssessmentData:
    data = store.assessment_data(gen_assessment(store).id)
    add_role(data, "e1", Role.EXAMINER)
    assign(data, "e1", Role.EXAMINER, [ITEM])
    move_to(data, Phase.REVIEW)
    return data


def test_a_review_saved_as_draft_then_submitted_keeps_its_statement_ids(
        in_review: AssessmentData) -> None:
    draft = save_draft(in_review, Review(ITEM, "e1", 60, strengths=tuple(typed(LEADERS, ENERGY)),
                                         ofis=tuple(typed(TRAINING))), STEP, NOW)
    assert all(ids(draft.strengths) + ids(draft.ofis))
    submitted = submit(in_review, Review(ITEM, "e1", 65, strengths=tuple(typed(
        ENERGY, LEADERS + " closely")), ofis=tuple(typed(TRAINING))), STEP, LATER)
    assert submitted.submitted
    assert ids(submitted.strengths) == [draft.strengths[1].id, draft.strengths[0].id]
    assert ids(submitted.ofis) == ids(draft.ofis)
    assert review_of(in_review, ITEM, "e1") == submitted


def test_a_review_never_gives_a_removed_statements_id_to_new_text(in_review: AssessmentData
                                                                  ) -> None:
    first = save_draft(in_review, Review(ITEM, "e1", strengths=tuple(typed(LEADERS, COMPLAINTS))),
                       STEP, NOW)
    save_draft(in_review, Review(ITEM, "e1", strengths=tuple(typed(LEADERS))), STEP, NOW)
    third = save_draft(in_review, Review(ITEM, "e1", strengths=tuple(typed(LEADERS, ENERGY))),
                       STEP, NOW)
    assert ids(third.strengths)[0] == first.strengths[0].id
    assert third.strengths[1].id and third.strengths[1].id not in ids(first.strengths)


# -- the phase is checked inside the write ------------------------------------------------------

def test_answers_expecting_writing_are_refused_once_the_review_opened(store: Store) -> None:
    data = store.assessment_data(gen_assessment(store).id)
    save_answers(data, [AnswerEdit("4.1.2.a", "Written in time", 0)], NOW, "ann",
                 expected_phase=Phase.WRITING)
    move_to(data, Phase.REVIEW)
    with pytest.raises(PhaseChanged) as raised:
        save_answers(data, [AnswerEdit("4.1.2.a", "Too late", 1),
                            AnswerEdit("4.1.2.b", "Also too late", 0)], LATER, "ann",
                     expected_phase=Phase.WRITING)
    assert (raised.value.expected, raised.value.current) == (Phase.WRITING, Phase.REVIEW)
    answers = load_answers(data)
    assert set(answers) == {"4.1.2.a"}
    assert (answers["4.1.2.a"].text, answers["4.1.2.a"].revision) == ("Written in time", 1)


def test_a_writers_page_posted_after_the_review_opened_is_refused(
        store: Store, assessment: AssessmentRecord, add_member: Callable[..., None],
        sign_in: Callable[..., FlaskClient]) -> None:
    add_member(assessment, "writer1", Role.WRITER, (ITEM,))
    writer = sign_in("writer1")
    url = f"/a/{assessment.id}/items/{ITEM}"
    fields = form_fields(writer.get(url).get_data(as_text=True))
    fields["answer_4_1_2_a"] = "Saved while writing"
    assert writer.post(url, data=fields).status_code == 302  # the writer may write now
    fields = form_fields(writer.get(url).get_data(as_text=True))
    move_to(store.assessment_data(assessment.id), Phase.REVIEW)  # the coordinator opens review
    fields["answer_4_1_2_a"] = "Saved after the review opened"
    fields["answer_4_1_2_b"] = "A new answer, too late"
    assert writer.post(url, data=fields).status_code == 403
    answers = load_answers(store.assessment_data(assessment.id))
    assert set(answers) == {"4.1.2.a"}
    assert (answers["4.1.2.a"].text, answers["4.1.2.a"].revision) == ("Saved while writing", 1)


# -- the command line ---------------------------------------------------------------------------

def test_organizations_create_prints_the_new_id_last(runner: FlaskCliRunner, store: Store
                                                     ) -> None:
    result = runner.invoke(args=["organizations", "create", "Harbour Foods"])
    assert result.exit_code == 0, result.output
    new_id = result.output.strip().splitlines()[-1]
    assert store.organizations.get(new_id).name == "Harbour Foods"
    assert [e.action for e in store.organizations.audit(new_id).read().entries] == [
        "organization_created"]


def test_organizations_create_names_its_manager(runner: FlaskCliRunner, store: Store,
                                                users: Users) -> None:
    users.create("mgr", "Manager", PASSWORD)
    result = runner.invoke(args=["organizations", "create", "Harbour Foods", "--manager", "mgr"])
    assert result.exit_code == 0, result.output
    new_id = result.output.strip().splitlines()[-1]
    assert store.organizations.members(new_id) == {"mgr": {OrgRole.MANAGER}}


@pytest.mark.parametrize("args, message", [
    (["   "], "Type the new organization's name."),
    (["Harbour Foods", "--manager", "ghost"], "There is no user 'ghost'"),
])
def test_organizations_create_refuses_bad_input(runner: FlaskCliRunner, store: Store,
                                                args: list[str], message: str) -> None:
    result = runner.invoke(args=["organizations", "create", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert store.organizations.all() == []


def test_organizations_list_prints_id_tab_name(runner: FlaskCliRunner) -> None:
    created = {}
    for name in ("Harbour Foods", "Mill Works"):
        result = runner.invoke(args=["organizations", "create", name])
        created[result.output.strip().splitlines()[-1]] = name
    result = runner.invoke(args=["organizations", "list"])
    assert result.exit_code == 0
    assert sorted(result.output.splitlines()) == sorted(
        f"{organization_id}\t{name}" for organization_id, name in created.items())


def test_export_prints_the_assessment_as_json(runner: FlaskCliRunner, store: Store) -> None:
    record = gen_assessment(store, organization="Harbour Foods")
    data = store.assessment_data(record.id)
    add_role(data, "quality", Role.COORDINATOR)
    add_role(data, "e1", Role.EXAMINER)
    assign(data, "e1", Role.EXAMINER, [ITEM])
    save_answers(data, [AnswerEdit("4.1.2.a", "First", 0), AnswerEdit("P.1.a", "Profile", 0)],
                 NOW, "ann")
    save_answers(data, [AnswerEdit("4.1.2.a", "Second", 1)], LATER, "bob")
    move_to(data, Phase.REVIEW)
    review = submit(data, Review(ITEM, "e1", 60, strengths=tuple(typed(LEADERS)),
                                 ofis=tuple(typed(TRAINING))), STEP, NOW)
    move_to(data, Phase.CONSENSUS)
    agreed = record_consensus(data, consensus_of(typed(LEADERS), typed(TRAINING)), STEP)

    result = runner.invoke(args=["export", record.id])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.output)
    assert exported["assessment"]["id"] == record.id
    assert exported["assessment"]["phase"] == "consensus"
    assert exported["assessment"]["organization"] == {"id": record.organization_id,
                                                      "name": "Harbour Foods"}
    answers = {question: (a["text"], a["revision"], a["updated_by"])
               for question, a in exported["answers"].items()}
    assert answers == {"4.1.2.a": ("Second", 2, "bob"), "P.1.a": ("Profile", 1, "ann")}
    [exported_review] = exported["reviews"]
    assert (exported_review["item"], exported_review["examiner"], exported_review["score"],
            exported_review["submitted"]) == (ITEM, "e1", 60, True)
    assert [(s["id"], s["text"]) for s in exported_review["strengths"]] == [
        (review.strengths[0].id, LEADERS)]
    item = exported["consensus"][ITEM]
    assert (item["score"], item["rationale"]) == (55, "Deployed in most units")
    assert [(s["id"], s["text"], s["sources"]) for s in item["strengths"]] == [
        (agreed.strengths[0].id, LEADERS, [review.strengths[0].id])]
    assert [(s["id"], s["text"]) for s in item["ofis"]] == [(agreed.ofis[0].id, TRAINING)]
    team = {m["username"]: (m["roles"], m["assigned"]) for m in exported["team"]}
    assert team == {"quality": (["coordinator"], {}), "e1": (["examiner"], {"examiner": [ITEM]})}


def test_export_of_an_unknown_assessment_fails_with_a_message(runner: FlaskCliRunner,
                                                              store: Store) -> None:
    gen_assessment(store)
    result = runner.invoke(args=["export", "000000000000"])
    assert result.exit_code != 0
    assert "There is no assessment '000000000000'" in result.output


# -- organization roles -------------------------------------------------------------------------

def test_the_last_manager_cannot_be_taken_away(store: Store) -> None:
    harbour = create_organization(store.organizations, "Harbour Foods", manager="mgr")
    change_organization_role(store.organizations, harbour.id, "mgr", OrgRole.LEADER, give=True)
    with pytest.raises(OrganizationError) as refused:
        change_organization_role(store.organizations, harbour.id, "mgr", OrgRole.MANAGER,
                                 give=False)
    assert refused.value.code == "last_manager"
    assert store.organizations.members(harbour.id) == {"mgr": {OrgRole.MANAGER, OrgRole.LEADER}}
    # Their other roles can go; with a second manager, the first can go too.
    assert change_organization_role(store.organizations, harbour.id, "mgr", OrgRole.LEADER,
                                    give=False) is True
    assert change_organization_role(store.organizations, harbour.id, "ann", OrgRole.MANAGER,
                                    give=True) is True
    assert change_organization_role(store.organizations, harbour.id, "mgr", OrgRole.MANAGER,
                                    give=False) is True
    assert store.organizations.members(harbour.id) == {"ann": {OrgRole.MANAGER}}
    assert change_organization_role(store.organizations, harbour.id, "mgr", OrgRole.MANAGER,
                                    give=False) is False


class ReadTogether:
    """The organization repository, except that members() returns only once the other caller
    has read too: two requests that both check before either acts."""

    def __init__(self, inner: OrganizationRepository, barrier: threading.Barrier) -> None:
        self._inner = inner
        self._barrier = barrier

    def members(self, organization_id: str) -> Mapping[str, frozenset[OrgRole]]:
        members = self._inner.members(organization_id)
        with contextlib.suppress(threading.BrokenBarrierError):
            self._barrier.wait(timeout=2)  # a serialized change never gets both here: go on
        return members

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


def test_two_managers_removing_each_other_at_once_leave_one_manager(store: Store) -> None:
    harbour = create_organization(store.organizations, "Harbour Foods", manager="ann")
    store.organizations.add_member(harbour.id, "bob", OrgRole.MANAGER)
    organizations = ReadTogether(store.organizations, threading.Barrier(2))

    def take_away(username: str) -> str:
        try:
            change_organization_role(organizations, harbour.id,  # type: ignore[arg-type]
                                     username, OrgRole.MANAGER, give=False)
        except OrganizationError as error:
            return error.code
        return "removed"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(take_away, ["ann", "bob"], timeout=30))
    assert outcomes == ["last_manager", "removed"]
    managers = [name for name, roles in store.organizations.members(harbour.id).items()
                if OrgRole.MANAGER in roles]
    assert len(managers) == 1


def audit_trail(store: Store, organization_id: str) -> list[tuple[str, str, dict]]:
    return [(e.user, e.action, e.detail)
            for e in store.organizations.audit(organization_id).read().entries]


def test_a_manager_gives_a_role_on_the_people_page_and_the_trail_records_it(
        store: Store, users: Users, sign_in: Callable[..., FlaskClient]) -> None:
    users.create("lead", "Lead", PASSWORD)
    harbour = create_organization(store.organizations, "Harbour Foods", manager="mgr")
    manager = sign_in("mgr")
    response = manager.post(f"/o/{harbour.id}/people",
                            data={"username": "lead", "role": "leader", "change": "add"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/o/{harbour.id}")
    assert store.organizations.members(harbour.id) == {"mgr": {OrgRole.MANAGER},
                                                       "lead": {OrgRole.LEADER}}
    assert audit_trail(store, harbour.id) == [
        ("mgr", "organization_created", {"name": "Harbour Foods"}),
        ("mgr", "organization_role_add", {"username": "lead", "role": "leader"})]
    # Giving it again changes nothing and records nothing.
    manager.post(f"/o/{harbour.id}/people",
                 data={"username": "lead", "role": "leader", "change": "add"})
    assert len(audit_trail(store, harbour.id)) == 2


def test_the_people_page_keeps_the_last_manager(store: Store,
                                                sign_in: Callable[..., FlaskClient]) -> None:
    harbour = create_organization(store.organizations, "Harbour Foods", manager="mgr")
    manager = sign_in("mgr")
    response = manager.post(f"/o/{harbour.id}/people",
                            data={"username": "mgr", "role": "manager", "change": "remove"},
                            follow_redirects=True)
    assert "only manager" in html_lib.unescape(response.get_data(as_text=True))
    assert store.organizations.members(harbour.id) == {"mgr": {OrgRole.MANAGER}}
    assert [action for _, action, _ in audit_trail(store, harbour.id)] == [
        "organization_created"]


@pytest.mark.parametrize("role, status", [
    (OrgRole.MANAGER, 200), (OrgRole.LEADER, 200), (OrgRole.MEMBER, 403)])
def test_managers_and_leaders_read_every_cycle_members_do_not(
        store: Store, sign_in: Callable[..., FlaskClient], role: OrgRole, status: int) -> None:
    record = gen_assessment(store, organization="Harbour Foods")
    store.organizations.add_member(record.organization_id, "person", role)
    person = sign_in("person")
    assert person.get(f"/a/{record.id}/").status_code == status
    # Reading is all: nobody writes answers without a role in the cycle.
    assert person.post(f"/a/{record.id}/items/{ITEM}", data={}).status_code == 403


def test_an_organization_leader_without_a_cycle_role_opens_its_overview(
        store: Store, sign_in: Callable[..., FlaskClient]) -> None:
    record = gen_assessment(store, organization="Harbour Foods", cycle="FY2026")
    other = gen_assessment(store, organization="Mill Works", cycle="FY2026")
    store.organizations.add_member(record.organization_id, "lead", OrgRole.LEADER)
    leader = sign_in("lead")
    response = leader.get(f"/a/{record.id}/")
    assert response.status_code == 200
    assert "FY2026" in response.get_data(as_text=True)
    assert leader.get(f"/a/{other.id}/").status_code == 403  # another organization's cycle


def test_the_home_page_lists_an_organizations_cycles_newest_first(
        store: Store, sign_in: Callable[..., FlaskClient]) -> None:
    for cycle, created_at in [("FY-middle", "2025-01-01T00:00:00+00:00"),
                              ("FY-oldest", "2024-01-01T00:00:00+00:00"),
                              ("FY-newest", "2026-01-01T00:00:00+00:00")]:
        record = gen_assessment(store, organization="Harbour Foods", cycle=cycle,
                                created_at=created_at)
    gen_assessment(store, organization="Mill Works", cycle="FY-elsewhere")
    store.organizations.add_member(record.organization_id, "mgr", OrgRole.MANAGER)
    page = sign_in("mgr").get("/").get_data(as_text=True)
    positions = [page.find(f">{cycle}</a>") for cycle in ("FY-newest", "FY-middle", "FY-oldest")]
    assert -1 not in positions and positions == sorted(positions)
    assert "FY-elsewhere" not in page and "Mill Works" not in page
