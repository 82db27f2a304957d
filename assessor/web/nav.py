"""The assessment's menu, on every page of an assessment: the same few links for everyone with
the same rights on the same page, so it is rendered once per such case and kept (a page's
frame costs more than most of its content)."""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from ..access import Action
from .context import AssessmentContext

_RENDERED: OrderedDict[tuple[object, ...], Markup] = OrderedDict()
_LOCK = threading.Lock()
_KEPT = 512  # menus: a few per assessment page and set of rights


def assessment_nav(ctx: AssessmentContext) -> Markup:
    """The menu's links (templates/_assessment_nav_links.html) for this context."""
    rights = frozenset(action for action in Action if ctx.can(action))
    # What the links template reads: the assessment, its phase, the rights, the language and
    # the page's address (the "both languages" link points back to it).
    key = (ctx.record.id, ctx.phase, rights, str(get_locale()), request.full_path)
    with _LOCK:
        menu = _RENDERED.get(key)
        if menu is not None:
            _RENDERED.move_to_end(key)
            return menu
    menu = Markup(render_template("_assessment_nav_links.html", ctx=ctx))
    with _LOCK:
        _RENDERED[key] = menu
        while len(_RENDERED) > _KEPT:
            _RENDERED.popitem(last=False)
    return menu
