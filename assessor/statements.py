"""Strengths and opportunities for improvement (OFIs): short statements tagged with key factors.

People type them one per line; a tag is written `#K2` anywhere in the line. Storing them as
(text, key factor ids) keeps the report free to group them by item or by key factor.

Every stored statement has an id that never changes and is never reused: improvement plans and
links point at it. People edit lines, not ids, so an edited line keeps the id of the stored
statement it most resembles (`keep_ids`); a consensus statement records the ids of the review
statements it came from (`sources`, its provenance).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from .errors import DomainError

TAG = re.compile(r"#(K\d+)\b")
MAX_STATEMENT_CHARS = 600
# An edited line this similar to a stored statement (difflib's ratio) is that statement edited.
SAME_STATEMENT_RATIO = 0.6


class StatementError(DomainError):
    """A line that cannot be a statement: unknown_key_factor (line, unknown, known: the tags
    without a key factor and the key factors there are), too_long (line, limit)."""


@dataclass(frozen=True, slots=True)
class Statement:
    text: str
    key_factors: tuple[str, ...] = ()
    id: str = ""  # given when first stored
    sources: tuple[str, ...] = ()  # a consensus statement: the review statements it came from

    def as_line(self) -> str:
        tags = " ".join(f"#{factor}" for factor in self.key_factors)
        return f"{self.text} {tags}".strip()

    def to_doc(self) -> dict:
        doc = {"id": self.id, "text": self.text, "key_factors": list(self.key_factors)}
        if self.sources:
            doc["sources"] = list(self.sources)
        return doc

    @classmethod
    def from_doc(cls, doc: dict) -> Statement:
        return cls(doc["text"], tuple(doc.get("key_factors", ())), doc.get("id", ""),
                   tuple(doc.get("sources", ())))


def parse_statements(text: str, known_factors: Collection[str]) -> list[Statement]:
    """One statement per non-empty line; refuse unknown tags and overlong lines, naming them
    and the line."""
    statements = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        factors = tuple(dict.fromkeys(TAG.findall(line)))
        unknown = [factor for factor in factors if factor not in known_factors]
        if unknown:
            raise StatementError("unknown_key_factor", line=number, unknown=tuple(unknown),
                                 known=tuple(sorted(known_factors, key=factor_order)))
        clean = " ".join(TAG.sub("", line).split())
        if len(clean) > MAX_STATEMENT_CHARS:
            raise StatementError("too_long", line=number, limit=MAX_STATEMENT_CHARS)
        if clean:
            statements.append(Statement(clean, factors))
    return statements


def factor_order(factor_id: str) -> tuple[int, str]:
    """Key factor ids in number order: K2 before K10."""
    digits = factor_id[1:]
    return (int(digits) if digits.isdigit() else 0, factor_id)


def format_statements(statements: Iterable[Statement]) -> str:
    return "\n".join(statement.as_line() for statement in statements)


def merged(groups: Iterable[Iterable[Statement]]) -> list[Statement]:
    """The statements of several people, in order, each distinct text once (tags united), as
    new statements whose sources are the ids of the statements merged into them."""
    by_text: dict[str, Statement] = {}
    for group in groups:
        for statement in group:
            key = statement.text.casefold()
            old = by_text.get(key, Statement(statement.text))
            by_text[key] = Statement(
                old.text, tuple(dict.fromkeys(old.key_factors + statement.key_factors)),
                sources=tuple(dict.fromkeys(old.sources + _origin(statement))))
    return list(by_text.values())


def _origin(statement: Statement) -> tuple[str, ...]:
    return (statement.id,) if statement.id else statement.sources


def new_statement_id() -> str:
    return "s" + secrets.token_hex(5)


def _similarity(a: str, b: str) -> float:
    """difflib's ratio, or 0 when its cheap upper bounds already fall short of
    SAME_STATEMENT_RATIO (the full ratio is costly, and most pairs are far apart)."""
    matcher = SequenceMatcher(None, a.casefold(), b.casefold())
    if matcher.real_quick_ratio() < SAME_STATEMENT_RATIO \
            or matcher.quick_ratio() < SAME_STATEMENT_RATIO:
        return 0.0
    return matcher.ratio()


def keep_ids(edited: Sequence[Statement], stored: Sequence[Statement],
             new_id: Callable[[], str] = new_statement_id) -> tuple[Statement, ...]:
    """The edited statements with ids: a line equal to a stored statement keeps its id (and
    sources), then a line at least SAME_STATEMENT_RATIO similar to a stored statement not yet
    taken keeps the most similar one's; any other line is a new statement with a new id."""
    available = {statement.id: statement for statement in stored if statement.id}
    matched: dict[int, Statement] = {}
    for index, statement in enumerate(edited):
        twin = next((s for s in available.values()
                     if s.text.casefold() == statement.text.casefold()), None)
        if twin is not None:
            matched[index] = available.pop(twin.id)
    for index, statement in enumerate(edited):
        if index in matched or not available:
            continue
        similarity, best = max(((_similarity(s.text, statement.text), s)
                                for s in available.values()), key=lambda pair: pair[0])
        if similarity >= SAME_STATEMENT_RATIO:
            matched[index] = available.pop(best.id)
    result = []
    for index, statement in enumerate(edited):
        origin = matched.get(index)
        if origin is not None:
            result.append(replace(statement, id=origin.id,
                                  sources=statement.sources or origin.sources))
        else:
            result.append(replace(statement, id=statement.id or new_id()))
    return tuple(result)


def trace_sources(statements: Sequence[Statement], review_statements: Sequence[Statement]
                  ) -> tuple[Statement, ...]:
    """Consensus statements without known sources take, as sources, the review statements
    they repeat or closely resemble (typed or pasted lines keep their provenance)."""
    result = []
    for statement in statements:
        if not statement.sources:
            sources = tuple(s.id for s in review_statements if s.id and (
                _similarity(s.text, statement.text) >= SAME_STATEMENT_RATIO))
            statement = replace(statement, sources=sources)
        result.append(statement)
    return tuple(result)
