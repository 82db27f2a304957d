"""The header's language switch: a POST that remembers the choice and goes back to the page.

Open before sign-in (the sign-in page has the switch too). The choice is kept in a cookie, which
outlives the fresh session that sign-in and sign-out start, and, for a signed-in user, on the
account, so that it follows them to every browser.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, g, redirect, request, url_for
from flask_babel import force_locale, gettext

from ..i18n import LANGUAGE_COOKIE, LANGUAGE_COOKIE_AGE, LANGUAGES
from .context import users

bp = Blueprint("language", __name__)


def same_site_path(target: str | None) -> str | None:
    """`target` if it is a path on this site ("/a/x?y=1"), else None (open redirect).

    The one check of every `next=` (sign-in, the language switch). The target is parsed, and
    refused with any scheme ("https:", "javascript:") or host ("//host"), any backslash, any
    control character and any whitespace: browsers drop a tab or a line break inside a URL
    ("/<tab>/evil.example" becomes "//evil.example"), and a line break cannot go into a header.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(char == "\\" or char.isspace() or unicodedata.category(char) in {"Cc", "Cf"}
           for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") \
            or parts.path.startswith("//"):
        return None
    return target


@bp.post("/language", endpoint="switch")
def switch():  # type: ignore[no-untyped-def]
    language = request.form.get("language", "")
    if language not in LANGUAGES:
        abort(400, description=gettext("Choose one of the languages offered: %(languages)s.",
                                       languages=", ".join(LANGUAGES.values())))
    user = g.get("user")
    if user is not None:
        users().set_language(user.username, language)
        with force_locale(language):
            flash(gettext("The interface is now in %(language)s, on every device you sign in "
                          "with.", language=LANGUAGES[language]), "success")
    fallback = url_for("home.index") if user is not None else url_for("auth.login")
    response = redirect(same_site_path(request.form.get("next")) or fallback)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_AGE, httponly=True,
                        samesite="Lax",
                        secure=request.is_secure or bool(current_app.config["HTTPS"]))
    return response
