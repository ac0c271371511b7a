"""nbgrader configuration of the Own It course root.

The settings live in ``autograder/settings.py`` so that nbgrader's own commands, formgrader and
``ownit`` share one definition. Run nbgrader from this folder (or set ``--CourseDirectory.root``).
``guard_nbgrader_commands`` makes nbgrader's commands and formgrader's buttons as safe as
``ownit grade`` (sandboxed autograde, safe notebooks for formgrader, no feedback that shows
hidden tests, a spreadsheet-safe export): see ``autograder/nbgrader_guard.py``.
"""

from pathlib import Path

from autograder.nbgrader_guard import guard_nbgrader_commands
from autograder.settings import configure

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file
configure(c, Path(__file__).resolve().parent)
guard_nbgrader_commands(c)
