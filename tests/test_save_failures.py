"""Text typed by a person survives a server that cannot write (issue 12, section 1).

A full disk (ENOSPC), a read-only data folder (EROFS) or any other I/O error during a save gives
the page back with the text as posted, a message in the reader's language, HTTP 503 and the error
in the log; the data file on disk stays whole. A change stored whose audit entry could not be
written is reported as saved, with a warning. (Signed out while typing: test_browser_drafts.py.)
"""

from __future__ import annotations

import errno
import html
import logging
import os
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessor.access import Phase, Role
from assessor.answers import AnswerEdit, load_answers, save_answers
from assessor.consensus import consensus_records
from assessor.key_factors import key_factors, save_key_factors
from assessor.organizations import AssessmentRecord
from assessor.phases import move_to
from assessor.review import Review, review_of, submit
from assessor.settings import load_settings
from assessor.storage import audit_log, files
from assessor.storage.audit_log import AuditFile
from assessor.storage.files import AuditUnavailable, DataFile, StorageUnavailable
from assessor.storage.store import Store
from assessor.users import Users

ITEM = "4.1.2"
QUESTION = "4.1.2.a"
TYPED = "Our leaders <review> the plan & the budget every quarter — 每季度评审。"
NOW = "2026-03-01T09:00:00+00:00"
NOT_STORED = {
    "en": "Nothing was saved: the server could not store your text",
    "zh-CN": "未保存任何内容：服务器无法存储您的文字",
}
AUDIT_MISSED = {
    "en": "Your change is saved, but the audit trail could not record it",
    "zh-CN": "您的修改已保存，但审核记录未能写入",
}


def fail_with(code: int) -> Callable[..., None]:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))
    return fail


@pytest.fixture(params=["disk full while writing", "disk full at fsync", "read-only folder",
                        "read-only lock file", "I/O error on rename"])
def break_disk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
               ) -> Callable[[], None]:
    """break_disk() -> every atomic write from now on fails, at the step a real disk would."""

    def break_disk() -> None:
        if request.param == "disk full while writing":
            monkeypatch.setattr(files, "_write_all", fail_with(errno.ENOSPC))
        elif request.param == "disk full at fsync":
            monkeypatch.setattr(files, "sync_data", fail_with(errno.ENOSPC))
        elif request.param == "read-only folder":  # no temporary file can be created
            monkeypatch.setattr(files, "tempfile",
                                SimpleNamespace(mkstemp=fail_with(errno.EROFS)))
        elif request.param == "read-only lock file":
            monkeypatch.setattr(files, "process_lock", fail_with(errno.EROFS))
        else:
            monkeypatch.setattr(files.os, "replace", fail_with(errno.EIO))

    return break_disk


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def leftovers(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


# -- storage ----------------------------------------------------------------------------------

def test_a_failed_write_raises_storage_unavailable_and_leaves_the_file_whole(
        tmp_path: Path, break_disk: Callable[[], None]) -> None:
    data_file = DataFile(tmp_path / "data.json")
    path = tmp_path / "data.json"
    path.write_bytes(b'{"things":{"1":{"text":"old"}}}')  # written before the disk broke
    before = path.read_bytes()
    break_disk()

    with pytest.raises(StorageUnavailable) as raised, data_file.transaction() as db:
        db.table("things").insert({"text": "new"})

    assert raised.value.path == path
    assert isinstance(raised.value.error, OSError)
    assert path.read_bytes() == before
    assert [doc["text"] for doc in data_file.documents("things")] == ["old"]
    assert leftovers(tmp_path) == []


# -- the answer page --------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_answer_page_gives_the_text_back_with_503(
        client: FlaskClient, assessment: AssessmentRecord, store: Store,
        break_disk: Callable[[], None], language: str, caplog: pytest.LogCaptureFixture) -> None:
    data = store.assessment_data(assessment.id)
    save_answers(data, [AnswerEdit(QUESTION, "First version", 0)], now=NOW, user="quality")
    path = data.path
    before = path.read_bytes()
    trail = AuditFile(path.parent).read().entries
    break_disk()

    with caplog.at_level(logging.ERROR):
        response = client.post(f"/a/{assessment.id}/items/{ITEM}",
                                headers={"Accept-Language": language},
                                data={"answer_4_1_2_a": TYPED, "revision_4_1_2_a": "1"})

    assert response.status_code == 503
    page = page_text(response)
    assert NOT_STORED[language] in page
    assert TYPED in page  # in its box, as typed
    assert 'name="revision_4_1_2_a" type="hidden" value="1"' in response.get_data(as_text=True)
    assert path.read_bytes() == before
    assert load_answers(data)[QUESTION].text == "First version"
    assert AuditFile(path.parent).read().entries == trail  # nothing recorded as done
    assert leftovers(path.parent) == []
    assert any(record.exc_info and str(path) in record.getMessage()
               for record in caplog.records)


def test_profile_page_gives_the_text_back_too(
        client: FlaskClient, assessment: AssessmentRecord,
        break_disk: Callable[[], None]) -> None:
    break_disk()
    response = client.post(f"/a/{assessment.id}/profile", data={"answer_P_1_a": TYPED,
                                                                 "revision_P_1_a": "0"})
    assert response.status_code == 503
    assert NOT_STORED["en"] in page_text(response)


def test_after_the_disk_recovers_the_same_post_saves(
        client: FlaskClient, assessment: AssessmentRecord, store: Store,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "_write_all", fail_with(errno.ENOSPC))
    form = {"answer_4_1_2_a": TYPED, "revision_4_1_2_a": "0"}
    assert client.post(f"/a/{assessment.id}/items/{ITEM}", data=form).status_code == 503
    monkeypatch.undo()
    assert client.post(f"/a/{assessment.id}/items/{ITEM}", data=form).status_code == 302
    assert load_answers(store.assessment_data(assessment.id))[QUESTION].text == TYPED


# -- review, consensus, key factors -------------------------------------------------------------

@pytest.fixture
def in_review(assessment: AssessmentRecord, store: Store,
              add_member: Callable[..., None]) -> AssessmentRecord:
    add_member(assessment, "ann", Role.EXAMINER, (ITEM,))
    data = store.assessment_data(assessment.id)
    save_key_factors(data, {}, ["Export markets"])
    move_to(data, Phase.REVIEW)
    return assessment


@pytest.mark.parametrize("action", ["save_draft", "submit_entry"])
def test_review_entry_gives_the_text_back_with_503(
        sign_in: Callable[..., FlaskClient], in_review: AssessmentRecord, store: Store,
        break_disk: Callable[[], None], action: str) -> None:
    ann = sign_in("ann")
    break_disk()
    response = ann.post(f"/a/{in_review.id}/review/items/{ITEM}", data={
        "score": "55", "note_approach": TYPED, "note_deployment": "", "note_learning": "",
        "note_integration": "", "strengths": "Monthly reviews #K1", "ofis": "Few trends",
        action: "1"})
    assert response.status_code == 503
    page = page_text(response)
    assert NOT_STORED["en"] in page
    assert TYPED in page and "Monthly reviews #K1" in page and "Few trends" in page
    assert review_of(store.assessment_data(in_review.id), ITEM, "ann").score is None


def test_consensus_gives_the_text_back_with_503(
        client: FlaskClient, in_review: AssessmentRecord, store: Store,
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = store.assessment_data(in_review.id)
    submit(data, Review(item=ITEM, examiner="ann", score=50), 5, NOW)
    move_to(data, Phase.CONSENSUS)
    monkeypatch.setattr(files, "_write_all", fail_with(errno.ENOSPC))
    response = client.post(f"/a/{in_review.id}/consensus/items/{ITEM}", data={
        "score": "55", "rationale": TYPED, "strengths": "Clear mission #K1", "ofis": ""})
    assert response.status_code == 503
    page = page_text(response)
    assert NOT_STORED["en"] in page
    assert TYPED in page and "Clear mission #K1" in page
    assert consensus_records(data) == {}


def test_key_factors_give_the_text_back_with_503(
        client: FlaskClient, in_review: AssessmentRecord, store: Store,
        break_disk: Callable[[], None]) -> None:
    factor = key_factors(store.assessment_data(in_review.id))[0]
    break_disk()
    response = client.post(f"/a/{in_review.id}/team/key-factors", data={
        factor.id: "Export markets in Asia", "new_1": "Skilled & loyal workforce", "new_2": ""})
    assert response.status_code == 503
    page = page_text(response)
    assert NOT_STORED["en"] in page
    assert "Export markets in Asia" in page and "Skilled & loyal workforce" in page
    assert [f.text for f in key_factors(store.assessment_data(in_review.id))] == [
        "Export markets"]


def test_other_forms_answer_503_with_the_reason(
        client: FlaskClient, assessment: AssessmentRecord, break_disk: Callable[[], None],
        caplog: pytest.LogCaptureFixture) -> None:
    break_disk()
    with caplog.at_level(logging.ERROR):
        response = client.post(f"/a/{assessment.id}/team/settings", data={
            "variance_threshold": "20"})
    assert response.status_code == 503
    page = page_text(response)
    assert "Nothing was saved" in page and "copy it somewhere safe" in page
    assert any(record.exc_info for record in caplog.records)


def test_a_form_not_shown_again_gives_back_what_was_typed_but_no_password(
        sign_in: Callable[..., FlaskClient], break_disk: Callable[[], None]) -> None:
    admin = sign_in("boss", is_admin=True)
    break_disk()
    response = admin.post("/organizations/new", data={"name": "Harbour 食品 <Co>"})
    assert response.status_code == 503
    assert "<textarea readonly" in response.get_data(as_text=True)
    assert "Harbour 食品 &lt;Co&gt;" in response.get_data(as_text=True)
    response = admin.post("/admin/users", data={
        "username": "newcomer", "display_name": "New Comer", "password": "secret password 1",
        "confirm": "secret password 1"})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "New Comer" in page and "secret password 1" not in page


# -- the audit trail ------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_a_save_whose_audit_entry_failed_is_reported_saved(
        client: FlaskClient, assessment: AssessmentRecord, store: Store,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        language: str) -> None:
    monkeypatch.setattr(audit_log, "sync_data", fail_with(errno.ENOSPC))
    with caplog.at_level(logging.ERROR):
        response = client.post(f"/a/{assessment.id}/items/{ITEM}",
                               headers={"Accept-Language": language},
                               data={"answer_4_1_2_a": TYPED, "revision_4_1_2_a": "0"})
    assert response.status_code == 302  # saved: never reported as a failure
    assert load_answers(store.assessment_data(assessment.id))[QUESTION].text == TYPED
    page = page_text(client.get(response.headers["Location"],
                                headers={"Accept-Language": language}))
    assert AUDIT_MISSED[language] in page
    assert ("Saved 1 answer." if language == "en" else "已保存 1 条回答") in page
    assert any("audit" in record.getMessage() and record.exc_info
               for record in caplog.records)


def test_an_audit_append_that_fails_raises_audit_unavailable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trail = AuditFile(tmp_path)
    trail.record("ann", "first")
    monkeypatch.setattr(audit_log, "sync_data", fail_with(errno.ENOSPC))
    with pytest.raises(AuditUnavailable) as raised:
        trail.record("ann", "second")
    assert raised.value.path == trail.path
    monkeypatch.undo()
    assert trail.read().entries[0].action == "first"


def test_any_other_page_whose_audit_entry_failed_says_saved(
        client: FlaskClient, assessment: AssessmentRecord, store: Store,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_log, "sync_data", fail_with(errno.ENOSPC))
    response = client.post(f"/a/{assessment.id}/team/settings", data={
        "variance_threshold": "25"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/a/{assessment.id}/team/settings"
    assert load_settings(store.assessment_data(assessment.id)).variance_threshold == 25
    page = page_text(client.get(response.headers["Location"]))
    assert AUDIT_MISSED["en"] in page


def test_a_review_draft_whose_audit_entry_failed_is_saved(
        sign_in: Callable[..., FlaskClient], in_review: AssessmentRecord, store: Store,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_log, "os", SimpleNamespace(  # the trail's folder is read-only
        **{name: getattr(os, name) for name in dir(os) if name.startswith("O_")},
        open=fail_with(errno.EROFS)))
    ann = sign_in("ann")
    response = ann.post(f"/a/{in_review.id}/review/items/{ITEM}", data={
        "score": "55", "note_approach": TYPED, "strengths": "", "ofis": "",
        "save_draft": "1"}, follow_redirects=True)
    assert response.status_code == 200
    assert AUDIT_MISSED["en"] in page_text(response)
    assert review_of(store.assessment_data(in_review.id), ITEM, "ann").score == 55


# -- drafts kept in the browser (static/app.js; driven in tests/test_browser_drafts.py) -----------

@pytest.mark.parametrize(("language", "restored"), [
    ("en", "Restored from this browser, not yet saved"), ("zh-CN", "已从本浏览器恢复，尚未保存")])
def test_pages_name_the_drafts_owner_and_word_the_notes(
        client: FlaskClient, assessment: AssessmentRecord, language: str, restored: str) -> None:
    page = page_text(client.get(f"/a/{assessment.id}/items/{ITEM}",
                                headers={"Accept-Language": language}))
    assert 'data-user="quality"' in page  # drafts are kept per user
    assert restored in page and "{time}" in page


def test_the_sign_in_page_names_no_owner(app: Flask) -> None:
    page = page_text(app.test_client().get("/login"))
    assert "data-user=" not in page
    assert "kept in this browser" in page


def test_a_post_only_page_whose_audit_entry_failed_goes_back_to_its_form(
        client: FlaskClient, assessment: AssessmentRecord, store: Store,
        users: Users, monkeypatch: pytest.MonkeyPatch) -> None:
    users.create("wendy", "Wendy", "a long password 1")
    monkeypatch.setattr(audit_log, "sync_data", fail_with(errno.ENOSPC))
    team_page = f"/a/{assessment.id}/team/"
    response = client.post(f"/a/{assessment.id}/team/members",
                           data={"username": "wendy", "role": "writer"},
                           headers={"Referer": f"http://localhost{team_page}"})
    assert response.status_code == 302
    assert response.headers["Location"] == team_page
    assert "wendy" in store.assessment_data(assessment.id).team.members()
    assert AUDIT_MISSED["en"] in page_text(client.get(team_page))


def test_a_folder_that_cannot_be_made_answers_503_too(
        sign_in: Callable[..., FlaskClient], store: Store, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    admin = sign_in("boss", is_admin=True)
    make_folder = Path.mkdir

    def read_only_organizations(folder: Path, *args: object, **kwargs: object) -> None:
        if folder.parent.name == "organizations":  # a new organization's folder (its trail)
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(folder))
        make_folder(folder, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", read_only_organizations)
    with caplog.at_level(logging.ERROR):
        response = admin.post("/assessments/new", data={
            "organization": "new", "new_organization": "Harbour Foods", "cycle": "2027",
            "framework": "gbt19580-2012.yaml"})
    assert response.status_code == 503
    assert "could not store what you sent, or not all of it" in page_text(response)
    assert any(record.exc_info for record in caplog.records)
