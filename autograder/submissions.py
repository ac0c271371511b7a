"""Finding submissions: nbgrader's folder layout, one zip archive per student, or a Canvas or
Moodle download as it comes (:mod:`autograder.lms`).

``SUBMITTED/<student_id>/<assignment_id>/<notebook>.ipynb`` is read in place. A file
``SUBMITTED/<student_id>.zip`` may hold ``<assignment_id>/<notebook>.ipynb`` (at any depth) or a
lone notebook; it is unpacked into a staging folder, refusing absolute paths, ``..``, links and
archives that unpack to more than the size limit.
"""

from __future__ import annotations

import shutil
import stat
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ID_BYTES = 200
IGNORED = ("__MACOSX",)  # folders archivers add; never a student


@dataclass(frozen=True)
class Submission:
    student: str
    assignment: str
    folder: Path | None  # None: nothing gradable found (see problem)
    problem: str | None = None
    origin: str = ""  # where it was found, in words, for the instructor
    timestamp: str | None = None  # nbgrader's timestamp.txt, when the submission has one
    note: str | None = None  # what the row's detail should add (an LMS's late marker, say)


def id_problem(name: str) -> str | None:
    """Why ``name`` cannot be a student id (it names folders of the course), or None.

    Any letters are fine (``josé``, ``John Smith``, ``_ta``); what could not be one folder name,
    or could be mistaken for a path, is refused with a row that says so.
    """
    if name in ("", ".", "..") or "/" in name or "\\" in name:
        return "it is not a usable folder name"
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        return "it holds control or invisible characters"
    if name != name.strip():
        return "it starts or ends with a space"
    if len(name.encode("utf-8")) > MAX_ID_BYTES:
        return f"it is longer than {MAX_ID_BYTES} bytes"
    return None


def shown_id(name: str) -> str:
    """A refused id as a row can show it: escapes for what is not printable."""
    return name.encode("unicode_escape").decode("ascii")[:MAX_ID_BYTES]


def _timestamp(folder: Path) -> str | None:
    try:
        return (folder / "timestamp.txt").read_text(encoding="utf-8", errors="replace").strip()[:64]
    except OSError:
        return None


def unzip(archive: Path, dest: Path) -> str | None:
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


def _from_archive(archive: Path, dest: Path, student: str,
                  assignments: list[str]) -> list[Submission]:
    origin = f"the archive {archive.name}"
    one = assignments[0] if len(assignments) == 1 else "?"
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    problem = unzip(archive, dest)
    if problem:
        return [Submission(student, one, None, problem, origin)]
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
        return [Submission(student, one, None,
                           f"{archive.name} holds no notebook of a known assignment "
                           f"({', '.join(assignments)})", origin)]
    return [Submission(student, aid, folder, None, origin, _timestamp(folder))
            for aid, folder in sorted(found.items())]


def _from_lms(submitted: Path, label: str, assignments: list[str], staging: Path,
              roster: dict[str, str]) -> list[Submission]:
    from autograder import lms

    found = []
    for entry in lms.stage(submitted, label, assignments, staging, roster):
        problem = entry.get("problem") or id_problem(entry["student"])
        if entry.get("problem") is None and problem:
            problem = f"{entry['student']!a} cannot be a student id: {problem}"
        found.append(Submission(entry["student"] if not problem else shown_id(entry["student"]),
                                entry["assignment"], None if problem else entry["folder"],
                                problem, f"the {label.title()} download",
                                note=entry.get("note")))
    return sorted(found, key=lambda s: (s.student, s.assignment))


def discover(submitted: Path, assignments: list[str], staging: Path,
             roster: dict[str, str] | None = None) -> list[Submission]:
    """Every (student, assignment) submission under ``submitted``, sorted.

    Every entry that could be a submission ends as one: a folder or an archive per student, or,
    for anything else (a stray file, an id that cannot be a folder name, a folder holding no
    assignment), a Submission with its problem. Archives unpack into numbered staging folders:
    no staging path is ever built from an id, so no id can reach another student's files.
    """
    from autograder import lms

    label = lms.kind(submitted)
    if label is not None:
        return _from_lms(submitted, label, assignments, staging, roster or {})
    found: list[Submission] = []
    one = assignments[0] if len(assignments) == 1 else "?"
    for number, entry in enumerate(sorted(submitted.iterdir())):
        if entry.name.startswith(".") or entry.name in IGNORED:
            continue
        name = entry.stem if entry.is_file() and entry.suffix.lower() == ".zip" else entry.name
        student = unicodedata.normalize("NFC", name)
        problem = id_problem(student)
        if problem:
            found.append(Submission(shown_id(student), one, None,
                                    f"{entry.name!a} cannot be a student id: {problem}; rename it "
                                    "and grade again", entry.name))
            continue
        if entry.is_file() and entry.suffix.lower() == ".zip":
            found += _from_archive(entry, staging / f"zip-{number}", student, assignments)
        elif entry.is_dir():
            here = [Submission(student, aid, entry / aid, None, f"the folder {entry.name}/{aid}",
                               _timestamp(entry / aid))
                    for aid in assignments if (entry / aid).is_dir()]
            if not here and any(entry.glob("*.ipynb")):
                here = [Submission(student, one, None,
                                   f"{entry.name}/ holds notebooks but no folder named after an "
                                   f"assignment ({', '.join(assignments)})", entry.name)]
            found += here
        else:
            found.append(Submission(student, one, None,
                                    f"{entry.name} is not a submission: expected a folder "
                                    "<student>/<assignment>/ or an archive <student>.zip",
                                    entry.name))
    return sorted(found, key=lambda s: (s.student, s.assignment))
