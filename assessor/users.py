"""Accounts: argon2id password hashes, administrators, and a session epoch per user.

The epoch is stored in the session cookie at sign-in; bumping it (sign-out, new password, a
reset or a disabled account) makes every cookie issued before invalid, wherever it is.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import DomainError
from .repositories import UserRepository

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD_LENGTH = 10
TIMEZONES = frozenset(zoneinfo.available_timezones())
# Verified against when the username does not exist, so both failures take the same time.
_ABSENT_USER_HASH_SOURCE = "no such user: timing equalizer"


class UserError(DomainError):
    """A user that cannot be created or changed as asked: bad_username, short_password
    (minimum), username_taken (username), unknown_user (username), unknown_timezone (zone),
    wrong_password (the current password given is not theirs), same_password (the new password
    is the current one), own_account (an administrator cannot disable or reset their own
    account here: they change their password under their settings)."""


@dataclass(frozen=True, slots=True)
class User:
    username: str
    display_name: str
    is_admin: bool
    session_epoch: int
    is_demo: bool = False
    language: str | None = None  # the interface language the user chose, if any
    timezone: str | None = None  # the IANA time zone the user chose, if any
    disabled: bool = False  # cannot sign in; an administrator re-enables it
    must_change_password: bool = False  # after an administrator's reset: chosen at next sign-in


def _user(doc: Mapping[str, Any]) -> User:
    return User(username=doc["username"], display_name=doc["display_name"],
                is_admin=doc["is_admin"], session_epoch=doc["session_epoch"],
                is_demo=doc.get("is_demo", False), language=doc.get("language"),
                timezone=doc.get("timezone"), disabled=doc.get("disabled", False),
                must_change_password=doc.get("must_change_password", False))


class Users:
    """The accounts of one installation, kept in their own data file."""

    def __init__(self, accounts: UserRepository, hasher: PasswordHasher) -> None:
        self.accounts = accounts
        self.hasher = hasher
        self._absent_hash = hasher.hash(_ABSENT_USER_HASH_SOURCE)

    def all(self) -> list[User]:
        return sorted((_user(doc) for doc in self.accounts.all()),
                      key=lambda user: user.username)

    def get(self, username: str) -> User | None:
        doc = self.accounts.find(username)
        return _user(doc) if doc else None

    def exists(self) -> bool:
        return bool(self.accounts.all())

    def create(self, username: str, display_name: str, password: str, is_admin: bool = False,
               is_demo: bool = False) -> User:
        username = username.strip().lower()
        if not USERNAME.fullmatch(username):
            raise UserError("bad_username")
        if len(password) < MIN_PASSWORD_LENGTH and not is_demo:
            raise UserError("short_password", minimum=MIN_PASSWORD_LENGTH)
        doc = {"username": username, "display_name": display_name.strip() or username,
               "password_hash": self.hasher.hash(password), "is_admin": is_admin,
               "session_epoch": 0, "is_demo": is_demo}
        if not self.accounts.insert(doc):
            raise UserError("username_taken", username=username)
        return _user(doc)

    def authenticate(self, username: str, password: str) -> User | None:
        """The user if the password is right and the account enabled, else None (never saying
        which half was wrong, nor that a disabled account exists)."""
        doc = self.accounts.find(username.strip().lower())
        stored_hash = doc["password_hash"] if doc else self._absent_hash
        try:
            self.hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if doc is None or doc.get("disabled", False):
            return None
        if self.hasher.check_needs_rehash(stored_hash):
            self._update(doc["username"], password_hash=self.hasher.hash(password))
        return _user(doc)

    def set_password(self, username: str, password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise UserError("short_password", minimum=MIN_PASSWORD_LENGTH)
        user = self._require(username)
        self._update(username, password_hash=self.hasher.hash(password),
                     session_epoch=user.session_epoch + 1)

    def change_password(self, username: str, current: str, new: str) -> User:
        """The user's own change: the current password first. Every session of theirs ends
        (the caller re-issues the one it acts in with the returned user's epoch), and a
        reset's demand for a new password is met."""
        user = self._require(username)
        doc = self.accounts.find(user.username)
        try:
            self.hasher.verify(doc["password_hash"], current)  # type: ignore[index]
        except (VerificationError, InvalidHashError):
            raise UserError("wrong_password") from None
        if len(new) < MIN_PASSWORD_LENGTH:
            raise UserError("short_password", minimum=MIN_PASSWORD_LENGTH)
        if new == current:
            raise UserError("same_password")
        self._update(username, password_hash=self.hasher.hash(new),
                     session_epoch=user.session_epoch + 1, must_change_password=False)
        return self._require(username)

    def reset_password(self, username: str, password: str, by: str) -> User:
        """An administrator (`by`) sets a temporary password: the user's sessions end and they
        must choose a new password at their next sign-in."""
        if username == by:
            raise UserError("own_account", username=username)
        if len(password) < MIN_PASSWORD_LENGTH:
            raise UserError("short_password", minimum=MIN_PASSWORD_LENGTH)
        user = self._require(username)
        self._update(username, password_hash=self.hasher.hash(password),
                     session_epoch=user.session_epoch + 1, must_change_password=True)
        return self._require(username)

    def set_disabled(self, username: str, disabled: bool, by: str) -> User:
        """An administrator (`by`) disables an account (it cannot sign in, and its sessions
        end) or enables it again. Never their own: the installation keeps an administrator."""
        if username == by:
            raise UserError("own_account", username=username)
        user = self._require(username)
        if disabled:
            self._update(username, disabled=True, session_epoch=user.session_epoch + 1)
        else:
            self._update(username, disabled=False)
        return self._require(username)

    def revoke_sessions(self, username: str) -> None:
        """Invalidate every session cookie this user holds (used at sign-out)."""
        user = self._require(username)
        self._update(username, session_epoch=user.session_epoch + 1)

    def _require(self, username: str) -> User:
        user = self.get(username)
        if user is None:
            raise UserError("unknown_user", username=username)
        return user

    def set_language(self, username: str, language: str | None) -> None:
        self._require(username)
        self._update(username, language=language)

    def set_timezone(self, username: str, zone: str | None) -> None:
        """The zone the user reads times in (an IANA name such as "Asia/Shanghai"), or None
        for the installation's."""
        if zone is not None and zone not in TIMEZONES:
            raise UserError("unknown_timezone", zone=zone)
        self._require(username)
        self._update(username, timezone=zone)

    def _update(self, username: str, **fields: object) -> None:
        self.accounts.update(username, **fields)
