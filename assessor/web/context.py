"""Load what a request needs and check the user may have it: one helper per resource.

As in flaskr and CTFd, every view calls one function that loads the resource and aborts with
401/403/404, so no view can forget the permission check.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from flask import abort, current_app, g, has_request_context, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..access import (
    Action,
    Member,
    OrgAction,
    OrgRole,
    Phase,
    permits,
    permits_in_organization,
    with_organization_roles,
)
from ..clock import utc_now
from ..criteria import Framework, Item
from ..extensions import store_of, users_of
from ..i18n import phase_name, role_names
from ..organizations import AssessmentRecord, Organization, UnknownAssessment, UnknownOrganization
from ..paths import framework_named
from ..performance import PerformanceRecords
from ..phases import current_phase
from ..repositories import AssessmentData, PerformanceData
from ..storage.store import Store
from ..team import member as member_of
from ..users import User, Users

__all__ = ["framework_named", "utc_now"]  # views import these two from here

P = ParamSpec("P")
R = TypeVar("R")


def store() -> Store:
    return store_of(current_app)


def users() -> Users:
    return users_of(current_app)


def current_user() -> User | None:
    return g.get("user")


def signed_in_user() -> User:
    """The signed-in user (401 without one: the sign-in hook redirects before views run)."""
    user = current_user()
    if user is None:
        abort(401)
    return user


def display_names() -> dict[str, str]:
    """Every account's display name, by username: how pages name people."""
    return {user.username: user.display_name for user in users().all()}


def by_name(usernames: Iterable[str], names: Mapping[str, str]) -> list[tuple[str, str]]:
    """These people as (username, display name) pairs in the order of their names: how a
    form offers them (`names` from display_names(); a username without one is its own)."""
    return sorted(((username, names.get(username, username)) for username in usernames),
                  key=lambda pair: pair[1].casefold())


@dataclass(frozen=True, slots=True)
class AssessmentContext:
    record: AssessmentRecord
    framework: Framework
    data: AssessmentData
    user: User
    member: Member
    phase: Phase

    def can(self, action: Action, item_id: str | None = None) -> bool:
        return permits(self.member, action, self.phase, item_id)

    def record_event(self, action: str, **detail: object) -> None:
        self.data.audit.record(self.user.username, action, **detail)


def load_assessment(assessment_id: str, action: Action = Action.VIEW,
                    item_id: str | None = None) -> AssessmentContext:
    """The assessment with the signed-in user's place in it, if they may take `action`.

    401 without a user (the login_required hook redirects first), 404 for an unknown id,
    403 for a user without a role in it, then 404 for an item the criteria do not have (the
    `item_id` given, else the route's), then 403 without the right for this action, phase and
    item.
    """
    user = signed_in_user()
    try:
        record = store().assessments.get(assessment_id)
    except UnknownAssessment:
        abort(404, description=_("There is no assessment with the id '%(id)s'.",
                                 id=assessment_id))
    data = store().assessment_data(record.id)
    org_roles = store().organizations.members(record.organization_id).get(
        user.username, frozenset())
    member = with_organization_roles(
        member_of(data, user.username) or Member(user.username, frozenset()), org_roles)
    if not member.roles:
        abort(403, description=_("You have no role in this assessment. Ask its coordinator to "
                                 "add you."))
    ctx = AssessmentContext(record, framework_named(record.framework), data, user, member,
                            current_phase(data))
    # An item the criteria do not have is a 404 for everyone with a role, before the check of
    # rights that depend on the item (nobody is assigned an item that does not exist).
    requested_item = item_id if item_id is not None else (
        (request.view_args or {}).get("item_id") if has_request_context() else None)
    if requested_item is not None:
        item_or_404(ctx, requested_item)
    if not ctx.can(action, item_id):
        abort(403, description=refusal(ctx, action))
    return ctx


def item_or_404(ctx: AssessmentContext, item_id: str) -> Item:
    """The criteria's item with this id, or 404."""
    try:
        return ctx.framework.item(item_id)
    except KeyError:
        abort(404, description=_("The criteria have no item '%(item)s'.", item=item_id))


@dataclass(frozen=True, slots=True)
class OrganizationContext:
    organization: Organization
    user: User
    roles: frozenset[OrgRole]

    def can(self, action: OrgAction) -> bool:
        return permits_in_organization(self.roles, action)

    def performance(self) -> PerformanceData:
        """The organization's performance file: units, strategy, KPIs, plans."""
        return store().organization_data(self.organization.id)

    def people(self) -> Mapping[str, frozenset[OrgRole]]:
        """The organization's people (anyone with a role in it) and their roles, by username:
        whom its records (owners, heads) may name."""
        return store().organizations.members(self.organization.id)


@dataclass(frozen=True, slots=True)
class PerformancePages:
    """What a page of an organization's units, strategy, KPIs or plans needs: the reader's
    place, the performance file, and one reading of its records for the whole request."""

    ctx: OrganizationContext
    data: PerformanceData
    records: PerformanceRecords

    @property
    def username(self) -> str:
        return self.ctx.user.username


def load_performance(organization_id: str, action: OrgAction) -> PerformancePages:
    """The organization's performance records, if the signed-in user may take `action`."""
    ctx = load_organization(organization_id, action)
    data = ctx.performance()
    return PerformancePages(ctx, data, data.read())


def load_organization(organization_id: str, action: OrgAction | None
                      ) -> OrganizationContext:
    """The organization with the signed-in user's roles in it, if they may take `action`
    (None: the caller decides who sees it)."""
    user = signed_in_user()
    try:
        organization = store().organizations.get(organization_id)
    except UnknownOrganization:
        abort(404, description=_("There is no organization with the id '%(id)s'.",
                                 id=organization_id))
    roles = store().organizations.members(organization.id).get(user.username, frozenset())
    ctx = OrganizationContext(organization, user, roles)
    if action is not None and not ctx.can(action):
        abort(403, description=_("Your role in this organization does not allow this. Its "
                                 "managers give roles."))
    return ctx


def refusal(ctx: AssessmentContext, action: Action) -> str:
    """Why an action is refused, in words the person can act on."""
    return _("Your role here (%(roles)s) does not allow this in the %(phase)s phase, or not on "
             "this item. The coordinator assigns items and opens phases.",
             roles=role_names(ctx.member.roles), phase=phase_name(ctx.phase))


def answers_refusals(handler: Callable[P, R]) -> Callable[P, R | ResponseReturnValue]:
    """For error handlers that load an assessment: a 403/404 raised inside one would become a
    500, so it is turned into its own error page instead."""

    @functools.wraps(handler)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | ResponseReturnValue:
        try:
            return handler(*args, **kwargs)
        except HTTPException as refused:
            return current_app.handle_http_exception(refused)

    return wrapper
