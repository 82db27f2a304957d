"""The repositories' contract: what every store implementation must do, tested through the
Protocols of assessor/repositories.py only (no test here reads a file or a table).

Each test runs once per entry of STORE_FACTORIES (conftest.py, with the fixtures `open_store`
and `store`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

import pytest

from assessor.access import Member, OrgRole, Phase, Role
from assessor.answers import Answer, AnswerEdit, Conflict, SaveResult, decide
from assessor.audit import AuditEntry
from assessor.consensus import ConsensusRecord
from assessor.key_factors import KeyFactor
from assessor.organizations import (
    AssessmentRecord,
    Organization,
    UnknownAssessment,
    UnknownOrganization,
)
from assessor.repositories import (
    AssessmentData,
    PhaseChanged,
)
from assessor.review import Review
from assessor.statements import Statement
from assessor.targets import ItemTarget
from tests.contract.conftest import NOW, StoreUnderTest

LATER = "2026-03-02T10:00:00+00:00"
FRAMEWORK = "gbt19580-2012.yaml"
THREADS, INCREMENTS = 8, 10


def new_cycle(store: StoreUnderTest, cycle: str = "2026", created_at: str = NOW,
              organization: Organization | None = None) -> AssessmentRecord:
    organization = organization or store.organizations.create("Harbour Foods", NOW)
    return store.assessments.create(organization.id, cycle, FRAMEWORK, created_at)


@pytest.fixture
def data(store: StoreUnderTest) -> AssessmentData:
    """A new assessment's data (in the writing phase, nothing stored)."""
    return store.assessments.data(new_cycle(store).id)


def answer(question: str, text: str, revision: int, by: str = "writer") -> Answer:
    return Answer(question, text, revision, NOW, by)


def saving(*answers: Answer, conflicts: tuple[Conflict, ...] = ()
           ) -> Callable[[Mapping[str, Answer]], SaveResult]:
    """A decide callback that saves these answers whatever is stored."""
    return lambda current: SaveResult(saved=answers, conflicts=conflicts)


def failing(*_: object) -> object:
    raise ValueError("the domain refused the change")


# -- answers ------------------------------------------------------------------------------------

def test_answers_start_empty_and_save_stores_what_decide_saves(data: AssessmentData) -> None:
    assert data.answers.all() == {}
    first = answer("4.1.2.a", "Our mission", 1)
    result = data.answers.save(["4.1.2.a"], saving(first))
    assert result == SaveResult(saved=(first,), conflicts=())
    assert data.answers.all() == {"4.1.2.a": first}


def test_decide_sees_the_stored_answers_of_the_questions_asked_only(data: AssessmentData
                                                                    ) -> None:
    data.answers.save(["a", "b"], saving(answer("a", "A", 1), answer("b", "B", 3, by="ann")))
    seen: list[Mapping[str, Answer]] = []

    def record(current: Mapping[str, Answer]) -> SaveResult:
        seen.append(dict(current))
        return SaveResult((), ())

    data.answers.save(["b", "c"], record)
    assert seen == [{"b": answer("b", "B", 3, by="ann")}]


def test_a_new_revision_replaces_the_stored_answer(data: AssessmentData) -> None:
    data.answers.save(["a"], saving(answer("a", "first", 1), answer("b", "other", 1)))
    data.answers.save(["a"], saving(answer("a", "second", 2, by="bob")))
    assert data.answers.all() == {"a": answer("a", "second", 2, by="bob"),
                                  "b": answer("b", "other", 1)}


def test_saved_answers_are_stored_and_conflicts_are_not(data: AssessmentData) -> None:
    """Through the domain's own decide(): a stale edit conflicts, a fresh one is saved."""
    data.answers.save(["a"], lambda current: decide(
        current, [AnswerEdit("a", "Ann's text", 0)], NOW, "ann"))
    edits = [AnswerEdit("a", "Bob's text from a stale page", 0), AnswerEdit("b", "New", 0)]
    result = data.answers.save(["a", "b"], lambda current: decide(current, edits, LATER, "bob"))
    assert result.saved == (Answer("b", "New", 1, LATER, "bob"),)
    assert result.conflicts == (Conflict(edits[0], Answer("a", "Ann's text", 1, NOW, "ann")),)
    assert data.answers.all() == {"a": Answer("a", "Ann's text", 1, NOW, "ann"),
                                  "b": Answer("b", "New", 1, LATER, "bob")}


def test_an_answer_keeps_where_it_was_carried_over_from_until_a_revision_without_it(
        data: AssessmentData) -> None:
    carried = Answer("a", "Last year's text", 1, NOW, "quality", carried_over_from="2025")
    data.answers.save(["a"], saving(carried, answer("b", "This year's", 1)))
    assert data.answers.all()["a"].carried_over_from == "2025"
    assert data.answers.all()["b"].carried_over_from == ""
    data.answers.save(["a"], saving(answer("a", "Updated", 2)))
    assert data.answers.all()["a"] == answer("a", "Updated", 2)


def test_nothing_is_written_when_decide_raises(data: AssessmentData) -> None:
    data.answers.save(["a"], saving(answer("a", "kept", 1)))
    with pytest.raises(ValueError, match="refused"):
        data.answers.save(["a", "b"], failing)
    assert data.answers.all() == {"a": answer("a", "kept", 1)}


def test_a_save_expecting_another_phase_raises_phase_changed_and_writes_nothing(
        data: AssessmentData) -> None:
    data.answers.save(["a"], saving(answer("a", "before the review", 1)))
    data.phase.set(Phase.REVIEW)
    with pytest.raises(PhaseChanged) as raised:
        data.answers.save(["a", "b"], saving(answer("a", "late", 2), answer("b", "late", 1)),
                          expected_phase=Phase.WRITING)
    assert (raised.value.expected, raised.value.current) == (Phase.WRITING, Phase.REVIEW)
    assert data.answers.all() == {"a": answer("a", "before the review", 1)}


def test_a_save_expecting_the_current_phase_is_stored(data: AssessmentData) -> None:
    data.answers.save(["a"], saving(answer("a", "in writing", 1)), expected_phase=Phase.WRITING)
    data.phase.set(Phase.REVIEW)
    data.answers.save(["a"], saving(answer("a", "in review", 2)), expected_phase=Phase.REVIEW)
    assert data.answers.all() == {"a": answer("a", "in review", 2)}


# -- reviews ------------------------------------------------------------------------------------

def full_review(item: str = "4.1.2", examiner: str = "e1", score: int | None = 60) -> Review:
    return Review(item=item, examiner=examiner, score=score, notes={"approach": "systematic"},
                  strengths=(Statement("Clear goals", ("K1",), "s0000000001"),),
                  ofis=(Statement("No review cycle", (), "s0000000002", ("s0000000009",)),),
                  submitted=True, submitted_at=NOW, updated_at=NOW)


def test_review_change_sees_none_first_then_the_stored_entry(data: AssessmentData) -> None:
    seen: list[Review | None] = []
    stored = full_review()

    def first(current: Review | None) -> Review:
        seen.append(current)
        return stored

    assert data.reviews.change("4.1.2", "e1", first) == stored
    assert data.reviews.all() == [stored]
    changed = Review(item="4.1.2", examiner="e1", score=70, updated_at=LATER)

    def second(current: Review | None) -> Review:
        seen.append(current)
        return changed

    data.reviews.change("4.1.2", "e1", second)
    assert seen == [None, stored]
    assert data.reviews.all() == [changed]


def test_reviews_are_kept_per_item_and_examiner(data: AssessmentData) -> None:
    entries = [full_review("4.1.2", "e1", 60), full_review("4.1.2", "e2", 40),
               full_review("4.1.3", "e1", 80)]
    for entry in entries:
        seen: list[Review | None] = []
        data.reviews.change(entry.item, entry.examiner,
                            lambda current, entry=entry, seen=seen: seen.append(current) or entry)
        assert seen == [None], "another examiner's or item's entry was handed over"
    key = lambda review: (review.item, review.examiner)  # noqa: E731
    assert sorted(data.reviews.all(), key=key) == sorted(entries, key=key)


def test_a_raising_review_change_leaves_the_store_unchanged(data: AssessmentData) -> None:
    stored = full_review()
    data.reviews.change("4.1.2", "e1", lambda current: stored)
    with pytest.raises(ValueError, match="refused"):
        data.reviews.change("4.1.2", "e1", failing)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="refused"):
        data.reviews.change("4.1.3", "e1", failing)  # type: ignore[arg-type]
    assert data.reviews.all() == [stored]


def test_a_review_change_expecting_another_phase_raises_and_writes_nothing(
        data: AssessmentData) -> None:
    data.phase.set(Phase.CONSENSUS)
    with pytest.raises(PhaseChanged) as raised:
        data.reviews.change("4.1.2", "e1", lambda current: full_review(),
                            expected_phase=Phase.REVIEW)
    assert (raised.value.expected, raised.value.current) == (Phase.REVIEW, Phase.CONSENSUS)
    assert data.reviews.all() == []
    data.reviews.change("4.1.2", "e1", lambda current: full_review(),
                        expected_phase=Phase.CONSENSUS)
    assert data.reviews.all() == [full_review()]


# -- consensus ----------------------------------------------------------------------------------

def consensus(item: str = "4.1.2", score: int = 55, rationale: str = "Deployed widely"
              ) -> ConsensusRecord:
    return ConsensusRecord(
        item=item, score=score, rationale=rationale,
        strengths=(Statement("Clear goals", ("K1", "K2"), "s00000000a1", ("s0000000001",)),),
        ofis=(Statement("No review cycle", (), "s00000000a2"),),
        recorded_by="lead", recorded_at=NOW)


def test_consensus_change_sees_none_first_then_the_stored_record(data: AssessmentData) -> None:
    seen: list[ConsensusRecord | None] = []
    first, second = consensus(), consensus(score=65, rationale="Reconsidered")
    data.consensus.change("4.1.2", lambda current: seen.append(current) or first)
    assert data.consensus.all() == {"4.1.2": first}
    assert data.consensus.change("4.1.2", lambda current: seen.append(current) or second) \
        == second
    data.consensus.change("4.1.3", lambda current: seen.append(current) or consensus("4.1.3"))
    assert seen == [None, first, None]
    assert data.consensus.all() == {"4.1.2": second, "4.1.3": consensus("4.1.3")}


def test_a_raising_consensus_change_leaves_the_store_unchanged(data: AssessmentData) -> None:
    data.consensus.change("4.1.2", lambda current: consensus())
    with pytest.raises(ValueError, match="refused"):
        data.consensus.change("4.1.2", failing)  # type: ignore[arg-type]
    assert data.consensus.all() == {"4.1.2": consensus()}


def test_a_consensus_change_expecting_another_phase_raises_and_writes_nothing(
        data: AssessmentData) -> None:
    data.phase.set(Phase.FEEDBACK)
    with pytest.raises(PhaseChanged) as raised:
        data.consensus.change("4.1.2", lambda current: consensus(),
                              expected_phase=Phase.CONSENSUS)
    assert (raised.value.expected, raised.value.current) == (Phase.CONSENSUS, Phase.FEEDBACK)
    assert data.consensus.all() == {}


# -- targets ------------------------------------------------------------------------------------

def target(item: str = "4.1.2", pct: int = 60, by: str = "quality", rationale: str = ""
           ) -> ItemTarget:
    return ItemTarget(item, pct, by, NOW, rationale)


def test_targets_start_empty_and_change_stores_the_whole_set(data: AssessmentData) -> None:
    assert dict(data.targets.all()) == {}
    seen: list[dict[str, ItemTarget]] = []
    first = {"4.1.2": target(), "4.7.2": target("4.7.2", 40, rationale="Market share")}
    assert data.targets.change(lambda current: seen.append(dict(current)) or first) == first
    assert dict(data.targets.all()) == first
    second = {"4.1.2": target(pct=70, by="ann")}
    data.targets.change(lambda current: seen.append(dict(current)) or second)
    assert seen == [{}, first]
    assert dict(data.targets.all()) == second


def test_a_raising_targets_change_leaves_the_store_unchanged(data: AssessmentData) -> None:
    data.targets.change(lambda current: {"4.1.2": target()})
    with pytest.raises(ValueError, match="refused"):
        data.targets.change(failing)  # type: ignore[arg-type]
    assert dict(data.targets.all()) == {"4.1.2": target()}


def test_targets_are_kept_per_assessment(store: StoreUnderTest) -> None:
    organization = store.organizations.create("Harbour Foods", NOW)
    first = store.assessments.data(new_cycle(store, "2025", organization=organization).id)
    second = store.assessments.data(new_cycle(store, "2026", organization=organization).id)
    first.targets.change(lambda current: {"4.1.2": target()})
    assert dict(second.targets.all()) == {}
    assert dict(first.targets.all()) == {"4.1.2": target()}


# -- team ---------------------------------------------------------------------------------------

def test_add_role_is_false_when_the_role_is_held(data: AssessmentData) -> None:
    assert data.team.members() == {}
    assert data.team.add_role("ann", Role.WRITER) is True
    assert data.team.add_role("ann", Role.WRITER) is False
    assert data.team.add_role("ann", Role.EXAMINER) is True
    assert data.team.add_role("bob", Role.COORDINATOR) is True
    assert data.team.members() == {
        "ann": Member("ann", frozenset({Role.WRITER, Role.EXAMINER})),
        "bob": Member("bob", frozenset({Role.COORDINATOR})),
    }


def test_assign_replaces_the_items_of_that_role_only(data: AssessmentData) -> None:
    data.team.add_role("ann", Role.WRITER)
    data.team.add_role("ann", Role.EXAMINER)
    data.team.assign("ann", Role.WRITER, ["P", "4.1.2"])
    data.team.assign("ann", Role.EXAMINER, ["4.1.2", "4.1.3"])
    data.team.assign("ann", Role.EXAMINER, ["4.2.2"])
    assert data.team.members()["ann"].assigned == {
        Role.WRITER: frozenset({"P", "4.1.2"}), Role.EXAMINER: frozenset({"4.2.2"})}


def test_remove_role_takes_its_assignments_with_it(data: AssessmentData) -> None:
    data.team.add_role("ann", Role.WRITER)
    data.team.add_role("ann", Role.EXAMINER)
    data.team.assign("ann", Role.WRITER, ["P"])
    data.team.assign("ann", Role.EXAMINER, ["4.1.2"])
    data.team.remove_role("ann", Role.EXAMINER)
    assert data.team.members()["ann"] == Member(
        "ann", frozenset({Role.WRITER}), {Role.WRITER: frozenset({"P"})})
    data.team.add_role("ann", Role.EXAMINER)  # given again: the old items do not come back
    assert data.team.members()["ann"].assigned == {Role.WRITER: frozenset({"P"})}
    data.team.remove_role("ann", Role.WRITER)
    data.team.remove_role("ann", Role.EXAMINER)
    assert "ann" not in data.team.members()


def test_consensus_lead_is_set_and_unset(data: AssessmentData) -> None:
    data.team.add_role("e1", Role.EXAMINER)
    data.team.add_role("e2", Role.EXAMINER)
    assert data.team.consensus_lead() is None
    data.team.set_consensus_lead("e1")
    data.team.set_consensus_lead("e2")
    assert data.team.consensus_lead() == "e2"
    assert {m.username: m.consensus_lead for m in data.team.members().values()} == {
        "e1": False, "e2": True}
    data.team.set_consensus_lead(None)
    assert data.team.consensus_lead() is None
    assert not any(m.consensus_lead for m in data.team.members().values())


# -- phase, key factors, settings, audit ------------------------------------------------------

def test_a_new_assessment_is_in_writing_and_the_phase_is_set(data: AssessmentData) -> None:
    assert data.phase.current() is Phase.WRITING
    data.phase.set(Phase.REVIEW)
    assert data.phase.current() is Phase.REVIEW
    data.phase.set(Phase.WRITING)
    assert data.phase.current() is Phase.WRITING


def test_key_factors_are_replaced_and_listed_by_number(data: AssessmentData) -> None:
    assert data.key_factors.all() == []
    assert data.key_factors.highest_issued() == 0
    factors = [KeyFactor("K10", "Export markets"), KeyFactor("K2", "Food safety"),
               KeyFactor("K1", "Cold chain")]
    data.key_factors.replace(factors, 10)
    assert data.key_factors.all() == [factors[2], factors[1], factors[0]]
    data.key_factors.replace([KeyFactor("K2", "Food safety first")], 10)
    assert data.key_factors.all() == [KeyFactor("K2", "Food safety first")]


def test_highest_issued_does_not_go_down_when_factors_are_removed(data: AssessmentData) -> None:
    data.key_factors.replace([KeyFactor("K1", "a"), KeyFactor("K2", "b"), KeyFactor("K3", "c")],
                             3)
    assert data.key_factors.highest_issued() == 3
    data.key_factors.replace([KeyFactor("K1", "a")], 3)
    assert data.key_factors.highest_issued() == 3
    data.key_factors.replace([], 3)
    assert data.key_factors.highest_issued() == 3
    data.key_factors.replace([KeyFactor("K4", "d")], 4)
    assert data.key_factors.highest_issued() == 4


def test_highest_issued_counts_the_factors_stored_too(data: AssessmentData) -> None:
    data.key_factors.replace([KeyFactor("K7", "g")], 0)
    assert data.key_factors.highest_issued() == 7


def test_highest_issued_never_goes_down_even_when_replace_is_given_less(
        data: AssessmentData) -> None:
    data.key_factors.replace([KeyFactor("K1", "a"), KeyFactor("K2", "b"), KeyFactor("K3", "c")],
                             3)
    data.key_factors.replace([KeyFactor("K1", "a")], 1)
    assert data.key_factors.highest_issued() == 3


def test_settings_put_replaces_what_get_returns(data: AssessmentData) -> None:
    assert dict(data.settings.get()) == {}
    data.settings.put({"variance_threshold": 15, "report_shows_total": True})
    assert dict(data.settings.get()) == {"variance_threshold": 15, "report_shows_total": True}
    data.settings.put({"variance_threshold": 25})
    assert dict(data.settings.get()) == {"variance_threshold": 25}


def test_audit_entries_are_read_back_oldest_first(data: AssessmentData) -> None:
    assert data.audit.read().entries == []
    first = data.audit.record("ann", "answers_saved", section="4.1.2", questions=["4.1.2.a"])
    assert (first.user, first.action, first.detail) == (
        "ann", "answers_saved", {"section": "4.1.2", "questions": ["4.1.2.a"]})
    assert first.at
    data.audit.record("bob", "phase_changed", **{"from": "writing", "to": "review"})
    data.audit.record("ann", "consensus_set", item="4.1.2", score=55)
    log = data.audit.read()
    assert log.unreadable_lines == 0
    assert log.entries[0] == first
    assert [(e.user, e.action, e.detail) for e in log.entries] == [
        ("ann", "answers_saved", {"section": "4.1.2", "questions": ["4.1.2.a"]}),
        ("bob", "phase_changed", {"from": "writing", "to": "review"}),
        ("ann", "consensus_set", {"item": "4.1.2", "score": 55}),
    ]
    assert all(isinstance(e, AuditEntry) for e in log.entries)


# -- organizations ------------------------------------------------------------------------------

def test_organizations_are_created_and_found(store: StoreUnderTest) -> None:
    assert store.organizations.all() == []
    harbour = store.organizations.create("Harbour Foods", NOW)
    mill = store.organizations.create("Mill Works", LATER)
    assert (harbour.name, harbour.created_at) == ("Harbour Foods", NOW)
    assert harbour.id and mill.id and harbour.id != mill.id
    assert store.organizations.get(harbour.id) == harbour
    assert store.organizations.get(mill.id) == Organization(mill.id, "Mill Works", LATER)
    assert sorted(store.organizations.all(), key=lambda o: o.name) == [harbour, mill]


def test_an_unknown_organization_is_unknown(store: StoreUnderTest) -> None:
    store.organizations.create("Harbour Foods", NOW)
    with pytest.raises(UnknownOrganization):
        store.organizations.get("000000000000")


def test_organization_members_hold_roles_per_organization(store: StoreUnderTest) -> None:
    harbour = store.organizations.create("Harbour Foods", NOW)
    mill = store.organizations.create("Mill Works", NOW)
    assert store.organizations.members(harbour.id) == {}
    assert store.organizations.add_member(harbour.id, "ann", OrgRole.MANAGER) is True
    assert store.organizations.add_member(harbour.id, "ann", OrgRole.MANAGER) is False
    assert store.organizations.add_member(harbour.id, "ann", OrgRole.LEADER) is True
    assert store.organizations.add_member(harbour.id, "bob", OrgRole.MEMBER) is True
    assert store.organizations.add_member(mill.id, "ann", OrgRole.MEMBER) is True
    assert store.organizations.members(harbour.id) == {
        "ann": frozenset({OrgRole.MANAGER, OrgRole.LEADER}), "bob": frozenset({OrgRole.MEMBER})}
    assert store.organizations.members(mill.id) == {"ann": frozenset({OrgRole.MEMBER})}


def test_remove_member_takes_one_role_in_one_organization(store: StoreUnderTest) -> None:
    harbour = store.organizations.create("Harbour Foods", NOW)
    mill = store.organizations.create("Mill Works", NOW)
    store.organizations.add_member(harbour.id, "ann", OrgRole.MANAGER)
    store.organizations.add_member(harbour.id, "ann", OrgRole.LEADER)
    store.organizations.add_member(mill.id, "ann", OrgRole.LEADER)
    store.organizations.remove_member(harbour.id, "ann", OrgRole.LEADER)
    assert store.organizations.members(harbour.id) == {"ann": frozenset({OrgRole.MANAGER})}
    assert store.organizations.members(mill.id) == {"ann": frozenset({OrgRole.LEADER})}
    store.organizations.remove_member(harbour.id, "ann", OrgRole.LEADER)  # not held: no change
    store.organizations.remove_member(harbour.id, "ann", OrgRole.MANAGER)
    assert store.organizations.members(harbour.id) == {}
    assert store.organizations.add_member(harbour.id, "ann", OrgRole.MANAGER) is True


def test_each_organization_has_its_own_audit_trail(store: StoreUnderTest) -> None:
    harbour = store.organizations.create("Harbour Foods", NOW)
    mill = store.organizations.create("Mill Works", NOW)
    cycle = store.assessments.data(new_cycle(store, organization=harbour).id)
    store.organizations.audit(harbour.id).record("ann", "organization_role_add",
                                                 username="bob", role="leader")
    store.organizations.audit(harbour.id).record("ann", "organization_role_remove",
                                                 username="bob", role="leader")
    store.organizations.audit(mill.id).record("cid", "organization_created", name="Mill Works")
    assert [(e.user, e.action, e.detail) for e in
            store.organizations.audit(harbour.id).read().entries] == [
        ("ann", "organization_role_add", {"username": "bob", "role": "leader"}),
        ("ann", "organization_role_remove", {"username": "bob", "role": "leader"})]
    assert [e.action for e in store.organizations.audit(mill.id).read().entries] == [
        "organization_created"]
    assert cycle.audit.read().entries == []


# -- assessments --------------------------------------------------------------------------------

def test_assessments_are_created_for_an_organization_and_found(store: StoreUnderTest) -> None:
    harbour = store.organizations.create("Harbour Foods", NOW)
    record = store.assessments.create(harbour.id, "2026", FRAMEWORK, NOW)
    assert (record.organization_id, record.organization, record.cycle, record.framework,
            record.created_at) == (harbour.id, "Harbour Foods", "2026", FRAMEWORK, NOW)
    assert record.id
    assert store.assessments.get(record.id) == record
    assert store.assessments.all() == [record]


def test_an_assessment_of_a_missing_organization_is_refused(store: StoreUnderTest) -> None:
    store.organizations.create("Harbour Foods", NOW)
    with pytest.raises(UnknownOrganization):
        store.assessments.create("000000000000", "2026", FRAMEWORK, NOW)
    assert store.assessments.all() == []


def test_an_unknown_assessment_is_unknown(store: StoreUnderTest) -> None:
    new_cycle(store)
    with pytest.raises(UnknownAssessment):
        store.assessments.get("000000000000")


def test_assessments_are_listed_newest_first(store: StoreUnderTest) -> None:
    harbour = store.organizations.create("Harbour Foods", NOW)
    mill = store.organizations.create("Mill Works", NOW)
    middle = new_cycle(store, "2025", "2025-01-01T00:00:00+00:00", harbour)
    newest = new_cycle(store, "2026", "2026-01-01T00:00:00+00:00", mill)
    oldest = new_cycle(store, "2024", "2024-01-01T00:00:00+00:00", harbour)
    assert [r.id for r in store.assessments.all()] == [newest.id, middle.id, oldest.id]


def test_each_assessment_has_its_own_data(store: StoreUnderTest) -> None:
    first, second = new_cycle(store, "2025"), new_cycle(store, "2026")
    one, other = store.assessments.data(first.id), store.assessments.data(second.id)
    assert (one.id, other.id) == (first.id, second.id)
    one.answers.save(["a"], saving(answer("a", "only in 2025", 1)))
    one.phase.set(Phase.REVIEW)
    one.team.add_role("ann", Role.WRITER)
    one.audit.record("ann", "answers_saved", section="P", questions=["a"])
    one.settings.put({"variance_threshold": 10})
    assert other.answers.all() == {}
    assert other.phase.current() is Phase.WRITING
    assert other.team.members() == {}
    assert other.audit.read().entries == []
    assert dict(other.settings.get()) == {}
    # data() asked again shows what was written through the first object
    assert store.assessments.data(first.id).answers.all() == {"a": answer("a", "only in 2025", 1)}


def test_derived_is_computed_once_per_version_of_the_data(store: StoreUnderTest) -> None:
    one = store.assessments.data(new_cycle(store, "2025").id)
    other = store.assessments.data(new_cycle(store, "2026").id)
    calls: list[str] = []

    def count() -> int:
        calls.append("count")
        return len(one.answers.all())

    assert one.derived("count", count) == 0
    assert one.derived("count", count) == 0
    assert calls == ["count"]
    one.answers.save(["a"], saving(answer("a", "x", 1)))
    assert one.derived("count", count) == 1
    assert calls == ["count", "count"]
    assert other.derived("count", lambda: "the other's") == "the other's"


def test_what_one_store_writes_another_over_the_same_data_reads(
        open_store: Callable[[], StoreUnderTest]) -> None:
    writer = open_store()
    record = new_cycle(writer)
    writer.organizations.add_member(record.organization_id, "ann", OrgRole.LEADER)
    writer.assessments.data(record.id).answers.save(["a"], saving(answer("a", "kept", 1)))
    writer.users.insert({"username": "ann", "display_name": "Ann"})
    reader = open_store()
    assert reader.assessments.get(record.id) == record
    assert reader.organizations.members(record.organization_id) == {
        "ann": frozenset({OrgRole.LEADER})}
    assert reader.assessments.data(record.id).answers.all() == {"a": answer("a", "kept", 1)}
    assert reader.users.find("ann") == {"username": "ann", "display_name": "Ann"}


# -- atomic -------------------------------------------------------------------------------------

def test_atomic_serializes_a_check_then_act_across_threads(
        open_store: Callable[[], StoreUnderTest]) -> None:
    """Each thread reads a counter and writes it back plus one, inside atomic(); without
    serialization, two threads read the same value and an increment is lost."""
    stores = [open_store(), open_store()]  # two stores over the same data, like two processes
    record = new_cycle(stores[0])
    stores[0].assessments.data(record.id).settings.put({"counter": 0})
    start = threading.Barrier(THREADS)

    def increment(number: int) -> None:
        data = stores[number % 2].assessments.data(record.id)
        start.wait(timeout=30)
        for _ in range(INCREMENTS):
            with data.atomic():
                value = data.settings.get()["counter"]
                time.sleep(0.002)  # widen the window between the check and the act
                data.settings.put({"counter": value + 1})

    with ThreadPoolExecutor(THREADS) as pool:
        for done in [pool.submit(increment, number) for number in range(THREADS)]:
            done.result(timeout=120)
    assert stores[1].assessments.data(record.id).settings.get()["counter"] == THREADS * INCREMENTS


# -- users --------------------------------------------------------------------------------------

def account(username: str, **fields: object) -> dict[str, object]:
    return {"username": username, "display_name": username.title(), "password_hash": "h",
            "is_admin": False, "session_epoch": 0, **fields}


def test_users_are_inserted_once_per_username(store: StoreUnderTest) -> None:
    assert store.users.all() == []
    assert store.users.find("ann") is None
    assert store.users.insert(account("ann")) is True
    assert store.users.insert(account("ann", display_name="Impostor", is_admin=True)) is False
    assert store.users.insert(account("bob")) is True
    assert dict(store.users.find("ann") or {}) == account("ann")
    assert sorted((dict(doc) for doc in store.users.all()), key=lambda d: str(d["username"])) \
        == [account("ann"), account("bob")]


def test_update_changes_the_named_fields_of_one_user(store: StoreUnderTest) -> None:
    store.users.insert(account("ann"))
    store.users.insert(account("bob"))
    store.users.update("ann", session_epoch=3, language="zh_CN")
    assert dict(store.users.find("ann") or {}) == account("ann", session_epoch=3,
                                                          language="zh_CN")
    assert dict(store.users.find("bob") or {}) == account("bob")
