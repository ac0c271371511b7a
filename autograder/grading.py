"""Grading one submission: a pure step, run by a worker.

In: a prepared assignment and a folder with the learner's notebook(s). Out: a
:class:`SubmissionResult` of plain data (scores per part, hints) and the autograded notebooks,
made in a private scratch course with a private copy of the gradebook. Nothing shared is written
here: the coordinator (``ownit grade``) or the learner's report (``ownit check``) decides what to
keep. Hints come from the messages of failed checks; the source of hidden tests never leaves.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI

from autograder.prepared import Prepared
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

HINT_LIMIT = 300
HIDDEN_MARK = "### BEGIN HIDDEN TESTS"


@dataclass
class Part:
    id: str
    score: float
    max_score: float
    passed: bool
    manual: bool
    hint: str | None


@dataclass
class SubmissionResult:
    assignment: str
    student: str
    score: float  # auto-graded parts only
    max_score: float  # auto-graded parts only
    parts: list[Part] = field(default_factory=list)
    manual_max_score: float = 0.0
    autograded: dict[str, Path] = field(default_factory=dict)  # notebook name -> graded copy


class GradingFailed(RuntimeError):
    """nbgrader could not grade the submission at all (the message says why)."""


def _first_comment(source: str) -> str | None:
    """What a hidden-test cell says it probes: its first comment, without a "Hidden tests:"
    prefix or a final full stop (the hint adds its own)."""
    for line in source.splitlines():
        line = line.strip()
        if line.startswith("#") and not line.startswith("###"):
            text = re.sub(r"^hidden tests?\s*[:,-]\s*", "", line.lstrip("# ").strip(),
                          flags=re.IGNORECASE).rstrip(". ")
            return text or None
    return None


def _hint(cell, source_cell, passed: bool) -> str | None:
    """A hint for a failed test cell: the check's own message, never hidden test source."""
    if passed:
        return None
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    hidden = HIDDEN_MARK in source_cell.source
    topic = _first_comment(source_cell.source)
    if not errors:
        return "This part did not pass." + (f" It checks: {topic}." if topic else "")
    ename, evalue = errors[-1].get("ename", "Error"), str(errors[-1].get("evalue", ""))
    if ename == "AssertionError" and evalue:
        message = evalue
    elif ename == "NotImplementedError":
        message = "Not done yet: the answer cell still raises NotImplementedError."
    elif hidden:
        # An error message raised on a hidden test's input may quote that input: name the error
        # and what the hidden tests probe, nothing more.
        message = f"Your code raised {ename} on the hidden tests' input."
        if topic:
            message += f" They check: {topic}."
    else:
        message = f"Your code raised {ename}: {evalue}"
    message = re.sub(r"\x1b\[[0-9;]*m", "", message).strip()
    return message if len(message) <= HINT_LIMIT else message[: HINT_LIMIT - 1] + "…"


def grade_submission(prepared: Prepared, submission: Path, student_id: str,
                     scratch: Path | None = None, *, sandbox: bool = False,
                     limits: Limits | None = None) -> SubmissionResult:
    """Autograde the notebooks in ``submission`` (a folder) against ``prepared``.

    ``scratch`` receives the private course (autograded notebooks stay there for the caller);
    when None, a temporary folder is used and the autograded notebooks are not kept.
    """
    owned = scratch is None
    work = Path(tempfile.mkdtemp(prefix="ownit-grade-")) if owned else scratch
    try:
        return _grade(prepared, submission, student_id, work, sandbox, limits or Limits())
    finally:
        if owned:
            shutil.rmtree(work, ignore_errors=True)


def _grade(prepared: Prepared, submission: Path, student_id: str, work: Path, sandbox: bool,
           limits: Limits) -> SubmissionResult:
    aid = prepared.assignment_id
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy(prepared.gradebook, work / GRADEBOOK)
    placed = work / SUBMITTED_DIRECTORY / student_id / aid
    placed.mkdir(parents=True, exist_ok=True)
    for notebook in submission.glob("*.ipynb"):
        shutil.copy(notebook, placed / notebook.name)
    config = harden(course_config(work), sandbox=sandbox, limits=limits)
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
        kinds = {(nb.name, g.name): g.cell.cell_type for nb in sub.notebooks for g in nb.grades}
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
            manual = kinds.get(key, cell.cell_type) != "code"
            if manual:
                manual_max += max_score
                parts.append(Part(meta["grade_id"], 0.0, max_score, False, True,
                                  "Graded by hand by your instructor."))
                continue
            passed = max_score > 0 and score >= max_score
            graded_cell = graded_cells.get(meta["grade_id"], {"outputs": []})
            parts.append(Part(meta["grade_id"], score, max_score, passed, False,
                              _hint(graded_cell, cell, passed)))
    auto = [p for p in parts if not p.manual]
    return SubmissionResult(
        assignment=aid, student=student_id,
        score=sum(p.score for p in auto), max_score=sum(p.max_score for p in auto),
        parts=parts, manual_max_score=manual_max, autograded=autograded)


def _reason(log: str) -> str:
    errors = [line for line in log.splitlines() if line.startswith("[ERROR]")]
    return "\n".join(errors[-3:]) or log.strip()[-500:] or "nbgrader failed without a message"
