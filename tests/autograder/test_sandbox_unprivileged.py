"""The sandbox as an ordinary user (issue 15): every kernel in a user namespace of its own, with
the same promises as under root, and one hostile kernel unable to make an honest one fail.

A test user is made once per session with ``useradd`` (and removed at the end); everything
below runs as that user (``runuser``): a probe of three kernels started together (a fork bomb,
a memory hog, an honest one), ``ownit grade`` on a small cohort, and the measurement the design
rests on (RLIMIT_NPROC counted per user namespace). Needs root (to make the user), useradd and
bubblewrap: skipped without them, failed in CI.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
import time
from pathlib import Path

import hostile_cohort
import nbformat
import pytest
import system_users
import toy_course
from system_users import PYTHON

from autograder.sandbox import bubblewrap

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 48  # each probe kernel's process limit (threads count too)
MEMORY_MIB = 1024  # each probe kernel's address space
WHAT = "the sandbox as an ordinary user"


@pytest.fixture(scope="session")
def grader_user():
    system_users.need_tools(WHAT, "bwrap")
    changed = system_users.open_the_way([PYTHON.resolve().parent, Path(sys.prefix), ROOT])
    try:
        with system_users.system_user("ownit-t") as user:
            ran = user.run(PYTHON, "-c", "import os, autograder.sandbox, nbgrader; "
                                         "print(os.geteuid())")
            assert ran.returncode == 0 and ran.stdout.strip() != "0", (
                f"the test user cannot run the venv's python: {ran.stderr[-1500:]}")
            yield user
    finally:
        system_users.restore(changed)


# Run as the test user: start three sandboxed kernels at once and attack from two of them.
PROBE = r'''
import asyncio, json, os, sys
from traitlets.config import Config
from autograder.sandbox import SandboxedKernelManager, ensure_available, mode

work, port, solutions = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ensure_available()
config = Config()
config.SandboxedKernelManager.memory_bytes = int(sys.argv[4]) * 2**20
config.SandboxedKernelManager.processes = int(sys.argv[5])
config.SandboxedKernelManager.work_bytes = config.SandboxedKernelManager.tmp_bytes = 64 * 2**20
BOMB = """
import os, subprocess, sys, time
subprocess.Popen([sys.executable, "-c", "import os, time\\nwhile True:\\n    try:\\n"
                  "        os.fork()\\n    except OSError:\\n        time.sleep(0.05)"])
time.sleep(3)
try:
    subprocess.run(["true"])
    print("bomb can still fork")
except OSError:
    print("bomb cannot fork")
"""
COUNT = "import os\nprint('processes', sum(p.isdigit() for p in os.listdir('/proc')))"
HOG = """
hog = []
try:
    while True:
        hog.append(bytearray(64 * 2**20))
except MemoryError:
    print("hog stopped at", len(hog) * 64, "MiB")
hog = None
"""
HONEST = f"""
import os, socket, subprocess
kids = [subprocess.Popen(["sleep", "1"]) for _ in range(20)]
print("honest started", sum(k.wait() == 0 for k in kids), "processes")
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2)
    print("network open")
except OSError:
    print("no network")
try:
    open("/etc/shadow").read()
    print("read a root-only file")
except PermissionError:
    print("root-only file unreadable")
print("solutions", "visible" if os.path.exists({solutions!r}) else "hidden")
nested = subprocess.run(["unshare", "--user", "true"], capture_output=True)
print("nested user namespace", "refused" if nested.returncode else "made")
print("honest sum", sum(range(10**6)))
"""


async def start():
    km = SandboxedKernelManager(config=config, kernel_name="python3")
    await km.start_kernel(cwd=work)
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    return km, kc


async def run(kc, code):
    out = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append("error " + msg["content"]["ename"])

    await kc.execute_interactive(code, output_hook=hook, timeout=60)
    return "".join(out).strip()


async def main():
    (bomb_km, bomb), (hog_km, hog), (honest_km, honest) = await asyncio.gather(
        start(), start(), start())
    report = {"mode": mode(), "solutions_on_host": os.path.isdir(solutions),
              "groups": [km._group and km._group.kind for km in (bomb_km, hog_km, honest_km)]}
    report["bomb"] = await run(bomb, BOMB)
    report["bomb_processes"] = await run(bomb, COUNT)
    report["hog"] = await run(hog, HOG)
    report["honest"] = await run(honest, HONEST)
    report["bomb_processes_after"] = await run(bomb, COUNT)
    for km, kc in ((bomb_km, bomb), (hog_km, hog), (honest_km, honest)):
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
    print(json.dumps(report))


asyncio.run(main())
'''


def test_an_honest_kernel_runs_beside_a_fork_bomb_and_a_memory_hog(grader_user):
    listener = hostile_cohort.Listener()
    work = grader_user.folder("probe-work")
    (work / "data").mkdir()
    (work / "data" / "words.txt").write_text("own it\n")
    grader_user.give(work)
    script = grader_user.home / "probe.py"
    script.write_text(PROBE)
    started = time.monotonic()
    ran = grader_user.run(PYTHON, script, work, listener.port, ROOT / "solutions", MEMORY_MIB,
                          PROCESSES)
    seconds = time.monotonic() - started
    listener.close()
    assert ran.returncode == 0, ran.stderr[-3000:]
    report = json.loads(ran.stdout.strip().splitlines()[-1])
    assert report["mode"] == "user"
    # The bomb filled its own process limit and stayed there ...
    assert report["bomb"] == "bomb cannot fork"
    for key in ("bomb_processes", "bomb_processes_after"):
        assert PROCESSES - 16 <= int(report[key].split()[1]) <= PROCESSES, report
    # ... the hog was stopped at its address-space limit ...
    assert report["hog"].startswith("hog stopped at")
    assert int(report["hog"].split()[3]) < MEMORY_MIB
    # ... and the honest kernel, of the same real user, still started every process it asked
    # for, with no network, no root-only file and no view of the course's solutions.
    honest = report["honest"].splitlines()
    # bubblewrap 0.8 and later forbid the kernel user namespaces of its own (--disable-userns)
    nested = "refused" if bubblewrap.can_disable_userns(shutil.which("bwrap")) else "made"
    assert honest == ["honest started 20 processes", "no network", "root-only file unreadable",
                      "solutions hidden", f"nested user namespace {nested}",
                      f"honest sum {sum(range(10**6))}"], report
    assert report["solutions_on_host"], "the test user sees solutions/ outside the sandbox"
    assert listener.connections == 0
    assert seconds < 60


# Each sandbox: RLIMIT_NPROC=N set inside; A fork-bombs and holds its processes, B (started
# while A holds them) asks for 20 processes. MODE=userns: each in a bwrap user namespace of its
# own; MODE=plain: the same two limits without namespaces.
NPROC_EXPERIMENT = r'''
N=32
box() {
  if [ "$MODE" = userns ]; then
    bwrap --unshare-user --unshare-pid --unshare-net --die-with-parent --ro-bind / / \
      --dev /dev --proc /proc -- prlimit --nproc=$N -- "$@"
  else
    prlimit --nproc=$N -- "$@"
  fi
}
box "$PY" "$FORKS" 1000 4 A &
sleep 2
box "$PY" "$FORKS" 20 1 B
wait
'''
FORKS = r'''
import os, sys, time
want, hold = int(sys.argv[1]), float(sys.argv[2])
ok = 0
for _ in range(want):
    try:
        pid = os.fork()
    except OSError:
        continue
    if pid == 0:
        time.sleep(hold)
        os._exit(0)
    ok += 1
print(sys.argv[3], ok, flush=True)
time.sleep(hold)
'''


def test_rlimit_nproc_counts_per_user_namespace(grader_user):
    """The measurement behind the non-root mode (docs/trust-boundary.md): one user namespace
    per kernel keeps a fork bomb's process limit from starving another kernel of the same
    user; without namespaces it does not."""
    (grader_user.home / "nproc.sh").write_text(NPROC_EXPERIMENT)
    (grader_user.home / "forks.py").write_text(FORKS)
    started = {}
    for mode in ("userns", "plain"):
        ran = grader_user.run("sh", grader_user.home / "nproc.sh", timeout=60,
                              env={"MODE": mode, "PY": str(PYTHON),
                                   "FORKS": str(grader_user.home / "forks.py")})
        counts = dict(line.split() for line in ran.stdout.splitlines())
        started[mode] = (int(counts["A"]), int(counts["B"]))
    assert started["userns"][0] >= 25 and started["userns"][1] == 20, started
    assert started["plain"][1] < 20, started  # the control: the same limits, one shared count


# Submissions for ``ownit grade`` as the test user, and the score each deserves (the toy has 5
# auto-graded points): the attacks of tests/hostile_cohort.py that a per-uid limit stopped.
CASES = ["honest-full", "fork-bomb", "memory-hog", "disk-and-tmp-hog", "reads-solutions",
         "network-loopback"]


@pytest.fixture(scope="module")
def course(grader_user):
    """The toy course, owned by the test user (its instructor here)."""
    root = toy_course.build(grader_user.home / "course")
    grader_user.give(root)
    return root


def test_ownit_grade_as_an_ordinary_user_gives_every_submission_one_row(grader_user, course):
    release = nbformat.read(course / "exercises" / "toy" / "toy.ipynb", 4)
    subs = grader_user.home / "submitted"
    listener = hostile_cohort.Listener()
    for case in CASES:
        if case == "network-loopback":
            nb = hostile_cohort.answers(
                nbformat.from_dict(release),
                shout=hostile_cohort.NETWORK.format(port=listener.port))
        else:
            nb = hostile_cohort.CASES[case][0](nbformat.from_dict(release))
        (subs / case / "toy").mkdir(parents=True)
        nbformat.write(nb, subs / case / "toy" / "toy.ipynb")
    grader_user.give(subs)
    out = grader_user.home / "out"
    started = time.monotonic()
    ran = grader_user.run(PYTHON.parent / "ownit", "grade", subs, "--out", out, "--workers", "2",
                          env={"OWNIT_ROOT": str(course)}, timeout=300)
    seconds = time.monotonic() - started
    listener.close()
    assert ran.returncode == 0, ran.stderr[-3000:]
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["student_id"] for r in rows) == sorted(CASES)
    for row in rows:
        assert row["status"] == "graded", row
        assert float(row["score"]) == hostile_cohort.CASES[row["student_id"]][1], row
    assert next(r for r in rows if r["student_id"] == "honest-full")["score"] == "5"
    assert listener.connections == 0
    assert seconds < 90


def test_ownit_check_sandbox_as_an_ordinary_user(grader_user, course):
    release = nbformat.read(course / "exercises" / "toy" / "toy.ipynb", 4)
    learner = grader_user.folder("learner") / "toy"
    learner.mkdir()
    nbformat.write(hostile_cohort.answers(release, shout=hostile_cohort.RIGHT_SHOUT,
                                          count=hostile_cohort.RIGHT_COUNT),
                   learner / "toy.ipynb")
    grader_user.give(learner)
    ran = grader_user.run(PYTHON.parent / "ownit", "check", "--sandbox", "--json",
                          learner / "toy.ipynb", env={"OWNIT_ROOT": str(course)})
    assert ran.returncode == 0, ran.stderr[-3000:]
    report = json.loads(ran.stdout)
    auto = [part for part in report["parts"] if not part["manual"]]
    assert auto and all(part["passed"] for part in auto), report


def test_an_ordinary_user_grades_a_course_exercise_sandboxed(grader_user):
    """Not only the toy: the course's own deploy_safely, its full solution checked sandboxed
    (hidden tests included) by the ordinary user, in a copy of the course that user owns."""
    copy = grader_user.home / "real-course"
    for name in ("solutions", "exercises", "course"):
        shutil.copytree(ROOT / name, copy / name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    shutil.copy(ROOT / "nbgrader_config.py", copy / "nbgrader_config.py")
    grader_user.give(copy)
    notebook = copy / "solutions" / "deploy_safely" / "deploy_safely.ipynb"
    ran = grader_user.run(PYTHON.parent / "ownit", "check", "--sandbox", "--json", notebook,
                          env={"OWNIT_ROOT": str(copy)}, timeout=300)
    assert ran.returncode == 0, ran.stderr[-3000:]
    report = json.loads(ran.stdout)
    assert report["score"] == report["max_score"] == 29, report
