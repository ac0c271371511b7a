"""Latency of ``ownit check`` against the floor: a fresh process executing the same notebook
with nbclient (what any check must at least do). Alternating runs; the target is <= 0.6x
(issue 16).

    python benchmarks/check_latency.py [--runs 5] [--assignment incident_triage]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _cohort import copy_course, report, timed

# The kernel gets NBGRADER_EXECUTION as under grading, so the notebook's own check cell is skipped
# in both runs.
FLOOR = """
import os, sys, nbformat
os.environ["NBGRADER_EXECUTION"] = "autograde"
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], 4)
NotebookClient(nb, timeout=60, allow_errors=True,
               resources={"metadata": {"path": sys.argv[2]}}).execute()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--assignment", default="incident_triage")
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="ownit-bench-") as tmp:
        course = copy_course(Path(tmp) / "course")
        aid = args.assignment
        notebook = course / "solutions" / aid / f"{aid}.ipynb"
        check = [str(bin_dir / "ownit"), "check", "--json", str(notebook)]
        floor = [sys.executable, "-c", FLOOR, str(notebook), str(notebook.parent)]
        timed(check, course)  # the first check fills the cache; later ones reuse it
        ours, base = [], []
        for _ in range(args.runs):
            base.append(timed(floor, course))
            ours.append(timed(check, course))
        report(f"check_latency ({aid}, full solution)", ours, base, 0.6)


if __name__ == "__main__":
    main()
