"""Every exercise, graded end to end by nbgrader in a throw-away course.

For each assignment: the full solution earns every auto-graded point; the blank release earns
none; for each answer cell, a notebook with only that cell blank, and one with a plausible wrong
answer in it (from ``tests/course/wrong_answers/<id>.json``), loses points. Also: nothing of the
solutions leaks into ``exercises/``, the data is rebuilt bit for bit, and the notebooks have the
shape the course promises (six or more tasks, hidden tests in at least half of the test cells).
"""

from __future__ import annotations

import filecmp
import json
import re
import shutil

import nbformat
import pytest
from sandbox_required import need_sandbox

from autograder.assignment import assignment_ids
from autograder.pipeline.split_expectations import split_source
from conftest import ROOT
from ownit.instructor.generators import generator, write
from ownit.instructor.grade import grade
from ownit.instructor.trial import TrialCourse

ASSIGNMENTS = ["deploy_safely", "latency_alerting", "incident_triage", "blameless_postmortem",
               "bus_factor"]
PRESENT = assignment_ids(ROOT)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", re.S)
SOLUTION = re.compile(r"### BEGIN SOLUTION(.*?)### END SOLUTION", re.S)


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _source(assignment_id: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "solutions" / assignment_id / f"{assignment_id}.ipynb", 4)


def _answer_cells(nb) -> list[int]:
    return [n for n, c in enumerate(nb.cells)
            if c.cell_type == "code" and _meta(c).get("solution") and not _meta(c).get("grade")]


def _auto_parts(nb) -> set[str]:
    return {_meta(c)["grade_id"] for c in nb.cells
            if c.cell_type == "code" and _meta(c).get("grade")}


def test_all_five_assignments_exist():
    assert PRESENT == sorted(ASSIGNMENTS)


@pytest.fixture(scope="module", params=PRESENT)
def graded(request):
    """Grade the solution, the blank release, and one-cell variants of one assignment."""
    assignment_id = request.param
    source = _source(assignment_id)
    wrong_file = ROOT / "tests" / "course" / "wrong_answers" / f"{assignment_id}.json"
    wrong = json.loads(wrong_file.read_text()) if wrong_file.exists() else {}
    name = f"{assignment_id}.ipynb"
    with TrialCourse(ROOT, assignment_id) as course:
        release = nbformat.read(course.release_dir / name, 4)
        by_id = {_meta(c).get("grade_id"): n for n, c in enumerate(release.cells)}
        course.submit("solution", {name: source})
        course.submit("blank", {name: release})
        variants = {}
        for index in _answer_cells(source):
            grade_id = _meta(source.cells[index])["grade_id"]
            blank = nbformat.from_dict(json.loads(json.dumps(source)))
            blank.cells[index].source = release.cells[by_id[grade_id]].source
            variants[f"blank-{grade_id}"] = blank
            if grade_id in wrong:
                mistaken = nbformat.from_dict(json.loads(json.dumps(source)))
                mistaken.cells[index].source = wrong[grade_id]
                variants[f"wrong-{grade_id}"] = mistaken
        for student, nb in variants.items():
            course.submit(student, {name: nb})
        course.autograde_all()
        grades = {s: course.grades(s) for s in ["solution", "blank", *variants]}
    notebooks = {"solution": source, "blank": release, **variants}
    return assignment_id, source, wrong, grades, notebooks


def _auto_score(nb, graded_one) -> tuple[float, float]:
    parts = _auto_parts(nb)
    return (sum(graded_one.parts[p][0] for p in parts), sum(graded_one.parts[p][1] for p in parts))


def test_solution_earns_every_auto_graded_point(graded):
    _, source, _, grades, _ = graded
    score, max_score = _auto_score(source, grades["solution"])
    assert max_score > 0 and score == max_score


def test_blank_release_earns_nothing(graded):
    _, source, _, grades, _ = graded
    assert _auto_score(source, grades["blank"])[0] == 0


def test_every_answer_cell_is_tested(graded):
    assignment_id, source, wrong, grades, _ = graded
    full = _auto_score(source, grades["solution"])[0]
    untested = []
    for index in _answer_cells(source):
        grade_id = _meta(source.cells[index])["grade_id"]
        if _auto_score(source, grades[f"blank-{grade_id}"])[0] >= full:
            untested.append(f"{grade_id} left blank")
        if grade_id not in wrong:
            untested.append(f"{grade_id} has no plausible wrong answer in tests/course/wrong_answers")
        elif _auto_score(source, grades[f"wrong-{grade_id}"])[0] >= full:
            untested.append(f"{grade_id} with a plausible wrong answer")
    assert untested == [], f"{assignment_id}: these lose no points: {untested}"


@pytest.mark.parametrize("assignment_id", PRESENT)
def test_exercise_has_the_promised_shape(assignment_id):
    source = _source(assignment_id)
    test_cells = [c for c in source.cells if c.cell_type == "code" and _meta(c).get("grade")]
    hidden = [c for c in test_cells if "### BEGIN HIDDEN TESTS" in c.source]
    assert len(_answer_cells(source)) >= 6, "at least six auto-graded tasks"
    assert len(hidden) * 2 >= len(test_cells), "hidden tests in at least half of the test cells"
    header = source.cells[0].source
    assert "ownit check" in header and "hidden" in header.lower()
    for cell in test_cells:
        grade_id = _meta(cell)["grade_id"]
        assert re.search(r"^\s*assert\b", cell.source, re.M) is None, \
            f"{grade_id}: use expect(), not bare assert"
        _, sites = split_source(cell.source)
        assert sites, f"{grade_id}: a test cell checks with expect()"
        not_literal = [s["site"] for s in sites if not s["literal"]]
        assert not_literal == [], (f"{grade_id}: expected values and hints must be literals, "
                                   "so the grader can judge outside the kernel")
    grade_ids = [_meta(c).get("grade_id") for c in source.cells if _meta(c)]
    assert len(grade_ids) == len(set(grade_ids)), "grade ids are unique"


def _secret_lines(source) -> set[str]:
    """Lines that only appear inside solution or hidden-test regions of the source."""
    secret, public = set(), set()
    for cell in source.cells:
        regions = SOLUTION.findall(cell.source) + HIDDEN.findall(cell.source)
        inside = {line.strip() for region in regions for line in region.splitlines()}
        outside = {line.strip() for line in SOLUTION.sub("", HIDDEN.sub("", cell.source))
                   .splitlines()}
        secret |= inside
        public |= outside
    return {line for line in secret - public if len(line) >= 12 and not line.startswith("#")}


@pytest.mark.parametrize("assignment_id", PRESENT)
def test_no_solution_or_hidden_test_reaches_exercises(assignment_id):
    folder = ROOT / "exercises" / assignment_id
    released = [nbformat.read(p, 4) for p in folder.glob("*.ipynb")]
    text = "\n".join(cell.source for nb in released for cell in nb.cells)
    assert released and "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
    lines = {line.strip() for line in text.splitlines()}
    leaked = sorted(_secret_lines(_source(assignment_id)) & lines)
    assert leaked == []


@pytest.mark.parametrize("assignment_id", [a for a in PRESENT if generator(a) is not None])
def test_data_is_rebuilt_bit_for_bit(assignment_id, tmp_path):
    first = write(assignment_id, tmp_path / "one")
    write(assignment_id, tmp_path / "two")
    names = sorted(p.name for p in first)
    assert names, "the generator wrote nothing"
    for name in names:
        assert filecmp.cmp(tmp_path / "one" / name, tmp_path / "two" / name, shallow=False), name
        for committed in ("solutions", "exercises"):
            path = ROOT / committed / assignment_id / "data" / name
            assert path.is_file() and filecmp.cmp(tmp_path / "one" / name, path, shallow=False), \
                f"{committed}/{assignment_id}/data/{name} differs from a fresh generation"


def test_own_grader_gives_honest_work_what_plain_nbgrader_gives(graded, tmp_path):
    """The same notebooks through ``ownit grade`` (sandbox, judge outside the kernel): every
    part scores exactly as plain nbgrader scored it."""
    need_sandbox()
    assignment_id, source, _, plain, notebooks = graded
    root = tmp_path / "course"
    shutil.copytree(ROOT / "solutions" / assignment_id, root / "solutions" / assignment_id)
    (root / "course").mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    for student, nb in notebooks.items():
        folder = tmp_path / "subs" / student / assignment_id
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{assignment_id}.ipynb")
    grade(root, tmp_path / "subs", tmp_path / "out", workers=2, sandbox=True, quiet=True)
    state = json.loads((tmp_path / "out" / "state.json").read_text())
    auto = _auto_parts(source)
    differ = []
    for student in notebooks:
        entry = state[f"{student}/{assignment_id}"]
        assert "parts" in entry, (student, entry.get("row", {}).get("detail"))
        ours = {p["id"]: p["score"] for p in entry["parts"]}
        theirs = {part: plain[student].parts[part][0] for part in auto}
        differ += [(student, part, ours.get(part), theirs[part]) for part in auto
                   if ours.get(part) != theirs[part]]
    assert differ == []
