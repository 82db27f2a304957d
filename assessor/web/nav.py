"""The assessment's menu, on every page of an assessment: the same few links for everyone with
the same rights on the same page, so it is rendered once per such case and kept."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from ..access import Action
from .context import AssessmentContext
from .fragments import KeptFragments

_MENUS = KeptFragments(512)  # a few per assessment page and set of rights


def assessment_nav(ctx: AssessmentContext) -> Markup:
    """The menu's links (templates/_assessment_nav_links.html) for this context."""
    rights = frozenset(action for action in Action if ctx.can(action))
    # What the links template reads: the assessment, its phase, the rights, the language and
    # the page's address (the "both languages" link points back to it).
    key = (ctx.record.id, ctx.phase, rights, str(get_locale()), request.full_path)
    return _MENUS.get(key, lambda: render_template("_assessment_nav_links.html", ctx=ctx))
