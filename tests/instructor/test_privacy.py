"""Pseudonymised grades: no id in what is shared, the same pseudonym every run, the key apart."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import nbformat
import toy_course

from ownit.instructor.grade.privacy import pseudonym, pseudonymise_rows


def test_pseudonyms_are_stable_keyed_and_reach_into_detail():
    rows = [{"student_id": "ada@example.org", "detail": "graded the folder ada@example.org/toy"}]
    one, two = pseudonymise_rows(rows, b"k1"), pseudonymise_rows(rows, b"k1")
    assert one == two and "ada" not in str(one)
    assert one[0]["student_id"] == pseudonym(b"k1", "ada@example.org") != pseudonym(b"k2",
                                                                                     "ada@example.org")


def test_grade_pseudonymise_shares_no_id_and_keeps_the_key_apart(tmp_path):
    course = toy_course.build(tmp_path / "course")
    release = nbformat.read(course / "exercises" / "toy" / "toy.ipynb", 4)
    for student in ("ada@example.org", "Grace Hopper"):
        folder = tmp_path / "subs" / student / "toy"
        folder.mkdir(parents=True)
        nbformat.write(release, folder / "toy.ipynb")
    env = {**os.environ, "OWNIT_ROOT": str(course)}
    outputs = []
    for run in (1, 2):
        out = tmp_path / f"out{run}"
        result = subprocess.run([sys.executable, "-m", "ownit.cli", "grade", str(tmp_path / "subs"),
                                 "--out", str(out), "--pseudonymise", "--no-sandbox"], cwd=course,
                                env=env, capture_output=True, text=True, timeout=600, check=False)
        assert result.returncode == 0, result.stderr[-2000:]
        shared = "".join((out / name).read_text() for name in
                         ("grades.csv", "gradebook.csv", "report.html"))
        # Pseudonyms are hex ("student-5ea28aadac1a" holds "ada"): look for what hex cannot hold.
        for part in ("ada@", "example.org", "Grace", "Hopper"):
            assert part not in shared and part not in result.stderr, part
        outputs.append((out / "grades.csv").read_text())
    assert outputs[0] == outputs[1], "the same students get the same pseudonyms every run"
    key = course / ".ownit-private" / "pseudonym.key"
    assert key.is_file() and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert not list((tmp_path / "out1").rglob("*.key"))
