"""Assignment downloads of learning management systems, read as they come.

- **Canvas** ("Download Submissions"): one flat folder (or its zip) of files named
  ``<namelastfirst>[_LATE]_<user id>_<submission id>_<original name>``, where a resubmitted file
  gets ``-1``, ``-2`` ... before its extension. Canvas's test student is ``studentfake``.
- **Moodle** ("Download all submissions"): files named
  ``<Full Name>_<participant id>_assignsubmission_file_<original name>``, or, with "Download
  submissions in folders", one folder ``<Full Name>_<participant id>_assignsubmission_file_``
  per student holding the original files (``..._onlinetext_`` entries hold typed text, not files).

Each becomes a submission in nbgrader's layout, staged in a numbered folder. The student id is
the LMS's own user id (stable and unique, and what its grade import matches), or the course's id
for it from a roster CSV (``--roster``, columns ``lms_id,student_id``). Canvas's late marker is
kept in ``detail``: the download carries no submission time, so it cannot become a timestamp.
"""

from __future__ import annotations

import csv
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

CANVAS = re.compile(r"^(?P<name>[a-z]+)(?P<late>_LATE)?_(?P<user>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<user>\d+)_assignsubmission_(?P<plugin>file|onlinetext)_"
                    r"(?P<file>.*)$")
RESUBMITTED = re.compile(r"^(?P<stem>.+?)-(?P<n>\d+)$")


class LmsError(ValueError):
    """The download cannot be read as it is; the message says what to do."""


@dataclass
class LmsFile:
    user: str  # the LMS's user id
    name: str  # the student's name as the LMS wrote it
    path: Path
    original: str  # the file name the student uploaded
    late: bool = False


def kind(folder: Path) -> str | None:
    """"canvas" or "moodle" when most entries of ``folder`` are named as that LMS names them."""
    names = [p.name for p in folder.iterdir() if not p.name.startswith(".")]
    if not names:
        return None
    for label, pattern in (("moodle", MOODLE), ("canvas", CANVAS)):
        if sum(bool(pattern.match(n)) for n in names) * 2 > len(names):
            return label
    return None


def read_roster(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"lms_id", "student_id"} <= set(reader.fieldnames):
                raise LmsError(f"{path.name} needs the columns lms_id,student_id (it has "
                               f"{', '.join(reader.fieldnames or []) or 'none'})")
            return {row["lms_id"].strip(): row["student_id"].strip() for row in reader
                    if row.get("lms_id") and row.get("student_id")}
    except OSError as exc:
        raise LmsError(f"cannot read the roster {path}: {exc.strerror}") from None


def files(folder: Path, label: str) -> tuple[list[LmsFile], list[str]]:
    """The submitted files of a download, and the entries that are not (in words)."""
    found, skipped = [], []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if label == "canvas":
            match = CANVAS.match(entry.name)
            if match and entry.is_file() and not entry.is_symlink():
                found.append(LmsFile(match["user"], match["name"], entry, match["file"],
                                     bool(match["late"])))
            else:
                skipped.append(entry.name)
            continue
        match = MOODLE.match(entry.name)
        if not match:
            skipped.append(entry.name)
        elif match["plugin"] == "onlinetext":
            continue  # typed text, not a notebook
        elif entry.is_dir():
            found += [LmsFile(match["user"], match["name"], p, p.name)
                      for p in sorted(entry.rglob("*")) if p.is_file() and not p.is_symlink()]
        else:
            found.append(LmsFile(match["user"], match["name"], entry, match["file"]))
    return found, skipped


def original_stem(original: str) -> tuple[str, int]:
    """The uploaded notebook's name without Canvas's resubmission suffix, and that number."""
    stem = Path(original).stem
    match = RESUBMITTED.match(stem)
    return (match["stem"], int(match["n"])) if match else (stem, 0)


def stage(folder: Path, label: str, assignments: list[str], staging: Path,
          roster: dict[str, str]) -> list[dict]:
    """Each student's notebooks in nbgrader's layout under ``staging``; one dict per student:
    ``student``, ``assignment``, ``folder`` (or None) and ``problem`` / ``note``."""
    found, _ = files(folder, label)
    by_user: dict[str, list[LmsFile]] = {}
    for item in found:
        by_user.setdefault(item.user, []).append(item)
    out = []
    for number, (user, items) in enumerate(sorted(by_user.items())):
        student = roster.get(user, user)
        notebooks = [i for i in items if i.original.endswith(".ipynb")]
        one = assignments[0] if len(assignments) == 1 else "?"
        if not notebooks:
            out.append({"student": student, "assignment": one, "folder": None,
                        "problem": f"{label.title()} has no notebook from {items[0].name} "
                                   f"({', '.join(i.original for i in items)})"})
            continue
        by_assignment: dict[str, list[LmsFile]] = {}
        for nb in notebooks:
            stem, _ = original_stem(nb.original)
            aid = stem if stem in assignments else one
            by_assignment.setdefault(aid, []).append(nb)
        for aid, group in sorted(by_assignment.items()):
            target = staging / f"lms-{number}" / aid
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            newest: dict[str, tuple[int, LmsFile]] = {}
            for nb in group:
                stem, attempt = original_stem(nb.original)
                if stem not in newest or attempt > newest[stem][0]:
                    newest[stem] = (attempt, nb)
            for stem, (_, nb) in newest.items():
                shutil.copyfile(nb.path, target / f"{stem}.ipynb")
            if aid == "?":
                out.append({"student": student, "assignment": aid, "folder": None,
                            "problem": f"no assignment is named like {group[0].original!a}"})
                continue
            notes = [f"from {label.title()}, user {user}"]
            if any(nb.late for nb in group):
                notes.append("marked late by Canvas")
            if user not in roster and roster:
                notes.append("not in the roster: graded under the LMS user id")
            out.append({"student": student, "assignment": aid, "folder": target,
                        "note": "; ".join(notes)})
    return out
