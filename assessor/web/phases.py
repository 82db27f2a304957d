"""The phases page: the coordinator opens the next phase or reopens the previous one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import HiddenField
from wtforms.validators import DataRequired

from ..access import PHASE_ORDER, Action, Role
from ..i18n import phase_name
from ..phases import PhaseError, move_from, neighbours, opening_warnings
from ..review import all_reviews
from ..team import coverage, members, uncovered, unsubmitted_entries
from .context import AssessmentContext, load_assessment
from .forms import Form
from .messages import PHASE_ALLOWS, opening_warning, phase_error
from .team import SETUP_PREFIX, sections

bp = Blueprint("phases", __name__, url_prefix=SETUP_PREFIX)


class PhaseForm(Form):
    shown = HiddenField(validators=[DataRequired()])  # the phase the page showed
    target = HiddenField(validators=[DataRequired()])


@bp.route("/phase", methods=["GET", "POST"], endpoint="index")
def phase(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.MANAGE)
    if request.method == "GET":
        return _render(ctx)
    form = PhaseForm()
    phases = {phase.value: phase for phase in PHASE_ORDER}
    if not form.validate_on_submit() or {form.shown.data, form.target.data} - phases.keys():
        flash(_("The phase was not changed: the form did not name a known phase. Reload this "
                "page and use its buttons."), "error")
        return _render(ctx, status=400)
    target = phases[form.target.data]
    try:
        previous = move_from(ctx.data, phases[form.shown.data], target)
    except PhaseError as error:
        flash(_("The phase was not changed. %(reason)s", reason=phase_error(error)), "error")
        return _render(ctx, status=409)
    ctx.record_event("phase_changed", **{"from": previous.value, "to": target.value})
    flash(_("%(phase)s is open (was %(previous)s). %(allows)s", phase=phase_name(target),
            previous=phase_name(previous), allows=PHASE_ALLOWS[target]), "success")
    return redirect(url_for("phases.index", assessment_id=ctx.record.id))


def _render(ctx: AssessmentContext, status: int = 200):  # type: ignore[no-untyped-def]
    before, after = neighbours(ctx.phase)
    team = members(ctx.data).values()
    warnings = []
    if after is not None:
        no_examiner = uncovered(coverage(team, Role.EXAMINER, sections(ctx, Role.EXAMINER)))
        submitted = [(r.examiner, r.item) for r in all_reviews(ctx.data) if r.submitted]
        warnings = [opening_warning(warning) for warning in opening_warnings(
            after, no_examiner, unsubmitted_entries(team, submitted))]
    return render_template("team_phase.html", ctx=ctx, before=before, after=after,
                           warnings=warnings, allows=PHASE_ALLOWS, phase_order=PHASE_ORDER,
                           ), status
