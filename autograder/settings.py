"""The one place where the course's nbgrader configuration is written down.

``nbgrader_config.py`` at the repository root calls :func:`configure`, so nbgrader's own commands
and formgrader see exactly the settings that ``ownit`` uses through :func:`course_config`.
"""

from __future__ import annotations

import os
import sys
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


def course_config(root: Path | str) -> Config:
    """A fresh nbgrader ``Config`` for the course at ``root``."""
    _put_own_scripts_on_path()
    return configure(Config(), root)


def _put_own_scripts_on_path() -> None:
    """nbgrader runs the ``alembic`` command by name when it opens a gradebook; an ``ownit``
    started as ``.venv/bin/ownit`` without an activated venv would not find it."""
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")
