"""An organization's units: the tree (company → departments → teams or posts) with each unit's
mission and head; its managers add, rename, move and remove units. The rules (names unique
among siblings, no unit below itself, only empty units removed) are in assessor/units.py; a
refusal comes back as the form with what was typed, status 400, and the domain's reason."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField

from ..access import OrgAction
from ..performance import PerformanceRecords, StaleRecord
from ..repositories import PerformanceData
from ..units import (
    OrgUnit,
    UnitError,
    UnitKind,
    company_of,
    create_unit,
    move_unit,
    remove_unit,
    unit_path,
    unit_tree,
    update_unit,
)
from .context import OrganizationContext, by_name, display_names, load_organization
from .forms import Form
from .messages import UNIT_KIND_NAMES, person_named, unit_error, unit_kind_name

bp = Blueprint("units", __name__, url_prefix="/o/<organization_id>/units")
bp.add_app_template_filter(unit_kind_name, "unit_kind_name")

# Which field a refusal belongs to (the rest are shown above the form).
_ERROR_FIELDS = {"unit_head_not_member": "head", "unit_name_empty": "name",
                 "unit_name_too_long": "name",
                 "unit_name_has_separator": "name", "unit_name_taken": "name",
                 "unit_mission_too_long": "mission", "unit_cycle": "parent",
                 "unit_needs_parent": "parent", "unit_company_fixed": "parent"}


def people_choices(ctx: OrganizationContext, current: str = "") -> list[SelectChoice]:
    """Whom a unit's head or an objective's owner may be: "nobody", then the organization's
    people by name, and `current` (the one stored, or the one a refused form sent) even when
    they are not of it, so that the form shows whom it names beside the refusal."""
    names, people = display_names(), ctx.people()
    choices = [SelectChoice("", _("(nobody)"))] + [
        SelectChoice(username, f"{name} ({username})") for username, name in by_name(people, names)]
    if current and current not in people:
        choices.append(SelectChoice(current, _("%(person)s (not of this organization)",
                                               person=person_named(current, names))))
    return choices


def unit_choices(records: PerformanceRecords, leave_out: str | None = None
                 ) -> list[SelectChoice]:
    """The units as a tree in a chooser, indented by depth."""
    return [SelectChoice(unit.id, "\u2003" * depth + unit.name)
            for unit, depth in unit_tree(records) if unit.id != leave_out]


class NewUnitForm(Form):
    name = StringField(_l("Unit name"))
    parent = SelectField(_l("Belongs to"))
    kind = SelectField(_l("Kind"), default="", choices=[
        SelectChoice("", _l("by its place (department below the company, else team)")),
        *(SelectChoice(kind.value, UNIT_KIND_NAMES[kind.value])
          for kind in (UnitKind.DEPARTMENT, UnitKind.TEAM, UnitKind.POST))])
    mission = TextAreaField(_l("Mission"), description=_l("What the unit exists to deliver."))
    head = SelectField(_l("Head"), default="", validate_choice=False)  # the domain's rule


class CompanyForm(Form):
    """The first unit: the company itself, at the top of the tree."""

    name = StringField(_l("Unit name"))
    mission = TextAreaField(_l("Mission"))
    head = SelectField(_l("Head"), default="", validate_choice=False)  # the domain's rule


class EditUnitForm(Form):
    name = StringField(_l("Unit name"))
    mission = TextAreaField(_l("Mission"), description=_l("What the unit exists to deliver."))
    head = SelectField(_l("Head"), default="", validate_choice=False)  # the domain's rule
    revision = HiddenField()


class MoveUnitForm(Form):
    parent = SelectField(_l("New place: below"))
    revision = HiddenField()


def _names(records: PerformanceRecords) -> dict[str, str]:
    return {unit.id: unit.name for unit in records.units.values()}


def _refused(form: Form, error: UnitError, records: PerformanceRecords) -> None:
    """The domain's reason on the field it concerns, else above the form."""
    message = unit_error(error, _names(records), display_names())
    field = getattr(form, _ERROR_FIELDS.get(error.code, ""), None)
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)


def _revision(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _new_form(ctx: OrganizationContext, records: PerformanceRecords
              ) -> NewUnitForm | CompanyForm:
    form: NewUnitForm | CompanyForm = NewUnitForm() if records.units else CompanyForm()
    form.head.choices = people_choices(ctx, form.head.data or "")
    if isinstance(form, NewUnitForm):
        form.parent.choices = unit_choices(records)
    return form


def _render_index(ctx: OrganizationContext, records: PerformanceRecords,
                  form: NewUnitForm | CompanyForm, status: int = 200
                  ):  # type: ignore[no-untyped-def]
    kpi_counts: dict[str | None, int] = {}
    for kpi in records.kpis.values():
        kpi_counts[kpi.unit] = kpi_counts.get(kpi.unit, 0) + 1
    below: dict[str, list[OrgUnit]] = {}
    for unit, _depth in unit_tree(records):
        below.setdefault(unit.parent or "", []).append(unit)
    return render_template(
        "units.html", ctx=ctx, company=company_of(records), below=below, form=form,
        names=display_names(), kpi_counts=kpi_counts, OrgAction=OrgAction), status


@bp.get("/")
def index(organization_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.VIEW_PERFORMANCE)
    records = ctx.performance().read()
    form = _new_form(ctx, records)
    if isinstance(form, CompanyForm) and not form.is_submitted():
        form.name.data = ctx.organization.name
    return _render_index(ctx, records, form)


@bp.post("/")
def create(organization_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.EDIT_UNITS)
    data = ctx.performance()
    records = data.read()
    form = _new_form(ctx, records)
    if form.validate_on_submit():
        parent = form.parent.data if isinstance(form, NewUnitForm) else None
        kind = form.kind.data or None if isinstance(form, NewUnitForm) else None
        try:
            unit = create_unit(data, ctx.user.username, form.name.data or "", parent, kind,
                               form.mission.data or "", form.head.data or "", ctx.people())
        except UnitError as error:
            _refused(form, error, data.read())
        else:
            flash(_("Unit %(name)s added.", name=unit.name), "success")
            return redirect(url_for(".index", organization_id=organization_id))
    return _render_index(ctx, data.read(), form, 400)


def _unit_or_404(records: PerformanceRecords, unit_id: str):  # type: ignore[no-untyped-def]
    unit = records.units.get(unit_id)
    if unit is None:
        abort(404, description=_("This organization has no such unit (any more)."))
    return unit


def _unit_forms(ctx: OrganizationContext, records: PerformanceRecords, unit_id: str,
                edit: EditUnitForm | None = None, move: MoveUnitForm | None = None
                ) -> tuple[EditUnitForm, MoveUnitForm]:
    unit = records.units[unit_id]
    if edit is None:
        edit = EditUnitForm(formdata=None, name=unit.name, mission=unit.mission,
                            head=unit.head, revision=str(unit.revision))
    edit.head.choices = people_choices(ctx, edit.head.data or "")
    if move is None:
        move = MoveUnitForm(formdata=None, parent=unit.parent, revision=str(unit.revision))
    move.parent.choices = unit_choices(records, leave_out=unit_id)
    return edit, move


def _render_unit(ctx: OrganizationContext, records: PerformanceRecords, unit_id: str,
                 edit: EditUnitForm | None = None, move: MoveUnitForm | None = None,
                 status: int = 200, removal_refused: str = ""
                 ):  # type: ignore[no-untyped-def]
    unit = _unit_or_404(records, unit_id)
    edit, move = _unit_forms(ctx, records, unit_id, edit, move)
    kpis = sorted((kpi for kpi in records.kpis.values()
                   if kpi.unit == (unit_id if unit.parent is not None else None)),
                  key=lambda kpi: kpi.code)
    children = [child for child, _depth in unit_tree(records) if child.parent == unit_id]
    return render_template(
        "units_unit.html", ctx=ctx, unit=unit, path=unit_path(records, unit_id),
        parent=records.units.get(unit.parent or ""), children=children, kpis=kpis,
        edit=edit, move=move, remove=Form(), names=display_names(),
        removal_refused=removal_refused, OrgAction=OrgAction), status


@bp.get("/<unit_id>")
def show(organization_id: str, unit_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.VIEW_PERFORMANCE)
    return _render_unit(ctx, ctx.performance().read(), unit_id)


@bp.post("/<unit_id>")
def update(organization_id: str, unit_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.EDIT_UNITS)
    data = ctx.performance()
    records = data.read()
    _unit_or_404(records, unit_id)
    form = EditUnitForm()
    form.head.choices = people_choices(ctx, form.head.data or "")
    if form.validate_on_submit():
        try:
            unit = update_unit(data, ctx.user.username, unit_id, name=form.name.data or "",
                               mission=form.mission.data or "", head=form.head.data or "",
                               expected_revision=_revision(form.revision.data),
                               people=ctx.people())
        except UnitError as error:
            _refused(form, error, data.read())
        except StaleRecord:
            return _stale(ctx, data, unit_id, edit=form)
        else:
            flash(_("Unit %(name)s saved.", name=unit.name), "success")
            return redirect(url_for(".index", organization_id=organization_id))
    return _render_unit(ctx, data.read(), unit_id, edit=form, status=400)


def _stale(ctx: OrganizationContext, data: PerformanceData, unit_id: str,
           edit: EditUnitForm | None = None, move: MoveUnitForm | None = None
           ):  # type: ignore[no-untyped-def]
    """Someone changed the unit since the form was opened: theirs is kept, the form comes back
    as typed, ready to save over it on purpose."""
    records = data.read()
    _unit_or_404(records, unit_id)
    for form in (edit, move):
        if form is not None:
            form.revision.data = str(records.units[unit_id].revision)
    flash(_("Not saved: someone changed this unit since you opened the page. The stored unit "
            "is shown above; your changes are kept in the form: save again to replace it."),
          "error")
    return _render_unit(ctx, records, unit_id, edit=edit, move=move, status=409)


@bp.post("/<unit_id>/move")
def move(organization_id: str, unit_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.EDIT_UNITS)
    data = ctx.performance()
    records = data.read()
    _unit_or_404(records, unit_id)
    form = MoveUnitForm()
    form.parent.choices = unit_choices(records, leave_out=unit_id)
    if form.validate_on_submit():
        try:
            unit = move_unit(data, ctx.user.username, unit_id, form.parent.data or "",
                             expected_revision=_revision(form.revision.data))
        except UnitError as error:
            _refused(form, error, data.read())
        except StaleRecord:
            return _stale(ctx, data, unit_id, move=form)
        else:
            flash(_("%(name)s now belongs to %(parent)s.", name=unit.name,
                    parent=_names(data.read()).get(unit.parent or "", "")), "success")
            return redirect(url_for(".index", organization_id=organization_id))
    return _render_unit(ctx, data.read(), unit_id, move=form, status=400)


@bp.post("/<unit_id>/remove")
def remove(organization_id: str, unit_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.EDIT_UNITS)
    data = ctx.performance()
    records = data.read()
    unit = _unit_or_404(records, unit_id)
    if not Form().validate_on_submit():
        return _render_unit(ctx, records, unit_id, status=400)
    try:
        remove_unit(data, ctx.user.username, unit_id)
    except UnitError as error:
        return _render_unit(ctx, records, unit_id, status=400,
                            removal_refused=unit_error(error, _names(records)))
    flash(_("Unit %(name)s removed.", name=unit.name), "success")
    return redirect(url_for(".index", organization_id=organization_id))

