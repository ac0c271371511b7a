"""System accounts made for a test (``useradd``), commands run as them (``runuser``), and the way
to this venv's python opened to them for the test's duration.

Shared by the sandbox-as-an-ordinary-user tests (tests/autograder/test_sandbox_unprivileged.py)
and the JupyterHub deployment test (tests/instructor/test_jupyterhub.py). Needs root; a test
that needs it skips with the reason on a laptop and fails in CI (``CI=true``).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PYTHON = Path(sys.executable)  # the venv's python: test users run the same environment


def unavailable(reason: str, what: str) -> None:
    """Skip with ``reason``, or fail in CI, where ``what`` must be tested."""
    import pytest

    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must test {what}: {reason}")
    pytest.skip(reason)


def need_tools(what: str, *tools: str) -> None:
    if os.geteuid() != 0:
        unavailable("making a test user needs root", what)
    for tool in ("useradd", "userdel", "runuser", *tools):
        if shutil.which(tool) is None:
            unavailable(f"{tool} is not installed", what)


def open_the_way(paths: list[Path]) -> list[tuple[Path, int]]:
    """Make every folder on the way to ``paths`` traversable by others (o+x, never o+r).

    The venv's python may live under a home folder of mode 700 (here: Python is installed
    under root's home). The alternative, a venv for the test user built from Debian's python
    with ``pip install`` of the worktree, costs minutes of downloads per session; so a test opens
    the way for its own duration only and :func:`restore` puts every mode back.
    """
    changed = []
    for path in paths:
        for folder in [path, *path.parents]:
            if not folder.is_dir():
                continue
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH:
                os.chmod(folder, stat.S_IMODE(mode) | stat.S_IXOTH)
                changed.append((folder, stat.S_IMODE(mode)))
    return changed


def restore(changed: list[tuple[Path, int]]) -> None:
    for folder, mode in reversed(changed):
        os.chmod(folder, mode)


class SystemUser:
    def __init__(self, name: str, home: Path):
        self.name, self.home = name, home
        self.uid = int(subprocess.run(["id", "-u", name], capture_output=True, text=True,
                                      check=True).stdout)

    def run(self, *command: str | Path, timeout: float = 120, env: dict[str, str] | None = None,
            cwd: Path | None = None, bin_dir: Path = PYTHON.parent) -> subprocess.CompletedProcess:
        """``command`` as this user, with a clean environment (``bin_dir`` first on PATH)."""
        clean = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(self.home),
                 "LANG": "C.UTF-8", "CI": os.environ.get("CI", ""), **(env or {})}
        return subprocess.run(
            ["runuser", "-u", self.name, "--", "env", "-i",
             *(f"{k}={v}" for k, v in clean.items()), *map(str, command)],
            capture_output=True, text=True, timeout=timeout, check=False, cwd=cwd)

    def folder(self, name: str) -> Path:
        path = self.home / name
        path.mkdir()
        shutil.chown(path, self.name, self.name)
        return path

    def give(self, path: Path) -> None:
        """Hand ``path`` (made by root) to this user."""
        subprocess.run(["chown", "-R", f"{self.name}:{self.name}", str(path)], check=True)

    def pids(self) -> list[int]:
        """Every process running as this user now."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if entry.stat().st_uid == self.uid:
                    found.append(int(entry.name))
            except OSError:
                continue
        return found

    def end_processes(self) -> None:
        """Stop whatever still runs as this user (by process id), before the account goes."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            deadline = time.monotonic() + 5
            while self.pids() and time.monotonic() < deadline:
                time.sleep(0.1)


@contextlib.contextmanager
def system_user(prefix: str) -> Iterator[SystemUser]:
    """A new account ``<prefix><6 hex>`` whose home is a fresh folder of mode 0700 (its
    passwd entry says so), removed with every process it left when the block ends."""
    name = f"{prefix}{secrets.token_hex(3)}"
    home = Path(tempfile.mkdtemp(prefix=f"{name}-home-"))
    subprocess.run(["useradd", "--no-create-home", "--home-dir", str(home),
                    "--shell", "/usr/sbin/nologin", name], check=True, capture_output=True)
    user = None
    try:
        shutil.chown(home, name, name)
        user = SystemUser(name, home)
        yield user
    finally:
        if user is not None:
            user.end_processes()
        shutil.rmtree(home, ignore_errors=True)
        subprocess.run(["userdel", name], check=False, capture_output=True)
