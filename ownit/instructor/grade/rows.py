"""The rows of grades.csv: one per student and assignment (DESIGN.md's columns)."""

from __future__ import annotations

COLUMNS = ["student_id", "assignment_id", "score", "max_score", "status", "detail"]


def error_row(student: str, aid: str, detail: str) -> dict:
    return {"student_id": student, "assignment_id": aid, "score": "", "max_score": "",
            "status": "error", "detail": detail}


def with_note(row: dict, note: str) -> dict:
    return {**row, "detail": f"{row['detail']}; {note}"}
