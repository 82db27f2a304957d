"""An organization's strategy: mission, vision, values and horizon; strategic objectives in the
four balanced-scorecard perspectives with their owners; cause → effect links with the
hypothesis; the balanced-scorecard warnings (never blocking); and the strategy map, drawn on the
server as SVG (layout in assessor/strategy_map.py). The organization's managers edit, its people
read. The rules are in assessor/strategy.py; a refusal comes back as the form with what was
typed, status 400, and the domain's reason."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField

from ..access import OrgAction
from ..kpi_status import KpiReading, readings
from ..kpis import Kpi
from ..performance import PerformanceRecords, StaleRecord
from ..scorecard import scorecard_warnings
from ..strategy import (
    PERSPECTIVES_BOTTOM_UP,
    Objective,
    StrategyError,
    add_objective,
    link_objectives,
    remove_objective,
    set_strategy,
    strategy_of,
    unlink_objectives,
    update_objective,
)
from ..strategy_map import MapKpi, MapLink, MapObjective, StrategyMap, layout
from .context import OrganizationContext, display_names, load_organization
from .forms import Form
from .messages import (
    PERSPECTIVE_NAMES,
    STATUS_NAMES,
    perspective_name,
    scorecard_warning,
    status_name,
    strategy_error,
)
from .units import people_choices

bp = Blueprint("strategy", __name__, url_prefix="/o/<organization_id>/strategy")
bp.add_app_template_filter(perspective_name, "perspective_name")
bp.add_app_template_filter(status_name, "kpi_status_name")

LANES_TOP_DOWN = tuple(reversed(PERSPECTIVES_BOTTOM_UP))
# Which field a refusal belongs to (the rest are shown above the form).
_ERROR_FIELDS = {"objective_owner_not_member": "owner", "strategy_horizon_invalid": "horizon",
                 "objective_name_empty": "name",
                 "objective_name_too_long": "name", "objective_perspective_unknown":
                 "perspective", "link_self": "effect", "link_duplicate": "effect"}


def _perspective_choices() -> list[SelectChoice]:
    return [SelectChoice(lane.value, PERSPECTIVE_NAMES[lane.value]) for lane in LANES_TOP_DOWN]


class StrategyForm(Form):
    mission = TextAreaField(_l("Mission"), description=_l("Why the organization exists."))
    vision = TextAreaField(_l("Vision"), description=_l("What it wants to become."))
    values = TextAreaField(_l("Values"), description=_l("One value per line."))
    horizon = StringField(_l("Horizon (years)"),
                          description=_l("How many years the strategy looks ahead."))
    revision = HiddenField()


class ObjectiveForm(Form):
    name = StringField(_l("Objective"))
    perspective = SelectField(_l("Perspective"), choices=_perspective_choices)
    owner = SelectField(_l("Owner"), default="", validate_choice=False)  # the domain's rule
    description = TextAreaField(_l("Description"))
    revision = HiddenField()


class LinkForm(Form):
    cause = SelectField(_l("Cause"))
    effect = SelectField(_l("Effect"))
    hypothesis = TextAreaField(_l("Hypothesis"),
                               description=_l("Why reaching the cause helps reach the effect."))


class UnlinkForm(Form):
    cause = HiddenField()
    effect = HiddenField()


def _names(records: PerformanceRecords) -> dict[str, str]:
    return {objective.id: objective.name for objective in records.objectives.values()}


def _refused(form: Form, error: StrategyError, records: PerformanceRecords) -> None:
    """The domain's reason on the field it concerns, else above the form."""
    message = strategy_error(error, _names(records), display_names())
    name = _ERROR_FIELDS.get(error.code) or error.data.get("field") or ""
    field = getattr(form, name, None) if name in form else None
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)


def _revision(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _objective_choices(records: PerformanceRecords) -> list[SelectChoice]:
    """The objectives by perspective, top lane first."""
    return [SelectChoice(objective.id, objective.name,
                         optgroup=perspective_name(objective.perspective))
            for objective in _by_lane(records)]


def _by_lane(records: PerformanceRecords) -> list[Objective]:
    order = {lane: index for index, lane in enumerate(LANES_TOP_DOWN)}
    return sorted(records.objectives.values(), key=lambda o: order[o.perspective])


def _kpis_of(records: PerformanceRecords) -> dict[str, list[Kpi]]:
    """Each objective's KPIs (any unit's), by code."""
    found: dict[str, list[Kpi]] = {objective: [] for objective in records.objectives}
    for kpi in sorted(records.kpis.values(), key=lambda kpi: kpi.code):
        for objective in kpi.objectives:
            if objective in found:
                found[objective].append(kpi)
    return found


def _strategy_form(records: PerformanceRecords) -> StrategyForm:
    stored = strategy_of(records)
    return StrategyForm(formdata=None, mission=stored.mission, vision=stored.vision,
                        values="\n".join(stored.values),
                        horizon="" if stored.horizon is None else str(stored.horizon),
                        revision=str(stored.revision))


def _objective_form(ctx: OrganizationContext, objective: Objective | None = None,
                    posted: bool = False) -> ObjectiveForm:
    if posted:
        form = ObjectiveForm()
    elif objective is None:
        form = ObjectiveForm(formdata=None)
    else:
        form = ObjectiveForm(formdata=None, name=objective.name,
                             perspective=objective.perspective.value, owner=objective.owner,
                             description=objective.description,
                             revision=str(objective.revision))
    form.owner.choices = people_choices(ctx, form.owner.data or "")
    return form


def _link_form(records: PerformanceRecords, posted: bool = False) -> LinkForm:
    form = LinkForm() if posted else LinkForm(formdata=None)
    form.cause.choices = form.effect.choices = _objective_choices(records)
    return form


def _render(ctx: OrganizationContext, records: PerformanceRecords, status: int = 200,
            strategy_form: StrategyForm | None = None,
            objective_form: ObjectiveForm | None = None, link_form: LinkForm | None = None,
            open_form: str = ""):  # type: ignore[no-untyped-def]
    names = _names(records)
    today = date.today()
    return render_template(
        "strategy.html", ctx=ctx, strategy=strategy_of(records),
        lanes=[(lane, [o for o in _by_lane(records) if o.perspective is lane])
               for lane in LANES_TOP_DOWN],
        links=records.links, objective_names=names, kpis_of=_kpis_of(records),
        readings=readings(records, today),
        warnings=[scorecard_warning(warning, names) for warning in scorecard_warnings(records)],
        strategy_form=strategy_form or _strategy_form(records),
        objective_form=objective_form or _objective_form(ctx),
        link_form=link_form or _link_form(records), unlink_form=UnlinkForm(),
        people=display_names(), open_form=open_form, OrgAction=OrgAction), status


@bp.get("/")
def index(organization_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.VIEW_PERFORMANCE)
    return _render(ctx, ctx.performance().read())


@bp.post("/")
def save(organization_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.EDIT_STRATEGY)
    data = ctx.performance()
    form = StrategyForm()
    if form.validate_on_submit():
        raw = (form.horizon.data or "").strip()
        horizon: object = int(raw) if raw.isdigit() else (raw or None)
        try:
            set_strategy(data, ctx.user.username, form.mission.data or "",
                         form.vision.data or "", (form.values.data or "").splitlines(),
                         horizon, expected_revision=_revision(form.revision.data))  # type: ignore[arg-type]
        except StrategyError as error:
            _refused(form, error, data.read())
        except StaleRecord:
            records = data.read()
            form.revision.data = str(strategy_of(records).revision)
            flash(_("Not saved: someone changed the strategy since you opened the page. Theirs "
                    "is shown; your text is kept in the form: save again to replace it."),
                  "error")
            return _render(ctx, records, 409, strategy_form=form, open_form="strategy")
        else:
            flash(_("Strategy saved."), "success")
            return redirect(url_for(".index", organization_id=organization_id))
    return _render(ctx, data.read(), 400, strategy_form=form, open_form="strategy")


@bp.post("/objectives")
def create_objective(organization_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.EDIT_STRATEGY)
    data = ctx.performance()
    form = _objective_form(ctx, posted=True)
    if form.validate_on_submit():
        try:
            objective = add_objective(data, ctx.user.username, form.name.data or "",
                                      form.perspective.data or "", form.owner.data or "",
                                      form.description.data or "", ctx.people())
        except StrategyError as error:
            _refused(form, error, data.read())
        else:
            flash(_("Objective %(name)s added.", name=objective.name), "success")
            return redirect(url_for(".index", organization_id=organization_id,
                                    _anchor="objectives"))
    return _render(ctx, data.read(), 400, objective_form=form, open_form="objective")


def _objective_or_404(records: PerformanceRecords, objective_id: str) -> Objective:
    objective = records.objectives.get(objective_id)
    if objective is None:
        abort(404, description=_("This organization has no such objective (any more)."))
    return objective


def _render_objective(ctx: OrganizationContext, records: PerformanceRecords,
                      objective_id: str, form: ObjectiveForm | None = None,
                      status: int = 200, removal_refused: str = ""
                      ):  # type: ignore[no-untyped-def]
    objective = _objective_or_404(records, objective_id)
    kpis = _kpis_of(records)[objective_id]
    return render_template(
        "strategy_objective.html", ctx=ctx, objective=objective,
        form=form or _objective_form(ctx, objective), remove=Form(), kpis=kpis,
        readings=readings(records, date.today()), objective_names=_names(records),
        causes=[link for link in records.links if link.effect == objective_id],
        effects=[link for link in records.links if link.cause == objective_id],
        people=display_names(), removal_refused=removal_refused, OrgAction=OrgAction), status


@bp.get("/objectives/<objective_id>")
def objective(organization_id: str, objective_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.VIEW_PERFORMANCE)
    return _render_objective(ctx, ctx.performance().read(), objective_id)


@bp.post("/objectives/<objective_id>")
def update(organization_id: str, objective_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.EDIT_STRATEGY)
    data = ctx.performance()
    stored = _objective_or_404(data.read(), objective_id)
    form = _objective_form(ctx, stored, posted=True)
    if form.validate_on_submit():
        try:
            objective = update_objective(
                data, ctx.user.username, objective_id, name=form.name.data or "",
                perspective_=form.perspective.data or "", owner=form.owner.data or "",
                description=form.description.data or "",
                expected_revision=_revision(form.revision.data), people=ctx.people())
        except StrategyError as error:
            _refused(form, error, data.read())
        except StaleRecord:
            records = data.read()
            form.revision.data = str(_objective_or_404(records, objective_id).revision)
            flash(_("Not saved: someone changed this objective since you opened the page. "
                    "Theirs is shown above; your changes are kept in the form: save again to "
                    "replace it."), "error")
            return _render_objective(ctx, records, objective_id, form, 409)
        else:
            flash(_("Objective %(name)s saved.", name=objective.name), "success")
            return redirect(url_for(".index", organization_id=organization_id,
                                    _anchor="objectives"))
    return _render_objective(ctx, data.read(), objective_id, form, 400)


@bp.post("/objectives/<objective_id>/remove")
def remove(organization_id: str, objective_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.EDIT_STRATEGY)
    data = ctx.performance()
    records = data.read()
    objective = _objective_or_404(records, objective_id)
    if not Form().validate_on_submit():
        return _render_objective(ctx, records, objective_id, status=400)
    try:
        remove_objective(data, ctx.user.username, objective_id)
    except StrategyError as error:
        return _render_objective(ctx, records, objective_id, status=400,
                                 removal_refused=strategy_error(error, _names(records)))
    flash(_("Objective %(name)s removed, with its links.", name=objective.name), "success")
    return redirect(url_for(".index", organization_id=organization_id, _anchor="objectives"))


@bp.post("/links")
def link(organization_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.EDIT_STRATEGY)
    data = ctx.performance()
    records = data.read()
    form = _link_form(records, posted=True)
    if form.validate_on_submit():
        try:
            link_objectives(data, ctx.user.username, form.cause.data or "",
                            form.effect.data or "", form.hypothesis.data or "")
        except StrategyError as error:
            _refused(form, error, data.read())
        else:
            names = _names(records)
            flash(_("Linked: %(cause)s → %(effect)s.", cause=names[form.cause.data or ""],
                    effect=names[form.effect.data or ""]), "success")
            return redirect(url_for(".index", organization_id=organization_id,
                                    _anchor="links"))
    return _render(ctx, data.read(), 400, link_form=form, open_form="link")


@bp.post("/links/remove")
def unlink(organization_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.EDIT_STRATEGY)
    data = ctx.performance()
    form = UnlinkForm()
    records = data.read()
    names = _names(records)
    if form.validate_on_submit():
        try:
            unlink_objectives(data, ctx.user.username, form.cause.data or "",
                              form.effect.data or "")
        except StrategyError as error:
            flash(strategy_error(error, names), "error")
            return _render(ctx, records, 400)
        flash(_("Link removed: %(cause)s → %(effect)s.",
                cause=names.get(form.cause.data or "", ""),
                effect=names.get(form.effect.data or "", "")), "success")
        return redirect(url_for(".index", organization_id=organization_id, _anchor="links"))
    return _render(ctx, records, 400)


# -- the strategy map --------------------------------------------------------------------------
def strategy_map(records: PerformanceRecords,
                 kpi_readings: Mapping[str, KpiReading]) -> StrategyMap:
    """The map's layout: objectives in creation order, each with its KPIs' statuses."""
    kpis_of = _kpis_of(records)
    objectives = [MapObjective(
        objective.id, objective.name, objective.perspective,
        tuple(MapKpi(kpi.id, kpi.code, kpi.name, kpi_readings[kpi.id].status.value)
              for kpi in kpis_of[objective.id]))
        for objective in records.objectives.values()]
    return layout(objectives, [MapLink(link.cause, link.effect, link.hypothesis)
                               for link in records.links],
                  {lane: perspective_name(lane) for lane in PERSPECTIVES_BOTTOM_UP})


@bp.get("/map")
def map_page(organization_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.VIEW_PERFORMANCE)
    records = ctx.performance().read()
    kpi_readings = readings(records, date.today())
    names = _names(records)
    return render_template(
        "strategy_map.html", ctx=ctx, smap=strategy_map(records, kpi_readings),
        strategy=strategy_of(records),
        lanes=[(lane, [o for o in _by_lane(records) if o.perspective is lane])
               for lane in LANES_TOP_DOWN],
        kpis_of=_kpis_of(records), readings=kpi_readings, links=records.links,
        objective_names=names, people=display_names(), statuses=STATUS_NAMES,
        warnings=[scorecard_warning(warning, names) for warning in scorecard_warnings(records)])
