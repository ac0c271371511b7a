"""Notebook 04's tables ship as data (the learner package has no truck-factor code): the
committed file must be what the instructor's model computes now, byte for byte, and read back as
the same tables."""

from __future__ import annotations

import pandas as pd
import pytest

from ownit.instructor.lessons import bus_factor_tables as builder
from ownit.learner.lessons import bus_factor as lesson


@pytest.fixture(scope="module")
def fresh():
    return builder.compute()


def test_the_committed_file_is_a_fresh_computation_bit_for_bit(fresh):
    assert lesson.TABLES.read_text(encoding="utf-8") == builder.render(fresh), (
        "run python -m ownit.instructor.lessons.bus_factor_tables")
    assert builder.render(builder.compute()) == builder.render(fresh), "not deterministic"


def test_the_learner_side_reads_back_the_same_tables(fresh):
    for name, frame in fresh["frames"].items():
        pd.testing.assert_frame_equal(lesson.lesson_table(name), frame, obj=name)
    for name, authors in fresh["authors"].items():
        read = lesson.lesson_authors(name)
        assert read == authors and list(read) == list(authors), name


def test_the_tables_say_what_the_notebook_says():
    steps = lesson.lesson_table("steps")
    assert steps["removed"].tolist() == ["Amara", "Dalia", "Gopal"]
    assert len(lesson.lesson_table("paired_steps")) == 5
    by_pair = lesson.lesson_table("pairing_by_pair")
    assert by_pair["truck_factor"].tolist() == [3, 4, 5, 5]
    assert lesson.lesson_table("toy_steps")["removed"].tolist() == ["Ana", "Ben"]


def test_check_mode_fails_on_a_stale_file(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "bus_factor_tables.json"
    stale.write_text(lesson.TABLES.read_text(encoding="utf-8").replace('"Dalia"', '"Dahlia"', 1))
    monkeypatch.setattr(builder, "TABLES", stale)
    assert builder.main(["--check"]) == 1
    assert "differs from a fresh computation" in capsys.readouterr().err
    assert builder.main([]) == 0 and builder.main(["--check"]) == 0


def test_an_unknown_table_names_the_known_ones():
    with pytest.raises(KeyError, match="toy_authorship"):
        lesson.lesson_table("truck_factor")
    with pytest.raises(KeyError, match="paired"):
        lesson.lesson_authors("everyone")
