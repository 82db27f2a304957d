"""WTForms forms: a new assessment, and the answers to one page of questions (the review and
consensus forms are in statement_forms.py)."""

from __future__ import annotations

import functools
import math
import re
from datetime import date

from babel import support
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, Length, ValidationError

from ..answers import MAX_ANSWER_CHARS, MAX_ANSWER_LENGTH, answer_too_long, count_characters
from ..criteria import Question
from ..organizations import MAX_NAME_CHARS, Organization


def normalized_text(text: str | None) -> str:
    """Browsers send CRLF line ends; store LF and no surrounding blank space, so an untouched
    text compares equal to what is stored."""
    return (text or "").replace("\r\n", "\n").strip()


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def typed_number(raw: str) -> object:
    """A typed number as a float when it is one ("1,250.5" with its thousands separators
    too); anything else ("99,5" is ambiguous) goes to the domain as typed, which refuses it
    naming the field."""
    text = raw.strip().replace("，", ",")
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


@functools.cache
def _wtforms_translations(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    """assessor's forms: WTForms' own messages (few are left untranslated by ours) from
    WTForms' catalogue, loaded once per language; Flask-WTF would load it on every request."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: FlaskForm) -> support.Translations:
            return _wtforms_translations(str(get_locale()))


class NewAssessmentForm(Form):
    """A new cycle of an organization the user manages, or of a new one (where allowed)."""

    NEW = "new"
    organization = SelectField(_l("Organization"), validators=[DataRequired()])
    new_organization = StringField(
        _l("Name of the new organization"), filters=[lambda text: " ".join((text or "").split())],
        validators=[Length(max=MAX_NAME_CHARS)],
        description=_l("Only when you chose a new organization above."))
    cycle = StringField(_l("Assessment cycle"), validators=[DataRequired(), Length(max=50)],
                        default=lambda: str(date.today().year),
                        description=_l("For example the year, or '2026 H1'."))
    framework = SelectField(_l("Criteria"), validators=[DataRequired()])

    def __init__(self, managed: list[Organization], may_create: bool) -> None:
        super().__init__()
        self.offers_new = may_create
        self.organization.choices = [SelectChoice(org.id, org.name) for org in managed]
        if may_create:
            self.organization.choices.append(SelectChoice(self.NEW, _("A new organization…")))

    def validate_new_organization(self, field: Field) -> None:
        if self.organization.data == self.NEW and not field.data:
            raise ValidationError(_("Type the new organization's name."))


def _within_size(form: FlaskForm, field: Field) -> None:
    """One answer's hard limit, in characters as the award counts them (the counter under the
    box counts the same way), checked on the text as it will be stored."""
    text = normalized_text(field.data)
    if not answer_too_long(text):
        return
    if count_characters(text) > MAX_ANSWER_CHARS:
        raise ValidationError(_(
            "This answer has %(count)s characters; one answer holds at most %(limit)s. Shorten "
            "it; nothing on this page was saved, your text is kept below.",
            count=format_decimal(count_characters(text)), limit=format_decimal(MAX_ANSWER_CHARS)))
    raise ValidationError(_(
        "This answer has %(count)s characters with its spaces and line breaks; one answer "
        "keeps at most %(limit)s. Shorten it; nothing on this page was saved, your text is "
        "kept below.", count=format_decimal(len(text)), limit=format_decimal(MAX_ANSWER_LENGTH)))


def answer_field(question_id: str) -> str:
    return "answer_" + question_id.replace(".", "_")


def revision_field(question_id: str) -> str:
    return "revision_" + question_id.replace(".", "_")


def keep_field(question_id: str) -> str:
    """The tick that keeps a carried-over answer as it is (shown on carried-over answers)."""
    return "keep_" + question_id.replace(".", "_")


@functools.cache
def answers_form_class(questions: tuple[Question, ...]) -> type[FlaskForm]:
    """A form with a Markdown text area, the shown revision and a keep-as-is tick (for an
    answer carried over from the earlier cycle) for each question."""

    class AnswersForm(Form):
        pass

    for question in questions:
        setattr(AnswersForm, answer_field(question.id),
                TextAreaField(question.id, validators=[_within_size]))
        setattr(AnswersForm, revision_field(question.id), HiddenField(default="0"))
        setattr(AnswersForm, keep_field(question.id), BooleanField(
            _l("Checked: keep as it is")))
    return AnswersForm
