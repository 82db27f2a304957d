"""The web layer: blueprints over the domain modules, CSRF, errors and page helpers."""

from __future__ import annotations

from flask import Flask
from flask_wtf import CSRFProtect

from ..rendering import render_markdown
from ..storage.store import Store
from . import errors, home, questionnaire
from .context import STORE_KEY

csrf = CSRFProtect()

_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    app.extensions[STORE_KEY] = Store(app.config["DATA_DIR"])
    csrf.init_app(app)
    app.add_template_filter(render_markdown, "markdown")
    app.register_blueprint(home.bp)
    app.register_blueprint(questionnaire.bp)
    errors.init_app(app)

    @app.after_request
    def add_security_headers(response):  # type: ignore[no-untyped-def]
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
