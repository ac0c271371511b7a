"""Finding submissions: nbgrader's folder layout, one zip archive per student, or a Canvas or
Moodle download as it comes (:mod:`ownit.instructor.grade.lms`).

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

from autograder.settings import Limits

MAX_ID_BYTES = 200


@dataclass(frozen=True)
class Submission:
    student: str
    assignment: str
    folder: Path | None  # None: nothing gradable found (see problem)
    problem: str | None = None
    origin: str = ""  # where it was found, in words, for the instructor
    timestamp: str | None = None  # nbgrader's timestamp.txt, when the submission has one
    note: str | None = None  # what the row's detail should add (an LMS's late marker, say)


ID_PUNCTUATION = set(" ._-@+")
# What archivers and operating systems leave beside submissions; anything else gets a row.
JUNK = {".DS_Store", "Thumbs.db", "desktop.ini", ".ipynb_checkpoints", "__MACOSX", ".git"}
ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


def id_problem(name: str) -> str | None:
    """Why ``name`` cannot be a student id, or None.

    An id names folders of the course and is shown by nbgrader's formgrader, which does not
    escape it (in HTML and inside a script). So an id is letters of any script, digits, spaces
    inside, and ``. _ - @ +`` (``josé``, ``John Smith``, ``_ta``, ``a.b+c@uni.edu``); anything
    else (markup, quotes, glob characters, control characters) is refused with a row that says
    so, and never reaches the gradebook.
    """
    if name in ("", ".", ".."):
        return "it is not a usable folder name"
    odd = sorted({ch for ch in name if not (unicodedata.category(ch)[0] in "LMN"
                                            or ch in ID_PUNCTUATION)})
    if odd:
        shown = " ".join(ch if ch.isprintable() else repr(ch) for ch in odd[:8])
        return (f"it holds characters an id cannot have ({shown}): use letters, digits, "
                "spaces and . _ - @ +")
    if name != name.strip():
        return "it starts or ends with a space"
    if name.startswith("."):
        return "it starts with a dot (a hidden folder, which nbgrader skips)"
    if len(name.encode("utf-8")) > MAX_ID_BYTES:
        return f"it is longer than {MAX_ID_BYTES} bytes"
    return None


def shown_id(name: str) -> str:
    """A refused id as a row can show it: escapes for what is not printable, and a long one cut
    with a digest of the whole, so two refused ids never become one row."""
    import hashlib

    shown = name.encode("unicode_escape").decode("ascii")
    if len(shown) <= MAX_ID_BYTES:
        return shown
    return shown[:MAX_ID_BYTES - 10] + "~" + hashlib.sha256(name.encode()).hexdigest()[:9]


def _timestamp(folder: Path) -> str | None:
    try:
        return (folder / "timestamp.txt").read_text(encoding="utf-8", errors="replace").strip()[:64]
    except OSError:
        return None


def _member_problem(info: zipfile.ZipInfo, limits: Limits) -> str | None:
    name = info.filename
    mode = info.external_attr >> 16
    if name.startswith(("/", "\\")) or ".." in Path(name).parts or stat.S_ISLNK(mode) or \
            ":" in name.split("/")[0]:
        return f"an unsafe path ({name[:80]!a})"
    if len(name) > limits.archive_name_chars or name.count("/") > limits.archive_depth:
        return f"a path too long or too deep ({name[:60]!a}...)"
    if info.flag_bits & 0x1:
        return "an encrypted (password-protected) file: ask for it without a password"
    if info.compress_type not in ZIP_METHODS:
        return (f"a file compressed with a method Python cannot read (zip method "
                f"{info.compress_type}): re-zip it with the standard (deflate) method")
    return None


def unzip(archive: Path, dest: Path, limits: Limits) -> str | None:
    """Unpack safely; return a problem in words, or None. Every member is checked before any is
    written: paths, links, depth, count, size (``limits``: the archive_* fields), encryption and
    compression method."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > limits.archive_entries:
                return (f"{archive.name} holds {len(members)} entries, over the "
                        f"{limits.archive_entries} limit")
            total = 0
            for info in members:
                problem = _member_problem(info, limits)
                if problem:
                    return f"{archive.name} holds {problem}; nothing was unpacked"
                total += info.file_size
            if total > limits.archive_bytes:
                return (f"{archive.name} unpacks to {total // 2**20} MB, over the "
                        f"{limits.archive_bytes // 2**20} MB limit")
            for info in members:
                target = dest.joinpath(*[part for part in info.filename.split("/") if part])
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as source, open(target, "wb") as sink:
                    shutil.copyfileobj(source, sink)
    except Exception as exc:  # noqa: BLE001 - any unreadable archive is the same problem
        return f"{archive.name} is not a readable zip archive ({type(exc).__name__}: " \
               f"{str(exc)[:120]})"
    return None


def _from_archive(archive: Path, dest: Path, student: str, assignments: list[str],
                  limits: Limits) -> list[Submission]:
    origin = f"the archive {archive.name}"
    one = assignments[0] if len(assignments) == 1 else "?"
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    problem = unzip(archive, dest, limits)
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
    from ownit.instructor.grade import lms

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


def _entry(number: int, entry: Path, assignments: list[str], staging: Path,
           known: list[str], limits: Limits) -> list[Submission]:
    """The submissions one entry of SUBMITTED holds, or one with its problem."""
    one = assignments[0] if len(assignments) == 1 else "?"
    name = entry.stem if entry.is_file() and entry.suffix.lower() == ".zip" else entry.name
    student = unicodedata.normalize("NFC", name)
    problem = id_problem(student)
    if problem:
        return [Submission(shown_id(student), one, None,
                           f"{entry.name!a} cannot be a student id: {problem}; rename it and "
                           "grade again", entry.name)]
    if entry.is_file() and entry.suffix.lower() == ".zip":
        return _from_archive(entry, staging / f"zip-{number}", student, assignments, limits)
    if not entry.is_dir():
        return [Submission(student, one, None,
                           f"{entry.name} is not a submission: expected a folder "
                           "<student>/<assignment>/ or an archive <student>.zip", entry.name)]
    here = [Submission(student, aid, entry / aid, None, f"the folder {entry.name}/{aid}",
                       _timestamp(entry / aid))
            for aid in assignments if (entry / aid).is_dir()]
    others = [p for p in entry.iterdir() if p.name not in JUNK]
    if here or any(p.is_dir() and p.name in known for p in others):
        return here  # (a folder of another assignment only: nothing for this run to grade)
    held = ", ".join(sorted(p.name + ("/" if p.is_dir() else "") for p in others)[:5])
    return [Submission(student, one, None,
                       f"{entry.name}/ holds no folder named after an assignment "
                       f"({', '.join(assignments)}; names are case-sensitive): it holds "
                       f"{held[:200] or 'nothing'}", entry.name)]


def discover(submitted: Path, assignments: list[str], staging: Path,
             roster: dict[str, str] | None = None,
             known: list[str] | None = None, limits: Limits | None = None) -> list[Submission]:
    """Every (student, assignment) submission under ``submitted``, sorted.

    Every entry that could be a submission ends as one: a folder or an archive per student, or,
    for anything else (a stray file, an id that cannot be a folder name, a folder holding no
    assignment), a Submission with its problem. Archives unpack into numbered staging folders:
    no staging path is ever built from an id, so no id can reach another student's files.
    """
    from ownit.instructor.grade import lms

    label = lms.kind(submitted)
    if label is not None:
        return _from_lms(submitted, label, assignments, staging, roster or {})
    found: list[Submission] = []
    one = assignments[0] if len(assignments) == 1 else "?"
    limits = limits or Limits()
    for number, entry in enumerate(sorted(submitted.iterdir())):
        if entry.name in JUNK:
            continue
        try:
            found += _entry(number, entry, assignments, staging, known or [], limits)
        except Exception as exc:  # noqa: BLE001 - one entry never stops the others
            found.append(Submission(shown_id(unicodedata.normalize("NFC", entry.name)), one,
                                    None, f"{entry.name!a} could not be read "
                                          f"({type(exc).__name__}: {str(exc)[:200]})",
                                    entry.name))
    return sorted(found, key=lambda s: (s.student, s.assignment))
