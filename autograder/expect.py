"""``expect``: the one assertion that exercise tests use.

A test cell writes ``expect(ACTUAL, EXPECTED, "hint")``. Plain nbgrader runs it as an assertion in
the learner's kernel. The actual value is first turned into plain data (numbers, strings, lists,
dicts, None) by :func:`to_plain`, which refuses any other type: an object whose ``__eq__`` always
says yes cannot pass. The comparison (:func:`same`) is on plain data only, so Own It's grader can
later evaluate ACTUAL in a sandbox, carry the plain value out as JSON, and compare it with
EXPECTED in a trusted process (see docs/authoring-exercises.md).

Rules for authors: EXPECTED is a Python literal (so it can be read without running code); the hint
says what to look at and never states the expected value.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping

REL_TOL = 1e-6
ABS_TOL = 1e-9


class NotPlainData(TypeError):
    """A value that cannot be compared safely (not numbers, text, lists, dicts or None)."""


def to_plain(value):
    """Plain JSON-like data for a value, or :class:`NotPlainData`.

    bool/int/float/str/None stay; numpy scalars become Python numbers; dates and times become
    ISO 8601 text; durations become seconds; tuples and lists become lists; sets become sorted
    lists; mappings become dicts with text keys; pandas Series become dicts (index -> value) and
    DataFrames lists of row dicts.
    """
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return value
    module = type(value).__module__.split(".")[0]
    if module == "numpy":
        if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
            return to_plain(value.item())
        if hasattr(value, "tolist"):
            return to_plain(value.tolist())
    if module == "pandas":
        kind = type(value).__name__
        if kind == "Timestamp":
            return value.isoformat()
        if kind == "Timedelta":
            return value.total_seconds()
        if kind == "Series":
            return {to_key(k): to_plain(v) for k, v in value.items()}
        if kind == "DataFrame":
            return [{to_key(k): to_plain(v) for k, v in row.items()}
                    for row in value.to_dict(orient="records")]
        if kind in ("NaTType", "NAType"):
            return None
        if kind in ("Index", "DatetimeIndex", "RangeIndex"):
            return [to_plain(v) for v in value]
    if type(value) in (_dt.datetime, _dt.date, _dt.time):
        return value.isoformat()
    if type(value) is _dt.timedelta:
        return value.total_seconds()
    if type(value) in (list, tuple):
        return [to_plain(v) for v in value]
    if type(value) in (set, frozenset):
        items = [to_plain(v) for v in value]
        try:
            return sorted(items)
        except TypeError:
            return sorted(items, key=repr)
    if isinstance(value, Mapping) and type(value).__module__ in ("builtins", "collections"):
        return {to_key(k): to_plain(v) for k, v in value.items()}
    raise NotPlainData(
        f"expected plain data (numbers, text, lists, dicts, None), got {type(value).__name__}"
    )


def to_key(key) -> str:
    plain = to_plain(key)
    return plain if isinstance(plain, str) else str(plain)


def same(actual, expected, *, rel_tol: float = REL_TOL, abs_tol: float = ABS_TOL) -> bool:
    """Equality of plain data; numbers compare with tolerance, bools only with bools."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        if isinstance(expected, float) and math.isnan(expected):
            return isinstance(actual, float) and math.isnan(actual)
        return math.isclose(actual, expected, rel_tol=rel_tol, abs_tol=abs_tol)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(actual) == len(expected) and all(
            same(a, e, rel_tol=rel_tol, abs_tol=abs_tol)
            for a, e in zip(actual, expected, strict=True))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return actual.keys() == expected.keys() and all(
            same(actual[k], expected[k], rel_tol=rel_tol, abs_tol=abs_tol) for k in expected)
    if isinstance(expected, tuple):
        return same(actual, list(expected), rel_tol=rel_tol, abs_tol=abs_tol)
    return type(actual) is type(expected) and actual == expected


def expect(actual, expected, hint: str, *, rel_tol: float = REL_TOL,
           abs_tol: float = ABS_TOL) -> None:
    """Raise ``AssertionError(hint)`` unless ``actual`` equals ``expected`` as plain data."""
    try:
        plain = to_plain(actual)
    except NotPlainData as exc:
        raise AssertionError(f"{hint} (Your answer has the wrong type: {exc}.)") from None
    if not same(plain, to_plain(expected), rel_tol=rel_tol, abs_tol=abs_tol):
        raise AssertionError(hint)
