"""The strategy map's layout (assessor/strategy_map.py), without Flask: lanes, boxes, arrows and
the wrapping of Chinese and English names."""

from __future__ import annotations

import re
from itertools import combinations

import pytest

from assessor.strategy import Perspective
from assessor.strategy_map import (
    ELLIPSIS,
    GAP_SPREAD,
    MAX_LINES,
    MIN_BOX,
    Box,
    MapKpi,
    MapLink,
    MapObjective,
    StrategyMap,
    _through_lanes,
    layout,
    text_width,
    wrap,
)

F, C, P, L = (Perspective.FINANCIAL, Perspective.CUSTOMER, Perspective.INTERNAL_PROCESS,
              Perspective.LEARNING_GROWTH)


def objective(key: str, perspective: Perspective, name: str = "", kpis: int = 0,
              status: str = "green") -> MapObjective:
    return MapObjective(key, name or f"Objective {key}", perspective,
                        tuple(MapKpi(f"{key}-k{n}", f"{key}{n}", f"KPI {n}", status)
                              for n in range(kpis)))


TWELVE = [objective("f1", F, "Grow revenue from new products", 2),
          objective("f2", F, "Improve operating margin", 3),
          objective("c1", C, "Win and keep key accounts", 2),
          objective("c2", C, "Deliver on time, every time", 1),
          objective("c3", C, "Be known for zero-defect quality", 2),
          objective("p1", P, "Shorten new product introduction", 2),
          objective("p2", P, "Lean, stable production flow", 2),
          objective("p3", P, "Prevent defects at the source", 1),
          objective("p4", P, "Manage suppliers as partners"),
          objective("l1", L, "Build engineering and digital skills", 2),
          objective("l2", L, "Connect machines and data (MES)", 1),
          objective("l3", L, "A culture of continuous improvement and safety", 1)]
LINKS = [MapLink(cause, effect) for cause, effect in (
    ("l1", "p1"), ("l2", "p2"), ("l2", "p3"), ("l3", "p3"), ("l1", "p4"), ("p1", "c1"),
    ("p2", "c2"), ("p3", "c3"), ("p4", "c2"), ("c1", "f1"), ("c2", "f2"), ("c3", "f2"),
    ("p1", "f1"), ("l2", "c2"))]


def overlaps(a: Box, b: Box) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


# -- wrapping ----------------------------------------------------------------------------------
def test_english_breaks_at_spaces_within_the_width() -> None:
    lines = wrap("Build engineering and digital skills", 140)
    assert lines == ("Build engineering", "and digital skills")
    assert all(text_width(line) <= 140 for line in lines)


def test_chinese_breaks_between_characters() -> None:
    lines = wrap("培养高层次医学人才和学科带头人", 100)
    assert "".join(lines) == "培养高层次医学人才和学科带头人"
    assert len(lines) == 3 and all(len(line) <= 7 for line in lines)
    assert all(text_width(line) <= 100 for line in lines)


def test_chinese_punctuation_never_starts_a_line_and_opening_marks_never_end_one() -> None:
    text = "优化门诊流程，缩短等候（“一站式”服务）"
    for width in range(60, 200, 7):
        lines = wrap(text, width, max_lines=10)
        assert "".join(lines) == text
        for line in lines[1:]:
            assert line[0] not in "，。）”", (width, lines)
        for line in lines[:-1]:
            assert line[-1] not in "（“", (width, lines)


def test_mixed_text_keeps_its_spacing() -> None:
    lines = wrap("建立多学科协作（MDT）诊疗模式 and reach 80% coverage", 2000)
    assert lines == ("建立多学科协作（MDT）诊疗模式 and reach 80% coverage",)
    assert "".join(wrap("推进临床路径管理，覆盖率达到80%", 90, max_lines=9)) == \
        "推进临床路径管理，覆盖率达到80%"


def test_a_word_longer_than_the_line_is_cut() -> None:
    lines = wrap("Supercalifragilisticexpialidocious", 80, max_lines=10)
    assert "".join(lines) == "Supercalifragilisticexpialidocious"
    assert all(text_width(line) <= 80 for line in lines)


def test_too_long_a_name_ends_in_an_ellipsis_on_the_last_line() -> None:
    lines = wrap("word " * 40, 120)
    assert len(lines) == MAX_LINES and lines[-1].endswith(ELLIPSIS)
    assert all(text_width(line) <= 120 for line in lines)
    chinese = wrap("提高医疗收入中技术劳务性收入占比" * 3, 100)
    assert len(chinese) == MAX_LINES and chinese[-1].endswith(ELLIPSIS)


def test_an_empty_name_has_no_lines() -> None:
    assert wrap("   ", 100) == ()


# -- lanes and boxes ---------------------------------------------------------------------------
def test_four_lanes_financial_at_the_top_learning_at_the_bottom() -> None:
    smap = layout(TWELVE, LINKS, {F: "Financial", C: "Customer", P: "Internal process",
                                  L: "Learning and growth"})
    assert [lane.perspective for lane in smap.lanes] == [F, C, P, L]
    tops = [lane.y for lane in smap.lanes]
    assert tops == sorted(tops) and tops[0] == 0
    assert smap.lanes[-1].y + smap.lanes[-1].height == pytest.approx(smap.height, abs=0.2)
    assert smap.lanes[-1].label_lines == ("Learning and", "growth")
    for box in smap.boxes:
        lane = next(lane for lane in smap.lanes if lane.perspective is box.objective.perspective)
        assert lane.y < box.y and box.bottom < lane.y + lane.height


def test_boxes_stay_apart_and_inside_the_picture() -> None:
    smap = layout(TWELVE, LINKS)
    assert len(smap.boxes) == 12
    for a, b in combinations(smap.boxes, 2):
        assert not overlaps(a, b), (a.objective.id, b.objective.id)
    for box in smap.boxes:
        assert smap.box_area[0] <= box.x and box.right <= smap.box_area[1]
        assert all(text_width(line) <= box.width - 2 * 10 + 0.1 for line in box.lines)


def test_one_size_for_every_box_from_the_longest_name() -> None:
    smap = layout(TWELVE, LINKS)
    assert len({(box.width, box.height) for box in smap.boxes}) == 1
    assert max(len(box.lines) for box in smap.boxes) == 3  # "A culture of continuous …"


def test_a_crowded_lane_widens_the_picture_rather_than_squash_the_boxes() -> None:
    many = [objective(f"p{n}", P, f"Process objective number {n}") for n in range(9)]
    smap = layout(many, [])
    assert all(box.width >= MIN_BOX for box in smap.boxes)
    assert smap.width > 1000
    for a, b in combinations(smap.boxes, 2):
        assert not overlaps(a, b)


def test_kpi_marks_sit_in_their_box_in_order_with_a_count_for_the_rest() -> None:
    smap = layout([objective("f1", F, "Revenue", 3, "amber"),
                   objective("f2", F, "Margin", 40, "red")], [])
    three = smap.box_of("f1")
    assert three is not None and [mark.kpi.code for mark in three.marks] == ["f10", "f11",
                                                                             "f12"]
    assert {mark.kpi.status for mark in three.marks} == {"amber"}
    for mark in three.marks:
        assert three.x < mark.cx - mark.r and mark.cx + mark.r < three.right
        assert three.y < mark.cy - mark.r and mark.cy + mark.r < three.bottom
    crowded = smap.box_of("f2")
    assert crowded is not None and crowded.more > 0
    assert len(crowded.marks) + crowded.more == 40
    assert crowded.more_x < crowded.right


def test_an_empty_strategy_is_four_empty_lanes() -> None:
    smap = layout([], [])
    assert len(smap.lanes) == 4 and smap.boxes == () and smap.arrows == ()
    assert smap.width >= 1000 and smap.height > 0


# -- arrows ------------------------------------------------------------------------------------
def path_points(smap: StrategyMap, cause: str, effect: str) -> list[tuple[float, float]]:
    arrow = next(a for a in smap.arrows if (a.link.cause, a.link.effect) == (cause, effect))
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", arrow.path)]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def test_an_arrow_runs_from_the_cause_up_to_the_effect() -> None:
    smap = layout(TWELVE, LINKS)
    assert len(smap.arrows) == len(LINKS)
    for arrow in smap.arrows:
        cause, effect = smap.box_of(arrow.link.cause), smap.box_of(arrow.link.effect)
        assert cause is not None and effect is not None
        assert arrow.start[1] == cause.y and cause.x <= arrow.start[0] <= cause.right
        assert arrow.end[1] == effect.bottom and effect.x <= arrow.end[0] <= effect.right
        assert arrow.path.startswith(f"M {arrow.start[0]:g} {arrow.start[1]:g}")
        assert not arrow.downward


def test_arrows_into_one_box_arrive_at_different_points() -> None:
    smap = layout(TWELVE, LINKS)
    ends = [arrow.end for arrow in smap.arrows if arrow.link.effect == "c2"]
    assert len(ends) == 3 and len(set(ends)) == 3


def test_an_arrow_over_a_lane_passes_between_its_boxes() -> None:
    smap = layout(TWELVE, LINKS)
    process = [box for box in smap.boxes if box.objective.perspective is P]
    for cause, effect in (("p1", "f1"), ("l2", "c2")):
        crossing = [(x, y) for x, y in path_points(smap, cause, effect)
                    if any(box.y <= y <= box.bottom for box in process)]
        skipped = [box for box in smap.boxes if box.objective.perspective in (P, C)
                   and box.objective.id not in (cause, effect)]
        for x, y in crossing:
            assert not any(box.x <= x <= box.right and box.y <= y <= box.bottom
                           for box in skipped), (cause, effect, x, y)


def test_a_downward_link_is_drawn_and_marked() -> None:
    smap = layout([objective("f", F), objective("l", L)], [MapLink("f", "l", "odd")])
    (arrow,) = smap.arrows
    top, bottom = smap.box_of("f"), smap.box_of("l")
    assert arrow.downward and top is not None and bottom is not None
    assert arrow.start[1] == top.bottom and arrow.end[1] == bottom.y


def test_links_within_a_lane_join_neighbours_or_arc_over_the_boxes_between() -> None:
    row = [objective(key, C) for key in ("a", "b", "c")]
    smap = layout(row, [MapLink("a", "b"), MapLink("a", "c")])
    side = next(a for a in smap.arrows if a.link.effect == "b")
    arc = next(a for a in smap.arrows if a.link.effect == "c")
    a, b = smap.box_of("a"), smap.box_of("b")
    assert a is not None and b is not None
    assert side.within_lane and side.start[1] == side.end[1] == a.center_y
    assert {side.start[0], side.end[0]} == {a.right, b.x} or \
        {side.start[0], side.end[0]} == {a.x, b.right}
    assert arc.within_lane and " C " in arc.path and arc.start[1] == a.y


def test_linked_objectives_stand_near_each_other() -> None:
    """Crossing links are untangled: the order in a lane follows what it is linked to."""
    objectives = [objective("p1", P), objective("p2", P), objective("c1", C),
                  objective("c2", C)]
    smap = layout(objectives, [MapLink("p1", "c2"), MapLink("p2", "c1")])
    p1, p2, c1, c2 = (smap.box_of(key) for key in ("p1", "p2", "c1", "c2"))
    assert p1 and p2 and c1 and c2
    assert (p1.x < p2.x) == (c2.x < c1.x)


def test_unknown_and_self_links_are_left_out() -> None:
    smap = layout([objective("a", F), objective("b", C)],
                  [MapLink("a", "a"), MapLink("b", "gone"), MapLink("b", "a")])
    assert [(a.link.cause, a.link.effect) for a in smap.arrows] == [("b", "a")]


def test_the_layout_is_the_same_every_time() -> None:
    assert layout(TWELVE, LINKS) == layout(TWELVE, LINKS)


def test_arrows_through_the_same_gap_run_side_by_side() -> None:
    """Two arrows that take the same way round a box in a lane they cross keep apart."""
    objectives = [objective("c1", C), objective("p1", P), objective("l1", L)]
    smap = layout(objectives, [])
    cause, effect = smap.box_of("l1"), smap.box_of("c1")
    (process,) = [box for box in smap.boxes if box.objective.perspective is P]
    assert cause is not None and effect is not None
    start, end = (cause.center_x, cause.y), (effect.center_x, effect.bottom)
    crossings: dict[tuple[int, float], int] = {}
    first = _through_lanes(smap.boxes, cause, effect, start, end, crossings)
    second = _through_lanes(smap.boxes, cause, effect, start, end, crossings)
    assert {x for x, _y in first} & {x for x, _y in second} == set()
    for points in (first, second):
        (x,) = {x for x, _y in points}
        assert not process.x <= x <= process.right
    assert abs(first[0][0] - second[0][0]) == GAP_SPREAD
