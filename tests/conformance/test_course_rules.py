"""What a course holds besides its notebooks, seen where nbgrader sees it: the due date in the
gradebook, timestamp.txt, the late-penalty settings, autotests.yml at the course root. And
``ownit check`` on one notebook of a multi-notebook assignment."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import cohort
import harness
import nbformat
import pytest
import toy_course
from nbgrader.api import Gradebook
from sandbox_required import sandbox_available

from autograder.assignment import Prepared, prepare
from autograder.lateness import BadLateRules, late_rules
from autograder.pipeline.judge_expectations import partial_credit
from ownit.instructor.grade import grade
from ownit.instructor.grade.plan import fingerprint as _fingerprint
from ownit.learner.check import BadInput, check_notebook


def _rows(out: Path) -> dict:
    with open(out / "grades.csv", newline="") as handle:
        return {(r["student_id"], r["assignment_id"]): r for r in csv.DictReader(handle)}


def test_the_fingerprint_sees_timestamp_txt_and_extensions(tmp_path):
    prepared = Prepared("toy", tmp_path / "toy-abc", True)
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "toy.ipynb").write_text("{}")
    bare = _fingerprint(prepared, folder)
    (folder / "timestamp.txt").write_text("2026-03-01 10:00:00 UTC")
    early = _fingerprint(prepared, folder)
    (folder / "timestamp.txt").write_text("2026-03-09 10:00:00 UTC")
    late = _fingerprint(prepared, folder)
    extended = _fingerprint(Prepared("toy", tmp_path / "toy-abc", True, None, '{"ada": 86400}'),
                            folder)
    assert len({bare, early, late, extended}) == 4


def test_the_cache_key_sees_due_date_late_rules_and_autotests(tmp_path):
    root = toy_course.build(tmp_path / "course")
    plain = prepare(root, "toy").folder.name
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        gb.update_or_create_assignment("toy", duedate="2026-03-02 17:00:00 UTC")
    dated = prepare(root, "toy")
    with Gradebook(f"sqlite:///{dated.gradebook}") as gb:  # what every worker copies
        assert gb.find_assignment("toy").duedate.isoformat() == "2026-03-02T17:00:00"
    config = root / "nbgrader_config.py"
    config.write_text(config.read_text() + "c.LateSubmissionPlugin.penalty_method = 'zero'\n")
    ruled = prepare(root, "toy")
    assert '"penalty_method": "zero"' in ruled.late_rules
    (root / "autotests.yml").write_text(cohort.COURSE_FILES[0].read_text())
    names = [plain, dated.folder.name, ruled.folder.name, prepare(root, "toy").folder.name]
    assert len(set(names)) == 4, names


def test_an_assignment_that_cannot_be_prepared_gets_error_rows_and_the_rest_is_graded(tmp_path):
    root = toy_course.build(tmp_path / "course")
    shutil.copytree(cohort.SOURCE / "bus_factor_check", root / "solutions" / "bus_factor_check")
    subs = tmp_path / "submitted"
    for aid, source in (("toy", root / "exercises" / "toy" / "toy.ipynb"),
                        ("bus_factor_check", cohort.SOURCE / "bus_factor_check" /
                         "bus_factor_check.ipynb")):
        (subs / "ada" / aid).mkdir(parents=True)
        shutil.copy(source, subs / "ada" / aid / source.name)
    out = tmp_path / "out"
    run = grade(root, subs, out, workers=1, quiet=True, sandbox=sandbox_available())
    rows = _rows(out)
    broken = rows[("ada", "bus_factor_check")]
    assert broken["status"] == "error" and broken["score"] == ""
    assert "could not be prepared" in broken["detail"] and "autotests.yml" in broken["detail"]
    assert "Traceback" not in broken["detail"]
    assert rows[("ada", "toy")]["status"] == "graded" and run.errors == 1
    # Once autotests.yml is at the course root, where nbgrader looks, the next run grades it.
    shutil.copy(cohort.COURSE_FILES[0], root / "autotests.yml")
    grade(root, subs, out, workers=1, quiet=True, sandbox=sandbox_available())
    assert _rows(out)[("ada", "bus_factor_check")]["status"] == "graded"


@pytest.fixture(scope="module")
def incident_course(tmp_path_factory):
    """An Own It course holding incident_review, and a learner's copy of its release."""
    work = tmp_path_factory.mktemp("incident")
    root = work / "course"
    (root / "solutions").mkdir(parents=True)
    shutil.copytree(cohort.SOURCE / "incident_review", root / "solutions" / "incident_review")
    (root / "nbgrader_config.py").write_text(harness.OWN_IT_CONFIG)
    released = cohort.release(work / "plain")
    learner = work / "learner" / "exercises" / "incident_review"
    shutil.copytree(released / "incident_review", learner)
    answers = cohort.FULL["timeline"]
    nb = nbformat.read(learner / "timeline.ipynb", 4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        cell.source = answers.get(grade_id, cell.source)
    nbformat.write(nb, learner / "timeline.ipynb")
    return root, learner


def test_check_reports_only_the_notebook_checked_and_hand_graded_parts_as_manual(
        incident_course):
    root, learner = incident_course
    result, _ = check_notebook(root, learner / "timeline.ipynb")
    parts = {p.id: p for p in result.parts}
    assert list(parts) == ["test_ack_delays", "test_ack_delays_hidden", "status_update",
                           "rota_task"], "followup's parts are not timeline's"
    assert (result.score, result.max_score) == (3, 3)
    assert parts["status_update"].manual and parts["rota_task"].manual
    assert parts["status_update"].hint == "Graded by hand by your instructor."
    assert result.manual_max_score == 4


def test_check_finds_a_notebook_of_a_multi_notebook_assignment_by_its_name(
        incident_course, tmp_path):
    root, learner = incident_course
    outside = tmp_path / "Downloads" / "followup.ipynb"
    outside.parent.mkdir()
    shutil.copy(learner / "followup.ipynb", outside)
    result, _ = check_notebook(root, outside)
    assert result.assignment == "incident_review"
    assert {p.notebook for p in result.parts} == {"followup"}


def test_a_misnamed_notebook_is_told_the_assignment_s_notebooks(incident_course, tmp_path):
    root, learner = incident_course
    copy = learner / "timeline-Copy1.ipynb"
    shutil.copy(learner / "timeline.ipynb", copy)
    try:
        with pytest.raises(BadInput) as inside:
            check_notebook(root, copy)
    finally:
        copy.unlink()
    assert "followup.ipynb, timeline.ipynb" in str(inside.value)
    assert "e.g. exercises/incident_review/timeline.ipynb" in str(inside.value)
    stray = tmp_path / "review.ipynb"
    shutil.copy(learner / "timeline.ipynb", stray)
    with pytest.raises(BadInput) as outside:
        check_notebook(root, stray)
    assert "exercises/<assignment>/<notebook>.ipynb" in str(outside.value)
    assert "incident_review (followup.ipynb, timeline.ipynb)" in str(outside.value)


@pytest.mark.parametrize("shown, kept", [("0.5", True), ("1", True), ("0", True),
                                         ("1.5", False), ("-1", False), ("'done'", False)])
def test_partial_credit_is_kept_only_between_0_and_the_points(shown, kept):
    """Documented difference: above its points nbgrader fails the whole notebook; Own It gives
    the cell its points (as nbgrader does for a negative or non-numeric output)."""
    cell = nbformat.v4.new_code_cell("x", metadata={"nbgrader": {"grade": True, "points": 1,
                                                                  "grade_id": "t"}})
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": shown},
                                           execution_count=1)]
    assert bool(partial_credit(cell)) is kept
    from nbgrader.utils import determine_grade

    cell.outputs = partial_credit(cell)
    assert determine_grade(cell)[0] == (float(shown) if kept else 1.0)


def test_a_late_plugin_defined_inside_nbgrader_config_is_refused_with_what_to_do(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text(
        "from nbgrader.plugins import LateSubmissionPlugin\n"
        "class Mine(LateSubmissionPlugin):\n    pass\n"
        "c = get_config()\nc.AssignLatePenalties.plugin_class = Mine\n")
    with pytest.raises(BadLateRules, match="module beside nbgrader_config.py"):
        late_rules(tmp_path)
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.AssignLatePenalties.plugin_class = 'late.KeepAShare'\n"
        "c.KeepAShare.kept = 0.75\n")
    shutil.copy(cohort.COURSE_FILES[1], tmp_path / "late.py")
    rules = late_rules(tmp_path)
    assert rules["plugin_class"] == "late.KeepAShare"
    assert rules["sections"]["KeepAShare"] == {"kept": 0.75}


def test_check_on_an_assignment_nbgrader_cannot_generate_says_why(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(cohort.SOURCE / "bus_factor_check", root / "solutions" / "bus_factor_check")
    (root / "nbgrader_config.py").write_text(harness.OWN_IT_CONFIG)
    with pytest.raises(BadInput, match="bus_factor_check cannot be checked: .*autotests.yml"):
        check_notebook(root, root / "solutions" / "bus_factor_check" / "bus_factor_check.ipynb")
