"""Own It's feedback pages, made ready for nbgrader's ``release_feedback``.

``ownit grade SUBMITTED --out OUT`` writes ``OUT/feedback/<student>/<assignment>/<nb>.html``.
nbgrader's ``release_feedback`` reads the course's ``feedback/<student>/<assignment>/`` and
needs, beside each page, the ``timestamp.txt`` and ``submission_secret.txt`` of the submission it
answers (``nbgrader submit`` writes the secret, ``collect`` brings it to ``submitted/``): the
page goes to the exchange under a hash of that secret, which only that learner's
``fetch_feedback`` can compute. This module copies the pages and those two files:

    python -m ownit.instructor.exchange_feedback OUT [--assignment ID]

run in the course root after ``ownit grade`` (docs/deploy-jupyterhub.md). A page whose
submission did not come through the exchange (no ``submission_secret.txt``: a zip, an LMS
download) is left out and named.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from autograder.settings import FEEDBACK_DIRECTORY, SUBMITTED_DIRECTORY
from ownit.instructor.grade.submissions import id_problem
from ownit.paths import CourseNotFound, full_course_root

EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")
# Both are a line nbgrader wrote (a time, a hex token); a learner's submission could hold
# anything under those names, and the copies go back out through the exchange.
EXCHANGE_FILE_BYTES = 200


@dataclass
class Staged:
    copied: list[Path] = field(default_factory=list)  # pages now in the course's feedback/
    skipped: list[str] = field(default_factory=list)  # why a page was left out, one per page


def _exchange_file(path: Path) -> bool:
    """A regular file of one short line as nbgrader writes it: the timestamp parses as one."""
    if path.is_symlink() or not path.is_file() or path.stat().st_size > EXCHANGE_FILE_BYTES:
        return False
    text = path.read_text(encoding="utf-8", errors="replace").strip()
    if path.name != "timestamp.txt":
        return text.isalnum()
    from nbgrader.utils import parse_utc

    try:
        parse_utc(text)
    except Exception:  # noqa: BLE001 - whatever it holds, it is not nbgrader's timestamp
        return False
    return True


def stage(out: Path, root: Path, assignment: str | None = None) -> Staged:
    """Copy ``out/feedback`` into ``root/feedback`` with each submission's exchange files."""
    staged = Staged()
    pages = out / "feedback"
    if not pages.is_dir():
        raise FileNotFoundError(
            f"{pages} does not exist: run `ownit grade {SUBMITTED_DIRECTORY} --out {out}` first.")
    for page in sorted(pages.glob("*/*/*.html")):
        student, assignment_id = page.parent.parent.name, page.parent.name
        if assignment is not None and assignment_id != assignment:
            continue
        problem = id_problem(student) or id_problem(assignment_id)
        if problem:
            staged.skipped.append(f"{page}: not a student or assignment id ({problem})")
            continue
        submitted = root / SUBMITTED_DIRECTORY / student / assignment_id
        missing = [name for name in EXCHANGE_FILES if not _exchange_file(submitted / name)]
        if missing:
            staged.skipped.append(
                f"{page}: {submitted} has no {' or '.join(missing)}, so it did not come through "
                "nbgrader's exchange (collect); hand this page to the learner another way.")
            continue
        target = root / FEEDBACK_DIRECTORY / student / assignment_id
        target.mkdir(parents=True, exist_ok=True)
        for name in EXCHANGE_FILES:
            shutil.copyfile(submitted / name, target / name)
        shutil.copyfile(page, target / page.name)
        staged.copied.append(target / page.name)
    return staged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ownit.instructor.exchange_feedback",
        description="Copy the feedback pages of `ownit grade --out OUT` into the course's "
                    "feedback/ folder, ready for `nbgrader release_feedback`.")
    parser.add_argument("out", type=Path, metavar="OUT", help="the --out folder of ownit grade")
    parser.add_argument("--assignment", default=None, metavar="ID",
                        help="only this assignment's pages")
    args = parser.parse_args(argv)
    try:
        root = full_course_root()
        staged = stage(args.out, root, args.assignment)
    except (CourseNotFound, FileNotFoundError) as exc:
        print(exc, file=sys.stderr)
        return 2
    for reason in staged.skipped:
        print(f"left out: {reason}", file=sys.stderr)
    print(f"{len(staged.copied)} feedback page(s) in {root / FEEDBACK_DIRECTORY}; "
          "now run `nbgrader release_feedback ASSIGNMENT`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
