"""``ownit start``: JupyterLab on the course, bound to the loopback interface by default."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

START_NOTEBOOK = "course/00_start_here.ipynb"

# What a learner does not need to see in the file browser: spoilers (solutions/) and the
# machinery. ``ownit start --all-files`` shows everything, e.g. for an instructor.
LEARNER_HIDDEN = [
    "__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info", "build",
    "solutions", "autograder", "ownit", "tests", "benchmarks",
    "nbgrader_config.py", "pyproject.toml", "Makefile", "gradebook.db",
    "submitted", "autograded", "feedback",
]


class PortInUse(RuntimeError):
    pass


def first_page(root: Path) -> str:
    """The start notebook; in a learner's copy without ``course/``, the exercises folder."""
    if (root / START_NOTEBOOK).is_file() or not (root / "exercises").is_dir():
        return START_NOTEBOOK
    return "exercises"


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def lab_command(
    root: Path, *, port: int, host: str = "127.0.0.1", browser: bool = True,
    all_files: bool = False, token: str | None = None,
) -> list[str]:
    """The JupyterLab command line that ``ownit start`` runs."""
    args = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.ip={host}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url=/lab/tree/{first_page(root)}",
        f"--ServerApp.open_browser={browser}",
    ]
    if token is not None:
        args.append(f"--IdentityProvider.token={token}")
    if not all_files:
        globs = ",".join(f'"{g}"' for g in LEARNER_HIDDEN)
        args.append(f"--ContentsManager.hide_globs=[{globs}]")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Jupyter refuses to run as root without it (containers and CI machines run as root).
        args.append("--allow-root")
    return args


def start(root: Path, *, port: int, host: str = "127.0.0.1", browser: bool = True,
          all_files: bool = False) -> None:
    """Replace this process with JupyterLab, so that signals reach the server directly."""
    if not port_is_free(host, port):
        raise PortInUse(
            f"Port {port} on {host} is already in use (another JupyterLab?). "
            f"Stop it, or pick another port: ownit start --port {port + 1}"
        )
    args = lab_command(root, port=port, host=host, browser=browser, all_files=all_files)
    os.execv(args[0], args)
