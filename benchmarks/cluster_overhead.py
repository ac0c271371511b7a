"""The cost of grading on a Dask cluster instead of the local pool, side by side.

40 notebooks (8 students x 5 exercises): ``ownit grade --scheduler ADDRESS`` on a local
``dask.distributed`` cluster of two single-threaded workers (a scheduler and two
``dask worker`` processes on 127.0.0.1, started and stopped here) against
``ownit grade --workers 2``, sandbox on, feedback written, alternating runs. The target is
<= 1.10: the engine's overhead stays small. Needs ``pip install 'ownit[cluster]'``.

    python benchmarks/cluster_overhead.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _cohort import copy_course, make_cohort, report, timed


def start_cluster(folder: Path, bin_dir: Path) -> tuple[str, list[subprocess.Popen]]:
    dask = str(bin_dir / "dask")
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0",
                               "--no-dashboard", "--scheduler-file",
                               str(folder / "scheduler.json")], cwd=folder,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)]
    deadline = time.monotonic() + 60
    while not (folder / "scheduler.json").is_file() and time.monotonic() < deadline:
        time.sleep(0.2)
    address = json.loads((folder / "scheduler.json").read_text())["address"]
    for n in range(2):
        procs.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1",
                                       "--no-dashboard", "--host", "127.0.0.1",
                                       "--local-directory", str(folder / f"w{n}")], cwd=folder,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True))
    from distributed import Client

    with Client(address, timeout=30) as client:
        client.wait_for_workers(2, timeout=60)
    return address, procs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="ownit-bench-") as tmp:
        tmp = Path(tmp)
        course = copy_course(tmp / "course")
        count = make_cohort(course, tmp / "submitted")
        address, procs = start_cluster(tmp, bin_dir)
        try:
            base = [str(bin_dir / "ownit"), "grade", str(tmp / "submitted"), "--force"]
            local = [*base, "--out", str(tmp / "out-local"), "--workers", "2"]
            cluster = [*base, "--out", str(tmp / "out-cluster"), "--scheduler", address]
            timed(local, course)  # warm the generated-assignment cache once
            ours, pool = [], []
            for _ in range(args.runs):
                pool.append(timed(local, course))
                ours.append(timed(cluster, course))
            print(f"{count} notebooks, two single-threaded Dask workers against --workers 2")
            report("cluster_overhead", ours, pool, 1.10)
        finally:
            for proc in procs:
                os.killpg(proc.pid, signal.SIGTERM)
            for proc in procs:
                proc.wait(timeout=30)


if __name__ == "__main__":
    main()
