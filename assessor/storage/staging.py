"""Adding many records at once (the demo organizations) with a few fsyncs instead of one per
change, and all or nothing.

Through the repositories, every change is durable when it returns: its file written, fsynced,
renamed into place and its folder fsynced (files.py), an audit entry appended and fsynced. The
demo is about 1,800 such changes: 1,800 fsyncs, 10 s and more on a busy disk. `staged(store)`
adds them another way:

1. A Store of their own is made in a hidden folder of the data folder (`.staging-<random>/`:
   on the same disk, so that step 3 is a rename), and everything is written there through the
   repositories, as always, but within files.unsynced_writes() for that folder only: nobody
   reads it yet, so nothing there needs to be durable yet. Writes anywhere else still sync
   (a context variable, for this thread and this block only).
2. When the block ends, every file and folder the data folder will take in is fsynced once.
3. The folders of the new assessments and organizations (new random ids: nothing is replaced)
   are named in `moving.json` (synced) in the staging folder, then renamed into the data
   folder's `assessments/` and `organizations/`, and those folders fsynced. They are not in
   the index yet, so no page, command or backup sees them.
4. The new accounts are added to the users file, then the new organizations, their members and
   cycles to the index, each in one ordinary (locked, atomic, synced) transaction of that
   shared file, so that a server running meanwhile loses none of its own changes. Writing the
   index is the moment the new records appear, all of them at once.
5. The staging folder is removed.

An exception before the index is written (a failure while building, a full disk) leaves the
data folder as it was: the staging folder and the folders already renamed in are removed. A
crash (a kill, a power cut) leaves a staging folder behind: the next Store made on the data
folder (the next start, any command) removes it, and the folders its `moving.json` names that
the index does not list. A crash between the users and the index writes leaves the new
accounts only, which the next load of the same records reuses. One lock per data folder
(`.staging.lock`) is held while a staging is under way: a second one waits, and the clean-up
leaves a live one alone.

Building a whole new data folder beside the old one and renaming it into place would serve only
an empty data folder, and even an empty one may hold the accounts (`create-admin` before the
first start) or be a mount point that cannot be replaced; one way for an empty and a full data
folder, with the index as the single point where the records appear, is simpler.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .files import (
    META_TABLE,
    DataFileError,
    atomic_write_bytes,
    encode,
    fsync_dir,
    fsync_file,
    read_tables,
    unsynced_writes,
)
from .locks import LockBusy, process_lock
from .repositories import ASSESSMENTS, ORGANIZATIONS, USERS
from .store import ASSESSMENT_DIR, ORGANIZATION_DIR, Store

STAGING_PREFIX = ".staging-"
STAGING_LOCK = ".staging.lock"
MANIFEST = "moving.json"
MOVED_FOLDERS = (ASSESSMENT_DIR, ORGANIZATION_DIR)  # what a staging adds sub-folders to
_ID = re.compile(r"^[a-z0-9]{12}$")  # an assessment's or organization's id (a folder's name)


@contextlib.contextmanager
def staged(store: Store) -> Iterator[Store]:
    """A Store in a staging folder of `store`'s, written without per-write fsyncs; when the
    block ends cleanly, its assessments, organizations and accounts join `store` (see the
    module's text). An exception leaves `store` as it was."""
    with process_lock(store.root / STAGING_LOCK):
        _discard_all(store)  # what a crashed staging left (nobody else can stage meanwhile)
        folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=store.root))
        try:
            with unsynced_writes(folder):
                staging = Store(folder)
                yield staging
            _take_in(store, staging)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def discard_unfinished(store: Store) -> None:
    """Remove what interrupted stagings left in `store`'s folder (nothing while a staging is
    under way: it holds the lock)."""
    if not any(_stagings(store.root)):
        return
    with contextlib.ExitStack() as hold:
        try:
            hold.enter_context(process_lock(store.root / STAGING_LOCK, wait=False))
        except (LockBusy, OSError):  # one is under way (or a read-only folder): leave it
            return
        _discard_all(store)


def _stagings(root: Path) -> Iterator[Path]:
    return (path for path in root.glob(f"{STAGING_PREFIX}*") if path.is_dir())


def _discard_all(store: Store) -> None:
    for folder in sorted(_stagings(store.root)):
        moved = _moved(folder)
        if moved is None:
            continue  # cannot tell what it moved in: leave it (nothing reads it)
        if moved:
            try:
                listed = _listed_ids(store)
            except DataFileError:
                continue  # an unreadable index: decide nothing now
            for kind, name in moved:
                if kind in MOVED_FOLDERS and name not in listed:
                    shutil.rmtree(store.root / kind / name, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)


def _moved(folder: Path) -> list[tuple[str, str]] | None:
    """The folders a staging renamed (or was about to rename) into the data folder, as
    (`assessments` or `organizations`, id); None when its note of them is unreadable."""
    try:
        entries = json.loads((folder / MANIFEST).read_bytes())
    except FileNotFoundError:
        return []  # it stopped before renaming anything in
    except (OSError, ValueError):
        return None
    if not isinstance(entries, list) or not all(
            isinstance(entry, list) and len(entry) == 2 and entry[0] in MOVED_FOLDERS
            and isinstance(entry[1], str) and _ID.fullmatch(entry[1]) for entry in entries):
        return None
    return [(kind, name) for kind, name in entries]


def _listed_ids(store: Store) -> set[str]:
    tables = read_tables(store.index.path)
    return {doc["id"] for table in (ORGANIZATIONS, ASSESSMENTS)
            for doc in tables.get(table, {}).values()}


def _take_in(store: Store, staging: Store) -> None:
    moves = [(kind, path.name) for kind in MOVED_FOLDERS if (staging.root / kind).is_dir()
             for path in sorted((staging.root / kind).iterdir()) if path.is_dir()]
    for kind, name in moves:
        _sync_tree(staging.root / kind / name)
    atomic_write_bytes(staging.root / MANIFEST, encode(moves))
    moved: list[Path] = []
    try:
        for kind in MOVED_FOLDERS:
            (store.root / kind).mkdir(exist_ok=True)
        fsync_dir(store.root)
        for kind, name in moves:
            os.rename(staging.root / kind / name, store.root / kind / name)
            moved.append(store.root / kind / name)
        for kind in MOVED_FOLDERS:
            fsync_dir(store.root / kind)
        _merge_accounts(store, staging)
        _merge_index(store, staging)
    except BaseException:
        for path in moved:  # not in the index: nothing refers to them
            shutil.rmtree(path, ignore_errors=True)
        raise


def _sync_tree(folder: Path) -> None:
    """fsync every file under `folder` (but lock files, which hold nothing) and every folder."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.endswith(".lock"):
            fsync_file(path)
        elif path.is_dir():
            fsync_dir(path)
    fsync_dir(folder)


def _merge_accounts(store: Store, staging: Store) -> None:
    """The staging's accounts whose usernames `store` does not hold yet."""
    accounts = list(read_tables(staging.users_file.path).get(USERS, {}).values())
    if not accounts:
        return
    with store.users_file.transaction() as db:
        table = db.table(USERS)
        known = {doc["username"] for doc in table}
        table.insert_multiple(dict(doc) for doc in accounts if doc["username"] not in known)


def _merge_index(store: Store, staging: Store) -> None:
    """Every record of the staging's index (organizations, members, assessments), added."""
    tables = read_tables(staging.index.path)
    with store.index.transaction() as db:
        for name, docs in tables.items():
            if name != META_TABLE:
                db.table(name).insert_multiple(dict(doc) for doc in docs.values())
