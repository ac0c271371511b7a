"""The one place where the course's nbgrader configuration is written down.

``nbgrader_config.py`` at the repository root calls :func:`configure`, so nbgrader's own commands
and formgrader see exactly the settings that ``ownit`` uses through :func:`course_config`.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config

COURSE_ID = "ownit-module-6"
SOURCE_DIRECTORY = "solutions"
RELEASE_DIRECTORY = "exercises"
# Working folders: created by grading, ignored by git (see .gitignore).
SUBMITTED_DIRECTORY = "submitted"
AUTOGRADED_DIRECTORY = "autograded"
FEEDBACK_DIRECTORY = "feedback"
GRADEBOOK = "gradebook.db"

# Every exercise's full solution runs in well under 10 s; 30 s per cell leaves room for a slow
# laptop while keeping a looping submission from holding grading for long.
CELL_TIMEOUT_SECONDS = 30
# Kernel start on a loaded machine can take several seconds.
KERNEL_STARTUP_SECONDS = 60

# Files of a solution folder that never go to students.
RELEASE_IGNORE = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    ".*",
]


def configure(c: Config, root: Path | str) -> Config:
    """Write the course settings into the nbgrader config object ``c`` and return it."""
    root = Path(root).resolve()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.source_directory = SOURCE_DIRECTORY
    c.CourseDirectory.release_directory = RELEASE_DIRECTORY
    c.CourseDirectory.submitted_directory = SUBMITTED_DIRECTORY
    c.CourseDirectory.autograded_directory = AUTOGRADED_DIRECTORY
    c.CourseDirectory.feedback_directory = FEEDBACK_DIRECTORY
    c.CourseDirectory.db_url = f"sqlite:///{root / GRADEBOOK}"
    c.CourseDirectory.ignore = list(RELEASE_IGNORE)
    c.Exchange.timezone = "UTC"
    c.Execute.timeout = CELL_TIMEOUT_SECONDS
    c.Execute.startup_timeout = KERNEL_STARTUP_SECONDS
    c.Execute.interrupt_on_timeout = True
    # Student notebooks say plainly where to write; nbgrader's default stub is the same idea.
    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
    # A deleted graded cell comes back from the gradebook instead of costing its points silently.
    c.OverwriteCells.add_missing_cells = True
    return c


# Limits for one notebook of one submission when Own It grades (see autograder/pipeline/
# and autograder/sandbox/). Each is defined here once; the preprocessors' and the sandbox's
# configurable traits take their defaults from this class.
@dataclass(frozen=True)
class Limits:
    """What one submission may use while it is graded."""

    cell_seconds: int = CELL_TIMEOUT_SECONDS
    notebook_seconds: int = 300  # wall clock for all cells of one notebook
    output_bytes_per_cell: int = 256 * 1024  # every output message counted, metadata included
    output_bytes_per_notebook: int = 2 * 2**20
    check_bytes_per_cell: int = 4 * 2**20  # the values expect() reports (judged, never shown)
    memory_bytes: int = 3 * 2**30  # the sandbox's memory: processes and tmpfs together
    cpu_seconds: int = 600
    file_bytes: int = 64 * 2**20
    open_files: int = 256
    processes: int = 128
    work_bytes: int = 256 * 2**20  # the kernel's working folder (tmpfs)
    tmp_bytes: int = 256 * 2**20  # the kernel's /tmp (tmpfs)


def harden(c: Config, *, sandbox: bool, limits: Limits | None = None,
           box_tag: str | None = None) -> Config:
    """Own It's autograde pipeline (nbgrader's steps plus the ones that judge safely, in the
    order :mod:`autograder.pipeline` declares and explains) and the limits it runs within."""
    from autograder.pipeline import AUTOGRADE, SANITIZE

    c.Autograde.sanitize_preprocessors = list(SANITIZE)
    c.Autograde.autograde_preprocessors = list(AUTOGRADE)
    limits = limits or Limits()
    c.Execute.timeout = limits.cell_seconds
    # Nothing of the kernel is kept after the last cell: kill it rather than wait for it to agree.
    c.Execute.shutdown_kernel = "immediate"
    c.ExecuteBounded.notebook_timeout = limits.notebook_seconds
    c.ExecuteBounded.max_output_bytes = limits.output_bytes_per_cell
    c.ExecuteBounded.max_notebook_output_bytes = limits.output_bytes_per_notebook
    c.ExecuteBounded.max_check_bytes = limits.check_bytes_per_cell
    if sandbox:
        from autograder.sandbox import SandboxedKernelManager

        c.Execute.kernel_manager_class = SandboxedKernelManager
        for name in ("memory_bytes", "cpu_seconds", "file_bytes", "open_files", "processes",
                     "work_bytes", "tmp_bytes"):
            setattr(c.SandboxedKernelManager, name, getattr(limits, name))
        if box_tag is not None:
            c.SandboxedKernelManager.box_tag = box_tag
    return c


def course_config(root: Path | str) -> Config:
    """A fresh nbgrader ``Config`` for the course at ``root``."""
    put_own_scripts_on_path()
    return configure(Config(), root)


def put_own_scripts_on_path() -> None:
    """nbgrader runs the ``alembic`` command by name when it opens a gradebook; an ``ownit``
    started as ``.venv/bin/ownit`` without an activated venv would not find it."""
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")
