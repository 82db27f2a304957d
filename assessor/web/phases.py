"""The phases page: the coordinator opens the next phase or reopens the previous one.

A move takes two steps: the button asks, a page says what the move will do, and only the
second POST (with `confirm=yes`) moves the assessment."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import DataRequired

from ..access import PHASE_ORDER, Action, Phase, Role
from ..answers import load_answers
from ..i18n import phase_name
from ..next_cycle import carried_over
from ..phases import PhaseError, move_from, neighbours, opening_warnings
from ..review import all_reviews
from ..team import coverage, members, uncovered, unsubmitted_entries
from .context import AssessmentContext, load_assessment
from .forms import Form
from .messages import PHASE_ALLOWS, opening_warning, phase_error
from .team import SETUP_PREFIX, sections

bp = Blueprint("phases", __name__, url_prefix=SETUP_PREFIX)


WRITING, REVIEW, CONSENSUS, FEEDBACK = PHASE_ORDER
# What each move does, said on the confirmation page before it is made.
MOVE_EFFECTS = {
    (WRITING, REVIEW): _l("Answers are frozen: nobody can change them while the review runs. "
                          "Examiners start scoring their assigned items, each on their own."),
    (REVIEW, CONSENSUS): _l("Review entries are frozen: examiners can no longer save or submit "
                            "their scores, and every examiner sees the others' scores."),
    (CONSENSUS, FEEDBACK): _l("The cycle closes: consensus can no longer change, and the "
                              "feedback report is shown to the whole team."),
    (REVIEW, WRITING): _l("Writers can change their answers again; examiners cannot score "
                          "until the review is opened again. Review entries are kept."),
    (CONSENSUS, REVIEW): _l("Examiners can work on review entries again (the coordinator can "
                            "reopen submitted ones); consensus cannot be recorded until "
                            "consensus opens again. Consensus records are kept."),
    (FEEDBACK, CONSENSUS): _l("The cycle reopens: consensus can change again, and the report "
                              "is a draft again, shown only to the coordinator, leaders and "
                              "the consensus lead."),
}


class PhaseForm(Form):
    shown = HiddenField(validators=[DataRequired()])  # the phase the page showed
    target = HiddenField(validators=[DataRequired()])
    confirm = HiddenField()  # "yes" on the confirmation page's form: only then it moves


def _refusal(current: Phase, shown: Phase, target: Phase) -> PhaseError | None:
    """Why a move asked from a page showing `shown` cannot be made now (as move_from says)."""
    if current is not shown:
        return PhaseError("moved", current=current, shown=shown)
    if target not in neighbours(current):
        return PhaseError("not_adjacent", current=current, target=target)
    return None


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
    if form.confirm.data != "yes":  # the first step: say what the move will do, change nothing
        refused = _refusal(ctx.phase, phases[form.shown.data], target)
        if refused is not None:
            flash(_("The phase was not changed. %(reason)s", reason=phase_error(refused)),
                  "error")
            return _render(ctx, status=409)
        return _confirm(ctx, target)
    try:
        previous = move_from(ctx.data, phases[form.shown.data], target)
    except PhaseError as error:
        flash(_("The phase was not changed. %(reason)s", reason=phase_error(error)), "error")
        return _render(ctx, status=409)
    ctx.record_event("phase_changed", **{"from": previous.value, "to": target.value})
    flash(_("%(phase)s is open (was %(previous)s). %(allows)s", phase=phase_name(target),
            previous=phase_name(previous), allows=PHASE_ALLOWS[target]), "success")
    return redirect(url_for("phases.index", assessment_id=ctx.record.id))


def _confirm(ctx: AssessmentContext, target: Phase):  # type: ignore[no-untyped-def]
    forward = PHASE_ORDER.index(target) > PHASE_ORDER.index(ctx.phase)
    return render_template("team_phase_confirm.html", ctx=ctx, target=target, forward=forward,
                           effect=MOVE_EFFECTS[ctx.phase, target], allows=PHASE_ALLOWS,
                           warnings=_warnings(ctx, target) if forward else [],
                           phase_order=PHASE_ORDER)


def _warnings(ctx: AssessmentContext, after: Phase) -> list[str]:
    team = members(ctx.data).values()
    no_examiner = uncovered(coverage(team, Role.EXAMINER, sections(ctx, Role.EXAMINER)))
    submitted = [(r.examiner, r.item) for r in all_reviews(ctx.data) if r.submitted]
    left = carried_over(ctx.framework, load_answers(ctx.data)).total
    return [opening_warning(warning) for warning in opening_warnings(
        after, no_examiner, unsubmitted_entries(team, submitted), left)]


def _render(ctx: AssessmentContext, status: int = 200):  # type: ignore[no-untyped-def]
    before, after = neighbours(ctx.phase)
    warnings = _warnings(ctx, after) if after is not None else []
    return render_template("team_phase.html", ctx=ctx, before=before, after=after,
                           warnings=warnings, allows=PHASE_ALLOWS, phase_order=PHASE_ORDER,
                           ), status
