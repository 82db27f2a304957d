"""An append-only audit trail per assessment: who did what, when (JSON lines, UTC).

Each entry is appended and fsynced under the file's own lock; lines are never rewritten. A
line torn by a crash during an append is skipped when reading (and counted).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from filelock import FileLock

from ..audit import AuditEntry, AuditLog
from ..clock import utc_now
from .files import AuditUnavailable, must_sync, sync_data

AUDIT_FILE = "audit.jsonl"


class AuditFile:
    """An append-only JSON-lines file; each entry appended and fsynced under its own lock."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / AUDIT_FILE
        self._lock = FileLock(f"{self.path}.lock")

    def record(self, user: str, action: str, **detail: object) -> AuditEntry:
        entry = AuditEntry(at=utc_now(), user=user,
                           action=action, detail=dict(detail))
        line = json.dumps({"at": entry.at, "user": entry.user, "action": entry.action,
                           "detail": entry.detail}, ensure_ascii=False) + "\n"
        try:
            with self._lock:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, line.encode("utf-8"))
                    if must_sync(self.path):
                        sync_data(fd)  # an append: its data and the new size
                finally:
                    os.close(fd)
        except OSError as error:  # the lock file too: a full or read-only disk
            raise AuditUnavailable(self.path, error) from error
        return entry

    def copy_to(self, target: Path) -> Path:
        """A copy of the trail as it stands (no append can be half-way through it)."""
        with self._lock:
            shutil.copy2(self.path, target)
        return target

    def read(self) -> AuditLog:
        """Every entry, oldest first."""
        entries, unreadable = [], 0
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return AuditLog([], 0)
        for line in lines:
            try:
                raw = json.loads(line)
                entries.append(AuditEntry(raw["at"], raw["user"], raw["action"],
                                          raw.get("detail", {})))
            except (json.JSONDecodeError, KeyError, TypeError):
                unreadable += 1
        return AuditLog(entries, unreadable)
