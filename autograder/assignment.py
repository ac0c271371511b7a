"""A generated assignment, cached on disk and keyed on its content.

Generating an assignment costs nbgrader a second or more per notebook, so ``ownit check`` and
``ownit grade`` generate each assignment once and reuse it until the source changes. The cache key
covers every byte of the source folder, the course settings and nbgrader's version; a cache entry
is built in a temporary folder and renamed into place, so concurrent runs never see half of one.

What nbgrader reads from the course root while it generates or grades belongs to the key too:
``autotests.yml`` (copied to the root of the build, where nbgrader looks for it), the due date
of the course gradebook (written into the cached gradebook, which every worker copies) and the
late-penalty settings of ``nbgrader_config.py`` (carried to the workers). Extensions granted to
students are carried too, outside the key.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from nbgrader.apps import NbGraderAPI

from autograder import nbgrader_log, settings
from autograder.lateness import due_date, extensions, late_rules, set_due_date
from autograder.settings import GRADEBOOK, RELEASE_DIRECTORY, SOURCE_DIRECTORY, course_config

CACHE_ENV = "OWNIT_CACHE"
AUTOTESTS = "autotests.yml"  # nbgrader's InstantiateTests.autotest_filename


class UnknownAssignment(LookupError):
    """No source (or release) folder holds this assignment."""


@dataclass(frozen=True)
class Prepared:
    assignment_id: str
    folder: Path  # holds solutions/<id>/ (the source nbgrader grades with) and gradebook.db
    has_hidden_tests: bool  # False when only the student release was available as the source
    late_rules: str | None = None  # JSON of autograder.lateness.late_rules, for the workers
    # JSON of autograder.lateness.extensions: not in the cache key (the generated assignment
    # does not depend on it), but in the fingerprint of every submission of the assignment.
    extensions: str = ""

    @property
    def source_dir(self) -> Path:
        return self.folder / SOURCE_DIRECTORY / self.assignment_id

    @property
    def release_dir(self) -> Path:
        return self.folder / RELEASE_DIRECTORY / self.assignment_id

    @property
    def gradebook(self) -> Path:
        return self.folder / GRADEBOOK

    def notebook_names(self) -> list[str]:
        return sorted(p.stem for p in self.source_dir.glob("*.ipynb"))


def cache_dir(root: Path) -> Path:
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else root / ".ownit-cache"


def _content_key(folder: Path, *extra: str) -> str:
    digest = hashlib.sha256()
    digest.update(version("nbgrader").encode())
    digest.update(Path(settings.__file__).read_bytes())
    for value in extra:
        digest.update(value.encode() + b"\0")
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if ".ipynb_checkpoints" in path.parts or "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def assignment_ids(root: Path, *, with_releases: bool = False) -> list[str]:
    """The course's assignments: the folders of solutions/ that hold a notebook, and with
    ``with_releases`` those of exercises/ too (a learner's copy may have no solutions/)."""
    tops = (SOURCE_DIRECTORY, RELEASE_DIRECTORY) if with_releases else (SOURCE_DIRECTORY,)
    found: set[str] = set()
    for top in tops:
        folder = root / top
        if folder.is_dir():
            found |= {p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*.ipynb"))}
    return sorted(found)


def generate(course: Path, assignment_id: str, *, release_dir: Path | None = None,
             gradebook: Path | None = None) -> None:
    """nbgrader's ``generate_assignment --force`` of ``course``'s source of ``assignment_id``:
    the student version into ``release_dir`` (default: the course's exercises/) and the
    assignment's cells and points into ``gradebook`` (default: the course's). The one place
    Own It generates an assignment; raises :class:`PreparationFailed` with nbgrader's reason."""
    config = course_config(course)
    if release_dir is not None:
        config.CourseDirectory.release_directory = str(release_dir)
    if gradebook is not None:
        config.CourseDirectory.db_url = f"sqlite:///{gradebook}"
    result = NbGraderAPI(config=config).generate_assignment(assignment_id, force=True,
                                                            create=True)
    if not result["success"]:
        why = nbgrader_log.reason(result.get("log") or "") or result.get("error")
        raise PreparationFailed(f"nbgrader could not generate {assignment_id!r}: {why}")


def source_of(root: Path, assignment_id: str) -> tuple[Path, bool]:
    """The folder to grade with, and whether it holds the hidden tests."""
    source = root / SOURCE_DIRECTORY / assignment_id
    if any(source.glob("*.ipynb")):
        return source, True
    release = root / RELEASE_DIRECTORY / assignment_id
    if any(release.glob("*.ipynb")):
        return release, False
    raise UnknownAssignment(assignment_id)


def prepare(root: Path, assignment_id: str) -> Prepared:
    """The generated assignment for the current source, from the cache or made now."""
    source, hidden = source_of(root, assignment_id)
    autotests = root / AUTOTESTS
    autotests_text = autotests.read_text() if autotests.is_file() else ""
    duedate = due_date(root, assignment_id)
    rules = json.dumps(late_rules(root), sort_keys=True)
    key = _content_key(source, autotests_text, duedate or "", rules)
    target = cache_dir(root) / f"{assignment_id}-{key}"
    if not (target / GRADEBOOK).is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        build = Path(tempfile.mkdtemp(prefix=f".{assignment_id}-", dir=target.parent))
        try:
            if autotests_text:
                shutil.copy(autotests, build / AUTOTESTS)
            _build(source, assignment_id, build)
            set_due_date(build / GRADEBOOK, assignment_id, duedate)
            try:
                build.rename(target)
            except OSError:  # another run built the same entry first: use theirs
                shutil.rmtree(build, ignore_errors=True)
        finally:
            if build.exists():
                shutil.rmtree(build, ignore_errors=True)
        _prune(target)
    return Prepared(assignment_id, target, hidden, rules, extensions(root, assignment_id))


def _build(source: Path, assignment_id: str, folder: Path) -> None:
    shutil.copytree(source, folder / SOURCE_DIRECTORY / assignment_id,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    generate(folder, assignment_id)


class PreparationFailed(RuntimeError):
    """nbgrader could not generate the assignment from its source (the message says why)."""


def _prune(keep: Path) -> None:
    """Drop older cache entries of the same assignment."""
    prefix = keep.name.rsplit("-", 1)[0] + "-"
    for entry in keep.parent.glob(f"{prefix}*"):
        if entry != keep and entry.is_dir() and not entry.name.startswith("."):
            shutil.rmtree(entry, ignore_errors=True)
