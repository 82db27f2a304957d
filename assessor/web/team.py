"""The team page: members and their roles, assignments of items, the consensus lead.

The other set-up pages share its menu and URL prefix: phases.py, key_factors.py, settings.py,
audit.py.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectChoice, SelectField, SelectMultipleField, SubmitField
from wtforms.validators import DataRequired, ValidationError

from ..access import PHASE_ORDER, Action, Member, Role
from ..i18n import ROLE_NAMES, role_name
from ..phases import neighbours
from ..team import (
    TeamError,
    add_role,
    assign,
    coverage,
    designate_consensus_lead,
    members,
    uncovered,
    withdraw_role,
)
from .context import AssessmentContext, display_names, load_assessment, users
from .forms import Form
from .messages import team_error

# The set-up pages (team, phases, key factors, settings, audit) live under this prefix.
SETUP_PREFIX = "/a/<assessment_id>/team"
bp = Blueprint("team", __name__, url_prefix=SETUP_PREFIX)

ASSIGNABLE = (Role.WRITER, Role.EXAMINER)


# -- forms ------------------------------------------------------------------------------------
class AddMemberForm(Form):
    username = SelectField(_l("Person"), validators=[DataRequired()])
    role = SelectField(_l("Role"), choices=[SelectChoice(role.value, ROLE_NAMES[role]) for role in (
        Role.WRITER, Role.EXAMINER, Role.LEADER, Role.COORDINATOR)], validators=[DataRequired()])


class AssignmentForm(Form):
    """The sections one writer or examiner works on (prefixed per person on the page)."""

    # validate_items says what is wrong (WTForms' message for this is not in its catalogue).
    items = SelectMultipleField(_l("Items"), validate_choice=False)
    save = SubmitField(_l("Save assignments"))
    all_items = SubmitField(_l("Assign all items"))

    def validate_items(self, field: Field) -> None:
        unknown = [item for item in field.data or () if item not in field.choices]
        if unknown:
            raise ValidationError(_("Not a valid choice: %(items)s. Tick items from the list.",
                                    items=", ".join(unknown)))


class ConsensusLeadForm(Form):
    lead = SelectField(_l("Consensus lead"))


# -- team and assignments ---------------------------------------------------------------------
def sections(ctx: AssessmentContext, role: Role) -> list[str]:
    """What a role is assigned: writers also write the profile; examiners score items only."""
    items = [item.id for item in ctx.framework.items]
    return [ctx.framework.profile.id, *items] if role is Role.WRITER else items


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        abort(404, description=_("'%(role)s' is not a role in assessor.", role=value))


# Several forms share the team page; each POST fills only its own form from the request.
def _formdata(submitted: bool):  # type: ignore[no-untyped-def]
    return request.form if submitted else None


def _assignment_form(ctx: AssessmentContext, role: Role, person: Member,
                     submitted: bool = False) -> AssignmentForm:
    form = AssignmentForm(formdata=_formdata(submitted), prefix=f"{role}-{person.username}",
                          data={"items": sorted(person.assigned.get(role, ()))})
    form.items.choices = sections(ctx, role)
    return form


def _add_member_form(submitted: bool = False) -> AddMemberForm:
    form = AddMemberForm(formdata=_formdata(submitted))
    form.username.choices = [("", _("Choose a person"))] + [
        (user.username, f"{user.display_name} ({user.username})") for user in users().all()]
    return form


def _lead_form(team: list[Member], submitted: bool = False) -> ConsensusLeadForm:
    lead = next((person.username for person in team if person.consensus_lead), "")
    form = ConsensusLeadForm(formdata=_formdata(submitted), data={"lead": lead})
    names = display_names()
    form.lead.choices = [("", _("Nobody: the coordinator records consensus"))] + [
        (person.username, names.get(person.username, person.username))
        for person in team if Role.EXAMINER in person.roles]
    return form


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
    assigned_to = {role: coverage(team, role, sections(ctx, role)) for role in ASSIGNABLE}
    return render_template(
        "team_index.html", ctx=ctx, team=team, names=display_names(),
        add_form=add_form or _add_member_form(), lead_form=lead_form or _lead_form(team),
        assignment_forms=assignment_forms, assigned_to=assigned_to,
        gaps={role: uncovered(assigned_to[role]) for role in ASSIGNABLE},
        sections={role: sections(ctx, role) for role in ASSIGNABLE},
        phase_order=PHASE_ORDER, next_phase=neighbours(ctx.phase)[1],
        profile_id=ctx.framework.profile.id,
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
            if role in ASSIGNABLE:
                flash(_("%(username)s is now a %(role)s in this assessment. Assign their items "
                        "below.", username=username, role=role_name(role)), "success")
            else:
                flash(_("%(username)s is now a %(role)s in this assessment.", username=username,
                        role=role_name(role)), "success")
            return redirect(url_for("team.index", assessment_id=ctx.record.id))
        form.role.errors = [_("%(username)s already holds the %(role)s role here; choose "
                              "another role or person.", username=username,
                              role=role_name(role))]
    flash(_("Nobody was added: see the message under the form."), "error")
    return _render_index(ctx, add_form=form, status=400)


def _removal_refused(ctx: AssessmentContext, username: str, role: Role) -> TeamError | None:
    """Why the role cannot be removed (as withdraw_role would say), before asking to confirm."""
    team = members(ctx.data)
    if role not in team.get(username, Member(username, frozenset())).roles:
        return TeamError("role_not_held", username=username, role=role)
    if role is Role.COORDINATOR and sum(Role.COORDINATOR in m.roles for m in team.values()) == 1:
        return TeamError("last_coordinator", username=username)
    return None


def _confirm_removal(ctx: AssessmentContext, username: str, role: Role
                     ):  # type: ignore[no-untyped-def]
    """The second step: what removing the role will do, and a button that does it."""
    person = members(ctx.data)[username]
    assigned = sorted(person.assigned.get(role, ())) if role in ASSIGNABLE else []
    return render_template(
        "team_remove_confirm.html", ctx=ctx, username=username, role=role,
        name=display_names().get(username, username), assigned=assigned,
        ends_lead=role is Role.EXAMINER and person.consensus_lead,
        self_coordinator=username == ctx.user.username and role is Role.COORDINATOR)


@bp.post("/members/<username>/<role>/remove")
def remove_role(assessment_id: str, username: str, role: str):  # type: ignore[no-untyped-def]
    """Two steps: without `confirm=yes` the page says what the removal does, nothing changes."""
    ctx = load_assessment(assessment_id, Action.MANAGE)
    role = _role(role)
    if request.form.get("confirm") != "yes":
        refused = _removal_refused(ctx, username, role)
        if refused is None:
            return _confirm_removal(ctx, username, role)
        flash(_("Nothing was removed: %(reason)s", reason=team_error(refused)), "error")
        return redirect(url_for("team.index", assessment_id=ctx.record.id))
    try:
        lead_ended = withdraw_role(ctx.data, username, role)
    except TeamError as error:
        flash(_("Nothing was removed: %(reason)s", reason=team_error(error)), "error")
        return redirect(url_for("team.index", assessment_id=ctx.record.id))
    ctx.record_event("role_removed", username=username, role=role.value, lead_ended=lead_ended)
    if lead_ended:  # only an examiner leads consensus
        removed = _("%(username)s is no longer a %(role)s here, nor the consensus lead; their "
                    "assignments in that role are cleared.", username=username,
                    role=role_name(role))
    elif role in ASSIGNABLE:
        removed = _("%(username)s is no longer a %(role)s here; their assignments in that role "
                    "are cleared.", username=username, role=role_name(role))
    else:
        removed = _("%(username)s is no longer a %(role)s here.", username=username,
                    role=role_name(role))
    flash(removed, "success")
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
        flash(_("%(username)s is not a %(role)s in this assessment (any more), so nothing was "
                "assigned. The page below shows the team as it is now.", username=username,
                role=role_name(role)), "error")
        return redirect(url_for("team.index", assessment_id=ctx.record.id))
    form = _assignment_form(ctx, role, person, submitted=True)
    if not form.validate_on_submit():
        flash(_("The assignments of %(username)s were not saved: see the message in their "
                "form.", username=username), "error")
        return _render_index(ctx, sent_assignment=(role, username, form), status=400)
    items = sorted(set(sections(ctx, role) if form.all_items.data else form.items.data or []))
    assign(ctx.data, username, role, items)
    ctx.record_event("items_assigned", username=username, role=role.value, items=items)
    if items:
        flash(_("%(username)s as %(role)s: %(count)d assigned (%(items)s).", username=username,
                role=role_name(role), count=len(items), items=", ".join(items)), "success")
    else:
        flash(_("%(username)s as %(role)s: nothing assigned.", username=username,
                role=role_name(role)), "success")
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
            form.lead.errors = [team_error(error)]
        else:
            ctx.record_event("consensus_lead_set", username=lead)
            flash(_("%(username)s leads consensus.", username=lead) if lead else
                  _("No consensus lead: the coordinator records consensus."), "success")
            return redirect(url_for("team.index", assessment_id=ctx.record.id))
    flash(_("The consensus lead was not changed: see the message under the form."), "error")
    return _render_index(ctx, lead_form=form, status=400)
