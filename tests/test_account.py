"""One's own settings: the time zone dates and times are shown in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import g
from flask.testing import FlaskClient

from assessor import create_app
from assessor.extensions import USERS_KEY
from assessor.i18n import localdatetime
from assessor.users import UserError, Users

from .conftest import app_config

MIDNIGHT_UTC = "2026-01-01T00:00:00+00:00"


def test_a_time_zone_is_an_iana_name_or_none(users: Users) -> None:
    users.create("wang", "Wang", "a long enough password")
    users.set_timezone("wang", "Asia/Tokyo")
    assert users.get("wang").timezone == "Asia/Tokyo"
    with pytest.raises(UserError) as refused:
        users.set_timezone("wang", "Mars/Olympus")
    assert refused.value.code == "unknown_timezone"
    assert users.get("wang").timezone == "Asia/Tokyo"  # unchanged by the refusal
    users.set_timezone("wang", None)
    assert users.get("wang").timezone is None


@pytest.mark.parametrize("zone, shown", [(None, "12:00"), ("Asia/Tokyo", "9:00"),
                                         ("America/New_York", "7:00")])
def test_times_are_shown_in_the_users_zone(tmp_path: Path, zone: str | None,
                                           shown: str) -> None:
    app = create_app(app_config(tmp_path, DEFAULT_TIMEZONE="UTC"))
    users: Users = app.extensions[USERS_KEY]
    users.create("wang", "Wang", "a long enough password")
    users.set_timezone("wang", zone)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        g.user = users.get("wang")
        assert shown in str(localdatetime(MIDNIGHT_UTC))


def test_the_settings_page_sets_and_refuses_a_zone(
        sign_in: Callable[..., FlaskClient], users: Users) -> None:
    client = sign_in("wang")
    page = client.get("/account").get_data(as_text=True)
    assert 'value="Asia/Shanghai"' in page and "Time zone" in page
    response = client.post("/account", data={"timezone": "Asia/Tokyo"})
    assert response.status_code == 302
    assert users.get("wang").timezone == "Asia/Tokyo"
    assert "in Asia/Tokyo" in client.get("/account").get_data(as_text=True)
    refused = client.post("/account", data={"timezone": "Mars/Olympus"})
    assert refused.status_code == 400
    assert users.get("wang").timezone == "Asia/Tokyo"


def test_the_settings_page_speaks_chinese(sign_in: Callable[..., FlaskClient]) -> None:
    page = sign_in("wang").get("/account", headers={"Accept-Language": "zh-CN"})
    assert "时区" in page.get_data(as_text=True)
