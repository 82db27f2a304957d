"""The pages' words for what the domain reports as codes: one mapping per area.

The domain modules raise a DomainError (assessor/errors.py) with a `code` and the data a sentence
needs, and return warnings and reasons as codes too; here each code becomes a sentence in the
reader's language, with named placeholders filled from that data. A code without words here
(written by a newer domain module) shows as itself rather than failing the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..access import Phase
from ..errors import DomainError
from ..i18n import (
    KPI_STATUS_NAMES,
    PLAN_STATE_NAMES,
    current_language,
    list_of,
    phase_name,
    role_name,
)
from ..phases import OpeningWarning
from ..scorecard import ScorecardWarning
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


def person_named(username: object, names: Mapping[str, str] | None) -> str:
    """A person as a sentence names them: 'Olive Owner (owner)', or 'owner' in quotes when
    their name is not known."""
    name = (names or {}).get(str(username), "")
    return f"{name} ({username})" if name and name != username else f"'{username}'"


# A record of an organization (a KPI's, plan's or action's owner, a unit's head, an
# objective's owner) named someone who holds no role in it (organizations.may_name).
NOT_ONE_OF_THE_PEOPLE = _l("%(name)s is not one of this organization's people: add them under "
                           "the organization's people first, or choose someone who is.")


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
    if warning.code == "carried_over":
        return ngettext(
            "%(num)d answer is still as the earlier cycle left it: nobody has changed it or "
            "kept it as it is. Examiners will read it as this cycle's answer.",
            "%(num)d answers are still as the earlier cycle left them: nobody has changed them "
            "or kept them as they are. Examiners will read them as this cycle's answers.",
            warning.data["count"])
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


# -- units and strategy (assessor/units.py, strategy.py, scorecard.py) --------------------------
PERSPECTIVE_NAMES = {
    "financial": _l("Financial"),
    "customer": _l("Customer"),
    "internal_process": _l("Internal process"),
    "learning_growth": _l("Learning and growth"),
}
UNIT_KIND_NAMES = {
    "company": _l("company"),
    "department": _l("department"),
    "team": _l("team"),
    "post": _l("post"),
}


STATUS_NAMES = KPI_STATUS_NAMES  # as the strategy map's marks name them


def status_name(value: object) -> str:
    key = getattr(value, "value", value)
    return str(STATUS_NAMES.get(str(key), key))


def perspective_name(value: object) -> str:
    """A balanced-scorecard perspective in the reader's language (Perspective or its value)."""
    key = getattr(value, "value", value)
    return str(PERSPECTIVE_NAMES.get(str(key), key))


def unit_kind_name(value: object) -> str:
    key = getattr(value, "value", value)
    return str(UNIT_KIND_NAMES.get(str(key), key))


UNIT_ERRORS = {
    "unit_name_empty": _l("Type the unit's name."),
    "unit_name_too_long": _l("A unit's name is at most %(limit)d characters."),
    "unit_name_has_separator": _l("A unit's name cannot contain “/”: imports find units by "
                                  "their path of names, such as Sales/East region."),
    "unit_mission_too_long": _l("A unit's mission is at most %(limit)d characters."),
    "unit_unknown": _l("That unit no longer exists; someone may have removed it."),
    "unit_company_exists": _l("The organization has its company unit already; a new unit goes "
                              "below it."),
    "unit_company_fixed": _l("The company is the top of the tree: it cannot be moved."),
    "unit_needs_parent": _l("Choose the unit the new one belongs to."),
    "unit_cycle": _l("%(unit)s cannot go below %(parent)s: %(parent)s is part of %(unit)s. "
                     "Choose a unit outside it."),
    "unit_name_taken": _l("%(parent)s has a unit named %(name)s already; choose another name."),
}


def unit_error(error: DomainError, names: Mapping[str, str],
               people: Mapping[str, str] | None = None) -> str:
    """A refused unit change in words; `names` gives each unit's name by id, `people` each
    person's name by username."""
    data = error.data
    if error.code == "unit_head_not_member":
        return str(NOT_ONE_OF_THE_PEOPLE % {"name": person_named(data.get("value"), people)})
    if error.code == "unit_not_empty":
        unit = names.get(data["unit"], data["unit"])
        if data["children"]:
            return ngettext(
                "%(unit)s is not empty: %(num)d unit is below it (%(units)s). Move or remove "
                "it first.",
                "%(unit)s is not empty: %(num)d units are below it (%(units)s). Move or remove "
                "them first.", len(data["children"]), unit=unit,
                units=", ".join(names.get(child, child) for child in data["children"]))
        return ngettext(
            "%(unit)s is not empty: %(num)d KPI belongs to it (%(kpis)s). Move it to another "
            "unit or remove it first.",
            "%(unit)s is not empty: %(num)d KPIs belong to it (%(kpis)s). Move them to another "
            "unit or remove them first.", len(data["kpis"]), unit=unit,
            kpis=", ".join(data["kpis"]))
    return _worded(UNIT_ERRORS, error.code, limit=data.get("limit", 0),
                   name=data.get("name", ""),
                   unit=names.get(data.get("unit") or "", data.get("unit", "")),
                   parent=names.get(data.get("parent") or "", data.get("parent", "")))


STRATEGY_FIELD_NAMES = {
    "mission": _l("Mission"),
    "vision": _l("Vision"),
    "values": _l("Values"),
    "description": _l("Description"),
    "hypothesis": _l("Hypothesis"),
}
STRATEGY_ERRORS = {
    "strategy_text_too_long": _l("%(field)s: at most %(limit)d characters."),
    "strategy_horizon_invalid": _l("The horizon is a whole number of years from 1 to 30."),
    "objective_name_empty": _l("Type the objective's name."),
    "objective_name_too_long": _l("An objective's name is at most %(limit)d characters."),
    "objective_perspective_unknown": _l("Choose one of the four perspectives."),
    "objective_unknown": _l("That objective no longer exists; someone may have removed it."),
    "link_self": _l("An objective cannot be its own cause; choose two different objectives."),
    "link_duplicate": _l("%(cause)s → %(effect)s is linked already."),
    "link_unknown": _l("There is no link %(cause)s → %(effect)s (any more); choose the "
                       "objectives again."),
}


def strategy_error(error: DomainError, names: Mapping[str, str],
                   people: Mapping[str, str] | None = None) -> str:
    """A refused strategy change in words; `names` gives each objective's name by id, `people`
    each person's name by username."""
    data = error.data
    if error.code == "objective_owner_not_member":
        return str(NOT_ONE_OF_THE_PEOPLE % {"name": person_named(data.get("value"), people)})
    if error.code == "objective_in_use":
        return ngettext(
            "%(objective)s is measured by %(num)d KPI (%(kpis)s): take the objective off it "
            "first.",
            "%(objective)s is measured by %(num)d KPIs (%(kpis)s): take the objective off them "
            "first.", len(data["kpis"]),
            objective=names.get(data["objective"], data["objective"]),
            kpis=", ".join(data["kpis"]))
    field = data.get("field")
    return _worded(STRATEGY_ERRORS, error.code, limit=data.get("limit", 0),
                   field=str(STRATEGY_FIELD_NAMES.get(field, field)) if field else "",
                   cause=names.get(data.get("cause") or "", data.get("cause", "")),
                   effect=names.get(data.get("effect") or "", data.get("effect", "")))


SCORECARD_WARNINGS = {
    "perspective_without_objective": _l("%(perspective)s has no objective yet: the map "
                                        "should cover all four perspectives."),
    "too_many_objectives": _l("%(perspective)s has %(count)d objectives; at the company level "
                              "about %(limit)d at most keep the strategy focused."),
    "objective_without_kpi": _l("%(objective)s has no company KPI yet: about two KPIs per "
                                "objective show whether it is reached."),
    "objective_many_kpis": _l("%(objective)s has %(count)d company KPIs; about two per "
                              "objective are easier to follow (at most %(limit)d)."),
    "perspective_kpis_few": _l("%(perspective)s has %(count)d company KPIs; the balanced "
                               "scorecard suggests %(limit)d to 7 per perspective."),
    "perspective_kpis_many": _l("%(perspective)s has %(count)d company KPIs; the balanced "
                                "scorecard suggests 4 to %(limit)d per perspective."),
    "scorecard_small": _l("The company scorecard has %(count)d KPIs; the balanced scorecard "
                          "suggests %(limit)d to 25 in all."),
    "scorecard_large": _l("The company scorecard has %(count)d KPIs; the balanced scorecard "
                          "suggests 16 to %(limit)d in all."),
    "link_downward": _l("%(objective)s → %(effect)s points down the map: a cause usually sits "
                        "in a lower perspective than its effect."),
}


def scorecard_warning(warning: ScorecardWarning, names: Mapping[str, str]) -> str:
    """A balanced-scorecard warning in words; never a refusal. `names`: objectives' names."""
    return _worded(SCORECARD_WARNINGS, warning.code, count=warning.count or 0,
                   limit=warning.limit or 0,
                   perspective=perspective_name(warning.perspective) if warning.perspective
                   else "",
                   objective=names.get(warning.objective or "", warning.objective or ""),
                   effect=names.get(warning.effect or "", warning.effect or ""))


# -- KPIs: the register, measurements, the SMART check, imports -----------------------------------
KPI_ERRORS = {
    "kpi_unknown": _l("This KPI no longer exists."),
    "kpi_field_required": _l("This is required."),
    "kpi_field_too_long": _l("At most %(limit)d characters."),
    "kpi_code_invalid": _l("'%(value)s' has other characters than letters, digits, '.', '_' "
                           "and '-' (at most 40)."),
    "kpi_code_taken": _l("Another KPI of the organization has the code '%(value)s'."),
    "kpi_not_a_number": _l("'%(value)s' is not a number."),
    "kpi_date_invalid": _l("'%(value)s' is not a date (YYYY-MM-DD)."),
    "kpi_choice_unknown": _l("'%(value)s' is not one of the choices."),
    "kpi_amber_out_of_range": _l("%(value)s is not between 0 and 1 (0.9 means 90%% of the way "
                                 "from the baseline to the target)."),
    "kpi_band_required": _l("A KPI kept inside a range needs its lowest and highest good "
                             "values."),
    "kpi_band_inverted": _l("The highest good value is below the lowest."),
    "kpi_band_only": _l("Only a KPI kept inside a range has these limits: leave this empty or "
                        "choose 'inside a range'."),
    "kpi_stretch_short": _l("A stretch target of %(value)s falls short of the target."),
    "kpi_unknown_unit": _l("That unit no longer exists; choose another."),
    "kpi_unknown_owner": _l("There is no user '%(value)s'."),
    "kpi_owner_not_member": NOT_ONE_OF_THE_PEOPLE,
    "kpi_unknown_parent": _l("That KPI no longer exists; choose another."),
    "kpi_parent_cycle": _l("That KPI is decomposed from this one already: choosing it would "
                           "make a loop."),
    "kpi_unknown_objective": _l("A chosen objective no longer exists."),
    "kpi_item_invalid": _l("'%(value)s' is not a results item (4.7.x)."),
    "kpi_has_children": _l("KPIs are decomposed from this one (%(children)s): remove them or "
                           "give them another parent first."),
    "kpi_in_plans": _l("Improvement plans expect an effect on this KPI (%(plans)s): change "
                       "their expected effects first."),
    "kpi_field_unknown": _l("A KPI has no field '%(field)s'."),
    "kpi_not_party": _l("Only the KPI's owner and the owner's superior accept its standard."),
}


def kpi_error(error: DomainError, names: Mapping[str, str] | None = None) -> str:
    """A refused KPI change in words; `names` gives people's names by username (a person the
    sentence names is called so, else by username)."""
    data = dict(error.data)
    data["name"] = person_named(data.get("value"), names)
    for listed in ("children", "plans"):
        if isinstance(data.get(listed), list | tuple):
            data[listed] = ", ".join(data[listed])
    return _worded(KPI_ERRORS, error.code, **data)


MEASUREMENT_ERRORS = {
    "measurement_kpi_unknown": _l("This KPI no longer exists."),
    "measurement_period_invalid": _l("'%(value)s' is not a date (YYYY-MM-DD)."),
    "measurement_value_invalid": _l("'%(value)s' is not a number."),
    "measurement_exists": _l("%(period)s has a value already (%(value)s). Tick 'Replace the "
                             "stored value' to replace it."),
    "measurement_unknown": _l("There is no value for %(period)s."),
    "comment_too_long": _l("At most %(limit)d characters."),
    "feedback_empty": _l("Write something first."),
}


def measurement_error(error: DomainError) -> str:
    data = dict(error.data)
    if isinstance(data.get("value"), float):
        data["value"] = f"{data['value']:g}"
    return _worded(MEASUREMENT_ERRORS, error.code, **data)


SMART_REASONS = {
    "definition_missing": _l("No definition: say what is measured, and how."),
    "owner_missing": _l("No owner."),
    "target_missing": _l("No numeric target."),
    "baseline_missing": _l("No numeric baseline."),
    "measure_unit_missing": _l("No measure unit."),
    "frequency_missing": _l("No frequency of measurement."),
    "data_source_missing": _l("No data source."),
    "not_agreed": _l("Neither the owner nor the owner's superior has accepted it."),
    "owner_not_agreed": _l("The owner has not accepted it yet."),
    "superior_not_agreed": _l("The owner's superior has not accepted it yet."),
    "no_superior": _l("The unit above has no head to accept it as the superior."),
    "not_linked": _l("Linked to no strategic objective and no results item."),
    "direction_contradicts_target": _l("The target is on the wrong side of the baseline for "
                                       "its direction."),
    "target_implausible": _l("The yearly change the target asks for is far outside the "
                             "year-on-year changes measured so far."),
    "target_date_missing": _l("No target date."),
    "baseline_date_missing": _l("No baseline date."),
    "target_date_not_after_baseline": _l("The target date is not after the baseline date."),
    "too_few_measurements": _l("The frequency gives fewer than two measurements before the "
                               "target date."),
}


def smart_reason(code: str) -> str:
    return _worded(SMART_REASONS, code)


IMPORT_ROW_PROBLEMS = {
    "required": _l("is empty; it is required"),
    "not_a_number": _l("'%(value)s' is not a number"),
    "not_a_date": _l("'%(value)s' is not a date YYYY-MM-DD"),
    "choice_unknown": _l("'%(value)s' is not one of the choices"),
    "unknown_code": _l("there is no KPI '%(value)s'"),
    "unknown_owner": _l("there is no user '%(value)s'"),
    "owner_not_member": _l("'%(value)s' is not one of this organization's people: add them "
                           "under the organization's people first, or choose someone who is"),
    "unknown_parent": _l("there is no KPI '%(value)s' in the file or stored"),
    "parent_cycle": _l("'%(value)s' is decomposed from this KPI already (a loop)"),
    "code_in_file": _l("given on line %(first_line)s already"),
    "period_in_file": _l("this KPI's period is given on line %(first_line)s already"),
    "code_stored": _l("KPI '%(value)s' is stored already; tick 'Replace' to change it"),
    "period_stored": _l("has a value (%(value)s) already; tick 'Replace' to replace it"),
    "comment_too_long": _l("is longer than %(limit)s characters"),
    "kpi_code_invalid": _l("'%(value)s' has other characters than letters, digits, . _ -"),
    "kpi_field_too_long": _l("is longer than %(limit)s characters"),
    "kpi_amber_out_of_range": _l("%(value)s is not between 0 and 1"),
    "kpi_band_required": _l("a KPI inside a range needs band_low and band_high"),
    "kpi_band_inverted": _l("band_high is below band_low"),
    "kpi_band_only": _l("only a KPI inside a range has band_low and band_high"),
    "unit_name_too_long": _l("a unit name is longer than %(limit)s characters"),
    "unit_name_empty": _l("a unit name in the path is empty"),
}


def import_problem(problem: Any) -> str:
    """A refused row's reason (a kpi_import.RowProblem), as the command line words it."""
    data = {key: f"{value:g}" if isinstance(value, float) else value
            for key, value in problem.data.items()}
    return _worded(IMPORT_ROW_PROBLEMS, problem.code, **data)


IMPORT_FILE_ERRORS = {
    "file_type": _l("It is neither a CSV nor an XLSX file."),
    "file_empty": _l("It is empty (no header row)."),
    "file_too_large": _l("It is larger than %(megabytes)s MB."),
    "too_many_rows": _l("It has more than %(limit)s rows."),
    "file_unreadable": _l("It cannot be read as CSV or XLSX (%(reason)s)."),
    "columns_unknown": _l("It has neither the KPI columns nor the measurement columns "
                          "(missing: %(missing)s; unknown: %(unknown)s)."),
}


def import_file_error(error: DomainError) -> str:
    data: dict[str, Any] = {key: (", ".join(value) or _("none")) if isinstance(value, list)
                            else value for key, value in error.data.items()}
    if "limit" in data and error.code == "file_too_large":
        data["megabytes"] = int(data["limit"]) // (1024 * 1024)
    return _worded(IMPORT_FILE_ERRORS, error.code, **data)


# -- improvement plans (assessor/plans.py, plan_moves.py, plan_actions.py) ---------------------
PLAN_FIELD_NAMES = {
    "title": _l("Title"),
    "objective": _l("Objective"),
    "owner": _l("Owner"),
    "sponsor": _l("Sponsor"),
    "lessons": _l("Lessons"),
    "whys": _l("Five whys"),
    "fishbone": _l("Fishbone"),
    "items": _l("Items"),
    "ofis": _l("OFIs"),
    "effects": _l("Expected effects"),
    "source_kpi": _l("KPI"),
    "comment": _l("Comment"),
    "standards": _l("New standard practice"),
    "text": _l("Text"),
    "due": _l("Due"),
    "status": _l("Status"),
    "verdict": _l("Verdict"),
    "actions": _l("Actions"),
}
# What a plan needs before it is submitted (plan_moves.missing_for_submission).
PLAN_MISSING = {
    "objective": _l("an objective"),
    "owner": _l("an owner"),
    "sponsor": _l("a sponsor"),
    "actions": _l("at least one action"),
    "action_owner": _l("an owner for every action"),
    "action_due": _l("a due date for every action"),
}
PLAN_KEPT = _l("A plan a leader has seen is kept, with its decisions: it cannot be removed.")
PLAN_WHO = {
    "leader": _l("the organization's leaders"),
    "manager": _l("the organization's managers"),
    "owner": _l("the plan's owner"),
    "action_owner": _l("the action's owner"),
}
PLAN_ERRORS = {
    "plan_unknown": _l("This plan no longer exists."),
    "plan_field_unknown": _l("A plan has no field '%(field)s'."),
    "plan_field_required": _l("%(field)s: this is required."),
    "plan_field_too_long": _l("%(field)s: at most %(limit)d."),
    "plan_too_many_whys": _l("At most %(limit)d whys."),
    "plan_fishbone_heading_unknown": _l("'%(value)s' is none of the fishbone's six headings."),
    "plan_item_invalid": _l("'%(value)s' is not an item of the criteria (such as 4.1.2)."),
    "plan_ofi_invalid": _l("An OFI reference is not valid."),
    "plan_ofi_unknown": _l("The consensus of that cycle has no OFI '%(value)s' (any more)."),
    "plan_kpi_unknown": _l("That KPI no longer exists; choose another."),
    "plan_effect_invalid": _l("An expected effect is not valid."),
    "plan_not_a_number": _l("'%(value)s' is not a number."),
    "plan_date_invalid": _l("'%(value)s' is not a date (YYYY-MM-DD)."),
    "plan_user_unknown": NOT_ONE_OF_THE_PEOPLE,
    "plan_sponsor_not_leader": _l("The sponsor is one of the organization's leaders; "
                                  "'%(value)s' is not."),
    "plan_locked": _l("The plan is %(state)s: what is planned is changed only while it is a "
                      "draft."),
    "plan_not_allowed": _l("Only %(who)s may do this."),
    "plan_transition_refused": _l("A plan that is %(from)s cannot become %(to)s; from here it "
                                  "can become: %(allowed)s."),
    "plan_comment_required": _l("Write a comment: it says why, and what to do next."),
    "plan_incomplete": _l("Before it is submitted the plan needs %(missing)s."),
    "plan_verdict_missing": _l("Record the Check's verdict first."),
    "plan_not_checking": _l("The plan is %(state)s: the verdict is recorded while it is being "
                            "checked."),
    "plan_verdict_unknown": _l("Choose effective, partly effective or not effective."),
    "plan_action_unknown": _l("The plan has no action %(action)s."),
    "plan_action_status_unknown": _l("Choose open, doing, done or dropped."),
    "plan_actions_closed": _l("The plan is %(state)s: its actions are no longer changed."),
    "stale_record": _l("Someone changed this plan while you edited it. Their change is kept; "
                       "yours is below: make it once more."),
}


def _alternatives(words: list[str]) -> str:
    """"a, b or c" as the reader's language writes it."""
    locale = "en_GB" if current_language() == "en" else get_locale()
    return format_list(words, style="or", locale=locale) if words else ""


def plan_error(error: DomainError, names: Mapping[str, str] | None = None) -> str:
    """A refused plan change or move, in words (states and roles in the reader's language;
    a person by their name in `names` where given)."""
    def state(value: object) -> str:
        try:
            return str(PLAN_STATE_NAMES[value])  # type: ignore[index]
        except KeyError:
            return str(value)

    data = dict(error.data)
    data["name"] = person_named(data.get("value"), names)
    field = data.get("field")
    data["field"] = str(PLAN_FIELD_NAMES.get(field, field)) if field else ""
    for key in ("state", "from", "to"):
        if key in data:
            data[key] = state(data[key])
    if "allowed" in data:
        data["allowed"] = _alternatives([state(s) for s in data["allowed"]]) or _("none")
    if "who" in data:
        data["who"] = _alternatives([str(PLAN_WHO.get(w, w)) for w in data["who"]])
    if "missing" in data:
        data["missing"] = list_of([str(PLAN_MISSING.get(m, m)) for m in data["missing"]])
    data.setdefault("limit", 0)
    if error.code == "plan_locked" and error.data.get("state") == "draft":
        return str(PLAN_KEPT)  # a returned draft: only its removal is refused
    if isinstance(data.get("value"), float):
        data["value"] = f"{data['value']:g}"
    return _worded(PLAN_ERRORS, error.code, **data)
