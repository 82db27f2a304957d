"""One TinyDB data file, written atomically and locked across threads and processes.

TinyDB's own JSONStorage rewrites a file in place, so a crash or a full disk half-way through a
write leaves it corrupt, and it has no locking (see ../shared/reference/engineering.md). Here:
- every change happens inside `DataFile.transaction()`, which holds a thread lock and a
  process lock (locks.py) on a sibling `.lock` file for the whole read-modify-write;
- TinyDB works on an in-memory snapshot during the transaction, and the snapshot is written once
  at the end: to a temporary file in the same folder, flushed, fsynced, `os.replace`d over the
  old file, and the folder fsynced. A reader therefore sees the old file or the new one, whole.
- within `unsynced_writes(folder)`, and only for files under that folder, the fsyncs are
  skipped: for a folder that nobody reads yet and that is synced once, as a whole, before its
  files become part of the data (storage/staging.py). Every other write syncs, always.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage

from .locks import process_lock

# 2: organizations are records; statements have ids (storage/upgrade.py upgrades from 1).
SCHEMA_VERSION = 2
META_TABLE = "meta"
_WRITE_CHUNK = 1 << 16


class DataFileError(Exception):
    """A data file that cannot be used; the message names the file and what to do."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class CorruptDataFile(DataFileError):
    pass


class SchemaTooNew(DataFileError):
    pass


class _WriteFailed(DataFileError, OSError):
    """A write the disk refused (full, read-only, any I/O error): still an OSError with the
    original errno for callers that catch those, and a DataFileError naming the file."""

    def __init__(self, path: Path, error: OSError, reason: str) -> None:
        super().__init__(path, f"{reason} ({error.strerror or error})")
        self.error = error
        self.errno, self.strerror = error.errno, error.strerror

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class StorageUnavailable(_WriteFailed):
    """A change that could not be written: nothing of it was stored, and the file on disk is
    still the whole previous version."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(path, error, "cannot be written; the change was not stored")


class AuditUnavailable(_WriteFailed):
    """An audit entry that could not be appended. The change it describes was stored before:
    callers must not report that change as lost."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(path, error, "cannot be appended to; the entry was not recorded")


# Inside unsynced_writes(): the folder whose files are written without their fsyncs. A context
# variable: it holds for the block in this thread only, never for a server's request threads.
_UNSYNCED: ContextVar[Path | None] = ContextVar("assessor_unsynced", default=None)


@contextlib.contextmanager
def unsynced_writes(folder: Path) -> Iterator[None]:
    """Within the block, writes (data files, audit appends, renames) of files under `folder`
    skip their fsyncs; writes elsewhere sync as always. Only for a folder that is not part of
    the data yet and is synced as a whole (sync_tree) before it becomes part of it."""
    token = _UNSYNCED.set(Path(folder))
    try:
        yield
    finally:
        _UNSYNCED.reset(token)


def must_sync(path: Path) -> bool:
    """Whether a write to `path` is made durable at once: always, but under the folder of an
    unsynced_writes() block."""
    folder = _UNSYNCED.get()
    return folder is None or not Path(path).is_relative_to(folder)


def fsync_dir(folder: Path) -> None:
    """Make a rename in this folder durable (a no-op where folders cannot be opened, and for a
    folder under unsynced_writes' folder)."""
    if not must_sync(folder):
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# The data and the size of a written file on disk, without its other metadata (times): all a
# later read needs, and what fsync guarantees here too; the rename itself is made durable by
# fsync_dir. Platforms without fdatasync use fsync.
sync_data = getattr(os, "fdatasync", os.fsync)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view[:_WRITE_CHUNK])
        view = view[written:]


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Replace `path` with `payload` so that readers and crashes see the old or the new file."""
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        try:
            _write_all(fd, payload)
            if must_sync(path):
                sync_data(fd)
        finally:
            os.close(fd)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    fsync_dir(path.parent)


def encode(data: Any) -> bytes:
    """The file's bytes: compact UTF-8 JSON, the same bytes as the standard library's
    json.dumps(data, ensure_ascii=False, separators=(",", ":")) writes, some 30 times faster (a
    save writes the whole assessment file, 200 KB and more)."""
    return orjson.dumps(data)


def _decode(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        # The standard library also reads what only it writes (NaN, Infinity), should a file of
        # an earlier release hold any; and words the error for a file that is not JSON at all.
        return json.loads(raw)


# Inside one_read_per_file(): the tables each file was read as, so that one request reads each
# file once (a page asks a file many times) and sees one version of it throughout.
_SEEN: ContextVar[dict[Path, dict[str, Any]] | None] = ContextVar("assessor_seen", default=None)


@contextlib.contextmanager
def one_read_per_file() -> Iterator[None]:
    """Within the block, each data file is read from disk once (and again after this process
    writes it); writes always read afresh under their lock. For one web request."""
    token = _SEEN.set({})
    try:
        yield
    finally:
        _SEEN.reset(token)


def read_tables(path: Path) -> dict[str, Any]:
    """Read a TinyDB file written by us; refuse a corrupt one or one from a newer assessor.

    A file is parsed once per content: the parse is cached with the bytes it came from and
    reused only while the file still holds exactly those bytes (comparing bytes is cheap and,
    unlike inode and mtime, cannot be fooled by coarse timestamps or recycled inodes). Callers
    must not change what it returns; transactions work on a copy.
    """
    seen = _SEEN.get()
    if seen is not None and path in seen:
        return seen[path]
    tables = _read_fresh(path)
    if seen is not None:
        seen[path] = tables
    return tables


def _read_fresh(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise CorruptDataFile(path, f"cannot be read ({error.strerror})") from error
    tables = _PARSED.get(path, raw)
    if tables is None:
        tables = _parse(path, raw)
        _PARSED.put(path, raw, tables)
    return tables


def _parse(path: Path, raw: bytes) -> dict[str, Any]:
    if not raw:
        raise CorruptDataFile(path, "is empty; restore it from a backup")
    try:
        tables = _decode(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CorruptDataFile(path, f"is not valid JSON ({error}); restore it from a backup") \
            from error
    if not isinstance(tables, dict) or not all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in tables.values()
    ):
        raise CorruptDataFile(path, "is not a TinyDB file (expected tables of documents)")
    schema = _schema_of(path, tables)
    if schema > SCHEMA_VERSION:
        raise SchemaTooNew(
            path,
            f"was written by a newer assessor (data schema {schema}; this version reads up to "
            f"{SCHEMA_VERSION}). Upgrade assessor to open it.",
        )
    return tables


def _schema_of(path: Path, tables: dict[str, Any]) -> int:
    for document in tables.get(META_TABLE, {}).values():
        if "schema" in document:
            schema = document["schema"]
            if not isinstance(schema, int) or isinstance(schema, bool):
                raise CorruptDataFile(path, f"has a schema version that is not a number "
                                      f"({schema!r}); restore it from a backup")
            return schema
    return SCHEMA_VERSION


class _ParseCache:
    """The parsed content of recently used files, by path, shared by a process's threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[Path, tuple[bytes, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, path: Path, raw: bytes) -> dict[str, Any] | None:
        with self._lock:
            entry = self._entries.get(path)
            if entry is None or entry[0] != raw:
                return None
            self._entries.move_to_end(path)
            return entry[1]

    def put(self, path: Path, raw: bytes, tables: dict[str, Any]) -> None:
        with self._lock:
            self._entries[path] = (raw, tables)
            self._entries.move_to_end(path)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


_PARSED = _ParseCache(size=64)
# Results derived from a file, each with the parse (by identity) it was computed from.
_DERIVED: OrderedDict[tuple[Path, str], tuple[dict[str, Any], Any]] = OrderedDict()
_DERIVED_LOCK = threading.Lock()
T = TypeVar("T")


def _copy_tables(tables: dict[str, Any]) -> dict[str, Any]:
    """Copy tables and documents (TinyDB replaces field values, it never edits them in place)."""
    return {name: {doc_id: dict(doc) for doc_id, doc in docs.items()}
            for name, docs in tables.items()}


class _SnapshotStorage(Storage):
    """TinyDB storage over an in-memory snapshot; the DataFile decides when it reaches disk.

    A transaction's snapshot starts as the shared parse of the file and is copied the first time
    TinyDB reads it (TinyDB edits what it read in place, and the parse must stay as read);
    put_documents changes it without that copy."""

    def __init__(self, tables: dict[str, Any], writable: bool) -> None:
        self.tables = tables
        self.writable = writable
        self.dirty = False
        self._own = False  # whether every table and document in self.tables is this snapshot's

    def read(self) -> dict[str, Any]:
        # A read-only snapshot hands out a copy so that a refused write cannot reach the cache.
        if not self.writable:
            return _copy_tables(self.tables)
        if not self._own:
            self.tables, self._own = _copy_tables(self.tables), True
        return self.tables

    def write(self, data: dict[str, Any]) -> None:
        self._refuse_unless_writable()
        self.tables, self._own, self.dirty = data, True, True

    def put(self, table: str, documents: dict[str, dict[str, Any]]) -> None:
        self._refuse_unless_writable()
        if self._own:
            self.tables.setdefault(table, {}).update(documents)
        else:  # new dicts for the snapshot and the table; the other documents stay shared
            self.tables = {**self.tables, table: {**self.tables.get(table, {}), **documents}}
        self.dirty = True

    def _refuse_unless_writable(self) -> None:
        if not self.writable:
            raise PermissionError("this TinyDB snapshot is read-only; use DataFile.transaction()")


def stored_documents(db: TinyDB, table: str) -> Mapping[str, Mapping[str, Any]]:
    """A transaction's table as it stands, by document id, without TinyDB's copy of each
    document (iterating a Table copies every one): for finding a few documents in a large
    table. Read only: change documents with put_documents or through the TinyDB table."""
    storage: _SnapshotStorage = db.storage  # type: ignore[assignment]
    return MappingProxyType(storage.tables.get(table, {}))


def put_documents(db: TinyDB, table: str, documents: Mapping[str, dict[str, Any]]) -> None:
    """Set these documents, by id, in a transaction's table; the table's other documents stay
    as they are, uncopied (TinyDB copies every document of the file on its first read in a
    transaction: for one changed answer among hundreds, most of a save's time beyond its write).
    The documents must be new dicts that nothing else holds. Not for a table that TinyDB
    inserts into in the same transaction (its Table keeps the next id it counted)."""
    storage: _SnapshotStorage = db.storage  # type: ignore[assignment]
    storage.put(table, dict(documents))


class _PathLock:
    """A data file's lock within this process: a thread lock, then the lock across processes
    (a thread that holds both already takes them again at no cost)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.RLock()
        self._held = False  # by the thread inside the thread lock; only it reads or sets this

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        with self._thread_lock, contextlib.ExitStack() as stack:
            if self._held:
                yield
                return
            try:  # a read-only or full disk refuses the lock file already
                stack.enter_context(process_lock(f"{self.path}.lock"))
            except OSError as error:
                raise StorageUnavailable(self.path, error) from error
            self._held = True
            try:
                yield
            finally:
                self._held = False


class _Locks:
    """One lock per data file for this process."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._by_path: dict[Path, _PathLock] = {}

    def for_path(self, path: Path) -> _PathLock:
        resolved = path.resolve()
        with self._guard:
            return self._by_path.setdefault(resolved, _PathLock(resolved))


_LOCKS = _Locks()


class DataFile:
    """A TinyDB file of assessor's: read snapshots, and locked, atomic transactions."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = _LOCKS.for_path(self.path)

    def locked(self) -> contextlib.AbstractContextManager[None]:
        """Hold this file's thread and process locks (no other writer can start meanwhile)."""
        return self._lock.held()

    def documents(self, table: str) -> Iterator[Mapping[str, Any]]:
        """The documents of one table as read-only mappings: the fast path for page views."""
        for doc in read_tables(self.path).get(table, {}).values():
            yield MappingProxyType(doc)

    def derived(self, name: str, compute: Callable[[], T]) -> T:
        """`compute()`'s result, computed once per version of this file's content.

        For figures derived from the whole file (a consensus board, say) that pages show far
        more often than the file changes. `compute` must read only this file.
        """
        tables = read_tables(self.path)
        key = (self.path, name)
        with _DERIVED_LOCK:
            cached = _DERIVED.get(key)
        if cached is not None and cached[0] is tables:
            return cached[1]
        value = compute()
        with _DERIVED_LOCK:
            _DERIVED[key] = (tables, value)
            _DERIVED.move_to_end(key)
            while len(_DERIVED) > 64:
                _DERIVED.popitem(last=False)
        return value

    def read(self) -> TinyDB:
        """A read-only TinyDB over the file as it is now (whole, thanks to atomic replace)."""
        return TinyDB(read_tables(self.path), False, storage=_SnapshotStorage)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[TinyDB]:
        """A TinyDB whose changes are written once, atomically, when the block ends cleanly."""
        with self.locked():
            db = TinyDB(_read_fresh(self.path), True, storage=_SnapshotStorage)
            yield db
            storage: _SnapshotStorage = db.storage  # type: ignore[assignment]
            storage.writable = False  # a db kept past its transaction must not change the cache
            if storage.dirty or not self.path.exists():
                meta = storage.tables.get(META_TABLE, {})
                if "1" not in meta:  # a new table, never the shared one
                    storage.tables[META_TABLE] = {**meta, "1": {"schema": SCHEMA_VERSION}}
                payload = encode(storage.tables)
                try:
                    atomic_write_bytes(self.path, payload)
                except OSError as error:
                    raise StorageUnavailable(self.path, error) from error
                # The next read finds these very bytes on disk: no need to parse them again.
                _PARSED.put(self.path, payload, storage.tables)
                if (seen := _SEEN.get()) is not None:
                    seen[self.path] = storage.tables

    def exists(self) -> bool:
        return self.path.exists()
