"""``ownit grade``: a cohort graded in five named stages; workers grade, only this coordinator
writes.

1. discover (:mod:`.discover`): what was submitted, one submission per student and assignment;
2. plan (:mod:`.plan`): assignments prepared, submissions pre-checked, unchanged ones skipped;
3. run (:mod:`.run`): each submission graded by a worker through an executor (the local process
   pool by default), in a private scratch course, sandboxed, its feedback rendered there;
4. record (:mod:`.record`): the coordinator alone writes the course gradebook (so formgrader
   sees every submission and manual grading works as usual), autograded/, feedback and
   state.json (:mod:`.state`), so a rerun grades only what changed;
5. export (:mod:`.exports`): grades.csv, gradebook.csv and report.html, one class each.

Each submission's run and record sit inside its own failure boundary; whatever happens, every
submission found ends with exactly one row. Every file in OUT is written whole or not at all.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from autograder.assignment import UnknownAssignment, assignment_ids
from autograder.sandbox import ensure_available
from autograder.settings import BrokenConfig, Limits, load_course_config, put_own_scripts_on_path
from autograder.stage_clock import STAGES
from autograder.submission import Part
from ownit.instructor.grade import course_gradebook, discover, plan, privacy
from ownit.instructor.grade.files import WORK_FOLDER, clean_leftovers, write_atomic
from ownit.instructor.grade.record import record
from ownit.instructor.grade.rows import COLUMNS, error_row, with_note
from ownit.instructor.grade.run import Executor, LocalPool
from ownit.instructor.grade.state import State

EXPORTS = "ownit.instructor.grade.exports"  # stage 5, imported once the workers are busy


@dataclass
class GradeRun:
    rows: list[dict] = field(default_factory=list)
    graded: int = 0
    reused: int = 0
    errors: int = 0
    seconds: float = 0.0
    # --profile: seconds per stage, summed. The coordinator's own stages (discover, plan,
    # record, export) and each submission's (autograder.stage_clock.STAGES, in the worker).
    stages: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, seconds: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + seconds

    def profile(self) -> str:
        """The per-stage table ``ownit grade --profile`` prints."""
        graded = max(self.graded, 1)
        lines = [f"{'stage':<14}{'seconds':>9}{'per submission':>16}   where"]
        for stage in ("discover", "plan"):
            lines.append(f"{stage:<14}{self.stages.get(stage, 0):>9.2f}{'':>16}   coordinator")
        for stage in (*STAGES, "record"):
            where = "coordinator" if stage == "record" else "worker"
            total = self.stages.get(stage, 0)
            lines.append(f"{stage:<14}{total:>9.2f}{total / graded:>16.3f}   {where}")
        lines.append(f"{'export':<14}{self.stages.get('export', 0):>9.2f}{'':>16}   coordinator")
        lines.append(f"{'wall clock':<14}{self.seconds:>9.2f}{self.seconds / graded:>16.3f}   "
                     f"({self.graded} graded)")
        return "\n".join(lines)


def grade(root: Path, submitted: Path, out: Path, *, workers: int | None = None,
          assignment: str | None = None, force: bool = False, quiet: bool = False,
          sandbox: bool = True, limits: Limits | None = None,
          roster: Path | None = None, pseudonymise: bool = False,
          executor: Executor | None = None) -> GradeRun:
    """Grade every submission under ``submitted`` into ``out`` (see the module's stages)."""
    started = time.monotonic()
    limits = limits or Limits()
    # Absolute paths: workers and kernels run elsewhere, so nothing may depend on this cwd.
    root, submitted, out = root.resolve(), submitted.resolve(), out.resolve()
    put_own_scripts_on_path()  # nbgrader runs alembic by name whenever it opens a gradebook
    load_course_config(root)  # a broken nbgrader_config.py stops here, not in every row
    if sandbox:
        ensure_available()
    known = assignment_ids(root)
    if assignment is not None and assignment not in known:
        raise UnknownAssignment(assignment)
    wanted = [assignment] if assignment else known
    out.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out)
    work = out / WORK_FOLDER
    state = State(out)
    run = GradeRun()
    rows: dict[str, dict] = {}

    stage = time.perf_counter()
    found, notes = discover.submissions(submitted, wanted, known, work, roster, limits)
    run.add("discover", time.perf_counter() - stage)

    stage = time.perf_counter()
    changes: dict[str, str] = {}
    prepared, unprepared = plan.prepare_each(
        root, {s.assignment for s in found if s.assignment in known}, changes)
    jobs, run.reused = plan.jobs(found, prepared, unprepared, state, work, rows, force=force,
                                 limits=limits)
    for job in jobs:  # a changed exercise regrades every submission of it: say so on each row
        if job.sub.assignment in changes:
            change = changes[job.sub.assignment]
            notes[job.key] = f"{notes[job.key]}; {change}" if job.key in notes else change
    run.add("plan", time.perf_counter() - stage)

    secret = privacy.load_key(privacy.key_path(root)) if pseudonymise else b""
    progress = tqdm(total=len(jobs), unit="submission", desc="grading", file=sys.stderr,
                    disable=quiet or not jobs, dynamic_ncols=True)
    executor = executor or LocalPool(workers or os.cpu_count() or 1)
    for done, (job, outcome) in enumerate(executor.results(jobs, prepared, sandbox, limits)):
        if done == 0:
            # The exporters' libraries (pandas, matplotlib: half a second) load here, while the
            # workers grade and this process would only wait; imported before the pool forks,
            # they would delay the first submission and weigh on every worker. Should they
            # fail to import, the export stage imports them again and says why, after every
            # submission is recorded.
            with contextlib.suppress(Exception):
                importlib.import_module(EXPORTS)
        stage = time.perf_counter()
        for name, seconds in getattr(outcome, "seconds", {}).items():
            run.add(name, seconds)
        run.graded += record(root, out, job, outcome, state, rows)
        run.add("record", time.perf_counter() - stage)
        shutil.rmtree(job.scratch, ignore_errors=True)
        sub = job.sub
        progress.set_postfix_str(f"{privacy.pseudonym(secret, sub.student)}/{sub.assignment}"
                                 if pseudonymise else job.key, refresh=False)
        progress.update(1)
    progress.close()
    state.save()

    stage = time.perf_counter()
    run.rows = _rows(root, state, wanted, found, rows, notes)
    run.errors = sum(r["status"] == "error" for r in run.rows)
    _export(out, run.rows, state, wanted, secret if pseudonymise else None)
    run.add("export", time.perf_counter() - stage)
    shutil.rmtree(work, ignore_errors=True)
    run.seconds = time.monotonic() - started
    return run


def _rows(root: Path, state: State, wanted: list[str], found, rows: dict[str, dict],
          notes: dict[str, str]) -> list[dict]:
    """Every row afresh, so manual points given in formgrader since the last run count."""
    from_gradebook = []
    for key, entry in state.items():
        student, aid = key.split("/", 1)
        if aid not in wanted or key in rows:
            continue
        if entry.get("row"):
            rows[key] = entry["row"]
        else:
            from_gradebook.append((student, aid))
    if from_gradebook:
        try:
            read = course_gradebook.rows(root, from_gradebook)
        except Exception as exc:  # noqa: BLE001 - the gradebook would not open: every row says so
            read = dict.fromkeys(from_gradebook, exc)
        for (student, aid), result in read.items():
            rows[f"{student}/{aid}"] = result if isinstance(result, dict) else error_row(
                student, aid, f"could not read the gradebook: {result}")
    for key, note in notes.items():
        if key in rows:
            rows[key] = with_note(rows[key], note)
    for sub in found:  # a bug of ours, never a silent drop
        key = f"{sub.student}/{sub.assignment}"
        if key not in rows:
            rows[key] = error_row(sub.student, sub.assignment,
                                  "no result was recorded (a bug: please report it)")
    return [rows[k] for k in sorted(rows)]


def _export(out: Path, rows: list[dict], state: State, wanted: list[str],
            secret: bytes | None) -> None:
    parts = {tuple(k.split("/", 1)): v.get("parts", []) for k, v in state.items()
             if k.split("/", 1)[1] in wanted}
    if secret is not None:
        rows = privacy.pseudonymise_rows(rows, secret)
        parts = {(privacy.pseudonym(secret, s), a): v for (s, a), v in parts.items()}
    for exporter in importlib.import_module(EXPORTS).EXPORTERS:
        write_atomic(out / exporter.filename, exporter.render(rows, parts))


__all__ = ["COLUMNS", "BrokenConfig", "GradeRun", "Part", "grade"]
