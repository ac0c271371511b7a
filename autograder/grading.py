"""Grading one submission: a pure step, run by a worker.

In: a prepared assignment and a folder with the learner's notebook(s). Out: a
:class:`SubmissionResult` of plain data (scores per part, hints) and the autograded notebooks,
made in a private scratch course with a private copy of the gradebook. Nothing shared is written
here: the coordinator (``ownit grade``) or the learner's report (``ownit check``) decides what to
keep. Hints come from the messages of failed checks; the source of hidden tests never leaves.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI

from autograder.feedback import feedback_html, read_notebook
from autograder.prepared import Prepared
from autograder.safe import clean_text
from autograder.sandbox import box_tag, remove_leftovers
from autograder.settings import (
    AUTOGRADED_DIRECTORY,
    GRADEBOOK,
    SUBMITTED_DIRECTORY,
    Limits,
    course_config,
    harden,
)

# nbgrader's gradebook logs SQLAlchemy "not in session" warnings on every autograde; they are
# harmless (see docs) and would bury the learner's report.
warnings.filterwarnings("ignore", message=".*not in session.*")

HINT_LIMIT = 700  # up to three failed checks of one part, each with its hint


@dataclass
class Part:
    id: str
    score: float
    max_score: float
    passed: bool
    manual: bool
    hint: str | None
    notebook: str | None = None


@dataclass
class SubmissionResult:
    assignment: str
    student: str
    score: float  # auto-graded parts only
    max_score: float  # auto-graded parts only
    parts: list[Part] = field(default_factory=list)
    manual_max_score: float = 0.0
    autograded: dict[str, Path] = field(default_factory=dict)  # notebook name -> graded copy
    feedback: dict[str, str] = field(default_factory=dict)  # notebook name -> HTML page


class GradingFailed(RuntimeError):
    """nbgrader could not grade the submission at all (the message says why)."""


def _hint(cell, passed: bool) -> str | None:
    """A failed test cell's hint: the grader's verdict, which only ever holds the test's own
    words or the grader's (see ``judge_cell``), never text the learner's code produced."""
    if passed:
        return None
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if not errors:
        return "This part did not pass."
    message = clean_text(errors[-1].get("evalue", "")).strip() or "This part did not pass."
    return message if len(message) <= HINT_LIMIT else message[: HINT_LIMIT - 1] + "…"


def grade_submission(prepared: Prepared, submission: Path, student_id: str,
                     scratch: Path | None = None, *, sandbox: bool = False,
                     limits: Limits | None = None, render: bool = False) -> SubmissionResult:
    """Autograde the notebooks in ``submission`` (a folder) against ``prepared``.

    ``scratch`` receives the private course (autograded notebooks stay there for the caller);
    when None, a temporary folder is used and the autograded notebooks are not kept.
    """
    owned = scratch is None
    work = Path(tempfile.mkdtemp(prefix="ownit-grade-")) if owned else scratch
    try:
        return _grade(prepared, submission, student_id, work, sandbox, limits or Limits(),
                      render)
    finally:
        if sandbox:
            remove_leftovers(box_tag(work))
        if owned:
            shutil.rmtree(work, ignore_errors=True)


def _grade(prepared: Prepared, submission: Path, student_id: str, work: Path, sandbox: bool,
           limits: Limits, render: bool) -> SubmissionResult:
    aid = prepared.assignment_id
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy(prepared.gradebook, work / GRADEBOOK)
    placed = work / SUBMITTED_DIRECTORY / student_id / aid
    placed.mkdir(parents=True, exist_ok=True)
    for notebook in submission.glob("*.ipynb"):
        shutil.copy(notebook, placed / notebook.name)
    config = harden(course_config(work), sandbox=sandbox, limits=limits, box_tag=box_tag(work))
    # Grade against the cached source without copying it.
    config.CourseDirectory.source_directory = str(prepared.folder / "solutions")
    result = NbGraderAPI(config=config).autograde(aid, student_id, force=True, create=True)
    if not result["success"]:
        raise GradingFailed(_reason(result.get("log") or result.get("error") or ""))

    graded_dir = work / AUTOGRADED_DIRECTORY / student_id / aid
    parts: list[Part] = []
    manual_max = 0.0
    with Gradebook(f"sqlite:///{work / GRADEBOOK}") as gb:
        sub = gb.find_submission(aid, student_id)
        grades = {(nb.name, g.name): g for nb in sub.notebooks for g in nb.grades}
        scores = {key: (float(g.score), float(g.max_score)) for key, g in grades.items()}
    autograded = {}
    for name in prepared.notebook_names():
        source = nbformat.read(prepared.source_dir / f"{name}.ipynb", as_version=4)
        graded_path = graded_dir / f"{name}.ipynb"
        graded = nbformat.read(graded_path, as_version=4) if graded_path.exists() else None
        autograded[name] = graded_path
        graded_cells = {}
        if graded is not None:
            graded_cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c
                            for c in graded.cells}
        for cell in source.cells:
            meta = cell.metadata.get("nbgrader", {})
            if not meta.get("grade"):
                continue
            key = (name, meta["grade_id"])
            score, max_score = scores.get(key, (0.0, float(meta.get("points", 0))))
            # Graded by hand: any answer cell (nbgrader's "manually graded answer" is a code
            # cell too) and any Markdown cell, decided from the source notebook's own flags.
            manual = bool(meta.get("solution")) or cell.cell_type != "code"
            if manual:
                manual_max += max_score
                parts.append(Part(meta["grade_id"], 0.0, max_score, False, True,
                                  "Graded by hand by your instructor.", name))
                continue
            passed = max_score > 0 and score >= max_score
            graded_cell = graded_cells.get(meta["grade_id"], {"outputs": []})
            parts.append(Part(meta["grade_id"], score, max_score, passed, False,
                              _hint(graded_cell, passed), name))
    auto = [p for p in parts if not p.manual]
    result = SubmissionResult(
        assignment=aid, student=student_id,
        score=sum(p.score for p in auto), max_score=sum(p.max_score for p in auto),
        parts=parts, manual_max_score=manual_max, autograded=autograded)
    if render:
        for name in prepared.notebook_names():
            result.feedback[name] = feedback_html(
                assignment=aid, notebook=name, submitted=read_notebook(placed / f"{name}.ipynb"),
                release=nbformat.read(prepared.release_dir / f"{name}.ipynb", as_version=4),
                parts=parts, folder=prepared.release_dir)
    return result


def _reason(log: str) -> str:
    errors = [line for line in log.splitlines() if line.startswith("[ERROR]")]
    return "\n".join(errors[-3:]) or log.strip()[-500:] or "nbgrader failed without a message"
