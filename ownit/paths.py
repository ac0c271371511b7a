"""Where the course lives on disk.

The course root is the folder that holds ``nbgrader_config.py`` and ``course/``. It is found, in
order, from ``$OWNIT_ROOT``, from the current folder and its parents, and from this package's own
location (an editable install inside a clone).

A learner may have less than a clone: only ``exercises/`` (from an instructor, an LMS or
nbgrader's exchange), perhaps with ``course/``, and the ``ownit-learner`` package from pip. Such a
*learner's copy* serves the learner commands (``ownit start``, ``ownit check``, the check cell,
the quizzes) when no full course root is found: :func:`course_root` falls back to the nearest
folder, from the current one up, that holds ``exercises/`` or ``course/``. The instructor
commands ask for :func:`full_course_root`, which never accepts a learner's copy.
"""

from __future__ import annotations

import os
from pathlib import Path


class CourseNotFound(RuntimeError):
    """Raised when no course root can be found."""


def _is_root(path: Path) -> bool:
    return (path / "nbgrader_config.py").is_file() and (path / "course").is_dir()


def _is_learner_copy(path: Path) -> bool:
    return (path / "exercises").is_dir() or (path / "course").is_dir()


def _from_env() -> Path | None:
    env = os.environ.get("OWNIT_ROOT")
    if not env:
        return None
    root = Path(env).expanduser().resolve()
    if not _is_root(root):
        raise CourseNotFound(
            f"OWNIT_ROOT={env} is not an Own It course root (it needs nbgrader_config.py "
            "and course/). Unset OWNIT_ROOT or point it at your clone of the course."
        )
    return root


def full_course_root(start: Path | None = None) -> Path:
    """The clone of the course (``nbgrader_config.py`` and ``course/``): what instructors need."""
    root = _find_full(start)
    if root is None:
        raise CourseNotFound(
            "Cannot find the course: run this command inside your clone of the Own It repository "
            "(the folder with nbgrader_config.py), or set OWNIT_ROOT to it."
        )
    return root


def course_root(start: Path | None = None) -> Path:
    """The clone of the course if there is one, else the nearest learner's copy."""
    root = _find_full(start)
    if root is not None:
        return root
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if _is_learner_copy(candidate):
            return candidate
    raise CourseNotFound(
        "Cannot find the course: run this command inside your clone of the Own It repository "
        "(the folder with nbgrader_config.py), or, with the learner package, in the folder "
        "that holds exercises/ (or a folder below it). OWNIT_ROOT can name a clone."
    )


def _find_full(start: Path | None) -> Path | None:
    env = _from_env()
    if env is not None:
        return env
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if _is_root(candidate):
            return candidate
    packaged = Path(__file__).resolve().parent.parent
    if _is_root(packaged):
        return packaged
    return None
