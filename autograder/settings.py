"""The one place where the course's nbgrader configuration is written down.

``nbgrader_config.py`` at the repository root calls :func:`configure`, so nbgrader's own commands
and formgrader see exactly the settings that ``ownit`` uses through :func:`course_config`.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path

from traitlets import Integer
from traitlets.config import Config

COURSE_ID = "ownit-module-6"
SOURCE_DIRECTORY = "solutions"
RELEASE_DIRECTORY = "exercises"
# Working folders: created by grading, ignored by git (see .gitignore).
SUBMITTED_DIRECTORY = "submitted"
AUTOGRADED_DIRECTORY = "autograded"
FEEDBACK_DIRECTORY = "feedback"
GRADEBOOK = "gradebook.db"

# Files of a solution folder that never go to students.
RELEASE_IGNORE = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    ".*",
]


def _limit(default: int, help: str) -> int:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Limits:
    """Every limit and knob of grading one submission, each defined here once with its reason.

    The pipeline's steps (:mod:`autograder.pipeline`), the sandbox (:mod:`autograder.sandbox`),
    the hints (:mod:`autograder.submission`) and the feedback page (:mod:`autograder.feedback`)
    read them from here; their configurable traits take their defaults from ``Limits()`` and
    their help from :func:`limit_help`. Sizes are bytes (of UTF-8, as sent) unless the name says
    characters (``_chars``).
    """

    # What a submission may be (ownit grade checks it before grading)
    notebook_bytes: int = _limit(
        20 * 2**20, "Bytes of one submitted notebook file; a larger one is refused, not graded.")
    archive_bytes: int = _limit(
        200 * 2**20, "Bytes a submitted .zip may unpack to (a zip bomb is refused).")
    archive_entries: int = _limit(5_000, "Files and folders in one submitted .zip.")
    archive_depth: int = _limit(16, "Folder levels of one path in a submitted .zip.")
    archive_name_chars: int = _limit(400, "Characters of one path in a submitted .zip.")
    # Time
    cell_seconds: int = _limit(
        30, "Seconds one cell may run. Every exercise's full solution runs in well under 10 s; "
            "30 s leaves room for a slow laptop while a looping submission holds grading little.")
    kernel_startup_seconds: int = _limit(
        60, "Seconds a kernel may take to start: several on a loaded machine.")
    notebook_seconds: int = _limit(
        300, "Wall-clock seconds for all cells of one notebook; cells after it do not run.")
    # Output the kernel sends (what the grader keeps of it)
    output_bytes_per_cell: int = _limit(
        256 * 1024, "Bytes of output kept per cell: every output message counted whole (data of "
                    "every MIME type, metadata, text, traceback), as UTF-8.")
    output_bytes_per_notebook: int = _limit(
        2 * 2**20, "Bytes of output kept per notebook, counted as per cell.")
    check_bytes_per_cell: int = _limit(
        4 * 2**20, "Bytes of the values expect() reports in one test cell (judged, never shown); "
                   "over it a check reports nothing, and fails.")
    check_bytes_per_notebook: int = _limit(
        16 * 2**20, "Bytes of the values expect() reports in one notebook.")
    check_bytes_per_value: int = _limit(
        1_000_000, "Bytes of one value expect() reports (as JSON); a larger one fails its check "
                   "(ValueTooLarge).")
    checks_per_cell: int = _limit(
        10_000, "Values expect() may report in one test cell (a check in a loop counts each "
                "time); over it a check reports nothing, and fails.")
    # What the learner is told
    failures_shown: int = _limit(
        3, "Failed checks of one part named in its hint; the rest are counted (\"and 2 more\").")
    hint_chars: int = _limit(
        700, "Characters of one part's hint: room for the failed checks shown, each with its "
             "hint; a longer one is cut with an ellipsis.")
    # The feedback page (rendering costs time in the worker that graded the submission)
    page_chars: int = _limit(
        2 * 2**20, "Characters of one feedback page's cells as rendered (images included); the "
                   "rest of the notebook is not shown.")
    page_highlight_chars: int = _limit(
        400_000, "Characters of code highlighted on one feedback page (highlighting is costly).")
    highlight_chars_per_cell: int = _limit(
        20_000, "Characters of one cell's code highlighted; a longer source is shown plain.")
    source_chars_per_cell: int = _limit(
        100_000, "Characters of one cell's source shown on a feedback page.")
    output_chars_per_text: int = _limit(
        20_000, "Characters of one text output shown on a feedback page.")
    # The sandbox (one per kernel)
    memory_bytes: int = _limit(
        3 * 2**30, "Bytes of memory of the whole sandbox (with a control group: every process and "
                   "its tmpfs; else each process's address space).")
    cpu_seconds: int = _limit(600, "CPU seconds of each kernel process.")
    file_bytes: int = _limit(64 * 2**20, "Bytes of the largest file the kernel may write.")
    open_files: int = _limit(256, "Open file descriptors of each kernel process.")
    processes: int = _limit(128, "Processes and threads of the sandbox.")
    work_bytes: int = _limit(256 * 2**20, "Bytes of the kernel's working folder (a tmpfs).")
    tmp_bytes: int = _limit(256 * 2**20, "Bytes of the kernel's /tmp (a tmpfs).")
    uid_first: int = _limit(
        61000, "First user id the sandbox runs kernels as (one unused id per running kernel).")
    uid_count: int = _limit(
        4000, "User ids the sandbox may use from uid_first on: kernels running at once, at most.")


def limit_help(name: str) -> str:
    """The help text of one field of :class:`Limits` (for a trait's ``help=``)."""
    for one in fields(Limits):
        if one.name == name:
            return one.metadata["help"]
    raise KeyError(f"Limits has no field {name!r}")


def limit_trait(name: str) -> Integer:
    """A configurable trait whose default and help are those of the field ``name`` of Limits."""
    return Integer(getattr(Limits(), name), help=limit_help(name)).tag(config=True)


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
    defaults = Limits()
    c.Execute.timeout = defaults.cell_seconds
    c.Execute.startup_timeout = defaults.kernel_startup_seconds
    c.Execute.interrupt_on_timeout = True
    # Student notebooks say plainly where to write; nbgrader's default stub is the same idea.
    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
    # A deleted graded cell comes back from the gradebook instead of costing its points silently.
    c.OverwriteCells.add_missing_cells = True
    return c


def harden(c: Config, *, sandbox: bool, limits: Limits | None = None,
           box_tag: str | None = None) -> Config:
    """Own It's autograde pipeline (nbgrader's steps plus the ones that judge safely, in the
    order :mod:`autograder.pipeline` declares and explains) and the limits it runs within."""
    from autograder.pipeline import AUTOGRADE, SANITIZE

    c.Autograde.sanitize_preprocessors = list(SANITIZE)
    c.Autograde.autograde_preprocessors = list(AUTOGRADE)
    limits = limits or Limits()
    c.Execute.timeout = limits.cell_seconds
    c.Execute.startup_timeout = limits.kernel_startup_seconds
    # Nothing of the kernel is kept after the last cell: kill it rather than wait for it to agree.
    c.Execute.shutdown_kernel = "immediate"
    c.ExecuteBounded.notebook_timeout = limits.notebook_seconds
    c.ExecuteBounded.max_output_bytes = limits.output_bytes_per_cell
    c.ExecuteBounded.max_notebook_output_bytes = limits.output_bytes_per_notebook
    c.ExecuteBounded.max_check_bytes = limits.check_bytes_per_cell
    c.ExecuteBounded.max_notebook_check_bytes = limits.check_bytes_per_notebook
    c.ExecuteBounded.max_records = limits.checks_per_cell
    c.SplitExpectations.max_value_bytes = limits.check_bytes_per_value
    c.JudgeExpectations.max_failures_shown = limits.failures_shown
    if not sandbox:
        from autograder.import_view import import_view_argument
        from autograder.kernel_manager import PromptKernelManager

        c.Execute.kernel_manager_class = PromptKernelManager
        c.ExecuteBounded.extra_arguments = [import_view_argument()]
    if sandbox:
        from autograder.sandbox import SandboxedKernelManager

        c.Execute.kernel_manager_class = SandboxedKernelManager
        for name in ("memory_bytes", "cpu_seconds", "file_bytes", "open_files", "processes",
                     "work_bytes", "tmp_bytes", "uid_first", "uid_count"):
            setattr(c.SandboxedKernelManager, name, getattr(limits, name))
        c.SandboxedKernelManager.start_seconds = limits.kernel_startup_seconds
        if box_tag is not None:
            c.SandboxedKernelManager.box_tag = box_tag
    return c


class BrokenConfig(RuntimeError):
    """The course's ``nbgrader_config.py`` does not load (the message says why and what to do)."""


CONFIG_FILE = "nbgrader_config.py"


def load_course_config(root: Path | str) -> Config:
    """The configuration the course's ``nbgrader_config.py`` writes, read the way nbgrader's own
    commands read it (traitlets' ``PyFileConfigLoader``); an empty ``Config`` without the file.

    Raises :class:`BrokenConfig` when the file fails: nbgrader would only log that and grade
    with its defaults, without the course's settings or the sandbox.
    """
    from traitlets.config.loader import PyFileConfigLoader

    path = Path(root) / CONFIG_FILE
    if not path.is_file():
        return Config()
    try:
        return PyFileConfigLoader(CONFIG_FILE, path=str(path.parent)).load_config()
    except Exception as exc:  # noqa: BLE001 - any failure is reported the same way
        raise BrokenConfig(f"{path.name} is broken ({type(exc).__name__}: {exc}); nbgrader "
                           "would ignore it and grade with defaults. Fix it, then grade again."
                           ) from None


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
