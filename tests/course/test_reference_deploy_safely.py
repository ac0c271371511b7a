"""The reference solution of ``deploy_safely`` against published numbers, and its data.

The numbers come from the fourkeys project (4 deploys with 1 failure is a 25 % change failure
rate; the lead-time buckets are strict, so 24 h is already "one week") and from Spinnaker
Kayenta's scoring (9 of 10 passing metrics score 90; a failing critical metric scores 0). If the
solution's definitions drift from them, these tests say so before a learner is graded against
them. The data tests keep ``solutions/deploy_safely/data`` rebuildable from the seed.
"""

from __future__ import annotations

import pytest

from conftest import ROOT, solution_namespace

ID = "deploy_safely"
DATA = ROOT / "solutions" / ID / "data"


@pytest.fixture(scope="module")
def solution() -> dict:
    return solution_namespace(ID)


def test_fourkeys_change_failure_rate_example(solution):
    import pandas as pd

    deploys = pd.DataFrame({"deploy_id": ["d1", "d2", "d3", "d4"]})
    changes = pd.DataFrame({"commit_sha": ["c1", "c2", "c3"], "deploy_id": ["d1", "d2", "d2"]})
    incidents = pd.DataFrame({"root_cause_commit": ["c3"]})
    assert solution["change_failure_rate"](deploys, changes, incidents) == pytest.approx(25.0)


def test_every_root_cause_is_a_shipped_commit():
    """Task 8 joins incidents to deploys through changes: each named cause is one shipped commit."""
    import pandas as pd

    incidents = pd.read_csv(DATA / "incidents.csv")
    changes = pd.read_csv(DATA / "changes.csv.gz")
    named = incidents["root_cause_commit"].dropna()
    assert len(named) >= 5 and named.isin(changes["commit_sha"]).all()
    assert changes["commit_sha"].is_unique
    assert incidents["root_cause_commit"].isna().sum() >= 2, "outages no change caused"


@pytest.mark.parametrize(("minutes", "bucket"), [
    (23 * 60 + 59, "one day"),
    (24 * 60, "one week"),
    (168 * 60, "one month"),
    (730 * 60, "six months"),
    (4380 * 60, "more than six months"),
])
def test_fourkeys_bucket_edges(solution, minutes, bucket):
    assert solution["dora_bucket"](minutes) == bucket


def test_kayenta_nine_of_ten_pass_scores_90(solution):
    verdicts = {f"metric_{i}": "Pass" for i in range(9)} | {"metric_9": "High"}
    assert solution["canary_score"](verdicts) == pytest.approx(90.0)


def test_kayenta_failing_critical_metric_scores_0(solution):
    verdicts = {f"metric_{i}": "Pass" for i in range(9)} | {"error_rate": "High"}
    assert solution["canary_score"](verdicts, critical=["error_rate"]) == 0.0


def test_the_quarter_data_tells_the_intended_story(solution):
    """The data was shaped to teach: one regressed metric out of ten, daily vs weekly deploys."""
    assert solution["canary_score"](solution["verdicts"], solution["critical"]) == 90.0
    assert solution["verdicts"]["db_pool_wait_ms"] == "High"
    deploys = solution["deploys"]
    frequency = {service: solution["deployment_frequency"](rows["deployed_at"],
                                                           "2024-04-01", "2024-06-30")
                 for service, rows in deploys.groupby("service")}
    assert frequency == {"checkout-api": "daily", "image-resizer": "weekly"}


def test_every_time_in_the_quarter_is_utc():
    """Part 3 is about aggregation, not time zones: every time in its tables is written in UTC."""
    import pandas as pd

    columns = {"deploys.csv": ["deployed_at"], "changes.csv.gz": ["committed_at"],
               "incidents.csv": ["opened_at", "resolved_at"]}
    for name, names in columns.items():
        table = pd.read_csv(DATA / name)
        for column in names:
            times = table[column].dropna()
            assert len(times) and times.str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").all()
