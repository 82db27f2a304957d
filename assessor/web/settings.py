"""The settings page: an assessment's consensus threshold and what its feedback report shows."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from ..access import Action
from ..settings import (
    MAX_VARIANCE_THRESHOLD,
    Settings,
    SettingsError,
    load_settings,
    save_settings,
)
from .context import load_assessment
from .forms import Form
from .messages import THRESHOLD_RANGE, settings_error
from .team import SETUP_PREFIX

bp = Blueprint("settings", __name__, url_prefix=SETUP_PREFIX)


ENTER_PERCENTAGE_POINTS = _l("Enter a whole number of percentage points, 0 to %(limit)d.",
                             limit=MAX_VARIANCE_THRESHOLD)


class PercentagePointsField(IntegerField):
    """An IntegerField whose message for text that is not a number says what to enter."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(ENTER_PERCENTAGE_POINTS)) from error


class SettingsForm(Form):
    variance_threshold = PercentagePointsField(
        _l("Variance threshold (percentage points)"),
        validators=[InputRequired(ENTER_PERCENTAGE_POINTS),
                    NumberRange(0, MAX_VARIANCE_THRESHOLD, THRESHOLD_RANGE)],
        description=_l("Items whose examiner scores span more than this are flagged and "
                       "discussed first at consensus."))
    report_shows_total = BooleanField(
        _l("The feedback report shows the total score out of 1000"))
    report_shows_exact_scores = BooleanField(
        _l("The feedback report shows exact item percentages (otherwise only score bands)"))


@bp.route("/settings", methods=["GET", "POST"], endpoint="index")
def settings(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.MANAGE)
    form = SettingsForm(obj=load_settings(ctx.data))
    refused = None
    if form.validate_on_submit():
        chosen = Settings(variance_threshold=form.variance_threshold.data,
                          report_shows_total=form.report_shows_total.data,
                          report_shows_exact_scores=form.report_shows_exact_scores.data)
        try:
            save_settings(ctx.data, chosen)
        except SettingsError as error:  # the form checks the same range first
            refused = settings_error(error)
        else:
            ctx.record_event("settings_saved", **asdict(chosen))
            flash(_("Settings saved."), "success")
            return redirect(url_for("settings.index", assessment_id=ctx.record.id))
    if refused:
        flash(_("The settings were not saved: %(reason)s", reason=refused), "error")
    elif form.errors:
        flash(_("The settings were not saved: see the message below."), "error")
    return render_template("team_settings.html", ctx=ctx, form=form
                           ), 400 if form.errors or refused else 200
