"""The strategy map as a picture, laid out in plain Python for a server-drawn SVG (the template
templates/strategy_map.html draws it): four horizontal lanes, learning and growth at the bottom
and financial at the top; each objective a box in its lane with its name wrapped to the box and
its KPIs' statuses as small marks; each cause → effect link an arrow from the cause's box to the
effect's.

Nothing here knows Flask or a language: the caller gives the lanes' names in the reader's
language, and text is measured by character class (a Chinese character is one em wide and a
line may break between any two of them; Latin text breaks at spaces), which is close enough for
the browser's sans-serif fonts to keep each line inside its box.

Layout, in a coordinate space `width` × `height` (the SVG's viewBox):
- one column on the left for the lanes' names, then the boxes' area;
- all boxes one size: as wide as the fullest lane allows (between MIN_BOX and MAX_BOX; a lane
  with more boxes than fit widens the picture instead of squashing them), as tall as the
  longest wrapped name (at most MAX_LINES lines, the last one ending in "…" when cut) plus a row
  of marks;
- in each lane the boxes are spread evenly, in an order that shortens the arrows (a few sweeps
  ordering each lane by the mean position of the objectives it is linked to), ties kept in the
  order given;
- an arrow leaves the top of a cause below its effect and enters the effect's bottom (the ports
  along an edge spread out, ordered by where the other end is); one that crosses a lane passes
  it through a gap between that lane's boxes; one within a lane joins the sides of neighbours or
  arcs over the boxes between; one that points down the map goes bottom to top and is marked
  `downward`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from .strategy import PERSPECTIVES_BOTTOM_UP, Perspective

FONT_SIZE = 14.0
LINE_HEIGHT = 18.0
LABEL_FONT_SIZE = 13.0
LABEL_LINE_HEIGHT = 16.0
LABEL_WIDTH = 120.0  # the lanes' names
MARGIN = 12.0  # around the boxes' area
MIN_WIDTH = 1000.0
MIN_BOX, MAX_BOX = 150.0, 230.0
BOX_GAP = 28.0  # the least space between two boxes of a lane
BOX_PAD_X, BOX_PAD_Y = 10.0, 10.0
MAX_LINES = 3
MARK_RADIUS = 5.0
MARK_STEP = 14.0
MARKS_ROW = 18.0
LANE_PAD = 30.0  # above and below the boxes of a lane, where arrows turn
SWEEPS = 3
GAP_SPREAD = 7.0  # between arrows that cross a lane through the same gap

# A line does not start with closing punctuation nor end with opening punctuation (the
# simplest of the Chinese line-breaking rules, 避头尾).
NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’…—·,.;:?!)]}%‰")
NO_LINE_END = frozenset("（《「『【〔〈“‘([{")
ELLIPSIS = "…"


# -- measuring and wrapping text ---------------------------------------------------------------
def char_width(char: str) -> float:
    """A character's advance in ems in a sans-serif font, a little generous."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char == " ":
        return 0.3
    if char in "il.,:;'|!()[]{}ijtfr`\"":
        return 0.36
    if char in "mwMW@%":
        return 0.9
    if char.isupper() or char.isdigit() or char in "&#$?~+=<>":
        return 0.66
    return 0.56


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    return sum(char_width(char) for char in text) * font_size


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    space_before: bool  # a space separated it from the token before


def _tokens(text: str) -> list[_Token]:
    """Pieces no line breaks inside: a Latin word (with what sticks to it), one Chinese
    character (with the punctuation that may not start or end a line beside it)."""
    pieces: list[_Token] = []
    word, space = "", False
    for char in " ".join(text.split()):
        if char == " ":
            if word:
                pieces.append(_Token(word, space))
                word = ""
            space = True
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            if word:
                pieces.append(_Token(word, space))
                word, space = "", False
            pieces.append(_Token(char, space))
            space = False
        else:
            word += char
    if word:
        pieces.append(_Token(word, space))
    merged: list[_Token] = []
    for piece in pieces:
        if merged and not piece.space_before and (
                piece.text[0] in NO_LINE_START or merged[-1].text[-1] in NO_LINE_END):
            merged[-1] = _Token(merged[-1].text + piece.text, merged[-1].space_before)
        else:
            merged.append(piece)
    return merged


def _split_long(text: str, width: float, font_size: float) -> list[str]:
    """A word wider than the line, cut into pieces that fit (no hyphen)."""
    pieces, piece = [], ""
    for char in text:
        if piece and text_width(piece + char, font_size) > width:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece] if piece else pieces


def _shorten(line: str, width: float, font_size: float) -> str:
    """The line cut to end in "…" within the width."""
    line = line.rstrip()
    while line and text_width(line + ELLIPSIS, font_size) > width:
        line = line[:-1].rstrip()
    return line + ELLIPSIS


def wrap(text: str, width: float, font_size: float = FONT_SIZE,
         max_lines: int = MAX_LINES) -> tuple[str, ...]:
    """The text in lines no wider than `width`: Latin text broken at spaces, Chinese between
    characters (never before closing or after opening punctuation); a word longer than a line
    is cut; past `max_lines` the last line ends in "…"."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        candidate = line + (" " if token.space_before and line else "") + token.text
        if not line or text_width(candidate, font_size) <= width:
            line = candidate
        else:
            lines.append(line)
            line = token.text
        if text_width(line, font_size) > width:  # one token wider than the line
            *full, line = _split_long(line, width, font_size)
            lines.extend(full)
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = [*lines[:max_lines - 1], _shorten(lines[max_lines - 1], width, font_size)]
    return tuple(lines)


# -- what the map shows ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MapKpi:
    """A KPI linked to an objective, with its status (kpi_status.Status values)."""

    id: str
    code: str
    name: str
    status: str


@dataclass(frozen=True, slots=True)
class MapObjective:
    id: str
    name: str
    perspective: Perspective
    kpis: tuple[MapKpi, ...] = ()


@dataclass(frozen=True, slots=True)
class MapLink:
    cause: str
    effect: str
    hypothesis: str = ""


@dataclass(frozen=True, slots=True)
class Lane:
    perspective: Perspective
    x: float
    y: float
    width: float
    height: float
    label_lines: tuple[str, ...]
    label_x: float
    label_y: float  # the first line's baseline

    @property
    def middle(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True, slots=True)
class Mark:
    kpi: MapKpi
    cx: float
    cy: float
    r: float = MARK_RADIUS


@dataclass(frozen=True, slots=True)
class Box:
    objective: MapObjective
    lane: int  # 0: learning and growth … 3: financial
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]
    text_x: float
    text_y: float  # the first line's baseline
    marks: tuple[Mark, ...] = ()
    more: int = 0  # KPIs without a mark of their own (no room)
    more_x: float = 0.0
    more_y: float = 0.0

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def center_x(self) -> float:
        return self.x + self.width / 2

    @property
    def center_y(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True, slots=True)
class Arrow:
    link: MapLink
    path: str  # SVG path data, ending where the arrowhead points
    start: tuple[float, float]
    end: tuple[float, float]
    downward: bool = False  # the effect sits in a lower lane than its cause
    within_lane: bool = False


@dataclass(frozen=True, slots=True)
class StrategyMap:
    width: float
    height: float
    lanes: tuple[Lane, ...]  # top (financial) first, as drawn
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]
    font_size: float = FONT_SIZE
    line_height: float = LINE_HEIGHT
    label_font_size: float = LABEL_FONT_SIZE
    label_line_height: float = LABEL_LINE_HEIGHT
    box_area: tuple[float, float] = field(default=(0.0, 0.0))  # its left and right x

    def box_of(self, objective_id: str) -> Box | None:
        return next((box for box in self.boxes if box.objective.id == objective_id), None)

    def lane_boxes(self, lane: Lane) -> list[Box]:
        return [box for box in self.boxes if box.objective.perspective is lane.perspective]

    @property
    def box_area_centre(self) -> float:
        return (self.box_area[0] + self.box_area[1]) / 2


# -- layout ------------------------------------------------------------------------------------
def _lane_index(perspective: Perspective) -> int:
    return PERSPECTIVES_BOTTOM_UP.index(perspective)


def _order(objectives: Sequence[MapObjective], links: Sequence[MapLink]
           ) -> list[list[MapObjective]]:
    """Each lane's objectives (bottom lane first), ordered so that linked objectives stand
    near each other: barycentre sweeps up and down the lanes, ties in the given order."""
    lanes: list[list[MapObjective]] = [[] for _ in PERSPECTIVES_BOTTOM_UP]
    for objective in objectives:
        lanes[_lane_index(objective.perspective)].append(objective)
    given = {objective.id: index for index, objective in enumerate(objectives)}
    neighbours: dict[str, set[str]] = {objective.id: set() for objective in objectives}
    for link in links:
        if link.cause in neighbours and link.effect in neighbours and link.cause != link.effect:
            neighbours[link.cause].add(link.effect)
            neighbours[link.effect].add(link.cause)
    lane_of = {objective.id: _lane_index(objective.perspective) for objective in objectives}

    def positions() -> dict[str, float]:
        return {objective.id: (slot + 1) / (len(lane) + 1)
                for lane in lanes for slot, objective in enumerate(lane)}

    def sweep(order: Iterable[int], towards: int) -> None:
        for index in order:
            where = positions()

            def key(objective: MapObjective, where: dict[str, float] = where,
                    index: int = index) -> tuple[float, int]:
                others = [where[other] for other in neighbours[objective.id]
                          if (lane_of[other] - index) * towards > 0]
                centre = sum(others) / len(others) if others else where[objective.id]
                return centre, given[objective.id]

            lanes[index].sort(key=key)

    for _ in range(SWEEPS):
        sweep(range(1, len(lanes)), towards=-1)  # up: look at the lanes below
        sweep(range(len(lanes) - 2, -1, -1), towards=1)  # down: look at the lanes above
    return lanes


def _box_width(fullest: int, area: float) -> float:
    if fullest <= 0:
        return MAX_BOX
    return max(MIN_BOX, min(MAX_BOX, (area - (fullest + 1) * BOX_GAP) / fullest))


def layout(objectives: Sequence[MapObjective], links: Sequence[MapLink],
           lane_labels: Mapping[Perspective, str] | None = None) -> StrategyMap:
    """The map of these objectives and links; `lane_labels` names the lanes (by default their
    perspective's value)."""
    lane_labels = lane_labels or {}
    known = {objective.id for objective in objectives}
    links = [link for link in links if link.cause in known and link.effect in known
             and link.cause != link.effect]
    lanes_bottom_up = _order(objectives, links)
    fullest = max((len(lane) for lane in lanes_bottom_up), default=0)
    width = max(MIN_WIDTH, LABEL_WIDTH + 2 * MARGIN + fullest * MIN_BOX
                + (fullest + 1) * BOX_GAP)
    area_left, area_right = LABEL_WIDTH + MARGIN, width - MARGIN
    box_width = _box_width(fullest, area_right - area_left)
    text_width_ = box_width - 2 * BOX_PAD_X
    wrapped = {objective.id: wrap(objective.name, text_width_) for objective in objectives}
    lines_used = max((len(lines) for lines in wrapped.values()), default=1)
    has_marks = any(objective.kpis for objective in objectives)
    box_height = 2 * BOX_PAD_Y + lines_used * LINE_HEIGHT + (MARKS_ROW if has_marks else 0)
    lane_height = box_height + 2 * LANE_PAD
    height = lane_height * len(PERSPECTIVES_BOTTOM_UP)

    lanes: list[Lane] = []
    boxes: list[Box] = []
    for index, members in enumerate(lanes_bottom_up):
        perspective = PERSPECTIVES_BOTTOM_UP[index]
        top = height - (index + 1) * lane_height
        label = wrap(lane_labels.get(perspective, perspective.value), LABEL_WIDTH - 2 * MARGIN,
                     LABEL_FONT_SIZE, max_lines=3)
        label_top = top + (lane_height - len(label) * LABEL_LINE_HEIGHT) / 2
        lanes.append(Lane(perspective, 0.0, top, width, lane_height, label, MARGIN,
                          label_top + LABEL_FONT_SIZE * 0.85))
        spacing = (area_right - area_left - len(members) * box_width) / (len(members) + 1)
        for slot, objective in enumerate(members):
            x = area_left + spacing + slot * (box_width + spacing)
            boxes.append(_box(objective, index, x, top + LANE_PAD, box_width, box_height,
                              wrapped[objective.id], lines_used))
    arrows = _arrows(boxes, links, lanes_bottom_up)
    return StrategyMap(_round(width), _round(height), tuple(reversed(lanes)), tuple(boxes),
                       tuple(arrows), box_area=(area_left, area_right))


def _box(objective: MapObjective, lane: int, x: float, y: float, width: float,
         height: float, lines: tuple[str, ...], lines_used: int) -> Box:
    text_area = lines_used * LINE_HEIGHT
    first_baseline = (y + BOX_PAD_Y + (text_area - len(lines) * LINE_HEIGHT) / 2
                      + (LINE_HEIGHT + FONT_SIZE * 0.7) / 2)
    marks: list[Mark] = []
    more, more_x, more_y = 0, 0.0, 0.0
    if objective.kpis:
        room = int((width - 2 * BOX_PAD_X) // MARK_STEP)
        shown = objective.kpis if len(objective.kpis) <= room else objective.kpis[:room - 2]
        more = len(objective.kpis) - len(shown)
        row = len(shown) * MARK_STEP + (2 * MARK_STEP if more else 0)
        left = x + (width - row) / 2 + MARK_STEP / 2
        cy = y + height - BOX_PAD_Y - MARKS_ROW / 2 + 2
        marks = [Mark(kpi, _round(left + i * MARK_STEP), _round(cy))
                 for i, kpi in enumerate(shown)]
        more_x, more_y = left + len(shown) * MARK_STEP - MARK_RADIUS, cy + 4
    return Box(objective, lane, _round(x), _round(y), _round(width), _round(height), lines,
               _round(x + width / 2), _round(first_baseline), tuple(marks), more,
               _round(more_x), _round(more_y))


def _round(value: float) -> float:
    return round(value, 1)


# -- arrows ------------------------------------------------------------------------------------
def _spread(box: Box, count: int, slot: int) -> float:
    """The x of port `slot` of `count` along a box's edge (kept off its corners)."""
    inner = box.width * 0.7
    return _round(box.x + (box.width - inner) / 2 + inner * (slot + 1) / (count + 1))


def _arrows(boxes: Sequence[Box], links: Sequence[MapLink],
            lanes_bottom_up: Sequence[Sequence[MapObjective]]) -> list[Arrow]:
    by_id = {box.objective.id: box for box in boxes}
    # Which arrows meet each box's top and bottom edge, to spread their ports.
    edges: dict[tuple[str, str], list[tuple[float, int]]] = {}

    def claim(box: Box, edge: str, other: Box, number: int) -> None:
        edges.setdefault((box.objective.id, edge), []).append((other.center_x, number))

    plans: list[tuple[MapLink, Box, Box, str]] = []
    for number, link in enumerate(links):
        cause, effect = by_id[link.cause], by_id[link.effect]
        if cause.lane < effect.lane:
            kind = "up"
            claim(cause, "top", effect, number)
            claim(effect, "bottom", cause, number)
        elif cause.lane > effect.lane:
            kind = "down"
            claim(cause, "bottom", effect, number)
            claim(effect, "top", cause, number)
        else:
            between = [box for box in boxes if box.lane == cause.lane
                       and min(cause.x, effect.x) < box.x < max(cause.x, effect.x)]
            kind = "arc" if between else "side"
            if between:
                claim(cause, "top", effect, number)
                claim(effect, "top", cause, number)
        plans.append((link, cause, effect, kind))

    def port(box: Box, edge: str, number: int) -> float:
        users = sorted(edges[(box.objective.id, edge)])
        slot = next(i for i, (_x, n) in enumerate(users) if n == number)
        return _spread(box, len(users), slot)

    arrows: list[Arrow] = []
    crossings: dict[tuple[int, float], int] = {}  # arrows through each gap so far
    for number, (link, cause, effect, kind) in enumerate(plans):
        if kind == "side":
            leftward = effect.x < cause.x
            start = (cause.x if leftward else cause.right, cause.center_y)
            end = (effect.right if leftward else effect.x, effect.center_y)
            path = f"M {_n(start[0])} {_n(start[1])} L {_n(end[0])} {_n(end[1])}"
            arrows.append(Arrow(link, path, start, end, within_lane=True))
        elif kind == "arc":
            start = (port(cause, "top", number), cause.y)
            end = (port(effect, "top", number), effect.y)
            lift = LANE_PAD * 1.2
            path = (f"M {_n(start[0])} {_n(start[1])} C {_n(start[0])} {_n(start[1] - lift)} "
                    f"{_n(end[0])} {_n(end[1] - lift)} {_n(end[0])} {_n(end[1])}")
            arrows.append(Arrow(link, path, start, end, within_lane=True))
        else:
            up = kind == "up"
            start = (port(cause, "top" if up else "bottom", number),
                     cause.y if up else cause.bottom)
            end = (port(effect, "bottom" if up else "top", number),
                   effect.bottom if up else effect.y)
            points = [start, *_through_lanes(boxes, cause, effect, start, end, crossings), end]
            arrows.append(Arrow(link, _curve(points), start, end, downward=not up))
    return arrows


def _through_lanes(boxes: Sequence[Box], cause: Box, effect: Box,
                   start: tuple[float, float], end: tuple[float, float],
                   crossings: dict[tuple[int, float], int]) -> list[tuple[float, float]]:
    """Where an arrow crosses each lane between its ends: in a gap of that lane's boxes, as
    near as can be to the straight line; two points per lane (below and above its boxes).
    Arrows through the same gap run side by side (`crossings` counts them)."""
    step = 1 if effect.lane > cause.lane else -1
    points: list[tuple[float, float]] = []
    for lane in range(cause.lane + step, effect.lane, step):
        row = sorted((box for box in boxes if box.lane == lane), key=lambda box: box.x)
        if not row:
            continue
        top, bottom = row[0].y, row[0].bottom
        share = (bottom + top) / 2
        t = (share - start[1]) / (end[1] - start[1]) if end[1] != start[1] else 0.5
        straight = start[0] + (end[0] - start[0]) * t
        x = _gap_near(row, straight)
        used = crossings.get((lane, x), 0)
        crossings[(lane, x)] = used + 1
        x = _round(x + GAP_SPREAD * ((used + 1) // 2) * (1 if used % 2 else -1))
        entry, leave = (bottom + 6, top - 6) if step > 0 else (top - 6, bottom + 6)
        points += [(x, entry), (x, leave)]
    return points


def _gap_near(row: Sequence[Box], x: float) -> float:
    """The x nearest to `x` that is not inside a box of the row (with a little room)."""
    room = 10.0
    for box in row:
        if box.x - room < x < box.right + room:
            break
    else:
        return x
    candidates = [(left.right + right.x) / 2 for left, right in pairwise(row)]
    candidates += [row[0].x - BOX_GAP / 2, row[-1].right + BOX_GAP / 2]
    return min(candidates, key=lambda candidate: abs(candidate - x))


def _curve(points: Sequence[tuple[float, float]]) -> str:
    """A smooth path through the points: vertical tangents at each, straight runs through a
    lane's gap."""
    (x0, y0), *rest = points
    parts = [f"M {_n(x0)} {_n(y0)}"]
    previous = (x0, y0)
    for index, (x, y) in enumerate(rest):
        px, py = previous
        if index % 2 == 1 and x == px:  # through a gap: straight up or down
            parts.append(f"L {_n(x)} {_n(y)}")
        else:
            middle = (py + y) / 2
            parts.append(f"C {_n(px)} {_n(middle)} {_n(x)} {_n(middle)} {_n(x)} {_n(y)}")
        previous = (x, y)
    return " ".join(parts)


def _n(value: float) -> str:
    """A coordinate as the path writes it: at most one decimal, no trailing zero."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
