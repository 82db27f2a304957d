"""The pages' words for what the domain reports as codes: one mapping per area.

The domain modules raise a DomainError (assessor/errors.py) with a `code` and the data a sentence
needs, and return warnings and reasons as codes too; here each code becomes a sentence in the
reader's language, with named placeholders filled from that data. A code without words here
(written by a newer domain module) shows as itself rather than failing the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..access import Phase
from ..errors import DomainError
from ..i18n import phase_name, role_name
from ..phases import OpeningWarning
from ..stats import NoKendallW


def _worded(sentences: Mapping[str, Any], code: str, **values: Any) -> str:
    sentence = sentences.get(code)
    return code if sentence is None else str(sentence) % values


def _names(data: Mapping[str, Any]) -> dict[str, Any]:
    """The error's data with phases and roles in the reader's language."""
    named: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Phase) or key in {"current", "target", "shown"}:
            named[key] = phase_name(value)
        elif key == "role":
            named[key] = role_name(value)
        else:
            named[key] = value
    return named


def worded(sentences: Mapping[str, Any], error: DomainError) -> str:
    return _worded(sentences, error.code, **_names(error.data))


# -- organizations and cycles ------------------------------------------------------------------
ORGANIZATION_ERRORS = {
    "name_empty": _l("Type the new organization's name."),
    "name_too_long": _l("An organization's name is at most %(limit)d characters."),
    "cycle_empty": _l("Name the cycle, for example the year."),
    "last_manager": _l("That person is the only manager. Make someone else a manager first."),
}


def organization_error(error: Exception) -> str:
    """The page's words for an organization or cycle that cannot be created or changed (an
    OrganizationError, or UnknownOrganization: the chosen one is gone)."""
    if isinstance(error, DomainError):
        return worded(ORGANIZATION_ERRORS, error)
    return _("That organization no longer exists; choose another.")


NEXT_CYCLE_ERRORS = {
    "cycle_empty": _l("Name the cycle, for example the year."),
    "cycle_exists": _l("The organization already has a cycle named %(cycle)s; choose another "
                       "name."),
}


def next_cycle_error(error: DomainError) -> str:
    return worded(NEXT_CYCLE_ERRORS, error)


# -- accounts ----------------------------------------------------------------------------------
USER_ERRORS = {
    "bad_username": _l("A username is 2 to 40 characters: lowercase letters, digits, '.', '_' "
                       "or '-', starting with a letter or digit."),
    "short_password": _l("A password needs at least %(minimum)d characters."),
    "username_taken": _l("The username '%(username)s' is taken."),
    "unknown_user": _l("There is no user '%(username)s'."),
    "unknown_timezone": _l("'%(zone)s' is not a time zone name; choose one from the list."),
    "wrong_password": _l("That is not your current password."),
    "same_password": _l("The new password is your current one; choose another."),
    "own_account": _l("Not your own account: change your password under Your settings, and "
                      "ask another administrator to disable your account."),
}


def user_error(error: DomainError) -> str:
    return worded(USER_ERRORS, error)


# -- phases ------------------------------------------------------------------------------------
# What opening each phase lets people do: one line per phase, shown beside its button.
PHASE_ALLOWS = {
    Phase.WRITING: _l("Writers answer the questions of their assigned pages; the coordinator "
                      "sets up the team, assignments and key factors."),
    Phase.REVIEW: _l("Examiners score their assigned items alone and submit; answers can no "
                     "longer be changed."),
    Phase.CONSENSUS: _l("Examiners see each other's scores; the coordinator or consensus lead "
                        "records a consensus score per item. Review entries can no longer "
                        "change."),
    Phase.FEEDBACK: _l("Closed: the whole team reads the feedback report; nothing is scored or "
                       "changed any more."),
}

PHASE_ERRORS = {
    "not_adjacent": _l("From %(current)s the assessment can move only to the phase just before "
                       "or just after it, not to %(target)s."),
    "moved": _l("The phase is now %(current)s, not %(shown)s: someone moved it while this page "
                "was open. Nothing was changed; check the phases below and choose again."),
}


def phase_error(error: DomainError) -> str:
    return worded(PHASE_ERRORS, error)


def opening_warning(warning: OpeningWarning) -> str:
    """What the coordinator should know before opening a phase, in words."""
    if warning.code == "no_examiner":
        items = warning.data["items"]
        return ngettext(
            "No examiner is assigned to %(num)d item (%(items)s): nobody will score it. Assign "
            "examiners on the team page first, or open the review anyway.",
            "No examiner is assigned to %(num)d items (%(items)s): nobody will score them. "
            "Assign examiners on the team page first, or open the review anyway.",
            len(items), items=", ".join(items))
    if warning.code == "unsubmitted":
        return ngettext(
            "Not submitted yet: %(num)d assigned review entry (examiners: %(examiners)s). Once "
            "consensus is open, examiners can no longer submit or change it.",
            "Not submitted yet: %(num)d assigned review entries (examiners: %(examiners)s). "
            "Once consensus is open, examiners can no longer submit or change them.",
            warning.data["count"], examiners=", ".join(warning.data["examiners"]))
    return warning.code


# -- the team ----------------------------------------------------------------------------------
TEAM_ERRORS = {
    "not_assignable": _l("Items are assigned to writers and examiners, not to a %(role)s."),
    "role_not_held": _l("%(username)s is not a %(role)s in this assessment."),
    "last_coordinator": _l("%(username)s is the only coordinator. Give someone else the "
                           "coordinator role first."),
    "lead_not_examiner": _l("%(username)s is not an examiner here; the consensus lead is one "
                            "of the examiners."),
}


def team_error(error: DomainError) -> str:
    return worded(TEAM_ERRORS, error)


# -- key factors and settings ------------------------------------------------------------------
KEY_FACTOR_ERRORS = {
    "too_many": _l("Keep the key factors to %(limit)d at most; examiners usually work with 4 "
                   "to 6."),
}


def key_factor_error(error: DomainError) -> str:
    return worded(KEY_FACTOR_ERRORS, error)


THRESHOLD_RANGE = _l("The threshold is %(min)d to %(max)d percentage points.")
SETTINGS_ERRORS = {"threshold_out_of_range": THRESHOLD_RANGE}


def settings_error(error: DomainError) -> str:
    return _worded(SETTINGS_ERRORS, error.code, min=0, max=error.data.get("limit", 100))


# -- targets ------------------------------------------------------------------------------------
TARGET_ERRORS = {
    "target_off_step": _l("%(entry)s: a target is a whole percentage in steps of %(step)d "
                          "(0, 5, 10 … 100), not “%(target)s”."),
    "target_out_of_range": _l("%(entry)s: a target is from 0 to 100%%, not %(target)s%%."),
    "target_unknown_item": _l("%(entry)s: the criteria have no such item."),
    "target_none_given": _l("Choose a target for all items or for at least one item."),
    "target_rationale_without_target": _l("%(entry)s: a rationale needs a target for the "
                                          "item; choose one."),
    "target_rationale_too_long": _l("%(entry)s: a rationale is at most %(limit)d characters."),
}


def target_error(error: DomainError) -> str:
    """Which entry was refused (an item, or the value for all items) and why."""
    item = error.data.get("item")
    entry = _("Item %(item)s", item=item) if item else _("All items")
    return _worded(TARGET_ERRORS, error.code, entry=entry, target=error.data.get("target"),
                   step=error.data.get("step", 5), limit=error.data.get("limit", 0))


# -- review entries, consensus, statements -----------------------------------------------------
SCORE_ERRORS = {
    "score_off_scale": _l("A score is a percentage from 0 to 100 in steps of %(step)d, not "
                          "%(score)d."),
    "no_score": _l("Choose a score before submitting."),
}
REVIEW_ERRORS = {
    **SCORE_ERRORS,
    "read_only": _l("This entry is submitted and read-only; the coordinator can reopen it."),
    "already_submitted": _l("This entry is already submitted."),
    "nothing_to_reopen": _l("%(examiner)s has no entry on item %(item)s to reopen."),
    "not_submitted": _l("%(examiner)s's entry on item %(item)s is a draft already; there is "
                        "nothing to reopen."),
}
CONSENSUS_ERRORS = {
    **SCORE_ERRORS,
    "no_score": _l("A consensus needs a score."),
    "no_rationale": _l("Write the rationale: why the team settled on this score."),
}


def review_error(error: DomainError) -> str:
    return worded(REVIEW_ERRORS, error)


def consensus_error(error: DomainError) -> str:
    return worded(CONSENSUS_ERRORS, error)


def statement_error(error: DomainError, field: str) -> str:
    """A strengths or OFIs line that cannot be a statement; `field` names the box."""
    data = error.data
    if error.code == "unknown_key_factor":
        tags = ", ".join(f"#{factor}" for factor in data["unknown"])
        if not data["known"]:
            return _("%(field)s, line %(line)d: unknown key factor %(tags)s (none are defined "
                     "yet).", field=field, line=data["line"], tags=tags)
        return _("%(field)s, line %(line)d: unknown key factor %(tags)s (known: %(known)s).",
                 field=field, line=data["line"], tags=tags,
                 known=", ".join(f"#{factor}" for factor in data["known"]))
    if error.code == "too_long":
        return _("%(field)s, line %(line)d: a statement is at most %(limit)d characters; split "
                 "it in two.", field=field, line=data["line"], limit=data["limit"])
    return error.code


# -- agreement among examiners ------------------------------------------------------------------
KENDALL_REASONS = {
    "too_few": _l("Kendall's W needs at least 2 examiners who scored the same 2 items or more."),
    "all_tied": _l("Every examiner gave all these items the same score: there is no order of "
                   "the items to agree on."),
}


def kendall_reason(result: NoKendallW) -> str:
    return _worded(KENDALL_REASONS, result.code)


# -- forms that expired ------------------------------------------------------------------------
# Flask-WTF's reasons for refusing a form's CSRF token (CSRFError.description), in English.
CSRF_REASONS = {
    "The CSRF token is missing.": _l("The form's security token is missing."),
    "The CSRF session token is missing.": _l("The session that sent the form has ended."),
    "The CSRF token has expired.": _l("The form's security token has expired."),
    "The CSRF token is invalid.": _l("The form's security token is not valid."),
    "The CSRF tokens do not match.": _l("The form's security token does not match this "
                                        "session."),
    "The referrer header is missing.": _l("The browser did not say which page sent the form."),
    "The referrer does not match the host.": _l("The form was not sent from this site."),
}


def csrf_reason(description: str | None) -> str:
    """Why a form was refused as expired or foreign, in the reader's language."""
    return str(CSRF_REASONS.get(description or "", description or ""))


def text_kept_after_expiry(description: str | None) -> str:
    """The flash of a form that expired: nothing saved, the text given back."""
    return _("Nothing was saved: the form had expired or did not come from this page (%(reason)s)"
             " Your text is kept below; check it and save again.",
             reason=csrf_reason(description))
