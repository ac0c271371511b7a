"""The sandbox's folder on the host (sockets, the data seed), named so its owner finds what a
crash left behind."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from autograder.sandbox import cgroups


def box_tag(owner: Path) -> str:
    """A short tag naming the sandboxes made for ``owner`` (a worker's scratch folder)."""
    return hashlib.sha256(str(owner).encode()).hexdigest()[:8]


def remove_leftovers(tag: str) -> None:
    """Remove every sandbox tagged ``tag`` whose kernel manager did not (a crash of the grading
    process, a path of jupyter_client that skipped cleanup): folder and control group share a
    name, so both are found."""
    for box in Path(tempfile.gettempdir()).glob(f"ownit-box-{tag}-*"):
        cgroups.named(box.name).remove()
        shutil.rmtree(box, ignore_errors=True)
