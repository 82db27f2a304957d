"""The audit trail page: every change to an assessment, newest first."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..access import Action
from ..audit import describe
from .context import display_names, load_assessment
from .team import SETUP_PREFIX

bp = Blueprint("audit", __name__, url_prefix=SETUP_PREFIX)


@bp.get("/audit", endpoint="index")
def audit(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.VIEW_AUDIT)
    log = ctx.data.audit.read()
    rows = [(entry, describe(entry)) for entry in reversed(log.entries)]
    return render_template("team_audit.html", ctx=ctx, rows=rows, names=display_names(),
                           unreadable_lines=log.unreadable_lines)
