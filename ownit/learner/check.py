"""Checking one learner notebook: the core of ``ownit check`` and of the notebook's check cell."""

from __future__ import annotations

import ast
import difflib
import json
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import nbformat

from autograder.assignment import (
    PreparationFailed,
    UnknownAssignment,
    assignment_ids,
    prepare,
)
from autograder.lateness import BadLateRules
from autograder.settings import RELEASE_DIRECTORY, SOURCE_DIRECTORY
from autograder.submission import GradingFailed, SubmissionResult, grade_submission
from autograder.warm_kernel import EarlyKernel


class BadInput(ValueError):
    """The notebook cannot be checked; the message says what to do instead."""


def notebooks_of(root: Path, assignment_id: str) -> list[str]:
    """The notebook names (without .ipynb) of an assignment, from its source or its release."""
    for top in (SOURCE_DIRECTORY, RELEASE_DIRECTORY):
        names = sorted(p.stem for p in (root / top / assignment_id).glob("*.ipynb"))
        if names:
            return names
    return []


def _listing(root: Path, known: list[str]) -> str:
    return "; ".join(f"{aid} ({', '.join(n + '.ipynb' for n in notebooks_of(root, aid))})"
                     for aid in known) or "(none yet)"


def assignment_of(root: Path, notebook: Path) -> str:
    known = assignment_ids(root, with_releases=True)
    for guess in (notebook.resolve().parent.name, notebook.stem):
        if guess in known:
            return guess
    # A notebook of a multi-notebook assignment, kept outside its folder (problem1.ipynb).
    owners = [aid for aid in known if notebook.stem in notebooks_of(root, aid)]
    if len(owners) == 1:
        return owners[0]
    everything = known + [n for aid in known for n in notebooks_of(root, aid)]
    close = difflib.get_close_matches(notebook.stem, everything, n=1, cutoff=0.5)
    hint = f" Did you mean {close[0]}?" if close else ""
    raise BadInput(
        f"{notebook} is not an exercise of this course: keep it in its assignment's folder, "
        f"exercises/<assignment>/<notebook>.ipynb. The assignments and their notebooks: "
        f"{_listing(root, known)}.{hint}")


def _read(notebook: Path) -> None:
    if not notebook.is_file():
        raise BadInput(f"{notebook}: no such file. Give the path of your exercise notebook, "
                       "e.g. exercises/deploy_safely/deploy_safely.ipynb")
    if notebook.suffix != ".ipynb":
        raise BadInput(f"{notebook} is not a notebook (.ipynb). Give the path of your exercise "
                       "notebook, e.g. exercises/deploy_safely/deploy_safely.ipynb")
    try:
        nb = nbformat.read(notebook, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - nbformat raises TypeError, KeyError, ... too
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise BadInput(f"{notebook} is not a valid notebook ({first}). "
                       "If you edited it by hand, restore it from JupyterLab's "
                       "File > Revert Notebook to Checkpoint, or from git.") from None


def check_notebook(root: Path, notebook: Path, *, sandbox: bool = False,
                   early_kernel: EarlyKernel | None = None) -> tuple[SubmissionResult, bool]:
    """Grade ``notebook``; returns the result and whether hidden tests were part of it.

    ``early_kernel``: a kernel the caller started in the notebook's folder to save time
    (unsandboxed only); the check runs the notebook in it."""
    _read(notebook)
    assignment_id = assignment_of(root, notebook)
    try:
        prepared = prepare(root, assignment_id)
    except UnknownAssignment:
        raise BadInput(f"No exercise {assignment_id!r} in this course.") from None
    except (PreparationFailed, BadLateRules) as exc:
        raise BadInput(f"{assignment_id} cannot be checked: {exc}") from None
    names = prepared.notebook_names()
    target = notebook.stem if notebook.stem in names else (names[0] if len(names) == 1 else None)
    if target is None:
        closest = (difflib.get_close_matches(notebook.stem, names, n=1, cutoff=0.3) or names)[0]
        raise BadInput(f"{notebook.name} is not one of the notebooks of {assignment_id}: "
                       f"{', '.join(n + '.ipynb' for n in names)}. Check one of those (keep "
                       f"its name), e.g. exercises/{assignment_id}/{closest}.ipynb")
    with tempfile.TemporaryDirectory(prefix="ownit-check-") as tmp:
        folder = Path(tmp) / "submission"
        folder.mkdir()
        shutil.copy(notebook, folder / f"{target}.ipynb")
        try:
            result = grade_submission(prepared, folder, "learner", sandbox=sandbox,
                                      early_kernel=early_kernel)
        except GradingFailed as exc:
            raise BadInput(f"nbgrader could not grade {notebook}: {exc}") from None
    unchecked = set() if prepared.has_hidden_tests else \
        tests_left_empty(prepared.source_dir / f"{target}.ipynb")
    return only_notebook(result, target, unchecked), prepared.has_hidden_tests


NOT_CHECKED_HERE = ("Not checked here: all its tests are hidden, and this copy of the course has "
                    "no solutions/. It is graded when you hand the exercise in.")


def tests_left_empty(release: Path) -> set[str]:
    """The test cells of a student release with no code left: their tests were all hidden, and
    nbgrader would pass them whatever the learner wrote. Without solutions/ a check leaves
    them out rather than give their points to a blank notebook."""
    empty = set()
    for cell in nbformat.read(release, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        try:
            body = ast.parse(cell.source).body
        except SyntaxError:
            continue
        if not body:
            empty.add(meta.get("grade_id"))
    return empty


def only_notebook(result: SubmissionResult, name: str,
                  unchecked: set[str] = frozenset()) -> SubmissionResult:
    """The result for one notebook of the assignment: the learner checks the notebook they
    have open, so the parts of its sibling notebooks (absent here, zero to nbgrader) are left
    out, and the totals count this notebook's parts only. An ``unchecked`` part stays listed
    with no points at stake (max 0, not passed) and a hint that says why."""
    parts = [p for p in result.parts if p.notebook in ("", name)]
    parts = [replace(p, score=0.0, max_score=0.0, passed=False, hint=NOT_CHECKED_HERE)
             if p.id in unchecked and not p.manual else p for p in parts]
    auto = [p for p in parts if not p.manual]
    return replace(result, parts=parts, score=sum(p.score for p in auto),
                   max_score=sum(p.max_score for p in auto),
                   manual_max_score=sum(p.max_score for p in parts if p.manual),
                   autograded={k: v for k, v in result.autograded.items() if k == name},
                   late_penalties={})


def as_contract(result: SubmissionResult, notebook: Path) -> dict:
    """The JSON object of ``ownit check --json`` (DESIGN.md)."""
    return {
        "assignment": result.assignment,
        "notebook": str(notebook),
        "score": result.score,
        "max_score": result.max_score,
        "parts": [{"id": p.id, "score": p.score, "max_score": p.max_score, "passed": p.passed,
                   "manual": p.manual, "hint": p.hint} for p in result.parts],
    }


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)
