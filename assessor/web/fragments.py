"""Rendered pieces of the page frame kept for reuse: a page's frame (menus, the header) costs
more than most of its content, and is the same for everyone in the same case (same rights,
same language, same account), so each case is rendered once and kept."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app
from markupsafe import Markup


class KeptFragments:
    """Fragments by key; past `size` of them, the least recently used is forgotten."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._kept: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], str]) -> Markup:
        """The fragment kept under `key`, rendered by `render` the first time (every time
        while templates reload on change, as in debug mode, so that edits show)."""
        if current_app.jinja_env.auto_reload:
            return Markup(render())
        with self._lock:
            fragment = self._kept.get(key)
            if fragment is not None:
                self._kept.move_to_end(key)
                return fragment
        fragment = Markup(render())  # outside the lock: two first requests may both render
        with self._lock:
            self._kept[key] = fragment
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return fragment
