"""assessor: self-assessment against the performance excellence model (GB/T 19580)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from .paths import resource_dir

__all__ = ["create_app"]


def _secret_key(instance: Path) -> str:
    """A random key kept in the instance folder, so sessions survive a restart."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The application factory (`flask --app assessor ...` and the WSGI server call it)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    app.config.from_mapping(
        DATA_DIR=str(Path(app.instance_path) / "data"),
        # An item with a dozen answers at the 20,000-character limit each still fits.
        MAX_CONTENT_LENGTH=4 * 1024 * 1024,
        # Writers spend hours on one page; a token tied to the session, valid for a working day.
        WTF_CSRF_TIME_LIMIT=12 * 3600,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # The interface language when neither the user nor the browser names one (zh_CN or
        # en), and the time zone times are shown in (unset: Asia/Shanghai for Chinese, UTC
        # for English): ASSESSOR_DEFAULT_LANGUAGE, ASSESSOR_DEFAULT_TIMEZONE.
        DEFAULT_LANGUAGE="en",
        DEFAULT_TIMEZONE=None,
        PASSWORD_PROFILE="default",
        # Failed sign-ins to one account from one address, and from one address to any
        # account; counters in this process unless LOGIN_RATE_LIMIT_STORAGE names a shared
        # store ("redis://...", see the limits library).
        LOGIN_RATE_LIMIT="5 per minute",
        LOGIN_ADDRESS_RATE_LIMIT="30 per minute",
        LOGIN_RATE_LIMIT_STORAGE="memory://",
        # A session ends SESSION_IDLE seconds after its last request and SESSION_LIFETIME
        # seconds after sign-in, whichever comes first.
        SESSION_IDLE=12 * 3600,
        SESSION_LIFETIME=7 * 24 * 3600,
        # Served over HTTPS (ASSESSOR_HTTPS=1): Secure cookies and HSTS. TRUSTED_PROXIES: how
        # many reverse proxies in front set X-Forwarded-For and X-Forwarded-Proto.
        HTTPS=False,
        TRUSTED_PROXIES=0,
        # Administrators create organizations; True lets every signed-in user create one
        # (and become its manager).
        OPEN_ORGANIZATIONS=False,
    )
    app.config.from_prefixed_env("ASSESSOR")
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(Path(app.instance_path))

    from . import cli, i18n, web

    i18n.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    return app
