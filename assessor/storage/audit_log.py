"""An append-only audit trail per assessment: who did what, when (JSON lines, UTC).

Each entry is one write() to the file opened for appending, then fsynced. The kernel puts such a
write at the end of the file whole, after any other thread's or process's, so appends need no
lock (a lock costs a save more than the append itself). Lines are never rewritten. A line torn
by a crash during an append is skipped when reading (and counted); a copy leaves out an append
still under way.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

from ..audit import AuditEntry, AuditLog
from ..clock import utc_now
from .files import AuditUnavailable, atomic_write_bytes, must_sync, sync_data

AUDIT_FILE = "audit.jsonl"


class AuditFile:
    """An append-only JSON-lines file; each entry appended in one write and fsynced."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / AUDIT_FILE

    def record(self, user: str, action: str, **detail: object) -> AuditEntry:
        entry = AuditEntry(at=utc_now(), user=user,
                           action=action, detail=dict(detail))
        line = json.dumps({"at": entry.at, "user": entry.user, "action": entry.action,
                           "detail": entry.detail}, ensure_ascii=False) + "\n"
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                payload = line.encode("utf-8")
                if os.write(fd, payload) != len(payload):
                    raise OSError(errno.ENOSPC, "the disk took only part of the entry")
                if must_sync(self.path):
                    sync_data(fd)  # an append: its data and the new size
            finally:
                os.close(fd)
        except OSError as error:  # a full or read-only disk
            raise AuditUnavailable(self.path, error) from error
        return entry

    def copy_to(self, target: Path) -> Path:
        """A copy of the trail's whole lines as they stand, written durably (an append under
        way is left out: it has no line end yet)."""
        trail = self.path.read_bytes()
        atomic_write_bytes(target, trail[: trail.rfind(b"\n") + 1])
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
