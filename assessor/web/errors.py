"""Error pages that say what went wrong and what to do next, in the reader's language."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

from ..storage.files import AuditUnavailable, DataFileError, StorageUnavailable
from .messages import csrf_reason, text_kept_after_expiry

if TYPE_CHECKING:
    from .context import AssessmentContext

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


def log_storage_failure(error: OSError) -> None:
    """The administrator's record of a write that failed: the file, the reason, the trace."""
    current_app.logger.error("could not store a change: %s", error, exc_info=error)


def kept_text(error: CSRFError | StorageUnavailable) -> int:
    """For a form whose page comes back with the text as posted: flash why nothing was saved
    and return the status of that page (503 when the server could not write, 400 for an
    expired form)."""
    if isinstance(error, StorageUnavailable):
        log_storage_failure(error)
        flash(_("Nothing was saved: the server could not store your text (its disk may be full "
                "or read-only). Your text is kept below: copy it somewhere safe, or try saving "
                "again later. The administrator finds the error in the server's log."), "error")
        return 503
    flash(text_kept_after_expiry(error.description), "error")
    return 400


def typed_values() -> list[str]:
    """What the person typed into the form that could not be stored, to give it back: every
    non-empty field but passwords, tokens and the hidden bookkeeping of revisions."""
    return [value for name, value in request.form.items(multi=True)
            if value.strip() and "password" not in name and "confirm" not in name
            and name not in ("csrf_token", "next") and not name.startswith("revision_")]


def storage_error_page(error: OSError):  # type: ignore[no-untyped-def]
    """The page of a write that failed where the form itself is not shown again: it says
    nothing was saved and gives back what was typed, to copy."""
    log_storage_failure(error)
    return render_template(
        "error.html", code=503, title=_l("Nothing was saved"),
        message=_l("The server could not store what you sent: its disk may be full or "
                   "read-only. Nothing was saved."),
        advice=_l("What you typed is below: copy it somewhere safe and try again later. The "
                  "administrator finds the error in the server's log."),
        typed=typed_values(),
    ), 503


def audit_not_written(error: AuditUnavailable) -> None:
    """A change was stored but its audit entry could not be written: log it, and tell the
    person the truth (saved; the trail misses it; the administrator can see why)."""
    current_app.logger.error("a change was stored, but its audit entry was not: %s", error,
                             exc_info=error)
    flash(_("Your change is saved, but the audit trail could not record it (the server could "
            "not write to it). The administrator finds the error in the server's log."),
          "warning")


def record_event(ctx: AssessmentContext, action: str, **detail: object) -> None:
    """`ctx.record_event`, for a view that goes on after it (its success message, a page
    with conflicts): an audit entry that cannot be written is logged and the person warned."""
    try:
        ctx.record_event(action, **detail)
    except AuditUnavailable as error:
        audit_not_written(error)


def _page_after_audit_failure() -> str:
    """Where a view whose change was stored, but not its audit entry, would have led: the page
    itself if it can be shown, else the page the form was on, else the home page."""
    if request.url_rule is not None and "GET" in (request.url_rule.methods or ()):
        return request.path
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        try:
            current_app.url_map.bind(request.host).match(referrer.path, method="GET")
        except HTTPException:  # not a page of this site (or one that moved)
            pass
        else:
            return referrer.path
    return url_for("home.index")


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

    # Pages with a text form give the text back instead (kept_text, in their blueprint).
    app.register_error_handler(StorageUnavailable, storage_error_page)

    @app.errorhandler(OSError)
    def io_error(error: OSError):  # type: ignore[no-untyped-def]
        # Any other I/O error (a new organization's folder that cannot be made): part of the
        # change may be stored, so the page does not say "nothing"; the usual 500 on a GET.
        log_storage_failure(error)
        if request.method != "POST":
            return http_error(InternalServerError())
        return render_template(
            "error.html", code=503, title=_l("The server could not write"),
            message=_l("The server could not store what you sent, or not all of it: its disk "
                       "may be full or read-only."),
            advice=_l("Copy your text somewhere safe, check what was saved and try again later. "
                      "The administrator finds the error in the server's log."),
        ), 503

    @app.errorhandler(AuditUnavailable)
    def audit_unavailable(error: AuditUnavailable):  # type: ignore[no-untyped-def]
        # The change itself was stored (the trail is written after it): say so, never "failed".
        audit_not_written(error)
        return redirect(_page_after_audit_failure())

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
