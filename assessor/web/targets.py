"""The targets page: every item's target for the cycle, set all at once, then item by item with
an optional rationale. A refused entry is named and nothing of that save is stored; the page
comes back with what was chosen and typed."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError

from ..access import Action
from ..storage.files import StorageUnavailable
from ..targets import (
    TARGET_STEP,
    ItemTarget,
    TargetError,
    changed_entries,
    set_targets,
    targets_of,
)
from .context import AssessmentContext, answers_refusals, load_assessment
from .errors import kept_text
from .forms import Form
from .messages import target_error

bp = Blueprint("targets", __name__, url_prefix="/a/<assessment_id>/targets")

ALL_FIELD = "all_items"


def target_field(item_id: str) -> str:
    return f"target-{item_id}"


def rationale_field(item_id: str) -> str:
    return f"rationale-{item_id}"


def _target(raw: str) -> object:
    """A posted target as a number when it is one; anything else goes to the domain as typed,
    which refuses it naming the entry."""
    return int(raw) if raw.isdigit() else raw


def _render(ctx: AssessmentContext, stored: Mapping[str, ItemTarget], status: int = 200,
            posted: Mapping[str, str] | None = None):  # type: ignore[no-untyped-def]
    return render_template(
        "targets.html", ctx=ctx, form=Form(), targets=stored, posted=posted or {},
        steps=range(0, 101, TARGET_STEP), target_field=target_field,
        rationale_field=rationale_field, all_field=ALL_FIELD), status


@bp.get("/")
def index(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.SET_TARGETS)
    return _render(ctx, targets_of(ctx.data))


@bp.post("/")
def save(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.SET_TARGETS)
    stored = targets_of(ctx.data)
    everything = request.form.get(ALL_FIELD, "").strip()
    if everything:
        all_items: object = _target(everything)
        items: dict[str, object] = {}
        rationales: dict[str, str] = {}
    else:
        all_items = None
        posted = {item.id: request.form.get(target_field(item.id), "").strip()
                  for item in ctx.framework.items}
        items, rationales = changed_entries(
            stored, {item_id: _target(raw) for item_id, raw in posted.items() if raw},
            {item.id: request.form.get(rationale_field(item.id), "")
             for item in ctx.framework.items})
        if not items:
            flash(_("Nothing to save: no target was changed."), "info")
            return redirect(url_for("targets.index", assessment_id=ctx.record.id))
    try:
        set_targets(ctx.data, ctx.framework, ctx.user.username, all_items=all_items,  # type: ignore[arg-type]
                    items=items, rationales=rationales)  # type: ignore[arg-type]
    except TargetError as error:
        flash(_("Nothing was saved: %(reason)s", reason=target_error(error)), "error")
        return _render(ctx, stored, 400, request.form)
    if all_items is not None:
        flash(_("Every item's target is now %(target)s%%.", target=all_items), "success")
    else:
        flash(ngettext("Target saved for %(num)d item.", "Targets saved for %(num)d items.",
                       len(items)), "success")
    return redirect(url_for("targets.index", assessment_id=ctx.record.id))


@bp.errorhandler(CSRFError)
@bp.errorhandler(StorageUnavailable)
@answers_refusals
def keep_choices_of_unsaved_form(error: CSRFError | StorageUnavailable):  # type: ignore[no-untyped-def]
    """An expired form or a disk that cannot be written stores nothing, but the page comes
    back with the targets and rationales as chosen and typed."""
    ctx = load_assessment(request.view_args["assessment_id"], Action.SET_TARGETS)
    return _render(ctx, targets_of(ctx.data), kept_text(error), request.form)
