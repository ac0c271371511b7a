"""``ownit grade``: grade a cohort. Workers grade submissions; only this coordinator writes.

Each submission is graded by :func:`autograder.submission.grade_submission` in a worker process,
in a private scratch course. The coordinator alone writes the course gradebook (so formgrader
sees every submission and manual grading works as usual), the autograded notebooks formgrader
shows, and everything in OUT. Every file in OUT is written to a temporary name and renamed, and
OUT/state.json remembers what was graded from which bytes, so a rerun grades only what changed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from tqdm import tqdm

from autograder.assignment import PreparationFailed, Prepared, UnknownAssignment, prepare
from autograder.lateness import TIMESTAMP_FILE, BadLateRules, late_detail
from autograder.safe import spreadsheet_safe
from autograder.sandbox import ensure_available
from autograder.settings import (
    AUTOGRADED_DIRECTORY,
    GRADEBOOK,
    Limits,
    put_own_scripts_on_path,
)
from autograder.submission import GradingFailed, Part, SubmissionResult, grade_submission
from ownit.instructor.grade import privacy, report
from ownit.instructor.grade.lms import LmsError, read_roster
from ownit.instructor.grade.lms import kind as lms_kind
from ownit.instructor.grade.submissions import Submission, discover, unzip
from ownit.instructor.release import _generate, assignment_ids

COLUMNS = ["student_id", "assignment_id", "score", "max_score", "status", "detail"]
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
TMP_SUFFIX = ".ownit-tmp"


@dataclass
class GradeRun:
    rows: list[dict] = field(default_factory=list)
    graded: int = 0
    reused: int = 0
    errors: int = 0
    seconds: float = 0.0


def write_atomic(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data.encode() if isinstance(data, str) else data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _fingerprint(prepared: Prepared, folder: Path) -> str:
    """What the grade of one submission depends on: the prepared assignment (its name covers the
    source, autotests.yml, the due date and the late-penalty settings), the extensions granted
    (any of the assignment's: a new one regrades its submissions), the notebooks and the
    submission's timestamp.txt."""
    digest = hashlib.sha256(prepared.folder.name.encode() + prepared.extensions.encode())
    for nb in sorted(folder.glob("*.ipynb")):
        digest.update(nb.name.encode() + b"\0" + nb.read_bytes())
    timestamp = folder / TIMESTAMP_FILE
    if timestamp.is_file():
        digest.update(b"\0" + TIMESTAMP_FILE.encode() + b"\0" + timestamp.read_bytes())
    return digest.hexdigest()


def _precheck(prepared: Prepared, sub: Submission,
              staging: Path) -> tuple[Path | None, str | None]:
    """Checks that need no code to run. Returns the folder to grade, or a problem in words.
    ``staging`` is a folder of this submission's own (numbered, never named after an id)."""
    if sub.folder is None:
        return None, sub.problem
    notebooks = sorted(sub.folder.glob("*.ipynb"))
    names = prepared.notebook_names()
    if not notebooks:
        return None, "no notebook in the submission"
    if sub.folder.is_symlink() or any(nb.is_symlink() for nb in notebooks):
        return None, ("the submission is a symbolic link, not a file of its own; copy the "
                      "student's files in and grade again")
    for nb in notebooks:
        size = nb.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            return None, (f"{nb.name} is {size // 2**20} MB, over the "
                          f"{MAX_NOTEBOOK_BYTES // 2**20} MB limit")
        try:
            nbformat.validate(nbformat.read(nb, as_version=4))
        except Exception as exc:  # noqa: BLE001 - any unreadable notebook is the same problem
            return None, f"{nb.name} is not a valid notebook ({str(exc).splitlines()[0][:120]})"
    expected = {f"{n}.ipynb" for n in names}
    if {nb.name for nb in notebooks} & expected:
        return sub.folder, None
    if len(notebooks) == 1 and len(names) == 1:
        # One notebook under another name (a "Copy1", an LMS prefix): grade it as the right one.
        folder = staging
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        shutil.copy(notebooks[0], folder / f"{names[0]}.ipynb")
        if (sub.folder / TIMESTAMP_FILE).is_file():
            shutil.copy(sub.folder / TIMESTAMP_FILE, folder / TIMESTAMP_FILE)
        return folder, None
    return None, (f"none of {', '.join(nb.name for nb in notebooks)} is a notebook of "
                  f"{sub.assignment} ({', '.join(sorted(expected))})")


def _die_with_coordinator() -> None:
    """Worker initializer: if the coordinator is killed (even with -9), its workers die too, and
    with them their sandboxes (bubblewrap's --die-with-parent): nothing grades on unseen."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _work(prepared: Prepared, folder: str, student: str, scratch: str, sandbox: bool,
          limits: Limits) -> SubmissionResult:
    return grade_submission(prepared, Path(folder), student, Path(scratch), sandbox=sandbox,
                            limits=limits, render=True)


def _grade_cells(db: Path, aid: str) -> dict[str, tuple[float, str]]:
    """``notebook/cell -> (points, cell type)`` of the assignment's graded cells in a gradebook."""
    with Gradebook(f"sqlite:///{db}") as gb:
        assignment = gb.find_assignment(aid)
        return {f"{nb.name}/{cell.name}": (float(cell.max_score), cell.cell_type)
                for nb in assignment.notebooks for cell in (*nb.grade_cells, *nb.task_cells)}


def _ensure_assignment(root: Path, aid: str, notebooks: list[str] | None = None,
                       prepared_gradebook: Path | None = None) -> str | None:
    """The course gradebook must know the assignment as it is now: its notebooks (formgrader and
    manual grading need them), and its graded cells and points. An assignment added with
    ``nbgrader db assignment add`` (to set its due date) has no notebooks yet; one changed in
    solutions/ after grading began (a fixed test, new points) has old cells. Both are generated
    again into the course gradebook, as nbgrader's ``generate_assignment --force`` does (it keeps
    the due date, and manual scores of the cells that stay). Returns what changed, in words."""
    before: dict[str, tuple[float, str]] = {}
    try:
        with Gradebook(f"sqlite:///{root / GRADEBOOK}") as gb:
            known = {nb.name for nb in gb.find_assignment(aid).notebooks}
        before = _grade_cells(root / GRADEBOOK, aid)
        now = _grade_cells(prepared_gradebook, aid) if prepared_gradebook else before
        if known and set(notebooks or ()) <= known and now == before:
            return None
    except MissingEntry:
        known = set()
    with tempfile.TemporaryDirectory() as tmp:
        _generate(root, aid, Path(tmp), root / GRADEBOOK)
    if not known:
        return None
    after = _grade_cells(root / GRADEBOOK, aid)
    changed = [f"{k.split('/', 1)[1]} {before[k][0]:g} -> {after[k][0]:g} points"
               for k in sorted(before.keys() & after.keys()) if before[k] != after[k]]
    changed += [f"new {k.split('/', 1)[1]}" for k in sorted(after.keys() - before.keys())]
    changed += [f"removed {k.split('/', 1)[1]}" for k in sorted(before.keys() - after.keys())]
    return ("regraded: the exercise changed since it was last graded"
            + (f" ({', '.join(changed[:6])})" if changed else " (its tests)"))


def _record(root: Path, result: SubmissionResult) -> None:
    """Write one worker's result into the course gradebook: nbgrader's own verdicts (auto score,
    needs-manual flag) cell by cell, the timestamp and the late penalties; manual scores given in
    formgrader are kept (and, as nbgrader does on a regrade, flagged for review)."""
    with Gradebook(f"sqlite:///{root / GRADEBOOK}") as gb:
        gb.update_or_create_student(result.student)
        stamp = {"timestamp": result.timestamp} if result.timestamp else {}
        gb.update_or_create_submission(result.assignment, result.student, **stamp)
        parts = {(p.notebook, p.id): p for p in result.parts}
        for nb_name in result.autograded:
            submitted = gb.find_submission_notebook(nb_name, result.assignment, result.student)
            submitted.late_submission_penalty = result.late_penalties.get(nb_name)
            for grade in submitted.grades:
                part = parts.get((nb_name, grade.name))
                if part is None:  # nbgrader recorded nothing for it: leave it to a human
                    grade.auto_score = None
                    grade.needs_manual_grade = grade.manual_score is None
                    continue
                grade.auto_score = part.auto_score
                grade.needs_manual_grade = part.needs_manual_grade or \
                    grade.manual_score is not None
        gb.db.commit()


def _label(grade) -> str:
    """A grade's name for people: a task is called one (its id is often generated)."""
    return f"task {grade.name}" if type(grade.cell).__name__ == "TaskCell" else grade.name


def _where(pending: list[tuple[str, str, float]], several: bool) -> str:
    """The parts to grade by hand, by notebook when the assignment has several."""
    if not several:
        return ", ".join(label for _, label, _ in pending)
    by_notebook: dict[str, list[str]] = {}
    for notebook, label, _ in pending:
        by_notebook.setdefault(notebook, []).append(label)
    return "; ".join(f"{nb}: {', '.join(labels)}" for nb, labels in by_notebook.items())


def _row_from_gradebook(root: Path, student: str, aid: str) -> dict:
    with Gradebook(f"sqlite:///{root / GRADEBOOK}") as gb:
        sub = gb.find_submission(aid, student)
        pending = [(nb.name, _label(g), g.max_score) for nb in sub.notebooks for g in nb.grades
                   if g.needs_manual_grade and g.manual_score is None]
        several = len(sub.notebooks) > 1
        raw, max_score = float(sub.score), float(sub.max_score)
        penalty = float(sub.late_submission_penalty or 0)
        seconds_late = float(sub.total_seconds_late)
    notes = []
    if pending:
        points = sum(m for _, _, m in pending)
        notes.append(f"{points:g} points still to grade by hand ({_where(pending, several)}); "
                     "score counts graded parts only")
    if seconds_late > 0:
        notes.append(late_detail(penalty, seconds_late)
                     + (f" (score before the penalty: {raw:g})" if penalty else ""))
    detail = "; ".join(notes) or "all parts graded"
    return {"student_id": student, "assignment_id": aid, "score": f"{raw - penalty:g}",
            "max_score": f"{max_score:g}", "status": "graded", "detail": detail}


def _error_row(student: str, aid: str, detail: str) -> dict:
    return {"student_id": student, "assignment_id": aid, "score": "", "max_score": "",
            "status": "error", "detail": detail}


def _csv(rows: list[dict], columns: list[str]) -> str:
    """CSV for a spreadsheet: every field neutralised (ids, names and details are text a
    student chose, and a spreadsheet would evaluate a formula in them)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[spreadsheet_safe(c) for c in columns],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows({spreadsheet_safe(k): spreadsheet_safe(v) for k, v in row.items()}
                     for row in rows)
    return buffer.getvalue()


def _wide(rows: list[dict], assignments: list[str]) -> str:
    table: dict[str, dict] = {}
    for row in rows:
        line = table.setdefault(row["student_id"], {"student_id": row["student_id"]})
        line[row["assignment_id"]] = row["score"] if row["status"] == "graded" else ""
    for line in table.values():
        line["total"] = f"{sum(float(line.get(aid) or 0) for aid in assignments):g}"
        for aid in assignments:
            line.setdefault(aid, "")
    return _csv([table[s] for s in sorted(table)], ["student_id", *assignments, "total"])


def check_course_config(root: Path) -> None:
    """A broken nbgrader_config.py is an error here, not a silent fall-back to defaults."""
    path = root / "nbgrader_config.py"
    if not path.exists():
        return
    from traitlets.config import Config

    try:
        exec(compile(path.read_text(), str(path), "exec"),  # noqa: S102 - the course's own file
             {"get_config": Config, "__file__": str(path), "__name__": "nbgrader_config"})
    except Exception as exc:  # noqa: BLE001 - any failure is reported the same way
        raise BrokenConfig(f"{path.name} is broken ({type(exc).__name__}: {exc}); nbgrader "
                           "would ignore it and grade with defaults. Fix it, then grade again."
                           ) from None


class BrokenConfig(RuntimeError):
    pass


def _clean_leftovers(out: Path) -> None:
    """A run killed mid-write leaves temporary files behind; they are never results."""
    for tmp in out.rglob(f"*{TMP_SUFFIX}"):
        tmp.unlink(missing_ok=True)
    shutil.rmtree(out / ".work", ignore_errors=True)


@dataclass
class _Job:
    sub: Submission
    key: str
    folder: Path
    fingerprint: str
    scratch: Path


def _one_per_student(submissions: list[Submission]) -> tuple[list[Submission], dict[str, str]]:
    """One submission per student and assignment: the newest by timestamp.txt, else the one in
    nbgrader's folder layout; the detail of the row says what was set aside and why."""
    by_key: dict[str, list[Submission]] = {}
    for sub in submissions:
        by_key.setdefault(f"{sub.student}/{sub.assignment}", []).append(sub)
    chosen, notes = [], {}
    for key, found in by_key.items():
        if len(found) == 1:
            chosen.append(found[0])
            continue

        def rank(sub: Submission):
            stamp = _parse_time(sub.timestamp)
            return (sub.folder is not None, stamp is not None, stamp or 0,
                    sub.origin.startswith("the folder"))

        found.sort(key=rank, reverse=True)
        keep, rest = found[0], found[1:]
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


def _unpacked(submitted: Path, dest: Path) -> Path:
    """SUBMITTED may be an LMS's download archive itself: unpacked safely, then read."""
    if not submitted.is_file():
        return submitted
    if submitted.suffix.lower() != ".zip":
        raise LmsError(f"{submitted} is a file: give the folder of submissions, or the LMS's "
                       "download archive (.zip)")
    dest.mkdir(parents=True, exist_ok=True)
    problem = unzip(submitted, dest)
    if problem:
        raise LmsError(problem)
    entries = [p for p in dest.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() and \
        lms_kind(entries[0]) else dest


def prepare_each(root: Path, assignment_ids,
                 changes: dict[str, str] | None = None) -> tuple[dict[str, Prepared],
                                                                  dict[str, str]]:
    """Every assignment prepared that can be, and recorded in the course gradebook as it is now:
    ``(prepared, problems)``, where ``problems`` maps an assignment that could not be prepared to
    the reason in words, for its error rows, and ``changes`` (when given) receives what changed
    in an assignment since it was last graded. One broken assignment never stops the others."""
    prepared, problems = {}, {}
    for aid in sorted(set(assignment_ids)):
        try:
            ready = prepare(root, aid)
            change = _ensure_assignment(root, aid, ready.notebook_names(), ready.gradebook)
            if change and changes is not None:
                changes[aid] = change
            prepared[aid] = ready
        except (PreparationFailed, BadLateRules) as exc:
            problems[aid] = f"the assignment could not be prepared: {exc}"
        except Exception as exc:  # noqa: BLE001 - reported in the rows, never a traceback
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            problems[aid] = (f"the assignment could not be prepared: "
                             f"{type(exc).__name__}: {first[:300]}")
    return prepared, problems


def grade(root: Path, submitted: Path, out: Path, *, workers: int | None = None,
          assignment: str | None = None, force: bool = False, quiet: bool = False,
          sandbox: bool = True, limits: Limits | None = None,
          roster: Path | None = None, pseudonymise: bool = False) -> GradeRun:
    """Grade every submission under ``submitted`` into ``out``, in five stages: discover (what
    was submitted, one per student and assignment), plan (prepare assignments, pre-check, skip
    what is unchanged), run (workers grade and render), record (gradebook, autograded notebooks
    for formgrader, feedback), export (grades.csv, gradebook.csv, report.html). Each
    submission's run and record sit inside its own failure boundary: whatever happens, every
    submission found ends with exactly one row."""
    started = time.monotonic()
    limits = limits or Limits()
    # Absolute paths: workers and kernels run elsewhere, so nothing may depend on this cwd.
    root, submitted, out = root.resolve(), submitted.resolve(), out.resolve()
    put_own_scripts_on_path()  # nbgrader runs alembic by name whenever it opens a gradebook
    check_course_config(root)
    if sandbox:
        ensure_available()
    known = assignment_ids(root)
    if assignment is not None and assignment not in known:
        raise UnknownAssignment(assignment)
    wanted = [assignment] if assignment else known
    out.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(out)
    work_root = out / ".work"
    state_path = out / "state.json"
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    run = GradeRun()

    # discover
    submitted = _unpacked(submitted, work_root / "download")
    found, notes = _one_per_student(discover(submitted, wanted, work_root / "staging",
                                             read_roster(roster), known))
    for sub in found:
        if sub.note:
            key = f"{sub.student}/{sub.assignment}"
            notes[key] = f"{sub.note}; {notes[key]}" if key in notes else sub.note
    # plan
    changes: dict[str, str] = {}
    prepared, unprepared = prepare_each(root, {s.assignment for s in found
                                               if s.assignment in known}, changes)
    jobs, rows = [], {}
    for number, sub in enumerate(found):
        key = f"{sub.student}/{sub.assignment}"
        try:
            if sub.assignment not in prepared:
                problem = unprepared.get(sub.assignment) or sub.problem or "unknown assignment"
                rows[key] = _error_row(sub.student, sub.assignment, problem)
                state.pop(key, None)
                continue
            folder, problem = _precheck(prepared[sub.assignment], sub,
                                        work_root / "renamed" / str(number))
            if problem:
                rows[key] = _error_row(sub.student, sub.assignment, problem)
                state[key] = {"fingerprint": None, "row": rows[key]}
                continue
            fingerprint = _fingerprint(prepared[sub.assignment], folder)
            previous = state.get(key)
            if not force and previous and previous.get("fingerprint") == fingerprint:
                run.reused += 1
                continue
            jobs.append(_Job(sub, key, folder, fingerprint, work_root / "scratch" / str(number)))
        except Exception as exc:  # noqa: BLE001 - one submission never stops the rest
            rows[key] = _error_row(sub.student, sub.assignment,
                                   f"could not be read: {type(exc).__name__}: {exc}")
            state[key] = {"fingerprint": None, "row": rows[key]}

    for job in jobs:  # a changed exercise regrades every submission of it: say so on each row
        change = changes.get(job.sub.assignment)
        if change:
            notes[job.key] = f"{notes[job.key]}; {change}" if job.key in notes else change
    # run and record
    secret = privacy.load_key(privacy.key_path(root)) if pseudonymise else b""
    progress = tqdm(total=len(jobs), unit="submission", desc="grading", file=sys.stderr,
                    disable=quiet or not jobs, dynamic_ncols=True)
    workers = max(1, workers or os.cpu_count() or 1)
    # Biggest notebooks first, so that no long job is left alone at the end of the run.
    jobs.sort(key=lambda job: -sum(nb.stat().st_size for nb in job.folder.glob("*.ipynb")))
    # fork: workers start with nbgrader already imported (spawn re-imports it, ~1.5 s each).
    # The coordinator holds no threads or open connections at this point.
    context = get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_die_with_coordinator) as pool:
        futures = {pool.submit(_work, prepared[job.sub.assignment], str(job.folder),
                               job.sub.student, str(job.scratch), sandbox, limits): job
                   for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            sub = job.sub
            try:
                result = future.result()
                _keep(root, out, result)
                state[job.key] = {"fingerprint": job.fingerprint,
                                  "parts": [vars(p) for p in result.parts]}
                run.graded += 1
            except GradingFailed as exc:
                rows[job.key] = _error_row(sub.student, sub.assignment, f"nbgrader failed: {exc}")
                state[job.key] = {"fingerprint": job.fingerprint, "row": rows[job.key]}
            except Exception as exc:  # noqa: BLE001 - one broken submission never stops the rest
                rows[job.key] = _error_row(sub.student, sub.assignment,
                                           f"grading crashed: {type(exc).__name__}: {exc}")
                state[job.key] = {"fingerprint": job.fingerprint, "row": rows[job.key]}
            write_atomic(state_path, json.dumps(state, indent=1, sort_keys=True))
            shutil.rmtree(job.scratch, ignore_errors=True)
            progress.set_postfix_str(f"{privacy.pseudonym(secret, sub.student)}/{sub.assignment}"
                                     if pseudonymise else job.key, refresh=False)
            progress.update(1)
    progress.close()
    write_atomic(state_path, json.dumps(state, indent=1, sort_keys=True))

    # export: every row afresh, so manual points given in formgrader since the last run count.
    for key, entry in state.items():
        student, aid = key.split("/", 1)
        if aid not in wanted or key in rows:
            continue
        try:
            rows[key] = entry.get("row") or _row_from_gradebook(root, student, aid)
        except Exception as exc:  # noqa: BLE001 - a row says what went wrong
            rows[key] = _error_row(student, aid, f"could not read the gradebook: {exc}")
    for key, note in notes.items():
        if key in rows:
            rows[key] = {**rows[key], "detail": f"{rows[key]['detail']}; {note}"}
    missing = [f"{s.student}/{s.assignment}" for s in found
               if f"{s.student}/{s.assignment}" not in rows]
    for key in missing:  # a bug of ours, never a silent drop
        student, aid = key.split("/", 1)
        rows[key] = _error_row(student, aid, "no result was recorded (a bug: please report it)")
    run.rows = [rows[k] for k in sorted(rows)]
    run.errors = sum(r["status"] == "error" for r in run.rows)
    parts = {tuple(k.split("/", 1)): v.get("parts", []) for k, v in state.items()
             if k.split("/", 1)[1] in wanted}
    shared = run.rows
    if pseudonymise:
        shared = privacy.pseudonymise_rows(run.rows, secret)
        parts = {(privacy.pseudonym(secret, s), a): v for (s, a), v in parts.items()}
    write_atomic(out / "grades.csv", _csv(shared, COLUMNS))
    write_atomic(out / "gradebook.csv", _wide(shared, sorted({r["assignment_id"]
                                                               for r in shared})))
    write_atomic(out / "report.html", report.render(shared, parts))
    shutil.rmtree(work_root, ignore_errors=True)
    run.seconds = time.monotonic() - started
    return run


def _keep(root: Path, out: Path, result: SubmissionResult) -> None:
    """Record a worker's result: gradebook, autograded notebooks for formgrader (already reduced
    to safe content by the worker's pipeline), feedback pages (rendered by the worker)."""
    _record(root, result)
    for name, graded_path in result.autograded.items():
        if not Path(graded_path).exists():
            continue
        target = root / AUTOGRADED_DIRECTORY / result.student / result.assignment / f"{name}.ipynb"
        write_atomic(target, Path(graded_path).read_bytes())
    for name, page in result.feedback.items():
        write_atomic(out / "feedback" / result.student / result.assignment / f"{name}.html",
                     page)


__all__ = ["COLUMNS", "GradeRun", "Part", "grade"]
