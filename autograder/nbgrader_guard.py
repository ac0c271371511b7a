"""nbgrader's own commands in the course root, made as safe as ``ownit grade`` or refused.

``nbgrader_config.py`` applies :func:`guard_nbgrader_commands`, so the buttons of formgrader and
the ``nbgrader`` command line, run in the course root, obey the same rules as ``ownit grade``:

- ``autograde`` (formgrader's Autograde button) runs Own It's pipeline: forged metadata dropped,
  tests judged outside the kernel, every kernel in the sandbox (refused with a message where
  the sandbox is missing), and the autograded notebooks reduced to safe content before formgrader
  renders them in the instructor's browser;
- ``validate`` executes in the sandbox too (it uses the same ``Execute`` settings);
- ``generate_feedback`` (and so ``release_feedback`` of what it would make) is refused: nbgrader's
  feedback shows hidden tests and their tracebacks; Own It's feedback is in ``OUT/feedback``;
- ``export`` writes a CSV in which no field can start a spreadsheet formula.
"""

from __future__ import annotations

import csv

from nbgrader.api import MissingEntry
from nbgrader.plugins.export import ExportPlugin
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets.config import Config

from autograder.safe import spreadsheet_safe

FEEDBACK_REFUSED = (
    "nbgrader's generate_feedback is turned off in this course: its pages show the hidden tests "
    "and their tracebacks. `ownit grade SUBMITTED --out OUT` writes feedback without them in "
    "OUT/feedback/<student>/<assignment>/.")


class RequireSandbox(NbGraderPreprocessor):
    """First step of nbgrader's autograde here: no student code runs outside the sandbox."""

    def preprocess(self, nb, resources):
        from autograder.sandbox import SandboxUnavailable, ensure_available

        try:
            ensure_available()
        except SandboxUnavailable as exc:
            raise SandboxUnavailable(
                f"nbgrader autograde in this course runs student code only in Own It's sandbox, "
                f"which is not available here: {exc} Or grade with `ownit grade`.") from None
        return nb, resources


class RefuseNbgraderFeedback(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        raise RuntimeError(FEEDBACK_REFUSED)


class SafeCsvExportPlugin(ExportPlugin):
    """nbgrader's CSV export (same columns and values), quoted, with every field neutralised."""

    COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
               "email", "raw_score", "late_submission_penalty", "score", "max_score"]

    def export(self, gradebook) -> None:
        dest = self.to or "grades.csv"
        students = {str(s) for s in self.student}
        assignments = {str(a) for a in self.assignment}
        with open(dest, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(self.COLUMNS)
            for assignment in gradebook.assignments:
                if assignments and assignment.name not in assignments:
                    continue
                for student in gradebook.students:
                    if students and student.id not in students:
                        continue
                    row = {"assignment": assignment.name, "duedate": assignment.duedate,
                           "student_id": student.id, "last_name": student.last_name,
                           "first_name": student.first_name, "email": student.email,
                           "max_score": assignment.max_score, "timestamp": "",
                           "raw_score": 0.0, "late_submission_penalty": 0.0, "score": 0.0}
                    try:
                        sub = gradebook.find_submission(assignment.name, student.id)
                    except MissingEntry:
                        pass
                    else:
                        penalty = sub.late_submission_penalty or 0.0
                        row.update(timestamp=sub.timestamp, raw_score=sub.score,
                                   late_submission_penalty=penalty,
                                   score=max(0.0, sub.score - penalty))
                    writer.writerow([spreadsheet_safe("" if row[k] is None else row[k])
                                     for k in self.COLUMNS])


def guard_nbgrader_commands(c: Config) -> Config:
    from autograder.settings import harden

    harden(c, sandbox=True)
    c.Autograde.sanitize_preprocessors = [RequireSandbox, *c.Autograde.sanitize_preprocessors]
    c.GenerateFeedback.preprocessors = [RefuseNbgraderFeedback]
    c.ExportApp.plugin_class = SafeCsvExportPlugin
    return c
