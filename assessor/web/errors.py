"""Error pages that say what went wrong and what to do next."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..storage.files import DataFileError

_ADVICE = {
    400: "The request could not be understood. Go back, reload the page and try again.",
    404: "Check the address, or start again from the list of assessments.",
    413: "What you sent is larger than assessor accepts in one request. Save fewer or shorter "
         "answers at a time.",
}


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        return render_template("error.html", code=error.code, title=error.name,
                               message=error.description, advice=_ADVICE.get(error.code)
                               ), error.code

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        return render_template(
            "error.html", code=400, title="Form expired or not sent from assessor",
            message=error.description,
            advice="Nothing was saved. Go back, copy your text if needed, reload the page and "
                   "save again.",
        ), 400

    @app.errorhandler(DataFileError)
    def data_error(error: DataFileError):  # type: ignore[no-untyped-def]
        app.logger.error("data file problem: %s", error)
        return render_template(
            "error.html", code=500, title="This assessment's data cannot be read",
            message=error.reason,
            advice="Other assessments are not affected. Ask the administrator to run "
                   "'flask --app assessor check-data' and restore the file from a backup.",
        ), 500
