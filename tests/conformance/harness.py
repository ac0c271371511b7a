"""Grade one set of nbgrader assignments twice, with plain nbgrader and with ``ownit grade``, and
return both gradebooks as rows that compare cell by cell.

Plain nbgrader runs through its Python API (``NbGraderAPI``: ``generate_assignment`` then
``autograde`` per student) in a throw-away course with nbgrader's default settings; Own It runs
:func:`ownit.instructor.grade.grade` on a throw-away Own It course holding the same sources
as
``solutions/<id>/``. Both courses get the same extra files at their root (``autotests.yml``, a
late-penalty plugin), the same extra lines of ``nbgrader_config.py`` and the same due dates,
set the nbgrader way: in the gradebook, before the assignment is generated.

Usable on any course: ``source`` holds ``<assignment>/`` folders, ``submitted`` holds
``<student>/<assignment>/`` folders (notebooks, ``timestamp.txt``).
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

warnings.filterwarnings("ignore", message=".*not in session.*")

Cell = tuple[str, str, str]  # (student, notebook, grade id)
Verdict = tuple[float | None, bool, float]  # (auto score, needs manual grade, max score)

OWN_IT_CONFIG = ("from pathlib import Path\n"
                 "from autograder.settings import configure\n"
                 "c = get_config()\n"
                 "configure(c, Path(__file__).resolve().parent)\n")


def scripts_on_path() -> None:
    """nbgrader runs ``alembic`` by name when it opens a gradebook: the venv's scripts must be
    on PATH even when the tests run without an activated venv."""
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


@dataclass
class Graded:
    """One gradebook, as plain rows."""

    cells: dict[Cell, Verdict] = field(default_factory=dict)
    timestamps: dict[tuple[str, str], str | None] = field(default_factory=dict)
    penalties: dict[tuple[str, str], float] = field(default_factory=dict)  # (student, id)
    failed: dict[tuple[str, str], str] = field(default_factory=dict)  # could not be graded
    root: Path | None = None
    run: object = None  # Own It's GradeRun (rows of grades.csv)

    def of(self, student: str) -> dict[tuple[str, str], Verdict]:
        return {(nb, gid): v for (s, nb, gid), v in self.cells.items() if s == student}


def read_gradebook(db: Path) -> Graded:
    graded = Graded()
    with Gradebook(f"sqlite:///{db}") as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                key = (sub.student.id, assignment.name)
                graded.timestamps[key] = sub.timestamp.isoformat() if sub.timestamp else None
                graded.penalties[key] = float(sub.late_submission_penalty or 0)
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        auto = None if grade.auto_score is None else float(grade.auto_score)
                        graded.cells[(sub.student.id, nb.name, grade.name)] = (
                            auto, bool(grade.needs_manual_grade), float(grade.max_score))
    return graded


def _course(root: Path, source_top: str, source: Path, files: list[Path], config: str,
            due_dates: dict[str, str]) -> list[str]:
    scripts_on_path()
    root.mkdir(parents=True)
    ids = sorted(p.name for p in source.iterdir() if p.is_dir())
    for aid in ids:
        shutil.copytree(source / aid, root / source_top / aid)
    for path in files:
        shutil.copy(path, root / path.name)
    (root / "nbgrader_config.py").write_text(config)
    if due_dates:  # `nbgrader db assignment add ID --duedate=...`
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
            for aid, due in due_dates.items():
                gb.update_or_create_assignment(aid, duedate=due)
    if str(root) not in sys.path:  # nbgrader runs in the course root, which is on sys.path
        sys.path.insert(0, str(root))
    return ids


def _grant(db: Path, extensions: dict[tuple[str, str], float]) -> None:
    """Extensions in hours per (student, assignment), as formgrader grants them."""
    with Gradebook(f"sqlite:///{db}") as gb:
        for (student, aid), hours in extensions.items():
            gb.update_or_create_student(student)
            gb.update_or_create_submission(aid, student)
            gb.grant_extension(aid, student, hours=hours)


def grade_with_nbgrader(source: Path, submitted: Path, work: Path, *, files: list[Path] = (),
                        config_lines: str = "", due_dates: dict[str, str] | None = None,
                        extensions: dict[tuple[str, str], float] | None = None) -> Graded:
    """Plain nbgrader, default settings plus ``config_lines``, in ``work`` (a new folder)."""
    ids = _course(work, "source", source, list(files), "c = get_config()\n" + config_lines,
                  due_dates or {})
    shutil.copytree(submitted, work / "submitted")
    config = Config()
    config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(work)).load_config())
    config.CourseDirectory.root = str(work)
    api = NbGraderAPI(config=config)
    failed = {}
    for aid in ids:
        result = api.generate_assignment(aid, force=True, create=True)
        assert result["success"], f"plain nbgrader cannot generate {aid}: {result['log']}"
        _grant(work / "gradebook.db", {k: v for k, v in (extensions or {}).items()
                                       if k[1] == aid})
        for student in sorted(p.parent.name for p in (work / "submitted").glob(f"*/{aid}")):
            result = api.autograde(aid, student, force=True, create=True)
            if not result["success"]:
                failed[(student, aid)] = result["log"]
    graded = read_gradebook(work / "gradebook.db")
    graded.failed, graded.root = failed, work
    return graded


def grade_with_ownit(source: Path, submitted: Path, work: Path, *, files: list[Path] = (),
                     config_lines: str = "", due_dates: dict[str, str] | None = None,
                     extensions: dict[tuple[str, str], float] | None = None,
                     sandbox: bool = True, workers: int = 2) -> Graded:
    """``ownit grade`` (:func:`ownit.instructor.grade.grade`) on an Own It course in
    ``work``."""
    from ownit.instructor.grade import grade
    from ownit.instructor.release import release

    root = work / "course"
    _course(root, "solutions", source, list(files), OWN_IT_CONFIG + config_lines,
            due_dates or {})
    if extensions:  # granted after the release, as an instructor does
        release(root)
        _grant(root / "gradebook.db", extensions)
    run = grade(root, submitted, work / "out", workers=workers, quiet=True, sandbox=sandbox)
    graded = read_gradebook(root / "gradebook.db")
    graded.failed = {(r["student_id"], r["assignment_id"]): r["detail"] for r in run.rows
                     if r["status"] == "error"}
    graded.root, graded.run = root, run
    return graded


def differences(plain: Graded, own: Graded, *, ignore: set[str] = frozenset()) -> list[str]:
    """Every cell and submission where the two gradebooks differ, in words (empty: the same).
    ``ignore`` holds students whose difference is documented (and tested on its own)."""
    found = []
    for key in sorted(set(plain.cells) | set(own.cells), key=str):
        if key[0] in ignore:
            continue
        if plain.cells.get(key) != own.cells.get(key):
            found.append(f"{key}: nbgrader {plain.cells.get(key)}, Own It {own.cells.get(key)}")
    for name in ("timestamps", "penalties"):
        mine, theirs = getattr(plain, name), getattr(own, name)
        for key in sorted(set(mine) | set(theirs)):
            if key[0] not in ignore and mine.get(key) != theirs.get(key):
                found.append(f"{name} {key}: nbgrader {mine.get(key)}, Own It {theirs.get(key)}")
    return found
