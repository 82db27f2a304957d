"""User administration: administrators list and add accounts, reset a password (the user
chooses a new one at their next sign-in) and disable or re-enable an account.

These are events of the installation, which has no audit trail of its own (the trails are per
assessment and per organization): they go to the application log."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length

from ..users import MIN_PASSWORD_LENGTH, User, UserError
from .context import current_user, users
from .forms import Form
from .messages import user_error

bp = Blueprint("admin", __name__, url_prefix="/admin")


class NewUserForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)])
    display_name = StringField(_l("Full name"), validators=[Length(max=100)])
    password = PasswordField(_l("Initial password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)])
    confirm = PasswordField(_l("Repeat the password"), validators=[
        EqualTo("password", message=_l("The two passwords differ."))])
    is_admin = BooleanField(_l("Administrator (manages users)"))


class ResetPasswordForm(Form):
    password = PasswordField(_l("Temporary password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)])
    confirm = PasswordField(_l("Repeat the password"), validators=[
        EqualTo("password", message=_l("The two passwords differ."))])


class StatusForm(Form):
    disabled = HiddenField(validators=[AnyOf(("yes", "no"))])


def _require_admin() -> User:
    user = current_user()
    if user is None or not user.is_admin:
        abort(403, description=_("Only administrators manage users."))
    return user


def _account_or_404(username: str) -> User:
    account = users().get(username)
    if account is None:
        abort(404, description=_("There is no user '%(username)s'.", username=username))
    return account


def _render_user(account: User, reset_form: ResetPasswordForm | None = None,
                 status: int = 200):  # type: ignore[no-untyped-def]
    return render_template("admin_user.html", account=account,
                           reset_form=reset_form or ResetPasswordForm(formdata=None),
                           own=account.username == current_user().username), status


@bp.get("/users/<username>", endpoint="user")
def user_page(username: str):  # type: ignore[no-untyped-def]
    _require_admin()
    return _render_user(_account_or_404(username))


@bp.post("/users/<username>/password", endpoint="reset_password")
def reset_password(username: str):  # type: ignore[no-untyped-def]
    admin = _require_admin()
    account = _account_or_404(username)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            users().reset_password(account.username, form.password.data, by=admin.username)
        except UserError as error:
            form.password.errors = [*form.password.errors, user_error(error)]
        else:
            current_app.logger.warning("account: %s reset the password of %s (sessions ended; "
                                       "a new one at next sign-in)", admin.username,
                                       account.username)
            flash(_("The password of %(username)s is reset and their sessions ended. Give them "
                    "the temporary password by a safe route: they choose a new one when they "
                    "sign in.", username=account.username), "success")
            return redirect(url_for("admin.user", username=account.username))
    flash(_("The password was not reset: see the message under the form."), "error")
    return _render_user(account, form, 400)


@bp.post("/users/<username>/status", endpoint="set_status")
def set_status(username: str):  # type: ignore[no-untyped-def]
    admin = _require_admin()
    account = _account_or_404(username)
    form = StatusForm()
    if not form.validate_on_submit():
        flash(_("Nothing was changed: the form did not say whether to disable or enable the "
                "account. Use the buttons on this page."), "error")
        return _render_user(account, status=400)
    disable = form.disabled.data == "yes"
    try:
        users().set_disabled(account.username, disable, by=admin.username)
    except UserError as error:
        flash(_("Nothing was changed: %(reason)s", reason=user_error(error)), "error")
        return _render_user(account, status=400)
    current_app.logger.warning("account: %s %s the account %s", admin.username,
                               "disabled" if disable else "enabled", account.username)
    if disable:
        flash(_("The account %(username)s is disabled: it cannot sign in, and its sessions "
                "have ended.", username=account.username), "success")
    else:
        flash(_("The account %(username)s is enabled again: it can sign in.",
                username=account.username), "success")
    return redirect(url_for("admin.user", username=account.username))


@bp.route("/users", methods=["GET", "POST"])
def user_list():  # type: ignore[no-untyped-def]
    _require_admin()
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = users().create(form.username.data, form.display_name.data or "",
                                  form.password.data, is_admin=form.is_admin.data)
        except UserError as error:
            form.username.errors = [*form.username.errors, user_error(error)]
        else:
            current_app.logger.info("account: %s added the account %s%s",
                                    current_user().username, user.username,
                                    " (administrator)" if user.is_admin else "")
            flash(_("User %(username)s added. Give them their password by a safe route; "
                    "coordinators can now add them to assessments.", username=user.username),
                  "success")
            return redirect(url_for("admin.user_list"))
    status = 400 if form.errors else 200
    return render_template("admin_users.html", form=form, users=users().all()), status
