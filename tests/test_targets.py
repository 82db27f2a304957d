"""Targets per item: set all at once and per item, validated as a whole, audited, copied to a
new cycle; the `targets set` command and targets in the export."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskCliRunner

from assessor.access import Phase
from assessor.paths import framework_named
from assessor.phases import move_to
from assessor.repositories import AssessmentData
from assessor.storage.store import Store
from assessor.targets import ItemTarget, TargetError, copy_targets, set_targets, targets_of
from tests.factories import FRAMEWORK_FILE, gen_assessment

NOW = "2026-03-01T09:00:00+00:00"
LATER = "2026-03-02T09:00:00+00:00"
FRAMEWORK = framework_named(FRAMEWORK_FILE)
ITEMS = [item.id for item in FRAMEWORK.items]


@pytest.fixture
def data(store: Store) -> AssessmentData:
    return store.assessment_data(gen_assessment(store).id)


def test_all_items_at_once_then_overrides_with_a_rationale(data: AssessmentData) -> None:
    stored = set_targets(data, FRAMEWORK, "quality", all_items=50,
                         items={"4.7.2": 70, "4.1.2": 0},
                         rationales={"4.7.2": "  Market   share first "}, now=NOW)
    assert sorted(stored) == sorted(ITEMS)
    assert {i: t.target_pct for i, t in stored.items()} == {
        **{i: 50 for i in ITEMS}, "4.7.2": 70, "4.1.2": 0}
    assert stored["4.7.2"] == ItemTarget("4.7.2", 70, "quality", NOW, "Market share first")
    assert stored["4.2.2"] == ItemTarget("4.2.2", 50, "quality", NOW, "")
    assert targets_of(data) == stored


def test_an_override_alone_keeps_the_other_targets_and_their_records(
        data: AssessmentData) -> None:
    set_targets(data, FRAMEWORK, "quality", all_items=50, now=NOW)
    stored = set_targets(data, FRAMEWORK, "ann", items={"4.3.2": 65, "4.2.2": 50}, now=LATER)
    assert stored["4.3.2"] == ItemTarget("4.3.2", 65, "ann", LATER)
    assert stored["4.2.2"] == ItemTarget("4.2.2", 50, "quality", NOW)  # unchanged: kept
    assert stored["4.1.2"] == ItemTarget("4.1.2", 50, "quality", NOW)


@pytest.mark.parametrize(("all_items", "items", "code", "data_"), [
    (33, {}, "target_off_step", {"item": None, "target": 33, "step": 5}),
    (105, {}, "target_out_of_range", {"item": None, "target": 105}),
    (-5, {}, "target_out_of_range", {"item": None, "target": -5}),
    (50, {"4.1.2": 62}, "target_off_step", {"item": "4.1.2", "target": 62, "step": 5}),
    (50, {"4.1.2": 110}, "target_out_of_range", {"item": "4.1.2", "target": 110}),
    (50, {"4.9.9": 60}, "target_unknown_item", {"item": "4.9.9"}),
    (None, {"4.1": 60}, "target_unknown_item", {"item": "4.1"}),
])
def test_a_bad_entry_refuses_the_whole_call_naming_it(
        data: AssessmentData, all_items: int | None, items: dict[str, int], code: str,
        data_: dict[str, object]) -> None:
    set_targets(data, FRAMEWORK, "quality", items={"4.2.2": 40}, now=NOW)
    before, trail = targets_of(data), len(data.audit.read().entries)
    with pytest.raises(TargetError) as raised:
        set_targets(data, FRAMEWORK, "quality", all_items=all_items,
                    items={"4.3.2": 60, **items}, now=LATER)
    assert (raised.value.code, raised.value.data) == (code, data_)
    assert targets_of(data) == before
    assert len(data.audit.read().entries) == trail


def test_a_call_without_targets_is_refused(data: AssessmentData) -> None:
    with pytest.raises(TargetError) as raised:
        set_targets(data, FRAMEWORK, "quality", rationales={"4.1.2": "why"})
    assert raised.value.code == "target_none_given"
    assert targets_of(data) == {}


def test_a_rationale_stays_with_an_unchanged_target_and_goes_with_a_changed_one(
        data: AssessmentData) -> None:
    set_targets(data, FRAMEWORK, "quality", all_items=50, items={"4.7.2": 70, "4.7.3": 60},
                rationales={"4.7.2": "Market share", "4.7.3": "Loyalty"}, now=NOW)
    stored = set_targets(data, FRAMEWORK, "ann", all_items=50,
                         items={"4.7.2": 70, "4.7.3": 65}, now=LATER)
    assert stored["4.7.2"] == ItemTarget("4.7.2", 70, "quality", NOW, "Market share")
    assert stored["4.7.3"] == ItemTarget("4.7.3", 65, "ann", LATER, "")
    stored = set_targets(data, FRAMEWORK, "ann", items={"4.7.2": 70},
                         rationales={"4.7.2": "Share and margin"}, now=LATER)
    assert stored["4.7.2"] == ItemTarget("4.7.2", 70, "ann", LATER, "Share and margin")


def test_a_rationale_without_a_target_is_refused(data: AssessmentData) -> None:
    with pytest.raises(TargetError) as raised:
        set_targets(data, FRAMEWORK, "quality", items={"4.1.2": 60},
                    rationales={"4.1.3": "why"})
    assert (raised.value.code, raised.value.data) == ("target_rationale_without_target",
                                                      {"item": "4.1.3"})
    assert targets_of(data) == {}


def test_a_rationale_for_an_unknown_item_is_refused(data: AssessmentData) -> None:
    with pytest.raises(TargetError) as raised:
        set_targets(data, FRAMEWORK, "quality", all_items=50, rationales={"9.9": "why"})
    assert raised.value.code == "target_unknown_item"
    assert targets_of(data) == {}


def test_the_bounds_and_the_steps_are_accepted(data: AssessmentData) -> None:
    stored = set_targets(data, FRAMEWORK, "quality", all_items=0,
                         items={"4.1.2": 100, "4.1.3": 5, "4.1.4": 95})
    assert [stored[i].target_pct for i in ("4.1.2", "4.1.3", "4.1.4", "4.2.2")] == [
        100, 5, 95, 0]


@pytest.mark.parametrize("phase", list(Phase))
def test_targets_can_be_set_in_any_phase(data: AssessmentData, phase: Phase) -> None:
    for step in list(Phase)[1:list(Phase).index(phase) + 1]:
        move_to(data, step)
    assert data.phase.current() is phase
    assert set_targets(data, FRAMEWORK, "quality", all_items=60)["4.7.7"].target_pct == 60


def test_setting_targets_is_in_the_audit_trail(data: AssessmentData) -> None:
    set_targets(data, FRAMEWORK, "quality", all_items=50, items={"4.7.2": 70, "4.1.2": 60})
    set_targets(data, FRAMEWORK, "ann", items={"4.3.2": 65})
    entries = [e for e in data.audit.read().entries if e.action == "targets_set"]
    assert [(e.user, e.detail) for e in entries] == [
        ("quality", {"all": 50, "items": {"4.1.2": 60, "4.7.2": 70}}),
        ("ann", {"all": None, "items": {"4.3.2": 65}})]


def test_copy_targets_gives_the_new_cycle_the_earlier_ones(store: Store) -> None:
    earlier = store.assessment_data(gen_assessment(store, cycle="2025").id)
    later = store.assessment_data(gen_assessment(store, cycle="2026").id)
    set_targets(later, FRAMEWORK, "quality", items={"4.5.2": 90}, now=NOW)
    set_targets(earlier, FRAMEWORK, "quality", all_items=50, items={"4.7.2": 70},
                rationales={"4.7.2": "Market share"}, now=NOW)
    copied = copy_targets(earlier, later, "quality")
    assert copied == targets_of(earlier) == targets_of(later)
    assert targets_of(later)["4.7.2"] == ItemTarget("4.7.2", 70, "quality", NOW, "Market share")
    [entry] = [e for e in later.audit.read().entries if e.action == "targets_copied"]
    assert entry.detail["from_assessment"] == earlier.id
    assert entry.detail["items"]["4.7.2"] == 70
    set_targets(later, FRAMEWORK, "quality", items={"4.7.2": 80})
    assert targets_of(earlier)["4.7.2"].target_pct == 70  # the earlier cycle does not change


def test_copying_no_targets_leaves_none(store: Store) -> None:
    earlier = store.assessment_data(gen_assessment(store, cycle="2025").id)
    later = store.assessment_data(gen_assessment(store, cycle="2026").id)
    set_targets(later, FRAMEWORK, "quality", all_items=40)
    assert copy_targets(earlier, later) == {}
    assert targets_of(later) == {}


# -- the command line and the export ------------------------------------------------------------

def test_targets_set_prints_what_it_stored(runner: FlaskCliRunner, store: Store) -> None:
    record = gen_assessment(store)
    result = runner.invoke(args=["targets", "set", record.id, "--all", "50",
                                 "--item", "4.7.2=70", "--item", "4.1.2=60", "--by", "quality"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "4.1.2\t60%"
    assert "4.7.2\t70%" in lines and "4.2.2\t50%" in lines
    assert lines[-1] == "Stored 23 target(s) of Test Works Ltd. 2026."
    stored = targets_of(store.assessment_data(record.id))
    assert stored["4.7.2"].target_pct == 70 and stored["4.7.2"].set_by == "quality"

    result = runner.invoke(args=["targets", "set", record.id, "--item", "4.3.2=65",
                                 "--rationale", "4.3.2=Customers = first"])
    assert result.exit_code == 0, result.output
    assert targets_of(store.assessment_data(record.id))["4.3.2"].rationale == "Customers = first"
    assert result.output.splitlines() == ["4.3.2\t65%",
                                          "Stored 1 target(s) of Test Works Ltd. 2026."]


@pytest.mark.parametrize(("args", "message"), [
    (["--all", "33"], "--all: 33 is not in 5% steps."),
    (["--all", "50", "--item", "4.1.2=105"], "item 4.1.2: 105 is outside 0-100."),
    (["--all", "50", "--item", "4.9.9=60"], "The framework has no item 4.9.9."),
    (["--item", "4.1.2"], "--item 4.1.2: expected ID=PCT"),
    (["--item", "4.1.2=high"], "--item 4.1.2=high: expected ID=PCT"),
    (["--rationale", "4.1.3=why"], "--rationale 4.1.3: give the item a target too."),
    (["--rationale", "why"], "--rationale why: expected ID=TEXT"),
])
def test_targets_set_refuses_naming_the_bad_entry_and_stores_nothing(
        runner: FlaskCliRunner, store: Store, args: list[str], message: str) -> None:
    record = gen_assessment(store)
    result = runner.invoke(args=["targets", "set", record.id, "--item", "4.2.2=40", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert "Nothing was stored." in result.output
    assert targets_of(store.assessment_data(record.id)) == {}


def test_targets_set_without_targets_fails(runner: FlaskCliRunner, store: Store) -> None:
    result = runner.invoke(args=["targets", "set", gen_assessment(store).id])
    assert result.exit_code != 0
    assert "Give --all PCT or at least one --item ID=PCT. Nothing was stored." in result.output


def test_targets_set_on_an_unknown_assessment_fails(runner: FlaskCliRunner, store: Store
                                                    ) -> None:
    result = runner.invoke(args=["targets", "set", "000000000000", "--all", "50"])
    assert result.exit_code != 0
    assert "There is no assessment '000000000000'." in result.output


def test_the_export_holds_the_targets(runner: FlaskCliRunner, store: Store) -> None:
    record = gen_assessment(store)
    set_targets(store.assessment_data(record.id), FRAMEWORK, "quality", items={"4.7.2": 70},
                rationales={"4.7.2": "Market share"}, now=NOW)
    result = runner.invoke(args=["export", record.id])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["targets"] == {"4.7.2": {
        "target_pct": 70, "set_by": "quality", "set_at": NOW, "rationale": "Market share"}}
