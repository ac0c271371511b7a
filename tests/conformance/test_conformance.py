"""``ownit grade`` gives every grade cell of the project's own nbgrader assignments the result
plain nbgrader gives (auto score, needs-manual flag, maximum), and every submission the same
timestamp and late penalty; the deliberate differences of docs/conformance.md are tested one by
one. Both graders run once per session: grading is heavy."""

from __future__ import annotations

import re
import shutil

import cohort
import harness
import nbformat
import pytest
from sandbox_required import need_sandbox, sandbox_available

INCIDENT_CELLS = 8  # grade cells and the task of incident_review's two notebooks
BUS_CELLS = 2


@pytest.fixture(scope="session")
def both(tmp_path_factory):
    need_sandbox()
    work = tmp_path_factory.mktemp("conformance")
    submitted = cohort.build(work / "submitted")
    common = {"files": cohort.COURSE_FILES, "config_lines": cohort.LATE_CONFIG,
              "due_dates": cohort.DUE_DATES, "extensions": cohort.EXTENSIONS}
    plain = harness.grade_with_nbgrader(cohort.SOURCE, submitted, work / "plain", **common)
    own = harness.grade_with_ownit(cohort.SOURCE, submitted, work / "own", sandbox=True,
                                   **common)
    return plain, own, submitted


def _row(own, student, aid):
    return next(r for r in own.run.rows
                if (r["student_id"], r["assignment_id"]) == (student, aid))


def test_every_grade_cell_and_submission_matches_plain_nbgrader(both):
    plain, own, _ = both
    students = len(cohort.INCIDENT) + len(cohort.BUS_FACTOR) + 1
    assert len(plain.timestamps) == len(own.timestamps) == students
    assert len(own.cells) == len(cohort.INCIDENT) * INCIDENT_CELLS + \
        (len(cohort.BUS_FACTOR) + 1) * BUS_CELLS
    assert harness.differences(plain, own, ignore={cohort.DELETER, cohort.RENAMED}) == []
    assert set(plain.failed) == {(cohort.RENAMED, "bus_factor_check")} and own.failed == {}


def test_formgrader_is_asked_for_exactly_the_cells_nbgrader_asks_for(both):
    plain, own, _ = both
    asked = sorted(k for k, v in own.cells.items() if v[1] and k[0] != cohort.RENAMED)
    assert asked == sorted(k for k, v in plain.cells.items() if v[1] and k[0] != cohort.RENAMED
                           and k != (cohort.DELETER, "timeline", "test_ack_delays"))
    # A code answer graded by hand is left ungraded and flagged, as nbgrader does.
    assert own.cells[("ada", "timeline", "status_update")] == (None, True, 2.0)
    assert own.cells[("ada", "timeline", "rota_task")] == (None, True, 2.0)
    report = (own.root.parent / "out" / "report.html").read_text()
    hardest = re.findall(r"hardest: ([^<]*?)\.", report)
    assert hardest and not any("status_update" in h or "why_owners" in h for h in hardest)
    ada = _row(own, "ada", "incident_review")
    assert ada["score"] == "6"
    assert ada["detail"].startswith("7 points still to grade by hand (followup: why_owners; "
                                    "timeline: status_update, task rota_task)"), ada["detail"]


def test_unchanged_hand_graded_answers_score_zero_and_need_no_grading(both):
    _, own, _ = both
    assert own.cells[("bo", "timeline", "status_update")] == (0.0, False, 2.0)
    assert own.cells[("bo", "followup", "why_owners")] == (0.0, False, 3.0)
    # The task has no answer cell of its own to compare: nbgrader asks for it anyway.
    assert _row(own, "bo", "incident_review")["detail"].startswith(
        "2 points still to grade by hand (timeline: task rota_task)")


def test_timestamps_and_the_configured_late_plugin_apply(both):
    plain, own, _ = both
    assert own.timestamps[("dee", "incident_review")] == "2026-03-03T08:30:00"  # from Berlin
    assert own.timestamps[("cy", "incident_review")] == "2026-03-02T16:59:30"
    # late.KeepAShare with kept = 0.25: three quarters of dee's 6 auto points are taken off.
    assert own.penalties[("dee", "incident_review")] == plain.penalties[
        ("dee", "incident_review")] == 4.5
    assert own.penalties[("cy", "incident_review")] == 0.0
    dee = _row(own, "dee", "incident_review")
    assert dee["score"] == "1.5"
    assert "submitted 15 h 30 min late: late penalty 4.5 points taken off" in dee["detail"]
    assert "late" not in _row(own, "cy", "incident_review")["detail"]
    # gus handed in as late as dee, with a 24-hour extension: on time, no penalty.
    assert own.timestamps[("gus", "incident_review")] == "2026-03-03T08:30:00"
    assert own.penalties[("gus", "incident_review")] == 0.0
    assert _row(own, "gus", "incident_review")["score"] == "6"


def test_partial_credit_from_a_test_cell_is_kept(both):
    plain, own, _ = both
    key = ("cy", "followup", "test_unowned_share")
    assert own.cells[key] == plain.cells[key] == (0.5, False, 1.0)


def test_autotests_yml_at_the_course_root_is_found(both):
    _, own, _ = both
    assert _row(own, "ada", "bus_factor_check")["score"] == "3"
    assert _row(own, "cy", "bus_factor_check")["score"] == "1"


def test_documented_difference_a_deleted_graded_cell_comes_back(both):
    plain, own, _ = both
    key = (cohort.DELETER, "timeline", "test_ack_delays")
    # nbgrader leaves the deleted test ungraded and asks a human; Own It restores the test
    # from the gradebook (add_missing_cells) and runs it.
    assert plain.cells[key] == (None, True, 1.0)
    assert own.cells[key] == (1.0, False, 1.0)
    restored = nbformat.read(own.root / "autograded" / cohort.DELETER / "incident_review" /
                             "timeline.ipynb", 4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in restored.cells]
    # status_update came right after a locked cell: nbgrader's own restoration fails there.
    assert ids.index("test_ack_delays") == ids.index("ack_delays") + 1
    assert ids.index("status_update") == ids.index("status_update_prompt") + 1
    assert _row(own, cohort.DELETER, "incident_review")["status"] == "graded"


def test_documented_difference_a_lone_misnamed_notebook_is_graded(both):
    plain, own, _ = both
    log = plain.failed[(cohort.RENAMED, "bus_factor_check")]
    assert "Skipping unknown notebook" in log and "No notebooks found" in log
    assert _row(own, cohort.RENAMED, "bus_factor_check")["score"] == "3"
    assert own.cells[(cohort.RENAMED, "bus_factor_check", "test_riskiest")] == (2.0, False, 2.0)


def test_nbgrader_s_own_late_plugin_zero(tmp_path):
    """penalty_method = 'zero' of nbgrader's LateSubmissionPlugin, on a small course."""
    source = tmp_path / "source"
    shutil.copytree(cohort.SOURCE / "bus_factor_check", source / "bus_factor_check")
    everyone = cohort.build(tmp_path / "everyone")
    submitted = tmp_path / "submitted"
    for student, stamp in (("ada", "2026-03-09 12:00:00 UTC"), ("cy", None)):
        shutil.copytree(everyone / student / "bus_factor_check",
                        submitted / student / "bus_factor_check")
        if stamp:
            (submitted / student / "bus_factor_check" / "timestamp.txt").write_text(stamp)
    common = {"files": cohort.COURSE_FILES, "due_dates": {"bus_factor_check": cohort.DUE},
              "config_lines": "c.LateSubmissionPlugin.penalty_method = 'zero'\n"}
    plain = harness.grade_with_nbgrader(source, submitted, tmp_path / "plain", **common)
    own = harness.grade_with_ownit(source, submitted, tmp_path / "own", sandbox=sandbox_available(),
                                   **common)
    assert harness.differences(plain, own) == []
    assert own.penalties[("ada", "bus_factor_check")] == 3.0
    assert _row(own, "ada", "bus_factor_check")["score"] == "0"
    assert _row(own, "cy", "bus_factor_check")["score"] == "1"
