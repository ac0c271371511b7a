"""The course gradebook (gradebook.db in the course root), which only the coordinator writes.

It holds what formgrader shows and what manual grading adds to: the assignments as they are now,
every submission's cells with nbgrader's verdicts, timestamps and late penalties.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from autograder.assignment import generate
from autograder.lateness import late_detail
from autograder.settings import GRADEBOOK
from autograder.submission import SubmissionResult


def _open(db: Path) -> Gradebook:
    return Gradebook(f"sqlite:///{db}")


def grade_cells(db: Path, aid: str) -> dict[str, tuple[float, str]]:
    """``notebook/cell -> (points, cell type)`` of the assignment's graded cells in a gradebook."""
    with _open(db) as gb:
        assignment = gb.find_assignment(aid)
        return {f"{nb.name}/{cell.name}": (float(cell.max_score), cell.cell_type)
                for nb in assignment.notebooks for cell in (*nb.grade_cells, *nb.task_cells)}


def ensure_assignment(root: Path, aid: str, notebooks: list[str] | None = None,
                      prepared_gradebook: Path | None = None) -> str | None:
    """The course gradebook must know the assignment as it is now: its notebooks (formgrader and
    manual grading need them), and its graded cells and points. An assignment added with
    ``nbgrader db assignment add`` (to set its due date) has no notebooks yet; one changed in
    solutions/ after grading began (a fixed test, new points) has old cells. Both are generated
    again into the course gradebook, as nbgrader's ``generate_assignment --force`` does (it keeps
    the due date, and manual scores of the cells that stay). Returns what changed, in words."""
    before: dict[str, tuple[float, str]] = {}
    try:
        with _open(root / GRADEBOOK) as gb:
            known = {nb.name for nb in gb.find_assignment(aid).notebooks}
        before = grade_cells(root / GRADEBOOK, aid)
        now = grade_cells(prepared_gradebook, aid) if prepared_gradebook else before
        if known and set(notebooks or ()) <= known and now == before:
            return None
    except MissingEntry:
        known = set()
    with tempfile.TemporaryDirectory() as tmp:
        generate(root, aid, release_dir=Path(tmp), gradebook=root / GRADEBOOK)
    if not known:
        return None
    after = grade_cells(root / GRADEBOOK, aid)
    changed = [f"{k.split('/', 1)[1]} {before[k][0]:g} -> {after[k][0]:g} points"
               for k in sorted(before.keys() & after.keys()) if before[k] != after[k]]
    changed += [f"new {k.split('/', 1)[1]}" for k in sorted(after.keys() - before.keys())]
    changed += [f"removed {k.split('/', 1)[1]}" for k in sorted(before.keys() - after.keys())]
    return ("regraded: the exercise changed since it was last graded"
            + (f" ({', '.join(changed[:6])})" if changed else " (its tests)"))


def record(root: Path, result: SubmissionResult) -> None:
    """Write one worker's result: nbgrader's own verdicts (auto score, needs-manual flag) cell by
    cell, the timestamp and the late penalties; manual scores given in formgrader are kept (and,
    as nbgrader does on a regrade, flagged for review)."""
    with _open(root / GRADEBOOK) as gb:
        gb.update_or_create_student(result.student)
        stamp = {"timestamp": result.timestamp} if result.timestamp else {}
        gb.update_or_create_submission(result.assignment, result.student, **stamp)
        parts = {(p.notebook, p.id): p for p in result.parts}
        for nb_name in result.autograded:
            submitted = gb.find_submission_notebook(nb_name, result.assignment, result.student)
            submitted.late_submission_penalty = result.late_penalties.get(nb_name)
            for grade in submitted.grades:
                part = parts.get((nb_name, grade.name))
                if part is None:  # nbgrader recorded nothing for it: leave it to a human
                    grade.auto_score = None
                    grade.needs_manual_grade = grade.manual_score is None
                    continue
                grade.auto_score = part.auto_score
                grade.needs_manual_grade = part.needs_manual_grade or \
                    grade.manual_score is not None
        gb.db.commit()


def _label(grade) -> str:
    """A grade's name for people: a task is called one (its id is often generated)."""
    return f"task {grade.name}" if type(grade.cell).__name__ == "TaskCell" else grade.name


def _where(pending: list[tuple[str, str, float]], several: bool) -> str:
    """The parts to grade by hand, by notebook when the assignment has several."""
    if not several:
        return ", ".join(label for _, label, _ in pending)
    by_notebook: dict[str, list[str]] = {}
    for notebook, label, _ in pending:
        by_notebook.setdefault(notebook, []).append(label)
    return "; ".join(f"{nb}: {', '.join(labels)}" for nb, labels in by_notebook.items())


def rows(root: Path, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], dict | Exception]:
    """The grades.csv rows of submissions, from the gradebook as it is now (manual grades given
    in formgrader since the last run count), read in one opening of it: per (student,
    assignment) its row, or the exception that reading it raised (the caller writes the row)."""
    found: dict[tuple[str, str], dict | Exception] = {}
    with _open(root / GRADEBOOK) as gb:
        for student, aid in wanted:
            try:
                found[(student, aid)] = _row(gb, student, aid)
            except Exception as exc:  # noqa: BLE001 - one submission's row says what failed
                found[(student, aid)] = exc
    return found


def _row(gb: Gradebook, student: str, aid: str) -> dict:
    sub = gb.find_submission(aid, student)
    pending = [(nb.name, _label(g), g.max_score) for nb in sub.notebooks for g in nb.grades
               if g.needs_manual_grade and g.manual_score is None]
    several = len(sub.notebooks) > 1
    raw, max_score = float(sub.score), float(sub.max_score)
    penalty = float(sub.late_submission_penalty or 0)
    seconds_late = float(sub.total_seconds_late)
    notes = []
    if pending:
        points = sum(m for _, _, m in pending)
        notes.append(f"{points:g} points still to grade by hand ({_where(pending, several)}); "
                     "score counts graded parts only")
    if seconds_late > 0:
        notes.append(late_detail(penalty, seconds_late)
                     + (f" (score before the penalty: {raw:g})" if penalty else ""))
    detail = "; ".join(notes) or "all parts graded"
    return {"student_id": student, "assignment_id": aid, "score": f"{raw - penalty:g}",
            "max_score": f"{max_score:g}", "status": "graded", "detail": detail}
