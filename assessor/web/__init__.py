"""The web layer: blueprints over the domain modules, CSRF, errors and page helpers."""

from __future__ import annotations

from argon2 import PasswordHasher, profiles
from flask import Flask, g, request
from flask_wtf import CSRFProtect

from ..access import Action, Role
from ..extensions import STORE_KEY, USERS_KEY
from ..rendering import render_markdown
from ..storage.files import one_read_per_file
from ..storage.store import Store
from ..storage.upgrade import UPGRADE_NEEDED, needs_upgrade
from ..users import Users
from . import (
    account,
    admin,
    audit,
    auth,
    consensus,
    dashboard,
    errors,
    gaps,
    home,
    key_factors,
    kpis,
    language,
    nav,
    next_cycle,
    organizations,
    page_top,
    phases,
    plans,
    questionnaire,
    report,
    review,
    settings,
    strategy,
    targets,
    team,
    units,
)

csrf = CSRFProtect()

_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


# argon2id parameters: RFC 9106's low-memory profile (64 MiB) in production; the cheapest
# profile only where a test configuration asks for it.
_PASSWORD_PROFILES = {"default": profiles.RFC_9106_LOW_MEMORY, "cheap": profiles.CHEAPEST}


def init_app(app: Flask) -> None:
    store = Store(app.config["DATA_DIR"])
    app.extensions[STORE_KEY] = store
    hasher = PasswordHasher.from_parameters(_PASSWORD_PROFILES[app.config["PASSWORD_PROFILE"]])
    app.extensions[USERS_KEY] = Users(store.users, hasher)

    @app.before_request
    def read_each_data_file_once():  # type: ignore[no-untyped-def]
        # A page asks the same files many times (team, phase, answers, derived figures): one
        # read of each per request, which also gives the page one version of each file.
        g.read_scope = one_read_per_file()
        g.read_scope.__enter__()

    @app.teardown_request
    def end_read_scope(error: BaseException | None) -> None:
        scope = g.pop("read_scope", None)
        if scope is not None:
            scope.__exit__(None, None, None)

    upgraded = False  # once the folder is upgraded, it stays so: no need to read it again

    @app.before_request
    def refuse_an_old_data_folder():  # type: ignore[no-untyped-def]
        # Checked per request until the folder is current, so an upgrade needs no restart.
        nonlocal upgraded
        if upgraded or request.endpoint == "static":
            return None
        if needs_upgrade(store):
            return UPGRADE_NEEDED.format(folder=store.root), 503, {
                "Content-Type": "text/plain; charset=utf-8"}
        upgraded = True
        return None

    auth.init_app(app)  # before CSRF: a signed-out request goes to sign-in first
    csrf.init_app(app)
    app.add_template_filter(render_markdown, "markdown")
    app.register_blueprint(admin.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(language.bp)  # the header's language switch (assessor.i18n)
    app.jinja_env.globals.update(Action=Action, Role=Role, assessment_nav=nav.assessment_nav,
                                 page_top=page_top.page_top)
    for blueprint in (home.bp, organizations.bp, questionnaire.bp, team.bp, phases.bp,
                      key_factors.bp, settings.bp, audit.bp, review.bp, consensus.bp, report.bp,
                      gaps.bp, targets.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(next_cycle.bp)  # start the next cycle from one
    app.register_blueprint(audit.organization_bp)  # the organization's own audit trail
    app.register_blueprint(kpis.bp)  # an organization's KPI register, pages, import
    app.register_blueprint(units.bp)  # an organization's units
    app.register_blueprint(strategy.bp)  # an organization's strategy and strategy map
    app.register_blueprint(dashboard.bp)  # the leadership dashboard and each person's work
    app.register_blueprint(plans.bp)  # an organization's improvement plans (PDCA)
    errors.init_app(app)

    @app.after_request
    def add_security_headers(response):  # type: ignore[no-untyped-def]
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
