"""The hostile cohort (tests/hostile_cohort.py), graded once: each case earns what it deserves,
honest students get what plain nbgrader gives, every submission ends with one row, and nothing
of what learner code printed, raised or displayed reaches a page, a notebook or a CSV."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
import toy_course
from hostile_cohort import CASES, EXTRA, _digest

from ownit.instructor.trial import TrialCourse


@pytest.mark.parametrize("case", list(CASES))
def test_each_case_earns_what_it_deserves(hostile_run, case):
    row = hostile_run["by_id"][case]
    assert row["status"] == "graded", row["detail"]
    state = json.loads((hostile_run["out"] / "state.json").read_text())[f"{case}/toy"]
    auto = sum(p["score"] for p in state["parts"] if not p["manual"])
    assert auto == CASES[case][1], [(p["id"], p["score"], p["hint"]) for p in state["parts"]]


def test_every_submission_found_ends_with_exactly_one_row(hostile_run):
    ids = [r["student_id"].lstrip("'") for r in hostile_run["rows"]]
    assert sorted(ids) == sorted({*CASES, *EXTRA}), "a submission got no row, or two"
    for student, (status, score) in EXTRA.items():
        row = hostile_run["by_id"][student]
        assert row["status"] == status, (student, row["detail"])
        if score is not None:
            assert float(row["score"]) == score, (student, row["detail"])


def test_broken_and_renamed_notebooks(hostile_run):
    rows = hostile_run["by_id"]
    assert "not a valid notebook" in rows["invalid-json"]["detail"]
    # "renamed" was the staging folder of misnamed notebooks: its owner gets only their own
    # blank work, and the victim's feedback is theirs alone.
    page = (hostile_run["out"] / "feedback" / "renamed" / "toy" / "toy.html").read_text()
    assert "word.upper()" not in page


def test_a_student_submitting_twice_is_graded_once_and_told_why(hostile_run):
    row = hostile_run["by_id"]["twice"]
    assert row["score"] == "5"
    assert "set aside the folder twice/toy" in row["detail"] and "newer" in row["detail"]


def test_no_field_of_the_csvs_can_start_a_spreadsheet_formula(hostile_run):
    import csv

    for name in ("grades.csv", "gradebook.csv"):
        with open(hostile_run["out"] / name, newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                for field in row:
                    assert not field.startswith(("=", "+", "@", "\t", "\r")), (name, field)
                    if field.startswith("-"):
                        float(field)  # only a negative number may start with a minus
    assert hostile_run["by_id"]["formula-notebook"]["detail"].startswith("'=cmd")


def test_hints_and_feedback_never_carry_what_learner_code_saw(hostile_run):
    state = json.loads((hostile_run["out"] / "state.json").read_text())
    hints = json.dumps(state["hidden-test-leak/toy"]["parts"])
    assert "LEAKED" not in hints and "SECRET" not in hints
    feedback = hostile_run["out"] / "feedback" / "hidden-test-leak" / "toy" / "toy.html"
    page = feedback.read_text()
    # What only the graded run could know: the hidden cell's source and its inputs.
    for secret in (toy_course.SECRET, "OWN!", "LEAKED_a_b", "BEGIN HIDDEN"):
        assert secret not in page, secret
    assert "Your code raised AssertionError" in page and "raised an exception" in page


def test_hand_graded_answers_never_carry_kernel_text_and_wait_for_the_instructor(hostile_run):
    state = json.loads((hostile_run["out"] / "state.json").read_text())
    parts = {p["id"]: p for p in state["manual-answer-leak/toy"]["parts"]}
    assert parts["whisper"]["manual"] and "LEAKED" not in json.dumps(parts)
    page = (hostile_run["out"] / "feedback" / "manual-answer-leak" / "toy" / "toy.html")
    assert "LEAKED-MANUAL " + "|" not in page.read_text()
    assert toy_course.SECRET not in page.read_text()
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{hostile_run['course'] / 'gradebook.db'}") as gb:
        grade = gb.find_grade("whisper", "toy", "toy", "manual-answer-leak")
        assert grade.auto_score is None and grade.needs_manual_grade


def test_no_mark_scheme_reaches_any_learner(hostile_run):
    for page in (hostile_run["out"] / "feedback").rglob("*.html"):
        assert toy_course.MARK_SCHEME not in page.read_text(), page


def test_refused_ids_never_reach_the_gradebook_formgrader_shows(hostile_run):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{hostile_run['course'] / 'gradebook.db'}") as gb:
        ids = {s.id for s in gb.students}
    assert not any(ch in i for i in ids for ch in "<>\"';[]()=")
    assert "josé" in ids and "John Smith" in ids


def test_pages_and_notebooks_for_instructors_hold_no_markup_of_the_learner(hostile_run):
    out, course = hostile_run["out"], hostile_run["course"]
    for case in ("rich-output-script", "forged-locked-markdown"):
        page = (out / "feedback" / case / "toy" / "toy.html").read_text()
        graded = (course / "autograded" / case / "toy" / "toy.ipynb").read_text()
        assert "<script" not in page and not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", page)
        assert not re.search(r"href=[\"']?javascript:", page)
        nb = json.loads(graded)
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown" and "owned" in "".join(cell["source"]):
                assert "".join(cell["source"]).startswith("```"), "learner Markdown is verbatim"
        mimes = {m for c in nb["cells"] for o in c.get("outputs", []) for m in o.get("data", {})}
        assert mimes <= {"text/plain", "image/png", "image/jpeg"}, mimes
        assert not any(c["cell_type"] == "raw" or c.get("attachments") for c in nb["cells"])
        assert set(nb["metadata"]) <= {"kernelspec", "language_info"}
        assert all(set(c["metadata"]) <= {"nbgrader"} for c in nb["cells"])
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                assert output.get("metadata", {}) == {}


def test_honest_students_get_what_plain_nbgrader_gives(hostile_run):
    course, release = hostile_run["course"], hostile_run["release"]
    with TrialCourse(course, "toy") as plain:
        for case in ("honest-full", "honest-half", "honest-blank"):
            nb = CASES[case][0](nbformat.from_dict(release))
            plain.submit(case, {"toy.ipynb": nb})
        plain.autograde_all()
        for case in ("honest-full", "honest-half", "honest-blank"):
            theirs = plain.grades(case)
            auto = sum(s for name, (s, _) in theirs.parts.items()
                       if name not in ("essay", "whisper", "risk_task"))
            assert float(hostile_run["by_id"][case]["score"]) == auto == CASES[case][1]


def test_the_run_ends_in_bounded_time(hostile_run):
    # 45 submissions on 2 workers; the slowest (endless loops) are cut at 2 cell timeouts.
    assert hostile_run["seconds"] < 360, f"grading took {hostile_run['seconds']:.0f} s"


def test_no_sandbox_folder_or_control_group_outlives_the_run(hostile_run):
    assert hostile_run["leftovers"] == set()
    assert not (hostile_run["out"] / ".work").exists()


def test_nothing_outside_a_sandbox_changed(hostile_run):
    subs, course = hostile_run["subs"], hostile_run["course"]
    for student, digest in hostile_run["honest_before"].items():
        assert _digest(subs / student) == digest, f"{student}'s submission was changed"
    assert _digest(course / "solutions") == hostile_run["source_before"]
    assert hostile_run["listener"].connections == 0, "a kernel reached the loopback listener"
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for case in CASES:
            essay = gb.find_grade("essay", "toy", "toy", case)
            assert essay.manual_score is None, f"{case}: a manual score appeared"


def test_detached_processes_and_output_do_not_outlive_grading(hostile_run):
    assert not Path("/tmp/ownit-late-marker").exists(), "a detached process acted after grading"
    leftover = subprocess.run(["pgrep", "-f", "ownit-late-marker"], capture_output=True,
                              text=True, check=False).stdout.strip()
    assert leftover == "", "a detached process is still running"
    out, course = hostile_run["out"], hostile_run["course"]
    for page in (out / "feedback").rglob("*.html"):
        assert page.stat().st_size < 3 * 2**20, f"{page} is too big"
    for notebook in (course / "autograded").rglob("*.ipynb"):
        cells = json.loads(notebook.read_text())["cells"]
        outputs = len(json.dumps([c.get("outputs", []) for c in cells]))
        assert outputs < 3 * 2**20, f"{notebook} holds too much output"
