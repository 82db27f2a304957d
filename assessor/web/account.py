"""The signed-in user's own settings: the time zone they read dates and times in, and their
password (which a reset by an administrator makes them choose before anything else)."""

from __future__ import annotations

from flask import (
    Blueprint,
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
from wtforms import PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, EqualTo, Length

from ..clock import utc_now
from ..i18n import select_timezone
from ..users import MIN_PASSWORD_LENGTH, TIMEZONES, UserError
from .context import current_user, users
from .forms import Form
from .language import same_site_path
from .messages import user_error

bp = Blueprint("account", __name__)
# Offered first: where assessor's users mostly are, then the rest in name order.
COMMON_TIMEZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore",
                    "Asia/Tokyo", "Europe/London", "Europe/Berlin", "America/New_York", "UTC")


# What a user who must choose a new password may still reach (the rest sends them to it).
_WHILE_PASSWORD_MUST_CHANGE = {"account.password", "auth.logout", "auth.login",
                               "language.switch", "static"}


class PasswordForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        EqualTo("new", message=_l("The two passwords differ."))])


class TimezoneForm(Form):
    timezone = SelectField(_l("Time zone"), description=_l(
        "Dates and times on every page are shown in this zone."))


def _timezone_form() -> TimezoneForm:
    form = TimezoneForm()
    default = current_app.config.get("DEFAULT_TIMEZONE") or _("by the interface language")
    form.timezone.choices = [
        SelectChoice("", _("The installation's (%(zone)s)", zone=default)),
        *(SelectChoice(zone, zone) for zone in COMMON_TIMEZONES),
        *(SelectChoice(zone, zone) for zone in sorted(TIMEZONES - set(COMMON_TIMEZONES)))]
    return form


@bp.route("/account", methods=["GET", "POST"], endpoint="settings")
def settings():  # type: ignore[no-untyped-def]
    user = current_user()
    form = _timezone_form()
    if form.validate_on_submit():
        try:
            users().set_timezone(user.username, form.timezone.data or None)
        except UserError as error:
            form.timezone.errors.append(user_error(error))
        else:
            flash(_("Saved: dates and times are now shown in %(zone)s.",
                    zone=form.timezone.data or _("the installation's time zone")), "success")
            return redirect(url_for(".settings"))
    elif not form.is_submitted():
        form.timezone.data = user.timezone or ""
    return render_template("account.html", form=form, user=user, now=utc_now(),
                           zone=select_timezone()), 400 if form.errors else 200


@bp.route("/account/password", methods=["GET", "POST"], endpoint="password")
def password():  # type: ignore[no-untyped-def]
    """Change one's own password: every other session of this user ends, this one stays."""
    user = current_user()
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            changed = users().change_password(user.username, form.current.data, form.new.data)
        except UserError as error:
            field = form.current if error.code == "wrong_password" else form.new
            field.errors = [*field.errors, user_error(error)]
        else:
            session["epoch"] = changed.session_epoch  # this browser stays signed in
            current_app.logger.info("account: %s changed their password (other sessions "
                                    "ended)", user.username)
            flash(_("Your password is changed. You are signed out everywhere else."), "success")
            # After a forced change, on to the page the person was going to.
            return redirect(same_site_path(request.args.get("next")) or url_for(
                "home.index" if user.must_change_password else ".settings"))
    return render_template("account_password.html", form=form, user=user,
                           forced=user.must_change_password,
                           min_length=MIN_PASSWORD_LENGTH), 400 if form.errors else 200


@bp.before_app_request
def require_a_new_password():  # type: ignore[no-untyped-def]
    """After an administrator's reset, the user chooses a new password before anything else.
    (Runs after sign-in's user loading, registered before this blueprint.)"""
    user = g.get("user")
    if user is not None and user.disabled:  # disabling ends sessions; this is a second lock
        session.clear()
        g.user = None
        return redirect(url_for("auth.login"))
    if user is None or not user.must_change_password:
        return None
    if request.endpoint in _WHILE_PASSWORD_MUST_CHANGE or request.endpoint is None:
        return None
    going_to = request.full_path.rstrip("?") if request.method == "GET" else request.path
    return redirect(url_for("account.password", next=going_to))
