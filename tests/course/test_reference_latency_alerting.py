"""The latency_alerting reference solution against the numbers published in the SRE Workbook
(ch. 5, "Alerting on SLOs"), and the shape of its generated data.

The notebook's own tests check the learner's functions on the exercise's data. These check that the
reference itself agrees with the published arithmetic, so a wrong solution can't quietly set the
expected values for everyone.
"""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import solution_namespace
from ownit.instructor.generators import latency_alerting as generator

ASSIGNMENT = "latency_alerting"
DAY = 24 * 3600.0


@pytest.fixture(scope="module")
def solution() -> dict:
    return solution_namespace(ASSIGNMENT)


@pytest.mark.parametrize(("fraction", "window", "burn_rate"), [
    (0.02, "1h", 14.4),
    (0.05, "6h", 6.0),
    (0.10, "3D", 1.0),
])
def test_budget_burn_rate_matches_the_workbook(solution, fraction, window, burn_rate):
    assert solution["budget_burn_rate"](fraction, window) == pytest.approx(burn_rate)


@pytest.mark.parametrize(("burn_rate", "seconds"), [
    (1, 30 * DAY),
    (2, 15 * DAY),
    (10, 3 * DAY),
    (1000, 43.2 * 60),
])
def test_time_to_exhaust_a_30_day_budget(solution, burn_rate, seconds):
    left = solution["time_to_exhaust"](burn_rate)
    assert left.total_seconds() == pytest.approx(seconds)


@pytest.mark.parametrize(("error_ratio", "window", "threshold", "seconds"), [
    (1.0, "1h", 14.4, 51.84),
    (0.15, "1h", 14.4, 5.76 * 60),
    (1.0, "10min", 1.0, 0.6),
])
def test_detection_time_matches_the_workbook(solution, error_ratio, window, threshold, seconds):
    found = solution["detection_time"](error_ratio, window, threshold, 0.999)
    assert found.total_seconds() == pytest.approx(seconds)


def test_burn_rate_is_error_ratio_over_the_budget(solution):
    # 100% errors at a 99.9% SLO is a burn rate of 1000, the figure the Workbook quotes.
    minutes = pd.date_range("2024-03-14 10:00", periods=3, freq="min", tz="UTC")
    outage = pd.DataFrame({"requests": [500, 500, 500], "errors": [500, 500, 500]}, index=minutes)
    burn = solution["burn_rate_series"](outage, "1h", 0.999)
    assert burn.tolist() == pytest.approx([1000.0] * 3)


def test_multiwindow_rules_are_the_workbook_table(solution):
    rules = solution["WORKBOOK_RULES"]
    assert rules == {"page_fast": ("1h", "5min", 14.4), "page_slow": ("6h", "30min", 6.0),
                     "ticket": ("3D", "6h", 1.0)}
    for long_window, short_window, _ in rules.values():
        assert pd.Timedelta(long_window) / pd.Timedelta(short_window) == 12


def test_multiwindow_alert_pages_on_a_total_outage_within_a_minute(solution):
    # At 100% errors page_fast needs 51.84 s of bad traffic, so the first bad minute pages.
    minutes = pd.date_range("2024-03-14 10:00", periods=120, freq="min", tz="UTC")
    errors = [0] * 60 + [1000] * 60
    traffic = pd.DataFrame({"requests": [1000] * 120, "errors": errors}, index=minutes)
    alerts = solution["multiwindow_alert"](traffic)
    assert alerts.index[alerts["page_fast"]][0] == minutes[60]
    assert not alerts["page_fast"].iloc[:60].any()


def test_generated_log_has_the_shape_the_exercise_promises(tmp_path):
    generator.write(tmp_path)
    log = pd.read_csv(tmp_path / "requests.csv.gz")
    stamps = pd.to_datetime(log["timestamp"], utc=True)
    assert len(log) > 20_000
    assert not stamps.is_monotonic_increasing, "rows should come grouped by host, not sorted"
    per_minute = stamps.dt.floor("min").value_counts()
    quiet = pd.date_range("2024-03-14 04:21", "2024-03-14 04:24", freq="min", tz="UTC")
    assert not per_minute.index.isin(quiet).any()
    checkout = pd.read_csv(tmp_path / "checkout_minutes.csv.gz")
    assert len(checkout) < 30 * 24 * 60, "the scrape gap should leave minutes missing"


@pytest.mark.parametrize(("milliseconds", "text"), [
    (142.3, "142.3ms"), (140.0, "140ms"), (1204.5, "1.2045s"), (5000.0, "5s"), (0.8, "800µs"),
])
def test_durations_are_written_as_go_prints_them(milliseconds, text):
    assert generator.go_duration(milliseconds) == text
    assert pd.Timedelta(text) / pd.Timedelta(milliseconds=1) == pytest.approx(milliseconds)


def test_generated_durations_need_their_unit(tmp_path):
    """Task 1 teaches reading a unit: the slow incidents are logged in seconds, the rest in ms."""
    generator.write(tmp_path)
    log = pd.read_csv(tmp_path / "requests.csv.gz")
    assert "latency_ms" not in log.columns
    units = log["duration"].str.extract(r"([^0-9.]+)$")[0].value_counts()
    assert set(units.index) == {"ms", "s"} and units["s"] > 100
    milliseconds = pd.to_timedelta(log["duration"]) / pd.Timedelta(milliseconds=1)
    assert milliseconds.min() > 1 and milliseconds.max() > 5000
