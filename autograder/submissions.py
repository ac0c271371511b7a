"""Finding submissions: nbgrader's folder layout, or one zip archive per student (LMS download).

``SUBMITTED/<student_id>/<assignment_id>/<notebook>.ipynb`` is read in place. A file
``SUBMITTED/<student_id>.zip`` may hold ``<assignment_id>/<notebook>.ipynb`` (at any depth) or a
lone notebook; it is unpacked into a staging folder, refusing absolute paths, ``..``, links and
archives that unpack to more than the size limit.
"""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}$")


@dataclass(frozen=True)
class Submission:
    student: str
    assignment: str
    folder: Path | None  # None: nothing gradable found (see problem)
    problem: str | None = None


def _valid_student(name: str) -> bool:
    return bool(STUDENT_ID.match(name))


def _unzip(archive: Path, dest: Path) -> str | None:
    """Unpack safely; return a problem in words, or None."""
    try:
        with zipfile.ZipFile(archive) as zf:
            total = 0
            for info in zf.infolist():
                name = info.filename
                mode = info.external_attr >> 16
                if name.startswith(("/", "\\")) or ".." in Path(name).parts or stat.S_ISLNK(mode):
                    return f"{archive.name} holds an unsafe path ({name!r}); nothing was unpacked"
                total += info.file_size
            if total > MAX_UNPACKED_BYTES:
                return (f"{archive.name} unpacks to {total // 2**20} MB, over the "
                        f"{MAX_UNPACKED_BYTES // 2**20} MB limit")
            zf.extractall(dest)
    except (zipfile.BadZipFile, OSError) as exc:
        return f"{archive.name} is not a readable zip archive ({exc})"
    return None


def _from_archive(archive: Path, staging: Path, assignments: list[str]) -> list[Submission]:
    student = archive.stem
    dest = staging / student
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    problem = _unzip(archive, dest)
    if problem:
        return [Submission(student, assignments[0] if len(assignments) == 1 else "?", None,
                           problem)]
    notebooks = [p for p in dest.rglob("*.ipynb")
                 if "__MACOSX" not in p.parts and ".ipynb_checkpoints" not in p.parts]
    found: dict[str, Path] = {}
    for nb in notebooks:
        for aid in assignments:
            if aid in (nb.parent.name, nb.stem):
                found.setdefault(aid, nb.parent)
    if not found and len(notebooks) == 1 and len(assignments) == 1:
        found[assignments[0]] = notebooks[0].parent
    if not found:
        return [Submission(student, assignments[0] if len(assignments) == 1 else "?", None,
                           f"{archive.name} holds no notebook of a known assignment "
                           f"({', '.join(assignments)})")]
    return [Submission(student, aid, folder) for aid, folder in sorted(found.items())]


def discover(submitted: Path, assignments: list[str], staging: Path) -> list[Submission]:
    """Every (student, assignment) submission under ``submitted``, sorted."""
    found: list[Submission] = []
    for entry in sorted(submitted.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix == ".zip":
            if not _valid_student(entry.stem):
                continue
            found += _from_archive(entry, staging, assignments)
        elif entry.is_dir() and _valid_student(entry.name):
            for aid in assignments:
                folder = entry / aid
                if folder.is_dir():
                    found.append(Submission(entry.name, aid, folder))
    return sorted(found, key=lambda s: (s.student, s.assignment))
