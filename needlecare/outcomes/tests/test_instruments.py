"""Outcome scoring read as the clinic reads it: the instruments, worked examples, missing answers.

No database: the instruments are plain Python. Each worked example shows the sum by hand.
Change and default instruments: test_instruments_change.py; properties:
test_instruments_properties.py.
"""

import pytest

from needlecare.outcomes.instruments import INSTRUMENTS, ScoringError, band, change, score

NDI_KEYS = INSTRUMENTS["ndi"].item_keys
ODI_KEYS = INSTRUMENTS["odi"].item_keys
HIT6_KEYS = INSTRUMENTS["hit6"].item_keys
LEFS_KEYS = INSTRUMENTS["lefs"].item_keys
DASH_KEYS = INSTRUMENTS["quickdash"].item_keys


def answers(keys, values):
    """Pair keys with values in order; a value of None is a missing answer."""
    assert len(keys) == len(values)
    return dict(zip(keys, values, strict=True))


def odi_with_sum(total):
    """Ten ODI sections adding up to `total` (fives first, then the remainder, then zeros)."""
    values = [min(5, max(0, total - 5 * i)) for i in range(10)]
    assert sum(values) == total
    return answers(ODI_KEYS, values)


# --- the instruments as the reference describes them --------------------------------------


def test_the_seven_instruments_have_the_reference_items_and_answer_values():
    expected = {
        "nprs": (1, set(range(0, 11))),
        "psfs": (5, set(range(0, 11))),
        "ndi": (10, set(range(0, 6))),
        "odi": (10, set(range(0, 6))),
        "hit6": (6, {6, 8, 10, 11, 13}),
        "lefs": (20, set(range(0, 5))),
        "quickdash": (11, set(range(1, 6))),
    }
    assert set(INSTRUMENTS) == set(expected)
    for code, (count, values) in expected.items():
        instrument = INSTRUMENTS[code]
        assert instrument.code == code
        assert len(instrument.items) == count
        for item in instrument.items:
            assert set(item.values) == values
            assert item.text and all(label for _, label in item.choices)


def test_direction_range_and_unit_follow_the_reference():
    table = {
        "nprs": ("lower", (0, 10), "points"),
        "psfs": ("higher", (0, 10), "points"),
        "ndi": ("lower", (0, 100), "%"),
        "odi": ("lower", (0, 100), "%"),
        "hit6": ("lower", (36, 78), "points"),
        "lefs": ("higher", (0, 80), "points"),
        "quickdash": ("lower", (0, 100), "points"),
    }
    for code, (better, score_range, unit) in table.items():
        instrument = INSTRUMENTS[code]
        assert (instrument.better, instrument.score_range, instrument.unit) == (
            better,
            score_range,
            unit,
        )


def test_meaningful_changes_carry_their_sources():
    assert INSTRUMENTS["nprs"].mcid.points == 2 and INSTRUMENTS["nprs"].mcid.percent == 30
    assert "Farrar 2001" in INSTRUMENTS["nprs"].mcid.source
    assert INSTRUMENTS["odi"].mcid.points == 10 and INSTRUMENTS["odi"].mcid.percent == 30
    assert "Ostelo 2008" in INSTRUMENTS["odi"].mcid.source
    assert (
        INSTRUMENTS["psfs"].mcid.points == 2 and "Stratford 1995" in INSTRUMENTS["psfs"].mcid.source
    )
    assert (
        INSTRUMENTS["lefs"].mcid.points == 9 and "Binkley 1999" in INSTRUMENTS["lefs"].mcid.source
    )
    assert INSTRUMENTS["quickdash"].mcid.points == 14
    assert INSTRUMENTS["hit6"].mcid.points == 8


def test_ndi_meaningful_change_is_young_s_7_5_raw_points_on_the_percentage_scale():
    # Young 2009: 7.5 of the 50 raw points; the NDI score here is a percentage (raw x 2).
    mcid = INSTRUMENTS["ndi"].mcid
    assert mcid.points == 15 and mcid.percent is None
    assert "Young 2009" in mcid.source and "7.5" in mcid.source and "10 raw points" in mcid.source


def test_hit6_is_marked_unverified_and_says_why():
    hit6 = INSTRUMENTS["hit6"]
    assert hit6.verified is False
    assert "unverified" in hit6.note.lower() and "6, 8, 10, 11, 13" in hit6.note
    assert "unverified" in hit6.mcid.source
    assert [code for code, i in INSTRUMENTS.items() if not i.verified] == ["hit6"]


def test_region_hints():
    assert INSTRUMENTS["nprs"].regions == () and INSTRUMENTS["psfs"].regions == ()
    assert INSTRUMENTS["ndi"].regions == ("neck",)
    assert INSTRUMENTS["odi"].regions == ("low_back",)
    assert INSTRUMENTS["hit6"].regions == ("head",)
    assert set(INSTRUMENTS["lefs"].regions) == {
        f"{part}_{side}"
        for part in ("hip", "thigh", "knee", "leg", "foot")
        for side in ("left", "right")
    }
    assert set(INSTRUMENTS["quickdash"].regions) == {
        f"{part}_{side}" for part in ("shoulder", "arm", "hand") for side in ("left", "right")
    }


def test_every_score_carries_its_instrument_and_scoring_version():
    result = score("nprs", {"pain": 3})
    assert (result.instrument, result.version) == ("nprs", "nprs-2026.1")
    for code, instrument in INSTRUMENTS.items():
        assert instrument.version.startswith(f"{code}-")


# --- NPRS ----------------------------------------------------------------------------------


def test_nprs_score_is_the_number_given():
    result = score("nprs", {"pain": 7})
    assert (result.value, result.answered, result.total_items, result.band) == (7.0, 1, 1, None)


@pytest.mark.parametrize("answers_", [{}, {"pain": None}])
def test_nprs_without_an_answer_is_refused(answers_):
    with pytest.raises(ScoringError, match="every item must be answered; unanswered: pain"):
        score("nprs", answers_)


# --- PSFS ----------------------------------------------------------------------------------


def test_psfs_score_is_the_mean_of_the_rated_activities():
    # (3 + 5 + 8) / 3 = 5.333... -> 5.3
    result = score("psfs", {"activity_1": 3, "activity_2": 5, "activity_3": 8})
    assert (result.value, result.answered, result.total_items, result.raw) == (5.3, 3, 5, None)


def test_psfs_mean_rounds_half_up():
    # (6 + 6 + 6 + 7) / 4 = 6.25 -> 6.3, as on paper (Python's round() would give 6.2)
    result = score("psfs", {"activity_1": 6, "activity_2": 6, "activity_3": 6, "activity_4": 7})
    assert result.value == 6.3
    # (2 + 4 + 6 + 7) / 4 = 4.75 -> 4.8
    result = score("psfs", {"activity_1": 2, "activity_2": 4, "activity_3": 6, "activity_4": 7})
    assert result.value == 4.8


def test_psfs_with_all_five_activities():
    # (1 + 2 + 3 + 4 + 10) / 5 = 4.0
    result = score("psfs", answers(INSTRUMENTS["psfs"].item_keys, [1, 2, 3, 4, 10]))
    assert (result.value, result.answered) == (4.0, 5)


def test_psfs_needs_at_least_three_rated_activities():
    with pytest.raises(ScoringError, match="2 of 5 items answered, at least 3 are needed"):
        score("psfs", {"activity_1": 4, "activity_2": 6, "activity_3": None})


# --- NDI -----------------------------------------------------------------------------------


def test_ndi_percentage_of_all_ten_items():
    # 2+2+2+2+2+2+2+2+1+0 = 17; 17 / 50 x 100 = 34%
    result = score("ndi", answers(NDI_KEYS, [2, 2, 2, 2, 2, 2, 2, 2, 1, 0]))
    assert (result.value, result.raw, result.answered, result.band) == (34.0, 17.0, 10, None)


def test_ndi_with_one_missing_item_is_scored_over_the_answered_items():
    # 2+2+2+2+2+2+2+1+0 = 15 over 9 answered: 15 / 45 x 100 = 33.33% -> 33.3
    result = score("ndi", answers(NDI_KEYS, [2, 2, 2, 2, 2, 2, 2, None, 1, 0]))
    assert (result.value, result.raw, result.answered, result.total_items) == (33.3, 15.0, 9, 10)


def test_ndi_with_two_missing_items_is_refused():
    with pytest.raises(
        ScoringError, match="8 of 10 items answered, at least 9 are needed; unanswered: lifting"
    ):
        score("ndi", answers(NDI_KEYS, [2, 2, None, 2, 2, 2, 2, None, 1, 0]))


# --- ODI -----------------------------------------------------------------------------------


def test_odi_percentage_and_band():
    # 5+5+5+5+2 = 22; 22 / 50 x 100 = 44% -> severe (41-60)
    result = score("odi", odi_with_sum(22))
    assert (result.value, result.raw, result.band) == (44.0, 22.0, "severe")


def test_odi_with_sex_life_left_blank_is_scored_over_nine_sections():
    # 18 over 9 answered: 18 / 45 x 100 = 40% -> moderate (21-40)
    values = [2, 2, 2, 2, 2, 2, 2, None, 2, 2]
    result = score("odi", answers(ODI_KEYS, values))
    assert (result.value, result.answered, result.band) == (40.0, 9, "moderate")


def test_odi_with_two_missing_sections_is_refused():
    with pytest.raises(ScoringError, match="at least 9 are needed"):
        score("odi", answers(ODI_KEYS, [1, 1, 1, 1, 1, 1, 1, None, None, 1]))


@pytest.mark.parametrize(
    ("total", "value", "expected"),
    [
        (0, 0.0, "minimal"),
        (10, 20.0, "minimal"),
        (11, 22.0, "moderate"),
        (20, 40.0, "moderate"),
        (21, 42.0, "severe"),
        (30, 60.0, "severe"),
        (31, 62.0, "crippled"),
        (40, 80.0, "crippled"),
        (41, 82.0, "bed-bound"),
        (50, 100.0, "bed-bound"),
    ],
)
def test_odi_band_edges_from_real_answers(total, value, expected):
    result = score("odi", odi_with_sum(total))
    assert (result.value, result.band) == (value, expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (20, "minimal"),
        (20.1, "moderate"),
        (21, "moderate"),
        (40, "moderate"),
        (41, "severe"),
        (60, "severe"),
        (61, "crippled"),
        (80, "crippled"),
        (81, "bed-bound"),
    ],
)
def test_odi_band_edges(value, expected):
    assert band("odi", value) == expected


def test_instruments_other_than_the_odi_have_no_band():
    assert band("ndi", 50) is None
    assert score("quickdash", answers(DASH_KEYS, [3] * 11)).band is None


# --- HIT-6 ---------------------------------------------------------------------------------


def test_hit6_is_the_sum_of_the_answer_values():
    # 6 + 8 + 10 + 11 + 13 + 13 = 61
    result = score("hit6", answers(HIT6_KEYS, [6, 8, 10, 11, 13, 13]))
    assert (result.value, result.raw, result.answered) == (61.0, 61.0, 6)


def test_hit6_runs_from_36_to_78():
    assert score("hit6", answers(HIT6_KEYS, [6] * 6)).value == 36.0  # 6 x 6
    assert score("hit6", answers(HIT6_KEYS, [13] * 6)).value == 78.0  # 6 x 13


def test_hit6_refuses_a_value_between_the_answer_values():
    with pytest.raises(ScoringError, match=r"is 7, outside the allowed values 6, 8, 10, 11, 13"):
        score("hit6", answers(HIT6_KEYS, [6, 7, 10, 11, 13, 13]))


def test_hit6_with_any_missing_item_is_refused():
    with pytest.raises(ScoringError, match="every item must be answered; unanswered: fed_up"):
        score("hit6", answers(HIT6_KEYS, [6, 8, 10, 11, None, 13]))


# --- LEFS ----------------------------------------------------------------------------------


def test_lefs_is_the_sum_of_twenty_items():
    # ten 3s and ten 2s: 30 + 20 = 50
    result = score("lefs", answers(LEFS_KEYS, [3] * 10 + [2] * 10))
    assert (result.value, result.raw, result.answered) == (50.0, 50.0, 20)


def test_lefs_with_one_missing_item_is_scaled_to_twenty():
    # 19 answered, each 3: sum 57; 57 x 20 / 19 = 60
    result = score("lefs", answers(LEFS_KEYS, [3] * 19 + [None]))
    assert (result.value, result.raw, result.answered) == (60.0, 57.0, 19)
    # nine 3s and ten 2s: 27 + 20 = 47; 47 x 20 / 19 = 49.47 -> 49.5
    assert score("lefs", answers(LEFS_KEYS, [3] * 9 + [None] + [2] * 10)).value == 49.5


def test_lefs_with_two_missing_items_is_refused():
    with pytest.raises(ScoringError, match="18 of 20 items answered, at least 19 are needed"):
        score("lefs", answers(LEFS_KEYS, [4] * 18 + [None, None]))


# --- QuickDASH -----------------------------------------------------------------------------


def test_quickdash_transform():
    # 3 x 11 = 33; (33 / 11 - 1) x 25 = 50
    assert score("quickdash", answers(DASH_KEYS, [3] * 11)).value == 50.0
    # 1+1+1+2+2+2+2+3+3+4+4 = 25; (25 / 11 - 1) x 25 = 31.82 -> 31.8
    result = score("quickdash", answers(DASH_KEYS, [1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 4]))
    assert (result.value, result.raw) == (31.8, 25.0)


def test_quickdash_runs_from_0_to_100():
    assert score("quickdash", answers(DASH_KEYS, [1] * 11)).value == 0.0
    assert score("quickdash", answers(DASH_KEYS, [5] * 11)).value == 100.0


def test_quickdash_with_one_missing_item_is_scored():
    # ten 2s: 20; (20 / 10 - 1) x 25 = 25
    result = score("quickdash", answers(DASH_KEYS, [2] * 10 + [None]))
    assert (result.value, result.answered, result.total_items) == (25.0, 10, 11)


def test_quickdash_with_two_missing_items_is_refused():
    with pytest.raises(ScoringError, match="9 of 11 items answered, at least 10 are needed"):
        score("quickdash", answers(DASH_KEYS, [2] * 9 + [None, None]))


# --- answers that cannot be scored ---------------------------------------------------------


def test_an_unknown_item_is_refused_by_name():
    with pytest.raises(ScoringError, match=r"Numeric Pain Rating Scale: unknown item 'mood'"):
        score("nprs", {"pain": 3, "mood": 2})


@pytest.mark.parametrize(
    ("code", "key", "value", "allowed"),
    [
        ("nprs", "pain", 11, "range 0-10"),
        ("nprs", "pain", -1, "range 0-10"),
        ("ndi", "lifting", 6, "range 0-5"),
        ("lefs", "hopping", 5, "range 0-4"),
        ("quickdash", "tight_jar", 0, "range 1-5"),
    ],
)
def test_an_out_of_range_answer_is_refused_with_the_allowed_range(code, key, value, allowed):
    with pytest.raises(
        ScoringError, match=f"the answer to '{key}' is {value}, outside the allowed {allowed}"
    ):
        score(code, {key: value})


@pytest.mark.parametrize("value", [True, 2.5, "3"])
def test_an_answer_that_is_not_a_whole_number_is_refused(value):
    with pytest.raises(ScoringError, match="must be a whole number"):
        score("nprs", {"pain": value})


def test_an_unknown_instrument_is_refused():
    with pytest.raises(ScoringError, match="unknown instrument 'vas' .expected one of: nprs, psfs"):
        score("vas", {})
    with pytest.raises(ScoringError, match="unknown instrument"):
        change("vas", 1, 2)


def test_scoring_errors_are_value_errors():
    assert issubclass(ScoringError, ValueError)
