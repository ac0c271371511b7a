"""Learners grade their own exercise notebooks: ``ownit check`` and the notebook's check cell.

Both call :func:`ownit.learner.check.check_notebook`. The check cell runs ``ownit check`` in a
separate process (so nbgrader never runs inside the learner's kernel) and reads its answer as
JSON: the report of ``--json`` and whether the hidden tests were part of it. This module imports
nothing of the course but :mod:`ownit.paths`: the grading sandbox shows graded code this file
(the check cell does nothing while nbgrader grades).
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from pathlib import Path

from ownit.paths import course_root

VISIBLE_ONLY_NOTE = ("Only the visible tests ran: this copy of the course has no solutions/, so "
                     "the hidden tests (most of the points) are not included.")


def not_checked_here(part: dict) -> bool:
    """A part whose tests are all hidden, in a copy of the course without solutions/: listed
    with no points at stake (ownit.learner.check.only_notebook)."""
    return not part["manual"] and part["max_score"] == 0 and not part["passed"]


def format_table(report: dict, hidden_included: bool) -> str:
    """The text report: one row per part, a hint under each failure, the total."""
    lines = [f"{report['assignment']}: {report['score']:g} / {report['max_score']:g} points "
             "(auto-graded parts)"]
    if not hidden_included:
        lines.append(VISIBLE_ONLY_NOTE)
    width = max([len(p["id"]) for p in report["parts"]] + [4])
    lines.append(f"  {'part':<{width}}  {'points':>9}  result")
    for part in report["parts"]:
        if part["manual"]:
            result, points = "graded by hand", f"- / {part['max_score']:g}"
        elif not_checked_here(part):
            result, points = "not checked here (hidden tests only)", "-"
        else:
            result = "passed" if part["passed"] else "FAILED"
            points = f"{part['score']:g} / {part['max_score']:g}"
        lines.append(f"  {part['id']:<{width}}  {points:>9}  {result}")
        if part["hint"] and not part["passed"] and not part["manual"] \
                and not not_checked_here(part):
            lines.append(f"  {'':<{width}}  {'':>9}  hint: {part['hint']}")
    return "\n".join(lines)


def check_my_work(assignment_id: str, notebook: str | None = None) -> dict | None:
    """Grade the saved exercise notebook of ``assignment_id`` and show the table with hints."""
    if os.environ.get("NBGRADER_EXECUTION"):
        # nbgrader is executing this notebook to grade it: checking inside grading is pointless.
        return None
    root = course_root()
    path = Path(notebook or root / "exercises" / assignment_id / f"{assignment_id}.ipynb")
    run = subprocess.run([sys.executable, "-m", "ownit.cli", "check", "--for-check-cell",
                          str(path)],
                         capture_output=True, text=True, cwd=root, check=False)
    if run.returncode == 2 or not run.stdout.strip():
        print(run.stderr.strip() or "The check could not run.")
        return None
    answer = json.loads(run.stdout)
    report = answer["report"]
    text = format_table(report, answer["hidden_tests"])
    try:
        from IPython.display import HTML, display

        display(HTML(f"<pre>{html.escape(text)}</pre>"))
    except ImportError:  # pragma: no cover - outside IPython
        print(text)
    return report
