"""Statistics of examiners' scores: a description of one item's scores, and Kendall's W.

Pure functions on numbers; what the numbers are (items, examiners, consensus) is the concern of
consensus.py.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Description:
    """count, mean, median, range (max - min) and sample standard deviation of some scores."""

    count: int
    mean: float | None = None  # None without scores
    median: float | None = None
    range: float | None = None
    std_dev: float | None = None  # sample (n - 1) deviation: None for fewer than 2 scores


def describe(scores: Sequence[float]) -> Description:
    count = len(scores)
    if count == 0:
        return Description(0)
    ordered = sorted(scores)
    mean = math.fsum(ordered) / count
    middle = count // 2
    median = ordered[middle] if count % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    std_dev = None
    if count > 1:
        # statistics.stdev is exact but slow (Fractions); floats are ample for percentages.
        std_dev = math.sqrt(math.fsum((x - mean) ** 2 for x in ordered) / (count - 1))
    return Description(count, mean, median, ordered[-1] - ordered[0], std_dev)


# How strongly raters agree, by Kendall's W: a common reading (no standard fixes the cut-offs).
# (lower bound, label), highest first: weak < 0.3 <= moderate < 0.7 <= strong.
AGREEMENT_LABELS: tuple[tuple[float, str], ...] = ((0.7, "strong"), (0.3, "moderate"),
                                                    (0.0, "weak"))


def agreement_label(w: float) -> str:
    return next(label for lower, label in AGREEMENT_LABELS if w >= lower)


@dataclass(frozen=True, slots=True)
class KendallW:
    """Kendall's coefficient of concordance of m raters over n items, with its chi-square test."""

    w: float  # 0 (no agreement on the order of the items) to 1 (the same order)
    chi_square: float  # m (n - 1) W
    degrees_of_freedom: int  # n - 1
    p_value: float  # chance of a W this large if the raters ranked at random
    items: int
    raters: int

    @property
    def label(self) -> str:
        return agreement_label(self.w)


@dataclass(frozen=True, slots=True)
class NoKendallW:
    """Why W cannot be computed for these scores: too_few (fewer than 2 examiners who scored
    the same 2 items or more), all_tied (every examiner gave all the items the same score)."""

    code: str
    items: int
    raters: int


def kendalls_w(matrix: Sequence[Sequence[float]]) -> KendallW | NoKendallW:
    """Kendall's W with the correction for ties, from scores (rows: items, columns: raters).

    Each rater's scores are turned into ranks across the items (ties get their mean rank), so W
    measures agreement on the ORDER of the items, not on the level of the scores. Every row must
    hold a score from every rater.
    """
    items = len(matrix)
    raters = len(matrix[0]) if items else 0
    if any(len(row) != raters for row in matrix):
        raise ValueError("every item needs a score from every rater (complete rows only)")
    if raters < 2 or items < 2:
        return NoKendallW("too_few", items, raters)
    # scipy.stats takes about half a second to import: only this figure pays for it, not
    # every command-line call that imports the domain.
    import numpy as np
    from scipy.stats import chi2, rankdata

    ranks = rankdata(np.asarray(matrix, dtype=float), axis=0)  # each rater's scores ranked
    rank_sums = ranks.sum(axis=1)
    spread = float(((rank_sums - raters * (items + 1) / 2) ** 2).sum())
    # Ties: each group of t equal scores of one rater removes t^3 - t from the maximum.
    ties = sum(t**3 - t for column in zip(*matrix, strict=True)
               for t in Counter(column).values())
    denominator = raters**2 * (items**3 - items) - raters * ties
    if denominator == 0:
        return NoKendallW("all_tied", items, raters)
    w = 12 * spread / denominator
    chi_square = raters * (items - 1) * w
    degrees = items - 1
    return KendallW(w, chi_square, degrees, float(chi2.sf(chi_square, degrees)), items, raters)
