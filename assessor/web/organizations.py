"""An organization's page (its cycles and people), its people's roles, and new organizations."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..access import OrgAction, OrgRole, may_create_organization
from ..organizations import (
    MAX_NAME_CHARS,
    OrganizationError,
    change_organization_role,
    create_organization,
)
from .context import current_user, load_organization, store, users
from .forms import Form
from .home import organization_rows
from .messages import organization_error

bp = Blueprint("organizations", __name__)

ORG_ROLE_LABELS = {
    OrgRole.MANAGER: _l("manager"),
    OrgRole.LEADER: _l("leader"),
    OrgRole.MEMBER: _l("member"),
}


@bp.app_template_filter("org_role_label")
def org_role_label(role: str) -> str:
    return str(ORG_ROLE_LABELS[OrgRole(role)])


class NewOrganizationForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=MAX_NAME_CHARS)])
    manager = StringField(_l("Its first manager (username)"), validators=[Length(max=40)],
                          description=_l("Leave empty to manage it yourself."))


class OrganizationRoleForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)])
    role = SelectField(_l("Role"), choices=[SelectChoice(role.value, label)
                                            for role, label in ORG_ROLE_LABELS.items()])
    change = SelectField(choices=[SelectChoice("add", _l("give")),
                                  SelectChoice("remove", _l("take away"))],
                         default="add")


@bp.route("/organizations/new", methods=["GET", "POST"])
def new():  # type: ignore[no-untyped-def]
    user = current_user()
    if not may_create_organization(user.is_admin, current_app.config["OPEN_ORGANIZATIONS"]):
        abort(403, description=_("Administrators create organizations."))
    form = NewOrganizationForm()
    if form.validate_on_submit():
        manager = (form.manager.data or "").strip().lower() or user.username
        if users().get(manager) is None:
            form.manager.errors.append(_("There is no user '%(username)s'.", username=manager))
        else:
            try:
                organization = create_organization(store().organizations, form.name.data,
                                                   manager)
            except OrganizationError as error:
                form.name.errors.append(organization_error(error))
            else:
                flash(_("Organization %(name)s created; %(manager)s manages it.",
                        name=organization.name, manager=manager), "success")
                return redirect(url_for(".show", organization_id=organization.id)
                                if manager == user.username else url_for("home.index"))
    return render_template("organization_new.html", form=form), 400 if form.errors else 200


@bp.get("/o/<organization_id>")
def show(organization_id: str):  # type: ignore[no-untyped-def]
    # Its people and every cycle's team see it: what the home page lists, this page opens.
    ctx = load_organization(organization_id, action=None)
    row = next((row for row in organization_rows(ctx.user.username, ctx.user.is_admin)
                if row.organization.id == organization_id), None)
    if row is None:
        abort(403, description=_("You hold no role in this organization or its cycles."))
    people = sorted(store().organizations.members(organization_id).items())
    return render_template("organization.html", ctx=ctx, cycles=row.cycles, people=people,
                           form=OrganizationRoleForm(), OrgAction=OrgAction)


@bp.post("/o/<organization_id>/people")
def people(organization_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.MANAGE_PEOPLE)
    form = OrganizationRoleForm()
    if not form.validate_on_submit():
        flash(_("Nothing was changed: give a username and a role."), "error")
        return redirect(url_for(".show", organization_id=organization_id))
    username = form.username.data.strip().lower()
    if users().get(username) is None:
        flash(_("There is no user '%(username)s'. An administrator creates accounts under "
                "Users.", username=username), "error")
        return redirect(url_for(".show", organization_id=organization_id))
    try:
        changed = change_organization_role(store().organizations, organization_id, username,
                                           OrgRole(form.role.data), form.change.data == "add")
    except OrganizationError as error:
        flash(organization_error(error), "error")
        return redirect(url_for(".show", organization_id=organization_id))
    if changed:
        store().organizations.audit(organization_id).record(
            ctx.user.username, "organization_role_" + form.change.data,
            username=username, role=form.role.data)
    flash(_("Saved.") if changed else _("No change: that was already so."),
          "success" if changed else "info")
    return redirect(url_for(".show", organization_id=organization_id))
