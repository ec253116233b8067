"""Change between two scores read against the meaningful change, and the default instruments.

Boundaries are checked exactly at the threshold, in both directions, for lower-is-better and
higher-is-better instruments.
"""

import pytest

from needlecare.outcomes.instruments import ScoringError, change, default_instruments

# --- change --------------------------------------------------------------------------------


def test_pain_falling_two_points_is_a_meaningful_improvement():
    result = change("nprs", 6, 4)
    assert (result.delta, result.percent, result.improved, result.meaningful) == (
        -2.0,
        -33.3,
        True,
        True,
    )
    assert "Farrar 2001" in result.threshold_text


def test_pain_falling_one_point_from_six_is_an_improvement_but_not_meaningful():
    result = change("nprs", 6, 5)  # -1 point, -16.7%
    assert (result.improved, result.meaningful) == (True, False)


def test_pain_falling_exactly_thirty_percent_is_meaningful_even_under_two_points():
    assert change("nprs", 5, 3.5).meaningful is True  # -1.5 points, -30%
    assert change("nprs", 5, 3.6).meaningful is False  # -1.4 points, -28%
    assert change("nprs", 3, 2).meaningful is True  # -1 point, -33.3%


def test_pain_rising_two_points_is_a_meaningful_worsening():
    result = change("nprs", 4, 6)
    assert (result.delta, result.improved, result.meaningful) == (2.0, False, True)


def test_a_small_rise_from_low_pain_is_not_a_meaningful_worsening():
    # +100% but only 1 point: the 30% threshold is for improvement from baseline
    result = change("nprs", 1, 2)
    assert (result.percent, result.improved, result.meaningful) == (100.0, False, False)


def test_no_change_is_neither_improved_nor_meaningful():
    result = change("odi", 30, 30)
    assert (result.delta, result.percent, result.improved, result.meaningful) == (
        0.0,
        0.0,
        False,
        False,
    )


def test_percent_is_undefined_from_a_first_score_of_zero():
    result = change("nprs", 0, 3)
    assert (result.percent, result.improved, result.meaningful) == (None, False, True)


def test_odi_ten_points_or_thirty_percent():
    assert change("odi", 50, 40).meaningful is True  # -10 points exactly
    assert change("odi", 50, 40.2).meaningful is False  # -9.8 points, -19.6%
    assert change("odi", 30, 21).meaningful is True  # -9 points, -30% exactly
    assert change("odi", 30, 21.1).meaningful is False  # -8.9 points, -29.7%
    assert change("odi", 21, 31).meaningful is True  # +10 points: meaningful worsening


def test_ndi_fifteen_percentage_points():
    assert change("ndi", 40, 25).meaningful is True  # -15 percentage points = -7.5 raw
    assert change("ndi", 40, 25.1).meaningful is False
    assert change("ndi", 33.3, 18.3).meaningful is True  # float noise does not hide it
    worse = change("ndi", 20, 35)
    assert (worse.improved, worse.meaningful) == (False, True)


def test_lefs_rising_nine_points_is_a_meaningful_improvement():
    result = change("lefs", 40, 49)
    assert (result.delta, result.improved, result.meaningful) == (9.0, True, True)
    assert change("lefs", 40, 48).meaningful is False


def test_lefs_falling_nine_points_is_a_meaningful_worsening():
    result = change("lefs", 49, 40)
    assert (result.delta, result.improved, result.meaningful) == (-9.0, False, True)


def test_psfs_mean_rising_two_points_is_meaningful():
    result = change("psfs", 3.3, 5.3)  # 5.3 - 3.3 = 1.9999999999999996 in floats
    assert (result.delta, result.improved, result.meaningful) == (2.0, True, True)
    assert change("psfs", 3.3, 5.2).meaningful is False
    assert change("psfs", 5.3, 3.3).improved is False


def test_quickdash_fourteen_points():
    assert change("quickdash", 50, 36).meaningful is True
    assert change("quickdash", 50, 36.1).meaningful is False


def test_hit6_uses_the_conservative_eight_points():
    assert change("hit6", 60, 52).meaningful is True
    assert change("hit6", 60, 53).meaningful is False  # within 2.5-8, below the chosen 8


@pytest.mark.parametrize(("code", "before", "after"), [("nprs", 11, 5), ("hit6", 30, 40)])
def test_change_refuses_scores_outside_the_range(code, before, after):
    with pytest.raises(ScoringError, match="before score .* is outside"):
        change(code, before, after)


def test_change_refuses_non_numbers():
    with pytest.raises(ScoringError, match="after must be a number"):
        change("nprs", 5, float("nan"))


# --- default instruments -------------------------------------------------------------------


def test_everyone_gets_the_pain_scale():
    assert default_instruments([]) == ["nprs"]
    assert default_instruments(["knee_left", "shoulder_right", "upper_back"]) == ["nprs"]


def test_neck_low_back_and_head_add_their_own_instruments_in_order_once():
    assert default_instruments(["neck"]) == ["nprs", "ndi"]
    assert default_instruments(["low_back"]) == ["nprs", "odi"]
    assert default_instruments(["head"]) == ["nprs", "hit6"]
    assert default_instruments(iter(["head", "low_back", "neck", "neck", "head"])) == [
        "nprs",
        "ndi",
        "odi",
        "hit6",
    ]


def test_default_instruments_refuses_a_bare_string():
    with pytest.raises(TypeError):
        default_instruments("neck")
