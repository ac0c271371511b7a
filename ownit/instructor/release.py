"""``ownit release``: regenerate exercises/ (student versions) from solutions/ with nbgrader.

``exercises/`` is nbgrader's release folder and is never edited by hand; ``--check`` generates a
fresh copy in a temporary course and compares it byte for byte, so CI catches a stale release.
"""

from __future__ import annotations

import filecmp
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.assignment import assignment_ids, generate
from autograder.settings import GRADEBOOK, RELEASE_DIRECTORY, SOURCE_DIRECTORY


@dataclass
class ReleaseReport:
    released: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    out_of_date: list[str] = field(default_factory=list)


def _tree(path: Path) -> set[str]:
    return {str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()}


def _differences(expected: Path, actual: Path) -> list[str]:
    """Relative paths that differ between two folders (missing, extra, or changed)."""
    if not actual.is_dir():
        return sorted(_tree(expected)) or ["(folder missing)"]
    want, have = _tree(expected), _tree(actual)
    changed = [
        name
        for name in sorted(want & have)
        if not filecmp.cmp(expected / name, actual / name, shallow=False)
    ]
    return sorted((want ^ have) | set(changed))


def release(root: Path, *, check: bool = False, gradebook: Path | None = None) -> ReleaseReport:
    """Regenerate every assignment (or, with ``check``, only report what is out of date)."""
    report = ReleaseReport()
    exercises = root / RELEASE_DIRECTORY
    ids = assignment_ids(root)
    stale = sorted(
        p.name for p in exercises.iterdir() if p.is_dir() and p.name not in ids
    ) if exercises.is_dir() else []

    with tempfile.TemporaryDirectory(prefix="ownit-release-") as tmp:
        tmp_path = Path(tmp)
        for assignment_id in ids:
            fresh = tmp_path / "release"
            # --check must not touch the course gradebook; a release records the assignment in
            # it, as nbgrader's generate_assignment does, so that autograding works next.
            db = tmp_path / "gradebook.db" if check else (gradebook or root / GRADEBOOK)
            generate(root, assignment_id, release_dir=fresh, gradebook=db)
            target = exercises / assignment_id
            diffs = _differences(fresh / assignment_id, target)
            if check:
                report.out_of_date += [f"{RELEASE_DIRECTORY}/{assignment_id}/{d}" for d in diffs]
                continue
            if diffs:
                shutil.rmtree(target, ignore_errors=True)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copytree(fresh / assignment_id, target)
            report.released.append(assignment_id)
    for name in stale:
        if check:
            report.out_of_date.append(
                f"{RELEASE_DIRECTORY}/{name} (no source in {SOURCE_DIRECTORY}/)")
        else:
            shutil.rmtree(exercises / name)
            report.removed.append(name)
    return report
