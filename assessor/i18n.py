"""The interface in Chinese and English: Flask-Babel, the language and time zone of a request,
and the template helpers that show the criteria's bilingual texts in the chosen language.

The language of a request is, in this order: the signed-in user's saved choice
(`User.language`); the choice made with the header's switch before signing in (a cookie, so
that it survives the fresh session of sign-in and sign-out); the browser's Accept-Language
(any `zh*` is zh_CN, any `en*` is en); the installation's DEFAULT_LANGUAGE
(`ASSESSOR_DEFAULT_LANGUAGE`, "en" unless set).

Times are stored as ISO 8601 UTC strings and shown in DEFAULT_TIMEZONE
(`ASSESSOR_DEFAULT_TIMEZONE`); without one, Asia/Shanghai for Chinese and UTC for English.

Catalogues live in `assessor/translations/` (see README, "Translating"). The Chinese one is
under `zh_Hans_CN`: Babel parses "zh_CN" into that locale, and gettext looks for its full name.
The messages themselves are English, so English needs no catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.dates import get_timezone
from babel.lists import format_list
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, format_date, format_datetime, get_locale, get_translations
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from werkzeug.http import HTTP_STATUS_CODES

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
# Each language by its own name, as the header's switch offers it.
LANGUAGES: Mapping[str, str] = {"zh_CN": "中文", "en": "English"}
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "assessor_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
# The language each interface language reads the criteria in (their texts carry zh and en).
TEXT_LANGUAGE = {"zh_CN": "zh", "en": "en"}
HTML_LANG = {"zh_CN": "zh-CN", "en": "en", "zh": "zh-CN"}

babel = Babel()


# -- which language, which time zone ----------------------------------------------------------
def normalize(value: str | None) -> str | None:
    """A language tag as one of LANGUAGES: 'zh', 'zh-CN', 'zh_Hant_TW' -> 'zh_CN';
    'en', 'en-GB' -> 'en'; anything else (or '*') -> None."""
    tag = (value or "").strip().replace("-", "_").lower()
    for code in LANGUAGES:
        primary = code.split("_")[0].lower()
        if tag == primary or tag.startswith(primary + "_"):
            return code
    return None


def select_locale() -> str:
    user = g.get("user")
    saved = normalize(getattr(user, "language", None)) if user is not None else None
    if saved:
        return saved
    chosen = normalize(request.cookies.get(LANGUAGE_COOKIE))
    if chosen:
        return chosen
    for tag, _quality in request.accept_languages:  # best first
        accepted = normalize(tag)
        if accepted:
            return accepted
    return current_app.config["DEFAULT_LANGUAGE"]


def select_timezone() -> str:
    """The user's chosen zone; else the installation's; else Shanghai time for a Chinese
    interface and UTC for an English one."""
    user = g.get("user")
    if user is not None and user.timezone:
        return user.timezone
    configured = current_app.config.get("DEFAULT_TIMEZONE")
    if configured:
        return configured
    return "Asia/Shanghai" if current_language() == "zh_CN" else "UTC"


def request_translations() -> Translations | NullTranslations:
    """The request's catalogue (Flask-Babel's, kept for the rest of the request)."""
    if not has_request_context():
        return get_translations()
    translations = g.get("translations")
    if translations is None:
        translations = g.translations = get_translations()
    return translations


def current_language() -> str:
    """The request's interface language: a key of LANGUAGES (worked out once per request:
    pages ask for it once per criteria text they show)."""
    language = g.get("interface_language")
    if language is None:
        language = g.interface_language = normalize(str(get_locale())) or DEFAULT_LANGUAGE
    return language


# -- the criteria's bilingual texts --------------------------------------------------------------
def _text_in(text: Any, language: str) -> str:
    """A framework text ({zh: ..., en: ...} or a Text) in one language, the other if empty."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    other = "en" if language == "zh" else "zh"
    if isinstance(text, Mapping):
        return text.get(language) or text.get(other) or ""
    return getattr(text, language, "") or getattr(text, other, "") or ""


def localized(text: Any) -> str:
    """The text in the interface's language."""
    return _text_in(text, TEXT_LANGUAGE[current_language()])


def other_language_text(text: Any) -> str:
    """The text in the other language, for "show both"; empty when it says the same."""
    own = TEXT_LANGUAGE[current_language()]
    other = "en" if own == "zh" else "zh"
    shown = _text_in(text, own)
    alternative = _text_in(text, other)
    return "" if alternative == shown else alternative


def text_lang() -> str:
    """The HTML lang of criteria texts in the interface's language."""
    return HTML_LANG[current_language()]


def other_text_lang() -> str:
    return "en" if current_language() == "zh_CN" else "zh-CN"


def show_both() -> bool:
    """Whether this page shows the criteria in both languages (the `?both=1` toggle)."""
    return request.args.get("both") == "1"


def both_toggle_url() -> str:
    """This page with "show both" switched the other way (other query arguments kept)."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "both"]
    if not show_both():
        args.append(("both", "1"))
    return request.path + (f"?{urlencode(args)}" if args else "")


# -- names of the application's own values (phases, roles, kinds, states) ------------------------
PHASE_NAMES = {
    "writing": _l("Writing"),
    "review": _l("Independent review"),
    "consensus": _l("Consensus"),
    "feedback": _l("Feedback (closed)"),
}
ROLE_NAMES = {
    "coordinator": _l("coordinator"),
    "writer": _l("writer"),
    "examiner": _l("examiner"),
    "leader": _l("leader"),
}
KIND_NAMES = {"process": _l("process"), "results": _l("results")}
KIND_ITEM_NAMES = {"process": _l("Process item"), "results": _l("Results item")}
KIND_ITEMS_NAMES = {"process": _l("Process items"), "results": _l("Results items")}
ENTRY_STATE_NAMES = {
    "not_started": _l("Not started"),
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
}
AGREEMENT_NAMES = {"strong": _l("strong"), "moderate": _l("moderate"), "weak": _l("weak")}
# A KPI's status (kpi_status.Status), a plan's state (plans.PlanState) and an action's status
# (plans.ActionStatus), by value: the enums are StrEnums, so their members look up as well.
KPI_STATUS_NAMES = {
    "green": _l("on target"),
    "amber": _l("near target"),
    "red": _l("off target"),
    "no-data": _l("no data"),
}
PLAN_STATE_NAMES = {
    "draft": _l("draft"),
    "submitted": _l("submitted"),
    "approved": _l("approved"),
    "doing": _l("doing"),
    "checking": _l("checking"),
    "closed": _l("closed"),
    "continued": _l("continued"),
}
ACTION_STATUS_NAMES = {
    "open": _l("open"),
    "doing": _l("doing"),
    "done": _l("done"),
    "dropped": _l("dropped"),
}
AUDIT_ACTION_NAMES = {
    "assessment_created": _l("assessment created"),
    "demo_loaded": _l("demo loaded"),
    "answers_saved": _l("answers saved"),
    "member_added": _l("member added"),
    "role_removed": _l("role removed"),
    "items_assigned": _l("items assigned"),
    "consensus_lead_set": _l("consensus lead set"),
    "phase_changed": _l("phase changed"),
    "key_factors_saved": _l("key factors saved"),
    "settings_saved": _l("settings saved"),
    "review_draft_saved": _l("review draft saved"),
    "score_submitted": _l("score submitted"),
    "review_reopened": _l("review reopened"),
    "consensus_set": _l("consensus recorded"),
    "cycle_started_from": _l("cycle started from an earlier one"),
    "targets_set": _l("targets set"),
    "targets_copied": _l("targets copied"),
    "organization_created": _l("organization created"),
    "organization_role_add": _l("organization role given"),
    "organization_role_remove": _l("organization role taken away"),
    "unit_created": _l("unit created"),
    "unit_changed": _l("unit changed"),
    "unit_moved": _l("unit moved"),
    "unit_removed": _l("unit removed"),
    "strategy_set": _l("strategy saved"),
    "objective_created": _l("objective created"),
    "objective_changed": _l("objective changed"),
    "objective_removed": _l("objective removed"),
    "objectives_linked": _l("objectives linked"),
    "objectives_unlinked": _l("objectives unlinked"),
    "kpi_created": _l("KPI created"),
    "kpi_changed": _l("KPI changed"),
    "kpi_removed": _l("KPI removed"),
    "kpi_accepted": _l("KPI standard accepted"),
    "kpis_imported": _l("KPIs imported"),
    "measurement_entered": _l("KPI value entered"),
    "measurements_entered": _l("KPI values entered"),
    "measurements_imported": _l("KPI values imported"),
    "measurement_explained": _l("KPI value explained"),
    "kpi_feedback": _l("KPI feedback"),
    "plan_created": _l("plan created"),
    "plan_changed": _l("plan changed"),
    "plan_removed": _l("plan removed"),
    "plan_moved": _l("plan moved on"),
    "plan_verdict": _l("plan verdict recorded"),
    "plan_action_added": _l("plan action added"),
    "plan_action_changed": _l("plan action changed"),
    "plan_action_note": _l("progress on a plan action"),
}
# werkzeug's names of the HTTP errors assessor shows (HTTP_STATUS_CODES), by code.
HTTP_ERROR_NAMES = {
    400: _l("Bad Request"),
    401: _l("Unauthorized"),
    403: _l("Forbidden"),
    404: _l("Not Found"),
    405: _l("Method Not Allowed"),
    409: _l("Conflict"),
    413: _l("Request Entity Too Large"),
    429: _l("Too Many Requests"),
    500: _l("Internal Server Error"),
}


def _named(names: Mapping[str, Any]):  # type: ignore[no-untyped-def]
    def name_of(value: Any) -> str:
        key = str(getattr(value, "value", value))
        if key in names:
            return str(names[key])
        return key.replace("_", " ")  # a value of another version: as it was written

    return name_of


phase_name = _named(PHASE_NAMES)
role_name = _named(ROLE_NAMES)
kind_name = _named(KIND_NAMES)
kind_item_name = _named(KIND_ITEM_NAMES)
kind_items_name = _named(KIND_ITEMS_NAMES)
entry_state_name = _named(ENTRY_STATE_NAMES)
agreement_name = _named(AGREEMENT_NAMES)
audit_action_name = _named(AUDIT_ACTION_NAMES)


def role_names(roles: Any) -> str:
    """A member's roles, sorted, in the interface's language: "协调人和评审员"."""
    return list_of([role_name(role) for role in sorted(roles or ())])


def list_of(words: Any, names: Mapping[str, str] | None = None) -> str:
    """"Ann, Bob and Cai" as the language writes it (Babel's list patterns); with `names`,
    each word (a username) is replaced by its name there, if it has one."""
    words = [str(names.get(word, word) if names else word) for word in words]
    # British English lists: "Ann, Bob and Cai", without the serial comma, as the pages write.
    locale = "en_GB" if current_language() == "en" else get_locale()
    return format_list(words, locale=locale) if words else ""


def error_title(code: int | None, title: str) -> str:
    """An error page's title: werkzeug's English name of the code, translated."""
    if code in HTTP_ERROR_NAMES and title == HTTP_STATUS_CODES.get(code):
        return str(HTTP_ERROR_NAMES[code])
    return title


# -- dates and times ---------------------------------------------------------------------------
def _parse(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def localdatetime(value: Any, format: str = "short") -> Markup | str:
    """An ISO timestamp (UTC) as a <time> in the user's time zone and language's format."""
    moment = _parse(value)
    if moment is None:
        return "" if value is None else str(value)
    shown = format_datetime(moment, format)
    return Markup('<time datetime="{0}">{1}</time>').format(moment.isoformat(), shown)


def localdate(value: Any, format: str = "medium") -> Markup | str:
    moment = _parse(value)
    if moment is None:
        return "" if value is None else str(value)
    return Markup('<time datetime="{0}">{1}</time>').format(moment.isoformat(),
                                                          format_date(moment, format))


def timezone_name() -> str:
    return select_timezone()


# -- set-up ------------------------------------------------------------------------------------
def init_app(app: Flask) -> None:
    configured = app.config.get("DEFAULT_LANGUAGE", DEFAULT_LANGUAGE)
    default = normalize(configured)
    if default is None:
        raise ValueError(f"DEFAULT_LANGUAGE {configured!r}: choose one of "
                         f"{', '.join(LANGUAGES)}")
    app.config["DEFAULT_LANGUAGE"] = default
    zone = app.config.get("DEFAULT_TIMEZONE")
    if zone:
        try:
            get_timezone(zone)
        except LookupError:
            raise ValueError(f"DEFAULT_TIMEZONE {zone!r} is not a time zone name such as "
                             "'Asia/Shanghai' or 'UTC'") from None
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, default_locale=default, locale_selector=select_locale,
                   timezone_selector=select_timezone)
    # {% trans %} blocks span lines in the templates; their msgids are whitespace-normalized
    # (babel.cfg extracts them the same way).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    # Flask-Babel's template callables look the translations up anew for every string (a
    # page has hundreds); these look them up once per request, with the same results.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.filters.update(
        localized=localized, other_language_text=other_language_text,
        localdatetime=localdatetime, localdate=localdate,
        phase_name=phase_name, role_name=role_name, role_names=role_names,
        kind_name=kind_name, kind_item_name=kind_item_name, kind_items_name=kind_items_name,
        entry_state_name=entry_state_name, agreement_name=agreement_name,
        audit_action_name=audit_action_name, list_of=list_of,
    )
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES, current_language=current_language, html_lang=_html_lang,
        text_lang=text_lang, show_both=show_both, both_toggle_url=both_toggle_url,
        other_text_lang=other_text_lang, error_title=error_title, timezone_name=timezone_name,
        safe_here=here,
    )


def _html_lang() -> str:
    return HTML_LANG[current_language()]


def here() -> str:
    """This page's path and query, for the language switch to come back to."""
    return request.full_path.rstrip("?") if request else "/"

