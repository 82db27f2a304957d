"""Key factors: the few things about the organization that matter most (drawn from its profile).

Examiners tag strengths and opportunities for improvement with them, and the feedback report
groups comments by them. Ids stay stable when texts change, so tags keep pointing right.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .storage.files import DataFile

KEY_FACTORS_TABLE = "key_factors"
ISSUED_TABLE = "key_factor_numbers"  # {highest}: the highest K number ever given out
MAX_KEY_FACTORS = 8


@dataclass(frozen=True, slots=True)
class KeyFactor:
    id: str
    text: str


def key_factors(data_file: DataFile) -> list[KeyFactor]:
    return sorted((KeyFactor(doc["id"], doc["text"])
                   for doc in data_file.documents(KEY_FACTORS_TABLE)),
                  key=lambda factor: int(factor.id[1:]))


def save_key_factors(data_file: DataFile, texts_by_id: Mapping[str, str],
                     new_texts: list[str]) -> list[KeyFactor]:
    """Update texts by id (an empty text removes the factor) and add new ones (K<n> ids)."""
    with data_file.transaction() as db:
        table = db.table(KEY_FACTORS_TABLE)
        existing = {doc["id"]: doc for doc in table}
        kept = {fid: text.strip() for fid, text in texts_by_id.items()
                if fid in existing and text.strip()}
        added = [text.strip() for text in new_texts if text.strip()]
        if len(kept) + len(added) > MAX_KEY_FACTORS:
            raise ValueError(f"Keep the key factors to {MAX_KEY_FACTORS} at most; examiners "
                             "usually work with 4 to 6.")
        # Numbers are never reused: a removed K5's tags must not come to mean a new factor.
        issued = db.table(ISSUED_TABLE)
        highest = max([int(fid[1:]) for fid in existing]
                      + [doc["highest"] for doc in issued], default=0)
        table.truncate()
        table.insert_multiple({"id": fid, "text": text} for fid, text in kept.items())
        table.insert_multiple({"id": f"K{highest + 1 + n}", "text": text}
                              for n, text in enumerate(added))
        issued.truncate()
        issued.insert({"highest": highest + len(added)})
    return key_factors(data_file)
