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

from autograder.lateness import TIMESTAMP_FILE, apply_late_rules, grant_in_worker
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
    manual: bool  # an answer graded by hand (solution + grade cell, or a task), by nbgrader's rule
    hint: str | None
    notebook: str = ""
    # nbgrader's own verdict, copied as it is into the course gradebook.
    auto_score: float | None = None
    needs_manual_grade: bool = False


@dataclass
class SubmissionResult:
    assignment: str
    student: str
    score: float  # auto-graded parts only
    max_score: float  # auto-graded parts only
    parts: list[Part] = field(default_factory=list)
    manual_max_score: float = 0.0
    autograded: dict[str, Path] = field(default_factory=dict)  # notebook name -> graded copy
    timestamp: str | None = None  # from timestamp.txt, as nbgrader read it (ISO, UTC)
    late_penalties: dict[str, float] = field(default_factory=dict)  # notebook -> points off

    @property
    def late_penalty(self) -> float:
        return sum(self.late_penalties.values())


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
    grant_in_worker(work / GRADEBOOK, aid, student_id, prepared.extensions)
    placed = work / SUBMITTED_DIRECTORY / student_id / aid
    placed.mkdir(parents=True, exist_ok=True)
    for notebook in submission.glob("*.ipynb"):
        shutil.copy(notebook, placed / notebook.name)
    if (submission / TIMESTAMP_FILE).is_file():  # nbgrader reads it to decide lateness
        shutil.copy(submission / TIMESTAMP_FILE, placed / TIMESTAMP_FILE)
    config = harden(course_config(work), sandbox=sandbox, limits=limits)
    apply_late_rules(config, prepared.late_rules)
    # Grade against the cached source without copying it.
    config.CourseDirectory.source_directory = str(prepared.folder / "solutions")
    result = NbGraderAPI(config=config).autograde(aid, student_id, force=True, create=True)
    if not result["success"]:
        raise GradingFailed(_reason(result.get("log") or result.get("error") or ""))

    graded_dir = work / AUTOGRADED_DIRECTORY / student_id / aid
    verdicts = _verdicts(work / GRADEBOOK, aid, student_id)
    parts: list[Part] = []
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
            if not meta.get("grade") and not meta.get("task"):
                continue
            verdict = verdicts.grades.get((name, meta["grade_id"]))
            if verdict is None:  # not a grade cell in nbgrader's gradebook (a bare task cell)
                continue
            auto_score, needs_manual, max_score = verdict
            score = float(auto_score or 0.0)
            if is_hand_graded(meta):
                hint = ("Graded by hand by your instructor." if needs_manual
                        else "No answer given: this part scores 0.")
                parts.append(Part(meta["grade_id"], score, max_score, False, True, hint,
                                  name, auto_score, needs_manual))
                continue
            passed = max_score > 0 and score >= max_score
            graded_cell = graded_cells.get(meta["grade_id"], {"outputs": []})
            parts.append(Part(meta["grade_id"], score, max_score, passed, False,
                              _hint(graded_cell, cell, passed), name, auto_score, needs_manual))
    auto = [p for p in parts if not p.manual]
    return SubmissionResult(
        assignment=aid, student=student_id,
        score=sum(p.score for p in auto), max_score=sum(p.max_score for p in auto),
        parts=parts, manual_max_score=sum(p.max_score for p in parts if p.manual),
        autograded=autograded, timestamp=verdicts.timestamp,
        late_penalties=verdicts.late_penalties)


def is_hand_graded(meta: dict) -> bool:
    """nbgrader's rule (``utils.determine_grade``): a grade cell that is also a solution cell, or
    a task, is graded by hand, whatever its cell type; a code grade cell alone is a test."""
    return bool(meta.get("task") or (meta.get("grade") and meta.get("solution")))


@dataclass
class _Verdicts:
    grades: dict[tuple[str, str], tuple[float | None, bool, float]]
    timestamp: str | None
    late_penalties: dict[str, float]


def _verdicts(db: Path, aid: str, student_id: str) -> _Verdicts:
    """What nbgrader wrote into the worker's gradebook, as plain data."""
    with Gradebook(f"sqlite:///{db}") as gb:
        sub = gb.find_submission(aid, student_id)
        grades = {(nb.name, g.name): (None if g.auto_score is None else float(g.auto_score),
                                      bool(g.needs_manual_grade), float(g.max_score))
                  for nb in sub.notebooks for g in nb.grades}
        timestamp = sub.timestamp.isoformat() if sub.timestamp is not None else None
        penalties = {nb.name: float(nb.late_submission_penalty) for nb in sub.notebooks
                     if nb.late_submission_penalty}
    return _Verdicts(grades, timestamp, penalties)


def _reason(log: str) -> str:
    errors = [line for line in log.splitlines() if line.startswith("[ERROR]")]
    return "\n".join(errors[-3:]) or log.strip()[-500:] or "nbgrader failed without a message"
