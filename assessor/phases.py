"""The phases of an assessment cycle, opened and closed by its coordinator, one step at a time."""

from __future__ import annotations

from .access import PHASE_ORDER, Phase
from .storage.files import DataFile

PHASE_TABLE = "phase"


class PhaseError(ValueError):
    pass


def current_phase(data_file: DataFile) -> Phase:
    doc = next(iter(data_file.documents(PHASE_TABLE)), None)
    return Phase(doc["phase"]) if doc else Phase.WRITING


def neighbours(phase: Phase) -> tuple[Phase | None, Phase | None]:
    """The phase before (to reopen) and after (to open next)."""
    index = PHASE_ORDER.index(phase)
    before = PHASE_ORDER[index - 1] if index > 0 else None
    after = PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None
    return before, after


def move_to(data_file: DataFile, target: Phase) -> Phase:
    """Open the next phase or reopen the previous one; return the phase that was current."""
    with data_file.transaction() as db:
        table = db.table(PHASE_TABLE)
        doc = next(iter(table), None)
        current = Phase(doc["phase"]) if doc else Phase.WRITING
        if target not in neighbours(current):
            raise PhaseError(f"From {current.label} the assessment can move only to the phase "
                             f"just before or just after it, not to {target.label}.")
        table.truncate()
        table.insert({"phase": target.value})
    return current
