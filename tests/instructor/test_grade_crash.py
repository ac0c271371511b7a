"""kill -9 of ``ownit grade`` in the middle of a run, then the same command again: every
submission ends with exactly one row, the gradebook is consistent, and OUT holds no
half-written file."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time

import nbformat
import toy_course
from nbgrader.api import Gradebook

from ownit.instructor.grade.state import State

SLOW_FULL = {"shout": "import time\ntime.sleep(1)\ndef shout(word):\n    return word.upper() + '!'",
             "count": "def count(words):\n    return len(words)"}
STUDENTS = [f"s{n:02d}" for n in range(8)]


def test_killed_run_then_rerun_leaves_one_row_each_and_no_partial_files(tmp_path):
    course = toy_course.build(tmp_path / "course")
    release = nbformat.read(course / "exercises" / "toy" / "toy.ipynb", 4)
    subs, out = tmp_path / "subs", tmp_path / "out"
    for student in STUDENTS:
        folder = subs / student / "toy"
        folder.mkdir(parents=True)
        nbformat.write(toy_course.with_answers(release, **SLOW_FULL), folder / "toy.ipynb")
    env = {**os.environ, "OWNIT_ROOT": str(course)}
    command = [sys.executable, "-m", "ownit.cli", "grade", str(subs), "--out", str(out),
               "--workers", "2", "--no-sandbox"]
    proc = subprocess.Popen(command, cwd=course, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if len(State(out)) >= 2:  # state.json and the journal of the run going on
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.send_signal(signal.SIGKILL)  # the coordinator only: its workers must follow it
    proc.wait()
    recorded = len(State(out))
    assert 2 <= recorded < len(STUDENTS)

    rerun = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True,
                           timeout=600, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(STUDENTS) - recorded} graded now, {recorded} unchanged" in rerun.stdout
    with open(out / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["student_id"] for r in rows) == STUDENTS
    assert all(r["status"] == "graded" and r["score"] == "5" for r in rows)
    leftovers = [p.name for p in out.rglob("*") if p.name.startswith(".")]
    assert leftovers == [], f"half-written or working files left in OUT: {leftovers}"
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submissions = gb.assignment_submissions("toy")
        assert sorted(s.student.id for s in submissions) == STUDENTS
        assert all(s.score == 5 for s in submissions)
