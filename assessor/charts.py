"""The one chart module: every chart of the app as an Apache ECharts option, built here from the
domain's figures and drawn in the browser by the vendored ECharts (static/vendor, SVG renderer,
so charts are sharp on screen and in print; static/charts.js draws them).

ECharts was chosen over server-drawn matplotlib SVG: it draws radar, bar-and-line on two axes
and trend lines with bands in one library, shows Chinese labels with the browser's own fonts
(the server needs no CJK font), costs the server nothing per view, and is the chart library
Chinese users already know. Options hold data and words only (no JavaScript functions), so they
travel as JSON in a data attribute; every chart has a table beside it on the page, the same
figures for those who cannot see the picture or run scripts.

Labels come in already translated: this module knows no language.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Option = dict[str, Any]

# One palette for the app: what is (score), what is wanted (target), what was (previous).
SCORE_COLOUR = "#1f6fb2"
TARGET_COLOUR = "#d9822b"
PREVIOUS_COLOUR = "#8a8f98"
GAIN_COLOUR = "#2e8540"
LOSS_COLOUR = "#c0392b"


@dataclass(frozen=True, slots=True)
class Line:
    """One named series of values; None where there is no value (drawn as a gap)."""

    name: str
    values: Sequence[float | None]
    colour: str
    dashed: bool = False


def _base(**parts: Any) -> Option:
    # No animation: a chart printed or captured right after loading shows its final state.
    return {"animation": False, "tooltip": {"trigger": "item"},
            "legend": {"bottom": 0}, **parts}


def _value(value: float | None) -> float | str:
    return "-" if value is None else value  # ECharts' mark for "no value here"


def radar_chart(axes: Sequence[str], lines: Sequence[Line], maximum: float = 100) -> Option:
    """A radar with one spoke per axis, all on one scale from 0 up to the largest value
    rounded up to a tenth of `maximum` (scores of 30-50% would huddle in the middle of a
    0-100 radar), a polygon per line."""
    largest = max((v for line in lines for v in line.values if v is not None), default=0)
    top = min(maximum, math.ceil(largest / (maximum / 10) + 1e-9) * (maximum / 10)) or maximum
    indicators: list[dict[str, Any]] = [{"name": name, "max": top} for name in axes]
    if indicators:
        indicators[0]["axisLabel"] = {"show": True, "fontSize": 9, "color": "#777",
                                      "formatter": "{value}%", "showMinLabel": False}
    return _base(
        radar={"indicator": indicators,
               "radius": "60%", "center": ["50%", "48%"], "splitNumber": 5,
               # the scale once, along the first spoke (labels on every spoke crowd it)
               "axisLabel": {"show": False},
               "axisName": {"color": "#333", "width": 110, "overflow": "break"}},
        series=[{"type": "radar", "data": [{
            "name": line.name, "value": [_value(v) for v in line.values],
            "lineStyle": {"color": line.colour, "width": 2,
                          "type": "dashed" if line.dashed else "solid"},
            "itemStyle": {"color": line.colour},
            "symbolSize": 4,
        } for line in lines]}],
    )


def pareto_chart(labels: Sequence[str], values: Sequence[float], cumulative_pct: Sequence[float],
                 bar_name: str, line_name: str, mark_name: str, mark_pct: float = 80) -> Option:
    """Bars largest first on the left axis, their cumulative share (0-100) as a line on the
    right axis, with a mark at `mark_pct` (the vital few to its left)."""
    return _base(
        tooltip={"trigger": "axis"},
        grid={"left": 48, "right": 48, "top": 24, "bottom": 64},
        xAxis={"type": "category", "data": list(labels),
               "axisLabel": {"interval": 0, "rotate": 45 if len(labels) > 10 else 0}},
        yAxis=[{"type": "value", "name": bar_name, "nameTextStyle": {"align": "left"}},
               {"type": "value", "min": 0, "max": 100,
                "axisLabel": {"formatter": "{value}%"}, "splitLine": {"show": False}}],
        series=[
            {"type": "bar", "name": bar_name, "data": list(values),
             "itemStyle": {"color": SCORE_COLOUR}},
            {"type": "line", "name": line_name, "yAxisIndex": 1, "data": list(cumulative_pct),
             "itemStyle": {"color": TARGET_COLOUR}, "symbolSize": 5,
             "markLine": {"symbol": "none", "silent": True,
                          "lineStyle": {"color": LOSS_COLOUR, "type": "dashed"},
                          "label": {"formatter": mark_name, "position": "insideEndTop"},
                          "data": [{"yAxis": mark_pct}]}},
        ],
    )


def change_chart(labels: Sequence[str], changes: Sequence[float | None], name: str) -> Option:
    """One bar per label, up for a gain and down for a loss, coloured by sign."""
    return _base(
        tooltip={"trigger": "axis"},
        legend={"show": False},
        grid={"left": 48, "right": 16, "top": 16, "bottom": 64},
        xAxis={"type": "category", "data": list(labels),
               "axisLabel": {"interval": 0, "rotate": 45 if len(labels) > 10 else 0}},
        yAxis={"type": "value", "name": name, "nameTextStyle": {"align": "left"}},
        series=[{"type": "bar", "name": name, "data": [
            {"value": _value(change),
             "itemStyle": {"color": LOSS_COLOUR if (change or 0) < 0 else GAIN_COLOUR}}
            for change in changes]}],
    )


# A KPI's status, as the register's badges colour it (assessor/kpi_status.py Status values).
STATUS_COLOURS = {"green": GAIN_COLOUR, "amber": "#d4a017", "red": LOSS_COLOUR,
                  "no-data": PREVIOUS_COLOUR}


@dataclass(frozen=True, slots=True)
class Level:
    """A horizontal line across a trend (a target, the amber level) with its label."""

    name: str
    value: float
    colour: str


def trend_chart(periods: Sequence[str], values: Sequence[float], statuses: Sequence[str],
                name: str, levels: Sequence[Level] = (), band: tuple[float, float] | None = None,
                band_name: str = "", unit: str = "") -> Option:
    """A KPI's values over its periods as a line, each point coloured by the status its value
    gives (STATUS_COLOURS); each level (the target, the amber level) as a dashed line and a
    band KPI's good range as a shaded area."""
    # Labels alternate above and below their lines: a target and its amber level lie close.
    lines = [{"yAxis": level.value, "name": level.name,
              "lineStyle": {"color": level.colour, "type": "dashed", "width": 1.5},
              "label": {"formatter": f"{level.name} {level.value:g}", "color": level.colour,
                        "position": "insideEndTop" if index % 2 == 0 else "insideEndBottom"}}
             for index, level in enumerate(levels)]
    series: dict[str, Any] = {
        "type": "line", "name": name,
        "data": [{"value": value, "itemStyle": {"color": STATUS_COLOURS.get(status,
                                                                             PREVIOUS_COLOUR)}}
                 for value, status in zip(values, statuses, strict=True)],
        "lineStyle": {"color": SCORE_COLOUR, "width": 2}, "itemStyle": {"color": SCORE_COLOUR},
        # Every point keeps its status colour, however narrow the chart (ECharts would drop some).
        "symbol": "circle", "symbolSize": 8, "showAllSymbol": True,
    }
    if lines:
        series["markLine"] = {"symbol": "none", "silent": True, "data": lines}
    if band is not None:
        series["markArea"] = {"silent": True, "itemStyle": {"color": "rgba(46, 133, 64, 0.12)"},
                              "label": {"formatter": band_name, "position": "insideTopLeft",
                                        "color": GAIN_COLOUR},
                              "data": [[{"yAxis": band[0]}, {"yAxis": band[1]}]]}
    # The value axis reaches the levels and the band even where no value comes near them.
    marks = [level.value for level in levels] + list(band or ())
    # The bounds sit a little beyond the values, off the axis's round ticks: not labelled.
    axis: dict[str, Any] = {"type": "value", "name": unit, "scale": True,
                            "nameTextStyle": {"align": "left"},
                            "axisLabel": {"showMinLabel": False, "showMaxLabel": False}}
    if values or marks:
        axis["min"], axis["max"] = _axis_bounds(min([*values, *marks]), max([*values, *marks]))
    return _base(
        tooltip={"trigger": "axis"},
        legend={"show": False},
        grid={"left": 56, "right": 24, "top": 32, "bottom": 56},
        xAxis={"type": "category", "data": list(periods), "boundaryGap": False,
               "axisLabel": {"rotate": 45 if len(periods) > 12 else 0}},
        yAxis=axis,
        series=[series],
    )


def _axis_bounds(low: float, high: float) -> tuple[float, float]:
    """Bounds a little beyond `low` and `high`, on round steps (labels without long decimals)."""
    span = (high - low) or abs(high) or 1
    step = 10 ** math.floor(math.log10(span)) / 2
    margin = span * 0.05
    bottom = math.floor((low - margin) / step) * step
    top = math.ceil((high + margin) / step) * step
    return round(bottom, 10), round(top, 10)


def bar_chart(labels: Sequence[str], values: Sequence[float], name: str,
              colour: str = SCORE_COLOUR) -> Option:
    """One horizontal bar per label, the first on top, each with its value at its end (counts
    by state, say): labels stay readable on a narrow screen."""
    return _base(
        tooltip={"trigger": "axis", "axisPointer": {"type": "shadow"}},
        legend={"show": False},
        grid={"left": 8, "right": 32, "top": 8, "bottom": 8, "containLabel": True},
        xAxis={"type": "value", "minInterval": 1},
        yAxis={"type": "category", "data": list(labels), "inverse": True,
               "axisTick": {"show": False}},
        series=[{"type": "bar", "name": name, "data": list(values),
                 "itemStyle": {"color": colour}, "barMaxWidth": 24,
                 "label": {"show": True, "position": "right"}}],
    )


def effect_chart(points: Sequence[tuple[str, float]], expectation: Sequence[tuple[str, float]],
                 name: str, expectation_name: str, unit: str = "") -> Option:
    """An improvement plan's Check of one KPI: its values since the plan started (day, value)
    on a time axis, and the expectation as a dashed line from the value then to the expected
    value by its date (both named in the legend)."""
    values = [value for _day, value in [*points, *expectation]]
    axis: dict[str, Any] = {"type": "value", "name": unit, "scale": True,
                            "nameTextStyle": {"align": "left"},
                            "axisLabel": {"showMinLabel": False, "showMaxLabel": False}}
    if values:
        axis["min"], axis["max"] = _axis_bounds(min(values), max(values))
    return _base(
        tooltip={"trigger": "axis"},
        grid={"left": 56, "right": 24, "top": 24, "bottom": 64},
        xAxis={"type": "time", "axisLabel": {"hideOverlap": True}},
        yAxis=axis,
        series=[
            {"type": "line", "name": name, "data": [[day, value] for day, value in points],
             "lineStyle": {"color": SCORE_COLOUR, "width": 2},
             "itemStyle": {"color": SCORE_COLOUR}, "symbol": "circle", "symbolSize": 7,
             "showAllSymbol": True},
            {"type": "line", "name": expectation_name,
             "data": [[day, value] for day, value in expectation],
             "lineStyle": {"color": TARGET_COLOUR, "type": "dashed", "width": 2},
             "itemStyle": {"color": TARGET_COLOUR}, "symbol": "diamond", "symbolSize": 7},
        ],
    )
