"""The bus-factor examples: the degree-of-authorship model must reproduce the check numbers of
Avelino et al. (REFERENCES.md), and the generated history must be the same on every run."""

from __future__ import annotations

import pandas as pd
import pytest

from ownit.examples import bus_factor as bf


@pytest.mark.parametrize(("fa", "dl", "ac", "expected"), [
    (1, 2, 5, 4.1438),  # created the file, changed it twice, five changes by others
    (0, 5, 2, 3.7603),  # five changes, two by others
    (0, 1, 6, 2.8324),  # one change facing six by others: below the author threshold
])
def test_doa_reproduces_the_published_checks(fa, dl, ac, expected):
    assert bf.doa(fa, dl, ac) == pytest.approx(expected, abs=5e-5)


def toy_row(table, file, author):
    return table[(table["file"] == file) & (table["author"] == author)].iloc[0]


def test_toy_authorship_counts_and_thresholds():
    table = bf.authorship(bf.toy_history())
    ana, ben = toy_row(table, "tax.py", "Ana"), toy_row(table, "tax.py", "Ben")
    assert (ana["fa"], ana["dl"], ana["ac"]) == (1, 2, 5)
    assert (ben["fa"], ben["dl"], ben["ac"]) == (0, 5, 2)
    assert ben["doa_norm"] == pytest.approx(0.9075, abs=5e-5)
    assert ana["is_author"] and ben["is_author"]
    assert not toy_row(table, "plans.py", "Cleo")["is_author"]
    # The creating commit is not a change: Ben added invoice.py and changed it three times.
    assert toy_row(table, "invoice.py", "Ben")["dl"] == 3


def test_toy_truck_factor_step_by_step():
    authors = bf.file_authors(bf.authorship(bf.toy_history()))
    steps = bf.truck_factor_steps(authors)
    assert steps["removed"].tolist() == ["Ana", "Ben"]
    assert steps["orphaned_files"].tolist() == [0, 3]
    assert bf.truck_factor(authors) == 2


@pytest.mark.parametrize(("authors", "expected"), [
    ({"a.py": {"X"}, "b.py": {"X"}, "c.py": {"Y"}}, 1),
    ({"a.py": {"X", "Y"}, "b.py": {"X", "Y"}}, 2),
    ({"a.py": set(), "b.py": set(), "c.py": {"X"}}, 0),
    ({}, 0),
])
def test_truck_factor_edge_cases(authors, expected):
    assert bf.truck_factor(authors) == expected


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
    table = bf.authorship(bf.commit_history())
    authors = bf.file_authors(table)
    billing = {f: a for f, a in authors.items() if f.startswith("billing/")}
    assert all(a == {"Dalia"} for a in billing.values())
    steps = bf.truck_factor_steps(authors)
    assert steps["removed"].tolist() == ["Amara", "Dalia", "Gopal"]
    assert bf.truck_factor(authors) == 3
    grid = bf.knowledge_map(table)
    assert grid.shape == (8, len(authors))
    assert grid.to_numpy().max() == pytest.approx(1.0)
