"""nbgrader configuration of the Own It course root.

The settings live in ``autograder/settings.py`` so that nbgrader's own commands, formgrader and
``ownit`` share one definition. Run nbgrader from this folder (or set ``--CourseDirectory.root``).
"""

from pathlib import Path

from autograder.settings import configure

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file
configure(c, Path(__file__).resolve().parent)
