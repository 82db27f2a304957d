"""The audit trail's entries: who did what, when, with the details as data.

The store keeps the trail append-only (storage/audit_log.py for the embedded store); the audit
page puts the details in the reader's words (web/audit.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
