"""The top of every page is rendered once per account and language (assessor/web/page_top.py):
each reader still gets their own name and menu, a CSRF token that works, and a language switch
that comes back to the page they are on."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from assessor.organizations import AssessmentRecord
from assessor.users import Users

from .conftest import COORDINATOR, sign_in_client

ZH = {"Accept-Language": "zh-CN"}


def header(html: str) -> str:
    return html[html.index("<body"):html.index("</nav>")]


def test_each_reader_sees_their_own_name_and_menu(
        client: FlaskClient, sign_in: Callable[..., FlaskClient]) -> None:
    admin = sign_in("root", is_admin=True)
    # The coordinator's page first: what is kept for them must not reach the administrator.
    mine = header(client.get("/").get_data(as_text=True))
    theirs = header(admin.get("/").get_data(as_text=True))
    assert 'data-user="quality"' in mine and ">Quality</a>" in mine
    assert "/admin/users" not in mine
    assert 'data-user="root"' in theirs and ">Root</a>" in theirs
    assert "/admin/users" in theirs and "Quality" not in theirs
    # And again, now both are kept.
    assert header(client.get("/").get_data(as_text=True)) == mine


def test_signed_out_and_in_each_language(app: Flask, client: FlaskClient) -> None:
    anonymous = app.test_client()
    signed_out = header(anonymous.get("/login").get_data(as_text=True))
    assert "data-user" not in signed_out and "Sign out" not in signed_out
    chinese = header(client.get("/", headers=ZH).get_data(as_text=True))
    english = header(client.get("/").get_data(as_text=True))
    assert "退出登录" in chinese and "Sign out" not in chinese
    assert "Sign out" in english and "退出登录" not in english


def test_the_switch_comes_back_to_this_page_escaped(
        client: FlaskClient, assessment: AssessmentRecord) -> None:
    for path in (f"/a/{assessment.id}/", f"/a/{assessment.id}/answers", "/"):
        html = client.get(path).get_data(as_text=True)
        assert f'name="next" value="{path}"' in header(html), path
    html = client.get('/?q=<b>"x"&y=1').get_data(as_text=True)
    assert 'name="next" value="/?q=&lt;b&gt;&#34;x&#34;&amp;y=1"' in header(html)


def test_the_kept_header_carries_a_token_that_works(csrf_app: Flask, users: Users) -> None:
    users.create(COORDINATOR, "Quality Manager", "a long enough password")
    first = sign_in_client(csrf_app, COORDINATOR, "a long enough password")
    second = sign_in_client(csrf_app, COORDINATOR, "a long enough password")
    first_page = first.get("/").get_data(as_text=True)
    second_page = second.get("/").get_data(as_text=True)
    # One header kept for the account, each session's own token put in.
    tokens = re.findall(r'name="csrf_token" value="([^"]+)"', header(second_page))
    assert len(tokens) == 2 and tokens[0] == tokens[1]
    assert tokens[0] not in first_page
    # The switch with the token the header gave: accepted; with another session's: refused.
    form = {"language": "zh_CN", "next": "/", "csrf_token": tokens[0]}
    assert first.post("/language", data=form).status_code == 400
    assert second.post("/language", data=form).status_code == 302
    assert "退出登录" in header(second.get("/").get_data(as_text=True))
    # Sign out with it too: the session ends.
    token = re.search(r'name="csrf_token" value="([^"]+)"', second_page).group(1)
    assert second.post("/logout", data={"csrf_token": token}).status_code == 302
    assert second.get("/").status_code == 302  # to sign-in


def test_nothing_is_kept_while_templates_reload(app: Flask, client: FlaskClient) -> None:
    app.jinja_env.auto_reload = True  # as in debug mode: an edited template shows at once
    before = header(client.get("/").get_data(as_text=True))
    app.jinja_env.globals["_"] = lambda text, **values: text.upper()
    assert "SIGN OUT" not in before
    assert "SIGN OUT" in header(client.get("/").get_data(as_text=True))
