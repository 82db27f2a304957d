"""The questionnaire: overview, answer pages (profile and items) and the read-only answers."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from ..access import Action, OrgAction, permits_in_organization
from ..answers import (
    MAX_ANSWER_CHARS,
    AnswerEdit,
    count_characters,
    load_answers,
    revisions_to_show,
    save_answers,
    unanswered,
)
from ..criteria import Item, Question, Text
from ..i18n import phase_name, show_both
from ..next_cycle import carried_over, carried_over_on
from ..progress import length_budget, of_questions, stored_progress
from ..repositories import PhaseChanged
from ..retired_answers import retired_answers, retired_answers_by_item
from ..storage.files import StorageUnavailable
from .context import (
    AssessmentContext,
    answers_refusals,
    item_or_404,
    load_assessment,
    refusal,
    store,
    utc_now,
)
from .errors import kept_text, record_event, storage_error_page
from .forms import (
    answer_field,
    answers_form_class,
    keep_field,
    normalized_text,
    revision_field,
)
from .kept_body import kept_body, page_around
from .kpis import item_evidence

bp = Blueprint("questionnaire", __name__, url_prefix="/a/<assessment_id>")


@dataclass(frozen=True, slots=True)
class Section:
    """A page of questions: the organizational profile, or one scored item."""

    id: str
    title: Text
    groups: tuple[tuple[Text | None, tuple[Question, ...]], ...]
    item: Item | None
    url: str  # the page's neighbours are the template's (answer_page.html's pager)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for _, questions in self.groups for q in questions)


def _profile_section(ctx: AssessmentContext) -> Section:
    profile = ctx.framework.profile
    return Section(
        id=profile.id, title=profile.title,
        groups=tuple((part.title, part.questions) for part in profile.parts), item=None,
        url=url_for("questionnaire.profile", assessment_id=ctx.record.id),
    )


def _item_section(ctx: AssessmentContext, item_id: str) -> Section:
    item = item_or_404(ctx, item_id)
    return Section(
        id=item.id, title=item.title, groups=((None, item.questions),), item=item,
        url=url_for("questionnaire.item", assessment_id=ctx.record.id, item_id=item.id),
    )


@bp.get("/")
def overview(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.VIEW)
    progress = stored_progress(ctx.data, ctx.framework)
    to_review = ctx.data.derived(
        "carried_over", lambda: carried_over(ctx.framework, load_answers(ctx.data)))
    return render_template("overview.html", ctx=ctx, progress=progress, to_review=to_review,
                           starts_cycles=_starts_cycles(ctx))


def _starts_cycles(ctx: AssessmentContext) -> bool:
    """Whether the user may start the organization's next cycle (its managers)."""
    roles = store().organizations.members(ctx.record.organization_id).get(
        ctx.user.username, frozenset())
    return permits_in_organization(roles, OrgAction.CREATE_CYCLE)


@bp.route("/profile", methods=["GET", "POST"])
def profile(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = _load_for(assessment_id)
    return _answer_page(ctx, _profile_section(ctx))


@bp.route("/items/<item_id>", methods=["GET", "POST"])
def item(assessment_id: str, item_id: str):  # type: ignore[no-untyped-def]
    ctx = _load_for(assessment_id, item_id)
    return _answer_page(ctx, _item_section(ctx, item_id))


def _load_for(assessment_id: str, item_id: str | None = None) -> AssessmentContext:
    """Anyone with a role reads a page of questions; saving needs the right to write it.
    Without an item, the page is the organizational profile, which writers are assigned like
    an item, under the framework's profile id."""
    ctx = load_assessment(assessment_id, Action.VIEW)
    section_id = item_id or ctx.framework.profile.id
    if request.method == "POST" and not ctx.can(Action.WRITE_ANSWERS, section_id):
        abort(403, description=refusal(ctx, Action.WRITE_ANSWERS))
    return ctx


@bp.get("/answers")
def answers(assessment_id: str):  # type: ignore[no-untyped-def]
    ctx = load_assessment(assessment_id, Action.VIEW)
    stored = load_answers(ctx.data)
    progress = stored_progress(ctx.data, ctx.framework)
    # Every answer, rendered: the bulk of the page and the same for all its readers, so it
    # is rendered once per version of the data, interface language and "show both".
    body = kept_body(ctx.data, f"answers_html:{get_locale()}:{show_both()}",
                     lambda: render_template(
                         "_answers_body.html", ctx=ctx, answers=stored,
                         retired=retired_answers_by_item(ctx.framework, stored)))
    return page_around("answers.html", body, ctx=ctx, progress=progress)



def _answer_page(ctx: AssessmentContext, section: Section):  # type: ignore[no-untyped-def]
    """Show a page of questions; on POST save what changed, refusing stale overwrites."""
    form = answers_form_class(section.questions)()
    conflicts = {}
    if request.method == "GET":
        stored = load_answers(ctx.data)
        for question in section.questions:
            answer = stored.get(question.id, unanswered(question.id))
            form[answer_field(question.id)].data = answer.text
            form[revision_field(question.id)].data = str(answer.revision)
    elif form.validate_on_submit():
        edits = [_edit(form, question) for question in section.questions]
        try:
            result = save_answers(ctx.data, edits, now=utc_now(), user=ctx.user.username,
                                  expected_phase=ctx.phase)
        except PhaseChanged as changed:
            flash(_("Nothing was saved: the coordinator moved the assessment to the "
                    "%(phase)s phase while you were writing. Your text is kept below; copy "
                    "what you need.", phase=phase_name(changed.current)), "error")
            return _render_page(ctx, section, form, load_answers(ctx.data), {}), 409
        if result.saved:
            kept = {"kept_as_is": list(result.kept_as_is)} if result.kept_as_is else {}
            record_event(ctx, "answers_saved", section=section.id,
                         questions=[answer.question for answer in result.saved], **kept)
        if not result.conflicts:
            flash(_saved_message(len(result.saved)), "success")
            return redirect(section.url)
        stored = load_answers(ctx.data)
        conflicts = {c.edit.question: c.current for c in result.conflicts}
        for question, revision in revisions_to_show(edits, stored, result.conflicts).items():
            form[revision_field(question)].data = str(revision)
        flash(_("%(count)d answer(s) were changed by someone else while you were editing, and "
                "were not saved. Your text is kept below beside theirs: merge them and save "
                "again.", count=len(result.conflicts)), "warning")
    else:
        stored = load_answers(ctx.data)
        flash(_("Nothing on this page was saved: see the messages below."), "error")
    status = 409 if conflicts else (400 if form.errors else 200)
    return _render_page(ctx, section, form, stored, conflicts), status


def _render_page(ctx: AssessmentContext, section: Section, form, stored,  # type: ignore[no-untyped-def]
                 conflicts) -> str:
    return render_template(
        "answer_page.html", ctx=ctx, section=section, form=form, answers=stored,
        conflicts=conflicts, progress=of_questions(section.questions, stored),
        answer_field=answer_field, revision_field=revision_field, keep_field=keep_field,
        to_review=carried_over_on(section.questions, stored),
        can_write=ctx.can(Action.WRITE_ANSWERS, section.id),
        retired=retired_answers(ctx.framework, section.item, stored) if section.item else (),
        # Lengths as the award counts them, for the counters under the boxes and the total.
        budget=length_budget(ctx.framework, stored, section.item),
        count_characters=count_characters, max_answer_chars=MAX_ANSWER_CHARS,
        # A results item: the organization's KPIs that evidence it, beside the answers.
        evidence=item_evidence(ctx.record.organization_id, section.item, ctx.user.username),
    )


@bp.errorhandler(CSRFError)
@bp.errorhandler(StorageUnavailable)
@answers_refusals
def keep_text_of_unsaved_form(error: CSRFError | StorageUnavailable):  # type: ignore[no-untyped-def]
    """An expired or missing CSRF token, or a disk that cannot be written, saves nothing, but
    gives the person their text back (with the revisions their page showed)."""
    if isinstance(error, StorageUnavailable) and request.endpoint not in (
            "questionnaire.item", "questionnaire.profile"):
        return storage_error_page(error)  # no text form on this page
    item_id = request.view_args.get("item_id")
    ctx = _load_for(request.view_args["assessment_id"], item_id)
    section = _item_section(ctx, item_id) if item_id else _profile_section(ctx)
    form = answers_form_class(section.questions)()
    status = kept_text(error)
    return _render_page(ctx, section, form, load_answers(ctx.data), {}), status


def _edit(form, question: Question) -> AnswerEdit:  # type: ignore[no-untyped-def]
    try:
        base = int(form[revision_field(question.id)].data or 0)
    except ValueError:
        abort(400, description=_("The revision sent for question %(question)s is not a number.",
                                 question=question.id))
    return AnswerEdit(question.id, normalized_text(form[answer_field(question.id)].data), base,
                      keep_as_is=bool(form[keep_field(question.id)].data))


def _saved_message(count: int) -> str:
    if count == 0:
        return _("No changes to save.")
    return ngettext("Saved %(num)d answer.", "Saved %(num)d answers.", count)
