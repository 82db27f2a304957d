"""The gap report as JSON data, CSV and Markdown (the `gaps` command; the gap page later).

The JSON shape is a contract: `{"items": [{"item", "points", "score_pct", "target_pct",
"gap_points", ...}], "total_gap_points", ...}`, items largest gap first; keys are only added.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from .criteria import Framework
from .gaps import GapReport, GroupGap, ItemGap

ITEM_COLUMNS = ("item", "category", "kind", "points", "score_pct", "target_pct",
                "score_points", "target_points", "gap_points", "cumulative_share", "status",
                "change_score_pct", "change_gap_points")
GROUP_COLUMNS = ("id", "points", "items", "scored_items", "score_points", "target_points",
                 "gap_points", "change_score_points", "change_gap_points")


def item_data(row: ItemGap) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in ITEM_COLUMNS}
    values["kind"] = row.kind.value
    values["status"] = row.status.value
    return values


def group_data(group: GroupGap) -> dict[str, Any]:
    return {name: getattr(group, name) for name in GROUP_COLUMNS}


def gaps_json(report: GapReport) -> dict[str, Any]:
    return {
        "items": [item_data(row) for row in report.items],
        "total_gap_points": report.total_gap_points,
        "categories": [group_data(group) for group in report.categories],
        "subtotals": {"process": group_data(report.process),
                      "results": group_data(report.results)},
        "total": group_data(report.total),
        "compared_with": ({"id": report.compared_with.id, "cycle": report.compared_with.cycle}
                          if report.compared_with else None),
    }


def gaps_json_text(report: GapReport) -> str:
    """The JSON as a file holds it: UTF-8 text, indented."""
    return json.dumps(gaps_json(report), ensure_ascii=False, indent=2)


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def gaps_csv(report: GapReport) -> str:
    """One row per item, largest gap first, under a header; empty cells for no value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ITEM_COLUMNS)
    for row in report.items:
        writer.writerow([_cell(value) for value in item_data(row).values()])
    return out.getvalue()


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def _signed(value: float | int | None) -> str:
    return "" if value is None else f"{value:+g}"


def gaps_markdown(report: GapReport, framework: Framework) -> str:
    """Tables of items (largest gap first), categories and subtotals, in English."""
    compared = (f"Compared with cycle {report.compared_with.cycle}."
                if report.compared_with else "No earlier scored cycle to compare with.")
    lines = ["# Gap report", "", compared, "",
             "| Item | Title | Points | Score | Target | Gap (points) | Cumulative share "
             "| Change in score | Change in gap |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in report.items:
        score = "not scored" if row.score_pct is None else f"{row.score_pct}%"
        target = "no target" if row.target_pct is None else f"{row.target_pct}%"
        title = framework.item(row.item).title.en.replace("|", "\\|")
        lines.append(f"| {row.item} | {title} | {row.points} | {score} | {target} | "
                     f"{_cell(row.gap_points)} | {_percent(row.cumulative_share)} | "
                     f"{_signed(row.change_score_pct)} | {_signed(row.change_gap_points)} |")
    lines += ["", "| Category | Points | Score (points) | Target (points) | Gap (points) "
              "| Change in score | Change in gap |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for group in (*report.categories, report.process, report.results, report.total):
        lines.append(f"| {group.id} | {group.points} | {group.score_points:g} | "
                     f"{group.target_points:g} | {group.gap_points:g} | "
                     f"{_signed(group.change_score_points)} | "
                     f"{_signed(group.change_gap_points)} |")
    lines += ["", f"Total gap: {report.total_gap_points:g} points.", ""]
    return "\n".join(lines)
