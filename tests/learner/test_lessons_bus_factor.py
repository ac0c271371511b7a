"""The bus-factor examples: the degree-of-authorship model (instructor side) must reproduce the
check numbers of Avelino et al. (REFERENCES.md), and the generated history (learner side) must be
the same on every run."""

from __future__ import annotations

import pandas as pd
import pytest

from ownit.instructor.lessons import bus_factor_model as model
from ownit.learner.lessons import bus_factor as bf


@pytest.mark.parametrize(("fa", "dl", "ac", "expected"), [
    (1, 2, 5, 4.1438),  # created the file, changed it twice, five changes by others
    (0, 5, 2, 3.7603),  # five changes, two by others
    (0, 1, 6, 2.8324),  # one change facing six by others: below the author threshold
])
def test_doa_reproduces_the_published_checks(fa, dl, ac, expected):
    assert model.doa(fa, dl, ac) == pytest.approx(expected, abs=5e-5)


def toy_row(table, file, author):
    return table[(table["file"] == file) & (table["author"] == author)].iloc[0]


def test_toy_authorship_counts_and_thresholds():
    table = model.authorship(bf.toy_history())
    ana, ben = toy_row(table, "tax.py", "Ana"), toy_row(table, "tax.py", "Ben")
    assert (ana["fa"], ana["dl"], ana["ac"]) == (1, 2, 5)
    assert (ben["fa"], ben["dl"], ben["ac"]) == (0, 5, 2)
    assert ben["doa_norm"] == pytest.approx(0.9075, abs=5e-5)
    assert ana["is_author"] and ben["is_author"]
    assert not toy_row(table, "plans.py", "Cleo")["is_author"]
    # The creating commit is not a change: Ben added invoice.py and changed it three times.
    assert toy_row(table, "invoice.py", "Ben")["dl"] == 3


def test_toy_truck_factor_step_by_step():
    authors = model.file_authors(model.authorship(bf.toy_history()))
    steps = model.truck_factor_steps(authors)
    assert steps["removed"].tolist() == ["Ana", "Ben"]
    assert steps["orphaned_files"].tolist() == [0, 3]
    assert model.truck_factor(authors) == 2


@pytest.mark.parametrize(("authors", "expected"), [
    ({"a.py": {"X"}, "b.py": {"X"}, "c.py": {"Y"}}, 1),
    ({"a.py": {"X", "Y"}, "b.py": {"X", "Y"}}, 2),
    ({"a.py": set(), "b.py": set(), "c.py": {"X"}}, 0),
    ({}, 0),
])
def test_truck_factor_edge_cases(authors, expected):
    assert model.truck_factor(authors) == expected


def test_history_is_deterministic_and_realistic():
    history = bf.commit_history()
    pd.testing.assert_frame_equal(history, bf.commit_history())
    assert not history.equals(bf.commit_history(seed=bf.SEED + 1))
    assert history["author"].nunique() == 8
    assert 35 <= history["file"].nunique() <= 45
    assert 200 <= history["commit"].nunique() <= 500
    span = history["when"].max() - history["when"].min()
    assert pd.Timedelta(days=300) < span <= pd.Timedelta(days=366)
    adds = history[history["action"] == "add"]
    assert adds["file"].is_unique and set(adds["file"]) == set(history["file"])
    first = history.sort_values("when", kind="stable").drop_duplicates("file")
    assert set(first["action"]) == {"add"}


def test_service_has_silos_and_a_truck_factor_of_three():
    table = model.authorship(bf.commit_history())
    authors = model.file_authors(table)
    billing = {f: a for f, a in authors.items() if f.startswith("billing/")}
    assert all(a == {"Dalia"} for a in billing.values())
    steps = model.truck_factor_steps(authors)
    assert steps["removed"].tolist() == ["Amara", "Dalia", "Gopal"]
    assert model.truck_factor(authors) == 3
    grid = bf.knowledge_map(table)
    assert grid.shape == (8, len(authors))
    assert grid.to_numpy().max() == pytest.approx(1.0)


@pytest.fixture(scope="module")
def plan_commits():
    return bf.pairing_commits()


def test_the_rota_is_six_weeks_of_two_sessions_a_week_per_pair():
    rota = bf.sharing_rota()
    assert len(rota) == 36
    assert rota["when"].min() > bf.commit_history()["when"].max(), "the plan comes after"
    weeks = (rota["when"] - bf.PLAN_START).dt.days // 7
    assert weeks.max() == 5
    assert (rota.groupby(["driver", weeks]).size() == 2).all()
    assert (rota.groupby("file").size() == bf.SESSIONS_PER_FILE).all()


def test_the_plan_raises_the_truck_factor_from_3_to_5_one_pair_at_a_time(plan_commits):
    history = bf.commit_history()
    expected = {(): (3, 28), ("Chen",): (4, 26), ("Chen", "Freya"): (5, 25),
                ("Chen", "Freya", "Hiro"): (5, 24)}
    for drivers, (factor, single) in expected.items():
        extra = plan_commits[plan_commits["author"].isin(drivers)][history.columns]
        authors = model.file_authors(model.authorship(pd.concat([history, extra])))
        assert model.truck_factor(authors) == factor, drivers
        assert sum(len(names) == 1 for names in authors.values()) == single, drivers


def test_four_files_gain_a_second_author_and_plans_py_stays_dalias(plan_commits):
    history = bf.commit_history()
    before = model.file_authors(model.authorship(history))
    paired = pd.concat([history, plan_commits[history.columns]])
    after = model.file_authors(model.authorship(paired))
    gained = {f: sorted(after[f] - before[f]) for f in after if after[f] != before[f]}
    assert gained == {"api/schemas.py": ["Hiro"], "billing/credit_notes.py": ["Chen"],
                      "billing/dunning.py": ["Chen"], "infra/terraform/main.tf": ["Freya"]}
    billing_alone = [f for f in after if f.startswith("billing/") and after[f] == {"Dalia"}]
    assert len(billing_alone) == 6 and "billing/plans.py" in billing_alone


def test_billing_is_dalias_alone_before_the_plan():
    history = bf.commit_history()
    billing = history[history["file"].str.startswith("billing/")]
    assert billing.groupby("author")["commit"].nunique().to_dict() == {"Dalia": 77}
    changes = billing.loc[billing["action"] == "modify", "commit"].nunique()
    assert round(changes / 26, 1) == 2.7


def test_the_holiday_test_has_one_covered_task_before_and_all_after():
    holiday = bf.holiday_test()
    assert (holiday["without them, before"] == "nobody").sum() == 5 and len(holiday) == 6
    assert not (holiday["without them, after the plan"] == "nobody").any()
