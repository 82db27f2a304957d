"""(being built) The team pages of an assessment."""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("team", __name__, url_prefix="/a/<assessment_id>/team")


@bp.get("/")
def index(assessment_id: str):  # type: ignore[no-untyped-def]
    abort(404)  # placeholder until this area is built


@bp.get("/audit")
def audit(assessment_id: str):  # type: ignore[no-untyped-def]
    abort(404)  # placeholder until this area is built
