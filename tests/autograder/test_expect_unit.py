"""autograder.expect: plain data only, numbers with tolerance, and the hint as the message."""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pytest

from autograder.expect import NotPlainData, expect, same, to_plain


@pytest.mark.parametrize("actual, expected, kept", [
    (1.0 + 1e-7, 1.0, True),  # within the relative tolerance (1e-6)
    (1.001, 1.0, False),
    (1e-10, 0.0, True),  # within the absolute tolerance (1e-9) near zero
    (1e-8, 0.0, False),
    (2, 2.0, True),  # an int and a float are the same number
    (3, 2.0, False),
])
def test_numbers_compare_with_the_default_tolerances(actual, expected, kept):
    assert same(actual, expected) is kept


def test_a_check_can_widen_or_narrow_its_tolerance():
    assert same(1.05, 1.0, rel_tol=0.1) and not same(1.05, 1.0)
    assert same(0.5, 0.0, abs_tol=1) and not same(1 + 1e-7, 1.0, rel_tol=1e-9)
    assert same([1.05, {"a": 2.1}], [1.0, {"a": 2.0}], rel_tol=0.1)


def test_nan_equals_only_nan():
    nan = float("nan")
    assert same(nan, nan) and same(np.float64("nan"), nan)
    assert not same(1.0, nan) and not same(nan, 1.0) and not same(None, nan)


def test_bools_are_not_numbers_and_text_is_not_a_number():
    assert same(True, True) and not same(True, 1) and not same(1, True)
    assert not same(False, 0.0) and not same("1", 1) and not same(1, "1")


def test_tuples_expected_match_lists_and_sizes_must_agree():
    assert same([1, 2], (1, 2)) and same([[1, 2]], [(1, 2)])
    assert not same([1, 2, 3], [1, 2]) and not same([1], (1, 2))


def test_numpy_values_become_python_values():
    assert type(to_plain(np.int64(3))) is int and type(to_plain(np.float32(0.5))) is float
    assert to_plain(np.arange(3)) == [0, 1, 2] and to_plain(np.bool_(True)) is True


def test_a_dataframe_becomes_rows_of_python_values():
    frame = pd.DataFrame({"team": ["a", "b"], "pages": np.array([3, 4], dtype="int64")})
    rows = to_plain(frame)
    assert rows == [{"team": "a", "pages": 3}, {"team": "b", "pages": 4}]
    assert type(rows[0]["pages"]) is int
    assert same(rows, [{"team": "a", "pages": 3.0}, {"team": "b", "pages": 4.0}])
    assert not same(rows, [{"team": "b", "pages": 4}, {"team": "a", "pages": 3}])


def test_a_series_becomes_a_mapping_with_text_keys():
    series = pd.Series([1.5, 2.5], index=pd.to_datetime(["2024-01-01", "2024-01-02"]))
    assert to_plain(series) == {"2024-01-01T00:00:00": 1.5, "2024-01-02T00:00:00": 2.5}
    assert to_plain(pd.Series([7], index=[3])) == {"3": 7}


def test_durations_become_seconds_and_times_iso_text():
    assert to_plain(pd.Timedelta(minutes=90)) == 5400.0
    assert to_plain(dt.timedelta(hours=1, seconds=1)) == 3601.0
    assert to_plain(pd.Timestamp("2024-03-01 12:00")) == "2024-03-01T12:00:00"
    assert to_plain(dt.date(2024, 3, 1)) == "2024-03-01"
    assert to_plain(pd.NaT) is None and to_plain(pd.NA) is None
    assert same(to_plain(pd.Timedelta(seconds=30)), 30) and not same(30.5, 30)


def test_nested_mappings_become_dicts_all_the_way_down():
    value = {"a": {"b": (1, 2), 3: {"c"}}, 4: collections.OrderedDict(x=None)}
    assert to_plain(value) == {"a": {"b": [1, 2], "3": ["c"]}, "4": {"x": None}}
    assert to_plain(collections.defaultdict(int, k=1)) == {"k": 1}
    assert same(to_plain(value), {"a": {"b": [1, 2], "3": ["c"]}, "4": {"x": None}})
    assert not same({"a": {"b": 1}}, {"a": {"c": 1}})  # keys must agree
    assert not same({"a": {"b": 1}}, {"a": {"b": 1}, "z": 0})


def test_sets_become_sorted_lists_even_of_mixed_types():
    assert to_plain({3, 1, 2}) == [1, 2, 3]
    assert sorted(map(str, to_plain({1, "a"}))) == ["1", "a"]


class Lying(Mapping):
    """A mapping of its own class: its items could be anything each time they are read."""

    def __getitem__(self, key):
        return 1

    def __iter__(self):
        return iter(["a"])

    def __len__(self):
        return 1


class AlwaysEqual:
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


@pytest.mark.parametrize("value", [AlwaysEqual(), [1, AlwaysEqual()], {"a": AlwaysEqual()},
                                   Lying(), object()])
def test_anything_that_is_not_plain_data_is_refused(value):
    with pytest.raises(NotPlainData, match="expected plain data"):
        to_plain(value)


def test_a_passing_expect_says_nothing():
    assert expect([1, 2], [1, 2], "never shown") is None
    assert expect(0.1 + 0.2, 0.3, "never shown") is None


def test_a_failing_expect_raises_exactly_the_hint():
    with pytest.raises(AssertionError) as caught:
        expect(1, 2, "Count every word, the repeated ones too")
    assert str(caught.value) == "Count every word, the repeated ones too"


def test_the_wrong_type_keeps_the_hint_and_says_what_type_it_got():
    with pytest.raises(AssertionError) as caught:
        expect(AlwaysEqual(), 2, "Return the number of pages")
    assert str(caught.value) == ("Return the number of pages (Your answer has the wrong type: "
                                 "expected plain data (numbers, text, lists, dicts, None), got "
                                 "AlwaysEqual.)")


def test_expect_reads_its_tolerances():
    expect(1.05, 1.0, "close enough", rel_tol=0.1)
    with pytest.raises(AssertionError):
        expect(1.05, 1.0, "too far")
