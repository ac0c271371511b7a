"""What of the course's own code a sandboxed kernel may import, and the bubblewrap arguments
that show it exactly that."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from autograder.import_view import KERNEL_VISIBLE


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    return Path(spec.origin).resolve().parent


def parent_dirs(paths: list[Path]) -> list[str]:
    """bubblewrap makes missing parent folders mode 0700; make them 0755 first."""
    args, seen = [], set()
    for path in paths:
        for parent in reversed(path.parents):
            if str(parent) in ("/", "/usr", "/etc") or parent in seen:
                continue
            seen.add(parent)
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


def course_view() -> list[str]:
    """Each course package as an empty read-only folder holding only its visible files."""
    args = []
    for package, files in KERNEL_VISIBLE.items():
        folder = package_dir(package)
        args += parent_dirs([folder]) + ["--perms", "0755", "--tmpfs", str(folder)]
        for name in files:
            args += ["--ro-bind", str(folder / name), str(folder / name)]
    return args
