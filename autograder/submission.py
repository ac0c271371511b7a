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
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI

from autograder import nbgrader_log
from autograder.assignment import Prepared
from autograder.lateness import TIMESTAMP_FILE, apply_late_rules, grant_in_worker
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
from autograder.stage_clock import StageClock
from autograder.warm_kernel import EarlyKernel

# nbgrader's gradebook logs SQLAlchemy "not in session" warnings on every autograde; they are
# harmless (see docs) and would bury the learner's report.
warnings.filterwarnings("ignore", message=".*not in session.*")

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
    feedback: dict[str, str] = field(default_factory=dict)  # notebook name -> HTML page
    timestamp: str | None = None  # from timestamp.txt, as nbgrader read it (ISO, UTC)
    late_penalties: dict[str, float] = field(default_factory=dict)  # notebook -> points off
    seconds: dict[str, float] = field(default_factory=dict)  # stage -> seconds (stage_clock)

    @property
    def late_penalty(self) -> float:
        return sum(self.late_penalties.values())


class GradingFailed(RuntimeError):
    """nbgrader could not grade the submission at all (the message says why)."""


def _hint(cell, passed: bool, limit: int) -> str | None:
    """A failed test cell's hint: the grader's verdict, which only ever holds the test's own
    words or the grader's (see ``judge_cell``), never text the learner's code produced; at most
    ``limit`` characters (``Limits.hint_chars``)."""
    if passed:
        return None
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if not errors:
        return "This part did not pass."
    message = clean_text(errors[-1].get("evalue", "")).strip() or "This part did not pass."
    return message if len(message) <= limit else message[: limit - 1] + "…"


def grade_submission(prepared: Prepared, submission: Path, student_id: str,
                     scratch: Path | None = None, *, sandbox: bool = False,
                     limits: Limits | None = None, render: bool = False,
                     early_kernel: EarlyKernel | None = None) -> SubmissionResult:
    """Autograde the notebooks in ``submission`` (a folder) against ``prepared``.

    ``scratch`` receives the private course (autograded notebooks stay there for the caller);
    when None, a temporary folder is used and the autograded notebooks are not kept.
    ``early_kernel`` (``ownit check`` only, never with the sandbox) is a kernel already started
    for the first notebook (see :mod:`autograder.warm_kernel`).
    """
    if sandbox and early_kernel is not None:
        raise ValueError("an early kernel runs outside the sandbox: start none when grading in it")
    owned = scratch is None
    work = Path(tempfile.mkdtemp(prefix="ownit-grade-")) if owned else scratch
    try:
        return _grade(prepared, submission, student_id, work, sandbox, limits or Limits(),
                      render, early_kernel)
    finally:
        if sandbox:
            remove_leftovers(box_tag(work))
        if owned:
            shutil.rmtree(work, ignore_errors=True)


def _grade(prepared: Prepared, submission: Path, student_id: str, work: Path, sandbox: bool,
           limits: Limits, render: bool, early_kernel: EarlyKernel | None) -> SubmissionResult:
    aid = prepared.assignment_id
    clock = StageClock()
    started = time.perf_counter()
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy(prepared.gradebook, work / GRADEBOOK)
    grant_in_worker(work / GRADEBOOK, aid, student_id, prepared.extensions)
    placed = work / SUBMITTED_DIRECTORY / student_id / aid
    placed.mkdir(parents=True, exist_ok=True)
    for notebook in submission.glob("*.ipynb"):
        shutil.copy(notebook, placed / notebook.name)
    if (submission / TIMESTAMP_FILE).is_file():  # nbgrader reads it to decide lateness
        shutil.copy(submission / TIMESTAMP_FILE, placed / TIMESTAMP_FILE)
    config = harden(course_config(work), sandbox=sandbox, limits=limits, box_tag=box_tag(work))
    apply_late_rules(config, prepared.late_rules)
    if early_kernel is not None:
        config.ExecuteBounded.early_kernel = early_kernel
    config.ExecuteBounded.clock = config.JudgeExpectations.clock = clock
    # Grade against the cached source without copying it.
    config.CourseDirectory.source_directory = str(prepared.folder / "solutions")
    clock.add("setup", time.perf_counter() - started)
    started = time.perf_counter()
    result = NbGraderAPI(config=config).autograde(aid, student_id, force=True, create=True)
    steps = sum(clock.seconds.get(s, 0.0) for s in ("kernel_start", "execute", "judge"))
    clock.add("nbgrader", time.perf_counter() - started - steps)
    if not result["success"]:
        raise GradingFailed(_reason(result.get("log") or result.get("error") or ""))
    started = time.perf_counter()

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
                              _hint(graded_cell, passed, limits.hint_chars), name, auto_score,
                              needs_manual))
    auto = [p for p in parts if not p.manual]
    result = SubmissionResult(
        assignment=aid, student=student_id,
        score=sum(p.score for p in auto), max_score=sum(p.max_score for p in auto),
        parts=parts, manual_max_score=sum(p.max_score for p in parts if p.manual),
        autograded=autograded, timestamp=verdicts.timestamp,
        late_penalties=verdicts.late_penalties, seconds=clock.seconds)
    clock.add("verdicts", time.perf_counter() - started)
    if render:
        # Imported here: ``ownit check`` never renders a page, and its latency counts.
        from autograder.feedback import feedback_html, read_notebook

        with clock.stage("render"):
            for name in prepared.notebook_names():
                result.feedback[name] = feedback_html(
                    assignment=aid, notebook=name,
                    submitted=read_notebook(placed / f"{name}.ipynb"),
                    release=nbformat.read(prepared.release_dir / f"{name}.ipynb", as_version=4),
                    parts=parts, folder=prepared.release_dir, limits=limits)
    return result


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
    return nbgrader_log.reason(log) or "nbgrader failed without saying why"
