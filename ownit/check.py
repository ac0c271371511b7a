"""Learners grade their own exercise notebooks: ``ownit check`` and the notebook's check cell."""

from __future__ import annotations

import os


def check_my_work(assignment_id: str) -> None:
    """Grade the saved exercise notebook of ``assignment_id`` and show a table with hints."""
    if os.environ.get("NBGRADER_EXECUTION"):
        # nbgrader is executing this notebook to grade it: checking inside grading is pointless.
        return
    print("Checking arrives with the grading issue; run the test cells above for now.")
