"""Shared set-up of the benchmarks: a throw-away copy of the course and a cohort of submissions.

The cohort holds, for every exercise, eight students: the full solution, the blank release, and
six students who each got one task wrong (from tests/course/wrong_answers), so grading does
real work.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
WRONG = ROOT / "tests" / "course" / "wrong_answers"
ASSIGNMENTS = ["deploy_safely", "latency_alerting", "incident_triage", "blameless_postmortem",
               "bus_factor"]


# The baseline is plain nbgrader: the course's settings, without the guard that makes nbgrader's
# own commands run Own It's sandboxed pipeline in the real course root (nbgrader_config.py).
PLAIN_CONFIG = ("from pathlib import Path\nfrom autograder.settings import configure\n"
                "configure(get_config(), Path(__file__).resolve().parent)\n")


def copy_course(dest: Path, *, plain: bool = False) -> Path:
    for name in ("solutions", "exercises", "course"):
        shutil.copytree(ROOT / name, dest / name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    if plain:
        (dest / "nbgrader_config.py").write_text(PLAIN_CONFIG)
    else:
        shutil.copy(ROOT / "nbgrader_config.py", dest / "nbgrader_config.py")
    return dest


def make_cohort(course: Path, submitted: Path, students: int = 8) -> int:
    """Write ``students`` submissions per exercise; return how many notebooks were written.
    Past the eight kinds of student (full, blank, six wrong answers), the kinds repeat under new
    ids: two students with identical notebooks are graded twice (nothing is cached)."""
    written = 0
    for aid in ASSIGNMENTS:
        source = nbformat.read(course / "solutions" / aid / f"{aid}.ipynb", 4)
        release = nbformat.read(course / "exercises" / aid / f"{aid}.ipynb", 4)
        wrong = json.loads((WRONG / f"{aid}.json").read_text())
        variants = [source, release]
        for grade_id, code in list(wrong.items())[: students - 2]:
            nb = nbformat.from_dict(json.loads(json.dumps(source)))
            for cell in nb.cells:
                if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                    cell.source = code
            variants.append(nb)
        variants = variants[:8]
        for n in range(students):
            nb = variants[n % len(variants)]
            folder = submitted / f"student{n:02d}" / aid
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, folder / f"{aid}.ipynb")
            written += 1
    return written


def timed(cmd: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd[:3])}... failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return seconds


def report(name: str, ours: list[float], base: list[float], target: float) -> None:
    ratio = statistics.median(o / b for o, b in zip(ours, base, strict=True))
    print(f"{name}: ours {statistics.median(ours):.1f} s, baseline {statistics.median(base):.1f} s"
          f" (medians of {len(ours)} paired runs)")
    print(f"ratio ours/baseline = {ratio:.2f} (target <= {target})"
          f" -> {'met' if ratio <= target else 'NOT met'}")
