"""``ownit workshop``: the drill and the workshop quizzes as Voila pages, for a projector or teams.

Voila runs each notebook and shows only its outputs (no code), on the loopback interface by
default. Only the workshop notebooks are listed: Voila 0.5 ignores the contents manager's
``hide_globs``, so the server's root is a folder of fresh copies of just those notebooks (the
kernels find the quiz banks and drill scenarios through ``OWNIT_ROOT``).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import platformdirs

from ownit.learner.start import PortInUse, port_is_free

DEFAULT_PORT = 8866  # Voila's own default, so it never collides with JupyterLab's 8888
WORKSHOP_NOTEBOOKS = ("incident_drill.ipynb", "workshop_quizzes.ipynb")


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def stage(root: Path, folder: Path | None = None) -> Path:
    """Copy the workshop notebooks into a folder of their own (refreshed at every start)."""
    folder = folder or Path(platformdirs.user_cache_dir("ownit")) / "workshop"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in WORKSHOP_NOTEBOOKS:
        shutil.copy2(root / "course" / name, folder / name)
    return folder


def voila_command(folder: Path, *, port: int, host: str = "127.0.0.1",
                  browser: bool = True) -> list[str]:
    """The Voila command line that ``ownit workshop`` runs on the staged ``folder``."""
    return [
        sys.executable, "-m", "voila", str(folder),
        f"--Voila.ip={host}",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",  # the address printed must be the one served
        # Both are Voila's defaults today; pinned because a projector must never show code or
        # a traceback full of file paths.
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--Voila.open_browser={browser}",
    ]


def start(root: Path, *, port: int = DEFAULT_PORT, host: str = "127.0.0.1",
          browser: bool = True) -> None:
    """Replace this process with Voila, so that Ctrl-C and signals reach the server directly."""
    if not port_is_free(host, port):
        raise PortInUse(f"Port {port} on {host} is already in use (another workshop?). Stop it, "
                        f"or pick another port: ownit workshop --port {port + 1}")
    if browser and _running_as_root():
        # Voila itself runs as root without complaint, but browsers refuse to start as root
        # (Chromium wants --no-sandbox), so print the address instead of failing to open it.
        print("ownit workshop: running as root, so no browser is opened; open "
              f"http://{host}:{port}/ yourself.", file=sys.stderr)
        browser = False
    args = voila_command(stage(root), port=port, host=host, browser=browser)
    os.environ["OWNIT_ROOT"] = str(root)  # kernels find the quiz banks and scenarios from here
    print(f"ownit workshop: serving {', '.join(WORKSHOP_NOTEBOOKS)} on http://{host}:{port}/ "
          "(Ctrl-C to stop).", file=sys.stderr, flush=True)
    os.execv(args[0], args)
