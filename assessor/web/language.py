"""The header's language switch: a POST that remembers the choice and goes back to the page.

Open before sign-in (the sign-in page has the switch too). The choice is kept in a cookie, which
outlives the fresh session that sign-in and sign-out start, and, for a signed-in user, on the
account, so that it follows them to every browser.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_babel import force_locale, gettext

from ..i18n import LANGUAGE_COOKIE, LANGUAGE_COOKIE_AGE, LANGUAGES
from .context import users

bp = Blueprint("language", __name__)


def same_site_path(target: str | None) -> str | None:
    """`target` if it is a path on this site ("/a/x?y=1"), else None: never "//host", a scheme
    ("https:", "javascript:"), a backslash or a control character (open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
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
                        samesite="Lax", secure=request.is_secure)
    return response
