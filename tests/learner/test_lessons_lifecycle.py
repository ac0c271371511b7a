"""The design-note and deprecation examples of notebook 01 show what its prose says they show.

The prose quotes numbers (7,860 failed requests a month; 28 failed partner calls in the first
brownout): if a generator changes, these tests say which sentence to fix.
"""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from ownit.learner.lessons import lifecycle

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def calls() -> pd.DataFrame:
    return lifecycle.legacy_calls()


def test_the_design_note_misses_only_the_runbook():
    review = lifecycle.design_review(lifecycle.SAVED_CARDS_NOTE)
    assert list(review.index) == list(lifecycle.DESIGN_DECISIONS)
    assert review.index[review["the note says"] == "MISSING"].tolist() == ["runbook"]


def test_a_blank_decision_counts_as_missing():
    review = lifecycle.design_review({"slo": "  ", "rollback": "redeploy"})
    assert review.loc["slo", "the note says"] == "MISSING"
    assert review.loc["rollback", "the note says"] == "redeploy"


def test_the_error_budget_of_99_9_over_30_days():
    budget = lifecycle.error_budget(slo=0.999, requests_per_day=262_000)
    assert budget["failed requests allowed"] == 7860
    assert budget["minutes of full outage allowed"] == pytest.approx(43.2)


@pytest.mark.parametrize("slo", [99.9, 0, 1, -0.5])
def test_an_slo_given_as_a_percentage_is_refused_with_advice(slo):
    with pytest.raises(ValueError, match="0.999 for 99.9%"):
        lifecycle.error_budget(slo=slo, requests_per_day=1000)


def test_the_legacy_calls_are_reproducible(calls):
    pd.testing.assert_frame_equal(calls, lifecycle.legacy_calls())
    assert not calls.equals(lifecycle.legacy_calls(seed=1))


def test_five_callers_in_the_first_week_the_partner_smallest(calls):
    week = calls[calls["day"] < "2024-06-10"].groupby("client")["calls"].sum()
    assert len(week) == 5 and week.idxmin() == "partner-acme-feed"
    assert week.idxmax() == "web-frontend" and week.max() == 337_376
    assert round(week.min(), -2) == 4300


def test_the_first_brownout_is_what_reaches_the_partner(calls):
    partner = calls[calls["client"] == "partner-acme-feed"].set_index("day")
    assert partner.loc["2024-08-05", "failed"] == 28
    assert partner.loc[:"2024-08-04", "failed"].sum() == 0, "no failures before any brownout"
    assert partner.loc["2024-08-06":, "calls"].sum() == 0, "it migrates the day after"


def test_only_old_app_versions_call_after_the_switch_off_and_all_of_them_fail(calls):
    late = calls[calls["day"] >= lifecycle.SWITCH_OFF]
    callers = late.loc[late["calls"] > 0, "client"].unique()
    assert sorted(callers) == ["android-app", "ios-app"]
    assert (late["calls"] == late["failed"]).all()
    assert late["calls"].sum() < 500


def test_the_plan_runs_in_date_order_with_growing_brownouts():
    plan = lifecycle.deprecation_plan()
    assert plan.index.is_monotonic_increasing
    assert plan["step"].tolist() == ["announce", "brownout 1", "brownout 2", "brownout 3",
                                     "switch off", "delete"]
    hours = [h for _, h in lifecycle.BROWNOUTS]
    assert hours == sorted(hours) and len(set(hours)) == len(hours)


def test_the_calls_plot_has_a_title(calls):
    fig = lifecycle.plot_legacy_calls(calls)
    assert fig.axes[0].get_title()
