"""Accounts people can manage (issue 12, §3 and §4): one's own password, an administrator's reset,
disabled accounts; confirmation before a phase move or a role removal; 404 for an item the
criteria do not have; leftover temporary files in check-data."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from assessor.access import Phase, Role
from assessor.organizations import AssessmentRecord
from assessor.phases import current_phase, move_to
from assessor.storage.store import Store
from assessor.team import members
from assessor.users import UserError, Users

from .conftest import COORDINATOR, PASSWORD, sign_in_client

NEW = "a brand new password"
TEMPORARY = "a temporary password"
ZH = {"Accept-Language": "zh-CN"}


def text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def signed_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


# -- the domain -------------------------------------------------------------------------------
def test_changing_ones_password_needs_the_current_one_and_ends_other_sessions(
        users: Users) -> None:
    users.create("wang", "Wang", PASSWORD)
    epoch = users.get("wang").session_epoch
    for current, new, code in ((NEW, "another long password", "wrong_password"),
                               (PASSWORD, "short", "short_password"),
                               (PASSWORD, PASSWORD, "same_password")):
        with pytest.raises(UserError) as refused:
            users.change_password("wang", current, new)
        assert refused.value.code == code
    assert users.get("wang").session_epoch == epoch  # refusals change nothing
    changed = users.change_password("wang", PASSWORD, NEW)
    assert changed.session_epoch == epoch + 1
    assert users.authenticate("wang", PASSWORD) is None
    assert users.authenticate("wang", NEW) is not None


def test_a_reset_ends_sessions_and_asks_for_a_new_password(users: Users) -> None:
    users.create("boss", "Boss", PASSWORD, is_admin=True)
    users.create("wang", "Wang", PASSWORD)
    reset = users.reset_password("wang", TEMPORARY, by="boss")
    assert reset.must_change_password and reset.session_epoch == 1
    assert users.authenticate("wang", TEMPORARY) is not None
    assert not users.change_password("wang", TEMPORARY, NEW).must_change_password
    with pytest.raises(UserError) as refused:
        users.reset_password("boss", TEMPORARY, by="boss")
    assert refused.value.code == "own_account"
    with pytest.raises(UserError) as refused:
        users.reset_password("wang", "short", by="boss")
    assert refused.value.code == "short_password"
    with pytest.raises(UserError) as refused:
        users.reset_password("nobody", TEMPORARY, by="boss")
    assert refused.value.code == "unknown_user"


def test_a_disabled_account_cannot_sign_in_until_enabled(users: Users) -> None:
    users.create("boss", "Boss", PASSWORD, is_admin=True)
    users.create("wang", "Wang", PASSWORD)
    disabled = users.set_disabled("wang", True, by="boss")
    assert disabled.disabled and disabled.session_epoch == 1
    assert users.authenticate("wang", PASSWORD) is None
    assert not users.set_disabled("wang", False, by="boss").disabled
    assert users.authenticate("wang", PASSWORD) is not None
    with pytest.raises(UserError) as refused:
        users.set_disabled("boss", True, by="boss")
    assert refused.value.code == "own_account"
    assert not users.get("boss").disabled


# -- the pages --------------------------------------------------------------------------------
def test_a_new_password_signs_out_other_browsers_but_not_this_one(
        app: Flask, sign_in: Callable[..., FlaskClient], users: Users,
        caplog: pytest.LogCaptureFixture) -> None:
    here = sign_in("wang")
    elsewhere = sign_in_client(app, "wang")
    page = text(here.get("/account/password"))
    assert "Current password" in page and "Repeat the new password" in page
    wrong = here.post("/account/password", data={"current": "not it at all",
                                                 "new": NEW, "confirm": NEW})
    assert wrong.status_code == 400 and "That is not your current password." in text(wrong)
    differ = here.post("/account/password", data={"current": PASSWORD, "new": NEW,
                                                  "confirm": NEW + "!"})
    assert differ.status_code == 400 and "The two passwords differ." in text(differ)
    assert users.authenticate("wang", PASSWORD) is not None
    with caplog.at_level(logging.INFO):
        done = here.post("/account/password", data={"current": PASSWORD, "new": NEW,
                                                    "confirm": NEW}, follow_redirects=True)
    assert "You are signed out everywhere else." in text(done)
    assert "wang changed their password" in caplog.text
    assert signed_in(here)
    assert not signed_in(elsewhere)
    assert users.authenticate("wang", NEW) is not None


def test_the_account_page_links_to_the_password_page(sign_in: Callable[..., FlaskClient]
                                                     ) -> None:
    page = sign_in("wang").get("/account").get_data(as_text=True)
    assert 'href="/account/password"' in page


def test_after_a_reset_the_user_chooses_a_new_password_first(
        app: Flask, sign_in: Callable[..., FlaskClient], users: Users,
        assessment: AssessmentRecord, add_member: Callable[..., None],
        caplog: pytest.LogCaptureFixture) -> None:
    add_member(assessment, "wang", Role.WRITER)
    before = sign_in("wang")
    admin = sign_in("boss", is_admin=True)
    assert "wang" in text(admin.get("/admin/users/wang"))
    with caplog.at_level(logging.INFO):
        response = admin.post("/admin/users/wang/password",
                              data={"password": TEMPORARY, "confirm": TEMPORARY},
                              follow_redirects=True)
    assert "The password of wang is reset" in text(response)
    assert "boss reset the password of wang" in caplog.text
    assert not signed_in(before)  # the sessions ended
    assert users.authenticate("wang", PASSWORD) is None

    wang = sign_in_client(app, "wang", TEMPORARY)
    for page in ("/", f"/a/{assessment.id}/", "/account"):
        response = wang.get(page)
        assert response.status_code == 302, page
        assert response.headers["Location"].startswith("/account/password?next="), page
    going_to = wang.get(f"/a/{assessment.id}/").headers["Location"]
    forced = text(wang.get(going_to))
    assert "An administrator has reset your password." in forced
    changed = wang.post(going_to, data={"current": TEMPORARY, "new": NEW, "confirm": NEW})
    assert changed.status_code == 302
    assert changed.headers["Location"] == f"/a/{assessment.id}/"  # on to where they were going
    assert wang.get(f"/a/{assessment.id}/").status_code == 200
    assert not users.get("wang").must_change_password


def test_the_forced_page_in_chinese(app: Flask, users: Users) -> None:
    users.create("boss", "Boss", PASSWORD, is_admin=True)
    users.create("wang", "Wang", PASSWORD)
    users.reset_password("wang", TEMPORARY, by="boss")
    wang = sign_in_client(app, "wang", TEMPORARY)
    page = text(wang.get("/account/password", headers=ZH))
    assert "管理员已重置你的密码" in page and "当前密码" in page


def test_a_disabled_account_is_signed_out_and_refused(
        app: Flask, sign_in: Callable[..., FlaskClient], users: Users,
        caplog: pytest.LogCaptureFixture) -> None:
    wang = sign_in("wang")
    admin = sign_in("boss", is_admin=True)
    with caplog.at_level(logging.INFO):
        response = admin.post("/admin/users/wang/status", data={"disabled": "yes"},
                              follow_redirects=True)
    assert "The account wang is disabled" in text(response)
    assert "boss disabled the account wang" in caplog.text
    assert not signed_in(wang)
    again = app.test_client().post("/login", data={"username": "wang", "password": PASSWORD})
    assert again.status_code == 401
    assert "disabled" in text(admin.get("/admin/users"))

    admin.post("/admin/users/wang/status", data={"disabled": "no"})
    assert not users.get("wang").disabled
    assert signed_in(sign_in_client(app, "wang"))


def test_an_administrator_does_not_disable_or_reset_their_own_account(
        sign_in: Callable[..., FlaskClient], users: Users) -> None:
    admin = sign_in("boss", is_admin=True)
    refused = admin.post("/admin/users/boss/status", data={"disabled": "yes"})
    assert refused.status_code == 400 and "Not your own account" in text(refused)
    refused = admin.post("/admin/users/boss/password",
                         data={"password": TEMPORARY, "confirm": TEMPORARY})
    assert refused.status_code == 400
    assert not users.get("boss").disabled and not users.get("boss").must_change_password
    assert signed_in(admin)
    assert admin.get("/admin/users/nobody").status_code == 404
    assert admin.post("/admin/users/nobody/status", data={"disabled": "yes"}
                      ).status_code == 404


def test_admin_pages_in_chinese(sign_in: Callable[..., FlaskClient]) -> None:
    sign_in("wang")
    admin = sign_in("boss", is_admin=True)
    page = text(admin.get("/admin/users/wang", headers=ZH))
    assert "重置密码" in page and "停用账户" in page


# -- confirmations ----------------------------------------------------------------------------
def team_url(record: AssessmentRecord, page: str = "") -> str:
    return f"/a/{record.id}/team/{page}"


def test_removing_a_role_asks_first_and_says_what_it_removes(
        client: FlaskClient, store: Store, assessment: AssessmentRecord,
        add_member: Callable[..., None]) -> None:
    add_member(assessment, "li", Role.EXAMINER, ("4.1.2", "4.1.3"))
    client.post(team_url(assessment, "consensus-lead"), data={"lead": "li"})
    url = team_url(assessment, "members/li/examiner/remove")
    asked = client.post(url)
    assert asked.status_code == 200
    page = text(asked)
    assert "Remove the examiner role from Li?" in page
    assert "Their 2 assignments in that role are removed too: 4.1.2, 4.1.3." in page
    assert "They will no longer lead consensus." in page
    assert 'name="confirm" value="yes"' in page
    assert members(store.assessment_data(assessment.id))["li"].assigned[Role.EXAMINER] == {
        "4.1.2", "4.1.3"}
    zh = text(client.post(url, headers=ZH))
    assert "同时移除其在该角色下的 2 项分配的条目：4.1.2, 4.1.3。" in zh
    assert client.post(url, data={"confirm": "yes"}).status_code == 302
    assert "li" not in members(store.assessment_data(assessment.id))


def test_opening_a_phase_asks_first_and_says_what_it_freezes(
        client: FlaskClient, store: Store, assessment: AssessmentRecord) -> None:
    url = team_url(assessment, "phase")
    asked = client.post(url, data={"shown": "writing", "target": "review"})
    assert asked.status_code == 200
    page = text(asked)
    assert "Answers are frozen" in page and "Nothing has changed yet." in page
    assert "Yes, open Independent review" in page
    assert current_phase(store.assessment_data(assessment.id)) is Phase.WRITING
    assert "回答将被冻结" in text(client.post(url, data={"shown": "writing", "target": "review"},
                                           headers=ZH))
    assert client.post(url, data={"shown": "writing", "target": "review",
                                  "confirm": "yes"}).status_code == 302
    assert current_phase(store.assessment_data(assessment.id)) is Phase.REVIEW
    back = text(client.post(url, data={"shown": "review", "target": "writing"}))
    assert "Writers can change their answers again" in back
    assert current_phase(store.assessment_data(assessment.id)) is Phase.REVIEW


# -- items the criteria do not have -----------------------------------------------------------
@pytest.mark.parametrize(("phase", "path", "method"), [
    (Phase.WRITING, "items/9.9.9", "get"), (Phase.WRITING, "items/9.9.9", "post"),
    (Phase.REVIEW, "review/items/9.9.9", "get"), (Phase.REVIEW, "review/items/9.9.9", "post"),
    (Phase.REVIEW, "review/items/9.9.9/reopen/li", "post"),
    (Phase.CONSENSUS, "consensus/items/9.9.9", "get"),
    (Phase.CONSENSUS, "consensus/items/9.9.9", "post")])
def test_an_unknown_item_is_404_for_every_role(
        sign_in: Callable[..., FlaskClient], store: Store, assessment: AssessmentRecord,
        add_member: Callable[..., None], phase: Phase, path: str, method: str) -> None:
    add_member(assessment, "wang", Role.WRITER, ("4.1.2",))
    add_member(assessment, "li", Role.EXAMINER, ("4.1.2",))
    for step in (Phase.REVIEW, Phase.CONSENSUS)[:[Phase.WRITING, Phase.REVIEW,
                                                  Phase.CONSENSUS].index(phase)]:
        move_to(store.assessment_data(assessment.id), step)
    for username in (COORDINATOR, "wang", "li"):
        response = getattr(sign_in(username), method)(f"/a/{assessment.id}/{path}")
        assert response.status_code == 404, (username, response.status_code)


# -- check-data: leftovers of interrupted writes ----------------------------------------------
def test_check_data_names_and_removes_leftover_temporary_files(
        app: Flask, runner: FlaskCliRunner, store: Store, assessment: AssessmentRecord) -> None:
    data_file = store.assessment_file(assessment.id).path
    leftovers = [data_file.parent / ".assessment.json.x8k2p_q1.tmp",
                 store.root / ".users.json.a1b2c3d4.tmp"]
    for path in leftovers:
        path.write_bytes(b'{"half": "a write')
    kept = data_file.read_bytes()
    with app.app_context():
        found = runner.invoke(args=["check-data"])
    assert found.exit_code == 0, found.output
    for path in leftovers:
        assert f"LEFTOVER {path}" in found.output
        assert path.exists()
    assert "check-data --fix" in found.output
    with app.app_context():
        fixed = runner.invoke(args=["check-data", "--fix"])
    assert fixed.exit_code == 0, fixed.output
    for path in leftovers:
        assert f"REMOVED {path}" in fixed.output
        assert not path.exists()
    assert data_file.read_bytes() == kept
    with app.app_context():
        clean = runner.invoke(args=["check-data"])
    assert "LEFTOVER" not in clean.output and "REMOVED" not in clean.output
