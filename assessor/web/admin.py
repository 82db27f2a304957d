"""User administration: administrators list and add accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..users import MIN_PASSWORD_LENGTH, UserError
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


def _require_admin() -> None:
    user = current_user()
    if user is None or not user.is_admin:
        abort(403, description=_("Only administrators manage users."))


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
            flash(_("User %(username)s added. Give them their password by a safe route; "
                    "coordinators can now add them to assessments.", username=user.username),
                  "success")
            return redirect(url_for("admin.user_list"))
    status = 400 if form.errors else 200
    return render_template("admin_users.html", form=form, users=users().all()), status
