"""nbgrader's own commands in the course root (what formgrader's buttons run) are as safe as
``ownit grade``: autograde sandboxed with safe notebooks for formgrader, feedback that would
show hidden tests refused, an export no spreadsheet evaluates."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import toy_course
from hostile_cohort import RICH_SCRIPT, RIGHT_COUNT
from sandbox_required import need_sandbox

from conftest import ROOT

NBGRADER = str(Path(sys.executable).with_name("nbgrader"))


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([NBGRADER, *args], cwd=course, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.fixture(scope="module")
def guarded_course(tmp_path_factory):
    need_sandbox()
    course = toy_course.build(tmp_path_factory.mktemp("guarded"))
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    release = nbformat.read(course / "exercises" / "toy" / "toy.ipynb", 4)
    for student in ("=1+1", "mallory"):
        folder = course / "submitted" / student / "toy"
        folder.mkdir(parents=True)
        nb = toy_course.with_answers(release, shout=RICH_SCRIPT, count=RIGHT_COUNT)
        nbformat.write(nb, folder / "toy.ipynb")
    made = _nbgrader(course, "generate_assignment", "toy", "--force")
    assert made.returncode == 0, made.stderr[-2000:]
    graded = _nbgrader(course, "autograde", "toy")
    return course, graded


def test_autograde_runs_ownit_pipeline_and_leaves_formgrader_only_safe_content(guarded_course):
    course, graded = guarded_course
    assert graded.returncode == 0, graded.stderr[-3000:]
    nb = json.loads((course / "autograded" / "mallory" / "toy" / "toy.ipynb").read_text())
    mimes = {m for c in nb["cells"] for o in c.get("outputs", []) for m in o.get("data", {})}
    assert mimes <= {"text/plain", "image/png", "image/jpeg"}, mimes
    assert "<script" not in json.dumps([c.get("outputs") for c in nb["cells"]])
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_submission("toy", "mallory").score == 5  # judged outside the kernel


def test_generate_feedback_is_refused_with_a_pointer_to_ownit_grade(guarded_course):
    course, _ = guarded_course
    result = _nbgrader(course, "generate_feedback", "toy")
    assert "ownit grade" in result.stdout + result.stderr
    assert not list((course / "feedback").rglob("*.html")), "no page with hidden tests"


def test_export_neutralises_fields_a_spreadsheet_would_evaluate(guarded_course):
    course, _ = guarded_course
    result = _nbgrader(course, "export", "--to", "export.csv")
    assert result.returncode == 0, result.stderr[-2000:]
    with open(course / "export.csv", newline="") as handle:
        ids = [row["student_id"] for row in csv.DictReader(handle)]
    assert "'=1+1" in ids and "=1+1" not in ids
