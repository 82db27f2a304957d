"""Independent review: examiners score their assigned items alone; the team follows progress.

Blind review is enforced here by showing other examiners' entries only through
`review.visible_to_examiner`; coordinators and leaders see who has submitted, never the scores.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from ..access import Action, Role
from ..answers import load_answers
from ..criteria import Item
from ..criteria.model import Guideline
from ..key_factors import KeyFactor, key_factors
from ..progress import of_questions
from ..review import (
    Review,
    ReviewError,
    all_reviews,
    reopen,
    review_of,
    review_progress,
    reviews_of_item,
    save_draft,
    submit,
    visible_to_examiner,
)
from ..storage.files import StorageUnavailable
from ..team import holders
from .context import (
    AssessmentContext,
    answers_refusals,
    display_names,
    item_or_404,
    load_assessment,
    utc_now,
)
from .errors import kept_text, record_event, storage_error_page
from .messages import csrf_reason, review_error
from .statement_forms import ReviewForm, note_field, review_form_class

bp = Blueprint("review", __name__, url_prefix="/a/<assessment_id>/review")

# Who sees the whole team's progress (states only); examiners see their own items.
PROGRESS_READERS = frozenset({Role.COORDINATOR, Role.LEADER})


@bp.get("/")
def index(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.VIEW_REVIEW_PROGRESS)
    examiners = holders(ctx.data, Role.EXAMINER)
    reviews = all_reviews(ctx.data)
    progress = review_progress(
        {examiner.username: examiner.assigned.get(Role.EXAMINER, frozenset())
         for examiner in examiners},
        reviews, [item.id for item in ctx.framework.items])
    own_scores = {review.item: review.score for review in reviews
                  if review.examiner == ctx.user.username}
    return render_template(
        "review_index.html", ctx=ctx, progress=progress, own_scores=own_scores,
        is_examiner=Role.EXAMINER in ctx.member.roles,
        sees_team=bool(ctx.member.roles & PROGRESS_READERS),
        names=display_names(),
    )


@bp.route("/items/<item_id>", methods=["GET", "POST"])
def item(assessment_id: str, item_id: str):  # type: ignore[no-untyped-def]
    ctx, scored, factors, form = _load_entry(assessment_id, item_id)
    stored = review_of(ctx.data, scored.id, ctx.user.username)
    if request.method == "GET":
        form.show(stored)
        return _render(ctx, scored, form, stored, factors)
    if stored.submitted:
        form.show(stored)
        flash(_("Nothing was saved: this entry is submitted and read-only. The coordinator can "
                "reopen it if it needs a change."), "error")
        return _render(ctx, scored, form, stored, factors), 400
    if form.validate_on_submit():
        try:
            _store(ctx, form.entry(scored.id, ctx.user.username),
                   submitting=bool(form.submit_entry.data))
        except ReviewError as error:  # e.g. submitted meanwhile from another window
            flash(_("Nothing was saved: %(reason)s", reason=review_error(error)), "error")
            return _render(ctx, scored, form, stored, factors), 400
        return redirect(url_for("review.item", assessment_id=ctx.record.id, item_id=scored.id))
    flash(_("Nothing was saved: see the messages below. Your text is kept."), "error")
    return _render(ctx, scored, form, stored, factors), 400


def _store(ctx: AssessmentContext, entry: Review, submitting: bool) -> None:
    step = ctx.framework.scoring.step
    if submitting:
        submit(ctx.data, entry, step, utc_now())
        # No score in the trail: coordinators and leaders read it, and scores stay blind.
        record_event(ctx, "score_submitted", item=entry.item)
        flash(_("Your review of item %(item)s is submitted and now read-only. Other examiners' "
                "submitted reviews of this item are shown below.", item=entry.item), "success")
    else:
        save_draft(ctx.data, entry, step, utc_now())
        record_event(ctx, "review_draft_saved", item=entry.item)
        flash(_("Draft saved. Only you can see it until you submit."), "success")


@bp.post("/items/<item_id>/reopen/<examiner>", endpoint="reopen")
def reopen_entry(assessment_id: str, item_id: str, examiner: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.REOPEN_REVIEW, item_id)
    try:
        reopen(ctx.data, item_id, examiner)
    except ReviewError as error:
        flash(review_error(error), "error")
    else:
        record_event(ctx, "review_reopened", item=item_id, examiner=examiner)
        flash(_("Reopened %(examiner)s's review of item %(item)s: they can edit and submit it "
                "again.", examiner=examiner, item=item_id), "success")
    return redirect(url_for("review.index", assessment_id=ctx.record.id))


@bp.errorhandler(CSRFError)
@bp.errorhandler(StorageUnavailable)
@answers_refusals
def keep_text_of_unsaved_form(error: CSRFError | StorageUnavailable):  # type: ignore[no-untyped-def]
    """An expired or missing CSRF token, or a disk that cannot be written, saves nothing; an
    examiner gets their text back."""
    if isinstance(error, StorageUnavailable) and request.endpoint != "review.item":
        return storage_error_page(error)  # reopening an entry: no text to give back
    if request.endpoint != "review.item":
        flash(_("Nothing was changed: the form had expired or did not come from this page "
                "(%(reason)s) Try again from this page.", reason=csrf_reason(error.description)),
              "error")
        return redirect(url_for("review.index", assessment_id=request.view_args["assessment_id"]))
    ctx, scored, factors, form = _load_entry(request.view_args["assessment_id"],
                                             request.view_args["item_id"])
    status = kept_text(error)
    return _render(ctx, scored, form, review_of(ctx.data, scored.id, ctx.user.username),
                   factors), status


def _load_entry(assessment_id: str, item_id: str
                ) -> tuple[AssessmentContext, Item, list[KeyFactor], ReviewForm]:
    """The examiner's context, the item they score, the key factors and the entry form."""
    ctx = load_assessment(assessment_id, Action.SCORE, item_id)
    scored = item_or_404(ctx, item_id)
    factors = key_factors(ctx.data)
    guideline = ctx.framework.scoring.guidelines[scored.kind]
    form_class = review_form_class(guideline.dimensions, ctx.framework.scoring.step)
    return ctx, scored, factors, form_class({factor.id for factor in factors})


def _render(ctx: AssessmentContext, scored: Item, form: ReviewForm, stored: Review,
            factors: list[KeyFactor]) -> str:
    guideline: Guideline = ctx.framework.scoring.guidelines[scored.kind]
    answers = load_answers(ctx.data)
    others = [review for review in visible_to_examiner(
        reviews_of_item(ctx.data, scored.id), ctx.user.username)
        if review.examiner != ctx.user.username]
    return render_template(
        "review_item.html", ctx=ctx, item=scored, form=form, stored=stored,
        guideline=guideline, note_field=note_field, key_factors=factors,
        current_band=form.current_band(guideline),
        answers=answers, answer_progress=of_questions(scored.questions, answers), others=others,
        factor_texts={factor.id: factor.text for factor in factors},
        names=display_names(),
    )
