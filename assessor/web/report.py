"""The feedback report of an assessment: the page (a draft until the feedback phase) and its
Markdown download."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, render_template
from flask_babel import gettext, ngettext, pgettext

from ..access import Action, Phase
from ..clock import utc_now
from ..consensus import consensus_records
from ..i18n import TEXT_LANGUAGE, current_language
from ..key_factors import key_factors
from ..report import Report, Words, build_report, download_names, format_points, to_markdown
from ..settings import load_settings
from .context import AssessmentContext, load_assessment

bp = Blueprint("report", __name__, url_prefix="/a/<assessment_id>/report")


def _report(ctx: AssessmentContext) -> Report:
    return build_report(ctx.framework, ctx.record, consensus_records(ctx.data),
                        key_factors(ctx.data), load_settings(ctx.data),
                        draft=ctx.phase is not Phase.FEEDBACK)


@bp.get("/")
def index(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.VIEW_REPORT)
    return render_template("report.html", ctx=ctx, report=_report(ctx), points=format_points,
                           printed_on=utc_now())  # the printed cover's date


@bp.get("/report.md")
def markdown(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.VIEW_REPORT)
    report = _report(ctx)
    words = _words()
    ascii_name, full_name = download_names(report, words)
    response = Response(to_markdown(report, words), content_type="text/markdown; charset=utf-8")
    # RFC 6266: the plain name for old clients, the UTF-8 form (RFC 5987) for the rest.
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(full_name, safe='')}")
    return response


def _words() -> Words:
    """The Markdown in the reader's language, the criteria's texts in that language first."""
    return Words(gettext, ngettext, pgettext, TEXT_LANGUAGE[current_language()])
