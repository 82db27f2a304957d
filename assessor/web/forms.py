"""WTForms forms: a new assessment, and the answers to one page of questions."""

from __future__ import annotations

import functools
from datetime import date

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..answers import MAX_ANSWER_BYTES, answer_too_long
from ..criteria import Question


class NewAssessmentForm(FlaskForm):
    organization = StringField("Organization", validators=[DataRequired(), Length(max=200)])
    cycle = StringField("Assessment cycle", validators=[DataRequired(), Length(max=50)],
                        default=lambda: str(date.today().year),
                        description="For example the year, or '2026 H1'.")
    framework = SelectField("Criteria", validators=[DataRequired()])


def _within_size(form: FlaskForm, field: Field) -> None:
    if field.data and answer_too_long(field.data):
        size_kb = len(field.data.encode("utf-8")) // 1000
        raise ValidationError(
            f"This answer is {size_kb} KB; the limit is {MAX_ANSWER_BYTES // 1000} KB. "
            "Shorten it or move detail to an appendix. Nothing on this page was saved; "
            "your text is kept below."
        )


def answer_field(question_id: str) -> str:
    return "answer_" + question_id.replace(".", "_")


def revision_field(question_id: str) -> str:
    return "revision_" + question_id.replace(".", "_")


@functools.cache
def answers_form_class(questions: tuple[Question, ...]) -> type[FlaskForm]:
    """A form with a Markdown text area and the shown revision for each question."""

    class AnswersForm(FlaskForm):
        pass

    for question in questions:
        setattr(AnswersForm, answer_field(question.id),
                TextAreaField(question.id, validators=[_within_size]))
        setattr(AnswersForm, revision_field(question.id), HiddenField(default="0"))
    return AnswersForm
