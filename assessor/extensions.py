"""What create_app keeps in `app.extensions`: the store and the accounts, under one key each."""

from __future__ import annotations

from flask import Flask

from .storage.store import Store
from .users import Users

STORE_KEY = "assessor.store"
USERS_KEY = "assessor.users"


def store_of(app: Flask) -> Store:
    return app.extensions[STORE_KEY]


def users_of(app: Flask) -> Users:
    return app.extensions[USERS_KEY]
