"""Sign-in and sign-out; every other page requires a signed-in user.

Sessions end after an idle time and an absolute lifetime (SESSION_IDLE, SESSION_LIFETIME); the
cookie is Secure and HSTS is sent when the installation is served over HTTPS (HTTPS), and
TRUSTED_PROXIES reverse proxies in front are believed about the client's address and scheme.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

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
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.middleware.proxy_fix import ProxyFix
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from .context import current_user, users
from .forms import Form
from .language import same_site_path

bp = Blueprint("auth", __name__)
_PUBLIC_ENDPOINTS = {"auth.login", "language.switch", "static"}
_LIMITS_KEY = "assessor.login_limits"
_HSTS = "max-age=31536000"  # a year; no includeSubDomains: other sites of the domain may not be
# The session's own clock: when it was signed in and when it last saw a request (Unix seconds).
_SIGNED_IN_AT, _SEEN_AT = "signed_in_at", "seen_at"
_SEEN_GRANULARITY = 60  # seconds: the cookie is rewritten at most once a minute for idleness


def _now() -> float:
    """The clock sessions are timed by (tests shift it)."""
    return time.time()


class LoginForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


def _next_page() -> str:
    return same_site_path(request.args.get("next")) or url_for("home.index")


# -- failed sign-ins ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Counter:
    item: RateLimitItem
    identifiers: tuple[str, ...]
    refusal: str  # "account" or "address": which message a refusal gives


class LoginLimits:
    """Failed sign-ins counted per account from one address and per address.

    Each attempt is counted before its password is checked (a burst of simultaneous attempts
    cannot slip past the limit) and given back when the password was right, so that in the end
    only failures count. Counted per account from one address, one person's typos lock out
    neither their colleagues behind the same proxy nor their own account from elsewhere; the
    wider per-address limit stops one address from trying every account.
    """

    def __init__(self, storage: Storage, per_account: str, per_address: str) -> None:
        self.storage = storage
        self.strategy = FixedWindowRateLimiter(storage)
        self.per_account = parse(per_account)
        self.per_address = parse(per_address)

    def counters(self, username: str, address: str) -> list[_Counter]:
        account = username.strip().lower()[:100]
        return [_Counter(self.per_account, ("login-account", address, account), "account"),
                _Counter(self.per_address, ("login-address", address), "address")]

    def take(self, counters: list[_Counter]) -> _Counter | None:
        """Count one attempt on every counter; the counter that refuses it (nothing is counted
        then), or None."""
        taken: list[_Counter] = []
        for counter in counters:
            if not self.strategy.hit(counter.item, *counter.identifiers):
                self.give_back([*taken, counter])
                return counter
            taken.append(counter)
        return None

    def give_back(self, counters: list[_Counter]) -> None:
        for counter in counters:
            key = counter.item.key_for(*counter.identifiers)
            decr = getattr(self.storage, "decr", None)  # the memory store's: never below 0
            if decr is not None:
                decr(key)
            else:
                self.storage.incr(key, counter.item.get_expiry(), amount=-1)

    def retry_after(self, counter: _Counter) -> int:
        reset = self.strategy.get_window_stats(counter.item, *counter.identifiers).reset_time
        return max(1, int(reset - time.time()) + 1)


def login_limits() -> LoginLimits:
    return current_app.extensions[_LIMITS_KEY]


def _too_many(counter: _Counter, limits: LoginLimits):  # type: ignore[no-untyped-def]
    if counter.refusal == "account":
        message = _("Signing in to this account from your address is paused after several "
                    "failed attempts.")
    else:
        message = _("Signing in from your address is paused after many failed attempts.")
    return render_template(
        "error.html", code=429, title=_("Too many failed sign-ins"), message=message,
        advice=_("Wait a minute and try again, or ask an administrator to reset your "
                 "password."),
    ), 429, {"Retry-After": str(limits.retry_after(counter))}


# -- views -------------------------------------------------------------------------------------
@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    if current_user() is not None:
        return redirect(_next_page())
    form = LoginForm()
    if form.validate_on_submit():
        limits = login_limits()
        counters = limits.counters(form.username.data, request.remote_addr or "")
        refused = limits.take(counters)
        if refused is not None:
            return _too_many(refused, limits)
        user = users().authenticate(form.username.data, form.password.data)
        if user is not None:
            limits.give_back(counters)  # only failures count
            session.clear()  # a fresh session: nothing from before sign-in carries over
            session["user"] = user.username
            session["epoch"] = user.session_epoch
            session[_SIGNED_IN_AT] = session[_SEEN_AT] = int(_now())
            return redirect(_next_page())
        flash(_("Unknown username or wrong password."), "error")
        return render_template("login.html", form=form, demo=_demo_users()), 401
    return render_template("login.html", form=form, demo=_demo_users())


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    """Always signs out this browser; every other session of the user too when the server can
    write (a read-only or full disk only leaves those, and the log says so)."""
    user = current_user()
    session.clear()
    flash(_("You are signed out."), "success")
    if user is not None:
        try:
            users().revoke_sessions(user.username)  # every cookie of this user, everywhere
        except Exception:
            current_app.logger.exception("sign-out of %s: other sessions not revoked",
                                         user.username)
            flash(_("The server could not end your sessions in other browsers: sign out "
                    "there too, or try again later."), "warning")
    return redirect(url_for("auth.login"))


def _demo_users() -> list:
    return [user for user in users().all() if user.is_demo]


def _session_expired(now: float) -> bool:
    config = current_app.config
    signed_in_at, seen_at = session.get(_SIGNED_IN_AT), session.get(_SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        return True  # a cookie from before sessions were timed
    return (now - signed_in_at > config["SESSION_LIFETIME"]
            or now - seen_at > config["SESSION_IDLE"])


def init_app(app: Flask) -> None:
    app.extensions[_LIMITS_KEY] = LoginLimits(
        storage_from_string(app.config["LOGIN_RATE_LIMIT_STORAGE"]),
        app.config["LOGIN_RATE_LIMIT"], app.config["LOGIN_ADDRESS_RATE_LIMIT"])
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:  # the client's address and scheme as the proxies in front saw them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    # The signed cookie itself is refused past the absolute lifetime, whatever it holds.
    app.permanent_session_lifetime = timedelta(seconds=int(app.config["SESSION_LIFETIME"]))
    if app.config["HTTPS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    app.register_blueprint(bp)

    @app.before_request
    def load_user_and_require_login():  # type: ignore[no-untyped-def]
        g.user = None
        if request.endpoint == "static":
            return None  # stylesheets and scripts: no account lookup on every file
        username = session.get("user")
        if username:
            user = users().get(username)
            now = _now()
            if _session_expired(now):
                session.clear()
                flash(_("Your session has ended; sign in again."), "warning")
            elif user is not None and user.session_epoch == session.get("epoch"):
                g.user = user
                if now - session[_SEEN_AT] >= _SEEN_GRANULARITY:
                    session[_SEEN_AT] = int(now)
            else:
                session.clear()  # signed out elsewhere, password changed, or user removed
        if g.user is None and request.endpoint not in _PUBLIC_ENDPOINTS:
            if request.endpoint is None:
                return None  # an unknown URL: let it be a 404
            if request.endpoint == "auth.logout":  # already signed out (expired, elsewhere):
                # after signing in again, the home page, not a GET of /logout
                return redirect(url_for("auth.login", next=url_for("home.index")))
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None

    @app.after_request
    def strict_transport_security(response):  # type: ignore[no-untyped-def]
        if app.config["HTTPS"]:
            response.headers.setdefault("Strict-Transport-Security", _HSTS)
        return response
