"""Key factors: the few things about the organization that matter most (drawn from its profile).

Examiners tag strengths and opportunities for improvement with them, and the feedback report
groups comments by them. Ids stay stable when texts change, so tags keep pointing right.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .errors import DomainError
from .repositories import AssessmentData

MAX_KEY_FACTORS = 8


class KeyFactorError(DomainError):
    """Key factors that cannot be saved: too_many (limit)."""


@dataclass(frozen=True, slots=True)
class KeyFactor:
    id: str
    text: str


def key_factors(data: AssessmentData) -> list[KeyFactor]:
    return data.key_factors.all()


def save_key_factors(data: AssessmentData, texts_by_id: Mapping[str, str],
                     new_texts: list[str]) -> list[KeyFactor]:
    """Update texts by id (an empty text removes the factor) and add new ones (K<n> ids)."""
    with data.atomic():
        existing = {factor.id for factor in data.key_factors.all()}
        kept = [KeyFactor(fid, text.strip()) for fid, text in texts_by_id.items()
                if fid in existing and text.strip()]
        added = [text.strip() for text in new_texts if text.strip()]
        if len(kept) + len(added) > MAX_KEY_FACTORS:
            raise KeyFactorError("too_many", limit=MAX_KEY_FACTORS)
        # Numbers are never reused: a removed K5's tags must not come to mean a new factor.
        highest = data.key_factors.highest_issued()
        kept += [KeyFactor(f"K{highest + 1 + n}", text) for n, text in enumerate(added)]
        data.key_factors.replace(kept, highest + len(added))
    return key_factors(data)
