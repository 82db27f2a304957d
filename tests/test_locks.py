"""The lock across processes (storage/locks.py) and a data file's lock built on it: exclusive
between processes, forked children included, released by a process that dies, taken again at
no cost by the thread that holds it, waited for by other threads.

The child functions are top-level so that "spawn" children can import them.
"""

from __future__ import annotations

import multiprocessing
import threading
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from assessor.storage.files import DataFile
from assessor.storage.locks import LockBusy, process_lock

TIMEOUT = 30


def hold_until_told(path: str, ready: Connection, release: Connection) -> None:
    with process_lock(path):
        ready.send("holding")
        release.recv()


def try_without_waiting(path: str, answer: Connection) -> None:
    try:
        with process_lock(path, wait=False):
            answer.send("took it")
    except LockBusy:
        answer.send("busy")


def _child(context: str, target, *args: object) -> multiprocessing.Process:  # type: ignore[no-untyped-def]
    process = multiprocessing.get_context(context).Process(target=target, args=args)
    process.start()
    return process


def _holding_child(path: str) -> tuple[multiprocessing.Process, Connection]:
    """A spawned process that holds the lock on `path` until told (through the connection
    returned) to let go."""
    ready_in, ready_out = multiprocessing.Pipe(duplex=False)
    release_in, release_out = multiprocessing.Pipe(duplex=False)
    holder = _child("spawn", hold_until_told, path, ready_out, release_in)
    assert ready_in.poll(TIMEOUT) and ready_in.recv() == "holding"
    return holder, release_out


def test_another_process_holding_the_lock_keeps_it_until_it_lets_go(tmp_path: Path) -> None:
    path = str(tmp_path / "file.lock")
    holder, release = _holding_child(path)
    with pytest.raises(LockBusy), process_lock(path, wait=False):
        pass
    release.send("go")
    holder.join(TIMEOUT)
    assert holder.exitcode == 0
    with process_lock(path, wait=False):  # free again
        pass


def test_a_process_killed_while_holding_the_lock_releases_it(tmp_path: Path) -> None:
    path = str(tmp_path / "file.lock")
    holder, _ = _holding_child(path)
    holder.kill()
    holder.join(TIMEOUT)
    with process_lock(path, wait=False):
        pass


# Python 3.12+ warns of forking a process with threads (earlier tests may leave some idle).
@pytest.mark.filterwarnings("ignore:.*multi-threaded.*fork:DeprecationWarning")
def test_a_forked_child_does_not_share_its_parents_hold(tmp_path: Path) -> None:
    path = str(tmp_path / "file.lock")
    answer_in, answer_out = multiprocessing.Pipe(duplex=False)
    with process_lock(path):
        child = _child("fork", try_without_waiting, path, answer_out)
        assert answer_in.poll(TIMEOUT) and answer_in.recv() == "busy"
        child.join(TIMEOUT)
    child = _child("fork", try_without_waiting, path, answer_out)
    assert answer_in.poll(TIMEOUT) and answer_in.recv() == "took it"
    child.join(TIMEOUT)


def test_the_holding_thread_takes_a_data_files_lock_again_other_threads_wait(
        tmp_path: Path) -> None:
    data_file = DataFile(tmp_path / "assessment.json")
    nested_done, other_inside, release = (threading.Event() for _ in range(3))

    def holder() -> None:
        with data_file.locked():
            with data_file.locked(), data_file.transaction() as db:  # nested, same thread
                db.table("entries").insert({"n": 1})
            nested_done.set()
            release.wait(TIMEOUT)

    def other() -> None:
        with DataFile(data_file.path).locked():  # another handle on the same file
            other_inside.set()

    first = threading.Thread(target=holder, daemon=True)
    first.start()
    assert nested_done.wait(TIMEOUT), "a thread holding the lock could not take it again"
    second = threading.Thread(target=other, daemon=True)
    second.start()
    assert not other_inside.wait(0.3)  # waits while the first thread holds the lock
    with pytest.raises(LockBusy), process_lock(f"{data_file.path}.lock", wait=False):
        pass  # which is held across processes too
    release.set()
    assert other_inside.wait(TIMEOUT)
    first.join(TIMEOUT)
    second.join(TIMEOUT)
    with process_lock(f"{data_file.path}.lock", wait=False):  # all let go
        pass
