"""The audit trail page: every change to an assessment, newest first, in the reader's words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_babel import ngettext

from ..access import Action, OrgAction, OrgRole, Phase
from ..audit import AuditEntry
from ..i18n import PLAN_STATE_NAMES, phase_name, role_name
from ..plans import PlanState
from .context import display_names, load_assessment, load_organization, store
from .organizations import ORG_ROLE_LABELS
from .team import SETUP_PREFIX

bp = Blueprint("audit", __name__, url_prefix=SETUP_PREFIX)
# The organization's own trail: what outlives a cycle (roles, units, strategy, KPIs, plans).
organization_bp = Blueprint("organization_audit", __name__,
                            url_prefix="/o/<organization_id>/audit")


@bp.get("/audit", endpoint="index")
def audit(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.VIEW_AUDIT)
    log = ctx.data.audit.read()
    rows = [(entry, describe(entry)) for entry in reversed(log.entries)]
    return render_template("team_audit.html", ctx=ctx, rows=rows, names=display_names(),
                           unreadable_lines=log.unreadable_lines)


@organization_bp.get("/", endpoint="index")
def organization_audit(organization_id: str):  # type: ignore[no-untyped-def]
    ctx = load_organization(organization_id, OrgAction.VIEW_AUDIT)
    log = store().organizations.audit(organization_id).read()
    rows = [(entry, describe(entry)) for entry in reversed(log.entries)]
    return render_template("organization_audit.html", ctx=ctx, rows=rows,
                           names=display_names(), unreadable_lines=log.unreadable_lines)


# -- an entry's details in words -----------------------------------------------------------------
def describe(entry: AuditEntry) -> str:
    """An entry's details in words, e.g. "4.1.2 (3 questions)" for answers_saved.

    Actions without a describer of their own, and entries whose details do not have the
    expected shape (written by another version), are listed as "key: value" pairs.
    """
    describer = _DESCRIBERS.get(entry.action)
    if describer is not None:
        try:
            return describer(entry.detail)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
    return "; ".join(f"{key.replace('_', ' ')}: {_in_words(value)}"
                     for key, value in entry.detail.items())


def _in_words(value: object) -> str:
    if value is None:
        return _("none")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(_in_words(element) for element in value) or _("none")
    if isinstance(value, dict):
        return ", ".join(f"{key} {_in_words(element)}" for key, element in value.items())
    return str(value)


def _phase(value: str) -> str:
    return phase_name(Phase(value))  # another version's phase: ValueError, listed as written


def _key_factors_saved(detail: dict[str, Any]) -> str:
    parts = [f"{factor['id']} {factor['text']}" for factor in detail["factors"]]
    if detail.get("removed"):
        parts.append(_("removed %(factors)s", factors=", ".join(detail["removed"])))
    return "; ".join(parts) or _("no key factors")


def _answers_saved(d: dict[str, Any]) -> str:
    saved = ngettext("%(section)s (%(num)d question)", "%(section)s (%(num)d questions)",
                     len(d["questions"]), section=d["section"])
    if not d.get("kept_as_is"):
        return saved
    return "; ".join((saved, _("carried over, kept as it was: %(questions)s",
                               questions=", ".join(d["kept_as_is"]))))


def _role_removed(d: dict[str, Any]) -> str:
    if d.get("lead_ended"):
        return _("%(username)s is no longer %(role)s; no longer consensus lead",
                 username=d["username"], role=role_name(d["role"]))
    return _("%(username)s is no longer %(role)s", username=d["username"],
             role=role_name(d["role"]))


def _targets_set(detail: dict[str, Any]) -> str:
    items = ", ".join(f"{item} {target}%" for item, target in detail["items"].items())
    if detail["all"] is None:
        return items
    everything = _("all items %(target)s%%", target=detail["all"])
    return f"{everything}; {items}" if items else everything


def _cycle_started_from(d: dict[str, Any]) -> str:
    return ngettext(
        "from cycle %(cycle)s: %(num)d answer carried over to check; team %(members)s; key "
        "factors %(factors)s; %(targets)d item targets",
        "from cycle %(cycle)s: %(num)d answers carried over to check; team %(members)s; key "
        "factors %(factors)s; %(targets)d item targets", d["answers"], cycle=d["from_cycle"],
        members=", ".join(d["members"]) or _("nobody"),
        factors=", ".join(d["key_factors"]) or _("none"), targets=d["targets"])


_DESCRIBERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "assessment_created": lambda d: _("%(organization)s, cycle %(cycle)s",
                                      organization=d["organization"], cycle=d["cycle"]),
    "demo_loaded": lambda d: ngettext("demo answers loaded (%(num)d answer)",
                                      "demo answers loaded (%(num)d answers)", d["answers"]),
    "answers_saved": _answers_saved,
    "member_added": lambda d: _("%(username)s as %(role)s", username=d["username"],
                                role=role_name(d["role"])),
    "role_removed": _role_removed,
    "items_assigned": lambda d: _("%(username)s as %(role)s: %(items)s",
                                  username=d["username"], role=role_name(d["role"]),
                                  items=", ".join(d["items"]) or _("no items")),
    "consensus_lead_set": lambda d: d["username"] or _("nobody"),
    "phase_changed": lambda d: f"{_phase(d['from'])} → {_phase(d['to'])}",
    "key_factors_saved": _key_factors_saved,
    "settings_saved": lambda d: _(
        "variance threshold %(threshold)s points; report shows the total: %(total)s; exact "
        "scores: %(exact)s", threshold=d["variance_threshold"],
        total=_in_words(d["report_shows_total"]), exact=_in_words(d["report_shows_exact_scores"])),
    "review_draft_saved": lambda d: _("item %(item)s", item=d["item"]),
    "score_submitted": lambda d: _("item %(item)s", item=d["item"]),
    "review_reopened": lambda d: _("%(examiner)s's review of item %(item)s",
                                   examiner=d["examiner"], item=d["item"]),
    "consensus_set": lambda d: _("item %(item)s: %(score)s%%", item=d["item"], score=d["score"]),
    "cycle_started_from": _cycle_started_from,
    "targets_set": _targets_set,
    # the organization's trail
    "organization_created": lambda d: d["name"],
    "organization_role_add": lambda d: _("%(username)s as %(role)s", username=d["username"],
                                         role=ORG_ROLE_LABELS[OrgRole(d["role"])]),
    "organization_role_remove": lambda d: _("%(username)s no longer %(role)s",
                                            username=d["username"],
                                            role=ORG_ROLE_LABELS[OrgRole(d["role"])]),
    "unit_created": lambda d: d["name"],
    "unit_changed": lambda d: _in_words({key: value for key, value in d.items()
                                         if key != "unit"}),
    "unit_removed": lambda d: d["name"],
    "objective_created": lambda d: d["name"],
    "objective_changed": lambda d: d["name"],
    "objective_removed": lambda d: d["name"],
    "kpi_created": lambda d: d["code"],
    "kpi_changed": lambda d: _("%(code)s: %(fields)s", code=d["code"], fields=", ".join(
        key for key in d if key not in ("kpi", "code"))),
    "kpi_removed": lambda d: d["code"],
    "kpi_accepted": lambda d: d["code"],
    "measurement_entered": lambda d: _("%(period)s: %(value)s", period=d["period"],
                                       value=d["value"]),
    "measurement_explained": lambda d: _("%(period)s: %(comment)s", period=d["period"],
                                         comment=d["comment"]),
    "kpi_feedback": lambda d: d["text"],
    "plan_created": lambda d: d["title"],
    "plan_changed": lambda d: d["title"],
    "plan_removed": lambda d: d["title"],
    "plan_moved": lambda d: _("%(title)s: %(from)s → %(to)s", title=d["title"],
                              **{"from": PLAN_STATE_NAMES[PlanState(d["from"])],
                                 "to": PLAN_STATE_NAMES[PlanState(d["to"])]}),
    "plan_verdict": lambda d: d["title"],
    "targets_copied": lambda d: ngettext(
        "from assessment %(assessment)s (%(num)d item)",
        "from assessment %(assessment)s (%(num)d items)", len(d["items"]),
        assessment=d["from_assessment"]),
}
