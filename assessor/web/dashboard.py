"""The leadership dashboard of an organization (its leaders and managers) and each person's
"my work" page: parse, ask assessor/dashboard.py, render."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ..access import OrgAction, permits_in_organization
from ..charts import bar_chart
from ..dashboard import (
    Dashboard,
    dashboard,
    days_late,
    latest_scored_cycle,
    my_work_everywhere,
    organization_gaps,
)
from ..gaps import previous_scored_cycle
from ..i18n import ACTION_STATUS_NAMES, KPI_STATUS_NAMES, PLAN_STATE_NAMES, show_both
from ..organizations import Organization
from ..report import format_points
from ..repositories import version_of
from .context import display_names, framework_named, load_organization, signed_in_user, store
from .kept_body import page_around

bp = Blueprint("dashboard", __name__)

def today() -> date:
    return date.today()


def url_if_routed(endpoint: str, **values: Any) -> str | None:
    """The page's address once the app has the page (plans and KPI pages are built beside
    these ones); None until then, and the line is shown without a link."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def plans_by_state_chart(board: Dashboard) -> dict[str, Any]:
    return bar_chart([str(PLAN_STATE_NAMES[state]) for state, _count in board.by_state],
                     [count for _state, count in board.by_state], _("Plans"))


def _words() -> dict[str, Any]:
    return {"plan_state": PLAN_STATE_NAMES, "action_status": ACTION_STATUS_NAMES,
            "kpi_status": KPI_STATUS_NAMES}


@bp.get("/o/<organization_id>/dashboard")
def organization(organization_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.VIEW_DASHBOARD)
    day, names = today(), display_names()
    data = store().organization_data(organization_id)
    assessments = store().assessments
    cycles = _cycles_key(organization_id)
    # The whole body is the same for every reader of a language on a day: rendered once per
    # version of the organization's records, of the cycles whose gaps it shows and of the
    # people's names (the header, breadcrumb and date are rendered around it).
    people = hash(frozenset(names.items()))
    body = data.derived(
        f"dashboard_html:{day}:{cycles}:{get_locale()}:{show_both()}:{people}:"
        f"{ctx.organization.name}",
        lambda: _render_body(ctx.organization, dashboard(
            data.read(), day,
            lambda: organization_gaps(assessments, organization_id, framework_named)),
            names).encode())
    return page_around("dashboard.html", body, ctx=ctx)


def _render_body(organization: Organization, board: Dashboard, names: dict[str, str]) -> str:
    framework = framework_named(board.gaps.assessment.framework) if board.gaps else None
    return render_template(
        "_dashboard_body.html", organization_id=organization.id,
        organization_name=organization.name, board=board,
        framework=framework, states_chart=plans_by_state_chart(board), days_late=days_late,
        names=names, words=_words(), points=format_points, url_if_routed=url_if_routed)


def _cycles_key(organization_id: str) -> str:
    """Names the cycles the dashboard's gaps come from (the latest scored cycle and the one
    before it) as their data is now, for the key of what is derived from them."""
    assessments = store().assessments
    latest = latest_scored_cycle(assessments, organization_id)
    if latest is None:
        return "-"
    earlier = previous_scored_cycle(assessments, latest)
    return ":".join(f"{record.id}@{version_of(assessments.data(record.id))}"
                    for record in (latest, earlier) if record is not None)


@bp.get("/my-work")
def my_work():  # type: ignore[no-untyped-def]
    user = signed_in_user()
    work = my_work_everywhere(store().organizations, store().assessments, user.username,
                              today(), framework_named)
    return render_template(
        "my_work.html", work=work, today=today(), names=display_names(), words=_words(),
        framework_named=framework_named, url_if_routed=url_if_routed,
        may_view_dashboard=lambda roles: permits_in_organization(roles,
                                                                 OrgAction.VIEW_DASHBOARD))
