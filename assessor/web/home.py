"""The signed-in user's organizations with their cycles, and the form that starts a cycle."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from ..access import OrgAction, OrgRole, Phase, may_create_organization, permits_in_organization
from ..i18n import localized
from ..organizations import (
    AssessmentRecord,
    Organization,
    OrganizationError,
    UnknownOrganization,
    create_assessment,
    create_organization,
    cycles_by_organization,
    sees_cycle,
    sees_organization,
)
from ..paths import framework_files
from ..phases import current_phase
from ..progress import Progress, stored_progress
from ..storage.files import DataFileError
from ..team import member
from .context import current_user, framework_named, store
from .forms import NewAssessmentForm
from .messages import organization_error

bp = Blueprint("home", __name__)


@dataclass(frozen=True, slots=True)
class CycleRow:
    record: AssessmentRecord
    roles: tuple[str, ...]
    phase: Phase | None  # None: the data file cannot be read
    progress: Progress | None


@dataclass(frozen=True, slots=True)
class OrganizationRow:
    organization: Organization
    roles: frozenset[OrgRole]
    cycles: tuple[CycleRow, ...]


def _cycle_row(record: AssessmentRecord, username: str, org_roles: frozenset[OrgRole],
               is_admin: bool) -> CycleRow | None:
    data = store().assessment_data(record.id)
    try:
        held = member(data, username)
        cycle_roles = held.roles if held else frozenset()
        if not sees_cycle(org_roles, cycle_roles):
            return None
        progress = stored_progress(data, framework_named(record.framework))
        return CycleRow(record, tuple(sorted(cycle_roles)), current_phase(data), progress.overall)
    except DataFileError as error:
        current_app.logger.error("data file problem: %s", error)
        # Who holds a role is in the unreadable file: only administrators see the row.
        return CycleRow(record, (), None, None) if is_admin else None


def organization_rows(username: str, is_admin: bool) -> list[OrganizationRow]:
    cycles = cycles_by_organization(store().assessments.all())
    rows = []
    for organization in store().organizations.all():
        org_roles = store().organizations.members(organization.id).get(username, frozenset())
        shown = tuple(row for record in cycles.get(organization.id, [])
                      if (row := _cycle_row(record, username, org_roles, is_admin)))
        if sees_organization(org_roles, bool(shown)):
            rows.append(OrganizationRow(organization, org_roles, shown))
    return rows


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    user = current_user()
    return render_template(
        "home.html", rows=organization_rows(user.username, user.is_admin),
        may_create_organization=may_create_organization(
            user.is_admin, current_app.config["OPEN_ORGANIZATIONS"]))


def _organizations_for_new_cycle() -> list[Organization]:
    """Where the user may start a cycle: organizations they manage."""
    username = current_user().username
    return [organization for organization in store().organizations.all()
            if permits_in_organization(
                store().organizations.members(organization.id).get(username, frozenset()),
                OrgAction.CREATE_CYCLE)]


@bp.route("/assessments/new", methods=["GET", "POST"])
def new_assessment():  # type: ignore[no-untyped-def]
    user = current_user()
    can_create_organization = may_create_organization(
        user.is_admin, current_app.config["OPEN_ORGANIZATIONS"])
    managed = _organizations_for_new_cycle()
    if not managed and not can_create_organization:
        abort(403, description=_("Only an organization's managers start its cycles, and you "
                                 "manage none. Ask an administrator or a manager."))
    form = NewAssessmentForm(managed, can_create_organization)
    form.framework.choices = [SelectChoice(path.name, localized(framework_named(path.name).title))
                              for path in framework_files()]
    if form.validate_on_submit():
        try:
            organization = (
                create_organization(store().organizations, form.new_organization.data,
                                    manager=user.username)
                if form.organization.data == form.NEW else
                store().organizations.get(form.organization.data))
            record = create_assessment(store().assessments, organization, form.cycle.data,
                                       form.framework.data, coordinator=user.username)
        except (OrganizationError, UnknownOrganization) as error:
            form.cycle.errors.append(organization_error(error))
        else:
            flash(_("Cycle %(cycle)s of %(organization)s created; you are its coordinator. "
                    "Add the team and assign items next.", cycle=record.cycle,
                    organization=record.organization), "success")
            return redirect(url_for("questionnaire.overview", assessment_id=record.id))
    return render_template("new_assessment.html", form=form), 400 if form.errors else 200
