"""Sign-in and sessions under attack and failure: redirect targets, a burst of wrong passwords,
the session's idle and absolute lifetimes, HTTPS and proxies, signing out on a read-only disk."""

from __future__ import annotations

import errno
import http.client
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from waitress.server import create_server

from assessor import create_app
from assessor.extensions import USERS_KEY
from assessor.storage import files
from assessor.users import Users
from assessor.web import auth
from assessor.web.language import same_site_path

from .conftest import PASSWORD, app_config, sign_in_client

# -- redirect targets --------------------------------------------------------------------------
# The `next=` of a query string as a browser or an attacker writes it, and where sign-in goes.
REDIRECTS = [
    ("/assessments/new", "/assessments/new"),
    ("/a/abc/items/4.1.2%3Fboth%3D1", "/a/abc/items/4.1.2?both=1"),
    ("/%09/evil.example", "/"),  # a browser drops the tab: //evil.example
    ("/%0a/evil.example", "/"),  # a line break cannot go into a header (a 500 before)
    ("/%0d/evil.example", "/"),
    ("/%0d%0aSet-Cookie:x=1", "/"),
    ("%09/evil.example", "/"),
    ("//evil.example/x", "/"),
    ("///evil.example", "/"),
    ("/%5Cevil.example", "/"),  # "/\evil.example": a browser reads "//evil.example"
    ("%5C%5Cevil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("JavaScript%3Aalert(1)", "/"),
    ("https://evil.example", "/"),
    ("https:/evil.example", "/"),
    ("/%E3%80%80/evil.example", "/"),  # an ideographic space
    ("/%E2%80%8B/evil.example", "/"),  # a zero-width space
    ("evil.example", "/"),
    ("", "/"),
]


@pytest.mark.parametrize("target, expected", REDIRECTS)
def test_sign_in_goes_only_to_a_path_of_this_site(app: Flask, users: Users, target: str,
                                                  expected: str) -> None:
    users.create("wang", "Wang", PASSWORD)
    client = app.test_client()
    signing_in = client.post(f"/login?next={target}",
                             data={"username": "wang", "password": PASSWORD})
    assert (signing_in.status_code, signing_in.headers["Location"]) == (302, expected)
    signed_in = client.get(f"/login?next={target}")  # a signed-in person following a link
    assert (signed_in.status_code, signed_in.headers["Location"]) == (302, expected)


@pytest.mark.parametrize("target", ["/%09/evil.example", "/%0a/evil.example",
                                    "/%0d/evil.example", "//evil.example"])
def test_a_bad_next_still_answers_the_sign_in_page(app: Flask, target: str) -> None:
    page = app.test_client().get(f"/login?next={target}")
    assert page.status_code == 200 and "Sign in" in page.get_data(as_text=True)


@pytest.mark.parametrize("target, expected", [
    ("/a/x?y=1", "/a/x?y=1"), ("/", "/"), ("/a/%2F%2Fx", "/a/%2F%2Fx"), ("/a/中文", "/a/中文"),
    ("/\t/evil.example", None), ("/\n/x", None), ("/\r/x", None), ("/\x00", None),
    ("/\x7f", None), ("/\x85/x", None), ("/\u2028/x", None), ("/ /x", None),
    ("//evil.example", None), ("/\\evil.example", None), ("\\\\evil.example", None),
    ("javascript:alert(1)", None), ("https://evil.example/", None), ("http:/x", None),
    ("", None), (None, None),
])
def test_same_site_path(target: str | None, expected: str | None) -> None:
    assert same_site_path(target) == expected


def test_the_language_switch_goes_back_only_on_this_site(app: Flask) -> None:
    client = app.test_client()
    for target in ["/\t/evil.example", "/\n/x", "//evil.example", "https://evil.example"]:
        response = client.post("/language", data={"language": "en", "next": target})
        assert response.headers["Location"] == "/login"


# -- failed sign-ins ---------------------------------------------------------------------------
@contextmanager
def serve(app: Flask, threads: int) -> Iterator[tuple[str, int]]:
    """The app under waitress on a free loopback port, as in production."""
    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", server.effective_port
    finally:
        server.close()
        thread.join(timeout=5)


def post_login(address: tuple[str, int], username: str, password: str) -> int:
    connection = http.client.HTTPConnection(*address, timeout=20)
    try:
        connection.request("POST", "/login", urlencode(
            {"username": username, "password": password}),
            {"Content-Type": "application/x-www-form-urlencoded"})
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_burst_of_wrong_passwords_gets_no_more_checks_than_the_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(app_config(tmp_path, LOGIN_RATE_LIMIT="5 per minute"))
    accounts: Users = app.extensions[USERS_KEY]
    accounts.create("wang", "Wang", PASSWORD)
    accounts.create("li", "Li", PASSWORD)
    checks: list[str] = []
    check = accounts.authenticate

    def slow_check(username: str, password: str):  # type: ignore[no-untyped-def]
        checks.append(username)
        time.sleep(0.2)  # a real argon2 check takes this long: the burst overlaps it
        return check(username, password)

    monkeypatch.setattr(accounts, "authenticate", slow_check)
    burst = 24
    start = threading.Barrier(burst, timeout=10)
    codes: list[int] = []

    def attempt() -> None:
        start.wait()
        codes.append(post_login(address, "wang", "wrong password"))

    with serve(app, threads=burst) as address:
        attackers = [threading.Thread(target=attempt) for _ in range(burst)]
        for thread in attackers:
            thread.start()
        for thread in attackers:
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in attackers)
        assert len(checks) == 5, f"{len(checks)} passwords checked against a limit of 5"
        assert sorted(codes) == [401] * 5 + [429] * (burst - 5)
        # Locked: even the right password is not checked now.
        assert post_login(address, "wang", PASSWORD) == 429
        # Another person behind the same address (a proxy, an office) still signs in.
        assert post_login(address, "li", PASSWORD) == 302
    assert len(checks) == 6


def forwarded_for(client: FlaskClient, address: str) -> FlaskClient:
    client.environ_base["HTTP_X_FORWARDED_FOR"] = address
    return client


def sign_in_status(client: FlaskClient, username: str, password: str) -> int:
    return client.post("/login", data={"username": username, "password": password}).status_code


def test_failures_lock_an_account_from_one_address_only(tmp_path: Path) -> None:
    app = create_app(app_config(tmp_path, LOGIN_RATE_LIMIT="3 per minute",
                                LOGIN_ADDRESS_RATE_LIMIT="100 per minute", TRUSTED_PROXIES=1))
    app.extensions[USERS_KEY].create("wang", "Wang", PASSWORD)
    attacker = forwarded_for(app.test_client(), "203.0.113.9")
    assert [sign_in_status(attacker, "wang", "nope nope") for _ in range(4)] == [
        401, 401, 401, 429]
    assert sign_in_status(attacker, "WANG ", PASSWORD) == 429  # the same account
    owner = forwarded_for(app.test_client(), "198.51.100.4")
    assert sign_in_status(owner, "wang", PASSWORD) == 302


def test_one_address_cannot_try_every_account(tmp_path: Path) -> None:
    app = create_app(app_config(tmp_path, LOGIN_RATE_LIMIT="3 per minute",
                                LOGIN_ADDRESS_RATE_LIMIT="4 per minute", TRUSTED_PROXIES=1))
    accounts: Users = app.extensions[USERS_KEY]
    for name in ("wang", "li", "zhao", "sun", "zhou"):
        accounts.create(name, name.title(), PASSWORD)
    attacker = forwarded_for(app.test_client(), "203.0.113.9")
    codes = [sign_in_status(attacker, name, "nope nope")
             for name in ("wang", "li", "zhao", "sun", "zhou")]
    assert codes == [401, 401, 401, 401, 429]
    refused = attacker.post("/login", data={"username": "zhou", "password": PASSWORD})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Signing in from your address is paused" in refused.get_data(as_text=True)
    # Every account still opens from elsewhere.
    elsewhere = forwarded_for(app.test_client(), "198.51.100.4")
    assert sign_in_status(elsewhere, "zhou", PASSWORD) == 302


def test_the_right_password_gives_its_attempt_back(tmp_path: Path) -> None:
    app = create_app(app_config(tmp_path, LOGIN_RATE_LIMIT="3 per minute",
                                LOGIN_ADDRESS_RATE_LIMIT="3 per minute"))
    app.extensions[USERS_KEY].create("wang", "Wang", PASSWORD)
    client = app.test_client()
    assert [sign_in_status(client, "wang", "nope nope") for _ in range(2)] == [401, 401]
    for _ in range(6):
        sign_in_client(app, "wang")
    assert sign_in_status(client, "wang", "nope nope") == 401  # the third failure
    assert sign_in_status(client, "wang", "nope nope") == 429


# -- idle time and lifetime --------------------------------------------------------------------
class Clock:
    """The sessions' clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, hours: float) -> None:
        self.now += hours * 3600


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(auth, "_now", clock)
    return clock


def test_a_session_ends_after_its_idle_time(tmp_path: Path, clock: Clock) -> None:
    app = create_app(app_config(tmp_path, SESSION_IDLE=2 * 3600, SESSION_LIFETIME=24 * 3600))
    app.extensions[USERS_KEY].create("wang", "Wang", PASSWORD)
    client = sign_in_client(app, "wang")
    for _ in range(3):  # working: each request keeps the session alive
        clock.advance(1.9)
        assert client.get("/").status_code == 200
    clock.advance(2.1)
    page = client.get("/a/abc/items/4.1.2")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login?next=/a/abc/items/4.1.2")
    assert "Your session has ended" in client.get(page.headers["Location"]).get_data(
        as_text=True)
    clock.advance(-10)  # the old cookie is gone: no going back
    assert client.get("/").status_code == 302


def test_signing_out_of_an_ended_session_goes_to_the_sign_in_page(
        tmp_path: Path, clock: Clock) -> None:
    app = create_app(app_config(tmp_path, SESSION_IDLE=3600))
    app.extensions[USERS_KEY].create("wang", "Wang", PASSWORD)
    client = sign_in_client(app, "wang")
    clock.advance(2)
    response = client.post("/logout")  # not to /login?next=/logout, a 405 after sign-in
    assert (response.status_code, response.headers["Location"]) == (302, "/login?next=/")
    assert client.post(response.headers["Location"], data={
        "username": "wang", "password": PASSWORD}).headers["Location"] == "/"


def test_a_session_ends_after_its_lifetime_however_busy(tmp_path: Path, clock: Clock) -> None:
    app = create_app(app_config(tmp_path, SESSION_IDLE=2 * 3600, SESSION_LIFETIME=5 * 3600))
    app.extensions[USERS_KEY].create("wang", "Wang", PASSWORD)
    client = sign_in_client(app, "wang")
    stolen = app.test_client()
    stolen.set_cookie("session", client.get_cookie("session").value)
    for _ in range(4):
        clock.advance(1.2)
        assert client.get("/").status_code == 200
    clock.advance(0.5)  # 5.3 hours after sign-in
    assert client.get("/").status_code == 302
    assert stolen.get("/").status_code == 302
    sign_in_client(app, "wang")  # signing in again starts a new one


def test_session_defaults_and_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = create_app(app_config(tmp_path)).config
    assert config["SESSION_IDLE"] == 12 * 3600  # a working day, as the CSRF token
    assert config["SESSION_LIFETIME"] == 7 * 24 * 3600
    assert config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 7 * 24 * 3600
    monkeypatch.setenv("ASSESSOR_SESSION_IDLE", "1800")
    monkeypatch.setenv("ASSESSOR_SESSION_LIFETIME", "86400")
    config = create_app(app_config(tmp_path)).config
    assert (config["SESSION_IDLE"], config["SESSION_LIFETIME"]) == (1800, 86400)


# -- HTTPS and proxies -------------------------------------------------------------------------
def test_over_https_the_cookie_is_secure_and_hsts_is_sent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESSOR_HTTPS", "1")
    app = create_app(app_config(tmp_path))
    app.extensions[USERS_KEY].create("wang", "Wang", PASSWORD)
    client = app.test_client()
    response = client.post("/login", data={"username": "wang", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" in client.get("/").headers
    switched = client.post("/language", data={"language": "zh_CN", "next": "/"})
    assert "Secure" in switched.headers["Set-Cookie"]


def test_over_plain_http_neither(app: Flask, users: Users) -> None:
    users.create("wang", "Wang", PASSWORD)
    response = app.test_client().post("/login", data={"username": "wang",
                                                      "password": PASSWORD})
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("proxies, secure", [(0, False), (1, True)])
def test_trusted_proxies_say_the_scheme_and_address(tmp_path: Path, proxies: int,
                                                    secure: bool) -> None:
    app = create_app(app_config(tmp_path, TRUSTED_PROXIES=proxies))
    client = app.test_client()
    client.environ_base.update(HTTP_X_FORWARDED_PROTO="https",
                               HTTP_X_FORWARDED_FOR="203.0.113.9")
    switched = client.post("/language", data={"language": "en", "next": "/"})
    assert ("Secure" in switched.headers["Set-Cookie"]) is secure


# -- signing out -------------------------------------------------------------------------------
def test_signing_out_on_a_read_only_disk_still_signs_out(
        app: Flask, users: Users, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    users.create("wang", "Wang", PASSWORD)
    client = sign_in_client(app, "wang")

    def read_only(path: Path, payload: bytes) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(files, "atomic_write_bytes", read_only)
    with caplog.at_level(logging.ERROR):
        response = client.post("/logout")
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    assert "other sessions not revoked" in caplog.text and "Read-only" in caplog.text
    page = client.get("/login").get_data(as_text=True)
    assert "You are signed out." in page
    assert "could not end your sessions in other browsers" in page
    assert client.get("/").status_code == 302  # this browser's cookie signs no one in
