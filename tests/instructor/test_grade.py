"""``ownit grade`` on a small cohort of the toy course: rows, files, reruns, manual points,
zip input, and feedback that never shows a hidden test."""

from __future__ import annotations

import csv
import html
import os
import re
import shutil
import subprocess
import sys
import zipfile

import nbformat
import pytest
import toy_course
from nbgrader.api import Gradebook
from sandbox_required import need_sandbox

FULL = {"shout": "def shout(word):\n    return word.upper() + '!'",
        "count": "def count(words):\n    return len(words)"}
HALF = {"shout": "def shout(word):\n    return word.upper() + '!' if word else ''",
        "count": FULL["count"]}


def run_grade(course, *args):
    env = {**os.environ, "OWNIT_ROOT": str(course)}
    return subprocess.run([sys.executable, "-m", "ownit.cli", "grade", *map(str, args)],
                          cwd=course, env=env, capture_output=True, text=True, timeout=600,
                          check=False)


def rows(out):
    with open(out / "grades.csv", newline="") as handle:
        return {r["student_id"]: r for r in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    need_sandbox()  # ownit grade runs sandboxed here: skip on a laptop without it, fail in CI
    course = toy_course.build(tmp_path_factory.mktemp("course"))
    release = nbformat.read(course / "exercises" / "toy" / "toy.ipynb", 4)
    subs = tmp_path_factory.mktemp("submitted")
    essay = {"essay": "Shouting takes the room from everyone else."}
    for student, answers in {"ada": {**FULL, **essay}, "bo": HALF, "cy": {}}.items():
        folder = subs / student / "toy"
        folder.mkdir(parents=True)
        nbformat.write(toy_course.with_answers(release, **answers), folder / "toy.ipynb")
    (subs / "dee" / "toy").mkdir(parents=True)
    (subs / "dee" / "toy" / "toy.ipynb").write_text('{"cells": [')
    with zipfile.ZipFile(subs / "eve.zip", "w") as zf:  # an LMS download, renamed notebook
        zf.writestr("toy/toy-Copy1.ipynb", nbformat.writes(toy_course.with_answers(release,
                                                                                   **FULL)))
    with zipfile.ZipFile(subs / "fay.zip", "w") as zf:
        zf.writestr("../../escape.ipynb", "{}")
    out = tmp_path_factory.mktemp("out")
    first = run_grade(course, subs, "--out", out, "--workers", "2")
    return course, subs, out, first


def test_every_submission_gets_one_row_and_exit_0(cohort):
    _, _, out, first = cohort
    assert first.returncode == 0, first.stderr
    found = rows(out)
    assert sorted(found) == ["ada", "bo", "cy", "dee", "eve", "fay"]
    assert (found["ada"]["score"], found["ada"]["max_score"]) == ("5", "8")
    assert found["bo"]["score"] == "3" and found["cy"]["score"] == "0"
    assert found["eve"]["score"] == "5", "the renamed notebook in a zip is graded"
    for student in ("ada", "bo", "cy", "eve"):
        assert found[student]["status"] == "graded"
    assert "3 points still to grade by hand (essay)" in found["ada"]["detail"]
    for student in ("bo", "cy", "eve"):
        # The essay left as released: nbgrader scores an untouched answer 0, nothing to grade.
        assert found[student]["detail"] == "all parts graded"
    assert found["dee"]["status"] == "error" and "not a valid notebook" in found["dee"]["detail"]
    assert found["fay"]["status"] == "error" and "unsafe path" in found["fay"]["detail"]
    # tqdm's progress bar on stderr: how many are done, of how many, and the last one
    assert "grading: 100%" in first.stderr and "4/4" in first.stderr
    assert "6 submissions" in first.stdout


def test_wide_gradebook_for_lms_import(cohort):
    _, _, out, _ = cohort
    with open(out / "gradebook.csv", newline="") as handle:
        wide = {r["student_id"]: r for r in csv.DictReader(handle)}
    assert list(wide["ada"]) == ["student_id", "toy", "total"]
    assert wide["ada"]["total"] == "5" and wide["dee"]["toy"] == ""


def test_report_is_self_contained_with_plots_and_attention(cohort):
    _, _, out, _ = cohort
    page = (out / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 2
    assert "src=\"http" not in page and "<script" not in page
    attention = page.split("need attention")[1].split("<h2>toy")[0]
    for student in ("bo", "cy", "dee", "fay"):
        assert f"<td>{student}</td>" in attention
    assert "<td>ada</td>" not in attention


def test_feedback_shows_hints_and_never_hidden_tests(cohort):
    course, _, out, _ = cohort
    source = nbformat.read(course / "solutions" / "toy" / "toy.ipynb", 4)
    hidden = [line.strip() for cell in source.cells
              if "### BEGIN HIDDEN TESTS" in cell.source
              for line in cell.source.split("### BEGIN HIDDEN TESTS")[1].splitlines()
              if line.strip() and not line.startswith("###")]
    pages = list((out / "feedback").rglob("*.html"))
    assert len(pages) == 4
    for page in pages:
        text = page.read_text()
        leaked = [line for line in hidden if line in text]
        assert leaked == [] and toy_course.SECRET not in text and "Traceback" not in text
    bo = re.sub(r"<[^>]+>", "", (out / "feedback" / "bo" / "toy" / "toy.html").read_text())
    assert "Hint: An empty word still gets its !" in bo, "the hint is shown"
    assert "return word.upper() + '!' if word else ''" in html.unescape(bo), "their own code"


def test_rerun_is_incremental_and_exports_manual_points(cohort):
    course, subs, out, _ = cohort
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        essay = gb.find_grade("essay", "toy", "toy", "ada")
        essay.manual_score = 2.5
        gb.db.commit()
    again = run_grade(course, subs, "--out", out)
    assert again.returncode == 0
    assert "0 graded now, 4 unchanged" in again.stdout
    found = rows(out)
    assert found["ada"]["score"] == "7.5" and found["ada"]["detail"] == "all parts graded"
    assert len(found) == 6
    forced = run_grade(course, subs, "--out", out, "--force", "--assignment", "toy")
    assert "4 graded now" in forced.stdout
    assert rows(out)["ada"]["score"] == "7.5", "regrading keeps the manual points"


def test_a_changed_submission_is_regraded(cohort, tmp_path):
    course, subs, out, _ = cohort
    copy = tmp_path / "subs"
    shutil.copytree(subs, copy)
    release = nbformat.read(course / "exercises" / "toy" / "toy.ipynb", 4)
    nbformat.write(toy_course.with_answers(release, **FULL), copy / "bo" / "toy" / "toy.ipynb")
    result = run_grade(course, copy, "--out", out)
    assert "1 graded now" in result.stdout
    assert rows(out)["bo"]["score"] == "5"


def test_profile_says_where_the_time_went_stage_by_stage(cohort, tmp_path):
    course, subs, _, _ = cohort
    result = run_grade(course, subs, "--out", tmp_path / "out", "--profile")
    assert result.returncode == 0, result.stderr
    table = {line.split()[0]: line.split()[1:] for line in result.stderr.splitlines()
             if re.match(r"^(discover|plan|setup|kernel_start|execute|judge|nbgrader|verdicts|"
                         r"render|record|export|wall) ", line)}
    assert set(table) == {"discover", "plan", "setup", "kernel_start", "execute", "judge",
                          "nbgrader", "verdicts", "render", "record", "export", "wall"}
    seconds = {stage: float(values[0]) for stage, values in table.items() if stage != "wall"}
    assert seconds["kernel_start"] > 0 and seconds["execute"] > 0 and seconds["render"] > 0
    wall = float(table["wall"][1])
    assert sum(seconds[s] for s in ("discover", "plan", "record", "export")) < wall, \
        "the coordinator's stages fit in the run"
    assert "(4 graded)" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["missing-folder", "--out", "o"], "is not a folder"),
    (["{subs}", "--out", "o", "--assignment", "nope"], "no assignment 'nope'"),
    (["{subs}", "--out", "o", "--workers", "0"], "--workers must be 1 or more"),
])
def test_bad_arguments_exit_2(cohort, tmp_path, args, message):
    course, subs, _, _ = cohort
    result = run_grade(course, *[a.replace("{subs}", str(subs)) for a in args])
    assert result.returncode == 2 and message in result.stderr


def test_refuses_to_grade_unsafely_without_the_sandbox(cohort, tmp_path, monkeypatch, capsys):
    from autograder.sandbox import bubblewrap
    from ownit.cli import main

    course, subs, _, _ = cohort
    monkeypatch.setenv("OWNIT_ROOT", str(course))
    monkeypatch.setattr(bubblewrap, "bwrap_path", lambda: None)
    assert main(["grade", str(subs), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "apt-get install bubblewrap" in err and "--no-sandbox" in err
    assert not (tmp_path / "o" / "grades.csv").exists()


def test_a_broken_nbgrader_config_is_an_error(cohort, tmp_path):
    course, subs, _, _ = cohort
    broken = tmp_path / "course"
    shutil.copytree(course, broken, ignore=shutil.ignore_patterns(".ownit-cache"))
    (broken / "nbgrader_config.py").write_text("c = get_config()\nc.Foo.bar = undefined_name\n")
    result = run_grade(broken, subs, "--out", tmp_path / "o")
    assert result.returncode == 2
    assert "nbgrader_config.py is broken" in result.stderr and "NameError" in result.stderr
