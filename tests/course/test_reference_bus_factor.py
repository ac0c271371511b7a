"""The ``bus_factor`` reference solution against the published numbers of Avelino et al.
(ICPC 2016) (the data's rebuild is tested for every exercise in tests/course/test_exercises.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import ROOT, solution_namespace

DATA = ROOT / "solutions" / "bus_factor" / "data"


@pytest.fixture(scope="module")
def sol() -> dict:
    return solution_namespace("bus_factor")


def history(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """A followed log (Task 2's shape) from rows of (author, change, file), one day apart."""
    frame = pd.DataFrame(rows, columns=["author", "change", "file"], dtype="str")
    return frame.assign(
        commit=[f"c{i}" for i in range(len(frame))],
        timestamp=pd.date_range("2024-01-01", periods=len(frame), freq="D", tz="UTC"),
        path=frame["file"], old_path=pd.Series([None] * len(frame), dtype="str"))


@pytest.mark.parametrize(("fa", "dl", "ac", "expected"), [
    (1, 2, 5, 4.1438),  # A created the file and changed it twice; B changed it 5 times
    (0, 5, 2, 3.7603),  # B
    (0, 1, 6, 2.8324),  # one change facing 6 by others
])
def test_doa_matches_published_values(sol, fa, dl, ac, expected):
    assert round(float(sol["doa"](fa, dl, ac)), 4) == expected


def test_creator_and_heavy_changer_both_author_the_file(sol):
    log = history(("A", "added", "f.py"), *[("A", "modified", "f.py")] * 2,
                  *[("B", "modified", "f.py")] * 5)
    counts = sol["authorship_counts"](log)
    assert counts[["author", "fa", "dl", "ac"]].values.tolist() == [["A", 1, 2, 5],
                                                                    ["B", 0, 5, 2]]
    scores = sol["doa"](counts["fa"], counts["dl"], counts["ac"])
    assert round(float(scores.iloc[1] / scores.iloc[0]), 4) == 0.9075
    assert sol["file_authors"](counts) == {"f.py": ["A", "B"]}


def test_one_change_against_six_is_not_authorship(sol):
    log = history(("C", "added", "g.py"), ("X", "modified", "g.py"),
                  *[("Y", "modified", "g.py")] * 6)
    counts = sol["authorship_counts"](log)
    x = counts[counts["author"] == "X"].iloc[0]
    assert (int(x["fa"]), int(x["dl"]), int(x["ac"])) == (0, 1, 6)
    assert round(float(sol["doa"](x["fa"], x["dl"], x["ac"])), 4) == 2.8324
    assert "X" not in sol["file_authors"](counts)["g.py"]


def test_greedy_truck_factor_needs_more_than_half_orphaned(sol):
    authors = {"a": ["maya"], "b": ["maya"], "c": ["omar"], "d": ["priya"]}
    # Removing maya orphans exactly half; the next (omar, by name) tips it over.
    assert sol["truck_factor"](authors) == (2, ["maya", "omar"])


def test_pairing_plan_raises_the_truck_factor_of_the_exercise_data(sol):
    counts, log = sol["counts"], sol["log"]
    assert log["commit"].nunique() >= 1000
    assert log["author"].nunique() == 10
    assert 60 <= counts["file"].nunique() <= 120
    before = sol["truck_factor"](sol["file_authors"](counts))[0]
    paired = sol["simulate_pairing"](counts, sol["plan"], 5)
    assert sol["truck_factor"](sol["file_authors"](paired))[0] > before


def test_the_exported_log_repeats_the_cherry_picks_and_nothing_else(sol):
    """Task 1's copies are the generator's cherry-picks: dropping them gives main's history."""
    from ownit.instructor.generators import bus_factor as generator

    raw = pd.read_csv(DATA / "commits.csv.gz")
    main = generator.commit_log()
    assert len(raw) == len(main) + len(generator.cherry_picks(main))
    assert raw["commit"].nunique() == main["commit"].nunique() + generator.CHERRY_PICKS
    assert raw["timestamp"].str.endswith("+00:00").all(), "the export is in UTC"
    cleaned = sol["clean_log"](raw, sol["mailmap"])
    assert len(cleaned) == len(main)
    assert sorted(cleaned["commit"]) == sorted(main["commit"])
