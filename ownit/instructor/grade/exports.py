"""Stage 5, export: the files of OUT an instructor opens, one exporter class per format.

Every exporter gets the same rows (pseudonymised when asked) and the parts of each result, and
returns its file's text; adding a format is one class added to :data:`EXPORTERS`. Every field a
student chose (ids, names, error details) reaches a spreadsheet neutralised and a page escaped.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from autograder.safe import spreadsheet_safe
from ownit.instructor.grade import report
from ownit.instructor.grade.rows import COLUMNS

Parts = dict[tuple[str, str], list[dict]]  # (student, assignment) -> the parts of its result


def csv_text(rows: list[dict], columns: list[str]) -> str:
    """CSV for a spreadsheet: every field neutralised (ids, names and details are text a
    student chose, and a spreadsheet would evaluate a formula in them)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[spreadsheet_safe(c) for c in columns],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows({spreadsheet_safe(k): spreadsheet_safe(v) for k, v in row.items()}
                     for row in rows)
    return buffer.getvalue()


class Exporter:
    filename: str

    def render(self, rows: list[dict], parts: Parts) -> str:
        raise NotImplementedError


class GradesCsv(Exporter):
    """grades.csv: one row per student and assignment (DESIGN.md's columns)."""

    filename = "grades.csv"

    def render(self, rows, parts):
        return csv_text(rows, COLUMNS)


class WideCsv(Exporter):
    """gradebook.csv: one row per student, one column per assignment, and the total (a blank
    cell for a submission not graded or not made)."""

    filename = "gradebook.csv"

    def render(self, rows, parts):
        assignments = sorted({r["assignment_id"] for r in rows})
        columns = ["student_id", *assignments, "total"]
        if not rows:
            return csv_text([], columns)
        frame = pd.DataFrame(rows, columns=COLUMNS)
        frame["value"] = frame["score"].where(frame["status"] == "graded", "")
        wide = frame.pivot(index="student_id", columns="assignment_id", values="value")
        wide = wide.reindex(columns=assignments).fillna("").sort_index()
        totals = wide.apply(pd.to_numeric, errors="coerce").fillna(0).sum(axis=1)
        wide["total"] = [f"{t:g}" for t in totals]
        records = wide.reset_index().to_dict("records")
        return csv_text(records, columns)


class ReportPage(Exporter):
    """report.html: the plots and tables an instructor needs, one self-contained page."""

    filename = "report.html"

    def render(self, rows, parts):
        return report.render(rows, parts)


EXPORTERS: tuple[Exporter, ...] = (GradesCsv(), WideCsv(), ReportPage())
