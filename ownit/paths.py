"""Where the course lives on disk.

The course root is the folder that holds ``nbgrader_config.py`` and ``course/``. It is found, in
order, from ``$OWNIT_ROOT``, from the current folder and its parents, and from this package's own
location (an editable install inside a clone).
"""

from __future__ import annotations

import os
from pathlib import Path


class CourseNotFound(RuntimeError):
    """Raised when no course root can be found."""


def _is_root(path: Path) -> bool:
    return (path / "nbgrader_config.py").is_file() and (path / "course").is_dir()


def course_root(start: Path | None = None) -> Path:
    env = os.environ.get("OWNIT_ROOT")
    if env:
        root = Path(env).expanduser().resolve()
        if not _is_root(root):
            raise CourseNotFound(
                f"OWNIT_ROOT={env} is not an Own It course root (it needs nbgrader_config.py "
                "and course/). Unset OWNIT_ROOT or point it at your clone of the course."
            )
        return root
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if _is_root(candidate):
            return candidate
    packaged = Path(__file__).resolve().parent.parent
    if _is_root(packaged):
        return packaged
    raise CourseNotFound(
        "Cannot find the course: run this command inside your clone of the Own It repository "
        "(the folder with nbgrader_config.py), or set OWNIT_ROOT to it."
    )
