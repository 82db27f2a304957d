"""Error pages that say what went wrong and what to do next, in the reader's language."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, default_exceptions

from ..storage.files import DataFileError
from .messages import csrf_reason

_ADVICE = {
    400: _l("The request could not be understood. Go back, reload the page and try again."),
    404: _l("Check the address, or start again from the list of assessments."),
    413: _l("What you sent is larger than assessor accepts in one request. Save fewer or "
            "shorter answers at a time."),
}
# What happened, where the page that refused said nothing of its own (werkzeug's English
# descriptions, in the reader's language).
_DESCRIPTIONS = {
    400: _l("The browser sent a request that assessor could not understand."),
    401: _l("Sign in to see this page."),
    403: _l("You may not open this page."),
    404: _l("There is no page at this address."),
    405: _l("This page cannot be used that way."),
    409: _l("Something changed while the request was being handled."),
    413: _l("What was sent is larger than assessor accepts."),
    429: _l("Too many requests in a short time; try again later."),
    500: _l("Something went wrong inside assessor; the request was not completed."),
}


def description(error: HTTPException) -> str:
    """The error's own description, or, for werkzeug's default one, ours in the reader's
    language."""
    code = error.code or 500
    default = default_exceptions.get(code)
    if code in _DESCRIPTIONS and (default is None or error.description == default.description):
        return str(_DESCRIPTIONS[code])
    return str(error.description or "")


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        return render_template("error.html", code=error.code, title=error.name,
                               message=description(error), advice=_ADVICE.get(error.code)
                               ), error.code

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        return render_template(
            "error.html", code=400, title=_l("Form expired or not sent from assessor"),
            message=csrf_reason(error.description),
            advice=_l("Nothing was saved. Go back, copy your text if needed, reload the page "
                      "and save again."),
        ), 400

    @app.errorhandler(DataFileError)
    def data_error(error: DataFileError):  # type: ignore[no-untyped-def]
        app.logger.error("data file problem: %s", error)
        return render_template(
            "error.html", code=500, title=_l("This assessment's data cannot be read"),
            message=error.reason,  # for the administrator who repairs it: the file's problem
            advice=_l("Other assessments are not affected. Ask the administrator to run "
                      "'%(command)s' and restore the file from a backup.",
                      command="flask --app assessor check-data"),
        ), 500
