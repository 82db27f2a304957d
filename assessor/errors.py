"""What the domain modules raise when they refuse a request: a code and the data behind it.

Each module has one exception type, a DomainError. Its `code` names the reason ("last_manager",
"score_off_scale") and `data` holds what a sentence about it needs (a username, a limit); the
domain writes no sentences for people. The web layer words each code in the reader's language
(assessor/web/messages.py).
"""

from __future__ import annotations

from typing import Any


class DomainError(ValueError):
    def __init__(self, code: str, **data: Any) -> None:
        super().__init__(code)
        self.code = code
        self.data = data

    def __str__(self) -> str:  # for logs and tracebacks, not for pages
        details = ", ".join(f"{key}={value!r}" for key, value in self.data.items())
        return f"{self.code} ({details})" if details else self.code
