"""Sign-in and sign-out; every other page requires a signed-in user."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from .context import current_user, users
from .forms import Form

bp = Blueprint("auth", __name__)
# In-memory counters fit one server process; several processes each count on their own.
limiter = Limiter(get_remote_address, storage_uri="memory://")
_PUBLIC_ENDPOINTS = {"auth.login", "language.switch", "static"}


class LoginForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


def _failed(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 401


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute or scheme-relative URL (open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
               deduct_when=_failed)
def login():  # type: ignore[no-untyped-def]
    if current_user() is not None:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = users().authenticate(form.username.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session: nothing from before sign-in carries over
            session["user"] = user.username
            session["epoch"] = user.session_epoch
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Unknown username or wrong password."), "error")
        return render_template("login.html", form=form, demo=_demo_users()), 401
    return render_template("login.html", form=form, demo=_demo_users())


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    user = current_user()
    if user is not None:
        users().revoke_sessions(user.username)  # every cookie of this user, everywhere
    session.clear()
    flash(_("You are signed out."), "success")
    return redirect(url_for("auth.login"))


def _demo_users() -> list:
    return [user for user in users().all() if user.is_demo]


def init_app(app: Flask) -> None:
    limiter.init_app(app)
    app.register_blueprint(bp)

    @app.errorhandler(429)
    def too_many_attempts(error):  # type: ignore[no-untyped-def]
        return render_template(
            "error.html", code=429, title=_("Too many failed sign-ins"),
            message=_("Sign-in is paused for this address after several failed attempts."),
            advice=_("Wait a minute and try again, or ask an administrator to reset your "
                     "password."),
        ), 429

    @app.before_request
    def load_user_and_require_login():  # type: ignore[no-untyped-def]
        g.user = None
        if request.endpoint == "static":
            return None  # stylesheets and scripts: no account lookup on every file
        username = session.get("user")
        if username:
            user = users().get(username)
            if user is not None and user.session_epoch == session.get("epoch"):
                g.user = user
            else:
                session.clear()  # signed out elsewhere, password changed, or user removed
        if g.user is None and request.endpoint not in _PUBLIC_ENDPOINTS:
            if request.endpoint is None:
                return None  # an unknown URL: let it be a 404
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None
