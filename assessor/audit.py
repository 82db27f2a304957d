"""The audit trail's entries (who did what, when) and their description in words.

The store keeps the trail append-only (storage/audit_log.py for the embedded store).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .access import Phase


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: str
    user: str
    action: str
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditLog:
    entries: list[AuditEntry]
    unreadable_lines: int


def describe(entry: AuditEntry) -> str:
    """An entry's details in words, e.g. "4.1.2 (3 questions)" for answers_saved.

    Actions without a describer of their own, and entries whose details do not have the
    expected shape (written by another version), are listed as "key: value" pairs.
    """
    describer = _DESCRIBERS.get(entry.action)
    if describer is not None:
        try:
            return describer(entry.detail)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
    return "; ".join(f"{key.replace('_', ' ')}: {_in_words(value)}"
                     for key, value in entry.detail.items())


def _in_words(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_in_words(element) for element in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{key} {_in_words(element)}" for key, element in value.items())
    return str(value)


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _phase(value: str) -> str:
    return Phase(value).label


def _key_factors_saved(detail: dict) -> str:
    parts = [f"{factor['id']} {factor['text']}" for factor in detail["factors"]]
    if detail.get("removed"):
        parts.append(f"removed {', '.join(detail['removed'])}")
    return "; ".join(parts) or "no key factors"


_DESCRIBERS: dict[str, Callable[[dict], str]] = {
    "assessment_created": lambda d: f"{d['organization']}, cycle {d['cycle']}",
    "demo_loaded": lambda d: f"demo answers loaded ({_plural(d['answers'], 'answer')})",
    "answers_saved": lambda d: f"{d['section']} ({_plural(len(d['questions']), 'question')})",
    "member_added": lambda d: f"{d['username']} as {d['role']}",
    "role_removed": lambda d: f"{d['username']} is no longer {d['role']}"
                              + ("; no longer consensus lead" if d.get("lead_ended") else ""),
    "items_assigned": lambda d: f"{d['username']} as {d['role']}: "
                                + (", ".join(d["items"]) or "no items"),
    "consensus_lead_set": lambda d: d["username"] or "nobody",
    "phase_changed": lambda d: f"{_phase(d['from'])} → {_phase(d['to'])}",
    "key_factors_saved": _key_factors_saved,
    "settings_saved": lambda d: (
        f"variance threshold {d['variance_threshold']} points; report shows the total: "
        f"{_in_words(d['report_shows_total'])}; exact scores: "
        f"{_in_words(d['report_shows_exact_scores'])}"),
}
