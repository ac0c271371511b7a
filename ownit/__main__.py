"""``python -m ownit``: the ``ownit`` command without its script, e.g. ``py -m ownit start`` on
Windows, where a venv keeps its scripts in ``.venv\\Scripts`` and may not be on ``PATH``."""

from ownit.cli import run

run()
