"""The examiners' forms, decoded in one place: an independent review entry and an item's consensus.

Both take a score on the framework's steps and strengths and opportunities for improvement (OFIs)
typed one per line with their key-factor tags (`#K2`); the review adds a note per dimension, the
consensus a rationale. A form checks what was typed, keeps it as typed when it is wrong, and
turns it into the domain's objects (`Review`, `ConsensusRecord`) when it is right.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..consensus import ConsensusRecord
from ..criteria.model import Band, Dimension, Guideline
from ..i18n import localized
from ..review import Review, ReviewError, check_score
from ..statements import Statement, StatementError, format_statements, parse_statements
from .forms import Form, normalized_text
from .messages import review_error, statement_error

MAX_STATEMENTS_CHARS = 20000
MAX_NOTE_CHARS = 5000
MAX_RATIONALE_CHARS = 5000


def length_limit(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(limit)d characters fit here; shorten the "
                                        "text. Nothing was saved; your text is kept below.",
                                        limit=limit))


def score_on_scale(text: str | None, step: int) -> int | None:
    """The score a field holds, if it is a whole percentage on the scale; else None."""
    try:
        score = int(text or "")
        check_score(score, step)
    except ValueError:  # empty, not a number, or off the scale (ReviewError)
        return None
    return score


class StatementsField(TextAreaField):
    """Strengths or OFIs, one statement per line. Once the text passes its checks it is parsed
    against the form's key factors: `statements` holds the result, or the field the parser's
    message."""

    def __init__(self, label: str | None = None, **kwargs: object) -> None:
        super().__init__(label, filters=[normalized_text],  # type: ignore[arg-type]
                         validators=[length_limit(MAX_STATEMENTS_CHARS)], **kwargs)
        self.statements: tuple[Statement, ...] = ()

    def post_validate(self, form: FlaskForm, validation_stopped: bool) -> None:
        if validation_stopped or self.errors:
            return
        try:
            self.statements = tuple(parse_statements(self.data, form.known_factors))
        except StatementError as error:
            raise ValidationError(statement_error(error, str(self.label.text))) from None

    def show(self, statements: Iterable[Statement]) -> None:
        self.data = format_statements(statements)


class ScoringForm(Form):
    """A form that scores an item: a `score` on the scale's steps of `step` percent (each
    subclass has its own field), and strengths and OFIs tagged with the assessment's key
    factors (`known_factors`)."""

    step = 5
    strengths = StatementsField(_l("Strengths"))
    ofis = StatementsField(_l("Opportunities for improvement"))

    def __init__(self, known_factors: Collection[str] = (), **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.known_factors = frozenset(known_factors)

    def show_statements(self, strengths: Iterable[Statement], ofis: Iterable[Statement]) -> None:
        self.strengths.show(strengths)
        self.ofis.show(ofis)

    def chosen_score(self) -> int | None:
        """The score the form holds (stored, or just chosen), if it is a valid one: the page
        highlights its band."""
        return None if self.score.errors else score_on_scale(self.score.data, self.step)


# -- the independent review -------------------------------------------------------------------
def note_field(dimension_id: str) -> str:
    return f"note_{dimension_id}"


class ReviewForm(ScoringForm):
    """An examiner's entry on one item; review_form_class adds the notes of its item kind."""

    dimensions: tuple[Dimension, ...] = ()
    save_draft = SubmitField(_l("Save draft"))
    submit_entry = SubmitField(_l("Submit (then read-only)"))

    def validate_score(self, field: Field) -> None:
        if field.data and score_on_scale(field.data, self.step) is None:
            raise ValidationError(_("Pick a score from the list: 0 to 100%% in steps of "
                                    "%(step)d.", step=self.step))
        if self.submit_entry.data and not field.data:
            raise ValidationError(_("Choose a score before submitting; a draft can be saved "
                                    "without one."))

    def show(self, review: Review) -> None:
        self.score.data = "" if review.score is None else str(review.score)
        for dimension in self.dimensions:
            self[note_field(dimension.id)].data = review.notes.get(dimension.id, "")
        self.show_statements(review.strengths, review.ofis)

    def entry(self, item_id: str, examiner: str) -> Review:
        """The entry the validated form describes."""
        notes = {dimension.id: self[note_field(dimension.id)].data
                 for dimension in self.dimensions}
        return Review(item=item_id, examiner=examiner,
                      score=int(self.score.data) if self.score.data else None,
                      notes={key: text for key, text in notes.items() if text},
                      strengths=self.strengths.statements, ofis=self.ofis.statements)

    def current_band(self, guideline: Guideline) -> Band | None:
        score = self.chosen_score()
        return None if score is None else guideline.band_for(score)


@functools.cache
def review_form_class(dimensions: tuple[Dimension, ...], step: int) -> type[ReviewForm]:
    """The entry form for one kind of item: score, a note per dimension, strengths and OFIs."""
    scores = [str(percent) for percent in range(0, 101, step)]

    class KindReviewForm(ReviewForm):
        score = SelectField(
            _l("Score"), choices=[SelectChoice("", _l("Not scored yet")),
                                  *(SelectChoice(s, f"{s}%") for s in scores)],
            validate_choice=False)  # validate_score says what is wrong

    KindReviewForm.step = step
    KindReviewForm.dimensions = dimensions
    for dimension in dimensions:
        setattr(KindReviewForm, note_field(dimension.id), TextAreaField(
            LazyString(localized, dimension.title), filters=[normalized_text],
            validators=[length_limit(MAX_NOTE_CHARS)]))
    return KindReviewForm


# -- consensus ---------------------------------------------------------------------------------
class ConsensusForm(ScoringForm):
    # A text field, not IntegerField: a wrong entry is kept as typed and explained below.
    score = StringField(_l("Consensus score"), filters=[normalized_text], validators=[
        DataRequired(message=_l("Enter the consensus score: a percentage from 0 to 100."))])
    rationale = TextAreaField(_l("Rationale"), filters=[normalized_text], validators=[
        DataRequired(message=_l("Write the rationale: why the team settled on this score. It "
                                "stays with the score and explains it later.")),
        length_limit(MAX_RATIONALE_CHARS)])

    def __init__(self, step: int, known_factors: Collection[str] = (),
                 **kwargs: object) -> None:
        super().__init__(known_factors, **kwargs)
        self.step = step

    def validate_score(self, field: Field) -> None:
        try:
            check_score(int(field.data), self.step)
        except ValueError as error:  # not a whole number, or off the scale (ReviewError)
            detail = review_error(error) if isinstance(error, ReviewError) else _(
                "“%(score)s” is not a whole number.", score=field.data)
            raise ValidationError(_("%(problem)s Enter a percentage from 0 to 100 in steps of "
                                    "%(step)d, for example %(example)d.", problem=detail,
                                    step=self.step, example=55)) from None

    def show(self, record: ConsensusRecord | None,
             proposed: tuple[Iterable[Statement], Iterable[Statement]]) -> None:
        """The recorded consensus, or a first draft: `proposed` strengths and OFIs."""
        if record is not None:
            self.score.data = str(record.score)
            self.rationale.data = record.rationale
            self.show_statements(record.strengths, record.ofis)
        else:
            self.show_statements(*proposed)

    def record(self, item_id: str, recorded_by: str, recorded_at: str) -> ConsensusRecord:
        """The consensus the validated form describes."""
        return ConsensusRecord(
            item=item_id, score=int(self.score.data), rationale=self.rationale.data,
            strengths=self.strengths.statements, ofis=self.ofis.statements,
            recorded_by=recorded_by, recorded_at=recorded_at)
