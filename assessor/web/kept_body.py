"""Pages whose bulk is the same for all their readers (every answer, the gap report's tables):
that part is rendered and encoded once per version of the data and kept as bytes; each request
renders only the frame around it (menu, user, messages) and sends the three parts as they are.
Encoding a 300 KB page cost half a millisecond a request, more than the rest of its frame."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, render_template
from markupsafe import Markup

from ..repositories import AssessmentData

# Where the kept part goes in the frame; everything a template writes around it is escaped,
# so the frame cannot contain this comment by accident.
_SLOT = Markup("<!-- kept body -->")


def kept_body(data: AssessmentData, key: str, render: Callable[[], str]) -> bytes:
    """The part named `key`, rendered once per version of the data, as UTF-8."""
    return data.derived(key, lambda: render().encode())


def page_around(template: str, body: bytes, **context: object) -> Response:
    """`template` rendered with `body` (from kept_body) where it writes `{{ body }}`."""
    head, tail = render_template(template, body=_SLOT, **context).split(_SLOT, 1)
    parts = [head.encode(), body, tail.encode()]
    response = Response(parts, content_type="text/html; charset=utf-8")
    response.content_length = sum(len(part) for part in parts)
    return response
