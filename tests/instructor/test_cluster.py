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


def _spawn(started: list[subprocess.Popen], folder: Path, *args) -> subprocess.Popen:
    started.append(subprocess.Popen([DASK, *args], cwd=folder, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True))
    return started[-1]


def _scheduler(started: list[subprocess.Popen], folder: Path) -> str:
    """A scheduler on 127.0.0.1 (its process in ``started``); its address."""
    _spawn(started, folder, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
           "--scheduler-file", str(folder / "scheduler.json"))
    deadline = time.monotonic() + 60
    while not (folder / "scheduler.json").is_file() and time.monotonic() < deadline:
        time.sleep(0.2)
    return json.loads((folder / "scheduler.json").read_text())["address"]


def _stop(started: list[subprocess.Popen]) -> None:
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in started:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    need_sandbox()
    folder = tmp_path_factory.mktemp("dask")
    started: list[subprocess.Popen] = []
    try:
        address = _scheduler(started, folder)
        workers = [_spawn(started, folder, "worker", address, "--nthreads", "1", "--no-nanny",
                          "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{n}",
                          "--local-directory", str(folder / f"w{n}")) for n in range(2)]
        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, workers
    finally:
        _stop(started)


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


def test_a_cluster_that_stops_answering_ends_each_submission_as_a_row_and_a_rerun_grades_them(
        cluster, tmp_path):
    """No worker ever takes the jobs (as when the scheduler or every worker has died): after the
    stall time each submission is an error row saying so, and the next run, on a working
    cluster, grades them all."""
    from ownit.instructor.grade.cluster import DaskCluster

    course = toy_course.build(tmp_path / "course")
    submitted = _cohort(course, tmp_path / "subs")
    started: list[subprocess.Popen] = []
    try:
        idle = _scheduler(started, tmp_path)  # a scheduler with no worker at all
        stuck = grade(course, submitted, tmp_path / "out", quiet=True,
                      executor=DaskCluster(idle, stall_seconds=3))
    finally:
        _stop(started)
    rows = _rows(tmp_path / "out")
    assert sorted(r[0] for r in rows) == sorted(ANSWERS), "one row per submission"
    assert all(r[3] == "error" for r in rows) and stuck.graded == 0, rows
    with open(tmp_path / "out" / "grades.csv", newline="") as handle:
        assert all(r["detail"].startswith("not graded: the cluster did not answer in 3 s")
                   for r in csv.DictReader(handle))
    again = grade(course, submitted, tmp_path / "out", quiet=True,
                  executor=DaskCluster(cluster[0]))
    assert again.graded == len(ANSWERS)
    assert all(r[3] == "graded" for r in _rows(tmp_path / "out"))


def test_jobs_still_out_when_the_cluster_goes_quiet_end_as_rows_the_next_run_grades(
        monkeypatch, tmp_path):
    """The scheduler dies after taking the jobs: results stop; each job not back is yielded
    once, as an engine failure (which the record stage keeps without a fingerprint)."""
    from types import SimpleNamespace

    from ownit.instructor.grade import cluster as engine
    from ownit.instructor.grade.run import EngineFailed

    class Done:
        def result(self):
            return "a result"

    first, rest = Done(), [object(), object()]
    calls = []

    def fake_wait(pending, timeout, return_when):
        calls.append(timeout)
        if len(calls) == 1:
            return {first}, set(rest)
        raise TimeoutError

    submitted = iter([first, *rest])
    client = SimpleNamespace(scatter=lambda *a, **k: "packed",
                             submit=lambda *a, **k: next(submitted), close=lambda **k: None)
    monkeypatch.setattr(distributed, "wait", fake_wait)
    monkeypatch.setattr(engine, "submission_files", lambda folder: {})
    executor = engine.DaskCluster.__new__(engine.DaskCluster)
    executor.client, executor.stall_seconds = client, 7
    jobs = [SimpleNamespace(sub=SimpleNamespace(assignment="toy", student=f"s{n}"),
                            folder=tmp_path) for n in range(3)]
    prepared = {"toy": SimpleNamespace(folder=tmp_path)}
    monkeypatch.setattr(engine, "pack", lambda folder: b"")
    out = list(executor.results(jobs, prepared, False, None))
    assert [job.sub.student for job, _ in out][0] == "s0" and out[0][1] == "a result"
    assert sorted(job.sub.student for job, _ in out[1:]) == ["s1", "s2"]
    assert all(isinstance(o, EngineFailed) and "did not answer in 7 s" in str(o)
               for _, o in out[1:])
    assert calls == [7, 7]
