"""The key factors page: the coordinator (or the consensus lead) names what matters most."""

from __future__ import annotations

import functools

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from ..access import Action
from ..key_factors import (
    MAX_KEY_FACTORS,
    KeyFactor,
    KeyFactorError,
    key_factors,
    save_key_factors,
)
from ..next_cycle import key_factors_carried_over_from
from ..storage.files import StorageUnavailable
from .context import AssessmentContext, answers_refusals, load_assessment
from .errors import kept_text, record_event
from .forms import Form
from .messages import key_factor_error
from .team import SETUP_PREFIX

bp = Blueprint("key_factors", __name__, url_prefix=SETUP_PREFIX)

NEW_FACTOR_FIELDS = ("new_1", "new_2")
MAX_KEY_FACTOR_CHARS = 200


@functools.cache
def key_factors_form_class(factor_ids: tuple[str, ...]) -> type[FlaskForm]:
    """A text input per existing key factor, named by its id, and inputs for new ones."""

    class KeyFactorsForm(Form):
        pass

    for name in (*factor_ids, *NEW_FACTOR_FIELDS):
        setattr(KeyFactorsForm, name, StringField(name, validators=[Length(
            max=MAX_KEY_FACTOR_CHARS,
            message=_l("A key factor is a short phrase of at most %(limit)d characters.",
                       limit=MAX_KEY_FACTOR_CHARS))]))
    return KeyFactorsForm


def _load(assessment_id: str) -> tuple[AssessmentContext, list[KeyFactor], FlaskForm]:
    """The context, the stored key factors and the form (with what was posted, on a POST)."""
    ctx = load_assessment(assessment_id, Action.EDIT_KEY_FACTORS)
    factors = key_factors(ctx.data)
    form = key_factors_form_class(tuple(f.id for f in factors))(
        data={factor.id: factor.text for factor in factors})
    return ctx, factors, form


@bp.route("/key-factors", methods=["GET", "POST"], endpoint="index")
def edit_key_factors(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx, factors, form = _load(assessment_id)
    if form.validate_on_submit():
        try:
            saved = save_key_factors(
                ctx.data, {factor.id: form[factor.id].data or "" for factor in factors},
                [form[name].data or "" for name in NEW_FACTOR_FIELDS])
        except KeyFactorError as error:
            flash(_("The key factors were not saved: %(reason)s Your text is kept below.",
                    reason=key_factor_error(error)), "error")
        else:
            kept = {factor.id for factor in saved}
            record_event(ctx, "key_factors_saved",
                             factors=[{"id": f.id, "text": f.text} for f in saved],
                             removed=[f.id for f in factors if f.id not in kept])
            flash(_("Key factors saved (%(count)d).", count=len(saved)), "success")
            return redirect(url_for("key_factors.index", assessment_id=ctx.record.id))
    elif form.errors:
        flash(_("The key factors were not saved: see the messages below."), "error")
    # A POST that gets here saved nothing.
    return _render(ctx, factors, form), 400 if request.method == "POST" else 200


@bp.errorhandler(StorageUnavailable)
@answers_refusals
def keep_text_of_unsaved_form(error: StorageUnavailable):  # type: ignore[no-untyped-def]
    """A disk that cannot be written saves nothing, but gives the typed key factors back."""
    ctx, factors, form = _load(request.view_args["assessment_id"])
    status = kept_text(error)
    return _render(ctx, factors, form), status


def _render(ctx: AssessmentContext, factors: list[KeyFactor], form: FlaskForm) -> str:
    return render_template("team_key_factors.html", ctx=ctx, form=form, factors=factors,
                           new_fields=NEW_FACTOR_FIELDS, max_factors=MAX_KEY_FACTORS,
                           carried_over_from=key_factors_carried_over_from(ctx.data))
