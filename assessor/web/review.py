"""Independent review: examiners score their assigned items alone; the team follows progress.

Blind review is enforced here by showing other examiners' entries only through
`review.visible_to_examiner`; coordinators and leaders see who has submitted, never the scores.
"""

from __future__ import annotations

import functools

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from wtforms import Field, SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, ValidationError

from ..access import Action, Role
from ..answers import load_answers
from ..criteria import Item
from ..criteria.model import Band, Dimension, Guideline
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
from ..statements import Statement, StatementError, format_statements, parse_statements
from ..team import holders
from .context import AssessmentContext, answers_refusals, load_assessment, users, utc_now
from .forms import length_limit, normalized_text, statements_field

bp = Blueprint("review", __name__, url_prefix="/a/<assessment_id>/review")

MAX_NOTE_CHARS = 5000
# Who sees the whole team's progress (states only); examiners see their own items.
PROGRESS_READERS = frozenset({Role.COORDINATOR, Role.LEADER})



def note_field(dimension_id: str) -> str:
    return f"note_{dimension_id}"



@functools.cache
def review_form_class(dimensions: tuple[Dimension, ...], step: int) -> type[FlaskForm]:
    """The entry form for one kind of item: score, a note per dimension, strengths and OFIs."""
    scores = [str(percent) for percent in range(0, 101, step)]

    class ReviewForm(FlaskForm):
        score = SelectField(
            "Score", choices=[SelectChoice("", "Not scored yet"),
                             *(SelectChoice(s, f"{s}%") for s in scores)],
            validate_choice=False,  # AnyOf below says what is wrong; "%%" is a literal "%"
            validators=[AnyOf(["", *scores], message=f"Pick a score from the list: 0 to 100%% "
                                                     f"in steps of {step}.")])
        strengths = statements_field("Strengths", "Strengths")
        ofis = statements_field("Opportunities for improvement", "OFIs")
        save_draft = SubmitField("Save draft")
        submit_entry = SubmitField("Submit (then read-only)")

        def validate_score(self, field: Field) -> None:
            if self.submit_entry.data and not field.data:
                raise ValidationError("Choose a score before submitting; a draft can be "
                                      "saved without one.")

    for dimension in dimensions:
        setattr(ReviewForm, note_field(dimension.id), TextAreaField(
            dimension.title.en, filters=[normalized_text],
            validators=[length_limit(MAX_NOTE_CHARS, f"The {dimension.title.en} note")]))
    return ReviewForm


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
        names={user.username: user.display_name for user in users().all()},
    )


@bp.route("/items/<item_id>", methods=["GET", "POST"])
def item(assessment_id: str, item_id: str):  # type: ignore[no-untyped-def]
    ctx, scored, guideline, form = _load_entry(assessment_id, item_id)
    stored = review_of(ctx.data, scored.id, ctx.user.username)
    factors = key_factors(ctx.data)
    if request.method == "GET":
        _fill(form, stored, guideline)
        return _render(ctx, scored, form, stored, factors)
    if stored.submitted:
        _fill(form, stored, guideline)
        flash("Nothing was saved: this entry is submitted and read-only. The coordinator can "
              "reopen it if it needs a change.", "error")
        return _render(ctx, scored, form, stored, factors), 400
    if form.validate_on_submit():
        entry = _entry_from(form, stored, guideline, {factor.id for factor in factors})
        if entry is not None:
            try:
                _store(ctx, entry, submitting=bool(form.submit_entry.data))
            except ReviewError as error:  # e.g. submitted meanwhile from another window
                flash(f"Nothing was saved: {error}", "error")
                return _render(ctx, scored, form, stored, factors), 400
            return redirect(url_for("review.item", assessment_id=ctx.record.id,
                                    item_id=scored.id))
    flash("Nothing was saved: see the messages below. Your text is kept.", "error")
    return _render(ctx, scored, form, stored, factors), 400


def _store(ctx: AssessmentContext, entry: Review, submitting: bool) -> None:
    step = ctx.framework.scoring.step
    if submitting:
        submit(ctx.data, entry, step, utc_now())
        # No score in the trail: coordinators and leaders read it, and scores stay blind.
        ctx.record_event("score_submitted", item=entry.item)
        flash(f"Your review of item {entry.item} is submitted and now read-only. Other "
              "examiners' submitted reviews of this item are shown below.", "success")
    else:
        save_draft(ctx.data, entry, step, utc_now())
        ctx.record_event("review_draft_saved", item=entry.item)
        flash("Draft saved. Only you can see it until you submit.", "success")


@bp.post("/items/<item_id>/reopen/<examiner>", endpoint="reopen")
def reopen_entry(assessment_id: str, item_id: str, examiner: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.REOPEN_REVIEW, item_id)
    try:
        reopen(ctx.data, item_id, examiner)
    except ReviewError as error:
        flash(str(error), "error")
    else:
        ctx.record_event("review_reopened", item=item_id, examiner=examiner)
        flash(f"Reopened {examiner}'s review of item {item_id}: they can edit and submit it "
              "again.", "success")
    return redirect(url_for("review.index", assessment_id=ctx.record.id))


@bp.errorhandler(CSRFError)
@answers_refusals
def keep_text_of_expired_form(error: CSRFError):  # type: ignore[no-untyped-def]
    """An expired or missing CSRF token saves nothing; an examiner gets their text back."""
    if request.endpoint != "review.item":
        flash(f"Nothing was changed: the form had expired or did not come from this page "
              f"({error.description}) Try again from this page.", "error")
        return redirect(url_for("review.index", assessment_id=request.view_args["assessment_id"]))
    ctx, scored, _, form = _load_entry(request.view_args["assessment_id"],
                                       request.view_args["item_id"])
    flash("Nothing was saved: the form had expired or did not come from this page "
          f"({error.description}) Your text is kept below; check it and save again.", "error")
    return _render(ctx, scored, form, review_of(ctx.data, scored.id, ctx.user.username),
                   key_factors(ctx.data)), 400


def _load_entry(assessment_id: str, item_id: str
                ) -> tuple[AssessmentContext, Item, Guideline, FlaskForm]:
    """The examiner's context, the item they score, its guideline and the entry form."""
    ctx = load_assessment(assessment_id, Action.SCORE, item_id)
    try:
        scored = ctx.framework.item(item_id)
    except KeyError:
        abort(404, description=f"The criteria have no item '{item_id}'.")
    guideline = ctx.framework.scoring.guidelines[scored.kind]
    return ctx, scored, guideline, review_form_class(guideline.dimensions,
                                                     ctx.framework.scoring.step)()


def _fill(form: FlaskForm, review: Review, guideline: Guideline) -> None:
    form.score.data = "" if review.score is None else str(review.score)
    for dimension in guideline.dimensions:
        form[note_field(dimension.id)].data = review.notes.get(dimension.id, "")
    form.strengths.data = format_statements(review.strengths)
    form.ofis.data = format_statements(review.ofis)


def _statements(field: Field, known_factors: set[str]) -> tuple[Statement, ...] | None:
    """The field's statements, or None with the parser's message on the field."""
    try:
        return tuple(parse_statements(field.data, known_factors, field.label.text))
    except StatementError as error:
        field.errors.append(str(error))
        return None


def _entry_from(form: FlaskForm, stored: Review, guideline: Guideline,
                known_factors: set[str]) -> Review | None:
    """The entry the form describes, or None when a statement field is wrong."""
    strengths = _statements(form.strengths, known_factors)
    ofis = _statements(form.ofis, known_factors)
    if strengths is None or ofis is None:
        return None
    notes = {dimension.id: form[note_field(dimension.id)].data
             for dimension in guideline.dimensions}
    return Review(item=stored.item, examiner=stored.examiner,
                  score=int(form.score.data) if form.score.data else None,
                  notes={key: text for key, text in notes.items() if text},
                  strengths=strengths, ofis=ofis)


def _current_band(form: FlaskForm, guideline: Guideline) -> Band | None:
    """The band of the score the form shows (saved, or just chosen), if it is a valid one."""
    if form.score.errors:
        return None
    try:
        return guideline.band_for(int(form.score.data))
    except (TypeError, ValueError):  # no score yet, or an unvalidated one off the scale
        return None


def _render(ctx: AssessmentContext, scored: Item, form: FlaskForm, stored: Review,
            factors: list[KeyFactor]) -> str:
    guideline = ctx.framework.scoring.guidelines[scored.kind]
    answers = load_answers(ctx.data)
    others = [review for review in visible_to_examiner(
        reviews_of_item(ctx.data, scored.id), ctx.user.username)
        if review.examiner != ctx.user.username]
    return render_template(
        "review_item.html", ctx=ctx, item=scored, form=form, stored=stored,
        guideline=guideline, note_field=note_field, key_factors=factors,
        current_band=_current_band(form, guideline),
        answers=answers, answer_progress=of_questions(scored.questions, answers), others=others,
        factor_texts={factor.id: factor.text for factor in factors},
        names={user.username: user.display_name for user in users().all()},
    )
