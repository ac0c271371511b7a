"""Shared fixtures. Every test runs with a private progress file, so no test (nor any notebook
kernel nbval starts) touches the learner's real progress."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import nbformat
import pytest
from hostile_cohort import hostile_run  # noqa: F401 - one hostile cohort per test session

ROOT = Path(__file__).resolve().parent.parent

# Set before any kernel starts: kernels inherit the environment of the test process.
_PROGRESS_DIR = tempfile.mkdtemp(prefix="ownit-test-progress-")
os.environ["OWNIT_PROGRESS"] = str(Path(_PROGRESS_DIR) / "progress.json")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def progress_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "progress.json"
    monkeypatch.setenv("OWNIT_PROGRESS", str(path))
    return path


def solution_namespace(assignment_id: str) -> dict:
    """Run the code cells of ``solutions/<id>/<id>.ipynb`` that are not tests (setup and answer
    cells) in a fresh namespace, in the assignment's folder, and return the namespace: tests call
    the reference solution's functions on the published reference numbers."""
    folder = ROOT / "solutions" / assignment_id
    nb = nbformat.read(folder / f"{assignment_id}.ipynb", as_version=4)
    namespace: dict = {"__name__": f"solution_{assignment_id}"}
    with contextlib.chdir(folder):
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or meta.get("grade"):
                continue
            if "check_my_work" in cell.source:
                continue
            exec(compile(cell.source, f"{assignment_id}:{meta.get('grade_id')}", "exec"), namespace)
    return namespace


# The fast set (`pytest -m "not slow"`, under a minute) leaves out what drives kernels, servers
# or a browser: these files and folders, the teaching notebooks nbval runs, and any test marked
# `@pytest.mark.slow` itself. `make test` and CI run everything.
SLOW_FOLDERS = {"browser", "conformance"}
SLOW_FILES = {
    "autograder/test_adversarial.py", "autograder/test_nbgrader_guard.py",
    "autograder/test_sandbox.py", "autograder/test_sandbox_unprivileged.py",
    "course/test_exercises.py", "course/test_notebooks.py",
    "instructor/test_grade.py", "instructor/test_grade_crash.py", "instructor/test_lms.py",
    "instructor/test_midterm_change.py", "instructor/test_privacy.py", "learner/test_check.py",
    "test_cli.py",
}


def pytest_collection_modifyitems(config, items):
    tests = Path(__file__).resolve().parent
    for item in items:
        path = Path(str(item.fspath)).resolve()
        if not path.is_relative_to(tests):  # course/*.ipynb, run by nbval
            item.add_marker(pytest.mark.slow)
            continue
        relative = path.relative_to(tests)
        if relative.parts[0] in SLOW_FOLDERS or relative.as_posix() in SLOW_FILES:
            item.add_marker(pytest.mark.slow)
