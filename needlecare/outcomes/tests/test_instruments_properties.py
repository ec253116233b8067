"""Properties that hold for every scoreable set of answers, checked by hypothesis."""

from hypothesis import given
from hypothesis import strategies as st

from needlecare.outcomes.instruments import INSTRUMENTS, change, score


@st.composite
def completed(draw, code=None):
    """A scoreable set of answers for one instrument: every value allowed, missing within limit."""
    code = code or draw(st.sampled_from(sorted(INSTRUMENTS)))
    instrument = INSTRUMENTS[code]
    values = {item.key: draw(st.sampled_from(item.values)) for item in instrument.items}
    keys = list(values)
    dropped = draw(st.lists(st.sampled_from(keys), max_size=instrument.max_missing, unique=True))
    blank = draw(st.booleans())  # missing as None, or as an absent key
    for key in dropped:
        if blank:
            values[key] = None
        else:
            del values[key]
    return code, values


@given(completed())
def test_every_score_lies_inside_its_range(case):
    code, values = case
    result = score(code, values)
    low, high = INSTRUMENTS[code].score_range
    assert low <= result.value <= high
    assert result.total_items == len(INSTRUMENTS[code].items)
    assert result.answered == sum(v is not None for v in values.values())


@given(completed(), st.data())
def test_raising_one_answer_never_lowers_the_score(case, data):
    # For lower-is-better instruments a higher answer is a worse state and must never read as
    # an improvement; for LEFS and PSFS a higher answer is a better state, same inequality.
    code, values = case
    answered = [key for key, value in values.items() if value is not None]
    key = data.draw(st.sampled_from(answered))
    item = next(i for i in INSTRUMENTS[code].items if i.key == key)
    higher = [v for v in item.values if v > values[key]]
    if not higher:
        return
    raised = {**values, key: data.draw(st.sampled_from(higher))}
    assert score(code, raised).value >= score(code, values).value


@given(completed())
def test_scoring_is_deterministic_and_ignores_answer_order(case):
    code, values = case
    reordered = dict(reversed(list(values.items())))
    assert score(code, values) == score(code, values) == score(code, reordered)


@given(st.sampled_from(sorted(INSTRUMENTS)), st.data())
def test_change_reversed_flips_the_delta_and_never_improves_both_ways(code, data):
    low, high = INSTRUMENTS[code].score_range
    points = st.integers(int(low * 10), int(high * 10)).map(lambda n: n / 10)
    before, after = data.draw(points), data.draw(points)
    forward, backward = change(code, before, after), change(code, after, before)
    assert forward.delta == -backward.delta
    assert not (forward.improved and backward.improved)
    assert forward.improved == (before != after and backward.improved is False)
