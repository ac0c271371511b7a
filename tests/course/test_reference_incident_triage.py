"""The reference solution of ``incident_triage`` against published numbers, and its data.

The Shakespeare search incident (Google, *Site Reliability Engineering*, appendix) is the one
public timeline with agreed durations; if the solution's definitions drift, these tests say so
before a learner is graded against them. That the data is rebuilt bit for
bit is tested for every exercise at once (tests/course/test_exercises.py).
"""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import ROOT, solution_namespace

ID = "incident_triage"
DATA = ROOT / "solutions" / ID / "data"

# Shakespeare incident, UTC (the book gives times of day; the date only anchors them).
SHAKESPEARE = pd.DataFrame({
    "at": ["2015-10-21T14:54:00Z", "2015-10-21T14:55:00Z", "2015-10-21T15:01:00Z",
           "2015-10-21T15:36:00Z", "2015-10-21T16:00:00Z", "2015-10-21T16:30:00Z"],
    "kind": ["onset", "paged", "declared", "mitigated", "recovered", "closed"],
})


@pytest.fixture(scope="module")
def solution() -> dict:
    return solution_namespace(ID)


@pytest.mark.parametrize(("span", "minutes"), [
    ("detect", 1.0),     # onset 14:54 -> paged 14:55
    ("declare", 7.0),    # onset -> declared 15:01
    ("mitigate", 42.0),  # onset -> mitigated 15:36
    ("recover", 66.0),   # onset -> outage over 16:00: the book's 66-minute outage
])
def test_shakespeare_timeline(solution, span, minutes):
    assert solution["incident_timings"](SHAKESPEARE)[span] == pytest.approx(minutes)


def test_shakespeare_timeline_reads_offsets(solution):
    """The same timeline exported in New York time (UTC-4 that October) gives the same spans."""
    local = SHAKESPEARE.assign(at=[
        pd.Timestamp(text).tz_convert("America/New_York").isoformat() for text in SHAKESPEARE["at"]
    ])
    assert solution["incident_timings"](local) == solution["incident_timings"](SHAKESPEARE)


@pytest.mark.parametrize(("audience", "deadlines"), [
    # PagerDuty's cadence: external first within 5 min, then every 20 min in the first 2 hours;
    # executive about every 30 min.
    ("external", ["15:06", "15:26", "15:46"]),
    ("executive", ["15:06", "15:36"]),
])
def test_shakespeare_update_schedule(solution, audience, deadlines):
    declared = pd.Timestamp("2015-10-21T15:01:00Z")
    recovered = pd.Timestamp("2015-10-21T16:00:00Z")
    schedule = solution["update_schedule"](declared, recovered, audience)
    assert [due.strftime("%H:%M") for due in schedule] == deadlines


def test_story_holds_together(solution):
    """The generated afternoon tells the story the exercise's prose tells."""
    metrics = pd.read_csv(DATA / "metrics.csv.gz", parse_dates=["minute"])
    deploys = pd.read_csv(DATA / "deploys.csv", parse_dates=["deployed_at"])
    onset = solution["spike_onset"](metrics, "checkout-api")
    assert onset == pd.Timestamp("2024-03-12T14:47:00Z")
    culprit = solution["find_culprit"](deploys, "checkout-api", onset)
    assert culprit == "d-3131"
    assert solution["rollback_target"](deploys, culprit) == "2.13.0"
    stats = solution["duration_stats"](pd.read_csv(DATA / "incidents_2024q1.csv"))
    assert stats["mean"] > 2 * stats["median"], "the quarter should show a skewed distribution"


def _contents(folder) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}
