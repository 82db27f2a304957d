"""The coordinator's set-up pages: team and assignments, phases, key factors, settings; audit."""

from __future__ import annotations

import functools
from dataclasses import asdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..access import PHASE_ORDER, Action, Member, Role
from ..audit import describe
from ..key_factors import MAX_KEY_FACTORS, key_factors, save_key_factors
from ..phases import PHASE_ALLOWS, PhaseError, move_from, neighbours, opening_warnings
from ..review import all_reviews
from ..settings import Settings, load_settings, save_settings
from ..team import (
    TeamError,
    add_role,
    assign,
    coverage,
    designate_consensus_lead,
    members,
    uncovered,
    unsubmitted_entries,
    withdraw_role,
)
from .context import AssessmentContext, load_assessment, users
from .questionnaire import PROFILE_ID

bp = Blueprint("team", __name__, url_prefix="/a/<assessment_id>/team")

ASSIGNABLE = (Role.WRITER, Role.EXAMINER)
NEW_FACTOR_FIELDS = ("new_1", "new_2")
MAX_KEY_FACTOR_CHARS = 200


# -- forms ------------------------------------------------------------------------------------
class AddMemberForm(FlaskForm):
    username = SelectField("Person", validators=[DataRequired()])
    role = SelectField("Role", choices=[role.value for role in (
        Role.WRITER, Role.EXAMINER, Role.LEADER, Role.COORDINATOR)], validators=[DataRequired()])


class AssignmentForm(FlaskForm):
    """The sections one writer or examiner works on (prefixed per person on the page)."""

    items = SelectMultipleField("Items")
    save = SubmitField("Save assignments")
    all_items = SubmitField("Assign all items")


class ConsensusLeadForm(FlaskForm):
    lead = SelectField("Consensus lead")


class PhaseForm(FlaskForm):
    shown = HiddenField(validators=[DataRequired()])  # the phase the page showed
    target = HiddenField(validators=[DataRequired()])


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


@functools.cache
def key_factors_form_class(factor_ids: tuple[str, ...]) -> type[FlaskForm]:
    """A text input per existing key factor, named by its id, and inputs for new ones."""

    class KeyFactorsForm(FlaskForm):
        pass

    for name in (*factor_ids, *NEW_FACTOR_FIELDS):
        setattr(KeyFactorsForm, name, StringField(name, validators=[Length(
            max=MAX_KEY_FACTOR_CHARS,
            message=f"A key factor is a short phrase of at most {MAX_KEY_FACTOR_CHARS} "
                    "characters.")]))
    return KeyFactorsForm


# -- team and assignments ---------------------------------------------------------------------
def _sections(ctx: AssessmentContext, role: Role) -> list[str]:
    """What a role is assigned: writers also write the profile; examiners score items only."""
    items = [item.id for item in ctx.framework.items]
    return [PROFILE_ID, *items] if role is Role.WRITER else items


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        abort(404, description=f"'{value}' is not a role in assessor.")


# Several forms share the team page; each POST fills only its own form from the request.
def _formdata(submitted: bool):  # type: ignore[no-untyped-def]
    return request.form if submitted else None


def _assignment_form(ctx: AssessmentContext, role: Role, person: Member,
                     submitted: bool = False) -> AssignmentForm:
    form = AssignmentForm(formdata=_formdata(submitted), prefix=f"{role}-{person.username}",
                          data={"items": sorted(person.assigned.get(role, ()))})
    form.items.choices = _sections(ctx, role)
    return form


def _add_member_form(submitted: bool = False) -> AddMemberForm:
    form = AddMemberForm(formdata=_formdata(submitted))
    form.username.choices = [("", "Choose a person")] + [
        (user.username, f"{user.display_name} ({user.username})") for user in users().all()]
    return form


def _lead_form(team: list[Member], submitted: bool = False) -> ConsensusLeadForm:
    lead = next((person.username for person in team if person.consensus_lead), "")
    form = ConsensusLeadForm(formdata=_formdata(submitted), data={"lead": lead})
    names = _display_names()
    form.lead.choices = [("", "Nobody: the coordinator records consensus")] + [
        (person.username, names.get(person.username, person.username))
        for person in team if Role.EXAMINER in person.roles]
    return form


def _display_names() -> dict[str, str]:
    return {user.username: user.display_name for user in users().all()}


def _team(ctx: AssessmentContext) -> list[Member]:
    return sorted(members(ctx.data).values(), key=lambda m: m.username)


def _render_index(ctx: AssessmentContext, add_form: AddMemberForm | None = None,
                  lead_form: ConsensusLeadForm | None = None,
                  sent_assignment: tuple[Role, str, AssignmentForm] | None = None,
                  status: int = 200):  # type: ignore[no-untyped-def]
    """The team page; a form that failed validation is shown as sent, with its messages."""
    team = _team(ctx)
    sent = {sent_assignment[:2]: sent_assignment[2]} if sent_assignment else {}

    def assignment_form(role: Role, person: Member) -> AssignmentForm:
        key = (role, person.username)
        return sent[key] if key in sent else _assignment_form(ctx, role, person)

    assignment_forms = {
        role: [(person, assignment_form(role, person)) for person in team if role in person.roles]
        for role in ASSIGNABLE
    }
    assigned_to = {role: coverage(team, role, _sections(ctx, role)) for role in ASSIGNABLE}
    return render_template(
        "team_index.html", ctx=ctx, team=team, names=_display_names(),
        add_form=add_form or _add_member_form(), lead_form=lead_form or _lead_form(team),
        assignment_forms=assignment_forms, assigned_to=assigned_to,
        gaps={role: uncovered(assigned_to[role]) for role in ASSIGNABLE},
        sections={role: _sections(ctx, role) for role in ASSIGNABLE},
        phase_order=PHASE_ORDER, next_phase=neighbours(ctx.phase)[1], profile_id=PROFILE_ID,
    ), status


@bp.get("/")
def index(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.MANAGE)
    return _render_index(ctx)


@bp.post("/members")
def add_member(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.MANAGE)
    form = _add_member_form(submitted=True)
    if form.validate_on_submit():
        username, role = form.username.data, Role(form.role.data)
        if add_role(ctx.data, username, role):
            ctx.record_event("member_added", username=username, role=role.value)
            flash(f"{username} is now a {role} in this assessment."
                  + (" Assign their items below." if role in ASSIGNABLE else ""), "success")
            return redirect(url_for("team.index", assessment_id=ctx.record.id))
        form.role.errors = [f"{username} already holds the {role} role here; choose another "
                            "role or person."]
    flash("Nobody was added: see the message under the form.", "error")
    return _render_index(ctx, add_form=form, status=400)


@bp.post("/members/<username>/<role>/remove")
def remove_role(assessment_id: str, username: str, role: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.MANAGE)
    role = _role(role)
    try:
        lead_ended = withdraw_role(ctx.data, username, role)
    except TeamError as error:
        flash(f"Nothing was removed: {error}", "error")
        return redirect(url_for("team.index", assessment_id=ctx.record.id))
    ctx.record_event("role_removed", username=username, role=role.value, lead_ended=lead_ended)
    flash(f"{username} is no longer a {role} here"
          + (", nor the consensus lead" if lead_ended else "")
          + ("; their assignments in that role are cleared." if role in ASSIGNABLE else "."),
          "success")
    if username == ctx.user.username and role is Role.COORDINATOR:
        return redirect(url_for("home.index"))  # the team pages are no longer theirs
    return redirect(url_for("team.index", assessment_id=ctx.record.id))


@bp.post("/assignments/<role>/<username>")
def assign_items(assessment_id: str, role: str, username: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.MANAGE)
    role = _role(role)
    person = members(ctx.data).get(username)
    if role not in ASSIGNABLE or person is None or role not in person.roles:
        # A stale page: the role was removed meanwhile, or the address was made up.
        flash(f"{username} is not a {role} in this assessment (any more), so nothing was "
              "assigned. The page below shows the team as it is now.", "error")
        return redirect(url_for("team.index", assessment_id=ctx.record.id))
    form = _assignment_form(ctx, role, person, submitted=True)
    if not form.validate_on_submit():
        flash(f"The assignments of {username} were not saved: see the message in their form.",
              "error")
        return _render_index(ctx, sent_assignment=(role, username, form), status=400)
    items = sorted(set(_sections(ctx, role) if form.all_items.data else form.items.data or []))
    assign(ctx.data, username, role, items)
    ctx.record_event("items_assigned", username=username, role=role.value, items=items)
    flash(f"{username} as {role}: {len(items)} assigned "
          f"({', '.join(items) or 'none'}).", "success")
    return redirect(url_for("team.index", assessment_id=ctx.record.id))


@bp.post("/consensus-lead")
def consensus_lead(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.MANAGE)
    form = _lead_form(_team(ctx), submitted=True)
    if form.validate_on_submit():
        lead = form.lead.data or None
        try:
            designate_consensus_lead(ctx.data, lead)
        except TeamError as error:
            form.lead.errors = [str(error)]
        else:
            ctx.record_event("consensus_lead_set", username=lead)
            flash(f"{lead} leads consensus." if lead else
                  "No consensus lead: the coordinator records consensus.", "success")
            return redirect(url_for("team.index", assessment_id=ctx.record.id))
    flash("The consensus lead was not changed: see the message under the form.", "error")
    return _render_index(ctx, lead_form=form, status=400)


# -- phases -----------------------------------------------------------------------------------
@bp.route("/phase", methods=["GET", "POST"])
def phase(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.MANAGE)
    if request.method == "GET":
        return _render_phase(ctx)
    form = PhaseForm()
    phases = {phase.value: phase for phase in PHASE_ORDER}
    if not form.validate_on_submit() or {form.shown.data, form.target.data} - phases.keys():
        flash("The phase was not changed: the form did not name a known phase. Reload this "
              "page and use its buttons.", "error")
        return _render_phase(ctx, status=400)
    target = phases[form.target.data]
    try:
        previous = move_from(ctx.data, phases[form.shown.data], target)
    except PhaseError as error:
        flash(f"The phase was not changed. {error}", "error")
        return _render_phase(ctx, status=409)
    ctx.record_event("phase_changed", **{"from": previous.value, "to": target.value})
    flash(f"{target.label} is open (was {previous.label}). {PHASE_ALLOWS[target]}", "success")
    return redirect(url_for("team.phase", assessment_id=ctx.record.id))


def _render_phase(ctx: AssessmentContext, status: int = 200):  # type: ignore[no-untyped-def]
    before, after = neighbours(ctx.phase)
    team = members(ctx.data).values()
    warnings = []
    if after is not None:
        no_examiner = uncovered(coverage(team, Role.EXAMINER, _sections(ctx, Role.EXAMINER)))
        submitted = [(r.examiner, r.item) for r in all_reviews(ctx.data) if r.submitted]
        warnings = opening_warnings(after, no_examiner, unsubmitted_entries(team, submitted))
    return render_template("team_phase.html", ctx=ctx, before=before, after=after,
                           warnings=warnings, allows=PHASE_ALLOWS, phase_order=PHASE_ORDER,
                           ), status


# -- key factors and settings -----------------------------------------------------------------
@bp.route("/key-factors", methods=["GET", "POST"], endpoint="key_factors")
def edit_key_factors(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.EDIT_KEY_FACTORS)
    factors = key_factors(ctx.data)
    form = key_factors_form_class(tuple(f.id for f in factors))(
        data={factor.id: factor.text for factor in factors})
    if form.validate_on_submit():
        try:
            saved = save_key_factors(
                ctx.data, {factor.id: form[factor.id].data or "" for factor in factors},
                [form[name].data or "" for name in NEW_FACTOR_FIELDS])
        except ValueError as error:
            flash(f"The key factors were not saved: {error} Your text is kept below.", "error")
        else:
            kept = {factor.id for factor in saved}
            ctx.record_event("key_factors_saved",
                             factors=[{"id": f.id, "text": f.text} for f in saved],
                             removed=[f.id for f in factors if f.id not in kept])
            flash(f"Key factors saved ({len(saved)}).", "success")
            return redirect(url_for("team.key_factors", assessment_id=ctx.record.id))
    elif form.errors:
        flash("The key factors were not saved: see the messages below.", "error")
    # A POST that gets here saved nothing.
    return render_template("team_key_factors.html", ctx=ctx, form=form, factors=factors,
                           new_fields=NEW_FACTOR_FIELDS, max_factors=MAX_KEY_FACTORS,
                           ), 400 if request.method == "POST" else 200


@bp.route("/settings", methods=["GET", "POST"])
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
        return redirect(url_for("team.settings", assessment_id=ctx.record.id))
    if form.errors:
        flash("The settings were not saved: see the message below.", "error")
    return render_template("team_settings.html", ctx=ctx, form=form
                           ), 400 if form.errors else 200


# -- audit ------------------------------------------------------------------------------------
@bp.get("/audit")
def audit(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.VIEW_AUDIT)
    log = ctx.data.audit.read()
    rows = [(entry, describe(entry)) for entry in reversed(log.entries)]
    return render_template("team_audit.html", ctx=ctx, rows=rows, names=_display_names(),
                           unreadable_lines=log.unreadable_lines)
