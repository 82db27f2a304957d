"""Where the framework files, templates and static assets are, in a checkout or a wheel.

In a checkout they sit at the top of the repository; a wheel carries them inside the package
under `_bundled/` (see pyproject.toml), so both layouts are looked up here and nowhere else.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .criteria import Framework, cached_framework

_PACKAGE = Path(__file__).resolve().parent


@cache  # an install does not move while it runs; every page asks for the criteria folder
def resource_dir(name: str) -> Path:
    """The folder `criteria`, `templates` or `static`, wherever this install keeps it."""
    bundled = _PACKAGE / "_bundled" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent / name


def criteria_dir() -> Path:
    return resource_dir("criteria")


def framework_files() -> list[Path]:
    """The framework files that ship with assessor, by name."""
    return sorted(criteria_dir().glob("*.yaml"))


def framework_named(name: str) -> Framework:
    """A shipped framework by file name (parsed once per process)."""
    return cached_framework(str(criteria_dir() / name))
