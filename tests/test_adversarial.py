"""A hostile cohort, graded in one run with honest students beside it.

Each case is a submission of the toy assignment (tests/toy_course.py) named for its attack.
The toy has 5 auto-graded points: ``shout`` (1 visible + 2 hidden) and ``count`` (2 hidden).
Each case asserts the score it deserves; the honest students must get exactly what plain
nbgrader gives them; the run must end in bounded time; nothing outside a submission's own
sandbox may change.
"""

from __future__ import annotations

import csv
import hashlib
import json
import socket
import subprocess
import threading
import time
from pathlib import Path

import nbformat
import pytest
import toy_course
from nbformat.v4 import new_code_cell, new_markdown_cell
from sandbox_required import need_sandbox

from autograder.grade import grade
from autograder.settings import Limits
from autograder.trial import TrialCourse

RIGHT_SHOUT = "def shout(word):\n    return word.upper() + '!'"
WRONG_SHOUT = "def shout(word):\n    return word"
RIGHT_COUNT = "def count(words):\n    return len(words)"
HALF_SHOUT = "def shout(word):\n    return word.upper() + '!' if word else ''"
LIMITS = Limits(cell_seconds=6, notebook_seconds=25, memory_bytes=1536 * 2**20,
                cpu_seconds=60, processes=64)


def answers(nb, **sources):
    return toy_course.with_answers(nb, **sources)


def edit_tests(nb, change):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code":
            change(cell)
    return nb


def drop_tests(nb):
    nb.cells = [c for c in nb.cells
                if not (c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code")]
    return nb


def markdown_tests(nb):
    nb.cells = [new_markdown_cell(c.source, metadata=c.metadata)
                if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code" else c
                for c in nb.cells]
    return nb


def with_cells(nb, *sources, at=2):
    for n, source in enumerate(sources):
        nb.cells.insert(at + n, new_code_cell(source))
    return nb


def forge_metadata(nb):
    bonus = new_code_cell("pass")
    bonus.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                  "grade_id": "bonus", "points": 100, "schema_version": 3,
                                  "task": False}
    nb.cells.append(bonus)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "test_shout":
            meta["points"] = 100
            cell.source = "pass"
    return nb


def duplicate_tests(nb):
    extra = [nbformat.from_dict(c) for c in nb.cells
             if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    for cell in extra:
        cell["id"] = cell["id"] + "-copy"
    nb.cells.extend(extra)
    return nb


STRIP_ASSERTS = '''
import ast
class Strip(ast.NodeTransformer):
    def visit_Assert(self, node):
        return None
    def visit_Expr(self, node):
        return None if isinstance(node.value, ast.Call) else node
get_ipython().ast_transformers.append(Strip())
'''
SILENCE_ERRORS = "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)"
FAKE_CREDIT = '''
get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)
def _credit(lines):
    return lines + ["\\n", "2.0\\n"]
get_ipython().input_transformers_post.append(_credit)
print(1.0)
'''
ALWAYS_EQUAL = '''
class Yes(str):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __hash__ = str.__hash__
def shout(word):
    return Yes("nope")
def count(words):
    return Yes("nope")
'''
PATCH_COMPARISONS = '''
import math, builtins, numpy, pandas.testing, autograder.expect as e
math.isclose = lambda *a, **k: True
numpy.allclose = numpy.array_equal = lambda *a, **k: True
pandas.testing.assert_frame_equal = lambda *a, **k: None
e.same = lambda *a, **k: True
e.expect = lambda *a, **k: None
builtins.isinstance = lambda *a: True
builtins.len = lambda x: 0
def shout(word):
    return word
'''
FIND_SECRETS = '''
import os
found = []
for top in ("/", os.path.expanduser("~")):
    for folder, dirs, files in os.walk(top):
        if folder.startswith(("/proc", "/sys", "/usr", "/dev")):
            dirs[:] = []
            continue
        for name in files:
            if name.endswith((".ipynb", ".db", ".json")):
                try:
                    text = open(os.path.join(folder, name), errors="ignore").read()
                except OSError:
                    continue
                if "SECRET-EXPECTED-7f3a" in text:  # the marker in the toy's hidden tests
                    found.append(os.path.join(folder, name))
def shout(word):
    # Only a leak of the hidden tests would make this right.
    return word.upper() + "!" if found else word
'''
WRITE_EVERYWHERE = '''
import os, glob, sqlite3
hits = []
for pattern in ("/**/gradebook.db", "/**/submitted/*/toy/*.ipynb", "/**/grades.csv"):
    for path in glob.glob(pattern, recursive=True):
        try:
            if path.endswith(".db"):
                con = sqlite3.connect(path)
                con.execute("update grade set manual_score = 99")
                con.commit()
            else:
                open(path, "w").write("owned")
            hits.append(path)
        except Exception:
            pass
def shout(word):
    return word
'''
NETWORK = '''
import socket
try:
    s = socket.create_connection(("127.0.0.1", {port}), timeout=2)
    s.sendall(b"leak")
except OSError:
    pass
def shout(word):
    return word
'''
LOOP_IGNORING_SIGINT = '''
import signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass
'''
MEMORY_HOG = '''
hog = []
try:
    while True:
        hog.append(bytearray(100 * 2**20))
except MemoryError:
    hog = None
def shout(word):
    return word.upper() + "!"
'''
FORK_BOMB = '''
import subprocess, sys
subprocess.Popen([sys.executable, "-c", "import os\\nwhile True:\\n    os.fork()"],
                 stderr=subprocess.DEVNULL)
def shout(word):
    return word.upper() + "!"
'''
BIG_OUTPUT = '''
print("x" * 50_000_000)
def shout(word):
    return word.upper() + "!"
'''
EXIT_NOW = "import os\nos._exit(0)"
DETACHED = '''
import subprocess
subprocess.Popen(["sh", "-c", "sleep 4; echo late > /tmp/ownit-late-marker; sleep 600"],
                 start_new_session=True)
def shout(word):
    return word.upper() + "!"
'''

# case -> (build the notebook from the release, auto score it deserves)
CASES = {
    "honest-full": (lambda nb: answers(nb, shout=RIGHT_SHOUT, count=RIGHT_COUNT), 5),
    "honest-half": (lambda nb: answers(nb, shout=HALF_SHOUT, count=RIGHT_COUNT), 3),
    "honest-blank": (lambda nb: nb, 0),
    "tests-edited": (lambda nb: edit_tests(answers(nb, shout=WRONG_SHOUT, count=RIGHT_COUNT),
                                           lambda c: setattr(c, "source", "pass")), 2),
    "tests-deleted": (lambda nb: drop_tests(answers(nb, shout=WRONG_SHOUT, count=RIGHT_COUNT)),
                      2),
    "tests-to-markdown": (lambda nb: markdown_tests(answers(nb, shout=WRONG_SHOUT,
                                                               count=RIGHT_COUNT)), 2),
    "tests-duplicated": (lambda nb: duplicate_tests(answers(nb, shout=RIGHT_SHOUT)), 3),
    "metadata-forged": (lambda nb: forge_metadata(answers(nb, shout=WRONG_SHOUT)), 0),
    "assert-stripping": (lambda nb: with_cells(answers(nb, shout=WRONG_SHOUT), STRIP_ASSERTS), 0),
    "exceptions-silenced": (lambda nb: with_cells(nb, SILENCE_ERRORS), 0),
    "fake-partial-credit": (lambda nb: with_cells(nb, FAKE_CREDIT), 0),
    "always-equal": (lambda nb: answers(nb, shout=ALWAYS_EQUAL), 0),
    "patched-comparisons": (lambda nb: answers(nb, shout=PATCH_COMPARISONS), 0),
    "reads-solutions": (lambda nb: answers(nb, shout=FIND_SECRETS), 0),
    "writes-gradebook-and-others": (lambda nb: answers(nb, shout=WRITE_EVERYWHERE), 0),
    "network-loopback": (None, 0),  # built in the fixture: it needs the listener's port
    "loop-ignoring-sigint": (lambda nb: with_cells(answers(nb, shout=RIGHT_SHOUT),
                                                   *[LOOP_IGNORING_SIGINT] * 6, at=5), 3),
    "memory-hog": (lambda nb: answers(nb, shout=MEMORY_HOG), 3),
    "fork-bomb": (lambda nb: answers(nb, shout=FORK_BOMB, count=RIGHT_COUNT), 5),
    "output-50mb-one-line": (lambda nb: answers(nb, shout=BIG_OUTPUT), 3),
    "os-exit": (lambda nb: answers(nb, shout=RIGHT_SHOUT, count=EXIT_NOW), 3),
    "detached-process": (lambda nb: answers(nb, shout=DETACHED, count=RIGHT_COUNT), 5),
}


class Listener:
    """A loopback TCP listener that records every connection it gets."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path).encode() + path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    need_sandbox()
    Path("/tmp/ownit-late-marker").unlink(missing_ok=True)
    course = toy_course.build(tmp_path_factory.mktemp("course"))
    release = nbformat.read(course / "exercises" / "toy" / "toy.ipynb", 4)
    subs = tmp_path_factory.mktemp("submitted")
    listener = Listener()
    for case, (build, _) in CASES.items():
        if case == "network-loopback":
            nb = answers(nbformat.from_dict(release), shout=NETWORK.format(port=listener.port))
        else:
            nb = build(nbformat.from_dict(release))
        folder = subs / case / "toy"
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / "toy.ipynb")
    # Two more that never reach a kernel: broken JSON, and one notebook under another name.
    (subs / "invalid-json" / "toy").mkdir(parents=True)
    (subs / "invalid-json" / "toy" / "toy.ipynb").write_text('{"cells": [')
    (subs / "renamed-notebook" / "toy").mkdir(parents=True)
    nbformat.write(answers(nbformat.from_dict(release), shout=RIGHT_SHOUT, count=RIGHT_COUNT),
                   subs / "renamed-notebook" / "toy" / "my work (1).ipynb")
    honest_before = {s: _digest(subs / s) for s in ("honest-full", "honest-half", "honest-blank")}
    source_before = _digest(course / "solutions")
    out = tmp_path_factory.mktemp("out")
    started = time.monotonic()
    run = grade(course, subs, out, workers=2, sandbox=True, limits=LIMITS, quiet=True)
    seconds = time.monotonic() - started
    time.sleep(6)  # give a detached process the time it asked for
    listener.close()
    with open(out / "grades.csv", newline="") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    yield {"course": course, "subs": subs, "out": out, "rows": rows, "run": run,
           "seconds": seconds, "listener": listener, "release": release,
           "honest_before": honest_before, "source_before": source_before}


@pytest.mark.parametrize("case", list(CASES))
def test_each_case_earns_what_it_deserves(hostile_run, case):
    row = hostile_run["rows"][case]
    assert row["status"] == "graded", row["detail"]
    state = json.loads((hostile_run["out"] / "state.json").read_text())[f"{case}/toy"]
    auto = sum(p["score"] for p in state["parts"] if not p["manual"])
    assert auto == CASES[case][1], [(p["id"], p["score"], p["hint"]) for p in state["parts"]]


def test_broken_and_renamed_notebooks(hostile_run):
    rows = hostile_run["rows"]
    assert rows["invalid-json"]["status"] == "error"
    assert "not a valid notebook" in rows["invalid-json"]["detail"]
    assert rows["renamed-notebook"]["status"] == "graded"
    assert rows["renamed-notebook"]["score"] == "5"


def test_honest_students_get_what_plain_nbgrader_gives(hostile_run):
    course, release = hostile_run["course"], hostile_run["release"]
    with TrialCourse(course, "toy") as plain:
        for case in ("honest-full", "honest-half", "honest-blank"):
            nb = CASES[case][0](nbformat.from_dict(release))
            plain.submit(case, {"toy.ipynb": nb})
        plain.autograde_all()
        for case in ("honest-full", "honest-half", "honest-blank"):
            theirs = plain.grades(case)
            auto = sum(s for name, (s, _) in theirs.parts.items() if name != "essay")
            assert float(hostile_run["rows"][case]["score"]) == auto == CASES[case][1]


def test_the_run_ends_in_bounded_time(hostile_run):
    # 25 submissions on 2 workers; the slowest (endless loops) are cut at 2 cell timeouts.
    assert hostile_run["seconds"] < 240, f"grading took {hostile_run['seconds']:.0f} s"


def test_nothing_outside_a_sandbox_changed(hostile_run):
    subs, course = hostile_run["subs"], hostile_run["course"]
    for student, digest in hostile_run["honest_before"].items():
        assert _digest(subs / student) == digest, f"{student}'s submission was changed"
    assert _digest(course / "solutions") == hostile_run["source_before"]
    assert hostile_run["listener"].connections == 0, "a kernel reached the loopback listener"
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for case in CASES:
            essay = gb.find_grade("essay", "toy", "toy", case)
            assert essay.manual_score is None, f"{case}: a manual score appeared"


def test_detached_processes_and_output_do_not_outlive_grading(hostile_run):
    assert not Path("/tmp/ownit-late-marker").exists(), "a detached process acted after grading"
    leftover = subprocess.run(["pgrep", "-f", "ownit-late-marker"], capture_output=True,
                              text=True, check=False).stdout.strip()
    assert leftover == "", "a detached process is still running"
    out, course = hostile_run["out"], hostile_run["course"]
    for path in [*(out / "feedback").rglob("*.html"), *(course / "autograded").rglob("*.ipynb")]:
        assert path.stat().st_size < 3 * 2**20, f"{path.name} holds too much output"
