"""Markdown to safe HTML, in one place: Python-Markdown renders, nh3 removes anything unsafe."""

from __future__ import annotations

import functools

import markdown
import nh3
from markupsafe import Markup

_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
    "dl", "dt", "dd", "sup", "sub", "abbr",
}
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
_URL_SCHEMES = {"http", "https", "mailto"}


@functools.lru_cache(maxsize=2048)
def render_markdown(text: str) -> Markup:
    """Render an answer's Markdown; raw HTML, scripts and javascript: links never get through.

    Cached by text, so an answer is rendered once per revision (a revision is a new text), not
    on every page view: the read-all-answers page renders every answer of the assessment.
    """
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    clean = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES,
                      link_rel="noopener noreferrer nofollow")
    return Markup(clean)  # sanitized by nh3 just above
