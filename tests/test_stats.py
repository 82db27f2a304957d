"""Statistics of scores, against small examples worked by hand and a textbook example."""

from __future__ import annotations

import math

import pytest

from assessor.stats import (
    AGREEMENT_LABELS,
    Description,
    KendallW,
    NoKendallW,
    agreement_label,
    describe,
    kendalls_w,
)


def test_describe_odd_count() -> None:
    # mean 50; median 50; range 70 - 30 = 40; variance (400 + 0 + 400) / 2 = 400 -> sd 20.
    assert describe([70, 30, 50]) == Description(3, 50.0, 50, 40, 20.0)


def test_describe_even_count_takes_the_middle_two() -> None:
    result = describe([10, 40, 20, 30])
    assert result.median == 25
    assert result.mean == 25
    assert result.range == 30
    # squared deviations 225 + 25 + 25 + 225 = 500; / 3 -> sqrt(166.67) = 12.91
    assert result.std_dev == pytest.approx(math.sqrt(500 / 3))


def test_describe_one_score_has_no_deviation() -> None:
    assert describe([55]) == Description(1, 55.0, 55, 0, None)


def test_describe_nothing() -> None:
    assert describe([]) == Description(0)


def test_describe_equal_scores() -> None:
    assert describe([40, 40, 40]) == Description(3, 40.0, 40, 0, 0.0)


def test_siegel_textbook_example() -> None:
    """Siegel (1956), Nonparametric Statistics, ch. 9: 3 executives rank 6 applicants, W = 0.16."""
    ranks_by_executive = [[1, 6, 3, 2, 5, 4], [1, 5, 6, 4, 2, 3], [6, 3, 2, 5, 4, 1]]
    matrix = [list(row) for row in zip(*ranks_by_executive, strict=True)]  # items x raters
    result = kendalls_w(matrix)
    assert isinstance(result, KendallW)
    # Rank sums 8 14 11 11 11 8, mean 10.5, S = 25.5; W = 12 S / (3^2 (6^3 - 6)) = 306 / 1890.
    assert result.w == pytest.approx(306 / 1890)
    assert round(result.w, 2) == 0.16
    assert result.chi_square == pytest.approx(3 * 5 * 306 / 1890)
    assert (result.degrees_of_freedom, result.items, result.raters) == (5, 6, 3)
    assert result.label == "weak"


def test_ties_are_corrected() -> None:
    # Rater A scores 50 50 70 -> ranks 1.5 1.5 3 (one tie of 2: 2^3 - 2 = 6); B 40 60 80 -> 1 2 3.
    # Rank sums 2.5 3.5 6, mean 4, S = 2.25 + 0.25 + 4 = 6.5.
    # W = 12 * 6.5 / (2^2 (27 - 3) - 2 * 6) = 78 / 84; chi-square = 2 * 2 * W; with 2 degrees of
    # freedom the chi-square tail is exp(-x / 2).
    result = kendalls_w([[50, 40], [50, 60], [70, 80]])
    assert isinstance(result, KendallW)
    assert result.w == pytest.approx(78 / 84)
    assert result.chi_square == pytest.approx(4 * 78 / 84)
    assert result.degrees_of_freedom == 2
    assert result.p_value == pytest.approx(math.exp(-2 * 78 / 84))
    assert result.label == "strong"


def test_without_the_correction_ties_would_lower_w() -> None:
    uncorrected = 12 * 6.5 / (2**2 * (27 - 3))
    result = kendalls_w([[50, 40], [50, 60], [70, 80]])
    assert isinstance(result, KendallW)
    assert result.w > uncorrected


def test_perfect_agreement_is_one() -> None:
    # Different levels, same order: W is about the order of the items.
    result = kendalls_w([[10, 30, 50], [20, 40, 55], [60, 70, 90], [65, 75, 95]])
    assert isinstance(result, KendallW)
    assert result.w == pytest.approx(1.0)
    assert result.chi_square == pytest.approx(3 * 3)  # m (n - 1) W
    assert result.p_value < 0.05


def test_reversed_orders_give_zero() -> None:
    result = kendalls_w([[10, 90], [30, 70], [50, 50], [70, 30]])
    assert isinstance(result, KendallW)
    assert result.w == pytest.approx(0.0)
    assert result.p_value == pytest.approx(1.0)
    assert result.label == "weak"


@pytest.mark.parametrize("matrix", [[[50, 60, 70]], [[50], [60], [70]], []])
def test_too_few_raters_or_items(matrix: list[list[int]]) -> None:
    result = kendalls_w(matrix)
    assert isinstance(result, NoKendallW)
    assert result.code == "too_few"


def test_nothing_to_order_when_every_score_is_equal() -> None:
    result = kendalls_w([[50, 40], [50, 40]])
    assert isinstance(result, NoKendallW)
    assert result.code == "all_tied"


def test_incomplete_rows_are_refused() -> None:
    with pytest.raises(ValueError, match="complete rows"):
        kendalls_w([[50, 40], [50]])


@pytest.mark.parametrize(("w", "label"), [(0.0, "weak"), (0.29, "weak"), (0.3, "moderate"),
                                          (0.69, "moderate"), (0.7, "strong"), (1.0, "strong")])
def test_agreement_labels(w: float, label: str) -> None:
    assert agreement_label(w) == label


def test_labels_are_data_from_highest_to_lowest() -> None:
    bounds = [lower for lower, _ in AGREEMENT_LABELS]
    assert bounds == sorted(bounds, reverse=True)
    assert bounds[-1] == 0.0


def test_agrees_with_scipys_friedman_test_on_tied_scores() -> None:
    """Friedman's chi-square (items as treatments, raters as blocks) is m (n - 1) W."""
    from scipy.stats import friedmanchisquare

    matrix = [[50, 45, 60, 50], [30, 45, 40, 35], [70, 65, 60, 80], [30, 25, 40, 35],
              [55, 65, 60, 50]]
    result = kendalls_w(matrix)
    friedman = friedmanchisquare(*matrix)
    assert isinstance(result, KendallW)
    assert result.chi_square == pytest.approx(friedman.statistic)
    assert result.w == pytest.approx(friedman.statistic / (4 * (5 - 1)))
    assert result.p_value == pytest.approx(friedman.pvalue)
