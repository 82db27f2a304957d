"""Start the next cycle from this one: the page that says what it takes along, and does it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..access import Action, OrgAction
from ..next_cycle import (
    NextCycleError,
    cycle_names,
    start_next_cycle,
    suggested_cycle_name,
    what_carries_over,
)
from .context import load_assessment, load_organization, store
from .forms import Form
from .messages import next_cycle_error

bp = Blueprint("next_cycle", __name__, url_prefix="/a/<assessment_id>")

MAX_CYCLE_CHARS = 50  # as the new-cycle form


class NextCycleForm(Form):
    cycle = StringField(_l("Name of the new cycle"),
                        validators=[DataRequired(), Length(max=MAX_CYCLE_CHARS)],
                        description=_l("For example the year. A name the organization already "
                                       "has is refused."))


@bp.route("/next-cycle", methods=["GET", "POST"], endpoint="new")
def new(assessment_id: str):  # type: ignore[no-untyped-def]
    # Whoever sees the cycle first (a 403 says nothing of it to others), then the
    # organization's managers only: they start its cycles.
    ctx = load_assessment(assessment_id, Action.VIEW)
    load_organization(ctx.record.organization_id, OrgAction.CREATE_CYCLE)
    form = NextCycleForm()
    carries = what_carries_over(ctx.data, ctx.framework)
    if request.method == "GET":
        form.cycle.data = suggested_cycle_name(
            ctx.record.cycle, cycle_names(store().assessments, ctx.record.organization_id))
    if form.validate_on_submit():
        try:
            record = start_next_cycle(store().assessments, store().organizations, ctx.record,
                                      ctx.framework, form.cycle.data, ctx.user.username)
        except NextCycleError as error:
            form.cycle.errors.append(next_cycle_error(error))
        else:
            flash(ngettext(
                "Cycle %(cycle)s started from %(previous)s; you coordinate it. %(num)d answer "
                "is carried over as a draft to check.",
                "Cycle %(cycle)s started from %(previous)s; you coordinate it. %(num)d answers "
                "are carried over as drafts to check.", carries.answers,
                cycle=record.cycle, previous=ctx.record.cycle), "success")
            return redirect(url_for("questionnaire.overview", assessment_id=record.id))
    status = 400 if form.errors else 200
    return render_template("next_cycle.html", ctx=ctx, form=form, carries=carries), status
