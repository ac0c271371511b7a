"""Throughput of ``ownit grade`` against plain sequential ``nbgrader autograde``.

40 notebooks (8 students x 5 exercises), graded side by side in alternating runs: nbgrader's
own command once per exercise (it has no parallel mode), then ``ownit grade --workers 2 --force``
(sandbox on, as instructors run it). Prints the median ratio; the target is <= 0.65.

    python benchmarks/grade_throughput.py [--runs 3] [--no-sandbox]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from _cohort import ASSIGNMENTS, copy_course, make_cohort, report, timed


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
        for aid in ASSIGNMENTS:  # nbgrader needs the assignments in its gradebook first
            timed([str(bin_dir / "nbgrader"), "generate_assignment", aid, "--force",
                   "--CourseDirectory.release_directory=release-copy"], base_course)
        grade = [str(bin_dir / "ownit"), "grade", str(tmp / "submitted"), "--out",
                 str(tmp / "out"), "--workers", str(args.workers), "--force"]
        if args.no_sandbox:
            grade.append("--no-sandbox")
        timed(grade, ours_course)  # warm the generated-assignment cache once
        ours, base = [], []
        for _ in range(args.runs):
            base.append(sum(timed([str(bin_dir / "nbgrader"), "autograde", aid, "--force"],
                                  base_course) for aid in ASSIGNMENTS))
            ours.append(timed(grade, ours_course))
        print(f"{count} notebooks, {args.workers} workers, sandbox "
              f"{'off' if args.no_sandbox else 'on'}")
        report("grade_throughput", ours, base, 0.65)


if __name__ == "__main__":
    main()
