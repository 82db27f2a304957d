"""Read YAML while remembering where every mapping and key stands, so errors can name a line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# libyaml's C parser is several times faster; the pure-Python one is the fallback.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LocatedDict(dict):
    """A mapping from YAML that knows its own line and the line of each of its keys."""

    line: int | None = None
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    line: int | None = None


class YamlProblem(Exception):
    """The file is not YAML we can read; carries the line where the parser stopped."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _LocatingLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader: _LocatingLoader, node: yaml.MappingNode) -> LocatedDict:
    mapping = LocatedDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, list | dict):
            raise YamlProblem("a key must be a plain name, not a list or mapping",
                              key_node.start_mark.line + 1)
        if key in mapping:
            # PyYAML silently keeps the last of two equal keys; in criteria that hides a typo.
            raise YamlProblem(f"duplicate key '{key}'", key_node.start_mark.line + 1)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LocatingLoader, node: yaml.SequenceNode) -> LocatedList:
    sequence = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    sequence.line = node.start_mark.line + 1
    return sequence


_LocatingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LocatingLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence
)


def load_located(path: Path) -> Any:
    """Parse a YAML file into LocatedDict/LocatedList trees; raise YamlProblem if it cannot."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise YamlProblem(f"cannot read the file: {error}", None) from error
    try:
        return yaml.load(text, Loader=_LocatingLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise YamlProblem(f"not valid YAML: {error.problem or error}", line) from error
    except yaml.YAMLError as error:
        raise YamlProblem(f"not valid YAML: {error}", None) from error
