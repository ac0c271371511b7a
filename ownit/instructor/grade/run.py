"""Stage 3, run: workers grade the jobs. The executor is the seam for another engine.

A worker runs :func:`grade_job`, the pure step of DESIGN.md: a prepared assignment and a
submission in, a plain :class:`~autograder.submission.SubmissionResult` out (scores, the
autograded notebooks reduced to safe content, feedback pages rendered in the worker). Nothing a
worker does writes the course gradebook or OUT; the coordinator records what comes back.

An executor is anything with ``results(jobs, task) -> iterator of (job, outcome)``, where the
outcome is the task's return value or the exception it raised, each job exactly once, in the
order they finish. :class:`LocalPool` is the embedded default (a process pool on this machine).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path
from typing import Protocol

from autograder.assignment import Prepared
from autograder.settings import Limits
from autograder.submission import SubmissionResult, grade_submission
from ownit.instructor.grade.plan import Job

Outcome = SubmissionResult | BaseException


class EngineFailed(RuntimeError):
    """The grading engine failed (a cluster that stopped answering), not the submission: its
    row says so, and the next run grades it again rather than keep the error."""


def grade_job(prepared: Prepared, folder: str, student: str, scratch: str, sandbox: bool,
              limits: Limits) -> SubmissionResult:
    """One submission graded, with its feedback pages rendered (in the worker's process)."""
    return grade_submission(prepared, Path(folder), student, Path(scratch), sandbox=sandbox,
                            limits=limits, render=True)


class Executor(Protocol):
    def results(self, jobs: list[Job], prepared: dict[str, Prepared], sandbox: bool,
                limits: Limits) -> Iterator[tuple[Job, Outcome]]: ...


def _start_worker() -> None:
    """Worker initializer. If the coordinator is killed (even with -9), its workers die too, and
    with them their sandboxes (bubblewrap's --die-with-parent): nothing grades on unseen.

    And a fresh event loop: a worker forked from a process that had run one (a notebook calling
    grade(), a test session) inherits it, and with it an epoll instance its sibling workers share,
    so one worker's kernel replies could wake another and a kernel start wait forever."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    from jupyter_core.utils import ensure_event_loop

    ensure_event_loop().close()  # the inherited loop (or a new one): the next call makes its own


class LocalPool:
    """Worker processes on this machine, started by fork on Linux so that each starts with
    nbgrader already imported (spawn re-imports it, about 1.5 s a worker); the coordinator holds
    no threads or open connections when the pool starts."""

    def __init__(self, workers: int):
        self.workers = max(1, workers)

    def results(self, jobs, prepared, sandbox, limits):
        context = get_context("fork" if sys.platform.startswith("linux") else "spawn")
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                 initializer=_start_worker) as pool:
            futures = {pool.submit(grade_job, prepared[job.sub.assignment], str(job.folder),
                                   job.sub.student, str(job.scratch), sandbox, limits): job
                       for job in jobs}
            for future in as_completed(futures):
                try:
                    outcome: Outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - handed to the record stage
                    outcome = exc
                yield futures[future], outcome
