"""Stage 4, record: what a worker returned, kept by the coordinator alone.

The course gradebook gets nbgrader's verdicts, the course's autograded/ folder the notebooks
formgrader shows (already reduced to safe content by the worker's pipeline), OUT/feedback the
pages the worker rendered, and state.json the fingerprint. An exception from the worker, or one
raised while recording, becomes the submission's error row: one never stops the others. A
failure of the engine itself (:class:`~ownit.instructor.grade.run.EngineFailed`) is kept without
the fingerprint, so the next run grades the submission again.
"""

from __future__ import annotations

from pathlib import Path

from autograder.settings import AUTOGRADED_DIRECTORY
from autograder.submission import GradingFailed, SubmissionResult
from ownit.instructor.grade import course_gradebook
from ownit.instructor.grade.files import write_atomic
from ownit.instructor.grade.plan import Job
from ownit.instructor.grade.rows import error_row
from ownit.instructor.grade.run import EngineFailed, Outcome
from ownit.instructor.grade.state import State


def record(root: Path, out: Path, job: Job, outcome: Outcome, state: State,
           rows: dict[str, dict]) -> bool:
    """Keep one outcome; True when it was a result (False: an error row went into ``rows``)."""
    sub = job.sub
    try:
        if isinstance(outcome, BaseException):
            raise outcome
        keep(root, out, outcome)
        state.record(job.key, {"fingerprint": job.fingerprint,
                               "parts": [vars(p) for p in outcome.parts]})
        return True
    except GradingFailed as exc:
        rows[job.key] = error_row(sub.student, sub.assignment, f"nbgrader failed: {exc}")
    except EngineFailed as exc:  # not the submission's doing: no fingerprint, graded next run
        rows[job.key] = error_row(sub.student, sub.assignment, f"not graded: {exc}")
        state.record(job.key, {"fingerprint": None, "row": rows[job.key]})
        return False
    except Exception as exc:  # noqa: BLE001 - one broken submission never stops the rest
        rows[job.key] = error_row(sub.student, sub.assignment,
                                  f"grading crashed: {type(exc).__name__}: {exc}")
    state.record(job.key, {"fingerprint": job.fingerprint, "row": rows[job.key]})
    return False


def keep(root: Path, out: Path, result: SubmissionResult) -> None:
    """Gradebook, autograded notebooks for formgrader, feedback pages."""
    course_gradebook.record(root, result)
    for name, graded in result.autograded.items():
        # A path on this machine (the local pool), or the notebook itself from a cluster worker.
        if not isinstance(graded, bytes):
            if not Path(graded).exists():
                continue
            graded = Path(graded).read_bytes()
        target = root / AUTOGRADED_DIRECTORY / result.student / result.assignment / f"{name}.ipynb"
        write_atomic(target, graded)
    for name, page in result.feedback.items():
        write_atomic(out / "feedback" / result.student / result.assignment / f"{name}.html",
                     page)
