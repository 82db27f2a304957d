"""The phases of an assessment cycle, opened and closed by its coordinator, one step at a time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .access import PHASE_ORDER, Phase
from .errors import DomainError
from .repositories import AssessmentData


class PhaseError(DomainError):
    """A move that cannot be made: not_adjacent (current, target: only one step at a time),
    moved (current, shown: someone moved the phase while the page was open)."""


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
            raise PhaseError("not_adjacent", current=current, target=target)
        data.phase.set(target)
    return current


def move_from(data: AssessmentData, shown: Phase, target: Phase) -> Phase:
    """move_to, but only if the phase is still the one the coordinator's page showed.

    Two coordinators clicking "Open ..." on the same stale page would otherwise move the
    assessment two steps.
    """
    with data.atomic():
        current = current_phase(data)
        if current is not shown:
            raise PhaseError("moved", current=current, shown=shown)
        return move_to(data, target)


@dataclass(frozen=True, slots=True)
class OpeningWarning:
    """Something the coordinator should know before opening a phase: `code` names it,
    `data` holds its particulars."""

    code: str
    data: Mapping[str, Any] = field(default_factory=dict)


def opening_warnings(target: Phase, uncovered_items: Sequence[str],
                     unsubmitted: Sequence[tuple[str, str]],
                     carried_over: int = 0) -> list[OpeningWarning]:
    """What the coordinator should know before opening `target` (warnings, not refusals).

    uncovered_items: items no examiner is assigned to; unsubmitted: (examiner, item) entries
    assigned but not submitted; carried_over: answers still as the earlier cycle left them
    (next_cycle). The warnings: no_examiner (items) and carried_over (count) before the
    review, unsubmitted (count, examiners) before consensus.
    """
    if target is Phase.REVIEW:
        warnings = []
        if uncovered_items:
            warnings.append(OpeningWarning("no_examiner", {"items": tuple(uncovered_items)}))
        if carried_over:
            warnings.append(OpeningWarning("carried_over", {"count": carried_over}))
        return warnings
    if target is Phase.CONSENSUS and unsubmitted:
        examiners = tuple(sorted({examiner for examiner, _ in unsubmitted}))
        return [OpeningWarning("unsubmitted", {"count": len(unsubmitted),
                                               "examiners": examiners})]
    return []
