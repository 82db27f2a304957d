"""The gap report: arithmetic (exact to the hundredth), order, not scored and no target, groups,
the previous scored cycle; the `gaps` command in JSON, CSV and Markdown."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest
from flask.testing import FlaskCliRunner

from assessor.consensus import ConsensusRecord, scorebook
from assessor.criteria import ItemKind
from assessor.gap_export import ITEM_COLUMNS, gaps_csv, gaps_json, gaps_markdown
from assessor.gaps import (
    ComparedCycle,
    GapStatus,
    cycle_gap_report,
    gap_report,
    previous_scored_cycle,
)
from assessor.organizations import AssessmentRecord
from assessor.paths import framework_named
from assessor.repositories import AssessmentData
from assessor.storage.store import Store
from assessor.targets import ItemTarget, set_targets
from tests.factories import FRAMEWORK_FILE, gen_assessment

NOW = "2026-03-01T09:00:00+00:00"
FRAMEWORK = framework_named(FRAMEWORK_FILE)
ITEMS = [item.id for item in FRAMEWORK.items]


def records(**scores: int) -> dict[str, ConsensusRecord]:
    """Consensus records from keyword ids: i4_4_3=35 -> item 4.4.3 scored 35."""
    return {item: ConsensusRecord(item, score, "agreed", (), (), "lead", NOW)
            for item, score in ((key[1:].replace("_", "."), value)
                                for key, value in scores.items())}


def targets(default: int | None = None, **pcts: int) -> dict[str, ItemTarget]:
    wanted = {item: default for item in ITEMS} if default is not None else {}
    wanted.update({key[1:].replace("_", "."): value for key, value in pcts.items()})
    return {item: ItemTarget(item, pct, "quality", NOW) for item, pct in wanted.items()}


def test_the_gap_of_an_item_is_its_points_times_the_shortfall_exactly() -> None:
    report = gap_report(FRAMEWORK, records(i4_4_3=35, i4_4_6=45, i4_7_2=30, i4_1_2=70),
                        targets(i4_4_3=60, i4_4_6=50, i4_7_2=55, i4_1_2=60))
    row = report.item("4.4.3")  # 15 points, 35% against 60%
    assert (row.points, row.score_pct, row.target_pct) == (15, 35, 60)
    assert (row.score_points, row.target_points, row.gap_points) == (5.25, 9.0, 3.75)
    assert report.item("4.4.6").gap_points == 0.5  # 10 points x 5%
    assert report.item("4.7.2").gap_points == 20.0  # 80 points x 25%
    assert report.item("4.1.2").gap_points == 0.0  # above the target: no gap, not negative
    assert report.item("4.1.2").status is GapStatus.SCORED
    assert report.total_gap_points == 24.25  # not 24.249999...


def test_items_are_sorted_largest_gap_first_with_the_cumulative_share() -> None:
    report = gap_report(FRAMEWORK, records(i4_4_3=35, i4_4_6=45, i4_7_2=30, i4_1_2=70),
                        targets(i4_4_3=60, i4_4_6=50, i4_7_2=55, i4_1_2=60))
    scored = [(row.item, row.gap_points, row.cumulative_share) for row in report.items
              if row.status is GapStatus.SCORED]
    assert scored == [("4.7.2", 20.0, 0.8247), ("4.4.3", 3.75, 0.9794),
                      ("4.4.6", 0.5, 1.0), ("4.1.2", 0.0, 1.0)]


def test_equal_gaps_keep_the_framework_order() -> None:
    # 4.1.3 and 4.1.4 have 30 points each; 4.6.2 has 40 (x 15% = 6 = 30 x 20%)
    report = gap_report(FRAMEWORK, records(i4_6_2=40, i4_1_4=40, i4_1_3=40),
                        targets(i4_6_2=55, i4_1_4=60, i4_1_3=60))
    assert [row.item for row in report.items[:3]] == ["4.1.3", "4.1.4", "4.6.2"]
    assert [row.gap_points for row in report.items[:3]] == [6.0, 6.0, 6.0]


def test_not_scored_and_no_target_items_have_no_gap_and_come_last() -> None:
    report = gap_report(FRAMEWORK, records(i4_1_2=40, i4_2_2=50, i4_3_2=20),
                        targets(i4_1_2=60, i4_3_2=30, i4_5_2=80))
    statuses = [(row.item, row.status) for row in report.items]
    assert statuses[:2] == [("4.1.2", GapStatus.SCORED), ("4.3.2", GapStatus.SCORED)]
    assert statuses[2] == ("4.2.2", GapStatus.NO_TARGET)
    assert [item for item, _ in statuses[3:]] == [i for i in ITEMS
                                                 if i not in {"4.1.2", "4.2.2", "4.3.2"}]
    assert all(status is GapStatus.NOT_SCORED for _, status in statuses[3:])
    not_scored = report.item("4.5.2")  # a target but no consensus: "not scored", not zero
    assert (not_scored.score_pct, not_scored.score_points, not_scored.gap_points,
            not_scored.cumulative_share) == (None, None, None, None)
    assert (not_scored.target_pct, not_scored.target_points) == (80, 40.0)
    no_target = report.item("4.2.2")
    assert (no_target.score_points, no_target.target_points, no_target.gap_points,
            no_target.cumulative_share) == (20.0, None, None, None)
    assert report.total_gap_points == 14.0  # 50 x 20% + 40 x 10%
    category = report.category("4.5")
    assert (category.scored_items, category.score_points, category.gap_points,
            category.target_points) == (0, 0.0, 0.0, 40.0)


def test_nothing_scored_gives_no_gap_at_all() -> None:
    report = gap_report(FRAMEWORK, {}, targets(50))
    assert [row.item for row in report.items] == ITEMS
    assert all(row.status is GapStatus.NOT_SCORED for row in report.items)
    assert report.total_gap_points == 0.0
    assert report.total.target_points == 500.0


def test_zero_targets_give_zero_gaps_and_no_pareto_share() -> None:
    report = gap_report(FRAMEWORK, records(**{f"i{i.replace('.', '_')}": 40 for i in ITEMS}),
                        targets(0))
    assert [row.item for row in report.items] == ITEMS  # all equal: framework order
    assert all(row.gap_points == 0.0 and row.status is GapStatus.SCORED
               for row in report.items)
    assert all(row.cumulative_share is None for row in report.items)
    assert report.total_gap_points == 0.0
    assert report.total.target_points == 0.0
    assert report.has_targets  # zero is a target
    assert not gap_report(FRAMEWORK, records(i4_1_2=40), {}).has_targets


def test_categories_subtotals_and_total_add_up() -> None:
    scores = {f"i{i.replace('.', '_')}": 40 for i in ITEMS}
    report = gap_report(FRAMEWORK, records(**scores), targets(60))
    assert [group.id for group in report.categories] == [c.id for c in FRAMEWORK.categories]
    category = report.category("4.4")  # 130 points
    assert (category.points, category.items, category.scored_items) == (130, 6, 6)
    assert (category.score_points, category.target_points, category.gap_points) == (
        52.0, 78.0, 26.0)
    assert (report.process.id, report.process.points, report.process.gap_points) == (
        "process", 600, 120.0)
    assert (report.results.id, report.results.points, report.results.gap_points) == (
        "results", 400, 80.0)
    assert report.total.points == 1000 and report.total_gap_points == 200.0
    assert report.total.score_points == scorebook(FRAMEWORK, records(**scores)).total == 400
    assert sum(group.gap_points for group in report.categories) == report.total_gap_points


def test_a_category_with_one_item() -> None:
    first, *others = FRAMEWORK.categories
    single = replace(FRAMEWORK, categories=(replace(first, items=first.items[:1]), *others))
    report = gap_report(single, records(i4_1_2=35), targets(i4_1_2=60))
    category = report.category("4.1")
    assert (category.points, category.items, category.scored_items) == (50, 1, 1)
    assert (category.score_points, category.target_points, category.gap_points) == (
        17.5, 30.0, 12.5)
    assert report.items[0].item == "4.1.2" and report.items[0].cumulative_share == 1.0
    assert "4.1.3" not in [row.item for row in report.items]


def test_no_previous_cycle_means_no_change() -> None:
    report = gap_report(FRAMEWORK, records(i4_1_2=40), targets(60))
    assert report.compared_with is None
    assert all(row.change_score_pct is None and row.change_gap_points is None
               for row in report.items)
    assert all(group.change_score_points is None and group.change_gap_points is None
               for group in (*report.categories, report.process, report.results, report.total))


def test_the_change_since_the_previous_cycle_per_item_and_group() -> None:
    before = gap_report(FRAMEWORK, records(i4_1_2=30, i4_1_3=50, i4_2_2=40), targets(60))
    report = gap_report(FRAMEWORK, records(i4_1_2=45, i4_1_3=40, i4_3_2=20), targets(60),
                        before, ComparedCycle("abc", "2025"))
    assert report.compared_with == ComparedCycle("abc", "2025")
    better, worse = report.item("4.1.2"), report.item("4.1.3")
    assert (better.change_score_pct, better.change_gap_points) == (15, -7.5)  # 15 -> 7.5
    assert (worse.change_score_pct, worse.change_gap_points) == (-10, 3.0)  # 3 -> 6
    new = report.item("4.3.2")  # not scored before: nothing to compare
    assert (new.change_score_pct, new.change_gap_points) == (None, None)
    dropped = report.item("4.2.2")  # not scored now
    assert (dropped.change_score_pct, dropped.change_gap_points) == (None, None)
    category = report.category("4.1")  # 15 + 15 = 30 points -> 22.5 + 12 = 34.5; gap 18 -> 13.5
    assert (category.change_score_points, category.change_gap_points) == (4.5, -4.5)
    assert category.previous_score_points == 30.0
    assert report.category("4.3").change_score_points is None  # not scored before
    assert report.category("4.3").previous_score_points is None
    assert report.category("4.2").change_score_points is None  # not scored now
    assert report.total.change_score_points == round((22.5 + 12 + 8) - (15 + 15 + 16), 2)


# -- cycles in a store --------------------------------------------------------------------------

def score(data: AssessmentData, **scores: int) -> None:
    for item, record in records(**scores).items():
        data.consensus.change(item, lambda current, record=record: record)


def cycle(store: Store, name: str, organization: str = "Harbour Foods",
          framework: str = FRAMEWORK_FILE) -> AssessmentRecord:
    return gen_assessment(store, organization=organization, cycle=name, framework=framework,
                          created_at=f"{name}-01-01T00:00:00+00:00")


def test_the_previous_cycle_is_the_newest_earlier_scored_one(store: Store) -> None:
    c2023, c2024, _c2025, c2026, c2027 = (cycle(store, str(year)) for year in range(2023, 2028))
    other_org = cycle(store, "2025", organization="Other Ltd.")
    other_framework = cycle(store, "2025b", framework="other.yaml")
    for record in (c2023, c2024, c2027, other_org, other_framework):
        score(store.assessment_data(record.id), i4_1_2=50)
    # 2025 has no consensus: skipped; 2027 is later; the others are not comparable
    assert previous_scored_cycle(store.assessments, c2026) == c2024
    assert previous_scored_cycle(store.assessments, c2024) == c2023
    assert previous_scored_cycle(store.assessments, c2023) is None


def test_cycle_gap_report_compares_with_the_previous_cycle_against_its_own_targets(
        store: Store) -> None:
    earlier, current = cycle(store, "2025"), cycle(store, "2026")
    earlier_data, current_data = (store.assessment_data(r.id) for r in (earlier, current))
    score(earlier_data, i4_1_2=30)
    set_targets(earlier_data, FRAMEWORK, "quality", all_items=50)
    score(current_data, i4_1_2=45)
    set_targets(current_data, FRAMEWORK, "quality", all_items=60)
    report = cycle_gap_report(store.assessments, current, FRAMEWORK)
    assert report.compared_with == ComparedCycle(earlier.id, "2025")
    row = report.item("4.1.2")  # 50 x 20% = 10 before, 50 x 15% = 7.5 now
    assert (row.gap_points, row.change_score_pct, row.change_gap_points) == (7.5, 15, -2.5)
    alone = cycle_gap_report(store.assessments, earlier, FRAMEWORK)
    assert alone.compared_with is None and alone.item("4.1.2").gap_points == 10.0


# -- exports and the command --------------------------------------------------------------------

def sample_report():  # type: ignore[no-untyped-def]
    before = gap_report(FRAMEWORK, records(i4_7_2=20), targets(50))
    return gap_report(FRAMEWORK, records(i4_4_3=35, i4_7_2=30, i4_2_2=50),
                      targets(60, i4_2_2=40), before, ComparedCycle("abc", "2025"))


def test_json_has_the_contract_keys_largest_gap_first() -> None:
    exported = json.loads(json.dumps(gaps_json(sample_report())))
    first = exported["items"][0]
    assert {key: first[key] for key in ("item", "points", "score_pct", "target_pct",
                                        "gap_points")} == {
        "item": "4.7.2", "points": 80, "score_pct": 30, "target_pct": 60, "gap_points": 24.0}
    assert (first["change_score_pct"], first["change_gap_points"]) == (10, 0.0)  # 24 -> 24
    assert [row["item"] for row in exported["items"][:3]] == ["4.7.2", "4.4.3", "4.2.2"]
    assert exported["items"][2]["gap_points"] == 0.0
    assert exported["items"][3]["status"] == "not_scored"
    assert exported["items"][3]["gap_points"] is None
    assert exported["total_gap_points"] == 27.75
    assert exported["compared_with"] == {"id": "abc", "cycle": "2025"}
    assert [c["id"] for c in exported["categories"]] == [c.id for c in FRAMEWORK.categories]
    assert exported["subtotals"]["results"]["gap_points"] == 24.0
    assert exported["subtotals"]["process"]["gap_points"] == 3.75
    assert exported["total"]["gap_points"] == 27.75


def test_csv_is_one_row_per_item_under_a_header() -> None:
    rows = list(csv.DictReader(io.StringIO(gaps_csv(sample_report()))))
    assert len(rows) == len(ITEMS)
    assert list(rows[0]) == list(ITEM_COLUMNS)
    assert (rows[0]["item"], rows[0]["gap_points"], rows[0]["cumulative_share"]) == (
        "4.7.2", "24.0", "0.8649")
    assert (rows[-1]["status"], rows[-1]["score_pct"], rows[-1]["gap_points"]) == (
        "not_scored", "", "")


def test_markdown_is_a_table_with_not_scored_shown() -> None:
    text = gaps_markdown(sample_report(), FRAMEWORK)
    assert "Compared with cycle 2025." in text
    lines = text.splitlines()
    header = lines.index(next(line for line in lines if line.startswith("| Item |")))
    assert lines[header + 2].startswith("| 4.7.2 | ")
    assert "| 30% | 60% | 24 |" in lines[header + 2].replace("24.0", "24")
    assert any("| not scored | 60% |" in line for line in lines)
    assert "Total gap: 27.75 points." in text
    assert any(line.startswith("| results | 400 |") for line in lines)


@pytest.fixture
def scored_cycle(store: Store) -> AssessmentRecord:
    record = cycle(store, "2026")
    data = store.assessment_data(record.id)
    score(data, i4_4_3=35, i4_7_2=30)
    set_targets(data, FRAMEWORK, "quality", all_items=60)
    return record


def test_gaps_command_prints_json_by_default(runner: FlaskCliRunner,
                                             scored_cycle: AssessmentRecord) -> None:
    result = runner.invoke(args=["gaps", scored_cycle.id])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.output)
    assert [row["item"] for row in exported["items"][:2]] == ["4.7.2", "4.4.3"]
    assert exported["total_gap_points"] == 24.0 + 3.75
    assert exported["compared_with"] is None
    assert json.loads(runner.invoke(args=["gaps", scored_cycle.id, "--format", "json"]
                                    ).output) == exported


def test_gaps_command_prints_csv_and_markdown(runner: FlaskCliRunner,
                                              scored_cycle: AssessmentRecord) -> None:
    result = runner.invoke(args=["gaps", scored_cycle.id, "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ",".join(ITEM_COLUMNS) and len(lines) == 1 + len(ITEMS)
    assert lines[1].startswith("4.7.2,4.7,results,80,30,60,")
    result = runner.invoke(args=["gaps", scored_cycle.id, "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "| 4.7.2 |" in result.output and "Total gap: 27.75 points." in result.output


def test_gaps_command_refuses_an_unknown_assessment_or_format(
        runner: FlaskCliRunner, scored_cycle: AssessmentRecord) -> None:
    result = runner.invoke(args=["gaps", "000000000000"])
    assert result.exit_code != 0 and "There is no assessment" in result.output
    result = runner.invoke(args=["gaps", scored_cycle.id, "--format", "xml"])
    assert result.exit_code != 0


def test_items_of_the_json_keep_their_kind() -> None:
    kinds = {row["item"]: row["kind"] for row in gaps_json(sample_report())["items"]}
    assert kinds["4.7.2"] == ItemKind.RESULTS.value and kinds["4.1.2"] == "process"
