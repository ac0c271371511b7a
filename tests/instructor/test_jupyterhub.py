"""A cohort on JupyterHub (issue 15, docs/deploy-jupyterhub.md), run for real on 127.0.0.1.

Once per module: an instructor and two learner accounts made with ``useradd``; the toy course
(tests/toy_course.py) as the instructor's course root (mode 0700 in their home); a learner
environment holding only the learner wheel; nbgrader's exchange; and JupyterHub started from
the repository's ``docs/jupyterhub/jupyterhub_config.py`` with configurable-http-proxy from
npm (package.json). Only the login differs from the guide: a shared password set here instead of
PAM. Everything is stopped, and the accounts removed, when the module ends.

The learner environment is a venv of its own (the wheel installed in it, nothing else), made
from the Python this venv was made from; the wheel's dependencies (jupyterlab, nbgrader, ...)
come from this venv's site-packages through a path file instead of being downloaded again (a
download costs minutes; the guide's ``pip install`` of the wheel fetches them). A path file does
not run this venv's editable install of the repository, so the instructor side is absent there,
which a test checks.

Needs root, useradd, bubblewrap (``ownit grade`` sandboxes as the instructor, an ordinary user),
node and configurable-http-proxy (``npm ci``) and jupyterhub (the ``hub`` extra): skipped
without them, failed in CI.
"""

from __future__ import annotations

import contextlib
import csv
import importlib.metadata
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
import requests
import system_users
import toy_course
from system_users import PYTHON

from autograder.settings import COURSE_ID
from ownit.instructor import exchange_feedback

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "jupyterhub"
WHAT = "the JupyterHub deployment"
ANSWERS = {  # each learner's answers, with a line that marks the page as theirs
    "a": {"shout": "def shout(word):\n    # marker-of-a\n    return word.upper() + '!'",
          "count": "def count(words):\n    return len(words)",
          "essay": "Shouting adds noise when the channel needs calm."},  # graded by hand
    "b": {"shout": "def shout(word):\n    # marker-of-b\n    return word",
          "count": "def count(words):\n    return len(words)"},
}
EXPECTED_SCORE = {"a": 5.0, "b": 2.0}  # of the toy's 5 auto-graded points


def _proxy_bin() -> Path | None:
    local = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists():
        return local.parent
    found = shutil.which("configurable-http-proxy")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cohort:
    """The accounts, folders and environments of the deployment, and the hub's address."""

    def __init__(self, base: Path, instructor, learners: dict):
        self.base, self.instructor, self.learners = base, instructor, learners
        self.exchange = base / "exchange"
        self.config_dir = base / "etc-jupyter"
        self.learner_env = base / "ownit-learner"
        self.state = base / "hub-state"
        self.share = base / "share" / "course"  # the teaching notebooks, published read-only
        self.course = base / "course"  # as the guide's /srv/ownit/course: its own mode guards it
        self.url = ""
        self.password = secrets.token_urlsafe(16)

    @property
    def nbgrader_env(self) -> dict[str, str]:
        return {"OWNIT_EXCHANGE": str(self.exchange), "JUPYTER_CONFIG_PATH": str(self.config_dir)}

    def as_instructor(self, *command, timeout: float = 180) -> subprocess.CompletedProcess:
        ran = self.instructor.run(*command, cwd=self.course, env=self.nbgrader_env,
                                  timeout=timeout)
        assert ran.returncode == 0, f"{command} as the instructor: {ran.stderr[-3000:]}"
        return ran

    def as_learner(self, key: str, *command, check: bool = True) -> subprocess.CompletedProcess:
        user = self.learners[key]
        ran = user.run(*command, cwd=user.home, env=self.nbgrader_env,
                       bin_dir=self.learner_env / "bin")
        if check:
            assert ran.returncode == 0, f"{command} as learner {key}: {ran.stderr[-3000:]}"
        return ran

    def nbgrader_as_learner(self, key: str, *args) -> subprocess.CompletedProcess:
        return self.as_learner(key, self.learner_env / "bin" / "python", "-m", "nbgrader", *args)


def _learner_env(cohort: Cohort) -> None:
    """A venv with the learner wheel only; its dependencies from this venv (see above)."""
    wheels = cohort.base / "wheel"
    built = subprocess.run([PYTHON, "-m", "ownit.instructor.learner_wheel", "--out", wheels],
                           capture_output=True, text=True, timeout=300, check=False, cwd=ROOT)
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = wheels.glob("ownit_learner-*.whl")
    subprocess.run([PYTHON.resolve(), "-m", "venv", "--without-pip", cohort.learner_env],
                   check=True, timeout=120)
    learner_python = cohort.learner_env / "bin" / "python"
    subprocess.run([PYTHON, "-m", "pip", "--python", learner_python, "install", "-q",
                    "--no-deps", "--no-index", wheel], check=True, timeout=120,
                   capture_output=True)
    site = subprocess.run([learner_python, "-c", "import sysconfig; print(sysconfig."
                           "get_paths()['purelib'])"], capture_output=True, text=True,
                          check=True).stdout.strip()
    (Path(site) / "ownit-learner-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n")
    # The dependencies' commands (nbgrader runs `alembic`), as pip would have written them.
    for entry in importlib.metadata.entry_points(group="console_scripts"):
        script = cohort.learner_env / "bin" / entry.name
        if entry.dist is None or entry.dist.name == "ownit" or script.exists():
            continue
        module, _, attr = entry.value.partition(":")
        call = f"from {module} import {attr.split('.')[0]}\nsys.exit({attr}())" if attr else (
            f"import runpy\nrunpy.run_module({module!r}, run_name='__main__')")
        script.write_text(f"#!{learner_python}\nimport sys\n{call}\n")
        script.chmod(0o755)
    # The data files (nbconvert's templates, JupyterLab's extensions) and the server
    # extensions pip would have put and enabled there: JupyterLab's and nbgrader's.
    (cohort.learner_env / "share").mkdir()
    (cohort.learner_env / "share" / "jupyter").symlink_to(Path(sys.prefix) / "share" / "jupyter")
    enabled = Path("etc") / "jupyter" / "jupyter_server_config.d"
    (cohort.learner_env / enabled).mkdir(parents=True)
    for name in ("jupyterlab.json", "nbgrader.json", "jupyter_server_terminals.json"):
        shutil.copy(Path(sys.prefix) / enabled / name, cohort.learner_env / enabled / name)
    subprocess.run(["chmod", "-R", "a+rX", cohort.learner_env], check=True)


def _course(cohort: Cohort) -> None:
    toy_course.build(cohort.course)
    cohort.instructor.give(cohort.course)
    os.chmod(cohort.course, 0o700)
    cohort.config_dir.mkdir(mode=0o755)
    shutil.copy(DEPLOY / "nbgrader_config.py", cohort.config_dir / "nbgrader_config.py")
    os.chmod(cohort.config_dir / "nbgrader_config.py", 0o644)
    cohort.share.mkdir(parents=True)
    (cohort.share / "00_start_here.ipynb").write_text("{}")
    subprocess.run(["chmod", "-R", "a+rX", cohort.base / "share"], check=True)
    cohort.exchange.mkdir()
    # As the guide makes /srv/nbgrader/exchange: the 0777 nbgrader checks for, plus the sticky
    # bit (which its check ignores), so no learner can rename the course's folder in it.
    os.chmod(cohort.exchange, 0o1777)


@contextlib.contextmanager
def _hub(cohort: Cohort):
    """JupyterHub from the repository's config as root; stopped with everything it started."""
    cohort.state.mkdir(mode=0o700)
    port = _free_port()
    cohort.url = f"http://127.0.0.1:{port}"
    env = {
        "PATH": f"{_proxy_bin()}:{PYTHON.parent}:/usr/bin:/bin", "LANG": "C.UTF-8",
        "OWNIT_HUB_STATE": str(cohort.state), "OWNIT_LEARNER_ENV": str(cohort.learner_env),
        "OWNIT_INSTRUCTOR_ENV": sys.prefix, "OWNIT_COURSE_ROOT": str(cohort.course),
        "OWNIT_COURSE_SHARE": str(cohort.share), "OWNIT_HUB_URL": cohort.url,
        "OWNIT_HUB_API_URL": f"http://127.0.0.1:{_free_port()}",
        "OWNIT_PROXY_API_URL": f"http://127.0.0.1:{_free_port()}", **cohort.nbgrader_env,
        # The instructor's own group (useradd made one) is the instructors' group here.
        "OWNIT_INSTRUCTORS_GROUP": cohort.instructor.name,
    }
    users = [cohort.instructor, *cohort.learners.values()]
    allowed = [f"--Authenticator.allowed_users={u.name}" for u in users]
    log = open(cohort.base / "hub.log", "w+b")  # closed in the finally
    hub = subprocess.Popen(
        [PYTHON.parent / "jupyterhub", "-f", DEPLOY / "jupyterhub_config.py",
         "--JupyterHub.authenticator_class=shared-password",
         f"--SharedPasswordAuthenticator.user_password={cohort.password}", *allowed],
        cwd=cohort.state, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert hub.poll() is None, f"the hub stopped: {_tail(log)}"
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{cohort.url}/hub/api", timeout=2).status_code == 200:
                    break
            assert time.monotonic() < deadline, f"the hub did not answer: {_tail(log)}"
            time.sleep(0.5)
        yield hub
    finally:
        _stop(hub, cohort.state / "jupyterhub-proxy.pid")
        log.close()


def _tail(log) -> str:
    log.flush()
    log.seek(0)
    return log.read().decode(errors="replace")[-4000:]


def _stop(hub: subprocess.Popen, proxy_pid_file: Path) -> None:
    proxy_pid = None
    with contextlib.suppress(OSError, ValueError):
        proxy_pid = int(proxy_pid_file.read_text().strip())
    if hub.poll() is None:
        hub.send_signal(signal.SIGTERM)  # the hub stops the servers and the proxy itself
        try:
            hub.wait(timeout=40)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(hub.pid, signal.SIGKILL)
    hub.wait(timeout=10)
    if proxy_pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proxy_pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def cohort():
    system_users.need_tools(WHAT, "bwrap", "node")
    if _proxy_bin() is None:
        system_users.unavailable("configurable-http-proxy is not installed (run `npm ci`)", WHAT)
    if importlib.util.find_spec("jupyterhub") is None:
        system_users.unavailable("jupyterhub is not installed (pip install -e '.[hub]')", WHAT)
    changed = system_users.open_the_way([PYTHON.resolve().parent, Path(sys.prefix), ROOT])
    base = Path(tempfile.mkdtemp(prefix="ownit-hub-"))
    os.chmod(base, 0o711)
    try:
        with contextlib.ExitStack() as stack:
            instructor = stack.enter_context(system_users.system_user("ownit-i"))
            learners = {key: stack.enter_context(system_users.system_user(f"ownit-{key}"))
                        for key in ("a", "b")}
            group = Cohort(base, instructor, learners)
            _learner_env(group)
            _course(group)
            with _hub(group):
                yield group
            # The hub took its servers with it: nothing of theirs outlives it.
            for user in [instructor, *learners.values()]:
                assert _settle(user), f"processes of {user.name} outlived the hub: {user.pids()}"
    finally:
        system_users.restore(changed)
        shutil.rmtree(base, ignore_errors=True)


def _settle(user) -> bool:
    deadline = time.monotonic() + 10
    while user.pids() and time.monotonic() < deadline:
        time.sleep(0.2)
    return not user.pids()


def _login(cohort: Cohort, user) -> requests.Session:
    """Log in through the hub's form, as a browser does (the form's _xsrf token included)."""
    session = requests.Session()
    name = user.name
    session.get(f"{cohort.url}/hub/login", timeout=10).raise_for_status()
    xsrf = session.cookies.get("_xsrf")
    answer = session.post(f"{cohort.url}/hub/login",
                          data={"username": name, "password": cohort.password, "_xsrf": xsrf},
                          allow_redirects=False, timeout=30)
    assert answer.status_code == 302, f"login of {name}: {answer.status_code} {answer.text[:500]}"
    return session


def _api(session: requests.Session, cohort: Cohort, method: str, path: str, **kw):
    # The hub renews its _xsrf cookie at login: send the one it set last.
    xsrf = [cookie.value for cookie in session.cookies if cookie.name == "_xsrf"][-1]
    return session.request(method, f"{cohort.url}/hub/api{path}", timeout=30,
                           headers={"X-XSRFToken": xsrf}, **kw)


def _start_server(cohort: Cohort, user) -> str:
    """Log ``user`` in, start their server through the hub's REST API; a token of theirs."""
    session = _login(cohort, user)
    started = _api(session, cohort, "POST", f"/users/{user.name}/server")
    assert started.status_code in (201, 202), started.text[:500]
    deadline = time.monotonic() + 120
    while True:
        model = _api(session, cohort, "GET", f"/users/{user.name}").json()
        server = model.get("servers", {}).get("")
        if server and server.get("ready"):
            break
        assert time.monotonic() < deadline, f"{user.name}'s server never got ready: {model}"
        time.sleep(0.5)
    made = _api(session, cohort, "POST", f"/users/{user.name}/tokens",
                json={"note": "test", "expires_in": 900})
    assert made.status_code == 201, made.text[:500]
    return made.json()["token"]


@pytest.fixture(scope="module")
def servers(cohort):
    """Each learner logged in, their server started, and a token of theirs."""
    return {key: _start_server(cohort, user) for key, user in cohort.learners.items()}


def _server_process(user) -> int:
    for pid in user.pids():
        with contextlib.suppress(OSError):
            if b"jupyterhub.singleuser" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
    raise AssertionError(f"no single-user server runs as {user.name}")


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


@pytest.mark.slow
def test_each_learner_has_their_own_server_progress_file_and_learner_environment(cohort,
                                                                                 servers):
    for key, user in cohort.learners.items():
        other = cohort.learners["b" if key == "a" else "a"]
        auth = {"Authorization": f"token {servers[key]}"}
        own = requests.get(f"{cohort.url}/user/{user.name}/api/status", headers=auth, timeout=10)
        assert own.status_code == 200, own.text[:500]
        lab = requests.get(f"{cohort.url}/user/{user.name}/lab", headers=auth, timeout=30)
        assert lab.status_code == 200 and "JupyterLab" in lab.text, lab.status_code
        theirs = requests.get(f"{cohort.url}/user/{other.name}/api/contents", headers=auth,
                              timeout=10, allow_redirects=False)
        assert theirs.status_code in (302, 403), (key, theirs.status_code)
        pid = _server_process(user)
        env = _environ(pid)
        assert Path(f"/proc/{pid}").stat().st_uid == user.uid
        assert env["HOME"] == str(user.home)
        assert env["OWNIT_PROGRESS"].startswith(f"{user.home}/")
        assert Path(os.readlink(f"/proc/{pid}/exe")).resolve() == (
            cohort.learner_env / "bin" / "python").resolve()
        assert Path(f"/proc/{pid}/cmdline").read_bytes().startswith(
            str(cohort.learner_env / "bin" / "python").encode())
        # The first start gave the learner a folder for assignments and the teaching notebooks.
        copy = user.home / "course" / "00_start_here.ipynb"
        assert copy.is_file() and copy.stat().st_uid == user.uid
        assert (user.home / "exercises").is_dir()
        # The learner's environment: the check and the grading core, not the instructor side.
        py = cohort.learner_env / "bin" / "python"
        ran = cohort.as_learner(key, py, "-c", "import ownit.check, autograder.expect, "
                                "ownit.paths as p; print(p.__file__)")
        assert ran.stdout.strip().startswith(str(cohort.learner_env)), ran.stdout
        refused = cohort.as_learner(key, py, "-c", "import ownit.instructor", check=False)
        assert refused.returncode != 0 and "No module named 'ownit.instructor'" in refused.stderr
    assert stat_mode(cohort.learners["a"].home) == 0o700


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o7777


def _assignments(cohort: Cohort, user, token: str, action: str = "") -> dict:
    """The server's Assignments tab (nbgrader's assignment_list extension), as the Lab calls it."""
    url = f"{cohort.url}/user/{user.name}/assignments" + (f"/{action}" if action else "")
    query = {"course_id": COURSE_ID, **({"assignment_id": "toy"} if action else {})}
    answer = requests.request("POST" if action else "GET", url, params=query, timeout=60,
                              headers={"Authorization": f"token {token}"})
    assert answer.status_code == 200, answer.text[:500]
    listed = answer.json()
    assert listed["success"], listed
    return {item["assignment_id"]: item["status"] for item in listed["value"]}


@pytest.fixture(scope="module")
def round_trip(cohort, servers):
    """release; fetch and submit as each learner (A through the Assignments tab of their
    server, B on the command line); collect, ownit grade, feedback both ways."""
    cohort.as_instructor(PYTHON, "-m", "nbgrader", "release_assignment", "toy")
    a = cohort.learners["a"]
    listed = {"released": _assignments(cohort, a, servers["a"])}
    checked = {}
    for key, user in cohort.learners.items():
        if key == "a":
            listed["fetched"] = _assignments(cohort, user, servers[key], "fetch")
        else:
            cohort.nbgrader_as_learner(key, "fetch_assignment", "toy")
        notebook = user.home / "exercises" / "toy" / "toy.ipynb"
        nb = toy_course.with_answers(nbformat.read(notebook, as_version=4), **ANSWERS[key])
        nbformat.write(nb, notebook)
        user.give(notebook)
        # The learner checks their work first, with the learner package's own `ownit check`.
        ran = cohort.as_learner(key, cohort.learner_env / "bin" / "ownit", "check", "--json",
                                notebook, check=False)
        assert ran.returncode in (0, 1), ran.stderr[-3000:]  # 1: a part failed
        checked[key] = json.loads(ran.stdout)
        if key == "a":
            listed["submitted"] = _assignments(cohort, user, servers[key], "submit")
        else:
            cohort.nbgrader_as_learner(key, "submit", "toy")
    cohort.as_instructor(PYTHON, "-m", "nbgrader", "collect", "toy")
    cohort.as_instructor(PYTHON.parent / "ownit", "grade", "submitted", "--out", "grading",
                         timeout=300)
    staged = cohort.as_instructor(PYTHON, "-m", "ownit.instructor.exchange_feedback", "grading")
    cohort.as_instructor(PYTHON, "-m", "nbgrader", "release_feedback", "toy")
    for key in cohort.learners:
        cohort.nbgrader_as_learner(key, "fetch_feedback", "toy")
    return {"staged": staged.stdout, "checked": checked, "listed": listed}


@pytest.mark.slow
def test_the_exchange_round_trip_grades_each_learner_and_returns_their_own_feedback(
        cohort, round_trip):
    course = cohort.course
    for user in cohort.learners.values():
        assert (course / "submitted" / user.name / "toy" / "toy.ipynb").is_file()
    with open(course / "grading" / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    for key, user in cohort.learners.items():
        row = rows[user.name]
        assert (row["status"], float(row["score"])) == ("graded", EXPECTED_SCORE[key]), row
    assert "2 feedback page(s)" in round_trip["staged"]
    # Before submitting, each learner's check ran the visible test only (no solutions/ there).
    visible = {key: (c["score"], c["max_score"]) for key, c in round_trip["checked"].items()}
    assert visible == {"a": (1, 1), "b": (0, 1)}, round_trip["checked"]
    # Learner A's Assignments tab saw the release, then their fetch, then their submission.
    assert round_trip["listed"] == {"released": {"toy": "released"},
                                    "fetched": {"toy": "fetched"},
                                    "submitted": {"toy": "submitted"}}, round_trip["listed"]
    for key, user in cohort.learners.items():
        pages = list((user.home / "exercises" / "toy" / "feedback").glob("*/toy.html"))
        assert len(pages) == 1, pages
        page = pages[0].read_text(encoding="utf-8")
        other = "b" if key == "a" else "a"
        assert f"marker-of-{key}" in page and f"marker-of-{other}" not in page, (
            f"learner {key} fetched a page that is not theirs")
        assert toy_course.SECRET not in page and "HIDDEN TESTS" not in page


@pytest.mark.slow
def test_a_learner_cannot_read_solutions_the_gradebook_or_another_learners_work(
        cohort, round_trip):
    a, b = cohort.learners["a"], cohort.learners["b"]
    course = cohort.course
    inbound = cohort.exchange / COURSE_ID / "inbound"
    forbidden = [
        course / "solutions" / "toy" / "toy.ipynb",
        course / "gradebook.db",
        course / "submitted" / b.name / "toy" / "toy.ipynb",
        course / "grading" / "grades.csv",
        b.home / "exercises" / "toy" / "toy.ipynb",
        next((b.home / "exercises" / "toy" / "feedback").glob("*/toy.html")),
    ]
    for path in forbidden:
        assert path.is_file(), path  # it exists: the refusal below is about permissions
        ran = cohort.as_learner("a", "cat", path, check=False)
        assert ran.returncode != 0 and "Permission denied" in ran.stderr, (path, ran.stdout[:200])
    for folder in (course, b.home, inbound, cohort.exchange / COURSE_ID / "feedback"):
        ran = cohort.as_learner("a", "ls", folder, check=False)
        assert ran.returncode != 0 and "Permission denied" in ran.stderr, folder
    assert stat_mode(course) == 0o700 and stat_mode(inbound) == 0o2733
    assert stat_mode(cohort.exchange) == 0o1777  # nbgrader's release left the sticky bit alone
    moved = cohort.as_learner("a", "mv", cohort.exchange / COURSE_ID, cohort.exchange / "x",
                              check=False)
    assert moved.returncode != 0, "a learner could rename the course's exchange folder"
    # What is meant to be shared is readable: the released exercise.
    released = cohort.exchange / COURSE_ID / "outbound" / "toy" / "toy.ipynb"
    assert cohort.as_learner("a", "cat", released).stdout.startswith("{")
    assert a.home != b.home


def test_staging_feedback_leaves_out_a_submission_that_did_not_come_through_the_exchange(
        tmp_path):
    root, out = tmp_path / "course", tmp_path / "out"
    page = out / "feedback" / "kim" / "toy" / "toy.html"
    page.parent.mkdir(parents=True)
    page.write_text("<p>feedback</p>")
    (root / "submitted" / "kim" / "toy").mkdir(parents=True)
    (root / "submitted" / "kim" / "toy" / "timestamp.txt").write_text("2026-01-01 00:00:00")
    staged = exchange_feedback.stage(out, root)
    assert staged.copied == [] and "submission_secret.txt" in staged.skipped[0]
    (root / "submitted" / "kim" / "toy" / "submission_secret.txt").write_text("s3cret")
    staged = exchange_feedback.stage(out, root)
    target = root / "feedback" / "kim" / "toy"
    assert staged.copied == [target / "toy.html"]
    assert (target / "submission_secret.txt").read_text() == "s3cret"
    assert (target / "timestamp.txt").is_file()
    with pytest.raises(FileNotFoundError, match="ownit grade"):
        exchange_feedback.stage(tmp_path / "nowhere", root)


def _formgrader(cohort: Cohort, user, token: str, method: str, path: str, **kw):
    return requests.request(method, f"{cohort.url}/user/{user.name}/formgrader/api{path}",
                            headers={"Authorization": f"token {token}"}, timeout=60,
                            allow_redirects=False, **kw)


@pytest.mark.slow
def test_the_instructor_grades_by_hand_in_formgrader_and_ownit_grade_counts_it(
        cohort, servers, round_trip):
    instructor = cohort.instructor
    token = _start_server(cohort, instructor)
    pid = _server_process(instructor)
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    assert cmdline[0].startswith(str(PYTHON.parent).encode()), cmdline  # the full install
    assert _environ(pid)["JUPYTERHUB_ROOT_DIR"] == str(cohort.course)  # it opens the course
    assert Path(f"/proc/{pid}/cwd").resolve() == cohort.course.resolve()
    # formgrader sees what `ownit grade` put in the course's gradebook
    listed = _formgrader(cohort, instructor, token, "GET", "/submitted_notebooks/toy/toy")
    assert listed.status_code == 200 and listed.text.startswith("["), listed.text[-1000:]
    notebooks = {nb["student"]: nb for nb in listed.json()}
    assert set(notebooks) == {u.name for u in cohort.learners.values()}
    a = cohort.learners["a"]
    assert notebooks[a.name]["needs_manual_grade"]
    grades = _formgrader(cohort, instructor, token, "GET", "/grades",
                         params={"submission_id": notebooks[a.name]["id"]}).json()
    essay = next(g for g in grades if g["name"] == "essay")
    graded = _formgrader(cohort, instructor, token, "PUT", f"/grade/{essay['id']}",
                         json={"manual_score": 3})
    assert graded.status_code == 200, graded.text[:500]
    # a learner's server has no formgrader, and the instructor's is not the learners'
    learner_try = _formgrader(cohort, a, servers["a"], "GET", "/assignments")
    assert learner_try.status_code == 404, learner_try.status_code
    other = requests.get(f"{cohort.url}/user/{instructor.name}/api/contents",
                         headers={"Authorization": f"token {servers['a']}"}, timeout=10,
                         allow_redirects=False)
    assert other.status_code in (302, 403), other.status_code
    # `ownit grade` again: the hand-graded points are in grades.csv
    cohort.as_instructor(PYTHON.parent / "ownit", "grade", "submitted", "--out", "grading",
                         timeout=300)
    with open(cohort.course / "grading" / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert float(rows[a.name]["score"]) == EXPECTED_SCORE["a"] + 3, rows[a.name]
