"""The KPI pages of an organization: the register (filterable by unit, perspective, status and
owner) and its decomposition tree, each KPI's page (its standard, SMART badges, trend chart and
measurements, the feedback thread, agreement), the KPI form for managers, and the import of
KPIs or measurements from CSV or XLSX.

Views parse what was sent, call the domain (kpis, measurements, kpi_status, smart, kpi_import)
and render; who may do what is access.py's, every change is audited by the domain functions.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..access import (
    OrgAction,
    may_accept_kpi,
    may_enter_measurements,
    may_reply_on_kpi,
    permits_in_organization,
)
from ..charts import STATUS_COLOURS, TARGET_COLOUR, Level, Option, trend_chart
from ..criteria import Item, ItemKind
from ..i18n import KPI_STATUS_NAMES
from ..kpi_evidence import ItemEvidence, evidence_for_item
from ..kpi_import import ImportReport, import_file
from ..kpi_register import RegisterFilter, register_rows
from ..kpi_status import (
    Status,
    Trajectory,
    amber_value,
    child_status_counts,
    needs_comment,
    point_statuses,
    read_kpi,
)
from ..kpis import (
    EDITABLE,
    Direction,
    Frequency,
    Kpi,
    KpiError,
    accept_kpi,
    create_kpi,
    kpi_ancestors,
    kpi_children,
    kpi_problems,
    kpi_tree,
    normalized,
    remove_kpi,
    superior_of,
    update_kpi,
)
from ..measurements import MeasurementError, add_measurement, explain_measurement, reply_on_kpi
from ..paths import framework_named
from ..performance import PerformanceRecords, StaleRecord
from ..smart import LETTERS, Check, smart_check
from ..strategy import Perspective
from ..table_files import TableFileError
from ..units import unit_path, unit_tree
from .context import PerformancePages, by_name, display_names, load_performance, store, users
from .forms import Form, typed_number
from .kept_body import page_around
from .messages import (
    import_file_error,
    import_problem,
    kpi_error,
    measurement_error,
    smart_reason,
)

bp = Blueprint("kpis", __name__, url_prefix="/o/<organization_id>/kpis")

RESULTS_FRAMEWORK = "gbt19580-2012.yaml"  # the criteria whose 4.7.x items KPIs evidence

PERSPECTIVE_LABELS = {
    Perspective.FINANCIAL: _l("Financial"),
    Perspective.CUSTOMER: _l("Customer"),
    Perspective.INTERNAL_PROCESS: _l("Internal process"),
    Perspective.LEARNING_GROWTH: _l("Learning and growth"),
}
TRAJECTORY_LABELS = {Trajectory.ON_TRACK: _l("on track"), Trajectory.BEHIND: _l("behind")}
DIRECTION_LABELS = {
    Direction.UP: _l("higher is better"),
    Direction.DOWN: _l("lower is better"),
    Direction.BAND: _l("inside a range"),
}
FREQUENCY_LABELS = {
    Frequency.WEEKLY: _l("weekly"),
    Frequency.MONTHLY: _l("monthly"),
    Frequency.QUARTERLY: _l("quarterly"),
    Frequency.HALF_YEARLY: _l("half-yearly"),
    Frequency.YEARLY: _l("yearly"),
}
SMART_NAMES = {
    "S": _l("Specific"),
    "M": _l("Measurable"),
    "A": _l("Agreed"),
    "R": _l("Realistic and relevant"),
    "T": _l("Time-bound"),
}
CHECK_LABELS = {Check.PASS: _l("pass"), Check.WARN: _l("warning"), Check.FAIL: _l("fail")}
FIELD_LABELS = {
    "code": _l("Code"),
    "name": _l("Name of the KPI"),
    "definition": _l("Definition"),
    "formula": _l("Formula"),
    "data_source": _l("Data source"),
    "measure_unit": _l("Measure unit"),
    "direction": _l("Direction"),
    "baseline": _l("Baseline"),
    "baseline_date": _l("Baseline date"),
    "target": _l("Target"),
    "target_date": _l("Target date"),
    "stretch": _l("Stretch target"),
    "amber": _l("Amber level"),
    "band_low": _l("Lowest good value"),
    "band_high": _l("Highest good value"),
    "frequency": _l("Frequency"),
    "owner": _l("Owner"),
    "unit": _l("Unit"),
    "parent": _l("Decomposed from (parent KPI)"),
    "perspective": _l("Perspective"),
    "objectives": _l("Strategic objectives"),
    "items": _l("Results items it evidences"),
    "comparison": _l("Comparison value"),
    "comparison_source": _l("Source of the comparison value"),
}
NUMBER_FIELDS = ("baseline", "target", "stretch", "amber", "band_low", "band_high", "comparison")
DATE_FIELDS = ("baseline_date", "target_date")
TEXT_FIELDS = ("code", "name", "definition", "formula", "data_source", "measure_unit", "owner",
               "comparison_source")
CHOICE_FIELDS = {"direction": Direction, "frequency": Frequency, "perspective": Perspective}


def _labelled(labels: Mapping[Any, Any]):  # type: ignore[no-untyped-def]
    words = {str(getattr(key, "value", key)): str(label) for key, label in labels.items()}

    def label(value: object) -> str:
        if value is None:
            return ""
        key = str(getattr(value, "value", value))
        return words.get(key, key)
    return label


@bp.app_template_global()
def kpi_labels() -> dict[str, Any]:
    """The words the KPI templates use for the domain's values, in the reader's language:
    made once per request (a register of 100 KPIs asks for them some thousand times)."""
    labels = g.get("kpi_labels")
    if labels is None:
        labels = g.kpi_labels = {
            "perspective": _labelled(PERSPECTIVE_LABELS), "status": _labelled(KPI_STATUS_NAMES),
            "trajectory": _labelled(TRAJECTORY_LABELS),
            "direction": _labelled(DIRECTION_LABELS), "frequency": _labelled(FREQUENCY_LABELS),
            "smart": {letter: str(name) for letter, name in SMART_NAMES.items()},
            "check": _labelled(CHECK_LABELS),
            "field": {name: str(label) for name, label in FIELD_LABELS.items()}}
    return labels


@bp.app_template_filter("kpi_number")
def kpi_number(value: float | None) -> str:
    """A value as typed: 12 not 12.0, 0.125 in full; '' for none."""
    if value is None:
        return ""
    return f"{value:g}" if abs(value) < 1e15 else str(value)


@bp.app_template_filter("percent")
def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


# -- loading -----------------------------------------------------------------------------------
class Pages(PerformancePages):
    __slots__ = ()

    def kpi(self, kpi_id: str) -> Kpi:
        kpi = self.records.kpis.get(kpi_id)
        if kpi is None:
            abort(404, description=_("This organization has no KPI with the id '%(id)s'.",
                                     id=kpi_id))
        return kpi


def _load(organization_id: str, action: OrgAction = OrgAction.VIEW_PERFORMANCE) -> Pages:
    loaded = load_performance(organization_id, action)
    return Pages(loaded.ctx, loaded.data, loaded.records)


def _today() -> date:
    return date.today()


def _usernames() -> set[str]:
    return {user.username for user in users().all()}


# -- the register and the tree -------------------------------------------------------------------
def _choice(kind: type, raw: str) -> Any:
    try:
        return kind(raw) if raw else None
    except ValueError:
        return None  # a value of no choice (an old link): not filtered by it


def _filter_from(args: Mapping[str, str]) -> tuple[RegisterFilter, dict[str, str]]:
    """The filters of a GET query, as the domain takes them and as the form shows them."""
    shown = {name: args.get(name, "").strip() for name in ("unit", "perspective", "status",
                                                            "owner")}
    return RegisterFilter(unit=shown["unit"] or None,
                          perspective=_choice(Perspective, shown["perspective"]),
                          status=_choice(Status, shown["status"]),
                          owner=shown["owner"] or None), shown


def _filter_choices(records: PerformanceRecords, names: Mapping[str, str]
                    ) -> dict[str, list[tuple[str, str]]]:
    owners = sorted({kpi.owner for kpi in records.kpis.values() if kpi.owner})
    return {
        "unit": [(unit.id, ("— " * depth) + unit.name) for unit, depth in unit_tree(records)],
        "perspective": [(p.value, str(label)) for p, label in PERSPECTIVE_LABELS.items()],
        "status": [(status, str(label)) for status, label in KPI_STATUS_NAMES.items()],
        "owner": [(owner, names.get(owner, owner)) for owner in owners],
    }


# The register and the tree are the bulk of their pages and the same for every reader of a
# language on a day: their rows are computed once per version of the organization's records
# and day, and their HTML rendered once more per language, filters and people's names; each
# request renders only the frame around it (web/kept_body.py).
BODIES = {"kpi_register.html": "kpi_register_table.html", "kpi_tree.html": "kpi_tree_list.html"}


def _register_page(organization_id: str, template: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id)
    only, shown = _filter_from(request.args)
    today = _today()
    data = pages.data
    filtered = any(shown.values())
    every = data.derived(f"kpi_register:{today}",
                         lambda: register_rows(data.read(), today))
    names = display_names()

    def body() -> bytes:
        rows = register_rows(data.read(), today, only) if filtered else every
        context: set[str] = set()
        if template == "kpi_tree.html" and filtered:
            # The tree keeps the KPIs a match is decomposed from, greyed, as its context.
            records = data.read()
            matching = {row.kpi.id for row in rows}
            context = {above.id for kpi_id in matching
                       for above in kpi_ancestors(records, kpi_id)} - matching
            rows = [row for row in every if row.kpi.id in matching | context]
        return render_template(
            BODIES[template], ctx=pages.ctx, rows=rows, total=len(every), context=context,
            names=names, letters=LETTERS, filters=shown, filtered=filtered,
            choices=_filter_choices(data.read(), names)).encode()

    key = (f"{BODIES[template]}:{today}:{get_locale()}:{sorted(shown.items())}:"
           f"{hash(tuple(sorted(names.items())))}")
    return page_around(template, data.derived(key, body), ctx=pages.ctx, total=len(every),
                       OrgAction=OrgAction)


@bp.get("/")
def index(organization_id: str):  # type: ignore[no-untyped-def]
    return _register_page(organization_id, "kpi_register.html")


@bp.get("/tree")
def tree(organization_id: str):  # type: ignore[no-untyped-def]
    return _register_page(organization_id, "kpi_tree.html")


# -- one KPI -------------------------------------------------------------------------------------
def kpi_trend(kpi: Kpi, points: Iterable[tuple[Any, Status]]) -> Option:
    """The KPI's trend: its values coloured by status, the target (or band) and amber level."""
    points = list(points)
    levels = []
    if kpi.direction is not Direction.BAND and kpi.target is not None:
        levels.append(Level(_("Target"), kpi.target, TARGET_COLOUR))
        if (amber := amber_value(kpi)) is not None:
            levels.append(Level(_("Amber"), amber, STATUS_COLOURS["amber"]))
    band = (kpi.band_low, kpi.band_high) if kpi.direction is Direction.BAND \
        and None not in (kpi.band_low, kpi.band_high) else None
    return trend_chart([m.period for m, _status in points], [m.value for m, _status in points],
                       [status.value for _m, status in points], kpi.name, levels,
                       band,  # type: ignore[arg-type]
                       _("Good range"), kpi.measure_unit)


def _objective_names(records: PerformanceRecords, kpi: Kpi) -> list[str]:
    return [records.objectives[o].name for o in kpi.objectives if o in records.objectives]


def _kpi_page(pages: Pages, kpi: Kpi, status: int = 200, *,
              measurement_errors: Mapping[str, str] | None = None,
              posted: Mapping[str, str] | None = None,
              explain_errors: Mapping[str, str] | None = None,
              reply_error: str = ""):  # type: ignore[no-untyped-def]
    records = pages.records
    measurements = records.measurements_of(kpi.id)
    points = point_statuses(kpi, measurements)
    superior = superior_of(records, kpi)
    username = pages.username
    may_enter = may_enter_measurements(username, pages.ctx.roles, kpi)
    return render_template(
        "kpi_page.html", ctx=pages.ctx, kpi=kpi, records=records,
        reading=read_kpi(kpi, measurements, _today()), smart=smart_check(records, kpi),
        letters=LETTERS, smart_reason=smart_reason, points=list(reversed(points)),
        needs_comment={m.period for m in measurements if needs_comment(kpi, m)},
        trend=kpi_trend(kpi, points) if points else None,
        unit=unit_path(records, kpi.unit) if kpi.unit in records.units else "",
        parent=records.kpis.get(kpi.parent) if kpi.parent else None,
        children=kpi_children(records, kpi.id),
        children_status=child_status_counts(records, kpi.id, _today()),
        objectives=_objective_names(records, kpi), superior=superior,
        feedback=list(records.feedback.get(kpi.id, ())), names=display_names(),
        may_enter=may_enter, accept_as=_accept_as(username, kpi, superior),
        may_reply=may_reply_on_kpi(username, pages.ctx.roles, kpi, superior),
        may_edit=pages.ctx.can(OrgAction.EDIT_KPIS), form=Form(),
        # An owner who has left the organization (or was stored before owners had to belong).
        owner_outside=bool(kpi.owner) and kpi.owner not in pages.ctx.people(),
        measurement_errors=measurement_errors or {}, posted=posted or {},
        explain_errors=explain_errors or {}, reply_error=reply_error,
        colours=STATUS_COLOURS), status


def _accept_as(username: str, kpi: Kpi, superior: str) -> str | None:
    """Which acceptance the user still owes the KPI: "owner", "superior", "both" or None."""
    if not may_accept_kpi(username, kpi, superior):
        return None
    owes = [part for part, party, done in (("owner", kpi.owner, kpi.agreed_by_owner_at),
                                           ("superior", superior, kpi.agreed_by_superior_at))
            if username == party and not done]
    return None if not owes else "both" if len(owes) == 2 else owes[0]


@bp.get("/<kpi_id>")
def show(organization_id: str, kpi_id: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id)
    return _kpi_page(pages, pages.kpi(kpi_id))


def _may_enter(pages: Pages, kpi: Kpi) -> None:
    if not may_enter_measurements(pages.username, pages.ctx.roles, kpi):
        abort(403, description=_("Only the KPI's owner and the organization's managers enter "
                                 "its values."))


@bp.post("/<kpi_id>/measurements")
def measure(organization_id: str, kpi_id: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id)
    kpi = pages.kpi(kpi_id)
    _may_enter(pages, kpi)
    form = request.form
    try:
        measurement = add_measurement(
            pages.data, pages.username, kpi.id, form.get("period", "").strip(),
            typed_number(form.get("value", "")),  # type: ignore[arg-type]
            form.get("comment", ""), replace_existing=form.get("replace") == "yes")
    except MeasurementError as error:
        field = str(error.data.get("field") or "value")
        return _kpi_page(pages, kpi, 400, measurement_errors={field: measurement_error(error)},
                         posted=form)
    if needs_comment(kpi, measurement):
        flash(_("Saved %(value)s for %(period)s. The value is %(status)s: add a comment with "
                "the reason and what is done about it.", value=kpi_number(measurement.value),
                period=measurement.period,
                status=KPI_STATUS_NAMES[point_statuses(kpi, [measurement])[0][1]]), "warning")
    else:
        flash(_("Saved %(value)s for %(period)s.", value=kpi_number(measurement.value),
                period=measurement.period), "success")
    return redirect(url_for(".show", organization_id=organization_id, kpi_id=kpi.id))


@bp.post("/<kpi_id>/measurements/<period>/comment")
def explain(organization_id: str, kpi_id: str, period: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id)
    kpi = pages.kpi(kpi_id)
    _may_enter(pages, kpi)
    try:
        explain_measurement(pages.data, pages.username, kpi.id, period,
                            request.form.get("comment", ""))
    except MeasurementError as error:
        if error.code == "measurement_unknown":
            abort(404, description=measurement_error(error))
        return _kpi_page(pages, kpi, 400, explain_errors={period: measurement_error(error)},
                         posted={f"comment-{period}": request.form.get("comment", "")})
    flash(_("Comment on %(period)s saved.", period=period), "success")
    return redirect(url_for(".show", organization_id=organization_id, kpi_id=kpi.id,
                            _anchor="measurements"))


@bp.post("/<kpi_id>/feedback")
def reply(organization_id: str, kpi_id: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id)
    kpi = pages.kpi(kpi_id)
    if not may_reply_on_kpi(pages.username, pages.ctx.roles, kpi,
                            superior_of(pages.records, kpi)):
        abort(403, description=_("The KPI's owner, the owner's superior, managers and leaders "
                                 "write in its feedback."))
    try:
        reply_on_kpi(pages.data, pages.username, kpi.id, request.form.get("text", ""))
    except MeasurementError as error:
        return _kpi_page(pages, kpi, 400, reply_error=measurement_error(error),
                         posted={"text": request.form.get("text", "")})
    flash(_("Reply saved."), "success")
    return redirect(url_for(".show", organization_id=organization_id, kpi_id=kpi.id,
                            _anchor="feedback"))


@bp.post("/<kpi_id>/accept")
def accept(organization_id: str, kpi_id: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id)
    kpi = pages.kpi(kpi_id)
    if not may_accept_kpi(pages.username, kpi, superior_of(pages.records, kpi)):
        abort(403, description=_("Only the KPI's owner and the owner's superior accept its "
                                 "standard."))
    revision = request.form.get("revision", "")
    try:
        accept_kpi(pages.data, pages.username, kpi.id,
                   expected_revision=int(revision) if revision.isdigit() else None)
    except StaleRecord:
        flash(_("The KPI was changed while you read it: read its standard again, then "
                "accept it."), "error")
    except KpiError as error:
        flash(kpi_error(error), "error")
    else:
        flash(_("You accepted the KPI's standard."), "success")
    return redirect(url_for(".show", organization_id=organization_id, kpi_id=kpi.id))


# -- new, change, remove -------------------------------------------------------------------------
def _values_from(form: Mapping[str, Any]) -> dict[str, object]:
    """The KPI's editable fields from a posted form, as the domain takes them; what cannot be
    read stays as typed, for the domain to refuse by name."""
    values: dict[str, object] = {}
    for name in TEXT_FIELDS:
        values[name] = form.get(name, "").strip()
    values["owner"] = str(values["owner"]).lower()
    for name in NUMBER_FIELDS:
        raw = form.get(name, "").strip()
        values[name] = typed_number(raw) if raw else None
    for name in DATE_FIELDS:
        values[name] = form.get(name, "").strip() or None
    for name, kind in CHOICE_FIELDS.items():
        raw = form.get(name, "").strip()
        try:
            values[name] = kind(raw) if raw else None
        except ValueError:
            values[name] = raw
    if values["direction"] is None:
        values["direction"] = Direction.UP
    for name in ("unit", "parent"):
        values[name] = form.get(name, "").strip() or None
    values["objectives"] = tuple(form.getlist("objectives"))
    values["items"] = tuple(form.getlist("items"))
    return values


def _form_choices(records: PerformanceRecords, kpi_id: str | None,
                  people: Mapping[str, Any]) -> dict[str, Any]:
    framework = framework_named(RESULTS_FRAMEWORK)
    return {
        "units": [("" if unit.parent is None else unit.id, ("— " * depth) + unit.name)
                  for unit, depth in unit_tree(records)] or [("", _("the company"))],
        "parents": [(kpi.id, f"{'— ' * depth}{kpi.code} {kpi.name}")
                    for kpi, depth in kpi_tree(records) if kpi.id != kpi_id],
        "objectives": sorted(((o.id, o.name, o.perspective) for o in records.objectives.values()),
                             key=lambda o: (o[2].value, o[1].casefold())),
        "items": [item for item in framework.items if item.id.startswith("4.7.")],
        "people": by_name(people, display_names()),
    }


def _form_page(pages: Pages, kpi: Kpi | None, values: Mapping[str, object],
               errors: Mapping[str, list[str]] | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    people = pages.ctx.people()
    owner = values.get("owner") or ""
    # An owner who is none of the organization's people (a KPI stored before the rule, or
    # one typed): kept as a choice of its own, and said beside the field.
    outsider = str(owner) if owner and owner not in people else ""
    return render_template(
        "kpi_form.html", ctx=pages.ctx, kpi=kpi, values=values, errors=errors or {},
        choices=_form_choices(pages.records, kpi.id if kpi else None, people), form=Form(),
        outsider=outsider, outsider_name=display_names().get(outsider, outsider),
        directions=DIRECTION_LABELS, frequencies=FREQUENCY_LABELS,
        perspectives=PERSPECTIVE_LABELS), status


def _stored_values(kpi: Kpi) -> dict[str, object]:
    return {name: getattr(kpi, name) for name in EDITABLE}


def _problems(pages: Pages, candidate: Kpi) -> dict[str, list[str]]:
    """The domain's objections to the KPI as typed, by field ('' for the KPI as a whole)."""
    errors: dict[str, list[str]] = {}
    names = display_names()
    for problem in kpi_problems(pages.records, normalized(pages.records, candidate),
                                _usernames(), pages.ctx.people()):
        errors.setdefault(problem.field or "", []).append(kpi_error(problem, names))
    return errors


def _refused(error: KpiError | StaleRecord) -> dict[str, list[str]]:
    if isinstance(error, StaleRecord):
        return {"": [_("Someone changed this KPI while you edited it. Their change is kept; "
                       "yours is below: open the KPI again and make it once more.")]}
    return {error.field or "": [kpi_error(error, display_names())]}


@bp.route("/new", methods=["GET", "POST"])
def new(organization_id: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id, OrgAction.EDIT_KPIS)
    if request.method == "GET":
        return _form_page(pages, None, {"direction": Direction.UP,
                                        "parent": request.args.get("parent") or None})
    values = _values_from(request.form)
    errors = _problems(pages, Kpi(id="", **values))  # type: ignore[arg-type]
    if not errors:
        try:
            kpi = create_kpi(pages.data, pages.username, values, _usernames(), pages.ctx.people())
        except (KpiError, StaleRecord) as error:
            errors = _refused(error)
        else:
            flash(_("KPI %(code)s created.", code=kpi.code), "success")
            return redirect(url_for(".show", organization_id=organization_id, kpi_id=kpi.id))
    return _form_page(pages, None, values, errors, 400)


@bp.route("/<kpi_id>/edit", methods=["GET", "POST"])
def edit(organization_id: str, kpi_id: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id, OrgAction.EDIT_KPIS)
    kpi = pages.kpi(kpi_id)
    if request.method == "GET":
        return _form_page(pages, kpi, _stored_values(kpi))
    values = _values_from(request.form)
    errors = _problems(pages, replace(kpi, **values))  # type: ignore[arg-type]
    if not errors:
        revision = request.form.get("revision", "")
        try:
            changed = update_kpi(pages.data, pages.username, kpi.id, values,
                                 expected_revision=int(revision) if revision.isdigit() else None,
                                 usernames=_usernames(), people=pages.ctx.people())
        except (KpiError, StaleRecord) as error:
            errors = _refused(error)
        else:
            if changed.revision == kpi.revision:
                flash(_("No change: the KPI was already so."), "info")
            elif kpi.agreed and not changed.agreed:
                flash(_("Saved. The standard changed, so its owner and the owner's superior "
                        "are asked to accept it again."), "success")
            else:
                flash(_("Saved."), "success")
            return redirect(url_for(".show", organization_id=organization_id, kpi_id=kpi.id))
    return _form_page(pages, kpi, values, errors, 400)


@bp.post("/<kpi_id>/remove")
def remove(organization_id: str, kpi_id: str):  # type: ignore[no-untyped-def]
    """Two steps: without confirm=yes the page says what goes with it; nothing changes."""
    pages = _load(organization_id, OrgAction.EDIT_KPIS)
    kpi = pages.kpi(kpi_id)
    if request.form.get("confirm") != "yes":
        return render_template(
            "kpi_remove.html", ctx=pages.ctx, kpi=kpi, form=Form(),
            measurements=len(pages.records.measurements.get(kpi.id, {})),
            replies=len(pages.records.feedback.get(kpi.id, ())),
            children=kpi_children(pages.records, kpi.id))
    try:
        remove_kpi(pages.data, pages.username, kpi.id)
    except KpiError as error:
        flash(kpi_error(error), "error")
        return redirect(url_for(".show", organization_id=organization_id, kpi_id=kpi.id))
    flash(_("KPI %(code)s removed, with its values and feedback.", code=kpi.code), "success")
    return redirect(url_for(".index", organization_id=organization_id))


# -- import ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ShownReport:
    report: ImportReport
    lines: list[str]  # FILE:LINE: column: what is wrong


def _import_page(pages: Pages, shown: ShownReport | None = None, error: str = "",
                 status: int = 200):  # type: ignore[no-untyped-def]
    return render_template("kpi_import.html", ctx=pages.ctx, form=Form(), shown=shown,
                           error=error), status


@bp.route("/import", methods=["GET", "POST"])
def import_page(organization_id: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id, OrgAction.EDIT_KPIS)
    if request.method == "GET":
        return _import_page(pages)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _import_page(pages, error=_("Choose a CSV or XLSX file to import."), status=400)
    name = Path(upload.filename.replace("\\", "/")).name
    with tempfile.TemporaryDirectory(prefix="kpi-import-") as folder:
        path = Path(folder) / f"upload{Path(name).suffix.lower()}"
        upload.save(path)
        try:
            report = import_file(pages.data, pages.username, path, pages.ctx.organization.name,
                                 _usernames(),
                                 replace_existing=request.form.get("replace") == "yes",
                                 people=pages.ctx.people())
        except TableFileError as error:
            return _import_page(pages, error=_("%(file)s: %(reason)s Nothing was stored.",
                                               file=name, reason=import_file_error(error)),
                                status=400)
    report.file = name
    lines = [f"{name}:{problem.line}: {problem.column}: {import_problem(problem)}"
             for problem in report.problems]
    return _import_page(pages, ShownReport(report, lines))


# -- evidence on a results item's page -------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EvidencePanel:
    """The KPIs a results item's page shows beside its answers (kpi_evidence.html)."""

    organization_id: str
    rows: list[ItemEvidence]
    may_open: bool  # the reader may open the KPI pages (a role in the organization)


def item_evidence(organization_id: str, item: Item | None, username: str
                  ) -> EvidencePanel | None:
    """For a results item (4.7.x) with KPIs linked to it: their levels, yearly trend and
    comparison values (None for any other page, so it costs the others nothing)."""
    if item is None or item.kind is not ItemKind.RESULTS:
        return None
    records = store().organization_data(organization_id).read()
    rows = evidence_for_item(records, item.id, _today())
    if not rows:
        return None
    roles = store().organizations.members(organization_id).get(username, frozenset())
    return EvidencePanel(organization_id, rows,
                         permits_in_organization(roles, OrgAction.VIEW_PERFORMANCE))
