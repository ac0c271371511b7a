"""Real-browser fixtures: Debian's Chromium driven by Playwright, and servers on 127.0.0.1.

Never ``playwright install``: the tests launch /usr/bin/chromium. Every request that leaves the
loopback interface is aborted. Each server runs in its own process group on a free port with a
temporary course root, and is stopped (the whole group) when its test ends, pass or fail.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and quiet: without the background-networking flags Chromium keeps dialling out to
# hosts this machine cannot reach.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SERVER_START_TIMEOUT = 45
# axe-core, installed by `npm ci` from package.json (never committed): the accessibility audit.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa"]
AXE_IMPACTS = {"serious", "critical"}


def _need_chromium() -> None:
    missing = None
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is missing (pip install -e '.[test]')"
    if missing is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {missing}")
    pytest.skip(f"browser tests need a browser: {missing}")


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script (``audit`` injects it): a test that audits asks for this fixture, which
    skips on a laptop without ``npm ci`` and fails in CI, as the browser fixture does."""
    if not AXE.exists():
        missing = f"{AXE.relative_to(ROOT)} is missing (npm ci in the repository root)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"accessibility audits cannot run in CI: {missing}")
        pytest.skip(f"accessibility audits need axe-core: {missing}")
    return _axe_script()


@functools.cache
def _axe_script() -> str:
    return AXE.read_text(encoding="utf-8")


def audit(page, context: str | None = None) -> list[dict]:
    """Run axe-core on ``page`` (or only on the elements the CSS selector ``context`` matches)
    against WCAG 2 A and AA, and return its serious and critical violations.

    The script goes in with Playwright's ``add_script_tag`` (a <script> element in the page), so
    a page whose Content-Security-Policy forbids inline scripts refuses it: audit a copy of such
    a page without its CSP meta."""
    from playwright.sync_api import Error

    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        try:
            page.add_script_tag(content=_axe_script())
        except Error as exc:  # Playwright says why: a CSP names the directive that refused it
            raise RuntimeError(f"axe-core could not be injected: {exc.message}") from exc
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        raise RuntimeError("axe-core did not load into the page")
    if context is not None and page.locator(context).count() == 0:
        raise AssertionError(f"nothing to audit: no element matches {context!r}")
    result = page.evaluate(
        """([context, tags]) => axe.run(context === null ? document : context,
                                        {runOnly: {type: "tag", values: tags}, resultTypes:
                                         ["violations"]})""",
        [context, AXE_TAGS])
    return [v for v in result["violations"] if v.get("impact") in AXE_IMPACTS]


def describe(violations: list[dict]) -> str:
    """The violations as lines a person can act on: rule, impact, the first few elements."""
    lines = []
    for v in violations:
        targets = ", ".join(str(n["target"]) for n in v["nodes"][:3])
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} elements): {v['help']}"
                     f" -> {targets}")
    return "\n".join(lines) or "none"


@pytest.fixture(scope="session")
def browser():
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                      headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})

    def only_loopback(route):
        if urlparse(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_loopback)
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def course_copy(tmp_path) -> Path:
    """A throw-away course root: the notebooks a test opens, with the data they load."""
    root = tmp_path / "course-root"
    (root / "course").mkdir(parents=True)
    (root / "nbgrader_config.py").write_text("# a course root for browser tests\n")
    for name in ("00_start_here.ipynb", "incident_drill.ipynb", "workshop_quizzes.ipynb"):
        shutil.copy2(ROOT / "course" / name, root / "course" / name)
    for folder in ("quizzes", "drills"):
        shutil.copytree(ROOT / "course" / folder, root / "course" / folder)
    return root


def server_env(root: Path, home: Path) -> dict[str, str]:
    """An environment that keeps Jupyter's settings, runtime files and progress out of $HOME."""
    env = dict(os.environ)
    env.update({
        "OWNIT_ROOT": str(root),
        "OWNIT_PROGRESS": str(home / "progress.json"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "lab-workspaces"),
        "XDG_CACHE_HOME": str(home / "cache"),  # where ownit workshop stages its notebooks
        "MPLBACKEND": "Agg",
    })
    return env


@contextlib.contextmanager
def running(args: list[str], *, env: dict[str, str], cwd: Path, ready_url: str, log: Path):
    """Start a server in its own process group, wait until ``ready_url`` answers, and always
    stop the whole group afterwards."""
    with log.open("wb") as out:
        proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(ready_url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not ready in {SERVER_START_TIMEOUT} s:\n"
                                   f"{log.read_text()}")
            time.sleep(0.25)
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # servers shut their kernels down on SIGTERM
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def write_lab_settings(settings_dir: Path) -> None:
    """No news toast over the notebook, no autosave writing into the copy mid-test."""
    files = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    }
    for name, settings in files.items():
        path = settings_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
