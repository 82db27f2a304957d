"""Consensus: the team compares the submitted scores, agrees a score per item, sees the points.

The overview lists items whose scores span the threshold first; the item page shows every
examiner's entry and, to the coordinator or consensus lead, the form to record the consensus.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import Markup

from ..access import Action
from ..consensus import (
    ConsensusError,
    ConsensusRecord,
    calibration,
    consensus_board,
    consensus_records,
    discussion_order,
    neighbours_in,
    proposed_statements,
    record_consensus,
    statistics_by_item,
    stored_scores,
    submitted_reviews_of,
    submitted_scores,
)
from ..criteria import Item
from ..key_factors import KeyFactor, key_factors
from ..report import format_points
from ..review import Review, all_reviews
from ..settings import load_settings
from ..stats import AGREEMENT_LABELS, NoKendallW
from ..storage.files import StorageUnavailable
from .context import (
    AssessmentContext,
    answers_refusals,
    display_names,
    item_or_404,
    load_assessment,
    utc_now,
)
from .errors import kept_text, record_event, storage_error_page
from .messages import consensus_error, kendall_reason
from .statement_forms import ConsensusForm

bp = Blueprint("consensus", __name__, url_prefix="/a/<assessment_id>/consensus")


@bp.app_template_filter("figure")
def figure(value: float | None, style: str = "%.1f") -> str:
    """A statistic for a table cell; a dash where there is none (no scores, one score)."""
    return "–" if value is None else style % value


@bp.app_template_filter("kendall_reason")
def no_kendall_reason(result: NoKendallW) -> str:
    """Why the agreement figure is not computed, in the reader's words."""
    return kendall_reason(result)


@bp.app_template_filter("points")
def points(value: float) -> str:
    """Points as the feedback report writes them (512.5, 500, 8.25): the same in table and chart."""
    return format_points(value)


def examiner_codes(examiners: Iterable[str]) -> dict[str, str]:
    """Short column labels E1, E2, ... in name order, the same on the overview and item pages."""
    return {examiner: f"E{number}" for number, examiner in enumerate(sorted(examiners), 1)}


@bp.get("/")
def index(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.VIEW_CONSENSUS)
    board = ctx.data.derived("consensus_board", lambda: consensus_board(
        ctx.framework, stored_scores(ctx.data), consensus_records(ctx.data),
        load_settings(ctx.data).variance_threshold))
    names = display_names()
    # The scores, the table, the chart and the agreement are the bulk of the page and the same
    # for all its readers: render them once per version of the data, per interface language
    # and per examiners' names in the legend (they live in users.json).
    shown_names = tuple(names.get(examiner, examiner) for examiner in board.examiners)
    board_html = ctx.data.derived(
        f"consensus_board_html:{get_locale()}:{shown_names!r}",
        lambda: Markup(render_template(  # rendered by our own autoescaping template
            "_consensus_board.html", board=board, names=names, framework=ctx.framework,
            agreement_labels=AGREEMENT_LABELS, items_table=Markup(render_template(
                "_consensus_table.html", board=board, names=names,
                codes=examiner_codes(board.examiners),
                item_url=url_for("consensus.item", assessment_id=ctx.record.id,
                                 item_id=""))))))
    return render_template("consensus_index.html", ctx=ctx, board=board, board_html=board_html)


@bp.route("/items/<item_id>", methods=["GET", "POST"])
def item(assessment_id: str, item_id: str):  # type: ignore[no-untyped-def]
    action = Action.SET_CONSENSUS if request.method == "POST" else Action.VIEW_CONSENSUS
    ctx = load_assessment(assessment_id, action, item_id)
    discussed = item_or_404(ctx, item_id)
    reviews = all_reviews(ctx.data)
    record = consensus_records(ctx.data).get(discussed.id)
    factors = key_factors(ctx.data)
    form = ConsensusForm(ctx.framework.scoring.step, {factor.id for factor in factors})
    if request.method == "GET":
        form.show(record, proposed_statements(submitted_reviews_of(reviews, discussed.id)))
        return _render(ctx, discussed, form, record, reviews, factors)
    if form.validate_on_submit():
        agreed = form.record(discussed.id, ctx.user.username, utc_now())
        try:
            record = record_consensus(ctx.data, agreed, ctx.framework.scoring.step)
        except ConsensusError as error:  # the form checks the same first
            flash(_("Nothing was saved: %(reason)s", reason=consensus_error(error)), "error")
            return _render(ctx, discussed, form, record, reviews, factors), 400
        record_event(ctx, "consensus_set", item=discussed.id, score=record.score)
        points = discussed.points_for(record.score)
        flash(_("Consensus on %(item)s recorded: %(score)d%% of %(available)d points = "
                "%(points)s points.", item=discussed.id, score=record.score,
                available=discussed.points, points=f"{points:g}"), "success")
        return redirect(url_for("consensus.item", assessment_id=ctx.record.id,
                                item_id=discussed.id))
    flash(_("Nothing was saved: see the messages below. Your text is kept."), "error")
    return _render(ctx, discussed, form, record, reviews, factors), 400


@bp.errorhandler(CSRFError)
@bp.errorhandler(StorageUnavailable)
@answers_refusals
def keep_text_of_unsaved_form(error: CSRFError | StorageUnavailable):  # type: ignore[no-untyped-def]
    """An expired or missing CSRF token, or a disk that cannot be written, records nothing,
    but gives the score, rationale and statements back as typed."""
    if isinstance(error, StorageUnavailable) and request.endpoint != "consensus.item":
        return storage_error_page(error)
    assessment_id, item_id = request.view_args["assessment_id"], request.view_args["item_id"]
    ctx = load_assessment(assessment_id, Action.SET_CONSENSUS, item_id)
    discussed = item_or_404(ctx, item_id)
    factors = key_factors(ctx.data)
    form = ConsensusForm(ctx.framework.scoring.step, {factor.id for factor in factors})
    status = kept_text(error)
    return _render(ctx, discussed, form, consensus_records(ctx.data).get(discussed.id),
                   all_reviews(ctx.data), factors), status


@bp.get("/calibration", endpoint="calibration")
def calibration_page(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.VIEW_CALIBRATION)
    rows = calibration(stored_scores(ctx.data), consensus_records(ctx.data))
    return render_template("consensus_calibration.html", ctx=ctx, rows=rows,
                           names=display_names(),
                           codes=examiner_codes(row.examiner for row in rows))


def _render(ctx: AssessmentContext, discussed: Item, form: ConsensusForm,  # type: ignore[no-untyped-def]
            record: ConsensusRecord | None, reviews: list[Review], factors: list[KeyFactor]):
    """The item page: `reviews` are all entries of the assessment (for the discussion order)."""
    threshold = load_settings(ctx.data).variance_threshold
    scores = submitted_scores(reviews)
    statistics = statistics_by_item(ctx.framework, scores, threshold)
    before, after = neighbours_in(discussion_order(ctx.framework, statistics), discussed.id)
    return render_template(
        "consensus_item.html", ctx=ctx, item=discussed, form=form, record=record,
        reviews=submitted_reviews_of(reviews, discussed.id), statistics=statistics[discussed.id],
        threshold=threshold, before=before, after=after, key_factors=factors,
        factor_texts={factor.id: factor.text for factor in factors},
        guideline=ctx.framework.scoring.guidelines[discussed.kind],
        chosen_score=form.chosen_score(),
        can_set=ctx.can(Action.SET_CONSENSUS, discussed.id), names=display_names(),
        codes=examiner_codes({e for by_examiner in scores.values() for e in by_examiner}),
    )
