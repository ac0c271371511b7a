"""Files in OUT written so that a run killed at any moment leaves only whole results behind."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

TMP_SUFFIX = ".ownit-tmp"
WORK_FOLDER = ".work"  # OUT/.work: staging, scratch courses and unpacked downloads of one run


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temporary name beside ``path``, then rename: readers see old or new, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data.encode() if isinstance(data, str) else data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def clean_leftovers(out: Path) -> None:
    """A run killed mid-write leaves temporary files behind; they are never results."""
    for tmp in out.rglob(f"*{TMP_SUFFIX}"):
        tmp.unlink(missing_ok=True)
    shutil.rmtree(out / WORK_FOLDER, ignore_errors=True)
