"""Throughput of ``ownit grade`` against two baselines, side by side in alternating runs.

40 notebooks (8 students x 5 exercises). Ours: ``ownit grade --workers 2 --force``, sandbox on,
feedback written (as instructors run it). The baselines:

- nbgrader's full pipeline in a plain course: ``generate_assignment``, ``autograde`` (it has no
  parallel mode), ``generate_feedback`` and ``export``, for every exercise. Target <= 0.30.
- the floor: the same 40 notebooks executed by nbclient in fresh kernels over two processes,
  with nothing else (no nbgrader, no sandbox, no feedback). Beating it means overlapping
  kernel starts with other work. Target <= 1.0.

Prints the median of the paired ratios for each.

    python benchmarks/grade_throughput.py [--runs 3] [--workers 2] [--no-sandbox]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from _cohort import ASSIGNMENTS, copy_course, make_cohort, report, timed

# One process of the floor: execute every notebook it is given, each in a fresh kernel started
# in the notebook's folder (where its data files are), with the kernel told it is being graded
# (so the notebook's check cell does nothing), errors allowed as an autograder allows them.
FLOOR = """
import os, sys, nbformat
from concurrent.futures import ProcessPoolExecutor
from nbclient import NotebookClient
os.environ["NBGRADER_EXECUTION"] = "autograde"

def run(path):
    nb = nbformat.read(path, 4)
    NotebookClient(nb, timeout=60, allow_errors=True,
                   resources={"metadata": {"path": os.path.dirname(path)}}).execute()

paths = sys.argv[2:]
with ProcessPoolExecutor(int(sys.argv[1])) as pool:
    list(pool.map(run, paths))
"""


def nbgrader_pipeline(bin_dir: Path) -> list[list[str]]:
    nbgrader = str(bin_dir / "nbgrader")
    steps = []
    for aid in ASSIGNMENTS:
        steps += [[nbgrader, "generate_assignment", aid, "--force"],
                  [nbgrader, "autograde", aid, "--force"],
                  [nbgrader, "generate_feedback", aid, "--force"]]
    return steps + [[nbgrader, "export"]]


def floor_notebooks(course: Path, submitted: Path) -> list[str]:
    """Each submission's notebook, beside a copy of its exercise's data (as a kernel sees it)."""
    paths = []
    for notebook in sorted(submitted.glob("*/*/*.ipynb")):
        folder = course / "floor" / notebook.parent.parent.name / notebook.parent.name
        shutil.copytree(course / "exercises" / notebook.parent.name, folder)
        shutil.copy(notebook, folder / notebook.name)
        paths.append(str(folder / notebook.name))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-sandbox", action="store_true")
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="ownit-bench-") as tmp:
        tmp = Path(tmp)
        ours_course = copy_course(tmp / "ours")
        base_course = copy_course(tmp / "base", plain=True)
        count = make_cohort(ours_course, tmp / "submitted")
        shutil.copytree(tmp / "submitted", base_course / "submitted")
        floor = [sys.executable, "-c", FLOOR, str(args.workers),
                 *floor_notebooks(base_course, tmp / "submitted")]
        grade = [str(bin_dir / "ownit"), "grade", str(tmp / "submitted"), "--out",
                 str(tmp / "out"), "--workers", str(args.workers), "--force"]
        if args.no_sandbox:
            grade.append("--no-sandbox")
        timed(grade, ours_course)  # warm the generated-assignment cache once
        ours, pipeline, bare = [], [], []
        for _ in range(args.runs):
            pipeline.append(sum(timed(step, base_course) for step in nbgrader_pipeline(bin_dir)))
            bare.append(timed(floor, base_course))
            ours.append(timed(grade, ours_course))
        print(f"{count} notebooks, {args.workers} workers, sandbox "
              f"{'off' if args.no_sandbox else 'on'}, feedback written")
        report("against nbgrader's full pipeline", ours, pipeline, 0.30)
        report("against the floor (bare nbclient)", ours, bare, 1.0)


if __name__ == "__main__":
    main()
