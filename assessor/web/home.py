"""The signed-in user's assessments, and the form that starts a new one."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for

from ..access import Role
from ..answers import load_answers
from ..paths import framework_files
from ..phases import current_phase
from ..progress import assessment_progress
from ..storage.files import DataFileError
from ..team import add_role, member
from .context import current_user, framework_named, store, utc_now
from .forms import NewAssessmentForm

bp = Blueprint("home", __name__)


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    user = current_user()
    rows = []
    for record in store().list_assessments():
        data_file = store().assessment_file(record.id)
        try:
            membership = member(data_file, user.username)
            if membership is None:
                continue  # no role, no row: nothing of it shows
            framework = framework_named(record.framework)
            progress = assessment_progress(framework, load_answers(data_file)).overall
            rows.append((record, framework, progress, membership, current_phase(data_file)))
        except DataFileError as error:
            current_app.logger.error("data file problem: %s", error)
            # Who holds a role is in the unreadable file: only administrators see the row.
            if user.is_admin:
                rows.append((record, framework_named(record.framework), None, None, None))
    return render_template("home.html", rows=rows)


@bp.route("/assessments/new", methods=["GET", "POST"])
def new_assessment():  # type: ignore[no-untyped-def]
    form = NewAssessmentForm()
    form.framework.choices = [
        (path.name, framework_named(path.name).title.en) for path in framework_files()
    ]
    if form.validate_on_submit():
        user = current_user()
        record = store().create(form.organization.data.strip(), form.cycle.data.strip(),
                                form.framework.data, created_at=utc_now())
        add_role(store().assessment_file(record.id), user.username, Role.COORDINATOR)
        store().audit(record.id).record(user.username, "assessment_created",
                                        organization=record.organization, cycle=record.cycle)
        flash(f"Assessment for {record.organization} ({record.cycle}) created; you are its "
              "coordinator. Add the team and assign items next.", "success")
        return redirect(url_for("questionnaire.overview", assessment_id=record.id))
    return render_template("new_assessment.html", form=form), 400 if form.errors else 200
