"""Does ``ownit grade`` stay flat from 40 to 400 submissions? Per-notebook time and the
coordinator's peak memory, side by side in alternating runs.

8 students x 5 exercises against 80 students x 5 (the same eight kinds of student repeated under
new ids: identical notebooks are graded again, nothing is cached), ``--workers 2 --force``,
sandbox on, feedback written. Targets: per-notebook time at 400 / at 40 <= 1.05; the
coordinator's peak resident memory under 400 MB (its own, read from /proc while it runs; the
workers are separate processes).

Each large run sits between two small ones (small, large, small, large, small, ...) and is
compared with the mean of its two neighbours: on a shared machine whose speed drifts over the
minutes a large run takes, a small run made only before it would carry the drift into the ratio.
The ratio printed is the median over the large runs.

    python benchmarks/grade_scale.py [--runs 1] [--large 80]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _cohort import copy_course, make_cohort


def graded(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and the peak RSS (bytes) of the process itself."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    peak = 0
    status = Path(f"/proc/{proc.pid}/status")
    while proc.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):  # the high-water mark: monotone, so the last
                    peak = max(peak, int(line.split()[1]) * 1024)  # reading is the peak
        except OSError:
            pass
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"ownit grade failed ({proc.returncode}):\n{proc.stderr.read()[-2000:]}")
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--small", type=int, default=8, help="students in the small cohort")
    parser.add_argument("--large", type=int, default=80, help="students in the large cohort")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="ownit-bench-") as tmp:
        tmp = Path(tmp)
        course = copy_course(tmp / "course")
        sizes = {}
        for name, students in (("small", args.small), ("large", args.large)):
            sizes[name] = make_cohort(course, tmp / name, students)
        commands = {name: [str(bin_dir / "ownit"), "grade", str(tmp / name), "--out",
                           str(tmp / f"out-{name}"), "--workers", str(args.workers), "--force"]
                    for name in sizes}
        graded(commands["small"], course)  # warm the generated-assignment cache once
        per_notebook: dict[str, list[float]] = {"small": [], "large": []}
        peaks: dict[str, list[int]] = {"small": [], "large": []}
        for name in ["small", *["large", "small"] * args.runs]:
            seconds, peak = graded(commands[name], course)
            per_notebook[name].append(seconds / sizes[name])
            peaks[name].append(peak)
        for name in ("small", "large"):
            print(f"{sizes[name]} notebooks: {statistics.median(per_notebook[name]):.2f} s a "
                  f"notebook, coordinator peak {max(peaks[name]) / 2**20:.0f} MiB")
        small = per_notebook["small"]
        ratio = statistics.median(large / ((small[i] + small[i + 1]) / 2)
                                  for i, large in enumerate(per_notebook["large"]))
        print(f"ratio per notebook {sizes['large']}/{sizes['small']} = {ratio:.3f} (target <= 1.05)"
              f" -> {'met' if ratio <= 1.05 else 'NOT met'}")
        peak = max(peaks["large"]) / 1e6
        print(f"coordinator peak {peak:.0f} MB (target < 400 MB) -> "
              f"{'met' if peak < 400 else 'NOT met'}")


if __name__ == "__main__":
    main()
