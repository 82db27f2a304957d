"""The gap report of a cycle: the page with its charts, and its CSV, JSON and Markdown
downloads (the same figures as `flask gaps`)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from ..access import Action, OrgAction, permits_in_organization
from ..charts import (
    PREVIOUS_COLOUR,
    SCORE_COLOUR,
    TARGET_COLOUR,
    Line,
    Option,
    change_chart,
    pareto_chart,
    radar_chart,
)
from ..consensus import consensus_records
from ..criteria import Framework
from ..gap_export import gaps_csv, gaps_json_text, gaps_markdown
from ..gaps import GapReport, compare_cycles, cycle_gap_report, previous_scored_cycle
from ..i18n import TEXT_LANGUAGE, current_language, show_both
from ..key_factors import key_factors
from ..organizations import AssessmentRecord
from ..report import format_points
from ..repositories import version_of
from .context import AssessmentContext, load_assessment, store
from .kept_body import kept_body, page_around
from .plans import gap_plan_summary

bp = Blueprint("gaps", __name__, url_prefix="/a/<assessment_id>/gaps")


def _percent_of(points: float, available: int) -> float:
    return round(points * 100 / available, 1) if available else 0


@dataclass(frozen=True, slots=True)
class GapCharts:
    radar: Option
    pareto: Option | None  # None: no gap to draw
    change: Option | None  # None: no earlier cycle to compare with


def gap_charts(report: GapReport, framework: Framework, language: str) -> GapCharts:
    """The page's three charts, labelled in the reader's language."""
    axes = [f"{group.id} {framework.category(group.id).title.get(language)}"
            for group in report.categories]
    lines = [
        Line(_("Target"), [_percent_of(group.target_points, group.points)
                           for group in report.categories], TARGET_COLOUR, dashed=True),
        Line(_("Score"), [_percent_of(group.score_points, group.points) if group.scored_items
                          else None for group in report.categories], SCORE_COLOUR),
    ]
    if report.compared_with:
        lines.append(Line(
            _("Cycle %(cycle)s", cycle=report.compared_with.cycle),
            [None if (before := group.previous_score_points) is None
             else _percent_of(before, group.points) for group in report.categories],
            PREVIOUS_COLOUR, dashed=True))
    with_gap = [row for row in report.items if row.gap_hundredths]
    pareto = pareto_chart(
        [row.item for row in with_gap], [row.gap_points or 0 for row in with_gap],
        [round((row.cumulative_share or 0) * 100, 1) for row in with_gap],
        bar_name=_("Gap (points)"), line_name=_("Cumulative share of the gap"),
        mark_name="80%") if with_gap else None
    change = change_chart(
        [group.id for group in report.categories],
        [group.change_score_points for group in report.categories],
        _("Change in score (points)")) if report.compared_with else None
    return GapCharts(radar_chart(axes, lines), pareto, change)


def _report(ctx: AssessmentContext) -> GapReport:
    return cycle_gap_report(store().assessments, ctx.record, ctx.framework)


@bp.get("/")
def index(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.VIEW_GAPS)
    assessments = store().assessments
    earlier = previous_scored_cycle(assessments, ctx.record)
    report = ctx.data.derived(
        f"gap_report:{_version_key(earlier)}",
        lambda: compare_cycles(assessments, ctx.record, earlier, ctx.framework))
    # The plans opened from this cycle's OFIs and from the compared cycle's, by item, from
    # the organization's performance records.
    plan_summary = gap_plan_summary(store().organization_data(ctx.record.organization_id),
                                    ctx.record.id, earlier)
    # The figures, charts, tables and statements are the bulk of the page and the same for
    # all its readers: rendered once per version of this cycle's data and of the one it is
    # compared with, per count of the plans beside its items, per interface language and per
    # "both languages".
    body = kept_body(
        ctx.data, f"gap_report_html:{_version_key(earlier)}:{plan_summary.key}:"
        f"{get_locale()}:{show_both()}",
        lambda: render_template(
            "_gap_report_body.html", ctx=ctx, report=report,
            records=consensus_records(ctx.data),
            factor_texts={factor.id: factor.text for factor in key_factors(ctx.data)},
            charts=gap_charts(report, ctx.framework, TEXT_LANGUAGE[current_language()]),
            points=format_points,
            percent_of=_percent_of, plan_summary=plan_summary))
    return page_around("gaps.html", body, ctx=ctx, report=report,
                       may_plan=permits_in_organization(ctx.member.org_roles,
                                                        OrgAction.VIEW_PLANS),
                       has_targets=report.has_targets)


def _version_key(earlier: AssessmentRecord | None) -> str:
    """Names the compared cycle's data as it is now, for keys of what is derived from it."""
    if earlier is None:
        return "-"
    return f"{earlier.id}@{version_of(store().assessments.data(earlier.id))}"


def _download(body: str, content_type: str, suffix: str, ctx: AssessmentContext) -> Response:
    response = Response(body, content_type=f"{content_type}; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="gaps-{ctx.record.id}.{suffix}"')
    return response


@bp.get("/gaps.csv")
def csv_download(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.VIEW_GAPS)
    return _download(gaps_csv(_report(ctx)), "text/csv", "csv", ctx)


@bp.get("/gaps.json")
def json_download(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.VIEW_GAPS)
    return _download(gaps_json_text(_report(ctx)), "application/json", "json", ctx)


@bp.get("/gaps.md")
def markdown_download(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.VIEW_GAPS)
    return _download(gaps_markdown(_report(ctx), ctx.framework), "text/markdown", "md", ctx)
