"""Grade notebooks of one assignment in a throw-away course, with nbgrader from end to end.

Used by the tests and by authors (``python -m ownit.instructor.trial ASSIGNMENT_ID``): it generates
the student version from ``solutions/<id>/``, then autogrades any set of notebooks (the full
solution, the blank release, variants with one cell changed) as if they were students' work.
Nothing of the real course (``exercises/``, the gradebook) is touched.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI

from autograder.assignment import generate
from autograder.settings import RELEASE_DIRECTORY, SOURCE_DIRECTORY, course_config


@dataclass
class Graded:
    score: float
    max_score: float
    parts: dict[str, tuple[float, float]]  # grade id -> (score, max score)


class TrialCourse:
    """A temporary nbgrader course holding one assignment copied from ``root``."""

    def __init__(self, root: Path, assignment_id: str):
        self.assignment_id = assignment_id
        self._tmp = tempfile.TemporaryDirectory(prefix="ownit-trial-")
        self.path = Path(self._tmp.name)
        shutil.copytree(root / SOURCE_DIRECTORY / assignment_id,
                        self.path / SOURCE_DIRECTORY / assignment_id)
        (self.path / "course").mkdir()
        self.config = course_config(self.path)
        self.db_url = f"sqlite:///{self.path / 'gradebook.db'}"
        self.api = NbGraderAPI(config=self.config)
        generate(self.path, assignment_id)

    @property
    def release_dir(self) -> Path:
        return self.path / RELEASE_DIRECTORY / self.assignment_id

    @property
    def source_dir(self) -> Path:
        return self.path / SOURCE_DIRECTORY / self.assignment_id

    def notebook_names(self) -> list[str]:
        return sorted(p.name for p in self.release_dir.glob("*.ipynb"))

    def submit(self, student_id: str, notebooks: dict[str, nbformat.NotebookNode]) -> None:
        """Place a submission: the released files, with the given notebooks in place."""
        folder = self.path / "submitted" / student_id / self.assignment_id
        shutil.copytree(self.release_dir, folder, dirs_exist_ok=True)
        for name, nb in notebooks.items():
            nbformat.write(nb, folder / name)

    def autograde_all(self) -> None:
        result = self.api.autograde(self.assignment_id, "*", force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"autograde failed:\n{result.get('error')}\n{result.get('log')}")

    def grades(self, student_id: str) -> Graded:
        with Gradebook(self.db_url) as gb:
            sub = gb.find_submission(self.assignment_id, student_id)
            parts = {g.name: (float(g.score), float(g.max_score))
                     for nb in sub.notebooks for g in nb.grades}
            return Graded(float(sub.score), float(sub.max_score), parts)

    def close(self) -> None:
        self._tmp.cleanup()

    def __enter__(self) -> TrialCourse:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ownit.instructor.trial",
        description="Autograde an assignment's full solution and its blank student version.")
    parser.add_argument("assignment_id")
    parser.add_argument("--root", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    with TrialCourse(args.root.resolve(), args.assignment_id) as course:
        names = course.notebook_names()
        course.submit("solution", {n: nbformat.read(course.source_dir / n, as_version=4)
                                   for n in names})
        course.submit("blank", {n: nbformat.read(course.release_dir / n, as_version=4)
                                for n in names})
        course.autograde_all()
        for student in ("solution", "blank"):
            graded = course.grades(student)
            print(f"{student}: {graded.score:g} / {graded.max_score:g}")
            for name, (score, max_score) in sorted(graded.parts.items()):
                print(f"  {name:<40} {score:g} / {max_score:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
