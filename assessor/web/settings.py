"""The settings page: an assessment's consensus threshold and what its feedback report shows."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from ..access import Action
from ..settings import Settings, load_settings, save_settings
from .context import load_assessment
from .team import SETUP_PREFIX

bp = Blueprint("settings", __name__, url_prefix=SETUP_PREFIX)


class PercentagePointsField(IntegerField):
    """An IntegerField whose message for text that is not a number says what to enter."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter a whole number of percentage points, 0 to 100.") from error


class SettingsForm(FlaskForm):
    variance_threshold = PercentagePointsField(
        "Variance threshold (percentage points)",
        validators=[InputRequired("Enter a whole number of percentage points, 0 to 100."),
                    NumberRange(0, 100, "The threshold is 0 to 100 percentage points.")],
        description="Items whose examiner scores span more than this are flagged and "
                    "discussed first at consensus.")
    report_shows_total = BooleanField("The feedback report shows the total score out of 1000")
    report_shows_exact_scores = BooleanField(
        "The feedback report shows exact item percentages (otherwise only score bands)")


@bp.route("/settings", methods=["GET", "POST"], endpoint="index")
def settings(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.MANAGE)
    form = SettingsForm(obj=load_settings(ctx.data))
    if form.validate_on_submit():
        chosen = Settings(variance_threshold=form.variance_threshold.data,
                          report_shows_total=form.report_shows_total.data,
                          report_shows_exact_scores=form.report_shows_exact_scores.data)
        save_settings(ctx.data, chosen)
        ctx.record_event("settings_saved", **asdict(chosen))
        flash("Settings saved.", "success")
        return redirect(url_for("settings.index", assessment_id=ctx.record.id))
    if form.errors:
        flash("The settings were not saved: see the message below.", "error")
    return render_template("team_settings.html", ctx=ctx, form=form
                           ), 400 if form.errors else 200
