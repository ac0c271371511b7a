"""ownit grade on a dask.distributed cluster: a scheduler and two workers on 127.0.0.1, started
and stopped here. The cluster's scores equal the local pool's, and a worker killed in the middle
of a run leaves every submission graded exactly once."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
import toy_course
from nbgrader.api import Gradebook
from sandbox_required import need_sandbox

from ownit.instructor.grade import grade

pytestmark = pytest.mark.slow
distributed = pytest.importorskip("distributed", reason="pip install 'ownit[cluster]'")

DASK = str(Path(sys.executable).parent / "dask")
ANSWERS = {  # student -> answers; the toy exercise is worth 5 auto-graded points
    "s-full": {"shout": "def shout(word):\n    return word.upper() + '!'",
               "count": "def count(words):\n    return len(words)"},
    "s-half": {"shout": "def shout(word):\n    return word.upper() + '!'"},
    "s-wrong": {"shout": "def shout(word):\n    return word",
                "count": "def count(w):\n    return 0"},
    "s-blank": {},
    "s-raises": {"shout": "raise RuntimeError('mine')"},
}
SLOW = "import time\ntime.sleep(2)\n"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    need_sandbox()
    folder = tmp_path_factory.mktemp("dask")
    started: list[subprocess.Popen] = []

    def spawn(*args):
        started.append(subprocess.Popen([DASK, *args], cwd=folder, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True))
        return started[-1]

    try:
        spawn("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
              "--scheduler-file", str(folder / "scheduler.json"))
        deadline = time.monotonic() + 60
        while not (folder / "scheduler.json").is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads((folder / "scheduler.json").read_text())["address"]
        workers = [spawn("worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                         "--host", "127.0.0.1", "--name", f"w{n}",
                         "--local-directory", str(folder / f"w{n}")) for n in range(2)]
        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, workers
    finally:
        for proc in started:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in started:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _cohort(course: Path, folder: Path, prefix: str = "") -> Path:
    release = nbformat.read(course / "exercises" / "toy" / "toy.ipynb", 4)
    for student, answers in ANSWERS.items():
        answers = {k: prefix + v for k, v in answers.items()} or {"count": prefix.strip()}
        target = folder / student / "toy"
        target.mkdir(parents=True)
        nbformat.write(toy_course.with_answers(release, **answers), target / "toy.ipynb")
    return folder


def _rows(out: Path) -> list[tuple]:
    with open(out / "grades.csv", newline="") as handle:
        return [(r["student_id"], r["score"], r["max_score"], r["status"])
                for r in csv.DictReader(handle)]


def test_the_cluster_grades_as_the_local_pool_does(cluster, tmp_path):
    from ownit.instructor.grade.cluster import DaskCluster

    address, _ = cluster
    local_course = toy_course.build(tmp_path / "local")
    cluster_course = toy_course.build(tmp_path / "cluster")
    local = grade(local_course, _cohort(local_course, tmp_path / "subs-local"), tmp_path / "out1",
                  workers=2, quiet=True)
    remote = grade(cluster_course, _cohort(cluster_course, tmp_path / "subs-cluster"),
                   tmp_path / "out2", quiet=True, executor=DaskCluster(address))
    assert remote.graded == local.graded == len(ANSWERS)
    assert _rows(tmp_path / "out2") == _rows(tmp_path / "out1")
    assert {r[1] for r in _rows(tmp_path / "out2")} >= {"5", "0"}, "the cohort spans the scores"
    for student in ANSWERS:  # feedback and formgrader's notebooks came back from the workers
        assert (tmp_path / "out2" / "feedback" / student / "toy" / "toy.html").is_file()
        assert (cluster_course / "autograded" / student / "toy" / "toy.ipynb").is_file()


def test_a_worker_killed_mid_run_leaves_each_submission_graded_once(cluster, tmp_path):
    from ownit.instructor.grade.cluster import DaskCluster

    address, workers = cluster
    course = toy_course.build(tmp_path / "course")
    submitted = _cohort(course, tmp_path / "subs", prefix=SLOW)
    victim = workers[0]

    def kill_when_busy():
        with distributed.Client(address, timeout=30) as client:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                busy = client.processing()
                if any(busy.get(w) for w in busy if "w0" in str(client.scheduler_info()
                                                               ["workers"][w].get("name"))):
                    break
                time.sleep(0.2)
        time.sleep(1.0)  # inside the task: the kernel is running the student's code
        victim.send_signal(signal.SIGKILL)

    killer = threading.Thread(target=kill_when_busy)
    killer.start()
    run = grade(course, submitted, tmp_path / "out", quiet=True, executor=DaskCluster(address))
    killer.join()
    assert victim.poll() is not None, "the worker was not killed during the run"
    rows = _rows(tmp_path / "out")
    assert sorted(r[0] for r in rows) == sorted(ANSWERS), "one row per submission"
    assert all(r[3] == "graded" for r in rows), rows
    assert run.graded == len(ANSWERS)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert sorted(s.student.id for s in gb.assignment_submissions("toy")) == sorted(ANSWERS)
