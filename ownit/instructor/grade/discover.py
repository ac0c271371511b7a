"""Stage 1, discover: what was submitted, one submission per student and assignment.

SUBMITTED may be nbgrader's folder layout, ``<student_id>.zip`` files, an LMS's download (its
folder or its archive); :mod:`ownit.instructor.grade.submissions` reads each entry inside its
own failure boundary. Where a student submitted twice, the newest is kept and the row says so.
"""

from __future__ import annotations

from pathlib import Path

from autograder.settings import Limits
from ownit.instructor.grade.lms import LmsError, read_roster
from ownit.instructor.grade.lms import kind as lms_kind
from ownit.instructor.grade.submissions import Submission, discover, unzip


def submissions(submitted: Path, wanted: list[str], known: list[str], work: Path,
                roster: Path | None = None,
                limits: Limits | None = None) -> tuple[list[Submission], dict[str, str]]:
    """``(submissions, notes)``: one submission per student and assignment, and per
    ``student/assignment`` what the row must say about how it was found. ``limits``: what an
    archive may hold (its archive_* fields)."""
    limits = limits or Limits()
    submitted = _unpacked(submitted, work / "download", limits)
    found, notes = one_per_student(discover(submitted, wanted, work / "staging",
                                            read_roster(roster), known, limits))
    for sub in found:
        if sub.note:
            key = f"{sub.student}/{sub.assignment}"
            notes[key] = f"{sub.note}; {notes[key]}" if key in notes else sub.note
    return found, notes


def _unpacked(submitted: Path, dest: Path, limits: Limits) -> Path:
    """SUBMITTED may be an LMS's download archive itself: unpacked safely, then read."""
    if not submitted.is_file():
        return submitted
    if submitted.suffix.lower() != ".zip":
        raise LmsError(f"{submitted} is a file: give the folder of submissions, or the LMS's "
                       "download archive (.zip)")
    dest.mkdir(parents=True, exist_ok=True)
    problem = unzip(submitted, dest, limits)
    if problem:
        raise LmsError(problem)
    entries = [p for p in dest.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() and \
        lms_kind(entries[0]) else dest


def one_per_student(found: list[Submission]) -> tuple[list[Submission], dict[str, str]]:
    """One submission per student and assignment: the newest by timestamp.txt, else the one in
    nbgrader's folder layout; the detail of the row says what was set aside and why."""
    by_key: dict[str, list[Submission]] = {}
    for sub in found:
        by_key.setdefault(f"{sub.student}/{sub.assignment}", []).append(sub)
    chosen, notes = [], {}
    for key, copies in by_key.items():
        if len(copies) == 1:
            chosen.append(copies[0])
            continue

        def rank(sub: Submission):
            stamp = _parse_time(sub.timestamp)
            return (sub.folder is not None, stamp is not None, stamp or 0,
                    sub.origin.startswith("the folder"))

        copies.sort(key=rank, reverse=True)
        keep, rest = copies[0], copies[1:]
        why = ("it is newer by its timestamp.txt" if _parse_time(keep.timestamp) is not None
               and all(_parse_time(r.timestamp) is not None for r in rest)
               else "nbgrader's folder layout comes first when timestamps cannot decide")
        notes[key] = (f"graded {keep.origin or 'one submission'}; set aside "
                      f"{', '.join(r.origin or 'another copy' for r in rest)} ({why})")
        chosen.append(keep)
    return sorted(chosen, key=lambda s: (s.student, s.assignment)), notes


def _parse_time(text: str | None) -> float | None:
    if not text:
        return None
    try:
        from nbgrader.utils import parse_utc

        return parse_utc(text).timestamp()
    except Exception:  # noqa: BLE001 - a student's timestamp.txt may hold anything
        return None
