"""Stage 2, plan: prepare each assignment, pre-check each submission, skip what is unchanged.

Nothing here runs student code. A submission leaves this stage as a :class:`Job` for the run
stage, as an error row (unreadable, oversized, not a notebook of the assignment), or as nothing
when ``state.json`` shows the same bytes were graded before.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.assignment import PreparationFailed, Prepared, prepare
from autograder.lateness import TIMESTAMP_FILE, BadLateRules
from autograder.settings import Limits
from ownit.instructor.grade import course_gradebook
from ownit.instructor.grade.rows import error_row
from ownit.instructor.grade.state import State
from ownit.instructor.grade.submissions import Submission


@dataclass
class Job:
    """One submission to grade: what the run stage hands to a worker."""

    sub: Submission
    key: str  # student/assignment
    folder: Path  # the notebooks to grade
    fingerprint: str
    scratch: Path  # the worker's private scratch course

    def size(self) -> int:
        return sum(nb.stat().st_size for nb in self.folder.glob("*.ipynb"))


def prepare_each(root: Path, assignment_ids,
                 changes: dict[str, str] | None = None) -> tuple[dict[str, Prepared],
                                                                  dict[str, str]]:
    """Every assignment prepared that can be, and recorded in the course gradebook as it is now:
    ``(prepared, problems)``, where ``problems`` maps an assignment that could not be prepared to
    the reason in words, for its error rows, and ``changes`` (when given) receives what changed
    in an assignment since it was last graded. One broken assignment never stops the others."""
    prepared, problems = {}, {}
    for aid in sorted(set(assignment_ids)):
        try:
            ready = prepare(root, aid)
            change = course_gradebook.ensure_assignment(root, aid, ready.notebook_names(),
                                                        ready.gradebook)
            if change and changes is not None:
                changes[aid] = change
            prepared[aid] = ready
        except (PreparationFailed, BadLateRules) as exc:
            problems[aid] = f"the assignment could not be prepared: {exc}"
        except Exception as exc:  # noqa: BLE001 - reported in the rows, never a traceback
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            problems[aid] = (f"the assignment could not be prepared: "
                             f"{type(exc).__name__}: {first[:300]}")
    return prepared, problems


def fingerprint(prepared: Prepared, folder: Path) -> str:
    """What the grade of one submission depends on: the prepared assignment (its name covers the
    source, autotests.yml, the due date and the late-penalty settings), the extensions granted
    (any of the assignment's: a new one regrades its submissions), the notebooks and the
    submission's timestamp.txt."""
    digest = hashlib.sha256(prepared.folder.name.encode() + prepared.extensions.encode())
    for nb in sorted(folder.glob("*.ipynb")):
        digest.update(nb.name.encode() + b"\0" + nb.read_bytes())
    timestamp = folder / TIMESTAMP_FILE
    if timestamp.is_file():
        digest.update(b"\0" + TIMESTAMP_FILE.encode() + b"\0" + timestamp.read_bytes())
    return digest.hexdigest()


def precheck(prepared: Prepared, sub: Submission, staging: Path,
             limits: Limits) -> tuple[Path | None, str | None]:
    """Checks that need no code to run. Returns the folder to grade, or a problem in words.
    ``staging`` is a folder of this submission's own (numbered, never named after an id)."""
    if sub.folder is None:
        return None, sub.problem
    notebooks = sorted(sub.folder.glob("*.ipynb"))
    names = prepared.notebook_names()
    if not notebooks:
        return None, "no notebook in the submission"
    if sub.folder.is_symlink() or any(nb.is_symlink() for nb in notebooks):
        return None, ("the submission is a symbolic link, not a file of its own; copy the "
                      "student's files in and grade again")
    for nb in notebooks:
        size = nb.stat().st_size
        if size > limits.notebook_bytes:
            return None, (f"{nb.name} is {size // 2**20} MB, over the "
                          f"{limits.notebook_bytes // 2**20} MB limit")
        try:
            nbformat.validate(nbformat.read(nb, as_version=4))
        except Exception as exc:  # noqa: BLE001 - any unreadable notebook is the same problem
            return None, f"{nb.name} is not a valid notebook ({str(exc).splitlines()[0][:120]})"
    expected = {f"{n}.ipynb" for n in names}
    if {nb.name for nb in notebooks} & expected:
        return sub.folder, None
    if len(notebooks) == 1 and len(names) == 1:
        # One notebook under another name (a "Copy1", an LMS prefix): grade it as the right one.
        folder = staging
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        shutil.copy(notebooks[0], folder / f"{names[0]}.ipynb")
        if (sub.folder / TIMESTAMP_FILE).is_file():
            shutil.copy(sub.folder / TIMESTAMP_FILE, folder / TIMESTAMP_FILE)
        return folder, None
    return None, (f"none of {', '.join(nb.name for nb in notebooks)} is a notebook of "
                  f"{sub.assignment} ({', '.join(sorted(expected))})")


def jobs(found: list[Submission], prepared: dict[str, Prepared], unprepared: dict[str, str],
         state: State, work: Path, rows: dict[str, dict], *, force: bool,
         limits: Limits) -> tuple[list[Job], int]:
    """The jobs to run, biggest notebooks first (so no long job is left alone at the end), and
    how many submissions were left as graded before. Error rows go into ``rows``."""
    todo, reused = [], 0
    for number, sub in enumerate(found):
        key = f"{sub.student}/{sub.assignment}"
        try:
            if sub.assignment not in prepared:
                problem = unprepared.get(sub.assignment) or sub.problem or "unknown assignment"
                rows[key] = error_row(sub.student, sub.assignment, problem)
                state.record(key, None)
                continue
            folder, problem = precheck(prepared[sub.assignment], sub,
                                       work / "renamed" / str(number), limits)
            if problem:
                rows[key] = error_row(sub.student, sub.assignment, problem)
                state.record(key, {"fingerprint": None, "row": rows[key]})
                continue
            digest = fingerprint(prepared[sub.assignment], folder)
            previous = state.get(key)
            if not force and previous and previous.get("fingerprint") == digest:
                reused += 1
                continue
            todo.append(Job(sub, key, folder, digest, work / "scratch" / str(number)))
        except Exception as exc:  # noqa: BLE001 - one submission never stops the rest
            rows[key] = error_row(sub.student, sub.assignment,
                                  f"could not be read: {type(exc).__name__}: {exc}")
            state.record(key, {"fingerprint": None, "row": rows[key]})
    todo.sort(key=lambda job: -job.size())
    return todo, reused
