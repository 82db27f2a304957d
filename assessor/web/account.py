"""The signed-in user's own settings: the time zone they read dates and times in."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField

from ..clock import utc_now
from ..i18n import select_timezone
from ..users import TIMEZONES, UserError
from .context import current_user, users
from .forms import Form
from .messages import user_error

bp = Blueprint("account", __name__)
# Offered first: where assessor's users mostly are, then the rest in name order.
COMMON_TIMEZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore",
                    "Asia/Tokyo", "Europe/London", "Europe/Berlin", "America/New_York", "UTC")


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
