"""Strengths and opportunities for improvement (OFIs): short statements tagged with key factors.

People type them one per line; a tag is written `#K2` anywhere in the line. Storing them as
(text, key factor ids) keeps the report free to group them by item or by key factor.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

TAG = re.compile(r"#(K\d+)\b")
MAX_STATEMENT_CHARS = 600


class StatementError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Statement:
    text: str
    key_factors: tuple[str, ...] = ()

    def as_line(self) -> str:
        tags = " ".join(f"#{factor}" for factor in self.key_factors)
        return f"{self.text} {tags}".strip()

    def to_doc(self) -> dict:
        return {"text": self.text, "key_factors": list(self.key_factors)}

    @classmethod
    def from_doc(cls, doc: dict) -> Statement:
        return cls(doc["text"], tuple(doc.get("key_factors", ())))


def parse_statements(text: str, known_factors: Collection[str], label: str) -> list[Statement]:
    """One statement per non-empty line; refuse unknown tags and overlong lines, naming them."""
    statements = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        factors = tuple(dict.fromkeys(TAG.findall(line)))
        unknown = [factor for factor in factors if factor not in known_factors]
        if unknown:
            known = ", ".join(f"#{k}" for k in sorted(known_factors)) or "none defined yet"
            raise StatementError(f"{label}, line {number}: unknown key factor "
                                 f"{', '.join('#' + u for u in unknown)} (known: {known}).")
        clean = " ".join(TAG.sub("", line).split())
        if len(clean) > MAX_STATEMENT_CHARS:
            raise StatementError(f"{label}, line {number}: a statement is at most "
                                 f"{MAX_STATEMENT_CHARS} characters; split it in two.")
        if clean:
            statements.append(Statement(clean, factors))
    return statements


def format_statements(statements: Iterable[Statement]) -> str:
    return "\n".join(statement.as_line() for statement in statements)


def merged(groups: Iterable[Iterable[Statement]]) -> list[Statement]:
    """The statements of several people, in order, each distinct text once (tags united)."""
    by_text: dict[str, Statement] = {}
    for group in groups:
        for statement in group:
            key = statement.text.casefold()
            if key in by_text:
                old = by_text[key]
                factors = tuple(dict.fromkeys(old.key_factors + statement.key_factors))
                by_text[key] = Statement(old.text, factors)
            else:
                by_text[key] = statement
    return list(by_text.values())
