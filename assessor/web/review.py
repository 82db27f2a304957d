"""(being built) The review pages of an assessment."""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("review", __name__, url_prefix="/a/<assessment_id>/review")


@bp.get("/")
def index(assessment_id: str):  # type: ignore[no-untyped-def]
    abort(404)  # placeholder until this area is built
