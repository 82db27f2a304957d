"""Load what a request needs and check the user may have it: one helper per resource.

As in flaskr and CTFd, every view calls one function that loads the resource and aborts with
401/403/404, so no view can forget the permission check.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ParamSpec, TypeVar

from flask import abort, current_app, g
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from ..access import NOBODY, Action, Member, Phase, permits
from ..audit import Audit
from ..criteria import Framework, cached_framework
from ..paths import criteria_dir
from ..phases import current_phase
from ..storage.files import DataFile
from ..storage.store import AssessmentRecord, Store, UnknownAssessment
from ..team import member as member_of
from ..users import User, Users

P = ParamSpec("P")
R = TypeVar("R")
STORE_KEY = "assessor.store"
USERS_KEY = "assessor.users"


def store() -> Store:
    return current_app.extensions[STORE_KEY]


def users() -> Users:
    return current_app.extensions[USERS_KEY]


def current_user() -> User | None:
    return g.get("user")


def framework_named(name: str) -> Framework:
    return cached_framework(str(criteria_dir() / name))


@dataclass(frozen=True, slots=True)
class AssessmentContext:
    record: AssessmentRecord
    framework: Framework
    data_file: DataFile
    user: User
    member: Member
    phase: Phase

    def can(self, action: Action, item_id: str | None = None) -> bool:
        return permits(self.member, action, self.phase, item_id)

    @property
    def audit(self) -> Audit:
        return Audit(self.data_file.path.parent)

    def record_event(self, action: str, **detail: object) -> None:
        self.audit.record(self.user.username, action, **detail)


def load_assessment(assessment_id: str, action: Action = Action.VIEW,
                    item_id: str | None = None) -> AssessmentContext:
    """The assessment with the signed-in user's place in it, if they may take `action`.

    401 without a user (the login_required hook redirects first), 404 for an unknown id,
    403 for a user without a role in it or without the right for this action, phase and item.
    """
    user = current_user()
    if user is None:
        abort(401)
    try:
        record = store().get(assessment_id)
    except UnknownAssessment:
        abort(404, description=f"There is no assessment with the id '{assessment_id}'.")
    data_file = store().assessment_file(record.id)
    member = member_of(data_file, user.username) or NOBODY
    if not member.roles:
        abort(403, description="You have no role in this assessment. Ask its coordinator to "
                               "add you.")
    ctx = AssessmentContext(record, framework_named(record.framework), data_file, user, member,
                            current_phase(data_file))
    if not ctx.can(action, item_id):
        abort(403, description=refusal(ctx, action))
    return ctx


def refusal(ctx: AssessmentContext, action: Action) -> str:
    """Why an action is refused, in words the person can act on."""
    roles = ", ".join(sorted(ctx.member.roles))
    return (f"Your role here ({roles}) does not allow this in the {ctx.phase.label} phase, "
            "or not on this item. The coordinator assigns items and opens phases.")


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


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
