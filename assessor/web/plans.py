"""An organization's improvement plans (issue 11 §1): the list by state, a new plan (from OFIs
of a cycle's consensus, from a red KPI, or blank), and each plan's page with its PDCA stages:
Plan (objective, root cause analysis, expected effects, actions), Do (actions' status and
progress notes), Check (each linked KPI against its expected effect, and the verdict) and Act
(the new standard practice, or the next plan), the moves the domain allows this person now,
and the decisions as a timeline.

Views parse what was sent, call the domain (plans, plan_moves, plan_actions, plan_check,
plan_queries, plan_sources) and render; who may do what, and which move is possible, is the
domain's to say.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from ..access import OrgAction, may_edit_plan, permits_in_organization
from ..charts import Option, effect_chart
from ..errors import DomainError
from ..i18n import ACTION_STATUS_NAMES, PLAN_STATE_NAMES
from ..organizations import UnknownAssessment
from ..performance import PerformanceRecords, StaleRecord
from ..plan_actions import (
    ACTIONS_OPEN,
    NOTES_OPEN,
    add_action,
    add_note,
    may_work_on,
    update_action,
)
from ..plan_check import EffectCheck, check_plan_effects
from ..plan_moves import (
    MOVES,
    missing_for_submission,
    move_plan,
    moves_open_to,
    record_verdict,
)
from ..plan_queries import plans_by_state, plans_of_cycle, state_counts
from ..plan_sources import draft_from_kpi, draft_from_ofis, ofi_refs, ofi_texts
from ..plans import (
    ActionStatus,
    ExpectedEffect,
    FishboneHeading,
    OfiRef,
    Plan,
    PlanError,
    PlanState,
    Verdict,
    create_plan,
    get_plan,
    people_of,
    remove_plan,
    update_plan,
)
from ..repositories import PerformanceData
from ..storage.files import StorageUnavailable
from .context import (
    PerformancePages,
    answers_refusals,
    by_name,
    display_names,
    load_performance,
    store,
)
from .errors import kept_text, typed_values
from .forms import Form, typed_number
from .messages import PLAN_MISSING, plan_error

bp = Blueprint("plans", __name__, url_prefix="/o/<organization_id>/plans")

FISHBONE_NAMES = {
    FishboneHeading.PEOPLE: _l("People"),
    FishboneHeading.MACHINES: _l("Machines"),
    FishboneHeading.MATERIALS: _l("Materials"),
    FishboneHeading.METHODS: _l("Methods"),
    FishboneHeading.MEASUREMENT: _l("Measurement"),
    FishboneHeading.ENVIRONMENT: _l("Environment"),
}
VERDICT_NAMES = {
    Verdict.EFFECTIVE: _l("effective"),
    Verdict.PARTLY: _l("partly effective"),
    Verdict.NOT_EFFECTIVE: _l("not effective"),
}
# What each move's button says (plan_moves.MOVES names them).
MOVE_LABELS = {
    "submit": _l("Submit for approval"),
    "approve": _l("Approve"),
    "return": _l("Return with a comment"),
    "start": _l("Start: Do"),
    "check": _l("Go to Check"),
    "close": _l("Close: make it the standard"),
    "continue": _l("Continue: open the next plan"),
}
MOVE_DONE = {
    "submit": _l("Submitted: the sponsor and the organization's leaders are asked to approve "
                 "it."),
    "approve": _l("Approved."),
    "return": _l("Returned to its owner as a draft, with your comment."),
    "start": _l("Started: the actions are being worked on."),
    "check": _l("The plan is being checked."),
    "close": _l("Closed: what it changed is now the standard practice."),
    "continue": _l("The next plan is open as a draft, linked to this one."),
}
# Refusals after which the form that was sent is not on the page (the person may not, or no
# longer, use it): the reason and the typed text are shown at the top instead.
FORM_GONE = frozenset({"plan_not_allowed", "plan_actions_closed", "plan_locked",
                       "plan_not_checking", "plan_transition_refused", "plan_action_unknown"})
ACT_MOVES = frozenset({"close", "continue"})  # in the Act section, with the new standards
WHY_FIELDS = 5
EFFECT_ROWS = 3  # empty rows for new expected effects on the form


def today() -> date:
    return date.today()


@bp.app_template_global()
def may_plan(org_roles: frozenset) -> bool:  # type: ignore[type-arg]
    """Whether someone with these roles in an organization opens its plans (and so may start
    one): the links to a new plan beside OFIs and KPIs are shown to them."""
    return permits_in_organization(org_roles, OrgAction.VIEW_PLANS)


# -- loading -----------------------------------------------------------------------------------
class Pages(PerformancePages):
    __slots__ = ()

    def plan(self, plan_id: str) -> Plan:
        try:
            return get_plan(self.records, plan_id)
        except PlanError:
            abort(404, description=_("This organization has no plan with the id '%(id)s'.",
                                     id=plan_id))


def _load(organization_id: str) -> Pages:
    loaded = load_performance(organization_id, OrgAction.VIEW_PLANS)
    return Pages(loaded.ctx, loaded.data, loaded.records)


def _people(pages: Pages):  # type: ignore[no-untyped-def]
    return people_of(pages.ctx.people())


def _revision() -> int | None:
    raw = request.form.get("revision", "")
    return int(raw) if raw.isdigit() else None


def _words() -> dict[str, Any]:
    return {"state": PLAN_STATE_NAMES, "status": ACTION_STATUS_NAMES, "fishbone": FISHBONE_NAMES,
            "verdict": VERDICT_NAMES, "move": MOVE_LABELS, "missing": PLAN_MISSING}


# -- the list ----------------------------------------------------------------------------------
@bp.get("/")
def index(organization_id: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id)
    by_state = plans_by_state(pages.records)
    raw = request.args.get("state", "")
    shown = PlanState(raw) if raw in set(PlanState) else None
    assessment, item = request.args.get("assessment", ""), request.args.get("item", "")
    # From the gap report: the plans of a cycle's OFIs (under one item), as it counts them.
    of_cycle = plans_of_cycle(pages.records, assessment) if assessment else None
    wanted = None if of_cycle is None else {
        plan.id for listed in ([of_cycle.get(item, [])] if item else of_cycle.values())
        for plan in listed}
    plans = [plan for state, plans in by_state.items() if shown in (None, state)
             for plan in plans if wanted is None or plan.id in wanted]
    day = today()
    return render_template(
        "plan_list.html", ctx=pages.ctx, by_state=by_state, shown=shown, plans=plans,
        overdue={plan.id: sum(plan.is_overdue(action, day) for action in plan.actions)
                 for plan in plans},
        names=display_names(), words=_words(), filtered=bool(shown or assessment))


# -- the form: new and edit --------------------------------------------------------------------
def _content_from(form: Mapping[str, Any]) -> dict[str, object]:
    """The plan's content fields from the posted form, as the domain takes them."""
    effects: list[object] = []
    for index in range(int(form.get("effect_rows", "0") or 0) if
                       str(form.get("effect_rows", "0")).isdigit() else 0):
        kpi = form.get(f"effect_kpi_{index}", "").strip()
        now, expected = (form.get(f"effect_{part}_{index}", "").strip()
                         for part in ("now", "expected"))
        by = form.get(f"effect_by_{index}", "").strip()
        if kpi or now or expected or by:
            effects.append(ExpectedEffect(kpi, typed_number(now), typed_number(expected), by))  # type: ignore[arg-type]
    items = tuple(part for part in re.split(r"[\s,，;；]+", form.get("items", "")) if part)
    return {
        "title": form.get("title", ""), "objective": form.get("objective", ""),
        "owner": form.get("owner", "").strip().lower(),
        "sponsor": form.get("sponsor", "").strip().lower(),
        "items": items,
        "whys": tuple(form.get(f"why_{n}", "") for n in range(1, WHY_FIELDS + 1)),
        "fishbone": {heading: form.get(f"fishbone_{heading.value}", "")
                     for heading in FishboneHeading},
        "effects": tuple(effects),
    }


def _sources_from(pages: Pages, form: Mapping[str, Any]) -> dict[str, object]:
    """Where a new plan comes from, as the form carries it (OFIs of one cycle, or a KPI)."""
    sources: dict[str, object] = {}
    assessment = form.get("assessment", "")
    statement_ids = form.getlist("ofi") if hasattr(form, "getlist") else []
    if assessment and statement_ids:
        data = _cycle_data(pages, assessment)
        sources["ofis"] = ofi_refs(data.id, data.consensus.all(), statement_ids)
    if kpi := form.get("kpi", ""):
        sources["source_kpi"] = kpi
    return sources


def _cycle_data(pages: Pages, assessment_id: str):  # type: ignore[no-untyped-def]
    """A cycle of this organization's (404 for any other)."""
    try:
        record = store().assessments.get(assessment_id)
    except UnknownAssessment:
        record = None
    if record is None or record.organization_id != pages.ctx.organization.id:
        abort(404, description=_("This organization has no cycle with the id '%(id)s'.",
                                 id=assessment_id))
    return store().assessment_data(record.id)


@dataclass(frozen=True, slots=True)
class ShownOfi:
    ref: OfiRef
    cycle: str
    text: str | None  # None: no longer in that consensus


def shown_ofis(refs: tuple[OfiRef, ...]) -> list[ShownOfi]:
    """Each OFI with its cycle's name and its current text."""
    shown = []
    for assessment_id in dict.fromkeys(ref.assessment for ref in refs):
        try:
            record = store().assessments.get(assessment_id)
        except UnknownAssessment:
            shown += [ShownOfi(ref, assessment_id, None) for ref in refs
                      if ref.assessment == assessment_id]
            continue
        texts = ofi_texts(store().assessment_data(assessment_id), refs)
        shown += [ShownOfi(ref, record.cycle, texts.get(ref)) for ref in refs
                  if ref.assessment == assessment_id]
    return shown


def _form_values(plan_values: Mapping[str, object]) -> dict[str, Any]:
    """What the form shows from content values (stored or prefilled)."""
    fishbone = dict(plan_values.get("fishbone") or ())  # type: ignore[arg-type]
    whys = list(plan_values.get("whys") or ())  # type: ignore[call-overload]
    effects = list(plan_values.get("effects") or ())  # type: ignore[call-overload]
    return {
        "title": plan_values.get("title", ""), "objective": plan_values.get("objective", ""),
        "owner": plan_values.get("owner", ""), "sponsor": plan_values.get("sponsor", ""),
        "items": ", ".join(plan_values.get("items") or ()),  # type: ignore[arg-type]
        **{f"why_{n}": whys[n - 1] if n <= len(whys) else "" for n in range(1, WHY_FIELDS + 1)},
        **{f"fishbone_{h.value}": fishbone.get(h, "") for h in FishboneHeading},
        "effect_rows": len(effects) + EFFECT_ROWS,
        **{key: value for index, effect in enumerate(effects) if isinstance(effect, ExpectedEffect)
           for key, value in ((f"effect_kpi_{index}", effect.kpi),
                              (f"effect_now_{index}", _shown_number(effect.now)),
                              (f"effect_expected_{index}", _shown_number(effect.expected)),
                              (f"effect_by_{index}", effect.by))},
    }


def _shown_number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _form_page(pages: Pages, plan: Plan | None, values: Mapping[str, Any],
               sources: Mapping[str, object], errors: Mapping[str, list[str]] | None = None,
               status: int = 200):  # type: ignore[no-untyped-def]
    members = pages.ctx.people()
    names = display_names()
    people = people_of(members)
    refs = tuple(sources.get("ofis") or ())  # type: ignore[call-overload]
    kpi_id = sources.get("source_kpi")
    # An owner or sponsor kept from the stored plan (or typed) who is none of the choices
    # stays a choice of its own; an owner who is none of the organization's people is said.
    owner, sponsor = (str(values.get(name) or "") for name in ("owner", "sponsor"))
    outsider = owner if owner and owner not in (people.usernames or ()) else ""
    return render_template(
        "plan_form.html", ctx=pages.ctx, plan=plan, values=values, errors=errors or {},
        form=Form(), ofis=shown_ofis(refs), refs=refs,
        source_kpi=pages.records.kpis.get(kpi_id) if isinstance(kpi_id, str) else None,
        people=by_name(people.usernames or (), names),
        leaders=by_name(people.leaders or (), names),
        outsider=outsider, outsider_name=names.get(outsider, outsider),
        other_sponsor=sponsor if sponsor and sponsor not in (people.leaders or ()) else "",
        other_sponsor_name=names.get(sponsor, sponsor),
        kpis=sorted(pages.records.kpis.values(), key=lambda kpi: kpi.code.casefold()),
        rows=int(values.get("effect_rows") or EFFECT_ROWS), why_fields=WHY_FIELDS,
        words=_words(), headings=list(FishboneHeading)), status


def _refusal_status(error: DomainError) -> int:
    """403 when the person may not (the page still says who may), else 400."""
    return 403 if error.code == "plan_not_allowed" else 400


def _refused(error: DomainError) -> dict[str, list[str]]:
    field = getattr(error, "field", None) or error.data.get("field") or ""
    return {str(field): [plan_error(error, display_names())]}


@bp.route("/new", methods=["GET", "POST"])
def new(organization_id: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id)
    if request.method == "GET":
        values: dict[str, object] = {"owner": pages.username}
        try:
            if assessment := request.args.get("assessment", ""):
                values.update(draft_from_ofis(_cycle_data(pages, assessment),
                                              request.args.getlist("ofi")))
            elif kpi := request.args.get("kpi", ""):
                values.update(draft_from_kpi(pages.records, kpi, today()))
        except PlanError as error:
            abort(404, description=plan_error(error))
        sources = {key: values[key] for key in ("ofis", "source_kpi") if values.get(key)}
        return _form_page(pages, None, _form_values(values), sources)
    try:
        sources = _sources_from(pages, request.form)
    except PlanError as error:
        return _form_page(pages, None, request.form, {}, _refused(error), 400)
    try:
        plan = create_plan(pages.data, pages.username, pages.ctx.roles,
                           {**_content_from(request.form), **sources}, _people(pages))
    except PlanError as error:
        return _form_page(pages, None, request.form, sources, _refused(error),
                          _refusal_status(error))
    flash(_("Plan created as a draft. Add its actions, then submit it for approval."),
          "success")
    return redirect(url_for(".show", organization_id=organization_id, plan_id=plan.id))


@bp.route("/<plan_id>/edit", methods=["GET", "POST"])
def edit(organization_id: str, plan_id: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id)
    plan = pages.plan(plan_id)
    sources = {"ofis": plan.ofis, "source_kpi": plan.source_kpi}
    if request.method == "GET":
        if not may_edit_plan(pages.username, pages.ctx.roles, plan.owner):
            abort(403, description=plan_error(PlanError(
                "plan_not_allowed", None, user=pages.username, who=["manager", "owner"])))
        return _form_page(pages, plan, {**_form_values(_content_of(plan)),
                                        "revision": plan.revision}, sources)
    try:
        changed = update_plan(pages.data, pages.username, pages.ctx.roles, plan.id,
                              _content_from(request.form), _revision(), _people(pages))
    except StaleRecord as error:
        return _form_page(pages, pages.plan(plan_id), request.form, sources,
                          _refused(error), 409)
    except PlanError as error:
        return _form_page(pages, plan, request.form, sources, _refused(error),
                          _refusal_status(error))
    flash(_("Saved.") if changed.revision != plan.revision
          else _("No change: the plan was already so."),
          "success" if changed.revision != plan.revision else "info")
    return redirect(url_for(".show", organization_id=organization_id, plan_id=plan.id))


def _content_of(plan: Plan) -> dict[str, object]:
    return {"title": plan.title, "objective": plan.objective, "owner": plan.owner,
            "sponsor": plan.sponsor, "items": plan.items, "whys": plan.whys,
            "fishbone": plan.fishbone, "effects": plan.effects}


# -- the plan's page ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CheckRow:
    day: str
    value: float
    kind: str  # "start": the value then; "measured"; "expected": by the effect's date


@dataclass(frozen=True, slots=True)
class ShownCheck:
    check: EffectCheck
    chart: Option | None  # None: nothing to draw yet (not started)
    table_id: str

    @property
    def rows(self) -> list[CheckRow]:
        """The chart's points as its table's rows, in date order (the expectation's two ends
        among the measured values)."""
        rows = [CheckRow(m.period, m.value, "measured") for m in self.check.points]
        if self.check.line:
            start, end = self.check.line
            rows += [CheckRow(start.day, start.value, "start"),
                     CheckRow(end.day, end.value, "expected")]
        order = {"start": 0, "measured": 1, "expected": 2}
        return sorted(rows, key=lambda row: (row.day, order[row.kind]))


def effect_checks(records: PerformanceRecords, plan: Plan, day: date) -> list[ShownCheck]:
    """Each expected effect's Check with its chart (values since the start, expectation line)."""
    shown = []
    for index, check in enumerate(check_plan_effects(records, plan, day)):
        name = check.kpi.name if check.kpi else check.effect.kpi
        chart = effect_chart(
            [(m.period, m.value) for m in check.points],
            [(point.day, point.value) for point in check.line], name, _("Expected"),
            check.kpi.measure_unit if check.kpi else "") if check.line else None
        shown.append(ShownCheck(check, chart, f"effect-table-{index}"))
    return shown


def _plan_page(pages: Pages, plan: Plan, status: int = 200, *, error: str = "",
               errors: Mapping[str, str] | None = None,
               posted: Mapping[str, str] | None = None,
               typed: list[str] | None = None):  # type: ignore[no-untyped-def]
    """The plan's page; `error` said at the top, `errors` beside the form they belong to
    (move, act, verdict, add_action, status-A1, note-A1), the text `posted` kept in it."""
    day, username, roles = today(), pages.username, pages.ctx.roles
    moves = moves_open_to(plan, username, roles)
    editor = may_edit_plan(username, roles, plan.owner)
    names = display_names()
    members = pages.ctx.people()
    following = pages.records.plans.get(plan.continued_by) if plan.continued_by else None
    previous = pages.records.plans.get(plan.continues) if plan.continues else None
    return render_template(
        "plan_page.html", ctx=pages.ctx, plan=plan, form=Form(), names=names, words=_words(),
        moves=[(to, MOVES[plan.state, to].name) for to in moves],
        act_moves=ACT_MOVES, may_edit=editor and plan.state is PlanState.DRAFT,
        editor=editor, missing=", ".join(str(PLAN_MISSING[name])
                                         for name in missing_for_submission(plan))
        if plan.state is PlanState.DRAFT else "",
        actions_open=plan.state in ACTIONS_OPEN, notes_open=plan.state in NOTES_OPEN,
        may_work={action.id: may_work_on(plan, action, username, roles)
                  for action in plan.actions},
        overdue={action.id: plan.is_overdue(action, day) for action in plan.actions},
        checks=effect_checks(pages.records, plan, day) if plan.effects else [],
        kpis=pages.records.kpis, ofis=shown_ofis(plan.ofis), following=following,
        previous=previous, statuses=list(ActionStatus), verdicts=list(Verdict),
        people=by_name(members, names),
        members=members,
        move_names={(start, to): move.name for (start, to), move in MOVES.items()},
        error=error, errors=errors or {}, posted=posted or {}, typed=typed or [], today=day), status


@bp.get("/<plan_id>")
def show(organization_id: str, plan_id: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id)
    return _plan_page(pages, pages.plan(plan_id))


def _after(pages: Pages, plan_id: str, form_name: str, change, done: str,  # type: ignore[no-untyped-def]
           anchor: str = ""):
    """Run `change`; on success say `done` and show the plan again (at `anchor`), else the
    page with the domain's reason beside the form, the typed text kept (400; 409 when the
    plan changed meanwhile)."""
    try:
        change()
    except StaleRecord as error:
        return _plan_page(pages, pages.plan(plan_id), 409, errors={form_name: plan_error(error)},
                          posted=request.form)
    except PlanError as error:
        if error.code == "plan_unknown":
            abort(404, description=plan_error(error))
        if error.code in FORM_GONE:  # the page shows no such form to this person now
            return _plan_page(pages, pages.plan(plan_id), _refusal_status(error),
                              error=plan_error(error), typed=typed_values())
        return _plan_page(pages, pages.plan(plan_id), 400,
                          errors={form_name: plan_error(error, display_names())},
                          posted=request.form)
    flash(done, "success")
    return redirect(url_for(".show", organization_id=pages.ctx.organization.id,
                            plan_id=plan_id, _anchor=anchor or None))


@bp.post("/<plan_id>/move")
def move(organization_id: str, plan_id: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id)
    plan = pages.plan(plan_id)
    raw = request.form.get("to", "")
    if raw not in set(PlanState):
        abort(400, description=_("Choose one of the moves shown on the plan's page."))
    to = PlanState(raw)
    move = MOVES.get((plan.state, to))
    form_name = "act" if move is not None and move.name in ACT_MOVES else "move"
    standards = request.form.get("standards", "").splitlines()
    result: dict[str, Plan] = {}

    def change() -> None:
        result["plan"] = move_plan(pages.data, pages.username, pages.ctx.roles, plan.id, to,
                                   request.form.get("comment", ""), standards, _revision())

    response = _after(pages, plan.id, form_name, change,
                      str(MOVE_DONE[move.name]) if move else "")
    if "plan" in result and result["plan"].continued_by:
        return redirect(url_for(".show", organization_id=organization_id,
                                plan_id=result["plan"].continued_by))
    return response


@bp.post("/<plan_id>/verdict")
def verdict(organization_id: str, plan_id: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id)
    plan = pages.plan(plan_id)
    return _after(pages, plan.id, "verdict", lambda: record_verdict(
        pages.data, pages.username, pages.ctx.roles, plan.id, request.form.get("verdict", ""),
        request.form.get("comment", ""), _revision()), _("Verdict recorded."), "check")


@bp.post("/<plan_id>/actions")
def new_action(organization_id: str, plan_id: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id)
    plan = pages.plan(plan_id)
    form = request.form
    return _after(pages, plan.id, "add_action", lambda: add_action(
        pages.data, pages.username, pages.ctx.roles, plan.id, form.get("text", ""),
        form.get("owner", "").strip().lower(), form.get("due", "").strip() or None,
        frozenset(_people(pages).usernames or ()), _revision()),
        _("Action added."), "do")


@bp.post("/<plan_id>/actions/<action_id>")
def change_action(organization_id: str, plan_id: str, action_id: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id)
    plan = pages.plan(plan_id)
    form = request.form
    values: dict[str, object] = {}
    for name in ("text", "owner", "due", "status"):
        if name in form:
            raw = form.get(name, "")
            values[name] = raw.strip().lower() if name == "owner" else \
                (raw.strip() or None) if name == "due" else raw
    if isinstance(values.get("status"), str) and values["status"] in set(ActionStatus):
        values["status"] = ActionStatus(values["status"])
    return _after(pages, plan.id, f"action-{action_id}", lambda: update_action(
        pages.data, pages.username, pages.ctx.roles, plan.id, action_id, values,
        frozenset(_people(pages).usernames or ()), _revision()),
        _("Action %(action)s saved.", action=action_id), f"action-{action_id}")


@bp.post("/<plan_id>/actions/<action_id>/notes")
def note(organization_id: str, plan_id: str, action_id: str):  # type: ignore[no-untyped-def]
    pages = _load(organization_id)
    plan = pages.plan(plan_id)
    return _after(pages, plan.id, f"note-{action_id}", lambda: add_note(
        pages.data, pages.username, pages.ctx.roles, plan.id, action_id,
        request.form.get("text", ""), _revision()),
        _("Progress update saved."), f"action-{action_id}")


@bp.post("/<plan_id>/remove")
def remove(organization_id: str, plan_id: str):  # type: ignore[no-untyped-def]
    """A draft that was never submitted goes (the domain keeps any other)."""
    pages = _load(organization_id)
    plan = pages.plan(plan_id)
    response = _after(pages, plan.id, "remove", lambda: remove_plan(
        pages.data, pages.username, pages.ctx.roles, plan.id, _revision()),
        _("The draft %(title)s was removed.", title=plan.title))
    if isinstance(response, tuple):  # refused: the plan's page with the reason
        return response
    return redirect(url_for(".index", organization_id=organization_id))


@bp.errorhandler(CSRFError)
@bp.errorhandler(StorageUnavailable)
@answers_refusals
def keep_typed_text(error: CSRFError | StorageUnavailable):  # type: ignore[no-untyped-def]
    """An expired form or a disk that cannot be written stores nothing; the page comes back
    with what was typed (the form, or the plan's page with the text in its form)."""
    args = request.view_args or {}
    status = kept_text(error)
    pages = _load(args["organization_id"])
    if request.endpoint in ("plans.new", "plans.edit"):
        plan = pages.plan(args["plan_id"]) if "plan_id" in args else None
        sources = {"ofis": plan.ofis, "source_kpi": plan.source_kpi} if plan else {}
        return _form_page(pages, plan, request.form, sources, {}, status)
    form_name = {"plans.move": "move", "plans.verdict": "verdict",
                 "plans.new_action": "add_action"}.get(
        request.endpoint or "", f"note-{args.get('action_id')}"
        if request.endpoint == "plans.note" else f"action-{args.get('action_id')}")
    return _plan_page(pages, pages.plan(args["plan_id"]), status,
                      errors={form_name: ""}, posted=request.form)


# -- on the gap report ---------------------------------------------------------------------------
# How many plans of an item's OFIs are in each state ("2 closed, 1 doing").
PLAN_COUNT_WORDS = {
    PlanState.DRAFT: _l("%(num)d draft"),
    PlanState.SUBMITTED: _l("%(num)d submitted"),
    PlanState.APPROVED: _l("%(num)d approved"),
    PlanState.DOING: _l("%(num)d doing"),
    PlanState.CHECKING: _l("%(num)d checking"),
    PlanState.CLOSED: _l("%(num)d closed"),
    PlanState.CONTINUED: _l("%(num)d continued"),
}


@dataclass(frozen=True, slots=True)
class GapPlans:
    """By item, how many plans in each state came from the OFIs of this cycle (`this`) and of
    the cycle it is compared with (`earlier`)."""

    this: dict[str, dict[PlanState, int]]
    earlier: dict[str, dict[PlanState, int]]
    earlier_id: str | None
    earlier_cycle: str
    words: Mapping[PlanState, Any]

    @property
    def key(self) -> str:
        """Names the counts, for the key of a page part that shows them."""
        def flat(by_item: dict[str, dict[PlanState, int]]) -> list[object]:
            return [(item, [(state.value, n) for state, n in counts.items()])
                    for item, counts in by_item.items()]
        return f"{hash(repr((flat(self.this), flat(self.earlier)))):x}"

    def phrases(self, counts: Mapping[PlanState, int]) -> list[str]:
        """"2 closed", "1 doing": each state's count in the reader's language."""
        return [str(self.words[state]) % {"num": count} for state, count in counts.items()]


def gap_plan_summary(performance: PerformanceData, assessment_id: str,
                     earlier: Any | None) -> GapPlans:
    """The plans beside each item of a cycle's gap report (plan_queries.plans_of_cycle), once
    per version of the organization's records (the words are read when shown)."""
    def summary() -> GapPlans:
        records = performance.read()

        def counts(cycle_id: str) -> dict[str, dict[PlanState, int]]:
            return {item: state_counts(plans)
                    for item, plans in plans_of_cycle(records, cycle_id).items()}

        return GapPlans(counts(assessment_id), counts(earlier.id) if earlier else {},
                        earlier.id if earlier else None, earlier.cycle if earlier else "",
                        PLAN_COUNT_WORDS)

    return performance.derived(
        f"gap_plans:{assessment_id}:{earlier.id if earlier else '-'}", summary)
