"""The list of assessments and the form that starts a new one."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for

from ..answers import load_answers
from ..paths import framework_files
from ..progress import assessment_progress
from ..storage.files import DataFileError
from .context import framework_named, store, utc_now
from .forms import NewAssessmentForm

bp = Blueprint("home", __name__)


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    rows = []
    for record in store().list_assessments():
        framework = framework_named(record.framework)
        try:
            answers = load_answers(store().assessment_file(record.id))
        except DataFileError as error:
            current_app.logger.error("data file problem: %s", error)
            rows.append((record, framework, None))  # listed, flagged, not hidden
            continue
        rows.append((record, framework, assessment_progress(framework, answers).overall))
    return render_template("home.html", rows=rows)


@bp.route("/assessments/new", methods=["GET", "POST"])
def new_assessment():  # type: ignore[no-untyped-def]
    form = NewAssessmentForm()
    form.framework.choices = [
        (path.name, framework_named(path.name).title.en) for path in framework_files()
    ]
    if form.validate_on_submit():
        record = store().create(form.organization.data.strip(), form.cycle.data.strip(),
                                form.framework.data, created_at=utc_now())
        flash(f"Assessment for {record.organization} ({record.cycle}) created. "
              "Start with the organizational profile.", "success")
        return redirect(url_for("questionnaire.overview", assessment_id=record.id))
    return render_template("new_assessment.html", form=form), 400 if form.errors else 200
