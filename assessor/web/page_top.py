"""The top of every page (templates/_page_top.html: the body's notes for app.js, the brand, the
account's menu, sign-out and the language switch) is the same for one account in one language,
apart from the forms' CSRF token and this page's address: it is rendered once per such case and
those two are put in per request. It cost about a third of a millisecond on every page."""

from __future__ import annotations

from flask import g, render_template, request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ..i18n import here
from .fragments import KeptFragments

_TOPS = KeptFragments(1024)  # one per account and language in use
# Stand-ins written where the token and the address go; what the template writes around them
# is escaped, so nothing else in the fragment can look like them.
_CSRF_SLOT = Markup("<!-- csrf token -->")
_HERE_SLOT = Markup("<!-- this page -->")


def page_top() -> Markup:
    """templates/_page_top.html for this request."""
    user = g.get("user")
    # Everything the template reads, besides the two stand-ins.
    key = (user and (user.username, user.display_name, user.is_admin), str(get_locale()),
           request.script_root)
    top = _TOPS.get(key, lambda: render_template(
        "_page_top.html", csrf_token=lambda: _CSRF_SLOT, safe_here=lambda: _HERE_SLOT))
    # Markup.replace escapes the values it puts in.
    return top.replace(_CSRF_SLOT, generate_csrf()).replace(_HERE_SLOT, here())
