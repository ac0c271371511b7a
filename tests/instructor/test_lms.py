"""Canvas and Moodle downloads graded as they come: fixtures built from their documented file
naming, one row per student, ids from the LMS or a roster, Canvas's late marker kept."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import zipfile

import nbformat
import pytest
import toy_course

from ownit.instructor.grade import lms
from ownit.instructor.grade.submissions import discover

FULL = {"shout": "def shout(word):\n    return word.upper() + '!'",
        "count": "def count(words):\n    return len(words)"}


def _write(path, nb):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return toy_course.build(tmp_path_factory.mktemp("course"))


@pytest.fixture
def release(course):
    return nbformat.read(course / "exercises" / "toy" / "toy.ipynb", 4)


def canvas_download(folder, release):
    """As Canvas names files: <namelastfirst>[_LATE]_<user id>_<submission id>_<file>."""
    full = toy_course.with_answers(release, **FULL)
    _write(folder / "smithjohn_12345_678901_toy.ipynb", full)
    _write(folder / "doejane_LATE_23456_678902_toy.ipynb", release)
    _write(folder / "doejane_LATE_23456_678903_toy-1.ipynb", full)  # resubmitted: newest
    _write(folder / "studentfake_99999_678904_toy.ipynb", release)
    (folder / "smithjohn_12345_678901_notes.txt").write_text("scratch")
    return folder


def moodle_download(folder, release, *, in_folders):
    """As Moodle names them: <Full Name>_<participant id>_assignsubmission_file_[<file>]."""
    full = toy_course.with_answers(release, **FULL)
    for name, pid, nb in (("José Núñez", "401", full), ("Ann Lee", "402", release)):
        base = f"{name}_{pid}_assignsubmission_file_"
        _write(folder / base / "toy.ipynb" if in_folders else folder / f"{base}toy.ipynb", nb)
    (folder / "Ann Lee_402_assignsubmission_onlinetext_").mkdir()
    return folder


def test_each_download_is_recognised_and_nbgraders_layout_is_not(tmp_path, release):
    assert lms.kind(canvas_download(tmp_path / "c", release)) == "canvas"
    assert lms.kind(moodle_download(tmp_path / "m", release, in_folders=True)) == "moodle"
    assert lms.kind(moodle_download(tmp_path / "f", release, in_folders=False)) == "moodle"
    _write(tmp_path / "n" / "alice" / "toy" / "toy.ipynb", release)
    assert lms.kind(tmp_path / "n") is None


def test_canvas_students_by_user_id_or_roster_with_the_newest_resubmission(tmp_path, release):
    found = {s.student: s for s in discover(canvas_download(tmp_path / "c", release), ["toy"],
                                            tmp_path / "staging", {"12345": "jsmith"})}
    assert set(found) == {"jsmith", "23456", "99999"}
    assert "marked late by Canvas" in found["23456"].note
    staged = found["23456"].folder / "toy.ipynb"
    assert "word.upper()" in staged.read_text(), "the resubmission (-1) is the one graded"
    assert "not in the roster" in found["23456"].note


@pytest.mark.parametrize("in_folders", [True, False])
def test_moodle_students_with_any_letters_in_their_names(tmp_path, release, in_folders):
    found = {s.student: s for s in discover(moodle_download(tmp_path / "m", release,
                                                            in_folders=in_folders),
                                            ["toy"], tmp_path / "staging")}
    assert set(found) == {"401", "402"}
    assert all(s.folder is not None and (s.folder / "toy.ipynb").is_file()
               for s in found.values())


def test_a_roster_without_its_columns_is_refused_with_what_to_write(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\n1,a\n")
    with pytest.raises(lms.LmsError, match="lms_id,student_id"):
        lms.read_roster(roster)


def test_a_canvas_zip_grades_with_one_row_per_student(course, release, tmp_path):
    folder = canvas_download(tmp_path / "download", release)
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in folder.iterdir():
            zf.write(path, path.name)
    roster = tmp_path / "roster.csv"
    roster.write_text("lms_id,student_id\n12345,jsmith\n23456,jdoe\n99999,test-student\n")
    env = {**os.environ, "OWNIT_ROOT": str(course)}
    result = subprocess.run([sys.executable, "-m", "ownit.cli", "grade", str(archive), "--out",
                             str(tmp_path / "out"), "--roster", str(roster), "--no-sandbox",
                             "--workers", "2"], cwd=course, env=env, capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    with open(tmp_path / "out" / "grades.csv", newline="") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    assert set(rows) == {"jsmith", "jdoe", "test-student"}
    assert rows["jsmith"]["score"] == "5" and rows["jdoe"]["score"] == "5"
    assert "marked late by Canvas" in rows["jdoe"]["detail"]
