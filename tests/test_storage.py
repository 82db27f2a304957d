"""The data store: no lost writes under threads and processes, crash and full-disk safety,
corrupt and too-new files reported without taking other assessments down, backups, isolation.

The worker functions are top-level so that "spawn" child processes can import them.
"""

from __future__ import annotations

import errno
import itertools
import json
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from threading import Barrier
from typing import TYPE_CHECKING, Protocol

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from markupsafe import escape
from tinydb import TinyDB

from assessor.access import Role
from assessor.answers import AnswerEdit, load_answers, save_answers, unanswered
from assessor.criteria import load_framework
from assessor.organizations import AssessmentRecord
from assessor.storage import files
from assessor.storage.audit_log import AuditFile
from assessor.storage.files import (
    DataFile,
    DataFileError,
    SchemaTooNew,
    atomic_write_bytes,
    encode,
    one_read_per_file,
    put_documents,
    read_tables,
    stored_documents,
)
from assessor.storage.locks import process_lock
from assessor.storage.repositories import TinyAssessmentData
from assessor.storage.staging import STAGING_LOCK, STAGING_PREFIX, staged
from assessor.storage.store import Store
from assessor.team import add_role
from tests.factories import gen_assessment

from .conftest import COORDINATOR

if TYPE_CHECKING:
    pass

NOW = "2026-01-02T03:04:05+00:00"
ENTRIES = "entries"
COUNTER = "counter"
THREADS, SAVES_PER_THREAD = 20, 50
PROCESSES, SAVES_PER_PROCESS = 4, 250
JOIN_TIMEOUT = 60.0
STALLED = "stalled half-way through a write"

# A writer makes `count` separate writes to the data file at `path`, all under its own `key`.
Writer = Callable[[str, str, int], None]
Checker = Callable[[Path, list[str], int], None]


class SupportsWait(Protocol):
    """threading.Barrier, or a multiprocessing one."""

    def wait(self, timeout: float | None = None) -> int: ...


# -- writers (top-level: spawn children import them) ----------------------------------------
def write_entries(path: str, key: str, count: int) -> None:
    """DataFile level: each transaction inserts one entry and bumps a shared counter."""
    data_file = DataFile(Path(path))
    for n in range(count):
        with data_file.transaction() as db:
            db.table(ENTRIES).insert({"key": key, "n": n})
            counter = db.table(COUNTER)
            current = counter.get(doc_id=1)
            if current is None:
                counter.insert({"value": 1})
            else:
                counter.update({"value": current["value"] + 1}, doc_ids=[1])


def save_revisions(path: str, question: str, count: int) -> None:
    """Answers level: a new revision of this writer's own question, based on a fresh load."""
    data_file = DataFile(Path(path))
    for n in range(count):
        data = TinyAssessmentData(data_file.path.parent.name, data_file)
        base = load_answers(data).get(question, unanswered(question)).revision
        result = save_answers(data, [AnswerEdit(question, _text(question, n), base)],
                              now=NOW, user=question)
        assert not result.conflicts, result
        assert [a.revision for a in result.saved] == [n + 1], result


def append_audit_entries(path: str, key: str, count: int) -> None:
    """Audit level: entries appended to the trail beside the file, without any lock."""
    trail = AuditFile(Path(path).parent)
    for n in range(count):
        trail.record(key, "appended", n=n, pad="审" * (n % 700))


def write_when_all_ready(barrier: SupportsWait, writer: Writer, path: str, key: str,
                         count: int) -> None:
    """Start writing only once every writer is ready, so that they really overlap."""
    barrier.wait()
    writer(path, key, count)


def write_until_killed(path: str, done: Connection, stall_at: int | None) -> None:
    """Write as fast as possible, reporting each write once it has returned.

    With `stall_at`, that write stops half-way through its data, and waits to be killed.
    """
    data_file = DataFile(Path(path))
    for n in itertools.count():
        if n == stall_at:
            _stall_inside_os_write(done)
        with data_file.transaction() as db:
            db.table(ENTRIES).insert({"n": n, "pad": "x" * 2000})
        done.send(n)


def _stall_inside_os_write(done: Connection) -> None:
    real_write = os.write

    def write_half_and_wait(fd: int, data: bytes) -> int:
        real_write(fd, bytes(data[: len(data) // 2]))
        done.send(STALLED)
        signal.pause()  # until SIGKILL
        raise AssertionError("not killed")

    os.write = write_half_and_wait


def _text(question: str, n: int) -> str:
    return f"{question}: revision {n + 1} ({'中文' * (n % 3)})"


# -- checkers ---------------------------------------------------------------------------------
def check_entries(path: Path, keys: list[str], count: int) -> None:
    tables = read_tables(path)
    found = sorted((doc["key"], doc["n"]) for doc in tables[ENTRIES].values())
    assert found == sorted(itertools.product(keys, range(count)))
    assert list(tables[COUNTER].values()) == [{"value": len(keys) * count}]


def check_revisions(path: Path, keys: list[str], count: int) -> None:
    answers = load_answers(_data(path))
    assert {q: (answers[q].revision, answers[q].text) for q in keys} == {
        q: (count, _text(q, count - 1)) for q in keys
    }
    assert sum(answers[q].revision for q in keys) == len(keys) * count


def check_audit_entries(path: Path, keys: list[str], count: int) -> None:
    trail = AuditFile(path.parent).read()
    assert trail.unreadable_lines == 0
    appended = [entry for entry in trail.entries if entry.action == "appended"]
    for key in keys:  # each writer's entries whole, in the order it appended them
        assert [e.detail["n"] for e in appended if e.user == key] == list(range(count))
        assert all(e.detail["pad"] == "审" * (e.detail["n"] % 700) for e in appended)


LEVELS = [
    pytest.param(write_entries, check_entries, id="datafile-transactions"),
    pytest.param(save_revisions, check_revisions, id="save_answers"),
    pytest.param(append_audit_entries, check_audit_entries, id="audit-appends"),
]


# -- helpers ----------------------------------------------------------------------------------
@pytest.fixture
def question_ids(framework_path: Path) -> list[str]:
    return [q.id for q in load_framework(framework_path).iter_questions()]


@pytest.fixture
def assessment_path(store: Store, assessment: AssessmentRecord) -> Path:
    return store.assessment_file(assessment.id).path


def _another(store: Store, like: AssessmentRecord, organization: str = "Other Co."
             ) -> AssessmentRecord:
    """Another assessment with the same coordinator (so the `client` may open it)."""
    record = gen_assessment(store, organization, like.cycle, like.framework,
                            "2026-01-03T00:00:00+00:00")
    add_role(store.assessment_data(record.id), COORDINATOR, Role.COORDINATOR)
    return record


def _data(path: Path) -> TinyAssessmentData:
    """The repositories over the data file at `path` (a fresh DataFile: no shared state)."""
    return TinyAssessmentData(path.parent.name, DataFile(path))


def _save(store: Store, record: AssessmentRecord, question: str, text: str) -> None:
    data_file = store.assessment_data(record.id)
    base = load_answers(data_file).get(question, unanswered(question)).revision
    result = save_answers(data_file, [AnswerEdit(question, text, base)], now=NOW)
    assert len(result.saved) == 1
    assert not result.conflicts


def _invoke(app: Flask, runner: FlaskCliRunner, *args: str) -> Result:
    # The data commands are plain click commands added with app.cli.add_command and no
    # @with_appcontext: `flask` pushes an app context for them, the test runner does not
    # (see test_data_commands_run_without_a_pushed_app_context).
    with app.app_context():
        return runner.invoke(args=list(args))


def _folder_names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _spawn(target: Callable[..., None], *args: object) -> multiprocessing.Process:
    process = multiprocessing.get_context("spawn").Process(target=target, args=args)
    process.start()
    return process


def _join(processes: list[multiprocessing.Process]) -> None:
    for process in processes:
        process.join(JOIN_TIMEOUT)
    alive = [p for p in processes if p.is_alive()]
    for process in alive:
        process.kill()
        process.join()
    exit_codes = [p.exitcode for p in processes]
    for process in processes:
        process.close()
    assert not alive, "a writer process hung"
    assert exit_codes == [0] * len(processes)


# -- no lost writes ---------------------------------------------------------------------------
@pytest.mark.parametrize(("writer", "check"), LEVELS)
def test_threads_lose_no_write(assessment_path: Path, question_ids: list[str], writer: Writer,
                               check: Checker) -> None:
    keys = question_ids[:THREADS]
    barrier = Barrier(THREADS, timeout=JOIN_TIMEOUT)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(write_when_all_ready, barrier, writer, str(assessment_path), key,
                               SAVES_PER_THREAD) for key in keys]
        for future in futures:
            future.result(timeout=JOIN_TIMEOUT)
    check(assessment_path, keys, SAVES_PER_THREAD)


@pytest.mark.parametrize(("writer", "check"), LEVELS)
def test_processes_lose_no_write(assessment_path: Path, question_ids: list[str], writer: Writer,
                                 check: Checker) -> None:
    keys = question_ids[-PROCESSES:]
    barrier = multiprocessing.get_context("spawn").Barrier(PROCESSES, timeout=JOIN_TIMEOUT)
    _join([_spawn(write_when_all_ready, barrier, writer, str(assessment_path), key,
                  SAVES_PER_PROCESS) for key in keys])
    check(assessment_path, keys, SAVES_PER_PROCESS)


# -- crashes and failed writes ----------------------------------------------------------------
def _received_until_closed(connection: Connection) -> Iterator[int]:
    while True:
        try:
            yield connection.recv()
        except EOFError:
            return


@pytest.mark.parametrize(("kill_after", "stall"), [
    pytest.param(1, False, id="free-running-first-writes"),
    pytest.param(40, False, id="free-running"),
    # Deterministic: the kill lands while the temporary file is half written.
    pytest.param(40, True, id="stalled-half-way"),
])
def test_sigkill_mid_write_loses_no_returned_write(tmp_path: Path, kill_after: int,
                                                   stall: bool) -> None:
    path = tmp_path / "killed.json"
    received, sender = multiprocessing.get_context("spawn").Pipe(duplex=False)
    with received:
        with sender:
            process = _spawn(write_until_killed, str(path), sender, kill_after if stall else None)
        reported = [received.recv() for _ in range(kill_after)]
        if stall:
            assert received.recv() == STALLED
        os.kill(process.pid, signal.SIGKILL)
        process.join(JOIN_TIMEOUT)
        assert process.exitcode == -signal.SIGKILL
        process.close()
        reported.extend(_received_until_closed(received))

    assert reported == list(range(len(reported)))
    stored = sorted(doc["n"] for doc in read_tables(path)[ENTRIES].values())
    # Every reported write is there; at most the one in flight when killed was also completed.
    assert stored[: len(reported)] == reported
    assert len(stored) - len(reported) in ((0,) if stall else (0, 1))
    if stall:  # the half-written temporary file is left over, and ignored
        assert _folder_names(tmp_path) - {path.name, f"{path.name}.lock"}
    # The killed writer's lock died with it: nobody holds it, the file takes new writes.
    with process_lock(f"{path}.lock", wait=False):
        pass
    with DataFile(path).transaction() as db:
        db.table(ENTRIES).insert({"n": -1})
    assert len(DataFile(path).read().table(ENTRIES)) == len(stored) + 1


def _half_then_enospc(real_write: Callable[[int, bytes], int], calls: list[int]
                      ) -> Callable[[int, bytes], int]:
    """An os.write that lets the first chunk through, then writes half of one and fails."""

    def write(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, data)
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    return write


def test_write_failing_half_way_keeps_the_previous_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    path = tmp_path / "full-disk.json"
    data_file = DataFile(path)
    with data_file.transaction() as db:
        db.table(ENTRIES).insert({"n": 0})
    before = path.read_bytes()
    names_before = _folder_names(tmp_path)

    calls: list[int] = []
    monkeypatch.setattr(files.os, "write", _half_then_enospc(os.write, calls))
    big = "x" * (3 * files._WRITE_CHUNK)  # several chunks: the failure comes after some bytes
    with pytest.raises(OSError) as raised, data_file.transaction() as db:
        db.table(ENTRIES).insert({"n": 1, "big": big})
    monkeypatch.undo()

    assert raised.value.errno == errno.ENOSPC
    assert len(calls) == 2, "the write did not go through os.write in chunks"
    assert path.read_bytes() == before
    assert read_tables(path) == json.loads(before)
    assert _folder_names(tmp_path) == names_before  # no stray temporary file
    with data_file.transaction() as db:  # and the lock was released
        db.table(ENTRIES).insert({"n": 2})
    assert [d["n"] for d in data_file.read().table(ENTRIES)] == [0, 2]


def test_failing_transaction_block_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "aborted.json"
    data_file = DataFile(path)
    with data_file.transaction() as db:
        db.table(ENTRIES).insert({"n": 0})
    before = path.read_bytes()
    with pytest.raises(RuntimeError, match="abort"), data_file.transaction() as db:
        db.table(ENTRIES).insert({"n": 1})
        raise RuntimeError("abort")
    assert path.read_bytes() == before


# -- corrupt and too-new files ----------------------------------------------------------------
CORRUPTIONS = [
    pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated-json"),
    pytest.param(lambda raw: b"", id="empty"),
    pytest.param(lambda raw: b"[1, 2, 3]", id="json-list"),
    pytest.param(lambda raw: b'"just a string"', id="json-string"),
    pytest.param(lambda raw: b'{"answers": [1, 2]}', id="table-not-a-dict"),
    pytest.param(lambda raw: b"\xff\xfe\x00garbage", id="not-utf8"),
    pytest.param(lambda raw: b'{"answers": {"1": 5}}', id="document-not-a-dict"),
    pytest.param(lambda raw: b'{"meta": {"1": {"schema": "two"}}}', id="schema-not-a-number"),
]


PAGES = ["", "profile", "answers"]  # overview, a page of questions, the answers


@pytest.mark.parametrize("corrupt", CORRUPTIONS)
def test_corrupt_file_is_reported_and_other_assessments_keep_working(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient, store: Store,
    assessment: AssessmentRecord, question_ids: list[str], corrupt: Callable[[bytes], bytes],
) -> None:
    broken = _another(store, assessment, "Broken Co.")
    _save(store, broken, question_ids[0], "soon lost")
    broken_path = store.assessment_file(broken.id).path
    broken_path.write_bytes(corrupt(broken_path.read_bytes()))
    damaged = broken_path.read_bytes()

    problems = {check.path: check.problem for check in store.check()}
    assert problems.pop(broken_path)
    assert all(problem is None for problem in problems.values()), problems
    assert store.assessment_file(assessment.id).path in problems

    result = _invoke(app, runner, "check-data")
    assert result.exit_code == 1
    assert str(broken_path) in result.output
    assert str(store.assessment_file(assessment.id).path) not in result.output

    # The healthy assessment loads and saves; the broken file is refused, never overwritten.
    _save(store, assessment, question_ids[0], "still working")
    assert load_answers(store.assessment_data(assessment.id))[question_ids[0]].revision == 1
    with pytest.raises(DataFileError):
        save_answers(store.assessment_data(broken.id),
                     [AnswerEdit(question_ids[1], "new", 0)], now=NOW)
    assert broken_path.read_bytes() == damaged

    problem = str(escape(_problem_of(broken_path)))
    for page in PAGES:
        assert client.get(f"/a/{assessment.id}/{page}").status_code == 200
        response = client.get(f"/a/{broken.id}/{page}")
        assert response.status_code == 500
        body = response.get_data(as_text=True)
        assert problem in body
        assert "Traceback" not in body


def test_malformed_answer_is_reported_by_check_data_and_pages(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient, store: Store,
    assessment: AssessmentRecord,
) -> None:
    path = store.assessment_file(assessment.id).path
    tables = json.loads(path.read_bytes())
    tables["answers"] = {"1": {"text": "an answer that lost its question"}}
    path.write_text(json.dumps(tables))

    result = _invoke(app, runner, "check-data")
    assert result.exit_code == 1
    assert f"{path}: answer document 1 is malformed" in result.output
    response = client.get(f"/a/{assessment.id}/")
    assert response.status_code == 500
    assert "answer document 1 is malformed" in response.get_data(as_text=True)


def _problem_of(path: Path) -> str:
    with pytest.raises(DataFileError) as raised:
        read_tables(path)
    return raised.value.reason


def test_home_page_lists_assessments_when_one_file_is_corrupt(
    client: FlaskClient, store: Store, assessment: AssessmentRecord,
    sign_in: Callable[..., FlaskClient],
) -> None:
    broken = _another(store, assessment, "Broken Co.")
    store.assessment_file(broken.id).path.write_bytes(b"")
    page = client.get("/")
    assert page.status_code == 200
    assert assessment.organization in page.get_data(as_text=True)
    assert "Broken Co." not in page.get_data(as_text=True)  # who may see it is unreadable
    admin_page = sign_in("admin", is_admin=True).get("/").get_data(as_text=True)
    assert "Broken Co." in admin_page and "data file unreadable" in admin_page


def _enter_transaction(path: Path) -> None:
    with DataFile(path).transaction():
        pass


NEWER_SCHEMA_USES: list[Callable[[Path], object]] = [
    read_tables,
    lambda path: DataFile(path).read(),
    _enter_transaction,
    lambda path: load_answers(_data(path)),
    lambda path: save_answers(_data(path), [AnswerEdit("P.1.a", "text", 0)], now=NOW),
]


@pytest.mark.parametrize("use", NEWER_SCHEMA_USES,
                         ids=["read_tables", "read", "transaction", "load", "save"])
def test_newer_schema_is_refused(tmp_path: Path, use: Callable[[Path], object]) -> None:
    path = tmp_path / "future.json"
    path.write_text(json.dumps({"meta": {"1": {"schema": 99}}, "answers": {}}))
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew, match=r"(?i)upgrade") as raised:
        use(path)
    assert "99" in str(raised.value)
    assert str(path) in str(raised.value)
    assert path.read_bytes() == before


def test_check_names_a_newer_schema_file(store: Store, assessment: AssessmentRecord) -> None:
    path = store.assessment_file(assessment.id).path
    path.write_text(json.dumps({"meta": {"1": {"schema": 99}}}))
    problems = {check.path: check.problem for check in store.check() if check.problem}
    assert list(problems) == [path]
    assert "upgrade" in problems[path].lower()


# -- backup -----------------------------------------------------------------------------------
@pytest.mark.parametrize("prepare", [lambda d: None, lambda d: d.mkdir()], ids=["new", "empty"])
def test_backup_copies_every_data_file(
    app: Flask, runner: FlaskCliRunner, store: Store, assessment: AssessmentRecord,
    question_ids: list[str], tmp_path: Path, prepare: Callable[[Path], None],
) -> None:
    other = _another(store, assessment)
    _save(store, assessment, question_ids[0], "first")
    _save(store, other, question_ids[1], "二")
    trail = store.assessment_data(assessment.id).audit
    trail.record(COORDINATOR, "answers_saved", questions=[question_ids[0]])
    destination = tmp_path / "backup"
    prepare(destination)

    result = _invoke(app, runner, "backup", str(destination))
    assert result.exit_code == 0, result.output

    originals = [f.path for f in store.data_files()]
    assert len(originals) == 4  # the index, the users, two assessments
    organization_trails = sorted(store.root.glob("organizations/*/audit.jsonl"))
    assert organization_trails  # the organization's own trail (its creation) is kept too
    copies = sorted(p for p in destination.rglob("*") if p.is_file())
    assert copies == sorted(destination / p.relative_to(store.root)
                            for p in [*originals, trail.path, *organization_trails])
    assert (destination / trail.path.relative_to(store.root)).read_bytes() == \
        trail.path.read_bytes()
    for original in originals:
        assert read_tables(destination / original.relative_to(store.root)) == \
            read_tables(original)
    restored = Store(destination)
    assert restored.assessments.all() == store.assessments.all()
    for record in (assessment, other):
        assert load_answers(restored.assessment_data(record.id)) == \
            load_answers(store.assessment_data(record.id))


def test_backup_refuses_a_non_empty_destination(
    app: Flask, runner: FlaskCliRunner, assessment: AssessmentRecord, tmp_path: Path,
) -> None:
    destination = tmp_path / "backup"
    destination.mkdir()
    (destination / "keep.txt").write_text("mine")
    result = _invoke(app, runner, "backup", str(destination))
    assert result.exit_code != 0
    assert "not empty" in result.output
    assert _folder_names(destination) == {"keep.txt"}
    assert (destination / "keep.txt").read_text() == "mine"


def test_data_commands_run_without_a_pushed_app_context(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["check-data"])
    assert result.exit_code == 0, result.output


# -- isolation and read-only snapshots --------------------------------------------------------
def _identity(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def test_a_write_rewrites_only_its_own_file(
    store: Store, assessment: AssessmentRecord, question_ids: list[str],
) -> None:
    _save(store, _another(store, assessment), question_ids[0], "other's answer")
    before = {f.path: _identity(f.path) for f in store.data_files()}
    _save(store, assessment, question_ids[0], "mine")
    after = {f.path: _identity(f.path) for f in store.data_files()}
    assert {p for p in before if before[p] != after[p]} == \
        {store.assessment_file(assessment.id).path}


SNAPSHOT_WRITES: dict[str, Callable[[TinyDB], object]] = {
    "insert": lambda db: db.table("answers").insert({
        "question": "P.1.b", "text": "phantom", "revision": 1, "updated_at": NOW}),
    "update": lambda db: db.table("answers").update({"text": "phantom"}),
    "remove": lambda db: db.table("answers").remove(doc_ids=[1]),
    "truncate": lambda db: db.table("answers").truncate(),
    "drop_tables": lambda db: db.drop_tables(),
}
SNAPSHOT_WRITE_PARAMS = [pytest.param(write, id=name) for name, write in SNAPSHOT_WRITES.items()]


@pytest.fixture
def answered_file(store: Store, assessment: AssessmentRecord, question_ids: list[str]
                  ) -> DataFile:
    _save(store, assessment, question_ids[0], "stored")
    return store.assessment_file(assessment.id)


@pytest.mark.parametrize("write", SNAPSHOT_WRITE_PARAMS)
def test_read_snapshot_is_read_only(answered_file: DataFile, write: Callable[[TinyDB], object]
                                    ) -> None:
    before = answered_file.path.read_bytes()
    with pytest.raises(PermissionError, match="read-only"):
        write(answered_file.read())
    assert answered_file.path.read_bytes() == before


@pytest.mark.parametrize("write", SNAPSHOT_WRITE_PARAMS)
def test_refused_snapshot_write_leaves_no_trace(answered_file: DataFile,
                                                write: Callable[[TinyDB], object]) -> None:
    answers = load_answers(_data(answered_file.path))
    with pytest.raises(PermissionError):
        write(answered_file.read())
    assert load_answers(_data(answered_file.path)) == answers
    with answered_file.transaction() as db:  # an unrelated change, saved
        db.table(ENTRIES).insert({"n": 0})
    assert load_answers(_data(answered_file.path)) == answers


def test_a_trail_copied_during_an_append_leaves_the_unfinished_line_out(
        tmp_path: Path) -> None:
    trail = AuditFile(tmp_path)
    trail.record("ann", "first")
    with trail.path.open("ab") as file:  # an append half-way through, as another process's
        file.write(b'{"at": "2026-01-01T00:00:00Z", "user": "bo')
    copy = trail.copy_to(tmp_path / "copy.jsonl")
    assert copy.read_bytes() == trail.path.read_bytes().rsplit(b"\n", 1)[0] + b"\n"
    copied = AuditFile(tmp_path)
    copied.path = copy
    assert [entry.action for entry in copied.read().entries] == ["first"]
    assert copied.read().unreadable_lines == 0


def test_put_documents_leaves_the_shared_parse_as_it_was(tmp_path: Path) -> None:
    """A transaction starts on the parse every reader shares: documents put into it, and TinyDB
    edits after them, change the file when the transaction ends well and nothing that others
    hold, ended well or not."""
    data_file = DataFile(tmp_path / "assessment.json")
    with data_file.transaction() as db:
        db.table(ENTRIES).insert_multiple([{"n": 1}, {"n": 2}])
        db.table("other").insert({"kept": True})
    shared = read_tables(data_file.path)
    as_read = json.loads(json.dumps(shared))

    with pytest.raises(RuntimeError), data_file.transaction() as db:
        put_documents(db, ENTRIES, {"1": {"n": 10}, "3": {"n": 3}})
        db.table(ENTRIES).update({"n": 20}, doc_ids=[2])  # TinyDB edits in place
        db.table("other").update({"kept": False}, doc_ids=[1])
        raise RuntimeError("abandoned")
    assert shared == as_read and read_tables(data_file.path) == as_read

    with data_file.transaction() as db:
        put_documents(db, ENTRIES, {"1": {"n": 10}, "3": {"n": 3}})
        assert dict(stored_documents(db, ENTRIES)["1"]) == {"n": 10}
    assert shared == as_read  # what others hold is the version they read
    written = json.loads(data_file.path.read_bytes())
    assert written[ENTRIES] == {"1": {"n": 10}, "2": {"n": 2}, "3": {"n": 3}}
    assert written["other"] == as_read["other"] and written["meta"] == as_read["meta"]
    assert read_tables(data_file.path) == written


def test_files_are_written_as_the_standard_library_writes_them(tmp_path: Path) -> None:
    """Compact UTF-8 JSON, byte for byte what json.dumps wrote in earlier releases: a folder
    stays readable by them and by anyone's tools."""
    tables = {"answers": {"1": {"question": "4.1.2.a", "text": "第1条：每月评审，记录措施。\n- ok",
                                "revision": 3, "score": 42.5, "carried_over_from": None,
                                "sources": ["K1", "K2"], "flags": {"done": True}}},
              "meta": {"1": {"schema": files.SCHEMA_VERSION}}}
    data_file = DataFile(tmp_path / "assessment.json")
    with data_file.transaction() as db:
        db.table("answers").insert(tables["answers"]["1"])
    written = data_file.path.read_bytes()
    assert written == json.dumps(tables, ensure_ascii=False, separators=(",", ":")).encode()
    assert "第1条".encode() in written


def test_a_file_holding_what_only_the_standard_library_writes_is_still_read(
        tmp_path: Path) -> None:
    """json.dumps writes NaN and Infinity, which strict JSON readers refuse: a file of an
    earlier release holding them is read, not reported corrupt."""
    path = tmp_path / "assessment.json"
    path.write_text(json.dumps({"values": {"1": {"value": float("nan"), "top": float("inf")}}}))
    document = read_tables(path)["values"]["1"]
    assert document["value"] != document["value"] and document["top"] == float("inf")


def test_one_read_per_file_gives_one_version_and_sees_its_own_writes(tmp_path: Path) -> None:
    data_file = DataFile(tmp_path / "assessment.json")
    with data_file.transaction() as db:
        db.table(ENTRIES).insert({"n": 1})
    with one_read_per_file():
        assert len(data_file.read().table(ENTRIES)) == 1
        # Another process replaces the file: this request keeps the version it saw...
        other = read_tables(data_file.path) | {ENTRIES: {"1": {"n": 1}, "2": {"n": 2}}}
        atomic_write_bytes(data_file.path, encode(other))
        assert len(data_file.read().table(ENTRIES)) == 1
        # ...but a write reads afresh under its lock, and the reads after it see that write.
        with data_file.transaction() as db:
            db.table(ENTRIES).insert({"n": 3})
        assert len(data_file.read().table(ENTRIES)) == 3
    assert len(DataFile(data_file.path).read().table(ENTRIES)) == 3


# -- staging: many records at once (the demo), few fsyncs, all or nothing -----------------------

def test_unsynced_writes_hold_for_their_folder_their_thread_and_their_block_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    monkeypatch.setattr(files, "sync_data", synced.append)
    monkeypatch.setattr("assessor.storage.audit_log.sync_data", synced.append)
    staging, other = tmp_path / "staging", tmp_path / "other"
    staging.mkdir()
    other.mkdir()
    with files.unsynced_writes(staging):
        atomic_write_bytes(staging / "a.json", b"{}")
        AuditFile(staging).record("someone", "something")
        assert synced == []
        atomic_write_bytes(other / "a.json", b"{}")
        AuditFile(other).record("someone", "something")
        assert len(synced) == 2
        with ThreadPoolExecutor(1) as pool:  # a server's request thread, say
            pool.submit(atomic_write_bytes, staging / "b.json", b"{}").result()
        assert len(synced) == 3
    atomic_write_bytes(staging / "c.json", b"{}")
    AuditFile(staging).record("someone", "something")
    assert len(synced) == 5


def test_staged_records_appear_together_when_the_block_ends(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    existing = gen_assessment(store)
    with staged(store) as staging:
        record = gen_assessment(staging, "Staged Works Ltd.")
        add_role(staging.assessment_data(record.id), COORDINATOR, Role.COORDINATOR)
        assert [r.id for r in store.assessments.all()] == [existing.id]
        assert not (store.root / "assessments" / record.id).exists()
    assert {r.id for r in store.assessments.all()} == {existing.id, record.id}
    assert store.assessments.get(record.id).organization == "Staged Works Ltd."
    assert store.assessment_data(record.id).team.members()[COORDINATOR].roles == {Role.COORDINATOR}
    assert not list(store.root.glob(f"{STAGING_PREFIX}*"))
    assert all(check.problem is None for check in store.check())


def test_a_staging_refused_at_the_index_leaves_the_store_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "data")
    existing = gen_assessment(store)
    folders = sorted((store.root / "assessments").iterdir())

    def disk_full(*args: object) -> None:
        raise files.StorageUnavailable(store.index.path, OSError(errno.ENOSPC, "disk full"))

    monkeypatch.setattr("assessor.storage.staging._merge_index", disk_full)
    with pytest.raises(files.StorageUnavailable), staged(store) as staging:
        gen_assessment(staging, "Staged Works Ltd.")
    assert [r.id for r in store.assessments.all()] == [existing.id]
    assert sorted((store.root / "assessments").iterdir()) == folders
    assert not list(store.root.glob(f"{STAGING_PREFIX}*"))


def test_the_next_store_removes_what_a_crashed_staging_left_and_spares_a_live_one(
        tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    listed = gen_assessment(store)
    crashed = store.root / f"{STAGING_PREFIX}crashed"
    (crashed / "assessments").mkdir(parents=True)
    orphan = store.root / "assessments" / "0123456789ab"  # moved in, never in the index
    orphan.mkdir()
    (orphan / "assessment.json").write_bytes(encode({}))
    (crashed / "moving.json").write_bytes(encode([["assessments", orphan.name],
                                                  ["assessments", listed.id]]))
    with process_lock(store.root / STAGING_LOCK):  # a staging under way in another process
        Store(store.root)
        assert crashed.exists() and orphan.exists()
    Store(store.root)
    assert not crashed.exists() and not orphan.exists()
    assert [r.id for r in Store(store.root).assessments.all()] == [listed.id]
    assert (store.root / "assessments" / listed.id / "assessment.json").exists()
