"""The examples of notebook 01 are reproducible and show what the notebook's prose says they show.

The prose quotes numbers (the alert fires at 11:25, 22 minutes before the first complaint; the
canary fails 1.5% against 0.4%): if a generator changes, these tests say which sentence to fix.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import ROOT
from ownit.learner.lessons import end_to_end as e2e


@pytest.fixture(scope="module")
def per_minute() -> pd.DataFrame:
    return e2e.latency_by_minute()


def _in_incident(frame: pd.DataFrame) -> pd.Series:
    return (frame.index >= e2e.INCIDENT.start) & (frame.index < e2e.INCIDENT.end)


def test_same_seed_same_data():
    pd.testing.assert_frame_equal(e2e.requests_log(), e2e.requests_log())
    pd.testing.assert_frame_equal(e2e.canary_requests(), e2e.canary_requests())


def test_another_seed_other_data():
    assert not e2e.requests_log(seed=1).equals(e2e.requests_log(seed=2))
    assert not e2e.canary_requests(seed=1).equals(e2e.canary_requests(seed=2))


def test_a_day_is_six_hours_of_minutes_with_realistic_traffic(per_minute):
    assert len(per_minute) == 6 * 60
    assert per_minute.index.tz is not None
    assert 130 <= per_minute["requests"].min() and per_minute["requests"].max() <= 250


def test_the_incident_bump_crosses_500_ms_and_nothing_else_does(per_minute):
    inside = per_minute.loc[_in_incident(per_minute), "p99_ms"]
    outside = per_minute.loc[~_in_incident(per_minute), "p99_ms"]
    assert (inside > 500).sum() >= 30, "the slow spell must be plain on the plot"
    assert outside.max() < 450, "a quiet day must not cross the threshold by chance"


def test_the_median_hardly_moves_and_the_average_stays_low(per_minute):
    assert per_minute.loc[_in_incident(per_minute), "p50_ms"].max() < 150
    log = e2e.requests_log()
    assert log.groupby("minute")["latency_ms"].mean().max() < 250


def test_the_alert_fires_22_minutes_before_the_first_complaint(per_minute):
    fired = e2e.first_alert(per_minute, threshold_ms=500, for_minutes=3)
    assert fired == pd.Timestamp("2024-06-11 11:25", tz="UTC")
    assert e2e.INCIDENT.first_complaint - fired == pd.Timedelta(minutes=22)


@pytest.mark.parametrize(("p99s", "for_minutes", "fires_at"), [
    ([100, 600, 100, 600, 100], 2, None),        # isolated spikes never add up
    ([100, 600, 700, 100, 100], 2, 2),           # fires on the minute the run reaches N
    ([600, 600, 600, 600, 100], 3, 2),
    ([500, 500, 500, 500, 500], 1, None),        # at the threshold is not over it
])
def test_first_alert_needs_minutes_in_a_row(p99s, for_minutes, fires_at):
    index = pd.date_range("2024-01-01", periods=len(p99s), freq="min", tz="UTC")
    frame = pd.DataFrame({"p99_ms": p99s}, index=index)
    expected = None if fires_at is None else index[fires_at]
    assert e2e.first_alert(frame, threshold_ms=500, for_minutes=for_minutes) == expected


def test_the_canary_is_worse_by_the_numbers_the_notebook_quotes():
    table = e2e.compare_canary(e2e.canary_requests())
    assert table.loc["baseline", "error_rate_pct"] == pytest.approx(0.42)
    assert table.loc["canary", "error_rate_pct"] == pytest.approx(1.50)
    assert table.loc["canary", "p50_ms"] - table.loc["baseline", "p50_ms"] == pytest.approx(16.4)
    assert table.loc["canary", "error_rate_pct"] < 2, "the point: no alert would fire"


def test_the_naive_p99_breaks_on_the_cases_its_author_knows():
    report = e2e.try_edge_cases(e2e.naive_p99, {
        "busy": [float(ms) for ms in range(100, 300)], "empty": [], "timeout": [1.0, None]})
    assert report.loc["busy", "error"] == ""
    assert report.loc["empty", "error"].startswith("IndexError")
    assert report.loc["timeout", "error"].startswith("TypeError")


def test_the_lifecycle_matches_the_order_quiz():
    bank = json.loads((ROOT / "course/quizzes/01_end_to_end_ownership.json").read_text())
    item = next(i for i in bank["items"] if i["id"] == "lifecycle_order")
    assert [o["id"] for o in item["options"]] == list(e2e.lifecycle_table()["stage"])


@pytest.mark.parametrize("plot", ["latency", "canary"])
def test_every_plot_has_a_title(plot, per_minute):
    if plot == "latency":
        fig = e2e.plot_latency(per_minute, alert_at=e2e.first_alert(per_minute))
    else:
        fig = e2e.plot_canary(e2e.canary_requests())
    assert all(ax.get_title() for ax in fig.axes)


def test_one_request_in_ten_is_slow_while_the_p99_is_up():
    log = e2e.requests_log()
    spell = log[(log["minute"] >= pd.Timestamp("2024-06-11 11:23", tz="UTC"))
                & (log["minute"] < e2e.INCIDENT.end)]
    assert round((spell["latency_ms"] > 500).mean() * 100, 1) == 9.7


@pytest.fixture(scope="module")
def errors() -> pd.DataFrame:
    return e2e.errors_by_minute()


def test_the_error_alert_fires_at_09_42_and_the_latency_alert_cannot(errors, per_minute):
    fired = e2e.first_alert(errors, 2.0, for_minutes=3, column="error_pct")
    assert fired == pd.Timestamp("2024-06-11 09:42", tz="UTC")
    assert e2e.ERROR_SPELL.first_complaint - fired == pd.Timedelta(minutes=16)
    spell = per_minute.loc[e2e.ERROR_SPELL.start:e2e.ERROR_SPELL.end, "p99_ms"]
    assert spell.max() < 450, "fast failures must leave the p99 alone"


def test_a_normal_minute_stays_under_the_error_threshold(errors):
    spell = (errors.index >= e2e.ERROR_SPELL.start) & (errors.index < e2e.ERROR_SPELL.end)
    assert errors.loc[~spell, "error_pct"].max() == pytest.approx(1.95)
    assert errors.loc[spell, "error_pct"].min() > 3


def test_the_error_spell_costs_283_failed_requests():
    log = e2e.requests_log()
    spell = (log["minute"] >= e2e.ERROR_SPELL.start) & (log["minute"] < e2e.ERROR_SPELL.end)
    assert log.loc[spell, "error"].sum() == 283


def test_an_alert_on_a_missing_column_names_the_columns(errors):
    with pytest.raises(KeyError, match="error_pct"):
        e2e.first_alert(errors, column="p99_ms")


def test_the_error_plot_has_a_title(errors):
    assert e2e.plot_errors(errors).axes[0].get_title()
