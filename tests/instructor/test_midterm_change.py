"""An exercise changed in solutions/ after grading began (a fixed test, new points): the course
gradebook follows it the way nbgrader's generate_assignment --force does, every submission of it
is graded again, and its row says why."""

from __future__ import annotations

import csv

import nbformat
import toy_course
from nbgrader.api import Gradebook

from ownit.instructor.grade import grade
from ownit.instructor.release import release

FULL = {"shout": "def shout(word):\n    return word.upper() + '!'",
        "count": "def count(words):\n    return len(words)"}


def _rows(out):
    with open(out / "grades.csv", newline="") as handle:
        return {r["student_id"]: r for r in csv.DictReader(handle)}


def _graded_once(tmp_path, student):
    """A toy course, one full submission graded once; returns (course, out)."""
    course = toy_course.build(tmp_path / "course")
    released = nbformat.read(course / "exercises" / "toy" / "toy.ipynb", 4)
    folder = tmp_path / "subs" / student / "toy"
    folder.mkdir(parents=True)
    nbformat.write(toy_course.with_answers(released, **FULL), folder / "toy.ipynb")
    out = tmp_path / "out"
    grade(course, tmp_path / "subs", out, workers=1, sandbox=False, quiet=True)
    assert _rows(out)[student]["max_score"] == "8"
    return course, out


def _set_points(course, grade_id, points):
    """The instructor changes a test's points in solutions/."""
    source = course / "solutions" / "toy" / "toy.ipynb"
    nb = nbformat.read(source, 4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.metadata["nbgrader"]["points"] = points
    nbformat.write(nb, source)


def test_changed_points_reach_the_gradebook_and_regrade_with_a_reason(tmp_path):
    course, out = _graded_once(tmp_path, "ada")
    _set_points(course, "test_shout", 2)  # the instructor makes it worth more
    release(course)  # as an instructor would: nbgrader's generate_assignment updates the cells
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_grade_cell("test_shout", "toy", "toy").max_score == 2
    grade(course, tmp_path / "subs", out, workers=1, sandbox=False, quiet=True)
    row = _rows(out)["ada"]
    assert row["max_score"] == "9" and row["score"] == "6", row  # graded again, not reused


def test_the_course_gradebook_is_updated_even_when_release_was_not_run(tmp_path):
    course, out = _graded_once(tmp_path, "bo")
    _set_points(course, "test_count_hidden", 4)
    grade(course, tmp_path / "subs", out, workers=1, sandbox=False, quiet=True)
    row = _rows(out)["bo"]
    assert row["max_score"] == "10" and row["score"] == "7", row
    assert "regraded: the exercise changed since it was last graded (test_count_hidden 2 -> 4 " \
           "points)" in row["detail"], row["detail"]
