"""The phases of an assessment cycle, opened and closed by its coordinator, one step at a time."""

from __future__ import annotations

from collections.abc import Sequence

from .access import PHASE_ORDER, Phase
from .repositories import AssessmentData


class PhaseError(ValueError):
    pass


def current_phase(data: AssessmentData) -> Phase:
    return data.phase.current()


def neighbours(phase: Phase) -> tuple[Phase | None, Phase | None]:
    """The phase before (to reopen) and after (to open next)."""
    index = PHASE_ORDER.index(phase)
    before = PHASE_ORDER[index - 1] if index > 0 else None
    after = PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None
    return before, after


def move_to(data: AssessmentData, target: Phase) -> Phase:
    """Open the next phase or reopen the previous one; return the phase that was current."""
    with data.atomic():
        current = data.phase.current()
        if target not in neighbours(current):
            raise PhaseError(f"From {current.label} the assessment can move only to the phase "
                             f"just before or just after it, not to {target.label}.")
        data.phase.set(target)
    return current


# What opening each phase lets people do: one line per phase, shown beside its button.
PHASE_ALLOWS = {
    Phase.WRITING: "Writers answer the questions of their assigned pages; the coordinator sets "
                   "up the team, assignments and key factors.",
    Phase.REVIEW: "Examiners score their assigned items alone and submit; answers can no longer "
                  "be changed.",
    Phase.CONSENSUS: "Examiners see each other's scores; the coordinator or consensus lead "
                     "records a consensus score per item. Review entries can no longer change.",
    Phase.FEEDBACK: "Closed: the whole team reads the feedback report; nothing is scored or "
                    "changed any more.",
}


def move_from(data: AssessmentData, shown: Phase, target: Phase) -> Phase:
    """move_to, but only if the phase is still the one the coordinator's page showed.

    Two coordinators clicking "Open ..." on the same stale page would otherwise move the
    assessment two steps.
    """
    with data.atomic():
        current = current_phase(data)
        if current is not shown:
            raise PhaseError(f"The phase is now {current.label}, not {shown.label}: someone "
                             "moved it while this page was open. Nothing was changed; check "
                             "the phases below and choose again.")
        return move_to(data, target)


def opening_warnings(target: Phase, uncovered_items: Sequence[str],
                     unsubmitted: Sequence[tuple[str, str]]) -> list[str]:
    """What the coordinator should know before opening `target` (warnings, not refusals).

    uncovered_items: items no examiner is assigned to; unsubmitted: (examiner, item) entries
    assigned but not submitted.
    """
    if target is Phase.REVIEW and uncovered_items:
        return [f"No examiner is assigned to {_plural(len(uncovered_items), 'item')} "
                f"({', '.join(uncovered_items)}): nobody will score them. Assign examiners on "
                "the team page first, or open the review anyway."]
    if target is Phase.CONSENSUS and unsubmitted:
        examiners = ", ".join(sorted({examiner for examiner, _ in unsubmitted}))
        entries = _plural(len(unsubmitted), "assigned review entry", "assigned review entries")
        return [f"Not submitted yet: {entries} (examiners: {examiners}). Once consensus is "
                "open, examiners can no longer submit or change them."]
    return []


def _plural(number: int, singular: str, plural: str = "") -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
